"""The county centre's big screen (大屏): one payload for the whole page, read every 30 seconds.

Its figures come from the monthly rollups (`stats.figures`); the rest are small indexed queries:

1. key counts, the month's trend and the grids' case density: `figures.case_summary`,
   `figures.case_trend`, `figures.grid_counts` (rollups, never the raw case table);
2. the live feed: the newest cases that happened in the subtree (`Case.path` range, newest id
   first, `LIMIT`) and the newest warnings sent or received there (`warning_path_idx`, the
   recipients' path index); titles, units and times only, never a party's name, ID number or phone;
3. red and yellow cards and overdue cases per unit below: `figures.children_summary`;
4. the units on duty now (the alerts app's roster, `DutyShift` by unit and start) and the workers
   on duty today (`field.DutyLogin` by path and day).

The map's shapes change a few times a year and are large: they are served once per page load by
`screen_map`, not with every refresh; the payload carries the per-grid counts the map colours by.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from zongzhi.alerts.models import DutyShift, EarlyWarning, WarningLevel, WarningRecipient
from zongzhi.cases.models import Case, Kind, Status
from zongzhi.core.masking import mask_text
from zongzhi.core.months import month_key, this_month
from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.field.models import DutyLogin
from zongzhi.field.services_duty import GRID_WORKER
from zongzhi.units.lookup import unit_names
from zongzhi.units.models import Unit, User

from . import figures
from .services_dashboard import children_of, unit_brief

FEED_SIZE = 12
DUTY_UNITS = 16
RECENT_LOGINS = 8


def _unit_name(path: str, names: dict[str, str]) -> str:
    """The name of the unit a record belongs to (its own path, or the nearest named one above)."""
    p = path
    while p:
        if p in names:
            return names[p]
        p = p[:-3] if len(p) > 6 else p[:-2]
    return ""


def _names_for(paths: list[str]) -> dict[str, str]:
    wanted: set[str] = set()
    for p in paths:
        q = p
        while q:
            wanted.add(q)
            q = q[:-3] if len(q) > 6 else q[:-2]
    return unit_names(wanted)


def live_feed(unit: Unit, size: int = FEED_SIZE) -> list[dict[str, Any]]:
    """The newest cases that happened under the unit and the newest warnings sent or received
    there, merged newest first. Each item: kind ("case" or "warning"), id, number, title, the
    unit's name, the time, a label (category or warning level) and, for a case, its status.
    No description, party, ID number or phone ever leaves here (the screen hangs in a hall)."""
    # Newest first by id, cancelled ones dropped here rather than in SQL: a status test in the
    # query makes SQLite read the whole subtree by path and sort it (36 ms at 20,000 cases, 2.7
    # ms without). Cancellations are rare, so twice the page is plenty.
    cases = [
        r
        for r in Case.objects.filter(subtree_q([unit.path]))
        .order_by("-id")
        .values("id", "number", "title", "path", "created_at", "category_code", "kind", "status", "overdue_level")[
            : size * 2
        ]
        if r["status"] != Status.CANCELLED
    ][:size]
    received = WarningRecipient.objects.filter(subtree_q([unit.path])).values("warning_id")
    warnings = list(
        EarlyWarning.objects.filter(subtree_q([unit.path]) | Q(pk__in=received))
        .order_by("-id")
        .values("id", "number", "title", "path", "created_at", "level", "status")[:size]
    )
    names = _names_for([r["path"] for r in cases] + [r["path"] for r in warnings])
    categories = labels("event_category")
    kinds = dict(Kind.choices)
    statuses = dict(Status.choices)
    levels = dict(WarningLevel.choices)
    items: list[dict[str, Any]] = [
        {
            "type": "case",
            "id": r["id"],
            "number": r["number"] or "",
            "title": mask_text(r["title"]),
            "unit_name": _unit_name(r["path"], names),
            "at": r["created_at"],
            "label": categories.get(r["category_code"], "") or str(kinds.get(r["kind"], "")),
            "status": str(statuses.get(r["status"], r["status"])),
            "level": {2: "yellow", 3: "red"}.get(r["overdue_level"], ""),
        }
        for r in cases
    ]
    items += [
        {
            "type": "warning",
            "id": r["id"],
            "number": r["number"] or "",
            "title": mask_text(r["title"]),
            "unit_name": _unit_name(r["path"], names),
            "at": r["created_at"],
            "label": str(levels.get(r["level"], r["level"])),
            "status": "",
            "level": r["level"],
        }
        for r in warnings
    ]
    items.sort(key=lambda i: i["at"], reverse=True)
    return items[:size]


def units_on_duty(
    unit: Unit, children: list[dict[str, Any]] | None = None, at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Who is on duty now at the unit and at each unit directly under it (the duty roster of the
    alerts app): the officer and the leader in charge by name; units with nobody on the roster
    now are listed too, so a gap shows. `children` are the units below as `figures.children_summary`
    lists them (read already for the page: no second query for them); one query for the shifts."""
    at = at or timezone.now()
    if children is None:
        below = [unit_brief(u) for u in children_of(unit)]
    else:
        below = [
            {"id": c["unit_id"], "name": c["name"], "level": c["level"], "path": c["path"]}
            for c in children
            if c["level"] != "grid"
        ]
    units = [unit_brief(unit), *below][:DUTY_UNITS]
    shifts: dict[int, DutyShift] = {}
    for s in (
        DutyShift.objects.filter(
            unit_id__in=[u["id"] for u in units], is_cancelled=False, starts_at__lte=at, ends_at__gt=at
        )
        .select_related("officer", "leader")
        .only("unit_id", "ends_at", "officer__full_name", "officer__username", "leader__full_name", "leader__username")
        .order_by("-starts_at")
    ):
        shifts.setdefault(s.unit_id, s)
    out = []
    for u in units:
        s = shifts.get(u["id"])
        out.append(
            {
                "unit": u,
                "officer": (s.officer.full_name or s.officer.username) if s else "",
                "leader": (s.leader.full_name or s.leader.username) if s and s.leader else "",
                "until": s.ends_at if s else None,
            }
        )
    return out


