"""Background work of notify: SMS goes through the gateway outside the request (the task is
defined beside the gateway, sms.py), and the outbox of notices is delivered in batches."""

from __future__ import annotations

from celery import shared_task

from .services import deliver_notices
from .sms import send_sms_task

__all__ = ["deliver_notices_task", "send_sms_task"]


@shared_task(name="notify.deliver")  # type: ignore[untyped-decorator]
def deliver_notices_task() -> int:
    return deliver_notices()
