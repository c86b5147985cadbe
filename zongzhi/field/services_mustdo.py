"""The daily must-do list (每日必办): generation, tick-off by data, manual ticks, completion.

Each grid worker (role `grid_worker`; their grids are the grid-level units of their capture
scope) gets, every morning, one `MustDoItem` per thing the day asks of them, one kind at a time
from the rules (`MustDoRule`, one per kind, edited by an administrator with `field.configure`):

- visit: key persons and care recipients of their grids whose next visit is due within the
  rule's `lead_days` (overdue included), one item per listing (`ref_id` the listing);
- inspection: security facilities of their grids not inspected this month (`ref_id` the facility);
- case: open cases their unit holds (the to-do list's cases; `ref_id` the case);
- warning: warnings sent to their unit and not acknowledged (`ref_id` the warning);
- zero_report: the zero report of the current period (the day inside a sensitive period, else
  the month) while not filed (`ref_id` 0);
- document: documents and notices sent to their unit or to them and not signed (`ref_id` the
  recipient row: a grid worker reads them on the phone but signs on the console);
- patrol: routes they patrol whose `weekdays` hold the day, on a working day (`ref_id` the route).

Generation (`generate_day`) reads each kind for all workers at once (a few queries per kind,
none per worker) and writes with `bulk_create(ignore_conflicts=True)` on the unique (worker, day,
kind, ref_id): running it again adds what is new and never duplicates.

Tick-off by data (`refresh_done`): an item is done when the data says so on its day: the visit
recorded, the inspection saved this month, the case gone from the worker's hands, the warning
acknowledged, the zero report (or an information report) filed, the document signed, a patrol
on the route ended by the worker. Evaluated for any set of items in one query per kind, when a
list is read and when lists are generated; the items found done are written back
(`done_how="data"`). The kinds the system cannot tell (`MANUAL_KINDS`) are ticked by the worker
with a note (`tick`), idempotently: a resend from the phone's queue changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zongzhi.alerts.models import (
    InformationReport,
    PeriodKind,
    RecipientStatus,
    SensitivePeriod,
    WarningLevel,
    WarningRecipient,
    WarningStatus,
    ZeroReport,
)
from zongzhi.alerts.services_warnings import front_line_villages_of
from zongzhi.audit.services import record_event
from zongzhi.calendar import workdays
from zongzhi.cases.models import OPEN_STATUSES, Case, Status
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, InvalidInput, NotFound
from zongzhi.core.masking import mask_value
from zongzhi.core.months import month_end, month_of
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.office.models import DocumentRecipient, Patrol, PatrolRoute
from zongzhi.people.models import GROUP_TABLES, Group, PersonCategory, Visit
from zongzhi.places.models import Facility, Inspection
from zongzhi.units.models import Level, Unit, User

from .models import MustDoItem, MustDoKind, MustDoRule

AUDIT_LABELS: dict[str, str] = {
    "field.mustdo_ticked": "手动勾选每日必办",
    "field.mustdo_rule_updated": "修改每日必办规则",
}

GRID_WORKER_ROLE = "grid_worker"
CONFIGURE = "field.configure"
READ = "records.read"
# The kinds the system cannot tell from the data on the phone: a grid worker reads documents
# on the phone but has no right to sign them (office.write), and a scheduled patrol may be
# called off (weather, another duty). Every other kind ticks itself when the work is recorded.
MANUAL_KINDS = frozenset({MustDoKind.DOCUMENT, MustDoKind.PATROL})
MAX_LEAD_DAYS = 30
CHUNK = 900  # ids or paths per IN (...) list
# The morning job: lists are generated once a day, from this hour on (Asia/Shanghai).
MORNING_HOUR = 6
KIND_ORDER = [k.value for k in MustDoKind]


@dataclass
class Worker:
    """What generation needs of one grid worker, loaded for all of them at once."""

    id: int
    unit_id: int | None
    home: str  # the path items about the worker's unit are counted under
    grids: list[str] = field(default_factory=list)
    unit_path: str = ""  # their unit's own path
    villages: set[int] = field(default_factory=set)  # the villages holding their grids
    # the units their zero report is filed for (id, path): their unit, then each grid of their
    # capture scope (alerts.services_zero.reporting_units)
    reporting: list[tuple[int, str]] = field(default_factory=list)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


@functools.lru_cache(maxsize=512)
def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


# --- rules ------------------------------------------------------------------------------------


def active_rules() -> dict[str, MustDoRule]:
    return {r.kind: r for r in MustDoRule.objects.filter(enabled=True)}


def list_rules(user: User) -> list[MustDoRule]:
    require_cap(user, CONFIGURE, "没有查看每日必办规则的权限")
    return list(MustDoRule.objects.order_by("id"))


def update_rule(*, acting_user: User, kind: str, enabled: bool, lead_days: int, note: str) -> MustDoRule:
    """Change one kind's rule (whether it goes on the lists, how far ahead it looks); audited."""
    require_cap(acting_user, CONFIGURE, "没有修改每日必办规则的权限")
    if kind not in MustDoKind.values:
        raise NotFound("该事项不存在")
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise InvalidInput.field("lead_days", f"提前天数须在0到{MAX_LEAD_DAYS}天之间", code="lead_days_range")
    note = (note or "").strip()
    if len(note) > 200:
        raise InvalidInput.field("note", "说明不能超过200个字", code="too_long")
    with transaction.atomic():
        rule = MustDoRule.objects.select_for_update().filter(kind=kind).first()
        if rule is None:
            rule = MustDoRule(kind=kind)
        before = {"enabled": rule.enabled, "lead_days": rule.lead_days, "note": rule.note}
        rule.enabled, rule.lead_days, rule.note = enabled, lead_days, note
        rule.save()
        record_event(
            "field.mustdo_rule_updated",
            obj=rule,
            detail={
                "kind": kind,
                "before": before,
                "after": {"enabled": enabled, "lead_days": lead_days, "note": note},
            },
        )
    return rule


