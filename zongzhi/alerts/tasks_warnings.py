"""Background tasks of the warnings."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="alerts.sweep_warnings")  # type: ignore[untyped-decorator]
def sweep_warnings() -> int:
    """Escalate recipients that let their acknowledgement limit pass (every minute)."""
    from .services_warnings import sweep

    set_actor(Actor(username="system"))
    return sweep()
