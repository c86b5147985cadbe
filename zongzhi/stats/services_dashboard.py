"""The home dashboard per role (首页): a village sees its own figures and to-dos, a township its
villages, a county its townships.

Every figure is read from the monthly rollups through `stats.figures` (never counted from the raw
case table here); the to-dos are the caller's own, counted on the partial indexes the 待办 lists
use. The unit is any unit in the caller's view scope (`core.scope.unit_in_view`: out of scope
is a 404, audited), by default the caller's own unit; the month is `core.months.parse_month`'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from zongzhi.alerts.models import RecipientStatus, WarningRecipient, WarningStatus
from zongzhi.cases.models import RUNNING_STATUSES, Case
from zongzhi.core.months import month_end, month_key
from zongzhi.core.scope import unit_in_view
from zongzhi.units.models import Unit, User

from . import figures

READ_CAP = "records.read"


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
    """The unit a dashboard or the big screen shows (`core.scope.unit_in_view`); the caller must
    hold `records.read` (403, audited)."""
    unit: Unit = unit_in_view(Unit.objects.defer("boundary"), user, unit_id, READ_CAP, "没有查看统计数据的权限")
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


def dashboard(*, acting_user: User, unit: Unit, month: dt.date) -> dict[str, Any]:
    """The home dashboard of `unit` for `month`: the key counts of the month's cases, the
    registry's (residents, key persons), the 12 months' trend, the month's cases by category, the
    units directly below compared (a county's townships, a township's villages, a village's
    grids), and the caller's own to-dos."""
    first, last = month, month_end(month)
    population = figures.population_summary(unit)
    return {
        "unit": unit_brief(unit),
        "month": month_key(month),
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
