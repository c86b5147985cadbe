"""Background work of transfers: imports, comparisons and exports run by the worker.

The task names keep the prefix of the app they were first written in (registry): a message queued
before an upgrade must still find its task after it."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="registry.run_import")  # type: ignore[untyped-decorator]
def run_import_task(job_id: int) -> str:
    from .imports import run_job

    return str(run_job(job_id).status)


@shared_task(name="registry.build_export")  # type: ignore[untyped-decorator]
def build_export_task(request_id: int) -> None:
    from .exports import build

    build(request_id)


@shared_task(name="registry.housekeeping")  # type: ignore[untyped-decorator]
def housekeeping_task() -> dict[str, int]:
    """Expired export files deleted; imports whose process died marked failed."""
    from .exports import expire_all
    from .imports import expire_files, expire_reviews, settle_stalled

    return {
        "exports_expired": expire_all(),
        "imports_stalled": settle_stalled(),
        "import_files_expired": expire_files(),
        "import_reviews_expired": expire_reviews(),
    }
