"""What the import's runner (imports.py) and its parts (comparison, key-person lists, the column
review, exports) share: a job's uploaded file and its rows, cancelling and finishing a job, and
running work in the background. It imports none of them."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import User

from .import_checker import RowChecker
from .import_columns import find_header, header_fields
from .import_reader import ImportFileError, open_rows

logger = logging.getLogger("zongzhi.transfers.imports")

MAX_ROWS = 2_000_000


class Cancelled(Exception):
    pass


def finish(job: ImportJob, status: str, *, error: str = "") -> None:
    job.status, job.error, job.finished_at = status, error[:300], timezone.now()
    job.preview = {}  # its samples are people's data
    # The upload holds ID numbers and phones in clear: it goes once read (its digest stays).
    if job.file:
        job.file.delete(save=False)
    job.save()
    record_event(
        "registry.import_finished" if job.mode == ImportJob.Mode.IMPORT else "registry.compare_finished",
        obj=job,
        detail={
            "status": status,
            "file": job.filename,
            "sha256": job.file_sha256,
            "imported": job.imported,
            "skipped": job.skipped,
            "rejected": job.rejected,
        },
    )


def local_copy(job: ImportJob) -> Path:
    suffix = ".xlsx" if job.filename.lower().endswith(".xlsx") else ".csv"
    fd, name = tempfile.mkstemp(prefix="zongzhi-import-", suffix=suffix)
    with os.fdopen(fd, "wb") as out, job.file.open("rb") as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            out.write(chunk)
    return Path(name)


def rows_of(
    job: ImportJob, user: User, path: Path, *, batch: int
) -> tuple[Iterator[list[str]], list[str], int, RowChecker]:
    """(the rows after the header, the header, its line number, the checker)."""
    rows, estimate = open_rows(path, job.filename, batch=batch)
    fields = header_fields()
    header, header_line, rows = find_header(rows, fields)
    if not header or not any(h.strip() for h in header if h):
        raise ImportFileError("文件是空的，或找不到表头")
    checker = RowChecker(RowChecker.state(header, user, job, fields))
    if estimate > MAX_ROWS:
        raise ImportFileError(f"一次最多导入{MAX_ROWS:,}行，请拆分文件")
    job.total_rows = max(0, estimate - header_line + 1)
    job.save(update_fields=["total_rows"])
    return rows, header, header_line, checker


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells if c)


def numbered(rows: list[list[str]], line: int) -> list[tuple[int, list[str]]]:
    """The rows that are not blank with their line numbers, the first row being on `line`."""
    return [(n, cells) for n, cells in enumerate(rows, line) if not is_blank(cells)]


def start_background(task: str, work: Callable[[int], Any], object_id: int) -> None:
    """Run `work(object_id)` in the background after the current transaction commits: on
    the worker (production, by task name), or in a thread of the web process (the embedded
    default, which has no worker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _thread(work, object_id))
    else:
        from celery import current_app

        transaction.on_commit(lambda: current_app.send_task(task, args=[object_id]))


def _thread(work: Callable[[int], Any], object_id: int) -> None:
    def run() -> None:
        try:
            work(object_id)
        except Exception:
            logger.exception("background work %s(%s) failed", getattr(work, "__name__", work), object_id)
        finally:
            close_old_connections()
            connection.close()

    threading.Thread(target=run, name=f"background-{object_id}", daemon=True).start()
