"""API schemas of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from .models import AuditLog
from .services import action_label


class AuditOut(Schema):
    id: int
    at: datetime
    layer: str
    action: str
    action_label: str
    username: str
    unit_path: str
    object_type: str
    object_id: str
    object_repr: str
    object_path: str
    ip: str | None
    request_id: str
    changes: dict[str, Any] | None
    detail: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj: AuditLog) -> str:
        return action_label(obj.action)

    @staticmethod
    def resolve_unit_path(obj: AuditLog) -> str:
        return str(obj.actor_path)


class AuditFilter(Schema):
    since: datetime | None = None
    until: datetime | None = None
    username: str | None = None
    unit: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    layer: AuditLog.Layer | None = None


class AuditVerifyIn(Schema):
    """The range to verify: entry ids (inclusive) and/or times (since inclusive, until
    exclusive); nothing given verifies the whole chain."""

    from_id: int | None = Field(None, ge=1)
    to_id: int | None = Field(None, ge=1)
    since: datetime | None = None
    until: datetime | None = None


class AuditBreakOut(Schema):
    kind: str  # changed | deleted | forged
    kind_label: str
    entry_id: int
    at: datetime | None
    message: str


class AuditVerifyOut(Schema):
    ok: bool
    from_id: int | None
    to_id: int | None
    checked: int
    purged: int
    unsealed: int
    sealed_to: int
    broken: AuditBreakOut | None
