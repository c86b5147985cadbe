"""The statistics' part of `make bench` (see zongzhi/bench.py for the output format).

- stats.rebuild_<n>k: the nightly reconcile of the case rollups over <n> thousand cases
  (20,000 with SIZE=small, 1,000,000 with large), in seconds.
- stats.<figure>_<level>_p95: case_summary, case_trend (12 months) and children_summary of the
  county, a township and a village, read from the rollups, in ms, against the same figure
  aggregated from the cases table (range test on path, report time in the month) in the same
  run. Target: ≤ 20 ms at 1M cases.
- stats.report_hook_overhead: a case report (services.create_case, the grid worker inside their
  grid) with the rollups' hook (one DirtyCell row in the report's own statement) against the
  same report without it, mean ms per report. Target: ratio ≤ 1.15.
- stats.refresh_after_<n>_reports: the refresh job recomputing the cells those reports marked
  (the grid, village, township, county and the units above), in ms.
- stats.cases_page_api_county_p95: the 案件统计 page's whole payload for the county (summary,
  four breakdowns, trend, children), through the API, against /healthz.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from typing import Any

CASES = {"small": 20_000, "large": 1_000_000}
REPORTS = {"small": 150, "large": 400}


def _raw_summary(path: str, month: dt.date) -> dict[str, Any]:
    from django.db.models import Count, Q

    from zongzhi.cases.models import OPEN_STATUSES, Case
    from zongzhi.core.months import month_range
    from zongzhi.core.scope import subtree_q

    start, end = month_range(month)
    resolved = ["completed", "archived"]
    return (
        Case.objects.filter(subtree_q([path]), created_at__gte=start, created_at__lt=end)
        .exclude(status="cancelled")
        .aggregate(
            reported=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            completed=Count("id", filter=Q(status__in=resolved)),
            overdue=Count("id", filter=Q(overdue_level__gt=0)),
            disputes=Count("id", filter=Q(kind="event", category_code__startswith="01")),
        )
    )


def _raw_trend(path: str, month: dt.date) -> list[Any]:
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from zongzhi.cases.models import Case
    from zongzhi.core.months import add_months, month_range
    from zongzhi.core.scope import subtree_q

    start, _ = month_range(add_months(month, -11))
    _, end = month_range(month)
    return list(
        Case.objects.filter(subtree_q([path]), created_at__gte=start, created_at__lt=end)
        .exclude(status="cancelled")
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(
            reported=Count("id"),
            completed=Count("id", filter=Q(status__in=["completed", "archived"])),
            overdue=Count("id", filter=Q(overdue_level__gt=0)),
        )
        .order_by("m")
    )


def _raw_children(unit: Any, month: dt.date) -> list[Any]:
    from zongzhi.units.models import Unit

    return [_raw_summary(c.path, month) for c in Unit.objects.filter(parent=unit, is_retired=False)]


def _timed(fn: Callable[[], object], n: int) -> float:
    """p95 in ms of a function call (not a request)."""
    import statistics

    fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.quantiles(samples, n=20)[-1]


def _figures(report: Callable[..., None], month: dt.date) -> None:
    from zongzhi.stats import figures
    from zongzhi.units.models import Unit

    units = {
        "county": Unit.objects.get(path="320111"),
        "township": Unit.objects.get(path="320111003"),
        "village": Unit.objects.get(path="320111003001"),
    }
    for level, unit in units.items():
        pairs: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
            ("case_summary", partial(figures.case_summary, unit, month), partial(_raw_summary, unit.path, month)),
            ("case_trend", partial(figures.case_trend, unit, month), partial(_raw_trend, unit.path, month)),
            ("children_summary", partial(figures.children_summary, unit, month), partial(_raw_children, unit, month)),
        ]
        for name, rolled, raw in pairs:
            baseline = _timed(raw, 30)
            value = _timed(rolled, 100)
            report(f"stats.{name}_{level}_p95", value, "ms", baseline, "raw aggregate over cases")


def _reports(size_name: str, report: Callable[..., None]) -> None:
    from django.utils import timezone

    from zongzhi.cases import services
    from zongzhi.core import changes
    from zongzhi.stats import rollups
    from zongzhi.units.models import Unit, User

    user = User.objects.get(username="grid_worker")
    boundary = Unit.objects.get(path="320111003001001").boundary
    assert boundary is not None
    ring = boundary["coordinates"][0]
    lat, lng = sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4

    def one() -> None:
        services.create_case(
            acting_user=user,
            data=services.NewCase(
                kind="event",
                title="王某某与黄某某的劳资纠纷",
                category_code="0108",
                occurred_at=timezone.now() - dt.timedelta(hours=1),
                latitude=lat,
                longitude=lng,
            ),
        )

    n = REPORTS[size_name]
    with_hook: list[float] = []
    without: list[float] = []
    for _ in range(5):
        one()  # warm up
    for i in range(2 * n):  # alternate, so drift (the table growing) falls on both alike
        hooked = i % 2 == 0
        if not hooked:
            changes.CHANGE_HOOKS.remove(rollups.mark)
        try:
            t = time.perf_counter()
            one()
            (with_hook if hooked else without).append((time.perf_counter() - t) * 1000)
        finally:
            if not hooked:
                changes.CHANGE_HOOKS.append(rollups.mark)
    mean_with, mean_without = sum(with_hook) / n, sum(without) / n
    report("stats.report_hook_overhead", mean_with, "ms", mean_without, "report without the hook")
    t = time.perf_counter()
    rollups.refresh()
    report(f"stats.refresh_after_{n}_reports", (time.perf_counter() - t) * 1000, "ms")


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection
    from django.utils import timezone

    from zongzhi.cases.demo import build_cases
    from zongzhi.cases.models import Case
    from zongzhi.core.months import month_of
    from zongzhi.stats.rollups import rebuild_cases

    count = CASES[size_name]
    missing = count - Case.objects.count()  # after the cases' own figures, their cases serve
    if missing > 0:
        build_cases(missing)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    t = time.perf_counter()
    rebuild_cases()
    report(f"stats.rebuild_{count // 1000}k", time.perf_counter() - t, "s")
    # the last full month: a month's worth of cases in every figure
    month = month_of(month_of(timezone.localdate()) - dt.timedelta(days=1))
    _figures(report, month)
    _reports(size_name, report)
    county = client_for("county_officer")
    page = p95(lambda: county.get("/api/stats/cases"), 50)
    report("stats.cases_page_api_county_p95", page, "ms", health_p95_ms, "healthz")
