"""Background work of the daily must-do list: the morning generation of the day's lists."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="field.mustdo_morning")  # type: ignore[untyped-decorator]
def mustdo_morning() -> dict[str, int]:
    """Scheduled every few minutes; generates the day's lists once, from the morning hour on
    (services_mustdo.morning_job)."""
    from .services_mustdo import morning_job

    set_actor(Actor(username="system"))
    result = morning_job()
    if result is None:
        return {}
    return {"workers": result.workers, "created": result.created, "done": result.done}