# --- workers ----------------------------------------------------------------------------------


def grid_workers(workers: Iterable[User | int] | None = None, under: str | None = None) -> list[Worker]:
    """The active grid workers (all, the given ones, or those whose unit lies under `under`),
    each with their grids: two queries whatever their number."""
    qs = User.objects.filter(is_active=True, roles__code=GRID_WORKER_ROLE)
    if workers is not None:
        qs = qs.filter(pk__in=[w if isinstance(w, int) else w.pk for w in workers])
    if under is not None:
        qs = qs.filter(subtree_q([under], "unit__path"))
    rows = list(qs.distinct().values_list("pk", "unit_id", "unit__path", "unit__level"))
    if not rows:
        return []
    through = User.capture_scope.through
    grids: dict[int, list[tuple[str, int]]] = defaultdict(list)
    villages: dict[int, set[int]] = defaultdict(set)
    scope = through.objects.filter(unit__level=Level.GRID, unit__is_retired=False)
    scope = scope.filter(user_id__in=[r[0] for r in rows]) if len(rows) <= CHUNK else scope.filter(user__in=qs)
    # the villages are `front_line_villages_of`'s rule, read in the same pass over the scope
    for user_id, grid_id, path, village_id, department_id in scope.values_list(
        "user_id", "unit_id", "unit__path", "unit__parent_id", "user__department_id"
    ):
        grids[user_id].append((path, grid_id))
        if village_id is not None and department_id is None:
            villages[user_id].add(village_id)
    out = []
    for pk, unit_id, unit_path, level in rows:
        mine = sorted(grids.get(pk, []))
        paths = [g for g, _ in mine]
        home = unit_path if level == Level.GRID or not paths else paths[0]
        reporting = [(unit_id, unit_path or "")] if unit_id is not None else []
        reporting += [(g_id, g) for g, g_id in mine if g_id != unit_id]
        out.append(Worker(pk, unit_id, home or "", paths, unit_path or "", villages.get(pk, set()), reporting))
    return out


def _by_grid(workers: list[Worker]) -> dict[str, list[Worker]]:
    out: dict[str, list[Worker]] = defaultdict(list)
    for w in workers:
        for g in w.grids:
            out[g].append(w)
    return out


def _by_unit(workers: list[Worker]) -> dict[int, list[Worker]]:
    out: dict[int, list[Worker]] = defaultdict(list)
    for w in workers:
        if w.unit_id is not None:
            out[w.unit_id].append(w)
    return out


# --- generation, one kind at a time -------------------------------------------------------------


def _item(
    w: Worker, day: dt.date, kind: str, ref_id: int, title: str, detail: str, due_on: dt.date | None, path: str
) -> MustDoItem:
    return MustDoItem(
        worker_id=w.id,
        day=day,
        kind=kind,
        ref_id=ref_id,
        title=title[:200],
        detail=detail[:200],
        due_on=due_on,
        path=path,
    )


