"""Editing the working-day calendar (工作日历): administrators enter the years the
`chinese-calendar` package does not know yet and correct single days.

Every change is a row with source "admin" (the package loader never overwrites those), an
audit event, and a new calendar version on commit so every process sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput, NotFound

from . import holidays, workdays
from .models import CalendarDay, CalendarSource, CalendarYear

if TYPE_CHECKING:
    from zongzhi.units.models import User

NAME_MAX = 40


def check_year(year: int, *, field: str = "year") -> int:
    """Refuse a year outside the range the calendar is kept for."""
    if not workdays.MIN_YEAR <= year <= workdays.MAX_YEAR:
        raise InvalidInput.field(
            field, f"年份应在{workdays.MIN_YEAR}年到{workdays.MAX_YEAR}年之间", code="calendar_year_out_of_range"
        )
    return year


def _state(row: CalendarDay | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"is_workday": row.is_workday, "name": row.name, "source": row.source}


@transaction.atomic
def set_day(*, acting_user: User, day: dt.date, is_workday: bool, name: str) -> CalendarDay:
    """Make `day` a working day or a holiday (with its name, e.g. 春节), overriding the package.

    A holiday needs a name; a make-up workday's name is optional (e.g. 春节调休上班).
    """
    require_cap(acting_user, "calendar.manage")
    check_year(day.year, field="date")
    name = (name or "").strip()
    if not is_workday and not name:
        raise InvalidInput.field("name", "请填写节假日名称，如“春节”", code="calendar_name_required")
    if len(name) > NAME_MAX:
        raise InvalidInput.field("name", f"名称不能超过{NAME_MAX}个字", code="too_long")
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = _state(row)
    if row is None:
        row = CalendarDay(date=day)
    row.is_workday = is_workday
    row.name = name
    row.source = CalendarSource.ADMIN
    row.save()
    record_event(
        "calendar.day_set",
        obj=row,
        detail={"date": day.isoformat(), "before": before, "after": _state(row)},
    )
    workdays.calendar_changed()
    return row


@transaction.atomic
def clear_day(*, acting_user: User, day: dt.date) -> CalendarDay | None:
    """Remove an administrator's setting of `day`.

    The day reverts to what the package says about it, or to the plain Monday–Friday rule.
    Returns the package row that now stands, or None.
    """
    require_cap(acting_user, "calendar.manage")
    check_year(day.year, field="date")
    row = CalendarDay.objects.select_for_update().filter(date=day, source=CalendarSource.ADMIN).first()
    if row is None:
        raise NotFound("这一天没有管理员设置的安排", code="calendar_day_not_set")
    before = _state(row)
    package = holidays.package_value(day)
    detail: dict[str, Any] = {"date": day.isoformat(), "before": before}
    result: CalendarDay | None
    if package is not None:
        row.is_workday, row.name = package
        row.source = CalendarSource.PACKAGE
        row.save()
        detail["after"] = _state(row)
        record_event("calendar.day_cleared", obj=row, detail=detail)
        result = row
    else:
        detail["after"] = None
        record_event("calendar.day_cleared", obj=row, detail=detail)
        row.delete()
        result = None
    workdays.calendar_changed()
    return result


@transaction.atomic
def complete_year(*, acting_user: User, year: int) -> CalendarYear:
    """Mark `year`'s holiday schedule as entered: deadlines stop counting weekends only and the
    console stops warning about it."""
    require_cap(acting_user, "calendar.manage")
    check_year(year)
    if CalendarYear.objects.filter(year=year).exists():
        raise Conflict(f"{year}年的节假日安排已经录入", code="calendar_year_known")
    row = CalendarYear.objects.create(year=year, source=CalendarSource.ADMIN)
    entered = CalendarDay.objects.filter(date__year=year).count()
    record_event("calendar.year_completed", obj=row, detail={"year": year, "days": entered})
    workdays.calendar_changed()
    return row
