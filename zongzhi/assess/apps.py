from __future__ import annotations

from django.apps import AppConfig


class AssessConfig(AppConfig):
    """Assessment (考核评估): the login red light (seed 000), the scoring rubric of seed 003's
    应用管理考评办法 with computed and hand-scored items, rankings, and the monthly bulletin
    (督查通报)."""

    name = "zongzhi.assess"
    label = "assess"
    verbose_name = "考核评估"

    def ready(self) -> None:
        from zongzhi.audit.services import ACTION_LABELS

        from . import services_rubric, tasks_rubric  # noqa: F401  (registers the monthly scoring job)

        ACTION_LABELS.update(services_rubric.AUDIT_LABELS)
        # analysis: the audit labels of the monthly bulletin (督查通报)
        from . import services_bulletins

        ACTION_LABELS.update(services_bulletins.AUDIT_LABELS)
