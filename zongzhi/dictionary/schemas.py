"""API schemas of the data dictionary."""

from __future__ import annotations

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema

from .models import CodeItem


class CodeTableOut(OutSchema):
    id: int
    namespace: str
    code: str
    name: str
    standard: str
    hierarchical: bool
    item_count: int


class CodeItemOut(OutSchema):
    id: int
    code: str
    label: str
    parent_code: str | None
    sort: int
    is_retired: bool
    is_local: bool
    in_use: bool


class CodeItemIn(Schema):
    code: str = Field(..., max_length=limit_of(CodeItem, "code"))
    label: str = Field(..., max_length=limit_of(CodeItem, "label"))
    parent_code: str | None = Field(None, max_length=limit_of(CodeItem, "code"))


class CodeItemUpdateIn(Schema):
    label: str | None = Field(None, max_length=limit_of(CodeItem, "label"))
    sort: int | None = Field(None, ge=0, le=1_000_000)
