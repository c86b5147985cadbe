"""Background tasks of the audit log."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.seal")  # type: ignore[untyped-decorator]
def seal() -> int:
    """Chain newly committed audit entries (audit/chain.py); scheduled every minute."""
    from .chain import seal_pending

    return seal_pending()
