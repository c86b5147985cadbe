from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    """The one case engine: events, tasks, requests, rectification notices and petitions."""

    name = "zongzhi.cases"
    label = "cases"
    verbose_name = "事件办理"

    def ready(self) -> None:
        from zongzhi.dictionary.services import register_usage
        from zongzhi.units.api_auth import TODO_PROVIDERS

        from .models import Case
        from .services import todo_count

        register_usage("event_category", Case, "category_code")
        from zongzhi.audit.services import ACTION_LABELS

        from . import tasks  # noqa: F401  (registers the periodic sweep with Celery, also in process)
        from .actions import ACTION_LABELS as CASE_ACTIONS

        ACTION_LABELS.update({f"case.{code}": f"办件{label}" for code, label in CASE_ACTIONS.items()})
        TODO_PROVIDERS.append(todo_count)
