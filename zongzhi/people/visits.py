"""THE rule for "visits owed and missed" of listed key persons and care recipients over a period:
the rubric's visits measure and service rate (seed 003 第九条4) and the monthly analysis
report's "重点人员未走访" read it, so a report and a score of the same unit and month agree.

A listing owes a visit every `visit_every_days` days. The first cycle runs from the listing
day; each cycle ends on its due date (= the start of the cycle + the cycle). A due date is met
by the first visit after the cycle began and no later than the due date, which starts the
next cycle; a missed due date starts the next cycle itself, and a late visit then counts for
that next cycle. Only due dates that have passed count: a due date of today (or later) is not
owed yet, nor one after the listing was released.

The phone's due list and the field must-do's use the listing's `next_visit_on` (kept by
`services.record_visit`): the same cycle seen from today. This module reconstructs the cycles
of any period, past or current, from the visits themselves.

`schedule(paths, start, end)` reads in three queries, whatever the size: the listings of the
subtrees during the period, each listing's last visit before the period (however long ago: the
cycle runs on from it), and the visits of the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from zongzhi.core.scope import subtree_q

from .models import PersonCategory, Visit


@dataclass
class ListingDues:
    """One listing's visits due in the period: kept on time, and the due dates missed.
    `visits` are its visits in the period that count (before `stop`); `last_before` is its last
    visit before the period."""

    id: int
    group: str
    category_code: str
    resident_id: int
    path: str
    listed_on: dt.date
    visit_every_days: int
    last_before: dt.date | None = None
    visits: list[dt.date] = field(default_factory=list)
    on_time: int = 0
    missed: list[dt.date] = field(default_factory=list)

    @property
    def due(self) -> int:
        return self.on_time + len(self.missed)

    @property
    def last_visit(self) -> dt.date | None:
        """The last visit up to the end of the period."""
        return self.visits[-1] if self.visits else self.last_before

    def late_by(self, due: dt.date, as_of: dt.date) -> int:
        """Days between a missed due date and the first visit after it (or `as_of`)."""
        after = next((v for v in self.visits if v > due), None)
        return ((after or as_of) - due).days


def walk(anchor: dt.date, every: int, visits: list[dt.date], start: dt.date, end: dt.date) -> tuple[int, list[dt.date]]:
    """The due dates falling in [start, end) of a cycle of `every` days that began on `anchor`
    (the listing day or the last visit before `start`), against the sorted `visits` from
    `start` on: (how many were met, the missed due dates).

    1. Skip the cycles that fell due before the period (no visit since `anchor` by definition).
    2. Walk due date by due date until one is not yet past.
    """
    step = dt.timedelta(days=every)
    gap = (start - anchor).days - every
    if gap > 0:
        anchor += step * ((gap + every - 1) // every)
    on_time, i = 0, 0
    missed: list[dt.date] = []
    while True:
        due = anchor + step
        if due >= end:
            return on_time, missed
        while i < len(visits) and visits[i] <= anchor:
            i += 1
        if i < len(visits) and visits[i] <= due:
            on_time += 1
            anchor = visits[i]
        else:
            missed.append(due)
            anchor = due


def counted_end(end: dt.date, today: dt.date | None = None) -> dt.date:
    """The day after the last day of the period that counts: today at the latest (a due date of
    today is not missed yet)."""
    return min(end, today or timezone.localdate())


def schedule(
    paths: Sequence[str], start: dt.date, end: dt.date, *, groups: Iterable[str] | None = None
) -> list[ListingDues]:
    """Every listing under `paths` (subtrees) during [start, end) — listed before `end`, not
    released before `start` — of `groups` (default all), with its visits owed in the period and
    those missed (see the module docstring). Sorted by path and id. Three queries."""
    stop_all = counted_end(end)
    listed = PersonCategory.objects.filter(subtree_q(list(paths)), listed_on__lt=end).filter(
        Q(is_retired=False) | Q(retired_at__gte=_aware(start))
    )
    if groups is not None:
        listed = listed.filter(group__in=list(groups))
    rows = list(
        listed.values(
            "id",
            "group",
            "category_code",
            "listed_on",
            "visit_every_days",
            "is_retired",
            "retired_at",
            "resident_id",
            "path",
        ).order_by("path", "id")
    )
    out = [
        ListingDues(
            id=r["id"],
            group=r["group"],
            category_code=r["category_code"],
            resident_id=r["resident_id"],
            path=r["path"],
            listed_on=r["listed_on"],
            visit_every_days=r["visit_every_days"],
        )
        for r in rows
    ]
    if not rows:
        return out
    # A visit before the period matters only as the last one (the cycle runs on from it,
    # however long ago): one grouped read of each listing's last visit before the period (no
    # earlier than the first listing day: an older visit never moves an anchor), and one read of
    # the visits in the period.
    wanted = {r["id"] for r in rows}
    first_listed = min(r["listed_on"] for r in rows)
    before = (
        Visit.objects.filter(subtree_q(list(paths)), visited_on__gte=first_listed, visited_on__lt=start)
        .values("category_id")
        .annotate(last=Max("visited_on"))
        .values_list("category_id", "last")
    )
    last_before: dict[int, dt.date] = {c: day for c, day in before if c in wanted}
    visits: dict[int, list[dt.date]] = defaultdict(list)
    seen = Visit.objects.filter(subtree_q(list(paths)), visited_on__gte=start, visited_on__lt=max(stop_all, start))
    for category_id, day in seen.values_list("category_id", "visited_on").order_by("visited_on"):
        if category_id in wanted:
            visits[category_id].append(day)
    for r, dues in zip(rows, out, strict=True):
        stop = stop_all
        if r["is_retired"] and r["retired_at"] is not None:
            stop = min(stop, timezone.localtime(r["retired_at"]).date())
        dues.last_before = last_before.get(r["id"])
        dues.visits = [v for v in visits.get(r["id"], []) if v < stop]
        anchor = max(r["listed_on"], dues.last_before or r["listed_on"])
        if stop > start:
            dues.on_time, dues.missed = walk(anchor, r["visit_every_days"], dues.visits, start, stop)
    return out


def by_subtree(dues: list[ListingDues], paths: Iterable[str]) -> dict[str, list[ListingDues]]:
    """The listings under each of `paths`, in one pass per path length (for a scoring run's
    units: a county's townships and villages share one `schedule`)."""
    wanted = set(paths)
    out: dict[str, list[ListingDues]] = {p: [] for p in wanted}
    for length in sorted({len(p) for p in wanted}):
        for d in dues:
            key = d.path[:length]
            if key in wanted and len(d.path) >= length:
                out[key].append(d)
    return out


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
