"""Excel and CSV import of residents, and the comparison of a department's file with the registry.

The file is read as a stream (csv, or openpyxl in read-only mode), validated row by row with
the same rules as the form, and written in batches of BATCH rows, each batch one transaction:
on PostgreSQL with COPY (ids taken from the sequence first, so the name index can be written
the same way), on SQLite with executemany. Memory stays flat however large the file: only the
ID numbers seen so far are kept, to find duplicate rows.

- A row whose ID number is already registered is skipped, so running the same file again (or
  the rest of a file after an import was stopped) changes nothing twice.
- Rejected rows go to an Excel file of their own, with the reason in Chinese beside each.
- An import can be cancelled between two batches; a batch is never left half written.

This module runs the jobs (the pool of worker processes, batches, rejects, housekeeping); the
parts it runs are modules of their own: `import_reader` (reading files), `import_columns`
(the template's columns and headers), `import_checker` (a row into a resident's values),
`import_writer` (sealing, indexing and writing a batch; its SQL in `queries.py`),
`import_compare` (the comparison), `import_review` (the wizard), `import_listings` (key persons).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import itertools
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zongzhi.core import crypto
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import User

from . import queries, sealed_files
from .import_checker import RowChecker
from .import_columns import ALIAS_TABLE as ALIAS_TABLE  # the tests read it here
from .import_columns import cut_for_excel, excel_text
from .import_compare import MISSING_NOTE as MISSING_NOTE  # the tests read it here
from .import_compare import compare
from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks
from .import_reader import RowStream, fork_server, open_rows
from .import_writer import Prepared, prepare, write_residents
from .jobs import Cancelled, finish, is_blank, local_copy, numbered, rows_of, start_background

logger = logging.getLogger("zongzhi.transfers.imports")

BATCH = 5000


# --- running ---------------------------------------------------------------------------------
class Rejects:
    """The refused rows, kept in a temporary CSV and turned into Excel at the end. A cell longer
    than Excel holds is cut when it comes in (the CSV then never holds a field longer than the
    reader's limit)."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.count = 0
        fd, name = tempfile.mkstemp(prefix="zongzhi-rejects-", suffix=".csv")
        self.path = Path(name)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)

    def add(self, line: int, cells: list[str], reason: str) -> None:
        self.count += 1
        self.writer.writerow([line, cut_for_excel(reason), *(cut_for_excel(c) for c in cells)])

    def to_excel(self) -> bytes:
        from openpyxl import Workbook

        self.fh.close()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("有误的行")
        sheet.append(["原行号", "错误原因", *(excel_text(h) for h in self.header)])
        with open(self.path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                sheet.append([int(row[0]), *(excel_text(c) for c in row[1:])])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


def run_job(job_id: int) -> ImportJob:
    """Run one import or comparison to its end (called by the worker or a thread)."""
    now = timezone.now()
    # Claimed with one conditional update: a task delivered twice runs once.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    job: ImportJob = ImportJob.objects.select_related("created_by", "default_unit").get(pk=job_id)
    if not claimed:
        return job
    from zongzhi.core.context import Actor, reset_actor, set_actor
    from zongzhi.units import grants

    user = job.created_by
    grants.prime(user)
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=job.path))
    try:
        if job.needs_review:
            from .import_review import inspect

            inspect(job)
        elif job.mode == ImportJob.Mode.COMPARE:
            compare(job, user, batch=BATCH)
        elif job.kind == "key_persons":
            _import_listings(job, user)
        else:
            _import(job, user)
    except ImportFileError as exc:
        finish(job, ImportJob.Status.FAILED, error=str(exc))
    except Cancelled:
        finish(job, ImportJob.Status.CANCELLED)
    except Exception:
        logger.exception("import %s failed", job.pk)
        finish(job, ImportJob.Status.FAILED, error="导入过程中发生错误，已导入的批次保留，请稍后重新导入同一文件")
    finally:
        reset_actor(token)
    return job


POOL_MIN_ROWS = 20_000


def _chunks(rows: Iterator[list[str]], line: int = 1) -> Iterator[tuple[list[tuple[int, list[str]]], int]]:
    """Non-empty rows with their line numbers (the header is on `line`), BATCH at a time, and
    the last line read."""
    chunk: list[tuple[int, list[str]]] = []
    for cells in rows:
        line += 1
        if is_blank(cells):
            continue
        chunk.append((line, cells))
        if len(chunk) >= BATCH:
            yield chunk, line
            chunk = []
    yield chunk, line


