"""The one rule of visits owed and missed (people.visits): its cycle boundaries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zongzhi.assess.tests.measures_factories import G1, V1, get, listing, visit
from zongzhi.people.visits import schedule, walk

D = dt.date


def test_a_visit_on_the_due_date_is_on_time_the_day_after_is_late_and_counts_for_the_next_cycle() -> None:
    # listed 1 Jan, every 10 days: due 11 Jan (met on the day), 21 Jan (missed; the visit of
    # 22 Jan is late and meets the cycle that began on 21 Jan, due 31 Jan)
    assert walk(D(2026, 1, 1), 10, [D(2026, 1, 11), D(2026, 1, 22)], D(2026, 1, 1), D(2026, 2, 1)) == (
        2,
        [D(2026, 1, 21)],
    )


def test_a_due_date_on_the_end_of_the_period_is_not_owed_yet() -> None:
    assert walk(D(2026, 1, 1), 10, [], D(2026, 1, 1), D(2026, 1, 11)) == (0, [])
    assert walk(D(2026, 1, 1), 10, [], D(2026, 1, 1), D(2026, 1, 12)) == (0, [D(2026, 1, 11)])


def test_cycles_missed_before_the_period_are_skipped_not_charged_again() -> None:
    # listed long before, never visited: only the due dates inside the period count
    on_time, missed = walk(D(2025, 1, 1), 30, [], D(2026, 1, 1), D(2026, 2, 1))
    assert on_time == 0 and len(missed) == 1 and D(2026, 1, 1) <= missed[0] < D(2026, 2, 1)


def test_the_schedule_reads_the_last_visit_before_the_period_and_stops_today(db: object) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    g1 = get(G1)
    weekly = listing(g1, "02", listed_on=start - dt.timedelta(days=50), every=7)
    visit(weekly, start - dt.timedelta(days=3))  # the cycle running into the period: due start+4
    visit(weekly, start + dt.timedelta(days=4))  # met on its due date
    due_today = listing(g1, "01", listed_on=today - dt.timedelta(days=30), every=30)
    released = listing(g1, "01", listed_on=start - dt.timedelta(days=100), every=5)
    released.is_retired, released.retired_at = True, timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    released.save()
    dues = {d.id: d for d in schedule([get(V1).path], start, today + dt.timedelta(days=30))}
    w = dues[weekly.pk]
    assert w.last_before == start - dt.timedelta(days=3) and w.on_time == 1
    # next due start+11, +18 missed; start+25 is after today (start+20): not yet owed
    assert w.missed == [start + dt.timedelta(days=11), start + dt.timedelta(days=18)]
    assert w.late_by(w.missed[0], today) == 9
    assert dues[due_today.pk].due == 0  # due today: not missed yet
    assert dues[released.pk].due == 0  # released on the first day of the period


def test_the_cycle_runs_on_from_a_visit_older_than_one_cycle(db: object) -> None:
    """Listed on 1 January, 30-day cycle, last visited 25 March: June's due date runs from
    25 March in whole cycles (24 April, 24 May, 23 June), not from the listing day."""
    year = timezone.localdate().year - 1
    g1 = get(G1)
    listed = listing(g1, listed_on=D(year, 1, 1), every=30)
    visit(listed, D(year, 3, 25))
    (dues,) = [d for d in schedule([g1.path], D(year, 6, 1), D(year, 7, 1)) if d.id == listed.pk]
    assert dues.last_before == D(year, 3, 25)
    assert dues.missed == [D(year, 6, 23)]
