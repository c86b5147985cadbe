from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Stability information, warnings, zero reports, sensitive periods, informants and duty."""

    name = "zongzhi.alerts"
    label = "alerts"
    verbose_name = "预警与信息报送"

    def ready(self) -> None:
        from zongzhi.dictionary.services import register_usage

        from . import tasks_warnings  # noqa: F401  (registers the warnings' sweep with Celery, also in process)
        from .models import Informant, InformationReport

        register_usage("info_category", InformationReport, "category_code")
        register_usage("informant_role", Informant, "role_code")

        from zongzhi.audit.services import ACTION_LABELS

        from . import tasks_reports  # noqa: F401  (registers the report sweep with Celery, also in process)
        from .services_reports import AUDIT_LABELS as REPORT_LABELS

        ACTION_LABELS.update(REPORT_LABELS)
