"""The warnings' part of `make bench` (see zongzhi/bench.py for the output format).

- alerts.warnings_pending_{township,county}_{n}k_p95: the 待签收 list of the township
  (沿江街道, which the county warns) and of the county (which the city warns), first page;
  alerts.warnings_all_county_{n}k_p95: the county's 全部 list; server time in process,
  against /healthz. Target: ≤ 15 ms.
- alerts.warnings_sweep_{n}k_open_{m}k_due: the escalation sweep over n open warnings of which
  m recipients are past their limit, against counting the due ones. Target: ≤ 1 s.

Rows are bulk-inserted (no services): 20,000 warnings with one to three recipients each in the
large size, 5,000 in the small one (under a minute).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

WARNING_SIZES = {"small": {"warnings": 5_000, "due": 500}, "large": {"warnings": 20_000, "due": 2_000}}
BATCH = 2_000


def build_warnings(count: int, *, seed: int = 15) -> int:
    """Insert `count` warnings over the last year from the city, the county and its townships
    to the units below them and to departments; three in ten still active. Returns the number
    of recipient rows."""
    from django.db import transaction
    from django.utils import timezone

    from zongzhi.units.models import Department, Unit, User

    from .models import EarlyWarning, WarningRecipient

    rng = random.Random(seed)
    county = Unit.objects.get(code="320111000000")
    city = county.parent or county
    townships = list(Unit.objects.filter(parent=county, level="township"))
    villages: dict[int, list[Unit]] = {}
    for v in Unit.objects.filter(level="village", parent__in=townships):
        villages.setdefault(v.parent_id or 0, []).append(v)
    depts = list(Department.objects.filter(unit__in=[county, *townships]).select_related("unit"))
    author = User.objects.get(username="county_officer")
    now = timezone.now()
    made = 0
    first = (EarlyWarning.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for start in range(0, count, BATCH):
        warnings, plans = [], []
        for i in range(start, min(count, start + BATCH)):
            at = now - dt.timedelta(minutes=rng.randint(10, 365 * 24 * 60))
            roll = rng.random()
            if roll < 0.1:
                sender, units, dpts = city, [county], []
            elif roll < 0.4:
                sender = county
                units = rng.sample(townships, rng.randint(1, 2))
                dpts = [d for d in rng.sample(depts, 1) if d.unit_id == county.pk]
            else:
                sender = rng.choice(townships)
                units = rng.sample(villages.get(sender.pk, [sender]), min(2, len(villages.get(sender.pk, [])) or 1))
                dpts = [d for d in depts if d.unit_id == sender.pk][:1] if rng.random() < 0.3 else []
            active = rng.random() < 0.3
            level = rng.choice(["red", "yellow", "blue"])
            warnings.append(
                EarlyWarning(
                    path=sender.path,
                    number=f"YJB{first + i:09d}",
                    title=f"批量预警{i}",
                    body="基准测试数据",
                    level=level,
                    status="active" if active else "lifted",
                    sender_unit=sender,
                    sender_user=author,
                    created_at=at,
                    lifted_at=None if active else at + dt.timedelta(days=3),
                )
            )
            plans.append((units, dpts, active, level, at))
        with transaction.atomic():
            saved = EarlyWarning.objects.bulk_create(warnings)
            rows = []
            for w, (units, dpts, active, level, at) in zip(saved, plans, strict=True):
                acked = not active or rng.random() < 0.5
                common = {
                    "warning": w,
                    "level": level,
                    "warning_status": "active" if active else "lifted",
                    "ack_due_at": at + dt.timedelta(hours=2),
                    "status": "acknowledged" if acked else "pending",
                    "acknowledged_at": at + dt.timedelta(hours=1) if acked else None,
                    "escalated_at": None if acked else at + dt.timedelta(hours=2),
                }
                rows += [WarningRecipient(unit=u, path=u.path, **common) for u in units]
                rows += [WarningRecipient(unit=d.unit, department=d, path=d.unit.path, **common) for d in dpts]
            WarningRecipient.objects.bulk_create(rows, batch_size=BATCH)
            made += len(rows)
    return made


def run(
    size_name: str,
    health: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection
    from django.utils import timezone

    from .models import EarlyWarning, WarningRecipient
    from .services_warnings import due_recipients, sweep

    size = WARNING_SIZES[size_name]
    n = size["warnings"]
    label = f"{n // 1000}k"
    t = time.perf_counter()
    build_warnings(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alerts_earlywarning")
            cursor.execute("ANALYZE alerts_warningrecipient")
    report(f"alerts.warnings_insert_{label}", time.perf_counter() - t, "s")

    township, county = client_for("township_officer"), client_for("county_officer")
    for who, client in (("township", township), ("county", county)):
        pending = p95(partial(client.get, "/api/alerts/warnings", {"box": "pending"}), 200)
        report(f"alerts.warnings_pending_{who}_{label}_p95", pending, "ms", health, "healthz")
    everything = p95(partial(county.get, "/api/alerts/warnings", {"box": "all"}), 200)
    report(f"alerts.warnings_all_county_{label}_p95", everything, "ms", health, "healthz")
    overdue = p95(partial(county.get, "/api/alerts/warnings", {"box": "all", "overdue": True}), 100)
    report(f"alerts.warnings_overdue_county_{label}_p95", overdue, "ms", health, "healthz")

    # The sweep: every warning open, every recipient pending within its limit, `due` past it.
    now = timezone.now()
    EarlyWarning.objects.update(status="active", lifted_at=None)
    WarningRecipient.objects.update(
        status="pending",
        warning_status="active",
        acknowledged_at=None,
        escalated_at=None,
        ack_due_at=now + dt.timedelta(hours=2),
    )
    ids = list(WarningRecipient.objects.order_by("?").values_list("id", flat=True)[: size["due"]])
    WarningRecipient.objects.filter(pk__in=ids).update(ack_due_at=now - dt.timedelta(minutes=5))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alerts_warningrecipient")
    t = time.perf_counter()
    due = due_recipients(now).count()
    count_time = time.perf_counter() - t
    t = time.perf_counter()
    escalated = sweep(now)
    sweep_time = time.perf_counter() - t
    assert escalated == due, (escalated, due)
    report(f"alerts.warnings_sweep_{label}_open_{due // 1000}k_due", sweep_time, "s", count_time, "count_due")
