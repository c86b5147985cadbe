"""The audit log in the auditor's words: what an entry's codes mean in Chinese.

An entry stores codes: the action (`visit.recorded`), the object's type (`registry.personcategory`)
and id, the changed fields' names (`next_visit_on`), the actor's unit path. The auditor's list
(`api.search`) shows, beside them:

- the action's label (`services.ACTION_LABELS`, the registry every written action must be in);
- the object's type as the model's `verbose_name`, and the object as a readable name: what the
  model's `audit_label()` says of it now (重点人员「张*」, with personal names masked), else the
  type with the name stored when the entry was written (辖区「冯墙社区（320111003001）」);
- each changed field's `verbose_name` (else `FIELD_LABELS`);
- the units of the actor and of the object by name (`units.lookup`, the process's name cache).

A page costs one query per kind of object that has an `audit_label` (none for the others).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from zongzhi.core.records import record_type
from zongzhi.units.lookup import unit_names

from .models import AuditLog
from .services import action_label

# Fields whose model gives them no Chinese verbose_name (adding one would only add migrations).
FIELD_LABELS: dict[str, str] = {
    "id": "编号",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "retired_at": "注销时间",
    "accepted_at": "受理时间",
    "completed_at": "办结时间",
    "closed_at": "结束时间",
    "overdue_since": "超期起始时间",
    "due_soon_notified": "已发临期提醒",
    "sender_department": "转来部门",
    "completed_by_unit": "办结单位",
    "completed_by_department": "办结部门",
    "resident": "人员",
    "compound": "所属小区",
    "contact_phone_sealed": "联系电话（加密）",
    "grants_stamp": "授权版本",
}


@functools.cache
def _models() -> dict[str, type[models.Model]]:
    return {record_type(model): model for model in apps.get_models()}


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an entry's `object_type` names, if it still exists."""
    return _models().get(object_type)


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A field's Chinese name: its verbose_name when it has one, else `FIELD_LABELS`."""
    if model is not None:
        try:
            verbose = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            verbose = ""
        if verbose and any("\u4e00" <= ch <= "\u9fff" for ch in verbose):
            return verbose
    return FIELD_LABELS.get(name, name)


def _current_labels(entries: Iterable[AuditLog]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → the object's `audit_label()` now, one query per model."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        model = model_of(e.object_type)
        if model is not None and hasattr(model, "audit_label") and e.object_id.isdigit():
            wanted[e.object_type].add(e.object_id)
    found: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = model_of(object_type)
        assert model is not None
        related = getattr(model, "audit_label_related", ())
        for obj in model._default_manager.select_related(*related).filter(pk__in=[int(i) for i in ids]):
            found[(object_type, str(obj.pk))] = obj.audit_label()  # type: ignore[attr-defined]
    return found


def describe(entries: list[AuditLog]) -> list[dict[str, Any]]:
    """The rows of the auditor's list: each entry with its codes named in Chinese."""
    names = unit_names({p for e in entries for p in (e.actor_path, e.object_path) if p})
    current = _current_labels(entries)
    rows = []
    for e in entries:
        model = model_of(e.object_type) if e.object_type else None
        if not e.object_type:
            label = ""
        elif (e.object_type, e.object_id) in current:
            label = current[(e.object_type, e.object_id)]
        else:
            label = f"{type_label(e.object_type)}「{e.object_repr}」" if e.object_repr else type_label(e.object_type)
        rows.append(
            {
                "id": e.pk,
                "at": e.at,
                "layer": e.layer,
                "action": e.action,
                "action_label": action_label(e.action),
                "username": e.username,
                "unit_path": e.actor_path,
                "unit_name": names.get(e.actor_path, ""),
                "object_type": e.object_type,
                "object_type_label": type_label(e.object_type) if e.object_type else "",
                "object_id": e.object_id,
                "object_repr": e.object_repr,
                "object_label": label,
                "object_path": e.object_path,
                "object_unit_name": names.get(e.object_path, ""),
                "ip": e.ip,
                "request_id": e.request_id,
                "changes": e.changes,
                "field_labels": {name: field_label(model, name) for name in e.changes or {}},
                "detail": e.detail,
            }
        )
    return rows
