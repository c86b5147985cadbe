"""The embedded default's stand-in for Celery beat: a daemon thread that runs the periodic
tasks of CELERY_BEAT_SCHEDULE in process. Safe with several web processes because every
periodic job claims its rows (see cases/sweep.py)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger("zongzhi.scheduler")
_started = False


def _loop() -> None:
    from celery import current_app

    last: dict[str, float] = {}
    while True:
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            every = float(str(entry["schedule"]))
            if time.monotonic() - last.get(name, 0.0) >= every:
                last[name] = time.monotonic()
                try:
                    current_app.tasks[entry["task"]]()
                except Exception:  # a failing job must not stop the others
                    logger.exception("periodic task %s failed", entry["task"])
        time.sleep(5)


def start() -> None:
    global _started
    if _started or not settings.INPROCESS_SCHEDULER:
        return
    _started = True
    threading.Thread(target=_loop, name="zongzhi-scheduler", daemon=True).start()
