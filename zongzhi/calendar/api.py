"""Reading and editing the working-day calendar (工作日历). Reads are open to every
logged-in user; writes need `calendar.manage`."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router

from zongzhi.core.access import acting

from . import services, workdays
from .models import CalendarDay, CalendarYear
from .schemas import CalendarDayIn, CalendarDayOut, CalendarStatusOut, CalendarYearOut, CalendarYearStatusOut

router = Router(tags=["工作日历"])


def _day_out(row: CalendarDay) -> dict[str, Any]:
    return {"date": row.date, "is_workday": row.is_workday, "name": row.name, "source": row.source}


@router.get("", response=CalendarYearOut)
def get_year(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The exceptions to the Monday–Friday rule in `year` (default: this year)."""
    year = services.check_year(year if year is not None else workdays.today().year)
    known = CalendarYear.objects.filter(year=year).first()
    days = CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)).order_by("date")
    return {
        "year": year,
        "known": known is not None,
        "source": known.source if known else None,
        "days": [_day_out(d) for d in days],
    }


@router.get("/status", response=CalendarStatusOut)
def get_status(request: HttpRequest) -> workdays.CalendarStatus:
    return workdays.status()


@router.put("/days/{date}", response=CalendarDayOut)
def set_day(request: HttpRequest, date: dt.date, payload: CalendarDayIn) -> dict[str, Any]:
    row = services.set_day(acting_user=acting(request), day=date, is_workday=payload.is_workday, name=payload.name)
    return _day_out(row)


@router.delete("/days/{date}", response=CalendarDayOut)
def clear_day(request: HttpRequest, date: dt.date) -> dict[str, Any]:
    """Remove an administrator's setting; answers what the day is now."""
    row = services.clear_day(acting_user=acting(request), day=date)
    if row is not None:
        return _day_out(row)
    return {"date": date, "is_workday": date.weekday() < 5, "name": "", "source": "rule"}


@router.post("/years/{year}/complete", response=CalendarYearStatusOut)
def complete_year(request: HttpRequest, year: int) -> dict[str, Any]:
    row = services.complete_year(acting_user=acting(request), year=year)
    return {"year": row.year, "known": True, "source": row.source}
