"""The alerts statistics' part of `make bench` (see zongzhi/bench.py for the output format).

- alerts.stats_timeliness_<n>k_p95: the monthly timeliness table of the county's townships over
  <n> thousand information reports (bulk-inserted, spread over the townships' villages and the
  last 12 months, 5% flagged late, a few missing), server time in process, against /healthz.
  Target: 50 ms at 100,000 reports.
- alerts.stats_page_<n>k_p95: the whole statistics answer (five tables) through the API.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

STATS_SIZES = {"small": 10_000, "large": 100_000}


def _fill(n: int, rng: random.Random) -> None:
    """`n` reports over the county's villages and the last 12 months, with their lapses."""
    from django.db import transaction
    from django.utils import timezone

    from zongzhi.alerts.models import InfoLapse, InformationReport
    from zongzhi.core.months import month_of
    from zongzhi.units.models import Unit

    villages = list(Unit.objects.filter(path__startswith="320111", level="village", is_retired=False))
    now = timezone.now()
    categories = ["01", "07", "08", "10", "11", "99"]
    with transaction.atomic():
        batch: list[InformationReport] = []
        for i in range(n):
            v = villages[i % len(villages)]
            at = now - dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            batch.append(
                InformationReport(
                    title="基准测试信息",
                    description="内容",
                    category_code=rng.choice(categories),
                    source="grid_worker",
                    learned_at=at,
                    created_at=at,
                    received_at=at,
                    path=v.path,
                    reporter_unit=v,
                    holder_unit=v,
                )
            )
            if len(batch) == 5000:
                InformationReport.objects.bulk_create(batch)
                batch = []
        InformationReport.objects.bulk_create(batch)
        lapses = []
        for pk, path, unit_id, at in InformationReport.objects.filter(title="基准测试信息").values_list(
            "pk", "path", "reporter_unit_id", "created_at"
        ):
            if rng.random() < 0.05:
                month = month_of(at)
                kind = "late" if rng.random() < 0.8 else "missing"
                lapses.append(
                    InfoLapse(unit_id=unit_id, path=path, kind=kind, month=month, report_id=pk, minutes_late=30)
                )
        InfoLapse.objects.bulk_create(lapses, batch_size=5000)


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection

    from zongzhi.alerts import stats
    from zongzhi.core.months import month_range, previous_month, this_month
    from zongzhi.units.models import Unit

    n = STATS_SIZES[size_name]
    _fill(n, random.Random(15))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alerts_informationreport")
            cursor.execute("ANALYZE alerts_infolapse")
    county = Unit.objects.get(code="320111000000")
    month_start = previous_month(this_month())
    start, end = month_range(month_start)

    def table() -> object:
        return stats.timeliness(stats.Rows(stats.row_units(county)), month_start, start, end)

    label = f"{n // 1000}k"
    report(f"alerts.stats_timeliness_{label}_p95", p95(table, 50), "ms", health_p95_ms, "healthz")
    client = client_for("county_officer")
    page = p95(lambda: client.get("/api/alerts/stats", {"unit": county.pk, "month": f"{month_start:%Y-%m}"}), 30)
    report(f"alerts.stats_page_{label}_p95", page, "ms", health_p95_ms, "healthz")
