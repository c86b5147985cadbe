from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Stability information, warnings, zero reports, sensitive periods, informants and duty."""

    name = "zongzhi.alerts"
    label = "alerts"
    verbose_name = "预警与信息报送"

    def ready(self) -> None:
        from zongzhi.audit.services import ACTION_LABELS
        from zongzhi.dictionary.services import register_usage

        # Register the periodic sweeps and the group-SMS job with Celery (also run in process).
        from . import tasks_reports, tasks_warnings, tasks_zero  # noqa: F401
        from .models import Informant, InformationReport
        from .services_reports import AUDIT_LABELS as REPORT_LABELS
        from .services_templates import AUDIT_LABELS as TEMPLATE_LABELS

        register_usage("info_category", InformationReport, "category_code")
        register_usage("informant_role", Informant, "role_code")
        ACTION_LABELS.update(REPORT_LABELS)
        ACTION_LABELS.update(TEMPLATE_LABELS)
