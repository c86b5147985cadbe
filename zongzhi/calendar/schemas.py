"""API schemas of the working-day calendar (工作日历)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema

from .models import CalendarDay


class CalendarDayOut(OutSchema):
    date: dt.date
    is_workday: bool
    name: str
    # "package": from the chinese-calendar package; "admin": entered by an administrator;
    # "rule": no entry, the Monday–Friday rule applies (only in answers to a DELETE).
    source: Literal["package", "admin", "rule"]


class CalendarYearOut(OutSchema):
    year: int
    known: bool
    source: Literal["package", "admin"] | None
    days: list[CalendarDayOut]


class CalendarYearStatusOut(OutSchema):
    year: int
    known: bool
    source: Literal["package", "admin"] | None


class CalendarStatusOut(OutSchema):
    known_years: list[int]
    current_year_known: bool
    next_year_known: bool
    warning: str | None


class CalendarDayIn(Schema):
    is_workday: bool
    name: str = Field("", max_length=limit_of(CalendarDay, "name"))
