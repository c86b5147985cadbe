"""The home dashboard per role (首页): a village sees its own figures and to-dos, a township its
villages, a county its townships.

Every figure is read from the monthly rollups through `stats.figures` (never counted from the raw
case table here); the to-dos are the caller's own, counted on the partial indexes the 待办 lists
use. The unit is any unit in the caller's view scope (`get_visible`: out of scope is a 404,
audited), by default the caller's own unit.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q
from django.utils import timezone

from zongzhi.alerts.models import RecipientStatus, WarningRecipient, WarningStatus
from zongzhi.cases.models import RUNNING_STATUSES, Case
from zongzhi.core.access import require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User

from . import figures

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
READ_CAP = "records.read"


def month_of(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def parse_month(month: str | None) -> str:
    """The month asked for (`YYYY-MM`, 2000–2100), by default the current one."""
    if not month:
        return month_of(timezone.localdate())
    m = MONTH_RE.match(month)
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise InvalidInput.field("month", "月份格式应为 2026-11", code="invalid_month")
    return month


def month_start(month: str) -> dt.date:
    """The first day of a `YYYY-MM` month (what `stats.figures` takes)."""
    year, mon = (int(x) for x in month.split("-"))
    return dt.date(year, mon, 1)


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month (the case list's since/until filters)."""
    first = month_start(month)
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _total(rows: list[dict[str, Any]]) -> int:
    return sum(int(r["count"]) for r in rows)


def unit_brief(u: Unit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name, "level": u.level, "path": u.path}


def children_of(unit: Unit) -> list[Unit]:
    """The active units directly under `unit`, grids aside (a village's grids are its workers'
    patches, not units the dashboard compares)."""
    return list(
        Unit.objects.filter(parent=unit, is_retired=False).exclude(level="grid").defer("boundary").order_by("path")
    )


def resolve_unit(user: User, unit_id: int | None) -> Unit:
    """The unit a dashboard or the big screen shows: the one asked for if the caller sees it (404,
    audited, otherwise), else the caller's own unit, else their first view root; and the caller
    must hold `records.read` (403, audited)."""
    if unit_id is None:
        own = user.unit
        if own is not None and any(own.path.startswith(p) for p in user.view_paths):
            unit_id = own.pk
        elif user.view_paths:
            first = Unit.objects.filter(path=user.view_paths[0]).values_list("pk", flat=True).first()
            unit_id = first
        if unit_id is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
    unit: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在或不在您的管辖范围内")
    require_cap(user, READ_CAP, "没有查看统计数据的权限", unit)
    return unit


def todos(user: User) -> dict[str, int]:
    """The caller's own to-dos: open cases their unit (or department) holds, those of them
    overdue, and warnings sent to their unit still waiting to be acknowledged."""
    held = Case.objects.held_by(user).open()
    cases = held.count()
    overdue = held.filter(overdue_level__gt=0, status__in=RUNNING_STATUSES).count()
    warnings = 0
    if user.unit_id is not None:
        mine = Q(department_id=user.department_id) if user.department_id else Q(unit_id=user.unit_id)
        warnings = (
            WarningRecipient.objects.filter(mine, status=RecipientStatus.PENDING, warning_status=WarningStatus.ACTIVE)
            .values("warning_id")
            .distinct()
            .count()
        )
    return {"cases": cases, "overdue": overdue, "warnings": warnings}


def dashboard(*, acting_user: User, unit: Unit, month: str) -> dict[str, Any]:
    """The home dashboard of `unit` for `month`: the key counts of the month's cases, the
    registry's (residents, key persons), the 12 months' trend, the month's cases by category, the
    units directly below compared (a county's townships, a township's villages, a village's
    grids), and the caller's own to-dos."""
    first, last = month_range(month)
    population = figures.population_summary(unit)
    return {
        "unit": unit_brief(unit),
        "month": month,
        "since": first,
        "until": last,
        "summary": figures.case_summary(unit, first),
        "residents": _total(population["residents"]),
        "key_persons": _total(population["key_persons"]),
        "population": population["residents"],
        "trend": figures.case_trend(unit, first, 12),
        "by_category": figures.case_breakdown(unit, first, "category"),
        "children": figures.children_summary(unit, first),
        "todo": todos(acting_user),
    }
