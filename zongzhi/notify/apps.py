from __future__ import annotations

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """In-app notifications and SMS gateways."""

    name = "zongzhi.notify"
    label = "notify"
    verbose_name = "通知"
