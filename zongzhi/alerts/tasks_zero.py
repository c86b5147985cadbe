"""Background work of the zero-report part: delivering a group text (群发短信)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="alerts.deliver_group_sms")  # type: ignore[untyped-decorator]
def deliver_group_sms(group_id: int) -> int:
    from .services_zero import deliver

    return deliver(group_id)
