"""The registry's part of `make bench` (see zongzhi/bench.py for the output format): imports, and
the people lists and searches on what they imported.

- registry.import_csv_*: a generated CSV imported end to end (validation, sealing, the name
  index), against a bare COPY (PostgreSQL) or a bare executemany (SQLite) of the same rows
  into the same table; the peak memory while importing.
- registry.import_xlsx_*: the same from an .xlsx file.
- registry.*_p95: a township's filtered list, the first page of the county, a township and a
  village, an exact ID number, name fragments (one to three characters), the key-person list;
  server time in process, against /healthz.
"""

from __future__ import annotations

import csv
import random
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REGISTRY_SIZES = {
    "small": {"csv": 20_000, "xlsx": 5_000, "key": 1_000},
    "large": {"csv": 1_000_000, "xlsx": 100_000, "key": 50_000},
}


class PeakRss:
    """The largest resident set size of this process while the block runs (Linux /proc)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def now() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def __enter__(self) -> PeakRss:
        def sample() -> None:
            while not self._stop.wait(0.2):
                self.peak = max(self.peak, self.now())

        self.peak = self.now()
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def bench_importer() -> Any:
    """The user the benchmark imports as. The registry is written by the level that owns it
    (DESIGN.md's write rule: the county reads its grids' residents but does not write them), so
    an importer holding every grid, as the grids' own staff would between them."""
    from zongzhi.units.models import Unit, User

    importer, _ = User.objects.get_or_create(
        username="bench_registrar", defaults={"unit": Unit.objects.get(code="320111000000"), "full_name": "导入"}
    )
    importer.capture_scope.set(Unit.objects.filter(level="grid", is_retired=False))
    return User.objects.get(pk=importer.pk)


def _job(path: Path, name: str, user: Any) -> Any:
    from django.core.files import File

    from zongzhi.transfers.models import ImportJob

    job = ImportJob(path=user.unit.path, filename=name, file_sha256="bench", created_by=user)
    with open(path, "rb") as fh:
        job.file.save(name, File(fh), save=False)
    job.save()
    return job


def _bare_copy(first_id: int, workdir: Path) -> float:
    """Time a bare COPY (PostgreSQL) or executemany (SQLite) of the residents with id >=
    first_id into the same table: they are dumped, deleted, and written back."""
    from django.db import connection, transaction

    from zongzhi.people.models import Resident

    table = Resident._meta.db_table
    dump = workdir / f"dump-{first_id}.bin"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with (
                open(dump, "wb") as out,
                cursor.cursor.copy(
                    f"COPY (SELECT * FROM {table} WHERE id >= {int(first_id)} ORDER BY id) TO STDOUT"
                ) as copy,
            ):
                for block in copy:
                    out.write(block)
            cursor.execute(f"DELETE FROM {table} WHERE id >= %s", [first_id])
            cursor.execute(f"VACUUM {table}")
        t = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            open(dump, "rb") as src,
            cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy,
        ):
            for block in iter(lambda: src.read(1 << 20), b""):
                copy.write(block)
        return time.perf_counter() - t
    # The same rows go back with the same ids, so their name tokens stay valid: foreign keys
    # are not checked meanwhile (SQLite would scan the token table for every row deleted).
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_resident_src")
        cursor.execute(f"CREATE TABLE bench_resident_src AS SELECT * FROM {table} WHERE id >= %s", [first_id])
        cursor.execute(f"DELETE FROM {table} WHERE id >= %s", [first_id])
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        reader = connection.connection.cursor()
        reader.execute("SELECT * FROM bench_resident_src ORDER BY id")
        width = len(reader.description)
        marks = ", ".join(["?"] * width)
        while rows := reader.fetchmany(10_000):
            connection.connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    elapsed = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_resident_src")
    return elapsed


