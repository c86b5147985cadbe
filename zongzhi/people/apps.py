from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People (实有人口): residents, key persons and care recipients, their visits."""

    name = "zongzhi.people"
    label = "people"
    verbose_name = "实有人口"
    # Audit rows and sealed files name a record "<app label>.<model>"; this app's records were
    # written as "registry.<model>" before the registry was split, and keep that name.
    record_label = "registry"

    def ready(self) -> None:
        from zongzhi.dictionary.services import register_usage

        from .models import Resident
        from .validation import CODE_TABLES

        for field, table in CODE_TABLES.items():
            register_usage(table, Resident, field)
