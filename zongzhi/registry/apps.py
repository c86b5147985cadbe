from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The registry of people, places and organisations (人、地、物、组织)."""

    name = "zongzhi.registry"
    label = "registry"
    verbose_name = "实有人口与场所"

    def ready(self) -> None:
        from zongzhi.dictionary.services import register_usage

        from . import checks, tasks  # noqa: F401  (the deploy check of the data key; the periodic jobs)
        from .models import Resident
        from .validation import CODE_TABLES

        for field, table in CODE_TABLES.items():
            register_usage(table, Resident, field)
