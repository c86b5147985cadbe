"""The statistics pages: which unit and month a user asks for (in their view scope), and the
figures with the route of the list behind each one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zongzhi.core.months import month_end, parse_month
from zongzhi.core.scope import unit_in_view
from zongzhi.units.models import Unit, User

from . import figures

CATEGORY_ROUTES = {"key": "/people/key-persons", "care": "/people/care-persons"}
PLACE_ROUTES = {
    "compound": ("/places/compounds", {}),
    "house": ("/places/houses", {}),
    "rental": ("/places/houses", {"use": "rental"}),
    "key_place": ("/places/key-places", {}),
    "facility": ("/places/facilities", {}),
}


def resolve(user: User, unit_id: int | None, month: str | None) -> tuple[Unit, dt.date]:
    """The unit (`core.scope.unit_in_view`; the three administrators, 三员, see no records:
    statistics are records too) and the month (`core.months.parse_month`, default this one)."""
    unit = unit_in_view(Unit.objects.all(), user, unit_id, "records.read", "没有查看统计数据的权限")
    return unit, parse_month(month)


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "name": unit.name,
        "level": unit.level,
        "path": unit.path,
        "has_children": Unit.objects.filter(parent=unit, is_retired=False).exists(),
    }


def _case_link(unit_id: int, month: dt.date, **filters: Any) -> dict[str, Any]:
    """The case list (全部 box) under the unit, reported in the month, with the figure's filters."""
    last = month_end(month)
    query = {
        "box": "all",
        "under": str(unit_id),
        "since": month.isoformat(),
        "until": last.isoformat(),
        "state": "reported",
    }
    query.update({k: str(v) for k, v in filters.items()})
    return {"path": "/cases", "query": query}


_BREAKDOWN_FILTER = {"kind": "kind", "category": "category", "status": "status", "source": "source"}


def case_page(unit: Unit, month: dt.date) -> dict[str, Any]:
    summary = figures.case_summary(unit, month)
    link = lambda **f: _case_link(unit.pk, month, **f)  # noqa: E731
    breakdowns = {}
    for by in figures.BREAKDOWNS:
        rows = figures.case_breakdown(unit, month, by)
        for row in rows:
            row["link"] = link(**{_BREAKDOWN_FILTER[by]: row["key"]}) if row["key"] else None
        breakdowns[f"by_{by}"] = rows
    children = figures.children_summary(unit, month)
    for row in children:
        row["link"] = _case_link(row["unit_id"], month)
    return {
        "unit": _unit_ref(unit),
        "month": f"{month:%Y-%m}",
        "summary": {
            "reported": {"value": summary["reported"], "link": link()},
            "open": {"value": summary["open"], "link": link(state="open")},
            "completed": {"value": summary["completed"], "link": link(state="resolved")},
            "overdue": {"value": summary["overdue"], "link": link(overdue=1)},
            "yellow": {"value": summary["yellow"], "link": link(overdue=2)},
            "red": {"value": summary["red"], "link": link(overdue=3)},
            "resolved_share": summary["resolved_share"],
            "avg_handling_hours": summary["avg_handling_hours"],
        },
        "trend": figures.case_trend(unit, month),
        **breakdowns,
        "children": children,
    }


def _with_links(rows: list[dict[str, Any]], path: str, param: str | None, under: int) -> list[dict[str, Any]]:
    for row in rows:
        query = {"under": str(under)}
        if param:
            query[param] = row["key"]
        row["link"] = {"path": path, "query": query}
    return rows


def population_page(unit: Unit, month: dt.date) -> dict[str, Any]:
    data = figures.population_summary(unit)
    under = unit.pk
    for row in data["places"]:
        path, extra = PLACE_ROUTES.get(row["key"], ("/places/houses", {}))
        row["link"] = {"path": path, "query": {"under": str(under), **extra}}
    cover = figures.coverage(unit, month)
    return {
        "unit": _unit_ref(unit),
        "month": f"{month:%Y-%m}",
        "residents": _with_links(data["residents"], "/people/residents", "kind", under),
        "key_persons": _with_links(data["key_persons"], CATEGORY_ROUTES["key"], "category", under),
        "care_recipients": _with_links(data["care_recipients"], CATEGORY_ROUTES["care"], "category", under),
        "places": data["places"],
        "key_places": _with_links(data["key_places"], "/places/key-places", "category", under),
        "facilities": _with_links(data["facilities"], "/places/facilities", "category", under),
        "organisations": _with_links(data["organisations"], "/places/organisations", "category", under),
        "coverage": {
            **cover,
            "key_persons_link": {"path": CATEGORY_ROUTES["key"], "query": {"under": str(under)}},
            "facilities_link": {"path": "/places/facilities", "query": {"under": str(under)}},
        },
    }
