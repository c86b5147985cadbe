"""The office ledgers' part of `make bench` (see zongzhi/bench.py for the output format).

A county with <n> thousand office records (meetings, activities and work logs spread over every
unit of the county – county, townships, villages – and the last 12 months, bulk-inserted), then:

- office.ledger_unit_month_<n>k_p95: one unit's meeting ledger rows for a month (a village's,
  in process, the registry's row function), against /healthz.
- office.ledger_api_<n>k_p95: the same ledger through the API (scope check, JSON).
- office.monthly_ledger_township_<n>k: the monthly ledger (日清月结) of a township, every ledger
  as JSON and as the .xlsx workbook, in seconds, against a bare read of the same month's rows
  of the three kinds (values_list, no formatting). Target: 2 s at 200,000 records.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

OFFICE_SIZES = {"small": 20_000, "large": 200_000}


def _fill(n: int, rng: random.Random) -> None:
    """`n` records over the county's units and the last 12 months: 30% meetings, 40% activities,
    30% work logs; one in fifty withdrawn."""
    from django.db import transaction
    from django.utils import timezone

    from zongzhi.office.models import Activity, Meeting, WorkLog
    from zongzhi.units.models import Unit, User

    units = list(Unit.objects.filter(path__startswith="320111", is_retired=False).exclude(level="grid"))
    author = User.objects.get(username="county_officer")
    now = timezone.now()
    today = timezone.localdate()
    batches: dict[type[Any], list[Any]] = {Meeting: [], Activity: [], WorkLog: []}
    with transaction.atomic():
        for i in range(n):
            u = units[i % len(units)]
            minutes = rng.randrange(0, 365 * 24 * 60)
            at = now - dt.timedelta(minutes=minutes)
            day = today - dt.timedelta(days=minutes // (24 * 60))
            withdrawn = (
                {"withdrawn_at": now, "withdrawn_by": author, "withdrawn_reason": "重复录入"} if i % 50 == 0 else {}
            )
            roll = rng.random()
            if roll < 0.3:
                batches[Meeting].append(
                    Meeting(
                        unit=u,
                        path=u.path,
                        kind="regular",
                        name="综治工作例会",
                        held_at=at,
                        location="会议室",
                        attendees="班子成员、网格员",
                        topic="部署综治工作",
                        content="学习文件，排查矛盾纠纷，部署下阶段工作。",
                        created_by=author,
                        created_at=at,
                        **withdrawn,
                    )
                )
            elif roll < 0.7:
                batches[Activity].append(
                    Activity(
                        unit=u,
                        path=u.path,
                        kind="publicity",
                        name="平安宣传",
                        held_on=day,
                        location="广场",
                        topic="防范电信诈骗",
                        created_by=author,
                        created_at=at,
                        **withdrawn,
                    )
                )
            else:
                batches[WorkLog].append(
                    WorkLog(
                        unit=u,
                        path=u.path,
                        author=author,
                        logged_on=day,
                        title="走访",
                        content="上门走访重点人员，情况稳定。",
                        created_at=at,
                        **withdrawn,
                    )
                )
            for model, rows in batches.items():
                if len(rows) >= 5000:
                    model.objects.bulk_create(rows)
                    rows.clear()
        for model, rows in batches.items():
            model.objects.bulk_create(rows)


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection

    from zongzhi.core.months import previous_month, this_month
    from zongzhi.office import ledgers
    from zongzhi.office.models import Activity, Meeting, WorkLog
    from zongzhi.office.services_common import day_bounds, month_bounds
    from zongzhi.units.models import Unit, User

    n = OFFICE_SIZES[size_name]
    _fill(n, random.Random(16))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("office_meeting", "office_activity", "office_worklog"):
                cursor.execute(f"ANALYZE {table}")
    label = f"{n // 1000}k"
    village = Unit.objects.get(code="320111003001")
    township = Unit.objects.get(code="320111003000")
    first, last = month_bounds(previous_month(this_month()))
    kind = ledgers.KINDS["meetings"]

    report(
        f"office.ledger_unit_month_{label}_p95",
        p95(lambda: kind.rows(village, first, last), 50),
        "ms",
        health_p95_ms,
        "healthz",
    )
    client = client_for("township_officer")
    query = {"kind": "meetings", "unit": village.pk, "from": first.isoformat(), "to": last.isoformat()}
    report(
        f"office.ledger_api_{label}_p95",
        p95(lambda: client.get("/api/office/ledgers", query), 30),
        "ms",
        health_p95_ms,
        "healthz",
    )

    # The lists a unit works in (the "a unit's list p95 <= 15 ms"): its meetings,
    # activities and work logs, first page with the total, through the API.
    for name in ("meetings", "activities", "work-logs"):
        report(
            f"office.{name.replace('-', '_')}_list_api_{label}_p95",
            p95(lambda name=name: client.get(f"/api/office/{name}", {"unit": village.pk}), 30),
            "ms",
            health_p95_ms,
            "healthz",
        )
        report(
            f"office.{name.replace('-', '_')}_total_api_{label}_p95",
            p95(lambda name=name: client.get(f"/api/office/{name}/total", {"unit": village.pk}), 30),
            "ms",
            health_p95_ms,
            "healthz",
        )

    officer = User.objects.get(username="township_officer")
    month = first.strftime("%Y-%m")

    def bare() -> None:
        start, after = day_bounds(first, last)
        list(Meeting.objects.filter(unit=township, held_at__gte=start, held_at__lt=after).values_list())
        list(Activity.objects.filter(unit=township, held_on__gte=first, held_on__lte=last).values_list())
        list(WorkLog.objects.filter(unit=township, logged_on__gte=first, logged_on__lte=last).values_list())

    def monthly() -> None:
        ledgers.monthly_to_excel(ledgers.monthly(officer, township.pk, month))

    def seconds(fn: Callable[[], None], runs: int) -> float:
        fn()
        best = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            best.append(time.perf_counter() - t)
        return max(best)

    baseline = seconds(bare, 5)
    report(f"office.monthly_ledger_township_{label}", seconds(monthly, 3), "s", baseline, "bare_read")
