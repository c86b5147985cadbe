from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared framework code: scope, audit context, errors, pagination."""

    name = "zongzhi.core"
    label = "core"
    verbose_name = "框架"
