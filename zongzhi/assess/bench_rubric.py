"""The rubric's part of `make bench` (see zongzhi/bench.py for the output format).

- assess.rubric_month_<n>_units: scoring every assessed unit of the county (townships and
  villages, 140 in the real 浦口区; <n> in the benchmark's tree) for one month with the default
  rubric: every computed item's measure through MEASURES, hand scores read, the month's
  ItemResult and UnitScore rows replaced. In seconds, against the baseline of calling the same
  measures for the same units directly (what the engine cannot avoid; the rest is its own
  bookkeeping and writes). With no measure registered, against one `bulk_create` of the same
  number of result rows. Target: 5 s for 140 units. The month is the last whole one; with
  SIZE=large the county first gets 1,000,000 residents (50,000 key persons) and 1,000,000 cases
  (`_fill_large`).
- assess.measure.<code>[<n>q]: each measure alone for every unit, with its query count.
- assess.measure.<code>: each computed item's measure called for every assessed unit with one
  shared run (as the engine calls it), in seconds, against all the measures together, with the
  number of queries it ran in the line's name (bounded whatever the number of units: each
  measure reads the run's records once, not once per unit).
- assess.ranking_api_p95 / assess.sheet_api_p95: a township's ranking of its villages and a
  village's sheet for the month from the kept results, through the API, against /healthz.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from zongzhi.core.months import previous_month, this_month
    from zongzhi.units.models import Unit

    from . import services_rubric as engine
    from .measures import Run
    from .models import ItemResult

    if size_name == "large":
        _fill_large()
    county = Unit.objects.get(code="320111000000")
    units = [u for u in engine.all_assessed_units() if u.path.startswith(county.path)]
    month = previous_month(this_month())  # a whole month: every measure has its period to read
    period = engine.month_period(month)
    measures = engine.load_measures()
    rubric = engine.rubric_for(units[0], month.year)
    items = list(rubric.items.filter(is_active=True))

    engine.score_units(units[:5], month)  # warm the imports and caches
    t = time.perf_counter()
    engine.score_units(units, month)
    took = time.perf_counter() - t

    computed = [i for i in items if i.measure in measures]
    if computed:
        t = time.perf_counter()
        run = Run(units)
        for u in units:
            for i in computed:
                m = measures[i.measure]
                m.fn(u, period, {**m.params, **i.params, "points": float(i.points)}, run)
        baseline, against = time.perf_counter() - t, f"measures_only({len(computed)} items)"
        for i in computed:
            m = measures[i.measure]
            args = {**m.params, **i.params, "points": float(i.points)}
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                run = Run(units)
                for u in units:
                    m.fn(u, period, args, run)
                one = time.perf_counter() - t
            report(f"assess.measure.{i.measure}[{len(queries)}q]", one, "s", baseline, "all measures")
    else:
        rows = [
            ItemResult(unit=u, path=u.path, month=month, item=i, status="unscored", points=i.points, score=i.points)
            for u in units
            for i in items
        ]
        t = time.perf_counter()
        with transaction.atomic():
            ItemResult.objects.filter(unit__in=units, month=month).delete()
            ItemResult.objects.bulk_create(rows, batch_size=1000)
        baseline, against = time.perf_counter() - t, "bulk_insert(no measure registered)"
        engine.score_units(units, month)
    report(f"assess.rubric_month_{len(units)}_units", took, "s", baseline, against)

    township = Unit.objects.get(code="320111003000")
    village = Unit.objects.get(code="320111003001")
    client = client_for("township_officer")
    ranking = p95(lambda: client.get(f"/api/assess/scores/ranking?unit={township.pk}&period=month"), 100)
    report("assess.ranking_api_p95", ranking, "ms", health_p95_ms, "healthz")
    sheet = p95(lambda: client.get(f"/api/assess/scores/sheet?unit={village.pk}&period=month"), 100)
    report("assess.sheet_api_p95", sheet, "ms", health_p95_ms, "healthz")
    del size_name


LARGE = 1_000_000  # cases and residents, as the target says
KEY_PERSONS = 50_000


def _fill_large() -> None:
    """A county at the issue's size before the rubric is measured: 1,000,000 residents through
    the import (the registry bench's generator), 50,000 of them key persons, and 1,000,000
    cases over the last twelve months (the cases bench's generator). What is already there
    counts, so a full `make bench SIZE=large` adds nothing."""
    import random
    import tempfile
    from pathlib import Path

    from django.db import connection
    from django.utils import timezone

    from zongzhi.cases.demo import build_cases
    from zongzhi.cases.models import Case
    from zongzhi.people.models import PersonCategory, Resident
    from zongzhi.transfers.bench import _job, bench_importer
    from zongzhi.transfers.demo import write_csv
    from zongzhi.transfers.imports import run_job
    from zongzhi.units.models import Unit

    missing = LARGE - Resident.objects.count()
    if missing > 0:
        grids = list(Unit.objects.filter(level="grid", is_retired=False).values_list("code", flat=True))
        source = Path(tempfile.mkdtemp(prefix="zongzhi-bench-assess-")) / "residents.csv"
        write_csv(str(source), missing, grids, seed=31)
        job = _job(source, "residents.csv", bench_importer())
        run_job(job.pk)
        job.refresh_from_db()
        if job.imported < missing * 0.9:
            raise RuntimeError(f"bench import: {job.status} {job.imported}/{missing} imported, {job.rejected} refused")
    keys = KEY_PERSONS - PersonCategory.objects.filter(group="key").count()
    if keys > 0:
        rng = random.Random(7)
        top = Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0
        picks = sorted({rng.randrange(1, top + 1) for _ in range(keys * 2)})
        rows = list(Resident.objects.filter(pk__in=picks).values_list("id", "path")[:keys])
        today = timezone.localdate()
        PersonCategory.objects.bulk_create(
            [
                PersonCategory(
                    resident_id=rid,
                    path=path,
                    group="key",
                    category_code=rng.choice(["01", "02", "04", "07", "99"]),
                    details={},
                    listed_on=today - dt.timedelta(days=rng.randrange(30, 400)),
                    visit_every_days=30,
                    next_visit_on=today,
                )
                for rid, path in rows
            ],
            batch_size=5000,
        )
    missing = LARGE - Case.objects.count()
    if missing > 0:
        build_cases(missing)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
