"""The measures read once for all the units scored together (measures.Run): scoring the whole
county costs the same queries as scoring one township, and each unit scored with the county
finds exactly what it finds scored alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zongzhi.alerts.models import InfoLapse
from zongzhi.assess import services_rubric as engine
from zongzhi.assess.measures import MEASURES, Measured, Period, Run
from zongzhi.assess.measures_common import working_days
from zongzhi.field.models import AgreementText, MustDoItem
from zongzhi.office.tests.ledger_factories import activity, document
from zongzhi.places.models import Facility
from zongzhi.units.models import Unit, User

from .measures_factories import (
    G1,
    G2,
    V1,
    V2,
    T,
    at,
    facility,
    get,
    inspection,
    last_month,
    listing,
    login,
    resident,
    staff,
    terminal,
    this_month,
    user,
)
from .test_measures_work import _case, _patrol, _route

pytestmark = pytest.mark.django_db

OTHER_TOWNSHIP = "320111004000"


def _county_units() -> list[Unit]:
    county = Unit.objects.get(code="320111000000")
    return [u for u in engine.all_assessed_units() if u.path.startswith(county.path)]


def _records(p: Period) -> None:
    """A little of everything the measures read, spread over two villages of one township, the
    township itself and a village of another township (some units pass, some fall short)."""
    day = working_days(p)[0]
    t, v1, v2, g1, g2 = get(T), get(V1), get(V2), get(G1), get(G2)
    elsewhere = Unit.objects.filter(parent__code=OTHER_TOWNSHIP).order_by("code").first()
    assert elsewhere is not None
    before = p.start - dt.timedelta(days=40)
    officer = User.objects.get(username="village_officer")
    for code in ("01", "02", "0601"):
        listing(g1, code, listed_on=before)
    listing(g2, "07", listed_on=before, team=[])
    listing(elsewhere, "03", listed_on=before, team=[])
    resident(v2)
    seen = facility(g1, "冯墙路口监控", before)
    facility(g2, "江边监控", before)
    facility(elsewhere, "村口监控", before)
    inspection(seen, p.start + dt.timedelta(days=3))
    Facility.objects.filter(pk=seen.pk).update(installed_on=before)
    staff(g1, "head", "张网格长")
    staff(g2, "police", "李民警")
    a, b = user("run_a", g1, joined=at(before)), user("run_b", elsewhere, joined=at(before))
    user("run_c", v2, role="village_officer", joined=at(before))
    login(a, day)
    login(b, day, client="pc")
    phone = terminal(v1, "RUN-SJ-001", a, before)
    login(a, day + dt.timedelta(days=1), terminal=phone)
    terminal(elsewhere, "RUN-SJ-002", b, before)
    terminal(t, "RUN-PC-001", None, before, kind="pc")
    assert AgreementText.objects.exists()  # the demo's: nobody above has signed it
    MustDoItem.objects.create(worker=a, day=day, kind="visit", ref_id=1, title="走访", path=g1.path)
    for n in range(4):
        activity(v1 if n % 2 else g1, officer, p.start + dt.timedelta(days=n))
    activity(t, officer, p.start)
    document(t, User.objects.get(username="township_officer"), p.start + dt.timedelta(days=2), [v1, v2])
    route = _route(g1, "冯墙夜巡线", members=[a])
    _route(elsewhere, "村口线", members=[], times=False)
    _patrol(route, p.start + dt.timedelta(days=3), check_ins=0)
    for status in ("completed", "completed", "in_progress"):
        _case(g1, p.start + dt.timedelta(days=4, hours=10), status=status)
    _case(elsewhere, p.start + dt.timedelta(days=4, hours=10))
    InfoLapse.objects.create(path=v2.path, unit=v2, kind="late", month=p.start)


def _measure_all(units: list[Unit], p: Period) -> dict[tuple[str, str], Measured]:
    """Every measure for every unit, with one run for them all, as the engine calls them."""
    run = Run(units)
    return {(code, u.path): m.fn(u, p, {"points": 5, **m.params}, run) for code, m in MEASURES.items() for u in units}


def _reads(queries: CaptureQueriesContext) -> list[str]:
    """The queries run, but the working-day calendar's check for changes (every few seconds,
    whatever is being read)."""
    return [q["sql"] for q in queries.captured_queries if '"core_calendar' not in q["sql"]]


@pytest.mark.parametrize("period", [last_month, this_month])
def test_each_unit_scored_with_the_county_finds_what_it_finds_scored_alone(period: Any) -> None:
    p = period()
    _records(p)
    units = _county_units()
    together = _measure_all(units, p)
    shown = [get(T), get(V1), get(V2), get(OTHER_TOWNSHIP)]
    shown += list(Unit.objects.filter(parent__code=OTHER_TOWNSHIP).order_by("code")[:1])
    for u in shown:
        for code, m in MEASURES.items():
            alone = m.fn(u, p, {"points": 5, **m.params}, Run([u]))
            assert together[(code, u.path)] == alone, (code, u.name)
    # the records do reach the results: something is deducted and something waits
    assert any(m.deduction for m in together.values()) and any(m.waiting for m in together.values())


def test_scoring_the_county_reads_as_many_queries_as_scoring_one_township() -> None:
    p = last_month()
    _records(p)
    county = _county_units()
    township = [u for u in county if u.path.startswith(get(T).path)]
    assert len(county) > 2 * len(township)
    _measure_all(township, p)  # the dictionary's labels, read once per process
    reads_alone = 0
    for code, m in MEASURES.items():
        counts = []
        for units in (township, county):
            run = Run(units)
            with CaptureQueriesContext(connection) as queries:
                for u in units:
                    m.fn(u, p, {"points": 5, **m.params}, run)
            counts.append(len(_reads(queries)))
        assert counts[0] == counts[1] <= 5, (code, counts)
        reads_alone += counts[1]
    # The engine's month for the whole county: the measures read as above, once for all its
    # units (the engine's own reads and writes of the assess tables are left out: a rubric
    # lookup per unit above, the results' insert batches).
    with CaptureQueriesContext(connection) as queries:
        engine.score_units(county, p.start)
    reads = [sql for sql in _reads(queries) if '"assess_' not in sql]
    assert len(reads) <= reads_alone, reads
