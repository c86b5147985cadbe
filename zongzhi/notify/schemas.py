"""API schemas of notifications."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    case_id: int | None
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500, description="omit to mark all read")
