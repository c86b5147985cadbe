"""REST endpoints of the grid worker's day: logins on duty (在岗), /api/field/duty. Handlers
validate, call a service, and serialize."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import parse_month
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_duty as services

router = Router(tags=["网格员工作"])


class WorkerDayOut(OutSchema):
    user_id: int
    full_name: str
    unit_name: str
    logged_in: bool = Field(description="当日手机端已登录")
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    count: int
    pc: bool = Field(description="当日电脑端登录过")
    terminal: str = Field(description="持有的手机终端资产编号")


class TerminalDayOut(OutSchema):
    terminal_id: int
    asset_number: str
    unit_name: str
    holder: str
    bound: bool
    logged_in: bool
    first_at: dt.datetime | None
    last_at: dt.datetime | None


class CountOut(OutSchema):
    total: int
    logged_in: int


class DutyDayOut(OutSchema):
    unit: UnitBrief
    day: dt.date
    is_workday: bool
    workers: list[WorkerDayOut]
    terminals: list[TerminalDayOut]
    worker_count: CountOut
    terminal_count: CountOut


class WorkerMonthOut(OutSchema):
    user_id: int
    full_name: str
    unit_name: str
    working_days: int
    days_logged_in: int
    missed: list[dt.date]


class DutyMonthOut(OutSchema):
    unit: UnitBrief
    month: dt.date
    working_days: list[dt.date]
    workers: list[WorkerMonthOut]


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在")
    return found


def _name(u: User | None) -> str:
    return (u.full_name or u.username) if u is not None else ""


def _unit_name(u: User) -> str:
    return u.unit.name if u.unit_id and u.unit is not None else ""


@router.get("/day", response=DutyDayOut)
def day(request: HttpRequest, unit: int | None = None, date: dt.date | None = None) -> dict[str, Any]:
    """Who has (not) logged in on the phone on `date` (default today) under the unit: grid
    workers and issued phone terminals, the ones not logged in first."""
    user = acting(request)
    target = _unit(user, unit)
    when = date or timezone.localdate()
    d = services.duty_day(acting_user=user, unit=target, day=when)
    return {
        "unit": d.unit,
        "day": d.day,
        "is_workday": d.is_workday,
        "workers": [
            {
                "user_id": w.user.pk,
                "full_name": _name(w.user),
                "unit_name": _unit_name(w.user),
                "logged_in": w.logged_in,
                "first_at": w.first_at,
                "last_at": w.last_at,
                "count": w.count,
                "pc": w.pc,
                "terminal": w.terminal.asset_number if w.terminal else "",
            }
            for w in d.workers
        ],
        "terminals": [
            {
                "terminal_id": t.terminal.pk,
                "asset_number": t.terminal.asset_number,
                "unit_name": t.terminal.unit.name,
                "holder": _name(t.terminal.holder),
                "bound": bool(t.terminal.device_id),
                "logged_in": t.logged_in,
                "first_at": t.first_at,
                "last_at": t.last_at,
            }
            for t in d.terminals
        ],
        "worker_count": services.summary(d.workers),
        "terminal_count": services.summary(d.terminals),
    }


@router.get("/month", response=DutyMonthOut)
def month(request: HttpRequest, unit: int | None = None, month: str = "") -> dict[str, Any]:
    """Per grid worker under the unit: the month's working days so far with a phone login
    (`month` as YYYY-MM, default this month)."""
    user = acting(request)
    target = _unit(user, unit)
    first = parse_month(month)
    m = services.duty_month(acting_user=user, unit=target, month=first)
    return {
        "unit": m.unit,
        "month": m.month,
        "working_days": m.working_days,
        "workers": [
            {
                "user_id": w.user.pk,
                "full_name": _name(w.user),
                "unit_name": _unit_name(w.user),
                "working_days": w.working_days,
                "days_logged_in": w.days_logged_in,
                "missed": w.missed,
            }
            for w in m.workers
        ],
    }
