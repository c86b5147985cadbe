from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Statistics and analysis (统计研判): monthly rollups per unit and level kept current as the
    records change, the home dashboards, the county centre's big screen (大屏) and the monthly
    analysis report (研判报告)."""

    name = "zongzhi.stats"
    label = "stats"
    verbose_name = "统计研判"

    def ready(self) -> None:
        # core imports no app: the apps say where records changed (core.changes), the rollups listen
        from zongzhi.core import changes

        from . import rollups, signals, tasks  # noqa: F401  (tasks: registers the refresh and reconcile jobs)

        signals.connect()

        if rollups.mark not in changes.CHANGE_HOOKS:
            changes.CHANGE_HOOKS.append(rollups.mark)
        if rollups.unit_moved not in changes.MOVE_HOOKS:
            changes.MOVE_HOOKS.append(rollups.unit_moved)

        # analysis: the audit labels of the analysis report (研判报告)
        from zongzhi.audit.services import ACTION_LABELS

        from .services_analysis import AUDIT_LABELS as ANALYSIS_LABELS

        ACTION_LABELS.update(ANALYSIS_LABELS)