def _pickled_chunks(rows: Iterator[list[str]], line: int) -> Iterator[tuple[bytes, int, int]]:
    """The rows after the header (the first on `line`), BATCH at a time, pickled for a worker
    process: (the pickled rows, the line of the first, the line of the last). An xlsx parser
    process has pickled them already, and they pass through this process unopened
    (`RowStream.batches`)."""
    if isinstance(rows, RowStream):
        for raw, count in rows.batches():
            yield raw, line, line + count - 1
            line += count
        return
    while batch := list(itertools.islice(rows, BATCH)):
        yield pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL), line, line + len(batch) - 1
        line += len(batch)


def _workers(estimate: int) -> int:
    """Worker processes for checking and sealing: the cores, for large files (starting them
    costs a second or two); none for small ones."""
    if estimate < POOL_MIN_ROWS:
        return 0
    return min(int(getattr(settings, "IMPORT_WORKERS", os.cpu_count() or 1)), 4)


def _import_listings(job: ImportJob, user: User) -> None:
    from . import import_listings

    with _job_file(job) as (path, held):
        rows, estimate = open_rows(path, job.filename)
        header = next(rows, None)
        if not header or not any(h.strip() for h in header):
            raise ImportFileError("文件是空的，或第一行不是表头")
        job.total_rows = estimate
        job.save(update_fields=["total_rows"])
        rejects = Rejects(header)
        held.append(rejects)
        import_listings.run(job, user, rows, header, rejects)


@contextlib.contextmanager
def _job_file(job: ImportJob) -> Iterator[tuple[Path, list[Rejects]]]:
    """The job's upload as a local file, and a list to hold its rejects: when the block ends
    without an error the rejects are stored and the job is done; the file goes either way."""
    path = local_copy(job)
    held: list[Rejects] = []
    try:
        yield path, held
        job.total_rows = job.processed_rows
        _store_rejects(job, held[0])
        finish(job, ImportJob.Status.DONE)
    finally:
        for rejects in held:
            rejects.close()
        path.unlink(missing_ok=True)


def _import(job: ImportJob, user: User) -> None:
    with _job_file(job) as (path, held):
        rows, header, header_line, checker = rows_of(job, user, path, batch=BATCH)
        rejects = Rejects(header)
        held.append(rejects)
        seen: dict[str, int] = {}
        vendor = connection.vendor
        now = timezone.now()
        workers = _workers(job.total_rows)
        if workers:
            _import_in_pool(job, rows, header_line, checker, rejects, seen, vendor, now, workers)
        else:
            for chunk, line in _chunks(rows, header_line):
                prepared, refused = prepare(chunk, checker, vendor, now)
                _flush(job, functools.partial(list, chunk), prepared, refused, rejects, seen, line - header_line)


def _import_in_pool(
    job: ImportJob,
    rows: Iterator[list[str]],
    header_line: int,
    checker: RowChecker,
    rejects: Rejects,
    seen: dict[str, int],
    vendor: str,
    now: dt.datetime,
    workers: int,
) -> None:
    """Workers check and seal the next chunks while this process writes the current one; at
    most two chunks per worker wait, so memory stays flat however long the file. A chunk goes
    to its worker pickled, and is unpickled here only if it holds a duplicate row."""
    from collections import deque

    state = {
        name: getattr(checker, name)
        for name in ("positions", "fixed", "codes", "lookups", "units", "write", "default_path", "root", "today")
    }
    database = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    context = fork_server()
    from . import import_worker

    with context.Pool(workers, initializer=import_worker.init, initargs=(state, crypto.master_key(), database)) as pool:
        waiting: deque[tuple[Any, bytes, int, int]] = deque()
        chunks = _pickled_chunks(rows, header_line + 1)
        exhausted = False
        while True:
            while not exhausted and len(waiting) < workers * 2:
                try:
                    raw, first, last = next(chunks)
                except StopIteration:
                    exhausted = True
                    break
                waiting.append((pool.apply_async(import_worker.prepare, (raw, first, vendor, now)), raw, first, last))
            if not waiting:
                break
            result, raw, first, last = waiting.popleft()
            prepared, refused = result.get(timeout=600)  # a worker that cannot start must not hang the job
            _flush(job, functools.partial(_unpickled, raw, first), prepared, refused, rejects, seen, last - header_line)


def _unpickled(raw: bytes, line: int) -> list[tuple[int, list[str]]]:
    return numbered(pickle.loads(raw), line)


