from __future__ import annotations

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Imports, comparisons and exports of the registry of people."""

    name = "zongzhi.transfers"
    label = "transfers"
    verbose_name = "导入导出"
    # Audit rows and sealed files name a record "<app label>.<model>"; see PeopleConfig.
    record_label = "registry"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the periodic jobs)
