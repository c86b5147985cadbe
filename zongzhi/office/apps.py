from __future__ import annotations

from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The daily office: meetings, documents with sign-off, activities, work logs, dispute
    reports, risk assessments, the unit profile and the ledgers."""

    name = "zongzhi.office"
    label = "office"
    verbose_name = "日常办公"

    def ready(self) -> None:
        from zongzhi.audit.services import ACTION_LABELS

        from . import (
            services_activities,
            services_common,
            services_disputes,
            services_documents,
            services_meetings,
            services_patrols,
            services_profile,
            services_risks,
        )

        for part in (
            services_common,
            services_meetings,
            services_documents,
            services_activities,
            services_profile,
            services_disputes,
            services_risks,
            services_patrols,
        ):
            ACTION_LABELS.update(part.AUDIT_LABELS)
