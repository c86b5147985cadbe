from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit log: field-level change records and business events."""

    name = "zongzhi.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the change-record receivers)
