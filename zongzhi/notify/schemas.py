"""API schemas of notifications."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from zongzhi.core.outputs import OutSchema


class NotificationOut(OutSchema):
    id: int
    kind: str
    title: str
    body: str
    case_id: int | None
    # The console path of a notice not about a case (an information report, a warning…).
    link: str = ""
    created_at: datetime
    read_at: datetime | None


class UnreadOut(OutSchema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500, description="omit to mark all read")
