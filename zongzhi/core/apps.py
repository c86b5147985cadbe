from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared framework code: scope, capabilities, errors, pagination, sealing of personal data.
    It has no models of its own; its migrations made the calendar's tables (see
    zongzhi/calendar/apps.py)."""

    name = "zongzhi.core"
    label = "core"
    verbose_name = "框架"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (the deploy check of the data key)
