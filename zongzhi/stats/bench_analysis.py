"""The analysis report's part of `make bench` (see zongzhi/bench.py for the output format).

- stats.analysis_<who>_<n>k_p95: the month's analysis report (GET /api/stats/analysis) of the
  township and of the county over the benchmark's cases (spread over three years), through the
  API, against the monthly case statistics of the same unit and month (GET /api/cases/stats,
  the existing raw aggregate of one unit-month): the report reads twelve months for its trend,
  three for its hotspots and parties, and the same month a year before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run(
    cases: int,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.utils import timezone

    from zongzhi.units.models import Unit

    month = timezone.localdate().strftime("%Y-%m")
    n = cases // 1000
    for who, username, code in (
        ("township", "township_officer", "320111003000"),
        ("county", "county_officer", "320111000000"),
    ):
        client = client_for(username)
        unit = Unit.objects.get(code=code).pk
        params = {"unit": unit, "month": month}
        baseline = p95(lambda c=client, p=params: c.get("/api/cases/stats", p), 30)
        took = p95(lambda c=client, p=params: c.get("/api/stats/analysis", p), 30)
        report(f"stats.analysis_{who}_{n}k_p95", took, "ms", baseline, "cases.monthly_stats")
