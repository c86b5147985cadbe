"""The daily must-do list's part of `make bench` (see zongzhi/bench.py for the output format).

- field.mustdo_list_api_p95: the phone's list (GET /api/field/must-do/mine) of the demo grid
  worker with 60 key persons due, 30 facilities not inspected this month and 20 open cases held
  by their grid (some of the visits already recorded, so the tick-off by data has work), through
  the API, against /healthz. Target: 20 ms.
- field.mustdo_generate_per_2000_workers: generating a day's lists for <n> grid workers (2,000
  with SIZE=large, 400 with small; the figure is scaled to 2,000), each with one grid holding 5
  key persons due, 3 facilities and 1 open case (≈ 10 items each, the zero report included), in
  seconds, against the baseline of inserting the same number of rows with one `bulk_create`
  (what generation cannot avoid: its reads per kind and the tick-off by data are the rest).
  Target: 10 s per 2,000 workers.
- field.mustdo_regenerate_per_2000_workers: running it again the same day (nothing new).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

WORKERS = {"small": 400, "large": 2000}


def _residents(paths: list[str], per_path: int, tag: str) -> list[Any]:
    from zongzhi.core import crypto
    from zongzhi.people.idcard import check_digit
    from zongzhi.people.models import Resident

    rows = []
    for i, path in enumerate(paths):
        for j in range(per_path):
            first17 = f"320111{1950 + (i + j) % 50}0101{(i * per_path + j) % 1000:03d}"
            number = first17 + check_digit(first17)
            rows.append(
                Resident(
                    path=path,
                    kind="registered",
                    name=f"{tag}{i}-{j}",
                    id_number_sealed=crypto.seal(number),
                    id_number_index=crypto.blind_index(number + tag + str(i * per_path + j), "id_number"),
                    id_number_mask=f"3201**********{j:04d}",
                    sex_code="1",
                )
            )
    return Resident.objects.bulk_create(rows, batch_size=2000)


def _fill_grid_data(paths: list[str], persons: int, facilities: int, cases: int, tag: str) -> None:
    """Key persons due today, facilities never inspected and open cases held by each grid."""
    from django.utils import timezone

    from zongzhi.cases.models import Case
    from zongzhi.people.models import PersonCategory
    from zongzhi.places.models import Facility
    from zongzhi.units.models import Unit

    today = timezone.localdate()
    residents = _residents(paths, persons, tag)
    PersonCategory.objects.bulk_create(
        [
            PersonCategory(
                resident=r,
                path=r.path,
                group="key",
                category_code="01",
                listed_on=today - dt.timedelta(days=90),
                visit_every_days=30,
                next_visit_on=today - dt.timedelta(days=k % 5),
            )
            for k, r in enumerate(residents)
        ],
        batch_size=2000,
    )
    Facility.objects.bulk_create(
        [Facility(path=p, name=f"{tag}探头{p[-3:]}-{k}", kind_code="01") for p in paths for k in range(facilities)],
        batch_size=2000,
    )
    units = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    Case.objects.bulk_create(
        [
            Case(
                kind="event",
                title=f"{tag}事件{k}",
                status="in_progress",
                path=p,
                initiator_unit_id=units[p],
                holder_unit_id=units[p],
            )
            for p in paths
            for k in range(cases)
        ],
        batch_size=2000,
    )


def _phone_list(health_p95_ms: float, client_for: Callable[[str], Any], report: Callable[..., None], p95: Any) -> None:
    from django.utils import timezone

    from zongzhi.field import services_mustdo as services
    from zongzhi.people.models import PersonCategory, Visit
    from zongzhi.units.demo import GRID_1, GRID_2
    from zongzhi.units.models import User

    worker = User.objects.get(username="grid_worker")
    _fill_grid_data([GRID_1, GRID_2], 30, 15, 10, "必办")
    # a few of the visits recorded today: ticked off by data on the first read
    for category in PersonCategory.objects.filter(path__in=[GRID_1, GRID_2])[:6]:
        Visit.objects.create(
            path=category.path,
            category=category,
            visited_on=timezone.localdate(),
            method="home",
            content="上门走访，情况稳定。",
            next_visit_on=timezone.localdate() + dt.timedelta(days=30),
            visitor=worker,
            visitor_name=worker.full_name,
        )
    services.generate_day(timezone.localdate(), [worker])
    client = client_for("grid_worker")
    body = client.get("/api/field/must-do/mine").json()
    print(f"bench: field.mustdo_list_items {body['total']} items ({body['done']} done)", flush=True)
    report(
        "field.mustdo_list_api_p95",
        p95(lambda: client.get("/api/field/must-do/mine"), 200),
        "ms",
        health_p95_ms,
        "healthz",
    )


def _generation(size_name: str, report: Callable[..., None]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from zongzhi.field import services_mustdo as services
    from zongzhi.field.models import MustDoItem
    from zongzhi.units.models import Level, Role, Unit, User

    n = WORKERS[size_name]
    grids = list(
        Unit.objects.filter(path__startswith="320111", level=Level.GRID, is_retired=False)
        .exclude(path__startswith="320111003001")  # the demo worker's own village
        .order_by("path")
    )
    role = Role.objects.get(code=services.GRID_WORKER_ROLE)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench_gw{i}",
                    full_name=f"网格员{i}",
                    unit=grids[i % len(grids)],
                    password="!",
                    must_change_password=False,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        User.roles.through.objects.bulk_create([User.roles.through(user_id=u.pk, role_id=role.pk) for u in users])
        User.capture_scope.through.objects.bulk_create(
            [User.capture_scope.through(user_id=u.pk, unit_id=grids[i % len(grids)].pk) for i, u in enumerate(users)]
        )
        used = sorted({grids[i % len(grids)].path for i in range(n)})
        _fill_grid_data(used, 5, 3, 1, "县")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = timezone.localdate()
    scale = 2000 / n
    t = time.perf_counter()
    result = services.generate_day(today)
    generation = time.perf_counter() - t
    print(
        f"bench: field.mustdo_generated {result.workers} workers, {result.created} items, {result.done} done",
        flush=True,
    )
    # Baseline: the same rows, inserted by one bulk_create on another day.
    copies = [
        MustDoItem(
            worker_id=i.worker_id,
            day=today + dt.timedelta(days=400),
            kind=i.kind,
            ref_id=i.ref_id,
            title=i.title,
            detail=i.detail,
            due_on=i.due_on,
            path=i.path,
        )
        for i in MustDoItem.objects.filter(day=today)
    ]
    t = time.perf_counter()
    MustDoItem.objects.bulk_create(copies, ignore_conflicts=True, batch_size=2000)
    insert = time.perf_counter() - t
    report("field.mustdo_generate_per_2000_workers", generation * scale, "s", insert * scale, "bulk_create_same_rows")
    t = time.perf_counter()
    services.generate_day(today)
    again = time.perf_counter() - t
    report("field.mustdo_regenerate_per_2000_workers", again * scale, "s", insert * scale, "bulk_create_same_rows")


def run(
    size_name: str,
    health_p95_ms: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    _phone_list(health_p95_ms, client_for, report, p95)
    _generation(size_name, report)
