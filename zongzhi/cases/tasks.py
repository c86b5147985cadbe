"""Background tasks of the case engine."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="cases.sweep_deadlines")  # type: ignore[untyped-decorator]
def sweep_deadlines() -> dict[str, int]:
    from .sweep import sweep

    set_actor(Actor(username="system"))
    return sweep()
