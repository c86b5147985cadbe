"""`make bench`: the foundation's figures, each beside a baseline measured in the same run.

Prints lines `bench: <area>.<name> <value> <unit> ratio=<r> vs <baseline>`. Runs on a fresh
SQLite file in a temporary folder, or on the database of DATABASE_URL when it is set (use a
scratch database: the bench writes rows).

- scope.subtree_count: counting audit entries under one township with the range test the
  scope mechanism uses, against the same count written as `startswith` (LIKE).
- api.unit_children_p95: the console's tree endpoint, against /healthz, in process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

SIZES = {"small": 200_000, "large": 2_000_000}


def _p95(fn: Callable[[], object], n: int) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.quantiles(samples, n=20)[-1]


def _report(name: str, value: float, unit: str, baseline: float | None = None, against: str = "") -> None:
    line = f"bench: {name} {value:.2f} {unit}"
    if baseline:
        line += f" ratio={value / baseline:.2f} vs {against}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["ZONGZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="zongzhi-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zongzhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.client import RequestFactory

    from zongzhi.audit.models import AuditLog
    from zongzhi.core.scope import subtree_q
    from zongzhi.units.auth import complete_login
    from zongzhi.units.demo import build_jurisdiction, build_personas
    from zongzhi.units.models import Unit, User

    call_command("migrate", verbosity=0)
    build_jurisdiction("large")
    build_personas()

    # 1. Fill the audit log with entries spread over every grid of the district.
    rows = SIZES[args.size]
    paths = list(Unit.objects.filter(level="grid").values_list("path", flat=True))
    have = AuditLog.objects.count()
    batch = []
    for i in range(have, rows):
        batch.append(AuditLog(layer="event", action="bench", object_path=paths[i % len(paths)], username="bench"))
        if len(batch) == 10_000:
            AuditLog.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditLog.objects.bulk_create(batch)

    township = "320111003"
    by_range = _p95(lambda: AuditLog.objects.filter(subtree_q([township], "object_path")).count(), 20)
    by_like = _p95(lambda: AuditLog.objects.filter(object_path__startswith=township).count(), 20)
    _report(f"scope.subtree_count_{rows // 1000}k", by_range, "ms", by_like, "startswith")

    # 2. The tree endpoint the console calls on every click, against a bare health check.
    user = User.objects.get(username="county_officer")
    token = complete_login(RequestFactory().post("/"), user, client="token").token
    client = Client(headers={"Authorization": f"Bearer {token}"})
    county = Unit.objects.get(code="320111000000")
    children = _p95(lambda: client.get(f"/api/units/{county.pk}/children"), 200)
    health = _p95(lambda: client.get("/healthz"), 200)
    _report("api.unit_children_p95", children, "ms", health, "healthz")


if __name__ == "__main__":
    main()
