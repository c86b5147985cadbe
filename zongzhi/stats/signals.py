"""The registry's changes that reach the rollups through Django's signals: every record saved
by the ORM (registration, edits, 迁出/注销 and other retirements, visits, inspections). The
bulk paths that bypass the ORM (the resident import's COPY) call `core.changes.changed`
themselves; the demo and bench loaders rebuild instead."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from zongzhi.core.changes import changed
from zongzhi.people.models import PersonCategory, Resident, Visit
from zongzhi.places.models import Compound, Facility, House, Inspection, KeyPlace, Organisation


def _saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Mark the record's path, and the path it was loaded with when it moved."""
    paths = {instance.path}
    before = getattr(instance, "_audit_loaded", {}).get("path")
    if before:
        paths.add(before)
    changed("registry", [(p, None) for p in paths])


def _inspected(sender: Any, instance: Inspection, **kwargs: Any) -> None:
    path = Facility.objects.filter(pk=instance.facility_id).values_list("path", flat=True).first()
    if path:
        changed("registry", [(path, None)])


def connect() -> None:
    for model in (Resident, PersonCategory, Visit, Compound, House, KeyPlace, Facility, Organisation):
        post_save.connect(_saved, sender=model, dispatch_uid=f"stats-registry-{model.__name__}")
    post_save.connect(_inspected, sender=Inspection, dispatch_uid="stats-registry-inspection")
