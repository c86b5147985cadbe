from __future__ import annotations

from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """The working-day calendar (工作日历): holidays and 调休, editable by administrators."""

    name = "zongzhi.calendar"
    label = "calendar"
    verbose_name = "工作日历"
    # Audit rows name a record "<app label>.<model>"; the calendar's were written as
    # "core.<model>" while it lived in core (until December 2026), and keep that name.
    record_label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .holidays import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="zongzhi_calendar_load")
