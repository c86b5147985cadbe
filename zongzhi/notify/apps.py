from __future__ import annotations

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """In-app notifications and SMS gateways."""

    name = "zongzhi.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the SMS and outbox tasks with Celery)
