"""`make bench`: measured figures, each beside a baseline measured in the same run.

Prints `bench: <area>.<name> <value> <unit> ratio=<r> vs <baseline>`. Runs on a fresh SQLite
file in a temporary folder, or on the PostgreSQL database named by BENCH_DATABASE_URL (created
if missing and emptied first: give it a scratch database, never a real one).

- scope.subtree_count: counting audit entries under one township with the scope mechanism's
  range test, against the same count written as `startswith` (LIKE); left out with --only.
- api.unit_children_p95: the console's tree endpoint, against /healthz, in process.
- cases.todo_*_p95: the 待办 list of a township and of the county (filtered, first page and a
  deep keyset page), server time in process, against /healthz.
- cases.sweep: the deadline sweep over every case open with 10,000 due, against a bare count
  of the due rows.
- registry.*: imports against a bare COPY, lists and name search (zongzhi/transfers/bench.py).
- alerts.stats_*: the monthly timeliness table and statistics page over information reports
  (zongzhi/alerts/bench_stats.py); alerts.warnings_*: the 待签收 lists and the escalation sweep
  over warnings beside them (zongzhi/alerts/bench_warnings.py). `--only alerts` runs these alone.
- office.ledger_*, office.*_list_api_*, office.monthly_ledger_*: a unit's ledger, its meetings,
  activities and work logs lists, and a township's monthly ledger over the county's office
  records (zongzhi/office/bench_office.py); office.documents_*: a village's in-tray and the
  sign-off status page of one document over 5,000 documents sent to 140 units each
  (zongzhi/office/bench_documents.py). `--only office` runs these alone.
- field.mustdo_*: the phone's must-do list of one worker and a county's generation of the day's
  lists (zongzhi/field/bench_mustdo.py). `--only field` runs these alone.
- stats.*: the statistics figures from the rollups against the raw aggregate over the cases
  table, the rollups' added cost on a case report, the nightly rebuild
  (zongzhi/stats/bench_stats.py). `--only stats` runs these with the big screen's and the
  analysis report's figures below, over the same cases.
- assess.rubric_month_*, assess.*_api_p95: the month's rubric for the county's assessed units
  against its measures alone, the ranking and a unit's sheet (zongzhi/assess/bench_rubric.py).
  `--only assess` runs these alone.
- stats.analysis_*_p95: the month's analysis report of a township and of the county over the
  cases, against the monthly case statistics of the same unit (zongzhi/stats/bench_analysis.py).
- cases.report_rate: reports per second against a real gunicorn (wrk), against a 20-row list,
  with production's configuration (Redis, notices written to the outbox); each report is made
  by the grid worker from inside their grid, so the grid lookup finds its grid.
- notify.deliver_rate: those reports' notices delivered by the outbox job, per second.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

SIZES = {"small": {"audit": 200_000, "cases": 20_000}, "large": {"audit": 2_000_000, "cases": 1_000_000}}


def _p95(fn: Callable[[], object], n: int) -> float:
    fn()  # warm caches first, so the order of measurements does not decide the ratios
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise RuntimeError(f"benchmark request failed with {status}: {getattr(result, 'content', b'')[:200]!r}")
    return statistics.quantiles(samples, n=20)[-1]


def _report(name: str, value: float, unit: str, baseline: float | None = None, against: str = "") -> None:
    line = f"bench: {name} {value:.2f} {unit}"
    if baseline:
        line += f" ratio={value / baseline:.2f} vs {against}"
    print(line, flush=True)


def _prepare_database() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        os.environ.pop("DATABASE_URL", None)
        os.environ["ZONGZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="zongzhi-bench-")
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ZONGZHI_SECRET_KEY", "bench-" + "k" * 50)
    os.environ.setdefault("ZONGZHI_DATA_KEY", "b3" * 32)
    # Plain HTTP on the loopback: no redirect to HTTPS, no secure-only cookies.
    os.environ["ZONGZHI_SSL_REDIRECT"] = "0"
    os.environ["ZONGZHI_SECURE_COOKIES"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--only", choices=["all", "cases", "registry", "alerts", "office", "field", "stats", "assess"], default="all"
    )
    args = parser.parse_args()
    size = SIZES[args.size]
    _prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zongzhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.client import RequestFactory
    from django.utils import timezone

    from zongzhi.cases.demo import build_cases
    from zongzhi.cases.models import Case
    from zongzhi.cases.sweep import sweep
    from zongzhi.units.auth import complete_login
    from zongzhi.units.demo import build_jurisdiction, build_personas
    from zongzhi.units.models import Unit, User

    call_command("migrate", verbosity=0)
    build_jurisdiction("large")
    build_personas()
    backend = connection.vendor
    print(f"bench: setup database={backend} size={args.size}", flush=True)

    # 1. The scope range test against LIKE, over audit entries spread over every grid (not
    # with --only: two million audit rows take long to write, on SQLite most of all).
    if args.only == "all":
        _scope_count(size["audit"])

    def client_for(username: str) -> Client:
        user = User.objects.get(username=username)
        token = complete_login(RequestFactory().post("/"), user, client="token").token
        return Client(headers={"Authorization": f"Bearer {token}"})

    county_client = client_for("county_officer")
    county = Unit.objects.get(code="320111000000")
    health = _p95(lambda: county_client.get("/healthz"), 300)
    children = _p95(lambda: county_client.get(f"/api/units/{county.pk}/children"), 200)
    _report("api.unit_children_p95", children, "ms", health, "healthz")

    if args.only in ("all", "registry"):
        from zongzhi.transfers.bench import run as registry_bench

        registry_bench(args.size, health, client_for, _report, _p95)
    if args.only == "registry":
        return

    if args.only in ("all", "alerts"):
        # The statistics' reports first: the warnings' lists are then measured beside them.
        from zongzhi.alerts.bench_stats import run as alerts_stats_bench
        from zongzhi.alerts.bench_warnings import run as alerts_warnings_bench

        alerts_stats_bench(args.size, health, client_for, _report, _p95)
        alerts_warnings_bench(args.size, health, client_for, _report, _p95)
    if args.only == "alerts":
        return

    if args.only in ("all", "office"):
        from zongzhi.office.bench_documents import run as office_documents_bench
        from zongzhi.office.bench_office import run as office_records_bench

        office_records_bench(args.size, health, client_for, _report, _p95)
        office_documents_bench(args.size, health, client_for, _report, _p95)
    if args.only == "office":
        return

    if args.only in ("all", "field"):
        from zongzhi.field.bench_mustdo import run as field_mustdo_bench

        field_mustdo_bench(args.size, health, client_for, _report, _p95)
    if args.only == "field":
        return

    # --- assess
    if args.only in ("all", "assess"):
        from zongzhi.assess.bench_rubric import run as assess_rubric_bench

        assess_rubric_bench(args.size, health, client_for, _report, _p95)
    if args.only == "assess":
        return
    # --- end assess
    if args.only == "stats":  # with "all", after the cases' figures (at the end): over their cases
        from zongzhi.stats.bench_stats import run as stats_bench

        stats_bench(args.size, health, client_for, _report, _p95)
        from zongzhi.stats.bench_analysis import run as analysis_bench
        from zongzhi.stats.bench_screen import run as screen_bench

        screen_bench(args.size, health, client_for, _report, _p95)
        analysis_bench(size["cases"], client_for, _report, _p95)
        return

    # 2. The to-do lists over many cases.
    t = time.perf_counter()
    build_cases(size["cases"])
    if backend == "postgresql":
        # A steady state, as on a server that has been running: statistics and visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # flush now rather than during the measurements
    _report(f"cases.demo_insert_{size['cases'] // 1000}k", time.perf_counter() - t, "s")
    township_client = client_for("township_officer")
    n = size["cases"] // 1000
    deep_cursor = Case.objects.order_by("-id").values_list("id", flat=True)[size["cases"] // 2]
    for who, client in (("township", township_client), ("county", county_client)):
        filtered = partial(client.get, "/api/cases", {"box": "todo", "kind": "event", "category": "01"})
        first = _p95(filtered, 200)
        _report(f"cases.todo_{who}_{n}k_p95", first, "ms", health, "healthz")
        deep = _p95(partial(client.get, "/api/cases", {"box": "todo", "cursor": deep_cursor}), 200)
        _report(f"cases.todo_{who}_{n}k_deep_page_p95", deep, "ms", health, "healthz")

    # --- dashboard and big screen: their payloads over the rollups of those cases
    from zongzhi.stats.bench_screen import run as screen_bench

    screen_bench(args.size, health, client_for, _report, _p95)
    # --- end dashboard and big screen
    # --- analysis: the month's analysis report over the cases just built
    from zongzhi.stats.bench_analysis import run as analysis_bench

    analysis_bench(size["cases"], client_for, _report, _p95)
    # --- end analysis

    # 3. Reporting against a real server, if wrk is installed.
    _report_rate(size, township_client)

    # 4. The sweep: every case open, 10,000 of them due.
    now = timezone.now()
    Case.objects.update(
        status="in_progress", due_at=now + dt.timedelta(days=30), overdue_level=0, due_soon_notified=True
    )
    due_ids = list(Case.objects.order_by("?").values_list("id", flat=True)[: min(10_000, size["cases"] // 10)])
    Case.objects.filter(pk__in=due_ids).update(due_at=now - dt.timedelta(hours=1))
    if backend == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    t = time.perf_counter()
    Case.objects.filter(status__in=["pending", "in_progress"], overdue_level=0, due_at__lt=now).count()
    count_time = time.perf_counter() - t
    t = time.perf_counter()
    counts = sweep()
    sweep_time = time.perf_counter() - t
    _report(f"cases.sweep_{n}k_open_{counts['yellow'] // 1000}k_due", sweep_time, "s", count_time, "count_due")

    # 5. The statistics over the same cases (zongzhi/stats/bench_stats.py).
    from zongzhi.stats.bench_stats import run as stats_bench

    stats_bench(args.size, health, client_for, _report, _p95)


def _scope_count(rows: int) -> None:
    from zongzhi.audit.models import AuditLog
    from zongzhi.core.scope import subtree_q
    from zongzhi.units.models import Unit

    paths = list(Unit.objects.filter(level="grid").values_list("path", flat=True))
    batch: list[AuditLog] = []
    for i in range(AuditLog.objects.count(), rows):
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


def _report_rate(size: dict[str, int], list_client: object) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("bench: cases.report_rate skipped (wrk not installed: apt-get install wrk)", flush=True)
        return
    from django.test.client import RequestFactory

    from zongzhi.units.auth import complete_login
    from zongzhi.units.models import Unit, User

    worker = User.objects.get(username="grid_worker")
    token = complete_login(RequestFactory().post("/"), worker, client="token").token
    # Reported by a grid worker on the street, from inside their grid: the grid lookup finds it
    # (point in polygon), and the village is told of a new case (a notice in the outbox).
    grid = Unit.objects.filter(path__in=worker.capture_paths, level="grid", boundary__isnull=False).first()
    assert grid is not None
    ring = grid.boundary["coordinates"][0][:4]
    longitude, latitude = sum(p[0] for p in ring) / 4, sum(p[1] for p in ring) / 4
    port = 8799
    env = dict(os.environ)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:zongzhi.gunicorn_config",
            "zongzhi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--worker-class",
            "gthread",
            "--threads",
            "2",
        ],
        # Production's configuration: Redis as cache and broker, notices through the outbox.
        env={**env, "ZONGZHI_INPROCESS_SCHEDULER": "0", "ZONGZHI_ALLOWED_HOSTS": "127.0.0.1", "REDIS_URL": redis_url},
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        script = Path(tempfile.mkdtemp()) / "report.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {token}"\n'
            # Every request is a new report: a client id unique per wrk thread and run.
            "local started = 0\n"
            "function setup(thread)\n"
            "  started = started + 1\n"
            '  thread:set("tid", started)\n'
            "end\n"
            "local n = 0\n"
            "request = function()\n"
            "  n = n + 1\n"
            "  local id = string.format('%08x-%04x-4000-8000-%012x', os.time(), tid, n)\n"
            '  local body = \'{"kind":"event","title":"王某某与李某某的邻里纠纷","category_code":"0102",\' ..\n'
            "    '\"occurred_at\":\"' .. os.date('!%Y-%m-%dT%H:%M:%SZ') .. '\",\"people_count\":2,' ..\n"
            f'    \'"latitude":{latitude:.6f},"longitude":{longitude:.6f},"client_id":"\' .. id .. \'"}}\'\n'
            "  return wrk.format(nil, '/api/cases', nil, body)\n"
            "end\n",
            encoding="utf-8",
        )
        seconds = "10" if size["cases"] <= 20_000 else "20"
        rate = _wrk([wrk, "-t2", "-c16", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}/"])
        list_script = Path(tempfile.mkdtemp()) / "list.lua"
        list_script.write_text(f'wrk.headers["Authorization"] = "Bearer {token}"\n', encoding="utf-8")
        list_rate = _wrk(
            [
                wrk,
                "-t2",
                "-c16",
                f"-d{seconds}s",
                "-s",
                str(list_script),
                f"http://127.0.0.1:{port}/api/cases?box=all&limit=20",
            ]
        )
        from zongzhi.cases.models import Case

        if not Case.objects.filter(path=grid.path, title="王某某与李某某的邻里纠纷").exists():
            raise RuntimeError("the reports did not land in the grid they were made in")
        _report("cases.report_rate", rate, "req/s", list_rate, "list_20")
    finally:
        server.terminate()
        server.wait(timeout=10)
    # What the reports left in the outbox, delivered the way the 2-second job does it.
    from zongzhi.notify.models import PendingNotice
    from zongzhi.notify.services import deliver_notices

    waiting = PendingNotice.objects.count()
    if waiting:
        t = time.perf_counter()
        with _sms_to_log():
            delivered = deliver_notices()
        _report("notify.deliver_rate", delivered / (time.perf_counter() - t), "notices/s", rate, "report_rate")


@contextlib.contextmanager
def _sms_to_log() -> Iterator[None]:
    """The bench process has no broker: SMS leave at once through the log gateway."""
    from zongzhi import celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    logging.getLogger("zongzhi.sms").setLevel(logging.WARNING)
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


def _wrk(cmd: list[str]) -> float:
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    non2xx = [line for line in out.splitlines() if "Non-2xx" in line]
    if non2xx:
        raise RuntimeError(f"wrk saw failed requests: {non2xx[0].strip()}")
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out)


if __name__ == "__main__":
    main()