def _to_xlsx(source: Path, target: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("实有人口")
    with open(source, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            sheet.append(row)
    book.save(target)


def run(
    size_name: str,
    health: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection

    from zongzhi.people.models import PersonCategory, Resident
    from zongzhi.transfers.demo import write_csv
    from zongzhi.transfers.imports import run_job
    from zongzhi.units.models import Unit

    size = REGISTRY_SIZES[size_name]
    workdir = Path(tempfile.mkdtemp(prefix="zongzhi-bench-registry-"))
    grids = list(Unit.objects.filter(level="grid", is_retired=False).values_list("code", flat=True))
    importer = bench_importer()
    n = size["csv"]
    label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}m"

    # 1. Import from CSV, against a bare COPY of the same rows.
    source = workdir / "residents.csv"
    write_csv(str(source), n, grids, seed=11)
    first = (Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    job = _job(source, "residents.csv", importer)
    with PeakRss() as rss:
        t = time.perf_counter()
        run_job(job.pk)
        elapsed = time.perf_counter() - t
    job.refresh_from_db()
    if job.status != "done" or job.imported != n:
        raise RuntimeError(f"bench import failed: {job.status} {job.imported}/{n} {job.error}")
    baseline = _bare_copy(first, workdir)
    against = "copy" if connection.vendor == "postgresql" else "executemany"
    report(f"registry.import_csv_{label}", elapsed, "s", baseline, against)
    report(f"registry.import_csv_{label}_peak_rss", rss.peak / 2**20, "MB")

    # 2. Import from Excel.
    m = size["xlsx"]
    xlsx_csv, xlsx = workdir / "more.csv", workdir / "residents.xlsx"
    write_csv(str(xlsx_csv), m, grids, seed=12)
    _to_xlsx(xlsx_csv, xlsx)
    first = (Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    job = _job(xlsx, "residents.xlsx", importer)
    t = time.perf_counter()
    run_job(job.pk)
    elapsed = time.perf_counter() - t
    job.refresh_from_db()
    if job.status != "done":
        raise RuntimeError(f"bench xlsx import failed: {job.error}")
    baseline = _bare_copy(first, workdir)
    report(f"registry.import_xlsx_{m // 1000}k", elapsed, "s", baseline, against)

    # 3. Key persons, then the lists people use.
    rng = random.Random(5)
    ids = list(Resident.objects.values_list("id", "path").order_by("?")[: size["key"]]) if n < 100_000 else []
    if not ids:  # ORDER BY random() over a million rows is slow: sample by id
        top = Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0
        picks = sorted(set(rng.randrange(1, top + 1) for _ in range(size["key"] * 2)))
        ids = list(Resident.objects.filter(pk__in=picks).values_list("id", "path")[: size["key"]])
    from django.utils import timezone

    today = timezone.localdate()
    PersonCategory.objects.bulk_create(
        [
            PersonCategory(
                resident_id=rid,
                path=path,
                group="key",
                category_code=rng.choice(["01", "02", "04", "07", "99"]),
                details={},
                listed_on=today,
                visit_every_days=30,
                next_visit_on=today,
            )
            for rid, path in ids
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_resident")
            cursor.execute("VACUUM ANALYZE registry_nametoken")
            cursor.execute("VACUUM ANALYZE registry_personcategory")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    with open(source, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:2001]
    numbers = [r[2] for r in rows]
    names = [r[0] for r in rows]
    fragments = []
    for name in names[:300]:
        length = rng.choice((1, 2, 2, 3))
        start = rng.randrange(0, max(1, len(name) - length + 1))
        fragments.append(name[start : start + length])
    lists(label, health, client_for, report, p95)
    township = client_for("township_officer")
    county = client_for("county_officer")
    it = iter(numbers * 2)
    lookup = p95(lambda: county.get("/api/registry/residents", {"q": next(it)}), 300)
    report(f"registry.id_lookup_{label}_p95", lookup, "ms", health, "healthz")
    for who, client in (("township", township), ("county", county)):
        frag = iter(fragments * 3)
        search = p95(lambda client=client, frag=frag: client.get("/api/registry/residents", {"q": next(frag)}), 300)
        report(f"registry.name_search_{who}_{label}_p95", search, "ms", health, "healthz")
    keys = p95(partial(township.get, "/api/registry/categories", {"group": "key"}), 200)
    report(f"registry.key_persons_township_{size['key'] // 1000}k_p95", keys, "ms", health, "healthz")


def lists(
    label: str,
    health: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    """The resident list: a township's floating population, and each persona's first page as
    the console opens it (no filter). On SQLite the county and a township fill it from the
    newest rows, a village reads the list index (people/queries.py)."""
    township = client_for("township_officer")
    kind_list = p95(partial(township.get, "/api/registry/residents", {"kind": "floating"}), 200)
    report(f"registry.list_township_{label}_p95", kind_list, "ms", health, "healthz")
    for who in ("county", "township", "village"):
        first_page = p95(partial(client_for(f"{who}_officer").get, "/api/registry/residents"), 200)
        report(f"registry.list_{who}_first_page_{label}_p95", first_page, "ms", health, "healthz")
