"""Receivers that write change records for every ChangeLoggedModel."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ChangeLoggedModel
from .services import record_change, record_created


@receiver(post_save)
def _on_save(sender: type[Any], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    if created:
        record_created(instance)
        return
    after = instance.audit_state()
    before = instance.audit_before()
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    instance._audit_saved = after
    if changes:
        record_change("update", instance, changes)


@receiver(post_delete)
def _on_delete(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, ChangeLoggedModel):
        return
    before = instance.audit_before() or instance.audit_state()
    record_change("delete", instance, {k: [v, None] for k, v in before.items()})
