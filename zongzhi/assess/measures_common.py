"""What the computed rubric items (measures_basic, measures_office, measures_work,
measures_practice) share: the days and months of a period that have passed, the "own records"
rule of the office ledgers, number formatting, and a cap on how many shortfalls are listed.

A period counts only what has had the chance to happen: a month is judged once it has ended,
a working day once it is over (today is not yet over). A measure of a period with nothing
passed yet returns `waiting`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Collate, Concat
from django.utils import timezone

from zongzhi.calendar import workdays
from zongzhi.core.months import month_of, next_month
from zongzhi.core.scope import VILLAGE_PATH_LENGTH, subtree_q
from zongzhi.units.models import Unit

from .measures import Period, Run, Shortfall

R = TypeVar("R")

# A deduction list of a county for a year may run to thousands of rows: the first LISTED are
# named one by one, the rest are one line that carries their count (the deduction is the same).
LISTED = 100

NOT_STARTED = "考核期尚未开始，暂无可计算的数据"


def today() -> dt.date:
    return timezone.localdate()


def aware(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as moments: from the first day's midnight to the midnight after the last."""
    return aware(period.start), aware(period.end)


def passed_end(period: Period) -> dt.date:
    """The day after the last day of the period that is over: today at the latest."""
    return min(period.end, today())


def ended_months(period: Period) -> list[tuple[dt.date, dt.date]]:
    """(first day, first day of the next month) of each month of the period that has ended."""
    out: list[tuple[dt.date, dt.date]] = []
    first = month_of(period.start)
    limit = today()
    while first < period.end:
        following = next_month(first)
        if following > limit:
            break
        out.append((max(first, period.start), min(following, period.end)))
        first = following
    return out


def local_day(moment: dt.datetime) -> dt.date:
    """The local date of a stored moment."""
    return timezone.localtime(moment).date()


def first_days(pairs: Iterable[tuple[int, dt.date]]) -> dict[int, dt.date]:
    """The first day of each id among (id, day) pairs."""
    out: dict[int, dt.date] = {}
    for key, day in pairs:
        if key not in out or day < out[key]:
            out[key] = day
    return out


def account_since(date_joined: dt.datetime | None, first_login: dt.date | None, default: dt.date) -> dt.date:
    """From when an account owes its working days: its opening, or its first login of the
    period if earlier (an account opened again, or entered after the fact)."""
    opened = local_day(date_joined) if date_joined else default
    return min(opened, first_login) if first_login else opened


def as_date(value: dt.date | dt.datetime) -> dt.date:
    """A truncated month as a date (some backends return a datetime)."""
    return value.date() if isinstance(value, dt.datetime) else value


def month_label(first: dt.date) -> str:
    return f"{first.year}年{first.month}月"


def day_label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def working_days(period: Period, since: dt.date | None = None) -> list[dt.date]:
    """The working days (working-day calendar, 调休 included) of the period that are over,
    from `since` on when given."""
    day = max(period.start, since) if since else period.start
    end = passed_end(period)
    out: list[dt.date] = []
    while day < end:
        if workdays.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def run_q(run: Run, field: str = "path") -> Q:
    """Everything under the units of the run (its roots): what a run-wide read covers."""
    return subtree_q(run.roots, field)


def split(run: Run, rows: Iterable[R], path_of: Callable[[R], str], *, own: bool = False) -> dict[str, list[R]]:
    """Each unit of the run with the rows (read run-wide) under it, in the rows' order: a row of
    a village goes to the village and to its township when both are scored. With `own`, the
    office ledgers' rule instead (services_activities._counted): a unit's own rows, a village's
    (or a grid's) with its grids'; a township's activity ledger is its own work."""
    lengths = sorted({len(p) for p in run.paths})
    out: dict[str, list[R]] = {p: [] for p in run.paths}
    for row in rows:
        path = path_of(row)
        for n in lengths:
            if n > len(path):
                break
            if own and n < len(path) and n < VILLAGE_PATH_LENGTH:
                continue
            part = out.get(path[:n])
            if part is not None:
                part.append(row)
    return out


def units_having(run: Run, rows: QuerySet[Any], field: str = "path") -> set[str]:
    """The paths of the run's units with at least one of `rows` under them, in one query: an
    EXISTS probe of the rows' path index per unit, instead of one `.exists()` query per unit.
    The subtree's upper bound is the unit's path followed by "~" (paths are digits, "~" sorts
    after them), compared under the path columns' "C" collation on PostgreSQL."""
    upper: Any = Concat(OuterRef("path"), Value("~"), output_field=CharField())
    if connection.vendor == "postgresql":
        upper = Collate(upper, "C")
    under = rows.filter(**{f"{field}__gte": OuterRef("path"), f"{field}__lt": upper})
    return set(Unit.objects.filter(path__in=run.paths).filter(Exists(under)).values_list("path", flat=True))


def points(params: dict[str, object], key: str, default: float) -> float:
    value = params.get(key, default)
    return float(value) if isinstance(value, int | float | str) else default


def number(value: float) -> str:
    """0.5 → "0.5", 2.0 → "2", 0.30000000000000004 → "0.3"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def capped(shortfalls: Iterable[Shortfall], rest_text: str = "另有{n}项", link: str = "") -> list[Shortfall]:
    """The first LISTED shortfalls as they are, the others folded into one carrying their count."""
    out: list[Shortfall] = []
    rest = 0.0
    for s in shortfalls:
        if len(out) < LISTED:
            out.append(s)
        else:
            rest += s.count
    if rest:
        out.append(Shortfall(text=rest_text.format(n=number(rest)), count=rest, link=link))
    return out


def deduction_of(shortfalls: Iterable[Shortfall], per: float) -> float:
    return round(sum(s.count for s in shortfalls) * per, 4)
