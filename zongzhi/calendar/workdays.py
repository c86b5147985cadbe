"""The working-day calendar (工作日历) as the case engine reads it.

A day is a working day when it is Monday to Friday, unless the calendar table
(`core.CalendarDay`) says otherwise: holidays on weekdays and make-up workdays (调休上班) on
weekends. A year that has no `CalendarYear` row has no known schedule and counts weekends only;
`missing_years` and `status` tell the console to ask administrators to enter it.

These functions run inside request handling and in sweeps over many cases, so the whole table
(a few hundred rows) is held in process memory: `CALENDAR`, a `core.cache.ProcessCache`. Every
change goes through `calendar_changed()` in its transaction; a process checks its copy every
`CHECK_SECONDS`. Where Django's cache is private to each process (the embedded default's
LocMemCache, under several gunicorn workers) the check compares a fingerprint of the tables (row
counts and latest change times) instead of a shared token: one small query per process every
`CHECK_SECONDS`.

All times are Asia/Shanghai: a deadline is the end (23:59:59.999999) of a local day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max

from zongzhi.core.cache import ProcessCache

TZ = ZoneInfo("Asia/Shanghai")
# How long a process trusts its copy before comparing versions again. Changes made by this
# process apply at once; changes made by another process apply within this many seconds.
CHECK_SECONDS = 2.0
# Admin edits and the status warning are limited to years a deadline can plausibly fall in.
MIN_YEAR = 2000
MAX_YEAR = 2099

_ONE_DAY = dt.timedelta(days=1)


class _Snapshot:
    """The calendar table as loaded."""

    __slots__ = ("days", "years")

    def __init__(self, days: dict[dt.date, bool], years: frozenset[int]) -> None:
        self.days = days
        self.years = years

    def is_workday(self, day: dt.date) -> bool:
        exception = self.days.get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5


def _database_fingerprint() -> str:
    from .models import CalendarDay, CalendarYear

    days = CalendarDay.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), at=Max("loaded_at"))
    return f"db:{days['n']}:{days['at']}:{years['n']}:{years['at']}"


def _load(_: None) -> _Snapshot:
    from .models import CalendarDay, CalendarYear

    days = dict(CalendarDay.objects.values_list("date", "is_workday"))
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return _Snapshot(days, years)


CALENDAR: ProcessCache[None, _Snapshot] = ProcessCache(
    "calendar", _load, check_seconds=CHECK_SECONDS, fingerprint=_database_fingerprint
)


def _current() -> _Snapshot:
    return CALENDAR.get(None)


def invalidate() -> None:
    """Make every process reload the calendar now (the loader calls this)."""
    CALENDAR.invalidate()


def calendar_changed() -> None:
    """Record that the current transaction changed the calendar: every process reloads once it
    commits; until then, lookups on this connection read the table and see the change."""
    CALENDAR.changed()


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def local_date(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    _require_aware(moment, "moment")
    return moment.astimezone(TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 of `day` in Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)


def is_workday(d: dt.date) -> bool:
    """Whether `d` is a working day: Monday–Friday unless the calendar says otherwise."""
    return _current().is_workday(d)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The deadline `days` working days after `start`.

    1. take the start's local (Asia/Shanghai) date; the start day itself is never counted;
    2. walk forward one day at a time, counting the working days;
    3. the deadline is the end (23:59:59.999999, Asia/Shanghai) of the `days`-th one.

    A start on a holiday or weekend therefore counts from the next working day, which is day 1.
    Example: accepted Thursday 2026-09-24 with 5 working days → 2026-09-28, 29, 30 (中秋/国庆:
    Sep 25–27 and Oct 1–7 off), Oct 8, Oct 9 → due 2026-10-09 23:59:59.999999+08:00.
    """
    _require_aware(start, "start")
    if days < 1:
        raise ValueError("days must be at least 1")
    snap = _current()
    day = local_date(start)
    counted = 0
    while counted < days:
        day += _ONE_DAY
        if snap.is_workday(day):
            counted += 1
    return end_of_day(day)


def add_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """`start` plus `hours` clock hours (holidays do not pause the clock), in Asia/Shanghai."""
    _require_aware(start, "start")
    return (start + dt.timedelta(hours=hours)).astimezone(TZ)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """The number of working days after `a` up to and including `b`.

    The same count `add_working_days` makes: for a start on day `a`,
    `working_days_between(a, local_date(add_working_days(start, n))) == n`. Negative when
    `b` is before `a`; 0 when they are equal.
    """
    if b < a:
        return -working_days_between(b, a)
    snap = _current()
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if snap.is_workday(day):
            count += 1
    return count


def known_years() -> list[int]:
    """The years whose holiday schedule has been entered, ascending."""
    return sorted(_current().years)


def missing_years(years: Iterable[int]) -> list[int]:
    """Those of `years` without a known schedule (they count weekends only), ascending."""
    known = _current().years
    return sorted({y for y in years if y not in known})


@dataclass(frozen=True)
class CalendarStatus:
    known_years: list[int]
    current_year_known: bool
    next_year_known: bool
    warning: str | None


def today() -> dt.date:
    """Today's date in Asia/Shanghai."""
    return dt.datetime.now(TZ).date()


def status(on: dt.date | None = None) -> CalendarStatus:
    """Which years are known, and the warning the console shows administrators.

    The warning appears when the current year is unknown, or when the next year is unknown
    and it is November or December (the State Council publishes the next year's schedule late
    in the year).
    """
    on = on or today()
    known = set(_current().years)
    current_known = on.year in known
    next_known = on.year + 1 in known
    missing = []
    if not current_known:
        missing.append(on.year)
    if not next_known and on.month >= 11:
        missing.append(on.year + 1)
    warning = None
    if missing:
        years = "、".join(f"{y}年" for y in missing)
        warning = f"尚未录入{years}的节假日安排，截止日期将只按周末计算，请尽快录入"
    return CalendarStatus(sorted(known), current_known, next_known, warning)
