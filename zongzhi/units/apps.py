from __future__ import annotations

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    """The jurisdiction tree, grids, departments, users, roles and scope."""

    name = "zongzhi.units"
    label = "units"
    verbose_name = "辖区与用户"

    def ready(self) -> None:
        from zongzhi.dictionary.services import register_usage

        from . import auth, grants, lookup  # noqa: F401  (connect the login audit, grants and names receivers)
        from .models import Department

        register_usage("department_kind", Department, "kind_code")
