"""Seeding the working-day calendar from the `chinese-calendar` package.

The package knows the State Council's schedule for the years it was released with (1.11.0:
2004–2026). We store only the exceptions to the Monday–Friday rule: holidays that fall on a
weekday and make-up workdays (调休上班) that fall on a weekend. Loading is idempotent and runs
after every `migrate`; rows an administrator entered or corrected (source "admin") are never
touched, so a package upgrade cannot undo a correction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import transaction

from . import workdays

# The package's English holiday names (chinese_calendar.Holiday values) in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
MAKEUP_SUFFIX = "调休上班"


def chinese_name(english: Any) -> str:
    """The Chinese name of a package holiday (an unknown name is kept as it is)."""
    text = str(getattr(english, "value", english))
    return HOLIDAY_NAMES.get(text, text)


@cache
def package_exceptions() -> dict[dt.date, tuple[bool, str]]:
    """date → (is_workday, name) for every exception the package knows."""
    from chinese_calendar import constants

    out: dict[dt.date, tuple[bool, str]] = {}
    for day, name in constants.holidays.items():
        if day.weekday() < 5:
            out[day] = (False, chinese_name(name))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            out[day] = (True, chinese_name(name) + MAKEUP_SUFFIX)
    return out


@cache
def package_years() -> frozenset[int]:
    """The years whose schedule the package knows."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays}
    return frozenset(range(min(years), max(years) + 1))


def package_value(day: dt.date) -> tuple[bool, str] | None:
    """What the package says about `day` if it is an exception, else None."""
    return package_exceptions().get(day)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    deleted: int
    years_added: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.years_added)


@transaction.atomic
def load_from_package() -> LoadResult:
    """Bring the package's exceptions and years into the calendar tables.

    1. add each package exception that has no row; update a package row the package now
       describes differently; leave rows with source "admin" alone;
    2. delete package rows the package no longer lists (within the years it knows);
    3. add a CalendarYear (source "package") for each year the package knows;
    4. on commit, make every process reload the calendar.
    """
    from .models import CalendarDay, CalendarSource, CalendarYear

    wanted = package_exceptions()
    years = package_years()
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    existing = {row.date: row for row in CalendarDay.objects.filter(date__gte=first, date__lte=last)}

    new_rows: list[CalendarDay] = []
    updated = 0
    for day, (is_workday, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            new_rows.append(CalendarDay(date=day, is_workday=is_workday, name=name, source=CalendarSource.PACKAGE))
        elif row.source == CalendarSource.PACKAGE and (row.is_workday, row.name) != (is_workday, name):
            row.is_workday, row.name = is_workday, name
            row.save(update_fields=["is_workday", "name", "updated_at"])
            updated += 1
    # The initial seeding is a bulk insert: hundreds of change records would only be noise.
    CalendarDay.objects.bulk_create(new_rows)

    stale = [row.pk for day, row in existing.items() if row.source == CalendarSource.PACKAGE and day not in wanted]
    deleted = 0
    for row in CalendarDay.objects.filter(pk__in=stale):
        row.delete()
        deleted += 1

    known = set(CalendarYear.objects.values_list("year", flat=True))
    new_years = [CalendarYear(year=y, source=CalendarSource.PACKAGE) for y in sorted(years - known)]
    CalendarYear.objects.bulk_create(new_years)

    result = LoadResult(len(new_rows), updated, deleted, len(new_years))
    if result.changed:
        workdays.calendar_changed()
    return result


def load_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver: every install (and every test database) gets the package's data."""
    from django.db import connections

    using = kwargs.get("using", "default")
    if "core_calendarday" not in connections[using].introspection.table_names():
        return
    load_from_package()
