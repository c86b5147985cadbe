"""SMS gateways. `log` writes messages to the log (default); `http` calls the operator's SMS
platform with a configurable URL, method and parameter template.

Settings (environment): ZONGZHI_SMS_BACKEND=log|http, ZONGZHI_SMS_URL, ZONGZHI_SMS_METHOD=POST|GET,
ZONGZHI_SMS_TEMPLATE: a JSON object whose string values may contain {phone} and {text}, e.g.
{"mobile": "{phone}", "content": "【综治】{text}", "apikey": "..."}.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request

from celery import shared_task
from django.conf import settings

from zongzhi.core.masking import mask_value

from .models import SmsMessage

logger = logging.getLogger("zongzhi.sms")


def _render(template: str, phone: str, text: str) -> dict[str, str]:
    params = json.loads(template or "{}")
    if not isinstance(params, dict):
        raise ValueError("ZONGZHI_SMS_TEMPLATE must be a JSON object")
    return {str(k): str(v).replace("{phone}", phone).replace("{text}", text) for k, v in params.items()}


def send_sms(phone: str, text: str) -> SmsMessage:
    backend = settings.SMS_BACKEND
    record = SmsMessage(phone_masked=mask_value(phone), text=text[:300], backend=backend)
    try:
        if backend == "http":
            params = _render(settings.SMS_TEMPLATE, phone, text)
            url = settings.SMS_URL
            if settings.SMS_METHOD.upper() == "GET":
                request = urllib.request.Request(url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params))
            else:
                request = urllib.request.Request(
                    url, data=json.dumps(params).encode(), headers={"Content-Type": "application/json"}, method="POST"
                )
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status >= 400:
                    raise RuntimeError(f"gateway answered {response.status}")
        else:
            logger.info("SMS to %s: %s", mask_value(phone), text)
    except Exception as exc:  # the gateway's failure must not break the case action
        record.status, record.error = "failed", str(exc)[:300]
        logger.warning("SMS to %s failed: %s", mask_value(phone), exc)
    record.save()
    return record


@shared_task(name="notify.send_sms")  # type: ignore[untyped-decorator]
def send_sms_task(phones: list[str], text: str) -> int:
    """Send one text to several phones (run by the worker, after the commit that asked)."""
    return sum(send_sms(phone, text).status == "sent" for phone in phones)
