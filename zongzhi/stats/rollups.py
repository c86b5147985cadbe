"""Keeping the rollups current: the hook that marks changed cells, the refresh job that
recomputes them, and the full rebuild (nightly reconcile, demo, after a bulk load).

A cell is (unit path, month). Where a case changes, the case engine calls
`core.changes.changed("case", [(path, reported_at)])`; `mark` appends one `DirtyCell` row (in
the writer's own statement when it writes in a batch). `refresh`:
1. takes the refresh lock (two workers never interleave their rewrites of one unit's rows);
2. reads the marked cells (up to the newest mark it saw);
3. per month, collects the units to recompute: every marked path and every unit above it;
4. recomputes them deepest first: a unit's rows are the cases reported at exactly its path in
   that month (raw rows of that cell only) plus its child units' rows, already current;
5. deletes the marks it handled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from zongzhi.cases.models import Case
from zongzhi.core.fastinsert import Batch, Inserter
from zongzhi.core.months import month_of, month_range, next_month
from zongzhi.core.scope import path_upper_bound
from zongzhi.units.models import PATH_LENGTH, Unit

from . import queries
from .models import CaseRollup, DirtyCell, RegistryRollup

# Where a case came from: the level of the unit that reported or started it, or a department.
SOURCE_LABELS: dict[str, str] = {
    "grid": "网格上报",
    "village": "村（社区）",
    "township": "乡镇（街道）",
    "county": "县级及以上",
    "department": "成员单位",
}
_PREFIXES = sorted(set(PATH_LENGTH.values()))

Key = tuple[str, str, str, int, str]  # kind, top category, status, overdue level, source
Acc = dict[Key, list[int]]  # count, handled, handling seconds


def source_of(department_id: int | None, level: str | None) -> str:
    if department_id is not None:
        return "department"
    if level in ("grid", "village", "township"):
        return str(level)
    return "county"


# --- marking ------------------------------------------------------------------------------------
_insert_mark = Inserter(DirtyCell)


def mark(area: str, cells: Iterable[tuple[str, Any]], batch: Batch | None = None) -> None:
    """`core.changes` hook: one DirtyCell row per distinct changed cell (in `batch` when given)."""
    seen: set[tuple[str, dt.date | None]] = set()
    own = Batch() if batch is None else None  # many cells (a sweep, an import): one statement
    for path, moment in cells:
        cell = (path, month_of(moment) if moment is not None else None)
        if cell in seen:
            continue
        seen.add(cell)
        _insert_mark.insert_values({"area": area, "path": path, "month": cell[1]}, batch=batch or own)
    if own is not None:
        own.send()


def unit_moved(old_path: str, new_path: str, old_parent_path: str) -> None:
    """`core.changes` move hook: a unit's subtree moved from `old_path` to `new_path`.

    1. the subtree's own rollup rows and pending marks move with it (a unit's rows count the
       cases and records of its own subtree only, which moved unchanged);
    2. the moved unit and its old parent are marked for every month the subtree has case
       figures, and for the registry: the refresh job then recomputes both chains of ancestors
       (the new township and county, the old ones) from their children's rows.

    Called inside the move's transaction; it takes the refresh lock first, so a refresh that
    is running finishes (or waits) rather than writing rows at the old path after the move.
    """
    queries.lock_refresh()
    months = list(CaseRollup.objects.filter(path=old_path).values_list("month", flat=True).distinct())
    in_old = Q(path__gte=old_path, path__lt=path_upper_bound(old_path))
    moved_path = Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    for model in (CaseRollup, RegistryRollup, DirtyCell):
        model.objects.filter(in_old).update(path=moved_path)
    mark("case", [(path, month) for month in months for path in (new_path, old_parent_path)])
    mark("registry", [(new_path, None), (old_parent_path, None)])


# --- computing ----------------------------------------------------------------------------------
def _case_rows(q: Q) -> QuerySet[Case, tuple[Any, ...]]:
    return (
        Case.objects.filter(q)
        .order_by()
        .values_list(
            "path",
            "created_at",
            "kind",
            "category_code",
            "status",
            "overdue_level",
            "initiator_department_id",
            "initiator_unit__level",
            "completed_at",
        )
    )


def _add(acc: Acc, row: tuple[Any, ...]) -> None:
    _path, created, kind, category, status, overdue, dept_id, level, completed = row
    key = (kind, (category or "")[:2], status, int(overdue), source_of(dept_id, level))
    cell = acc.get(key)
    if cell is None:
        cell = acc[key] = [0, 0, 0]
    cell[0] += 1
    if completed is not None:
        cell[1] += 1
        cell[2] += max(0, int((completed - created).total_seconds()))


def _merge(into: Acc, rows: Iterable[tuple[Any, ...]]) -> None:
    for kind, category, status, overdue, source, count, handled, seconds in rows:
        key = (kind, category, status, int(overdue), source)
        cell = into.get(key)
        if cell is None:
            cell = into[key] = [0, 0, 0]
        cell[0] += count
        cell[1] += handled
        cell[2] += seconds


def _rollup_rows(path: str, level: str, month: dt.date, acc: Acc) -> list[CaseRollup]:
    return [
        CaseRollup(
            path=path,
            level=level,
            month=month,
            kind=kind,
            category=category,
            status=status,
            overdue_level=overdue,
            source=source,
            count=count,
            handled=handled,
            handling_seconds=seconds,
        )
        for (kind, category, status, overdue, source), (count, handled, seconds) in acc.items()
        if count
    ]


_ROLLUP_VALUES = ("kind", "category", "status", "overdue_level", "source", "count", "handled", "handling_seconds")


def _unit_chain(paths: Iterable[str]) -> dict[str, str]:
    """Every unit at or above the given paths: {path: level}."""
    candidates: set[str] = set()
    for path in paths:
        candidates.add(path)
        candidates.update(path[:n] for n in _PREFIXES if n < len(path))
    return dict(Unit.objects.filter(path__in=candidates).values_list("path", "level"))


def recompute_cases(cells: Iterable[tuple[str, dt.date]]) -> int:
    """Rewrite the case rollups of these (path, month) cells and of every unit above them, from
    the cell's own raw rows and the children's rollups. Returns the number of units rewritten."""
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for path, month in cells:
        by_month[month].add(path)
    rewritten = 0
    for month, paths in by_month.items():
        units = _unit_chain(paths)
        children: dict[str, list[str]] = defaultdict(list)
        for parent, child in Unit.objects.filter(parent__path__in=list(units)).values_list("parent__path", "path"):
            children[parent].append(child)
        start, end = month_range(month)
        for path in sorted(units, key=len, reverse=True):  # deepest first: children are current
            acc: Acc = {}
            for row in _case_rows(Q(path=path, created_at__gte=start, created_at__lt=end)):
                _add(acc, row)
            if children.get(path):
                _merge(
                    acc,
                    CaseRollup.objects.filter(path__in=children[path], month=month).values_list(*_ROLLUP_VALUES),
                )
            CaseRollup.objects.filter(path=path, month=month).delete()
            CaseRollup.objects.bulk_create(_rollup_rows(path, units[path], month, acc))
            rewritten += 1
    return rewritten


def refresh(limit: int = 20000) -> dict[str, int]:
    """The background job: recompute the marked cells (see the module's steps)."""
    from .registry import recompute_registry

    with transaction.atomic():
        queries.lock_refresh()
        marks = list(DirtyCell.objects.order_by("id").values_list("id", "area", "path", "month")[:limit])
        if not marks:
            return {"cells": 0, "units": 0}
        last = marks[-1][0]
        case_cells = {(path, month) for _id, area, path, month in marks if area == "case" and month is not None}
        registry_paths = {path for _id, area, path, _month in marks if area != "case"}
        units = recompute_cases(case_cells)
        units += recompute_registry(registry_paths)
        DirtyCell.objects.filter(id__lte=last).delete()
    return {"cells": len(case_cells) + len(registry_paths), "units": units}


def rebuild_cases() -> int:
    """The nightly reconcile: every case rollup recomputed from the raw rows, month by month.
    Returns the number of rollup rows written."""
    units = dict(Unit.objects.values_list("path", "level"))
    chains: dict[str, list[str]] = {}
    first = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    last = Case.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    written = 0
    with transaction.atomic():
        queries.lock_refresh()
        CaseRollup.objects.all().delete()
        if first is None or last is None:
            return 0
        month, stop = month_of(first), month_of(last)
        while month <= stop:
            start, end = month_range(month)
            per_unit: dict[str, Acc] = defaultdict(dict)
            for row in _case_rows(Q(created_at__gte=start, created_at__lt=end)).iterator(chunk_size=5000):
                path = row[0]
                chain = chains.get(path)
                if chain is None:
                    chain = [p for p in (*(path[:n] for n in _PREFIXES if n < len(path)), path) if p in units]
                    chains[path] = chain
                for unit_path in chain:
                    _add(per_unit[unit_path], row)
            rows = [r for path, acc in per_unit.items() for r in _rollup_rows(path, units[path], month, acc)]
            CaseRollup.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
            month = next_month(month)
    return written


def rebuild_all() -> dict[str, int]:
    """Every rollup from the raw rows (nightly, after the demo or a bulk load), recorded as a
    `Rebuild` (the nightly reconcile runs once a day)."""
    from .models import Rebuild
    from .registry import rebuild_registry

    # Marks made from here on are refreshed afterwards; older ones are covered by the rebuild.
    last = DirtyCell.objects.order_by("-id").values_list("id", flat=True).first()
    result = {"cases": rebuild_cases(), "registry": rebuild_registry()}
    if last is not None:
        DirtyCell.objects.filter(id__lte=last).delete()
    Rebuild.objects.create(finished_at=timezone.now(), case_rows=result["cases"], registry_rows=result["registry"])
    return result


RECONCILE_HOUR = 2


def nightly_reconcile(now: dt.datetime | None = None) -> dict[str, int] | None:
    """Rebuild everything once a day from RECONCILE_HOUR on (local time); None when today's
    rebuild is already done or it is too early."""
    from .models import Rebuild

    now = timezone.localtime(now or timezone.now())
    if now.hour < RECONCILE_HOUR:
        return None
    since = timezone.make_aware(dt.datetime(now.year, now.month, now.day, RECONCILE_HOUR))
    if Rebuild.objects.filter(finished_at__gte=since).exists():
        return None
    return rebuild_all()
