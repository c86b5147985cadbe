"""Background tasks of the information reports: the time-limit sweep."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="alerts.sweep_reports")  # type: ignore[untyped-decorator]
def sweep_reports() -> dict[str, int]:
    """Flag 重大/重要 reports not passed up within their limit and tell the holder and its
    parent (every 60 s: Celery beat in production, the in-process scheduler by default)."""
    from .services_reports import sweep

    set_actor(Actor(username="system"))
    return sweep()