def _flush(
    job: ImportJob,
    chunk: Callable[[], list[tuple[int, list[str]]]],
    prepared: list[Prepared],
    refused: list[tuple[int, list[str], str]],
    rejects: Rejects,
    seen: dict[str, int],
    read: int,
) -> None:
    """Take the duplicates out of one checked chunk and write it (the rows as read come from
    `chunk()`, asked for only to show a duplicate: the prepared ones do not carry them back);
    `read` rows below the header are done."""
    for bad_line, cells, reason in refused:
        rejects.add(bad_line, cells, reason)
    unique: list[Prepared] = []
    cells_of: dict[int, list[str]] | None = None
    for row in prepared:
        first = seen.get(row[1])
        if first is not None:
            cells_of = cells_of or dict(chunk())
            rejects.add(row[0], cells_of[row[0]], f"与第{first}行的证件号码重复")
            continue
        seen[row[1]] = row[0]
        unique.append(row)
    _write_batch(job, unique, rejects.count, read)


def _write_batch(job: ImportJob, unique: list[Prepared], rejected: int, read: int) -> None:
    """Write one chunk as one transaction, with the job's counters."""
    if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
        raise Cancelled()
    postgres = connection.vendor == "postgresql"
    # On PostgreSQL the batch is written at once: in a new file nobody is registered yet, and
    # looking up five thousand people per batch would cost the database more than writing
    # them. When the unique index refuses the batch (a re-run, or people registered
    # already), the registered ones are looked up and left out, and the rest is written.
    fresh = unique
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                if postgres:
                    # A batch lost to a crash of the database server is written again by the
                    # re-run (its counters are in the same transaction): no need to wait for
                    # the disk at each of a million-row import's two hundred commits.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                if attempt == 2 or not postgres:
                    existing = queries.registered([row[2] for row in fresh])
                    fresh = [row for row in fresh if row[2] not in existing]
                imported = write_residents(fresh, timezone.now())
                job.imported += imported
                job.skipped += len(unique) - len(fresh)
                job.rejected = rejected
                job.processed_rows = max(job.processed_rows, read)
                job.total_rows = max(job.total_rows, job.processed_rows)
                job.heartbeat_at = timezone.now()
                job.save(
                    update_fields=["imported", "skipped", "rejected", "processed_rows", "total_rows", "heartbeat_at"]
                )
            return
        except IntegrityError:
            if attempt == 2 or not postgres:
                raise


def _store_rejects(job: ImportJob, rejects: Rejects) -> None:
    job.rejected = rejects.count
    if rejects.count:
        stem = Path(job.filename).stem[:60]
        sealed_files.save(job.rejects_file, f"{stem}-有误的行.xlsx", rejects.to_excel())


# --- starting --------------------------------------------------------------------------------
def start(job: ImportJob) -> None:
    """Queue the job once the upload is committed."""
    start_background("registry.run_import", run_job, job.pk)


STALLED_AFTER = dt.timedelta(minutes=10)


IMPORT_FILES_DAYS = 7


def expire_files(now: dt.datetime | None = None) -> int:
    """Rejected rows, comparison reports and the ids of the residents missing from a compared
    file are kept (sealed) only while the user may need them: deleted a week after the job
    ended. A request for the missing list not decided by then fails; comparing again helps."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(finished_at__lt=now - dt.timedelta(days=IMPORT_FILES_DAYS)).exclude(
        rejects_file="", report_file="", missing_file=""
    )
    count = 0
    for job in old:
        for stored in (job.rejects_file, job.report_file, job.missing_file):
            if stored:
                stored.delete(save=False)
        job.save(update_fields=["rejects_file", "report_file", "missing_file"])
        count += 1
    return count


def settle_stalled(now: dt.datetime | None = None) -> int:
    """Jobs that stopped making progress (the process running them died) are marked failed:
    their finished batches stay, and uploading the file again imports the rest."""
    now = now or timezone.now()
    stalled = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
    count = 0
    for job in stalled:
        finish(job, ImportJob.Status.FAILED, error="导入中断（处理进程已停止），已导入的批次保留，请重新导入同一文件")
        count += 1
    return count


REVIEW_KEPT = dt.timedelta(days=1)


def cancel_review(job: ImportJob, *, error: str = "") -> bool:
    """An upload waiting for its columns to be confirmed, cancelled: nothing was written, the
    file goes at once. False when it was confirmed meanwhile (one conditional update decides)."""
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.REVIEW).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
    ):
        return False
    job.refresh_from_db()
    finish(job, ImportJob.Status.CANCELLED, error=error)
    return True


def expire_reviews(now: dt.datetime | None = None) -> int:
    """Uploads left waiting for their columns to be confirmed are cancelled after a day: the
    file holds personal data and nobody is going to import it."""
    now = now or timezone.now()
    count = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.REVIEW, heartbeat_at__lt=now - REVIEW_KEPT):
        count += cancel_review(job, error="上传后一天内未确认列的对应，已自动取消，文件已删除")
    return count
