"""Background work of the rubric: the monthly scoring job (services_rubric.monthly_job)."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="assess.monthly_scores")  # type: ignore[untyped-decorator]
def monthly_scores() -> dict[str, int]:
    """Scheduled hourly; scores last month once it has ended and refreshes the current month
    when its results are older than six hours."""
    from .services_rubric import monthly_job

    set_actor(Actor(username="system"))
    return monthly_job()
