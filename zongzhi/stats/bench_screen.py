"""The dashboards' and the big screen's part of `make bench` (see zongzhi/bench.py for the output
format). Run after the to-do lists' cases are built (1,000,000 with SIZE=large, 20,000 small).

- stats.rollup_rebuild_<n>k: building the rollups once from those rows (what the demo and the
  nightly reconcile do), against counting the same rows by month (the raw aggregate).
- stats.screen_county_<n>k_p95: the big screen's whole payload (GET /api/stats/screen) of the
  county, through the API, against /healthz and against the raw aggregate the rollups replace
  (the county's cases of this month by status, counted from the case table). Target: 50 ms.
- stats.dashboard_<level>_<n>k_p95: the home dashboard (GET /api/stats/dashboard) of the county,
  a township and a village, against the same raw aggregate. Target: 20 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

SIZES = {"small": 20_000, "large": 1_000_000}


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from zongzhi.cases.models import Case
    from zongzhi.core.months import month_range, this_month
    from zongzhi.core.scope import subtree_q
    from zongzhi.stats.rollups import rebuild_cases
    from zongzhi.units.models import Unit

    n = SIZES[size_name] // 1000
    county = Unit.objects.get(code="320111000000")
    township = Unit.objects.get(code="320111003000")
    village = Unit.objects.get(code="320111003001")

    def by_month() -> int:
        return len(list(Case.objects.annotate(m=TruncMonth("created_at")).values("path", "m").annotate(k=Count("id"))))

    t = time.perf_counter()
    by_month()
    raw_all = time.perf_counter() - t
    t = time.perf_counter()
    rows = rebuild_cases()
    rebuild = time.perf_counter() - t
    print(f"bench: stats.rollup_rows {rows} rows", flush=True)
    report(f"stats.rollup_rebuild_{n}k", rebuild, "s", raw_all, "raw_count_by_path_month")

    start, end = month_range(this_month())

    def raw(unit: Unit) -> Callable[[], object]:
        return lambda: list(
            Case.objects.filter(subtree_q([unit.path]), created_at__gte=start, created_at__lt=end)
            .values("status")
            .annotate(k=Count("id"))
            .order_by()
        )

    raw_county = p95(raw(county), 30)
    report(f"stats.raw_month_by_status_county_{n}k_p95", raw_county, "ms")

    county_client = client_for("county_officer")
    screen = p95(lambda: county_client.get("/api/stats/screen", {"unit": county.pk}), 100)
    report(f"stats.screen_county_{n}k_p95", screen, "ms", health_p95_ms, "healthz")
    report(f"stats.screen_county_{n}k_vs_raw", screen, "ms", raw_county, "raw_month_by_status_county")

    for level, unit, who in (
        ("county", county, "county_officer"),
        ("township", township, "township_officer"),
        ("village", village, "village_officer"),
    ):
        client = client_for(who)
        dash = p95(lambda c=client, u=unit: c.get("/api/stats/dashboard", {"unit": u.pk}), 100)
        report(f"stats.dashboard_{level}_{n}k_p95", dash, "ms", health_p95_ms, "healthz")
        raw_unit = p95(raw(unit), 30)
        report(f"stats.dashboard_{level}_{n}k_vs_raw", dash, "ms", raw_unit, f"raw_month_by_status_{level}")
