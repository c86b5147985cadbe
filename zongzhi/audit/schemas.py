"""API schemas of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from zongzhi.core.outputs import OutSchema

from .models import AuditLog


class AuditOut(OutSchema):
    """One entry of the auditor's list, its codes named in Chinese (`labels.describe`)."""

    id: int
    at: datetime
    layer: str
    action: str
    action_label: str
    username: str
    unit_path: str = Field(description="操作人所属辖区的路径")
    unit_name: str = Field(description="操作人所属辖区的名称")
    object_type: str
    object_type_label: str = Field(description="对象类型的中文名称")
    object_id: str
    object_repr: str = Field(description="写入时的对象名称")
    object_label: str = Field(description="对象的可读名称，如 重点人员「张*」（姓名遮蔽）")
    object_path: str
    object_unit_name: str = Field(description="对象所属辖区的名称")
    ip: str | None
    request_id: str
    changes: dict[str, Any] | None
    field_labels: dict[str, str] = Field(description="字段变更中每个字段的中文名称")
    detail: dict[str, Any]


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
