"""Calendar months, the one way: a month is the `date` of its first day.

Every page that takes `?month=YYYY-MM` parses it here (`parse_month`), so all of them answer a
malformed or out-of-range month alike: 400 with code `invalid_month` (or the caller's code) and a
Chinese message naming the allowed range, 2000-01 through the current month. Moments are turned
into months and months into moments in the current time zone (`month_of`, `month_range`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from .errors import InvalidInput

FIRST_MONTH = dt.date(2000, 1, 1)  # no record of the system is older
_PATTERN = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")  # not \d, which takes any script's digits


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the month of a date, or of a moment's local date (an aware moment is
    read in the current time zone)."""
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dt.date(moment.year, moment.month, 1)


def this_month() -> dt.date:
    """The first day of the current local month."""
    return month_of(timezone.localdate())


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after (before, if negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def previous_month(month: dt.date) -> dt.date:
    return add_months(month, -1)


def months_back(month: dt.date, n: int) -> list[dt.date]:
    """The first days of the `n` months ending with `month`'s, oldest first."""
    last = month_of(month)
    return [add_months(last, i - n + 1) for i in range(n)]


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return next_month(month) - dt.timedelta(days=1)


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware moments in the current time zone, the end (next month's first
    moment) excluded."""
    start, nxt = month_of(month), next_month(month)
    return (
        timezone.make_aware(dt.datetime(start.year, start.month, 1)),
        timezone.make_aware(dt.datetime(nxt.year, nxt.month, 1)),
    )


def month_key(month: dt.date) -> str:
    """`2026-11`."""
    return f"{month.year:04d}-{month.month:02d}"


def month_label(month: dt.date) -> str:
    """`2026年11月`."""
    return f"{month.year}年{month.month}月"


def range_message() -> str:
    """The allowed months, in words, for the messages of refused months and periods."""
    now = this_month()
    return f"月份应在{FIRST_MONTH.year}年{FIRST_MONTH.month}月至{now.year}年{now.month}月之间"


def check_month(day: dt.date, *, field: str = "month", code: str = "invalid_month") -> dt.date:
    """The first day of `day`'s month when it lies between 2000-01 and the current month,
    else 400 naming that range."""
    month = month_of(day)
    if not FIRST_MONTH <= month <= this_month():
        raise InvalidInput.field(field, range_message(), code=code)
    return month


def parse_month(
    value: str | None, *, default: dt.date | None = None, field: str = "month", code: str = "invalid_month"
) -> dt.date:
    """`YYYY-MM` (exactly: no sign, no padding, no trailing newline) as its first day, between
    2000-01 and the current month; nothing given, `default` (the current month when None)."""
    if value is None or value == "":
        return this_month() if default is None else default
    m = _PATTERN.fullmatch(value)
    if m is None:
        raise InvalidInput.field(field, f"月份格式应为 {month_key(this_month())}", code=code)
    year = int(m.group(1))
    if year < FIRST_MONTH.year:  # before constructing the date: year 0 is no date at all
        raise InvalidInput.field(field, range_message(), code=code)
    return check_month(dt.date(year, int(m.group(2)), 1), field=field, code=code)