def workers_on_duty(unit: Unit, day: dt.date | None = None) -> dict[str, Any]:
    """The grid workers under the unit and how many of them logged in today on the phone
    (`DutyLogin`, one row per user, day, client and device), with the latest few logins by name
    and unit. Two small queries."""
    day = day or timezone.localdate()
    logins = DutyLogin.objects.filter(subtree_q([unit.path]), day=day)
    phone = logins.filter(client=DutyLogin.Client.PHONE)
    counted = logins.aggregate(
        on_phone=Count("user_id", distinct=True, filter=Q(client=DutyLogin.Client.PHONE)),
        any_client=Count("user_id", distinct=True),
    )
    on_phone, any_client = counted["on_phone"], counted["any_client"]
    workers = (
        User.objects.filter(is_active=True, roles__code=GRID_WORKER)
        .filter(subtree_q([unit.path], "unit__path"))
        .values("pk")
        .distinct()
        .count()
    )
    latest = list(
        phone.order_by("-last_at").values("user_id", "user__full_name", "user__username", "path", "last_at")[
            : RECENT_LOGINS * 2
        ]
    )
    names = _names_for([r["path"] for r in latest])
    seen: set[int] = set()
    recent = []
    for r in latest:
        if r["user_id"] in seen:
            continue
        seen.add(r["user_id"])
        recent.append(
            {
                "name": r["user__full_name"] or r["user__username"],
                "unit_name": _unit_name(r["path"], names),
                "at": r["last_at"],
            }
        )
    return {
        "grid_workers": workers,
        "on_phone": on_phone,
        "logged_in": any_client,
        "recent": recent[:RECENT_LOGINS],
    }


def screen(unit: Unit) -> dict[str, Any]:
    """The whole page's payload (see the module's docstring), for the current month."""
    today = timezone.localdate()
    month = this_month()
    children = figures.children_summary(unit, month)
    return {
        "unit": unit_brief(unit),
        "month": month_key(month),
        "now": timezone.now(),
        "summary": figures.case_summary(unit, month),
        "trend": figures.case_trend(unit, month, 12),
        "children": children,
        # Only grids with cases, as {path: count}: a county has thousands of grids, and the map
        # already has their names (1,000 grids as objects made the payload 109 KB and 5 ms slower).
        "grids": figures.grid_counts(unit, month),
        "feed": live_feed(unit),
        "duty": units_on_duty(unit, children),
        "workers": workers_on_duty(unit, today),
    }


def screen_map(unit: Unit) -> dict[str, Any]:
    """GeoJSON of the unit's boundary, its children's outlines (above village level) and every
    active grid under it, each named by path so the page colours it by the payload's counts."""
    rows = (
        Unit.objects.filter(subtree_q([unit.path]), is_retired=False, boundary__isnull=False)
        .filter(Q(pk=unit.pk) | Q(level="grid") | Q(parent=unit))
        .order_by("path")
        .values_list("pk", "path", "name", "level", "boundary")
    )
    features = [
        {
            "type": "Feature",
            "geometry": boundary,
            "properties": {
                "id": pk,
                "path": path,
                "name": name,
                "level": level,
                "role": "self" if pk == unit.pk else ("grid" if level == "grid" else "child"),
            },
        }
        for pk, path, name, level, boundary in rows
        if boundary
    ]
    return {"type": "FeatureCollection", "features": features}
