from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared framework code: scope, audit context, errors, pagination, the working-day calendar."""

    name = "zongzhi.core"
    label = "core"
    verbose_name = "框架"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (the deploy check of the data key)
        from .holidays import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="zongzhi_calendar_load")
