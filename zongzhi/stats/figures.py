"""The statistics figures, read from the rollups (never from the raw rows): what the statistics
pages, the dashboards, the big screen and the analysis report show.

`unit` is a units.Unit whose visibility the caller has checked; `month` is the first day of a
month; every figure covers the unit's whole subtree. A case counts in the month it was reported,
cancelled cases left out (as in the monthly statistics of cases/stats.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, Sum

from zongzhi.cases.models import OPEN_STATUSES, Kind, Status
from zongzhi.core.months import add_months
from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.people.models import ResidentKind
from zongzhi.units.models import Unit

from .models import CaseRollup, RegistryRollup
from .rollups import SOURCE_LABELS

RESOLVED = [Status.COMPLETED, Status.ARCHIVED]
DISPUTE_CATEGORY = "01"  # 矛盾纠纷 in the event_category table
BREAKDOWNS = ("kind", "category", "status", "source")
PLACE_LABELS = {
    "compound": "小区",
    "house": "实有房屋",
    "rental": "出租房",
    "key_place": "重点场所",
    "facility": "治安设施",
}


def _reported(rows: Any) -> Any:
    return rows.exclude(status=Status.CANCELLED)


def _sum(field: str, q: Q | None = None) -> Sum:
    return Sum(field, filter=q, default=0)


_DISPUTE = Q(kind=Kind.EVENT, category=DISPUTE_CATEGORY)
_SUMMARY = {
    "reported": _sum("count"),
    "open": _sum("count", Q(status__in=OPEN_STATUSES)),
    "completed": _sum("count", Q(status__in=RESOLVED)),
    "overdue": _sum("count", Q(overdue_level__gt=0)),
    "yellow": _sum("count", Q(overdue_level=2)),
    "red": _sum("count", Q(overdue_level=3)),
    "disputes": _sum("count", _DISPUTE),
    "disputes_resolved": _sum("count", _DISPUTE & Q(status__in=RESOLVED)),
    "handled": _sum("handled"),
    "handling_seconds": _sum("handling_seconds"),
}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    disputes, resolved = row["disputes"], row["disputes_resolved"]
    handled, seconds = row.pop("handled"), row.pop("handling_seconds")
    row["resolved_share"] = round(resolved / disputes, 4) if disputes else None
    row["avg_handling_hours"] = round(seconds / handled / 3600, 1) if handled else None
    return row


def case_summary(unit: Unit, month: date) -> dict[str, Any]:
    """The month's case figures under the unit: reported, open, completed, overdue (yellow and
    red cards), disputes and those resolved, the share of disputes resolved and the average
    handling time in hours."""
    row = _reported(CaseRollup.objects.filter(path=unit.path, month=month)).aggregate(**_SUMMARY)
    return _finish({k: int(v) for k, v in row.items()})


def case_trend(unit: Unit, end_month: date, months: int = 12) -> list[dict[str, Any]]:
    """Reported, completed and overdue per month for the `months` months up to `end_month`,
    oldest first, every month present (zero when nothing was reported)."""
    start = add_months(end_month, -(months - 1))
    found = {
        r["month"]: r
        for r in _reported(CaseRollup.objects.filter(path=unit.path, month__gte=start, month__lte=end_month))
        .values("month")
        .annotate(
            reported=_sum("count"),
            completed=_sum("count", Q(status__in=RESOLVED)),
            overdue=_sum("count", Q(overdue_level__gt=0)),
        )
        .order_by()
    }
    out = []
    for i in range(months):
        month = add_months(start, i)
        r = found.get(month, {})
        out.append(
            {
                "month": f"{month:%Y-%m}",
                "reported": int(r.get("reported", 0)),
                "completed": int(r.get("completed", 0)),
                "overdue": int(r.get("overdue", 0)),
            }
        )
    return out


def case_trend_by_category(unit: Unit, end_month: date, months: int = 12) -> list[dict[str, Any]]:
    """Per month for the `months` months up to `end_month`, oldest first, the reported events by
    top-level category and the other kinds of case together: [{"month", "events": {category:
    count}, "other"}]. A month's counts add up to `case_trend`'s `reported`."""
    start = add_months(end_month, -(months - 1))
    rows = (
        _reported(CaseRollup.objects.filter(path=unit.path, month__gte=start, month__lte=end_month))
        .values("month", "kind", "category")
        .annotate(n=_sum("count"))
        .order_by()
    )
    events: dict[date, dict[str, int]] = {add_months(start, i): {} for i in range(months)}
    other = dict.fromkeys(events, 0)
    for r in rows:
        if r["kind"] == Kind.EVENT and r["category"]:
            by = events[r["month"]]
            by[r["category"]] = by.get(r["category"], 0) + int(r["n"])
        else:
            other[r["month"]] += int(r["n"])
    return [{"month": f"{m:%Y-%m}", "events": by, "other": other[m]} for m, by in events.items()]


def _label(by: str, key: str, category_labels: dict[str, str]) -> str:
    if by == "kind":
        return str(Kind(key).label) if key in Kind.values else key
    if by == "status":
        return str(Status(key).label) if key in Status.values else key
    if by == "source":
        return SOURCE_LABELS.get(key, key)
    return category_labels.get(key, key) if key else "未分类"


def case_breakdown(unit: Unit, month: date, by: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The month's reported cases (of `kind` only, when given) under the unit by kind, top-level
    category, status or source, largest first: [{"key", "label", "count"}]."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    rollups = CaseRollup.objects.filter(path=unit.path, month=month)
    if kind is not None:
        rollups = rollups.filter(kind=kind)
    rows = _reported(rollups).values(by).annotate(n=_sum("count")).order_by()
    category_labels = labels("event_category") if by == "category" else {}
    out = [{"key": r[by], "label": _label(by, r[by], category_labels), "count": int(r["n"])} for r in rows if r["n"]]
    out.sort(key=lambda r: (-r["count"], r["key"]))
    return out


def children_summary(unit: Unit, month: date) -> list[dict[str, Any]]:
    """One row per direct child unit not retired (in the tree's order): its month's figures."""
    children = list(Unit.objects.filter(parent=unit, is_retired=False).order_by("sort", "path"))
    by_path = {
        r["path"]: r
        for r in _reported(CaseRollup.objects.filter(path__in=[c.path for c in children], month=month))
        .values("path")
        .annotate(**_SUMMARY)
        .order_by()
    }
    out = []
    for child in children:
        row = dict(by_path.get(child.path) or dict.fromkeys(_SUMMARY, 0))
        row.pop("path", None)
        figures = _finish({k: int(v) for k, v in row.items()})
        out.append(
            {
                "unit_id": child.pk,
                "name": child.name,
                "level": child.level,
                "path": child.path,
                "reported": figures["reported"],
                "open": figures["open"],
                "completed": figures["completed"],
                "overdue": figures["overdue"],
                "resolved_share": figures["resolved_share"],
            }
        )
    return out


def grid_counts(unit: Unit, month: date) -> dict[str, int]:
    """Cases reported in the month per grid path under the unit (grids with none left out)."""
    rows = (
        _reported(CaseRollup.objects.filter(subtree_q([unit.path]), month=month, level="grid"))
        .values("path")
        .annotate(n=_sum("count"))
        .order_by()
    )
    return {r["path"]: int(r["n"]) for r in rows if r["n"]}


def _figure_list(counts: dict[str, int], names: dict[str, str], order: list[str] | None = None) -> list[dict[str, Any]]:
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    return [{"key": k, "label": names.get(k, k), "count": counts.get(k, 0)} for k in keys if k in counts or order]


def population_summary(unit: Unit) -> dict[str, Any]:
    """The registry under the unit as it stands: residents by household type (户籍/流动/境外),
    key persons and care recipients by category, places and key places, facilities and
    organisations by kind: each a list of {"key", "label", "count"}."""
    figures: dict[str, dict[str, int]] = {}
    for figure, key, n in RegistryRollup.objects.filter(path=unit.path).values_list("figure", "key", "count"):
        figures.setdefault(figure, {})[key] = n
    return {
        "residents": _figure_list(figures.get("resident", {}), dict(ResidentKind.choices), list(ResidentKind.values)),
        "key_persons": _figure_list(figures.get("key_person", {}), labels("key_person_category")),
        "care_recipients": _figure_list(figures.get("care", {}), labels("care_category")),
        "places": _figure_list(figures.get("place", {}), PLACE_LABELS, list(PLACE_LABELS)),
        "key_places": _figure_list(figures.get("key_place", {}), labels("place_kind")),
        "facilities": _figure_list(figures.get("facility", {}), labels("facility_kind")),
        "organisations": _figure_list(figures.get("organisation", {}), labels("org_kind")),
    }


def coverage(unit: Unit, month: date) -> dict[str, Any]:
    """The month's visit and inspection coverage under the unit: key persons listed and how many
    had a visit in the month; facilities registered and how many were inspected in the month
    (the shares None when there is nobody to visit or nothing to inspect)."""
    figures: dict[tuple[str, str], int] = {
        (f, k): n
        for f, k, n in RegistryRollup.objects.filter(
            Q(figure__in=["key_person", "visited", "inspected"]) | Q(figure="place", key="facility"),
            path=unit.path,
        ).values_list("figure", "key", "count")
    }
    key_persons = sum(n for (f, _k), n in figures.items() if f == "key_person")
    facilities = figures.get(("place", "facility"), 0)
    visited = figures.get(("visited", f"{month:%Y-%m}"), 0)
    inspected = figures.get(("inspected", f"{month:%Y-%m}"), 0)
    return {
        "key_persons": key_persons,
        "visited": visited,
        "visit_share": round(min(visited, key_persons) / key_persons, 4) if key_persons else None,
        "facilities": facilities,
        "inspected": inspected,
        "inspection_share": round(min(inspected, facilities) / facilities, 4) if facilities else None,
    }
