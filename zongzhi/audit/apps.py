from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit log: field-level change records and business events."""

    name = "zongzhi.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import signals, tasks  # noqa: F401  (change-record receivers; the sealing job)
        from .chain import require_sm3

        require_sm3()
