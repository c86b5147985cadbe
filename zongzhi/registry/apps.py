from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The registry before it was split into `people`, `places` and `transfers` (December 2026).

    It holds no code, only its migrations: they made the tables those apps now own (the tables
    keep their `registry_` names), and databases made before the split have them applied. Its
    migration history goes on in those apps' first migrations (`core.migration_ops.MoveModels`);
    fresh databases run the whole history.
    """

    name = "zongzhi.registry"
    label = "registry"
    verbose_name = "实有人口与场所（迁移记录）"
