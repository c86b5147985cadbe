from __future__ import annotations

from django.apps import AppConfig


class DictionaryConfig(AppConfig):
    """The data dictionary: code tables (GB/T, GA/T and our own), edited by administrators."""

    name = "zongzhi.dictionary"
    label = "dictionary"
    verbose_name = "数据字典"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .loader import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="zongzhi_dictionary_load")
