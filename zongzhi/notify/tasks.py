"""Background work of notify: SMS goes through the gateway outside the request."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notify.send_sms")  # type: ignore[untyped-decorator]
def send_sms_task(phones: list[str], text: str) -> int:
    from .sms import send_sms

    return sum(send_sms(phone, text).status == "sent" for phone in phones)


@shared_task(name="notify.deliver")  # type: ignore[untyped-decorator]
def deliver_notices_task() -> int:
    from .services import deliver_notices

    return deliver_notices()
