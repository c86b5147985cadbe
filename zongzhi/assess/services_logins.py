"""The login red light (seed 000: 每周必须登陆3次及以上，每月不少于12次，每周少于3次就会出现红灯).

Where the logins come from: `field.DutyLogin`, one row per user, local day, client (phone/PC)
and device with the day's `count` of logins. Of the three records of a login it is the one that
keeps history: `units.LoginSession` is one row per open session (ended, expired and cleaned up,
and a session kept open for days is one login however often it is used), and the audit log's
`auth.login` entries are purged after the retention period (180 days by default) while the red
light's history runs over a whole year; the audit log is also the auditor's, not a source for
figures. `DutyLogin` is counted per day already, so a year of a county is one grouped query.

Public functions:

- `columns_of(kind, day, today)` — the columns of a view: `week` (the week, Monday to Sunday,
  holding `day`), `month` (its weeks — each week belongs to the month its Thursday falls in, as
  ISO 8601 weeks do, so a week belongs to the month holding most of its days — then the month
  itself), `year` (its twelve months).
- `login_lights(acting_user=, unit=, kind=, day=)` — for the unit's child units and for every
  worker under the unit: the logins per column and each column's light, plus an overall light.

Lights of one cell: `green` (threshold met), `red` (the week or month has ended below the
threshold: fewer than `Rubric.login_week_min` = 3 a week, `login_month_min` = 12 a month, the
year's rubric of the unit), `pending` (the week or month is still running and below so far),
`none` (not begun). A row's overall light is red when any of its cells is red.

Who is counted: the active users with a working role (grid worker, village, township and county
officers: the people who keep the records) whose unit is under the viewed unit. A unit's light:
red when ANY of its workers is red in that column (the seed's light is the operator's; a unit
with one idle operator is flagged) — the page says so; a unit without workers is `none`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import month_of, next_month
from zongzhi.core.scope import require_visible, subtree_q
from zongzhi.field.models import DutyLogin
from zongzhi.units.models import Unit, User

from .services_rubric import rubric_for

WORKING_ROLES = ("grid_worker", "village_officer", "township_officer", "county_officer")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # week or month
    start: dt.date
    end: dt.date  # the day after the last
    state: str  # closed, open, future


@dataclass
class Row:
    id: int
    name: str
    unit_name: str
    cells: list[tuple[int, str]]  # (logins, light) per column; for a unit: (red workers, light)
    light: str
    workers: int = 0


@dataclass
class Lights:
    unit: Unit
    kind: str
    columns: list[Column]
    week_min: int
    month_min: int
    units: list[Row] = field(default_factory=list)
    workers: list[Row] = field(default_factory=list)


def _state(start: dt.date, end: dt.date, today: dt.date) -> str:
    if end <= today:
        return "closed"
    return "open" if start <= today else "future"


def _week(monday: dt.date, today: dt.date) -> Column:
    end = monday + dt.timedelta(days=7)
    sunday = end - dt.timedelta(days=1)
    label = f"{monday.month}月{monday.day}日-{sunday.month}月{sunday.day}日"
    return Column(f"w{monday.isoformat()}", label, "week", monday, end, _state(monday, end, today))


def _month(first: dt.date, today: dt.date) -> Column:
    end = next_month(first)
    return Column(f"m{first:%Y-%m}", f"{first.month}月", "month", first, end, _state(first, end, today))


def columns_of(kind: str, day: dt.date, today: dt.date | None = None) -> list[Column]:
    """The columns of the view (see the module docstring)."""
    today = today or timezone.localdate()
    if kind == "week":
        return [_week(day - dt.timedelta(days=day.weekday()), today)]
    if kind == "month":
        first = month_of(day)
        monday = first - dt.timedelta(days=first.weekday())
        if monday + dt.timedelta(days=3) < first:  # its Thursday is in the month before
            monday += dt.timedelta(days=7)
        weeks = []
        while monday + dt.timedelta(days=3) < next_month(first):
            weeks.append(_week(monday, today))
            monday += dt.timedelta(days=7)
        return [*weeks, _month(first, today)]
    if kind == "year":
        return [_month(dt.date(day.year, m, 1), today) for m in range(1, 13)]
    raise InvalidInput.field("kind", "只能按周、月或年查看", code="invalid_kind")


def _light(count: int, col: Column, week_min: int, month_min: int) -> str:
    if col.state == "future":
        return "none"
    if count >= (week_min if col.kind == "week" else month_min):
        return "green"
    return "red" if col.state == "closed" else "pending"


def _overall(lights: list[str]) -> str:
    for candidate in ("red", "pending", "green"):
        if candidate in lights:
            return candidate
    return "none"


def workers_under(unit: Unit) -> list[User]:
    """The active users with a working role under `unit` (see the module docstring)."""
    return list(
        User.objects.filter(is_active=True, roles__code__in=WORKING_ROLES)
        .filter(subtree_q([unit.path], "unit__path"))
        .select_related("unit")
        .defer("unit__boundary")
        .distinct()
        .order_by("unit__path", "id")
    )


def login_counts(unit: Unit, columns: list[Column]) -> dict[int, list[int]]:
    """Per user under `unit`, the logins in each column: one grouped query with one
    conditional sum per column."""
    if not columns:
        return {}
    start = min(c.start for c in columns)
    end = max(c.end for c in columns)
    sums = {c.key: Sum("count", filter=Q(day__gte=c.start, day__lt=c.end)) for c in columns}
    rows = (
        DutyLogin.objects.filter(subtree_q([unit.path]), day__gte=start, day__lt=end).values("user_id").annotate(**sums)
    )
    return {r["user_id"]: [int(r[c.key] or 0) for c in columns] for r in rows}


def login_lights(*, acting_user: User, unit: Unit, kind: str, day: dt.date) -> Lights:
    """The lights of the unit's child units and of its workers for the view `kind` holding `day`."""
    require_visible(acting_user, unit, "records.read", "没有查看登录情况的权限")
    today = timezone.localdate()
    columns = columns_of(kind, day, today)
    rubric = rubric_for(unit, day.year)
    week_min, month_min = rubric.login_week_min, rubric.login_month_min
    counts = login_counts(unit, columns)
    out = Lights(unit=unit, kind=kind, columns=columns, week_min=week_min, month_min=month_min)
    workers = workers_under(unit)
    for w in workers:
        mine = counts.get(w.pk, [0] * len(columns))
        cells = [(n, _light(n, c, week_min, month_min)) for n, c in zip(mine, columns, strict=True)]
        out.workers.append(
            Row(
                id=w.pk,
                name=w.full_name or w.username,
                unit_name=w.unit.name if w.unit else "",
                cells=cells,
                light=_overall([c[1] for c in cells]),
            )
        )
    children = list(Unit.objects.filter(parent=unit, is_retired=False).defer("boundary").order_by("sort", "path"))
    by_path: dict[int, list[Row]] = {c.pk: [] for c in children}
    paths = [(c.pk, c.path) for c in children]
    worker_paths = {w.pk: (w.unit.path if w.unit else "") for w in workers}
    for row in out.workers:
        wp = worker_paths.get(row.id, "")
        for cid, cpath in paths:
            if wp.startswith(cpath):
                by_path[cid].append(row)
                break
    for child in children:
        rows = by_path[child.pk]
        ucells: list[tuple[int, str]] = []
        for i in range(len(columns)):
            lights = [r.cells[i][1] for r in rows]
            reds = sum(1 for light in lights if light == "red")
            ucells.append((reds, _overall(lights) if rows else "none"))
        out.units.append(
            Row(
                id=child.pk,
                name=child.name,
                unit_name=unit.name,
                cells=ucells,
                light=_overall([c[1] for c in ucells]),
                workers=len(rows),
            )
        )
    return out