def _visits(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    by_grid = _by_grid(workers)
    if not by_grid:
        return []
    until = day + dt.timedelta(days=rule.lead_days)
    names = {g: labels(table) for g, table in GROUP_TABLES.items()}
    out = []
    for paths in _chunks(sorted(by_grid)):
        rows = PersonCategory.objects.filter(
            is_retired=False, next_visit_on__lte=until, path__in=list(paths)
        ).values_list("pk", "path", "group", "category_code", "next_visit_on", "resident__name")
        for pk, path, group, code, due, name in rows:
            late = (day - due).days
            when = f"已逾期{late}天" if late > 0 else ("今日到期" if late == 0 else f"{due:%m月%d日}到期")
            what = names.get(group, {}).get(code, "") or Group(group).label
            for w in by_grid[path]:
                out.append(_item(w, day, MustDoKind.VISIT, pk, f"走访{mask_value(name)}", f"{what}，{when}", due, path))
    return out


def _inspections(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    by_grid = _by_grid(workers)
    first, last = month_of(day), month_end(day)
    kinds = labels("facility_kind")
    out = []
    for paths in _chunks(sorted(by_grid)):
        rows = (
            Facility.objects.filter(is_retired=False, path__in=list(paths))
            .filter(Q(last_inspected_on__isnull=True) | Q(last_inspected_on__lt=first))
            .values_list("pk", "path", "name", "kind_code", "last_inspected_on")
        )
        for pk, path, name, code, seen in rows:
            detail = f"{kinds.get(code, '治安设施')}，" + (f"上次巡检{seen:%m月%d日}" if seen else "尚无巡检记录")
            for w in by_grid[path]:
                out.append(_item(w, day, MustDoKind.INSPECTION, pk, f"巡检{name}", detail, last, path))
    return out


def _cases(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    by_unit = _by_unit(workers)
    out = []
    for units in _chunks(sorted(by_unit)):
        rows = Case.objects.filter(
            status__in=OPEN_STATUSES, holder_unit_id__in=list(units), holder_department__isnull=True
        ).values_list("pk", "holder_unit_id", "title", "status", "number", "due_at")
        for pk, unit_id, title, status, number, due_at in rows:
            detail = _status_label(status) + (f"，{number}" if number else "")
            for w in by_unit[unit_id]:
                out.append(_item(w, day, MustDoKind.CASE, pk, title, detail, _local_day(due_at), w.home))
    return out


def _status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def _warning_units(homes: dict[int, int | None]) -> dict[int, set[int]]:
    """The units whose warnings each worker (id: their unit) acknowledges, as
    alerts.services_warnings.Mine counts them: their own unit, and their front-line villages
    (`front_line_villages_of`: the villages holding the grids of their capture scope)."""
    villages = front_line_villages_of(homes)
    return {w: ({u} if u is not None else set()) | villages.get(w, set()) for w, u in homes.items()}


def _warnings(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    """One item per pending warning of a unit the worker acknowledges for (`_warning_units`);
    a warning sent to two of them (the worker's grids in two villages) is one item. The
    villages come with the workers (`grid_workers`), so no query repeats `_warning_units`."""
    by_unit: dict[int, list[Worker]] = defaultdict(list)
    for w in workers:
        for unit_id in ({w.unit_id} if w.unit_id is not None else set()) | w.villages:
            by_unit[unit_id].append(w)
    out: dict[tuple[int, int], MustDoItem] = {}
    for units in _chunks(sorted(by_unit)):
        rows = WarningRecipient.objects.filter(
            unit_id__in=list(units),
            department__isnull=True,
            status=RecipientStatus.PENDING,
            warning_status=WarningStatus.ACTIVE,
        ).values_list("warning_id", "unit_id", "warning__title", "level", "ack_due_at")
        for warning_id, unit_id, title, level, due_at in rows:
            detail = f"{WarningLevel(level).label}，待签收"
            for w in by_unit[unit_id]:
                out.setdefault(
                    (w.id, warning_id),
                    _item(w, day, MustDoKind.WARNING, warning_id, title, detail, _local_day(due_at), w.home),
                )
    return list(out.values())


def _sensitive(low: dt.date, high: dt.date) -> list[SensitivePeriod]:
    return list(SensitivePeriod.objects.filter(is_cancelled=False, starts_on__lte=high, ends_on__gte=low))


def _is_daily(path: str, day: dt.date, sensitive: list[SensitivePeriod]) -> bool:
    return any(path.startswith(p.path) and p.starts_on <= day <= p.ends_on for p in sensitive)


@dataclass
class _ZeroFacts:
    """Zero reports and information reports of some units between two days: when each period
    of each unit was reported (the earliest moment), for `reported`."""

    sensitive: list[SensitivePeriod]
    zero: dict[tuple[int, str, dt.date], dt.datetime]
    info: dict[int, list[dt.datetime]]

    def reported(self, unit_id: int, path: str, day: dt.date) -> dt.datetime | None:
        """When the period owed on `day` was reported, if it was by the end of that day."""
        _, end = _day_range(day)
        if _is_daily(path, day, self.sensitive):
            kind, start = PeriodKind.DAILY, day
            low, _ = _day_range(day)
        else:
            kind, start = PeriodKind.MONTHLY, month_of(day)
            low, _ = _day_range(start)
        at = self.zero.get((unit_id, kind, start))
        candidates = [at] if at is not None and at < end else []
        candidates += [t for t in self.info.get(unit_id, []) if low <= t < end]
        return min(candidates) if candidates else None

    def all_reported(self, units: Sequence[tuple[int, str]], day: dt.date) -> dt.datetime | None:
        """When the last of `units` reported the period owed on `day` (None while one owes)."""
        times = [self.reported(unit_id, path, day) for unit_id, path in units]
        if not times or any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)


ZeroMemo = dict[tuple[tuple[int, ...], dt.date, dt.date], _ZeroFacts]


def _zero_facts(unit_ids: Sequence[int], low: dt.date, high: dt.date, memo: ZeroMemo | None = None) -> _ZeroFacts:
    """Read once per call of `my_list`: generation and the tick-off pass right after it ask for
    the same units and day (`memo`, kept for that one call)."""
    key = (tuple(unit_ids), low, high)
    if memo is not None and key in memo:
        return memo[key]
    facts = _read_zero_facts(unit_ids, low, high)
    if memo is not None:
        memo[key] = facts
    return facts


def _read_zero_facts(unit_ids: Sequence[int], low: dt.date, high: dt.date) -> _ZeroFacts:
    first = month_of(low)
    zero: dict[tuple[int, str, dt.date], dt.datetime] = {}
    info: dict[int, list[dt.datetime]] = defaultdict(list)
    start, _ = _day_range(first)
    _, end = _day_range(high)
    for units in _chunks(list(unit_ids)):
        for unit_id, kind, period_start, at in ZeroReport.objects.filter(
            unit_id__in=list(units), informant__isnull=True, period_start__gte=first, period_start__lte=high
        ).values_list("unit_id", "period_kind", "period_start", "reported_at"):
            zero[(unit_id, kind, period_start)] = at
        for unit_id, at in InformationReport.objects.filter(
            reporter_unit_id__in=list(units), created_at__gte=start, created_at__lt=end
        ).values_list("reporter_unit_id", "created_at"):
            info[unit_id].append(at)
    return _ZeroFacts(_sensitive(first, high), zero, info)


def _zero_reports(
    day: dt.date, rule: MustDoRule, workers: list[Worker], memo: ZeroMemo | None = None
) -> list[MustDoItem]:
    """One item per worker while a unit their zero report is filed for (their unit and each grid
    of their capture scope: `Worker.reporting`) has not reported the period owed on `day`."""
    with_units = [w for w in workers if w.reporting]
    if not with_units:
        return []
    facts = _zero_facts(sorted({u for w in with_units for u, _ in w.reporting}), day, day, memo)
    out = []
    for w in with_units:
        owing = [(u, path) for u, path in w.reporting if facts.reported(u, path, day) is None]
        if not owing:
            continue
        if any(_is_daily(path, day, facts.sensitive) for _, path in owing):
            label, due = f"{day:%Y年%m月%d日}（敏感期日报）", day
        else:
            label, due = f"{day:%Y年%m月}月报", month_end(day)
        left = "尚未报送" if len(w.reporting) == 1 else f"{len(owing)}个网格尚未报送"
        out.append(_item(w, day, MustDoKind.ZERO_REPORT, 0, "报送零报告", f"{label}，{left}", due, w.home))
    return out


def _documents(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    by_unit = _by_unit(workers)
    ids = {w.id for w in workers}
    out = []
    for units in _chunks(sorted(by_unit)):
        rows = (
            DocumentRecipient.objects.filter(
                unit_id__in=list(units), signed_at__isnull=True, document__withdrawn_at__isnull=True
            )
            .filter(Q(department__isnull=True, user__isnull=True) | Q(user__isnull=False))
            .values_list("pk", "unit_id", "user_id", "document__title", "sign_due_at")
        )
        for pk, unit_id, user_id, title, due_at in rows:
            if user_id is not None and user_id not in ids:
                continue
            for w in by_unit[unit_id]:
                if user_id is None or user_id == w.id:
                    out.append(_item(w, day, MustDoKind.DOCUMENT, pk, title, "待签收", _local_day(due_at), w.home))
    return out


def _patrols(day: dt.date, rule: MustDoRule, workers: list[Worker]) -> list[MustDoItem]:
    if not workdays.is_workday(day):
        return []
    by_id = {w.id: w for w in workers}
    through = PatrolRoute.members.through
    out = []
    for ids in _chunks(sorted(by_id)):
        rows = through.objects.filter(
            user_id__in=list(ids),
            patrolroute__withdrawn_at__isnull=True,
            patrolroute__weekdays__contains=str(day.isoweekday()),
        ).values_list(
            "user_id", "patrolroute_id", "patrolroute__name", "patrolroute__starts_at", "patrolroute__ends_at"
        )
        for user_id, route_id, name, starts, ends in rows:
            w = by_id[user_id]
            hours = f"{starts:%H:%M}–{ends:%H:%M}" if starts and ends else "今日排班"
            out.append(_item(w, day, MustDoKind.PATROL, route_id, f"巡逻：{name}", hours, day, w.home))
    return out


GENERATORS: dict[str, Any] = {
    MustDoKind.VISIT: _visits,
    MustDoKind.INSPECTION: _inspections,
    MustDoKind.CASE: _cases,
    MustDoKind.WARNING: _warnings,
    MustDoKind.ZERO_REPORT: _zero_reports,
    MustDoKind.DOCUMENT: _documents,
    MustDoKind.PATROL: _patrols,
}


@dataclass
class GenerateResult:
    workers: int
    created: int
    done: int


def generate_day(day: dt.date, workers: Iterable[User | int] | None = None) -> GenerateResult:
    """Build the day's list of every grid worker (or of `workers`), from the enabled rules:

    1. load the workers with their grids (two queries);
    2. per enabled kind, read what is due for all of them at once and make the items;
    3. write them with `bulk_create(ignore_conflicts=True)`: an item already on the list stays
       as it is (re-running adds only what is new);
    4. tick off by data the day's open items of these workers (`refresh_done`).
    """
    people = grid_workers(workers)
    if not people:
        return GenerateResult(0, 0, 0)
    ids = [w.id for w in people]
    before = _count_day(day, ids)
    _insert_day(day, people)
    created = _count_day(day, ids) - before
    done = 0
    units, reporting = _facts_of(people)
    for chunk in _chunks(ids):
        open_items = MustDoItem.objects.filter(day=day, worker_id__in=list(chunk), done_at__isnull=True)
        done += refresh_done(open_items, units, reporting)
    return GenerateResult(len(people), created, done)


def _insert_day(day: dt.date, people: list[Worker], memo: ZeroMemo | None = None) -> None:
    """Steps 2 and 3 of `generate_day`: each enabled kind's items, written once."""
    rules = active_rules()
    items: list[MustDoItem] = []
    for kind, make in GENERATORS.items():
        rule = rules.get(kind)
        if rule is None:
            continue
        items.extend(
            _zero_reports(day, rule, people, memo) if kind == MustDoKind.ZERO_REPORT else make(day, rule, people)
        )
    MustDoItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=2000)


Reporting = dict[int, list[tuple[int, str]]]


def _facts_of(people: list[Worker]) -> tuple[dict[int, tuple[int | None, str]], Reporting]:
    """What the tick-off by data needs of the workers, from what `grid_workers` loaded."""
    return {w.id: (w.unit_id, w.unit_path) for w in people}, {w.id: w.reporting for w in people}


def _count_day(day: dt.date, ids: list[int]) -> int:
    if len(ids) > CHUNK:
        return MustDoItem.objects.filter(day=day).count()  # every worker: the day's total moves the same way
    return MustDoItem.objects.filter(day=day, worker_id__in=ids).count()


def morning_job(now: dt.datetime | None = None) -> GenerateResult | None:
    """The daily job (scheduled every few minutes, see settings.CELERY_BEAT_SCHEDULE): from
    MORNING_HOUR on a working day, once per day (a marker in Django's cache; a second process
    running it too is harmless, generation being idempotent), close yesterday's open items by
    data and generate today's lists."""
    now = timezone.localtime(now or timezone.now())
    day = now.date()
    if now.hour < MORNING_HOUR or not workdays.is_workday(day):
        return None
    if not cache.add(f"zongzhi:mustdo:generated:{day.isoformat()}", "1", timeout=2 * 86400):
        return None
    refresh_done(MustDoItem.objects.filter(day=day - dt.timedelta(days=1), done_at__isnull=True))
    return generate_day(day)


# --- tick-off by data -------------------------------------------------------------------------


def refresh_done(
    items: QuerySet[MustDoItem] | Sequence[MustDoItem],
    units: dict[int, tuple[int | None, str]] | None = None,
    reporting: Reporting | None = None,
    memo: ZeroMemo | None = None,
) -> int:
    """Tick off by data the open ones of `items`, in one query per kind present (three for zero
    reports) and one write; returns how many were found done. The items passed as objects are
    updated in place. `units` (each worker's unit and its path) and `reporting` (the units each
    worker's zero report is filed for) are read when not given."""
    rows = [i for i in (list(items) if isinstance(items, QuerySet) else items) if i.done_at is None]
    if not rows:
        return 0
    by_kind: dict[str, list[MustDoItem]] = defaultdict(list)
    for i in rows:
        by_kind[i.kind].append(i)
    workers = {i.worker_id for i in rows}
    if units is None or not workers <= set(units):
        units = _worker_units(workers) if {"case", "warning"} & set(by_kind) else {}
    if MustDoKind.ZERO_REPORT in by_kind and (reporting is None or not workers <= set(reporting)):
        reporting = _reporting_of(workers)
    found: list[MustDoItem] = []
    for kind, group in by_kind.items():
        check = CHECKS.get(kind)
        if check is None:
            continue
        pairs = _check_zero(group, reporting or {}, memo) if kind == MustDoKind.ZERO_REPORT else check(group, units)
        for item, at in pairs:
            item.done_at, item.done_how = at, MustDoItem.DoneHow.DATA
            found.append(item)
    if found:
        MustDoItem.objects.bulk_update(found, ["done_at", "done_how"], batch_size=1000)
    return len(found)


def _reporting_of(ids: set[int]) -> Reporting:
    """The units each worker's zero report is filed for (`Worker.reporting`)."""
    return {w.id: w.reporting for w in grid_workers(sorted(ids))}


def _worker_units(ids: set[int]) -> dict[int, tuple[int | None, str]]:
    out: dict[int, tuple[int | None, str]] = {}
    for chunk in _chunks(sorted(ids)):
        for pk, unit_id, path in User.objects.filter(pk__in=list(chunk)).values_list("pk", "unit_id", "unit__path"):
            out[pk] = (unit_id, path or "")
    return out


def _span(items: list[MustDoItem]) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    low, high = min(i.day for i in items), max(i.day for i in items)
    return low, high, _day_range(low)[0], _day_range(high)[1]


def _refs(items: list[MustDoItem]) -> list[int]:
    return sorted({i.ref_id for i in items})


Checked = Iterable[tuple[MustDoItem, dt.datetime]]


def _check_visits(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    low, _high, start, end = _span(items)
    seen: dict[int, list[tuple[dt.date, dt.datetime]]] = defaultdict(list)
    for refs in _chunks(_refs(items)):
        for cat, on, at in Visit.objects.filter(
            Q(visited_on__gte=low) | Q(created_at__gte=start), category_id__in=list(refs), created_at__lt=end
        ).values_list("category_id", "visited_on", "created_at"):
            seen[cat].append((on, at))
    for i in items:
        day_start, day_end = _day_range(i.day)
        hits = [at for on, at in seen.get(i.ref_id, []) if on == i.day or day_start <= at < day_end]
        if hits:
            yield i, min(hits)


def _check_inspections(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    low, _high, _start, end = _span(items)
    seen: dict[int, list[tuple[dt.date, dt.datetime]]] = defaultdict(list)
    for refs in _chunks(_refs(items)):
        for fac, on, at in Inspection.objects.filter(
            facility_id__in=list(refs), inspected_on__gte=month_of(low), created_at__lt=end
        ).values_list("facility_id", "inspected_on", "created_at"):
            seen[fac].append((on, at))
    for i in items:
        _, day_end = _day_range(i.day)
        hits = [at for on, at in seen.get(i.ref_id, []) if month_of(i.day) <= on and at < day_end]
        if hits:
            yield i, min(hits)


def _check_cases(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    state: dict[int, tuple[str, int | None, int | None, dt.datetime]] = {}
    for refs in _chunks(_refs(items)):
        for pk, status, unit_id, dept_id, at in Case.objects.filter(pk__in=list(refs)).values_list(
            "pk", "status", "holder_unit_id", "holder_department_id", "updated_at"
        ):
            state[pk] = (status, unit_id, dept_id, at)
    now = timezone.now()
    for i in items:
        s = state.get(i.ref_id)
        if s is None:
            continue
        status, unit_id, dept_id, at = s
        waiting = status in OPEN_STATUSES and dept_id is None and unit_id == units.get(i.worker_id, (None, ""))[0]
        _, day_end = _day_range(i.day)
        if not waiting and at < day_end:
            yield i, min(at, now)


def _check_warnings(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    """Done when a recipient row of the warning that is the worker's (their unit's, or their
    village's: acknowledged by the worker or by a village officer) was acknowledged by the end
    of the item's day."""
    units_of = _warning_units({w: units.get(w, (None, ""))[0] for w in {i.worker_id for i in items}})
    acked: dict[tuple[int, int], dt.datetime] = {}
    unit_ids = sorted({u for mine in units_of.values() for u in mine})
    for refs in _chunks(_refs(items)):
        for warning_id, unit_id, at in WarningRecipient.objects.filter(
            warning_id__in=list(refs), unit_id__in=unit_ids, department__isnull=True, acknowledged_at__isnull=False
        ).values_list("warning_id", "unit_id", "acknowledged_at"):
            acked[(warning_id, unit_id)] = at
    for i in items:
        hits = [at for u in units_of.get(i.worker_id, ()) if (at := acked.get((i.ref_id, u))) is not None]
        if hits and min(hits) < _day_range(i.day)[1]:
            yield i, min(hits)


def _check_zero(items: list[MustDoItem], reporting: Reporting, memo: ZeroMemo | None = None) -> Checked:
    """Done when every unit the worker's zero report is filed for (their unit and their grids)
    reported the period owed on the item's day: at the last of them."""
    low, high, _start, _end = _span(items)
    unit_ids = sorted({u for i in items for u, _ in reporting.get(i.worker_id, [])})
    facts = _zero_facts(unit_ids, low, high, memo)
    for i in items:
        at = facts.all_reported(reporting.get(i.worker_id, []), i.day)
        if at is not None:
            yield i, at


def _check_documents(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    signed: dict[int, dt.datetime] = {}
    for refs in _chunks(_refs(items)):
        for pk, at in DocumentRecipient.objects.filter(pk__in=list(refs), signed_at__isnull=False).values_list(
            "pk", "signed_at"
        ):
            if at is not None:
                signed[pk] = at
    for i in items:
        at = signed.get(i.ref_id)
        if at is not None and at < _day_range(i.day)[1]:
            yield i, at


def _check_patrols(items: list[MustDoItem], units: dict[int, tuple[int | None, str]]) -> Checked:
    _low, _high, start, end = _span(items)
    ended: dict[tuple[int, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for refs in _chunks(_refs(items)):
        for route_id, worker_id, began, at in Patrol.objects.filter(
            route_id__in=list(refs),
            worker_id__in=sorted({i.worker_id for i in items}),
            ended_at__isnull=False,
            started_at__gte=start,
            started_at__lt=end,
        ).values_list("route_id", "worker_id", "started_at", "ended_at"):
            ended[(route_id, worker_id)].append((began, at))
    for i in items:
        day_start, day_end = _day_range(i.day)
        hits = [at for began, at in ended.get((i.ref_id, i.worker_id), []) if day_start <= began < day_end]
        if hits:
            yield i, min(hits)


CHECKS: dict[str, Any] = {
    MustDoKind.VISIT: _check_visits,
    MustDoKind.INSPECTION: _check_inspections,
    MustDoKind.CASE: _check_cases,
    MustDoKind.WARNING: _check_warnings,
    MustDoKind.ZERO_REPORT: _check_zero,
    MustDoKind.DOCUMENT: _check_documents,
    MustDoKind.PATROL: _check_patrols,
}


# --- a worker's list --------------------------------------------------------------------------


def is_grid_worker(user: User) -> bool:
    return any(r.code == GRID_WORKER_ROLE for r in user.roles.all())


def my_list(user: User, day: dt.date | None = None) -> list[MustDoItem]:
    """The acting worker's list for `day` (today), ticked off by data. Today's list is brought up
    to date for them when they open it (before the morning job ran: generated at once)."""
    day = day or timezone.localdate()
    people = grid_workers([user]) if day == timezone.localdate() and is_grid_worker(user) else []
    if people:
        # Today's list takes in what arrived since the morning (a case handed over, a document
        # sent): generating again only adds what is new. The one tick-off pass then reads the
        # whole list after that write, so it covers every item on it (those just added and those
        # of the morning, whatever was done since): no second pass over the same items.
        memo: ZeroMemo = {}
        _insert_day(day, people, memo)
        items = list(MustDoItem.objects.filter(worker_id=user.pk, day=day).order_by("id"))
        refresh_done(items, *_facts_of(people), memo=memo)
        return _sorted(items)
    items = list(MustDoItem.objects.filter(worker_id=user.pk, day=day).order_by("id"))
    refresh_done(items, {user.pk: _home_of(user)})
    return _sorted(items)


def _home_of(user: User) -> tuple[int | None, str]:
    """The user's unit and its path, from the instance (the caller shows the unit's name anyway)."""
    return user.unit_id, user.unit.path if user.unit is not None else ""


def _sorted(items: list[MustDoItem]) -> list[MustDoItem]:
    return sorted(items, key=lambda i: (KIND_ORDER.index(i.kind), i.due_on or dt.date.max, i.id))


def visible_worker(user: User, worker_id: int) -> User:
    """A worker whose unit lies in the caller's view scope (404, audited, otherwise)."""
    worker = User.objects.select_related("unit").filter(pk=worker_id).first()
    if worker is None:
        raise NotFound("用户不存在")
    path = worker.unit.path if worker.unit is not None else ""
    if worker.pk != user.pk and not (path and path_within(path, user.view_paths)):
        raise NotFound("用户不存在", audit=AuditNote("scope.denied", worker, {"mode": "read"}))
    require_cap(user, READ, "没有查看每日必办的权限", worker)
    return worker


def worker_list(user: User, worker_id: int, day: dt.date) -> tuple[User, list[MustDoItem]]:
    """A worker's list of one day, for the village and the township (their view scope)."""
    worker = visible_worker(user, worker_id)
    items = list(MustDoItem.objects.filter(worker_id=worker.pk, day=day).order_by("id"))
    if day == timezone.localdate():
        refresh_done(items, {worker.pk: _home_of(worker)})
    return worker, _sorted(items)


def tick(*, acting_user: User, item_id: int, note: str) -> MustDoItem:
    """The worker ticks one of their own items by hand, with a note (required). Idempotent: an
    item already done (by hand or by the data) is returned as it is, so a resend from the
    phone's offline queue changes nothing. Audited."""
    note = (note or "").strip()
    with transaction.atomic():
        item: MustDoItem | None = MustDoItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound("该事项不存在")
        if item.worker_id != acting_user.pk:
            raise NotFound("该事项不存在", audit=AuditNote("scope.denied", item, {"mode": "write"}))
        if item.done_at is not None:
            return item
        if item.kind not in MANUAL_KINDS:
            raise Conflict("该事项在完成相应工作（录入记录）后自动勾销，不能手动勾选", code="mustdo_done_by_data")
        if not note:
            raise InvalidInput.field("note", "请填写完成情况说明", code="required")
        if len(note) > 200:
            raise InvalidInput.field("note", "说明不能超过200个字", code="too_long")
        item.done_at, item.done_how, item.done_note = timezone.now(), MustDoItem.DoneHow.MANUAL, note
        item.save(update_fields=["done_at", "done_how", "done_note"])
        record_event("field.mustdo_ticked", obj=item, detail={"kind": item.kind, "day": str(item.day), "note": note})
    return item


# --- completion -------------------------------------------------------------------------------


def _percent(done: int, total: int) -> int:
    return round(done * 100 / total) if total else 0


def _root(user: User, unit: Unit) -> Unit:
    require_cap(user, READ, "没有查看每日必办完成情况的权限")
    return unit


def completion_day(user: User, unit: Unit, day: dt.date) -> dict[str, Any]:
    """Each grid worker's and each grid's completion of `day` under `unit` (the caller checked
    that it is in view): done/total and percent, and who has done nothing. Today's open items
    are ticked off by data first."""
    _root(user, unit)
    items = MustDoItem.objects.filter(subtree_q([unit.path]), day=day)
    if day == timezone.localdate():
        refresh_done(items.filter(done_at__isnull=True))
    per_worker = {
        r["worker_id"]: r
        for r in items.values("worker_id").annotate(
            total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False))
        )
    }
    per_path = {
        r["path"]: r
        for r in items.values("path").annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    }
    workers = (
        User.objects.filter(is_active=True, roles__code=GRID_WORKER_ROLE)
        .filter(subtree_q([unit.path], "unit__path"))
        .select_related("unit")
        .distinct()
        .order_by("unit__path", "id")
    )
    seen = set()
    worker_rows = []
    for w in list(workers) + list(
        User.objects.filter(pk__in=set(per_worker)).exclude(pk__in=workers.values("pk")).select_related("unit")
    ):
        if w.pk in seen:
            continue
        seen.add(w.pk)
        r = per_worker.get(w.pk, {"total": 0, "done": 0})
        worker_rows.append(
            {
                "worker_id": w.pk,
                "name": w.full_name or w.username,
                "unit_name": w.unit.name if w.unit else "",
                "total": r["total"],
                "done": r["done"],
                "percent": _percent(r["done"], r["total"]),
            }
        )
    # The grids that have items or a grid worker: a township's grids without staff are left out.
    staffed = {g for w in grid_workers(under=unit.path) for g in w.grids if g.startswith(unit.path)}
    grids = list(
        Unit.objects.filter(
            subtree_q([unit.path]), level=Level.GRID, is_retired=False, path__in=sorted(staffed | set(per_path))
        ).order_by("path")
    )
    names = {g.path: g for g in grids}
    extra = sorted(set(per_path) - set(names))
    if extra:
        names.update({u.path: u for u in Unit.objects.filter(path__in=extra)})
    grid_rows = []
    for path in [g.path for g in grids] + extra:
        r = per_path.get(path, {"total": 0, "done": 0})
        u = names.get(path)
        grid_rows.append(
            {
                "unit_id": u.pk if u else 0,
                "name": u.name if u else path,
                "path": path,
                "total": r["total"],
                "done": r["done"],
                "percent": _percent(r["done"], r["total"]),
            }
        )
    total = sum(r["total"] for r in worker_rows)
    done = sum(r["done"] for r in worker_rows)
    return {
        "unit": unit,
        "day": day,
        "total": total,
        "done": done,
        "percent": _percent(done, total),
        "workers": worker_rows,
        "grids": grid_rows,
        "idle": [r for r in worker_rows if r["total"] > 0 and r["done"] == 0],
    }


def completion_month(user: User, unit: Unit, month: dt.date) -> dict[str, Any]:
    """Each grid worker under `unit`, day by day through the month: done/total per day and for
    the month."""
    _root(user, unit)
    first, last = month_of(month), month_end(month)
    cells: dict[int, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    for r in (
        MustDoItem.objects.filter(subtree_q([unit.path]), day__gte=first, day__lte=last)
        .values("worker_id", "day")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    ):
        cells[r["worker_id"]][r["day"]] = (r["done"], r["total"])
    workers = list(
        User.objects.filter(
            Q(pk__in=list(cells))
            | (Q(is_active=True, roles__code=GRID_WORKER_ROLE) & subtree_q([unit.path], "unit__path"))
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__path", "id")
    )
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for w in workers:
        mine = cells.get(w.pk, {})
        done = sum(d for d, _ in mine.values())
        total = sum(t for _, t in mine.values())
        rows.append(
            {
                "worker_id": w.pk,
                "name": w.full_name or w.username,
                "unit_name": w.unit.name if w.unit else "",
                "days": [
                    {"day": d, "done": mine[d][0], "total": mine[d][1], "percent": _percent(*mine[d])}
                    for d in days
                    if d in mine
                ],
                "done": done,
                "total": total,
                "percent": _percent(done, total),
            }
        )
    return {"unit": unit, "month": first, "days": days, "workers": rows}
