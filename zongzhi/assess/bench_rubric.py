"""The rubric's part of `make bench` (see zongzhi/bench.py for the output format).

- assess.rubric_month_<n>_units: scoring every assessed unit of the county (townships and
  villages, 140 in the real 浦口区; <n> in the benchmark's tree) for one month with the default
  rubric: every computed item's measure through MEASURES, hand scores read, the month's
  ItemResult and UnitScore rows replaced. In seconds, against the baseline of calling the same
  measures for the same units directly (what the engine cannot avoid; the rest is its own
  bookkeeping and writes). With no measure registered, against one `bulk_create` of the same
  number of result rows. Target: 5 s for 140 units.
- assess.measure.<code>: each computed item's measure called for every assessed unit with one
  shared run (as the engine calls it), in seconds, against all the measures together, with the
  number of queries it ran in the line's name (bounded whatever the number of units: each
  measure reads the run's records once, not once per unit).
- assess.ranking_api_p95 / assess.sheet_api_p95: a township's ranking of its villages and a
  village's sheet for the month from the kept results, through the API, against /healthz.
"""

from __future__ import annotations

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

    from zongzhi.core.months import this_month
    from zongzhi.units.models import Unit

    from . import services_rubric as engine
    from .measures import Run
    from .models import ItemResult

    county = Unit.objects.get(code="320111000000")
    units = [u for u in engine.all_assessed_units() if u.path.startswith(county.path)]
    month = this_month()
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
