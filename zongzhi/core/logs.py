"""Log lines stamped in the system's one time zone (Asia/Shanghai, +0800).

Django's and gunicorn's lines go to the same console: both carry the same zone whatever the
machine's own zone is (gunicorn's master sets TZ in `zongzhi/gunicorn_config.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings

DATEFMT = "%Y-%m-%d %H:%M:%S %z"  # as gunicorn's error log writes it


class LocalTimeFormatter(logging.Formatter):
    """A formatter whose %(asctime)s is in settings.TIME_ZONE, not the process's local zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created, ZoneInfo(settings.TIME_ZONE))
        return moment.strftime(datefmt or DATEFMT)
