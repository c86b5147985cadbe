from __future__ import annotations

from django.apps import AppConfig


class FieldConfig(AppConfig):
    """The grid worker's day: the daily must-do list (每日必办), logins on duty (在岗) and the
    terminals register with its confidentiality agreement (终端管理, 保密协议)."""

    name = "zongzhi.field"
    label = "field"
    verbose_name = "网格员工作"

    def ready(self) -> None:
        from zongzhi.audit.services import ACTION_LABELS

        from . import (
            services_duty,
            services_mustdo,
            services_terminals,
            tasks_mustdo,  # noqa: F401  (registers the morning must-do job, also in process)
        )

        for part in (services_mustdo, services_duty, services_terminals):
            ACTION_LABELS.update(part.AUDIT_LABELS)
