"""API schemas of the information reports (维稳信息报送)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.units.schemas import UnitBrief

from .models import Classification, InfoLapse, InfoLimit, InformationReport, InfoSource, InfoStatus, InfoUrgency

Box = Literal["todo", "sent", "mine", "all"]
TEXT_MAX = 5000


class InfoLinkIn(Schema):
    type: Literal["resident", "place", "organisation"]
    id: int


class InfoReportCreateIn(Schema):
    title: str = Field(..., max_length=limit_of(InformationReport, "title"))
    description: str = Field("", max_length=TEXT_MAX)
    category_code: str = Field("", max_length=20)
    source: InfoSource | Literal[""] = ""
    classification: Classification = Classification.NORMAL
    urgency: InfoUrgency = InfoUrgency.NORMAL
    people_count: int = Field(0, ge=0, le=1_000_000)
    involved: str = Field("", max_length=TEXT_MAX)
    links: list[InfoLinkIn] = Field(default_factory=list, max_length=20)
    occurred_at: datetime | None = None
    learned_at: datetime | None = Field(None, description="获知时间; default now, never in the future")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=limit_of(InformationReport, "address"))
    unit_id: int | None = Field(None, description="where it happened: one of the reporter's units (default: own)")
    attachment_ids: list[int] = Field(default_factory=list, max_length=9, description="ids from POST /api/attachments")
    client_id: uuid.UUID | None = Field(None, description="client-generated id: a resend returns the same report")


class InfoVersionIn(Schema):
    version: int | None = Field(None, ge=1, description="the report version the user saw")


class InfoScreenIn(InfoVersionIn):
    verified: bool | None = None
    nature: str = Field("", max_length=limit_of(InformationReport, "nature"))
    measures: str = Field("", max_length=TEXT_MAX)


class InfoCommentIn(InfoVersionIn):
    comment: str = Field("", max_length=TEXT_MAX)


class InfoFollowUpIn(Schema):
    comment: str = Field("", max_length=TEXT_MAX)
    people_count: int | None = Field(None, ge=0, le=1_000_000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=9)


class InfoReportRowOut(OutSchema):
    id: int
    number: str | None
    title: str
    masked: bool
    category_code: str
    category_label: str
    source: str
    classification: Classification
    classification_label: str
    urgency: InfoUrgency
    urgency_label: str
    status: InfoStatus
    status_label: str
    people_count: int
    holder_unit_id: int
    holder_unit_name: str
    reporter_unit_name: str
    path: str
    learned_at: datetime
    received_at: datetime
    due_at: datetime | None
    is_overdue: bool
    verified: bool | None
    follow_up_count: int
    case_id: int | None
    created_at: datetime


class InfoReportPageOut(Schema):
    items: list[InfoReportRowOut]
    next_cursor: int | None


class InfoReportCountsOut(Schema):
    todo: int
    sent: int
    mine: int
    overdue: int


class InfoAttachmentOut(OutSchema):
    id: int
    kind: str
    name: str
    url: str
    thumbnail_url: str | None
    position: dict[str, float] | None
    action_id: int | None


class InfoTimelineOut(OutSchema):
    id: int
    kind: str
    kind_label: str
    actor_name: str
    actor_unit: str
    to_unit: str | None
    comment: str
    data: dict[str, Any]
    is_late: bool
    attachment_ids: list[int]
    created_at: datetime


class InfoLinkOut(OutSchema):
    type: str
    id: int
    label: str


class InfoLapseOut(OutSchema):
    id: int
    unit: UnitBrief
    kind: str
    kind_label: str
    month: date
    report_id: int | None
    report_number: str | None
    case_id: int | None
    reason: str
    minutes_late: int | None
    recorded_by: str | None
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str


class InfoWarningBriefOut(Schema):
    """A warning raised about the report (only those the reader may open)."""

    id: int
    number: str | None
    title: str
    level: str
    level_label: str
    status_label: str
    created_at: datetime


class InfoReportOut(InfoReportRowOut):
    description: str
    involved: str
    links: list[InfoLinkOut]
    source_label: str
    occurred_at: datetime | None
    latitude: float | None
    longitude: float | None
    address: str
    nature: str
    measures: str
    reporter_name: str
    case_number: str | None
    closed_at: datetime | None
    version: int
    attachments: list[InfoAttachmentOut]
    timeline: list[InfoTimelineOut]
    lapses: list[InfoLapseOut]
    warnings: list[InfoWarningBriefOut]
    allowed_actions: list[str]


class InfoReportCreatedOut(Schema):
    created: bool
    report: InfoReportOut


class InfoLimitOut(OutSchema):
    urgency: InfoUrgency
    urgency_label: str
    hours: Decimal
    note: str


class InfoLimitIn(Schema):
    hours: Decimal = Field(..., gt=0, le=72, decimal_places=2)
    note: str | None = Field(None, max_length=limit_of(InfoLimit, "note"))


class InfoLapseIn(Schema):
    unit_id: int
    kind: Literal["missing", "concealed"]
    reason: str = Field("", max_length=limit_of(InfoLapse, "reason"))
    month: date | None = None
    report_id: int | None = None
    case_id: int | None = None


class InfoWithdrawIn(Schema):
    reason: str = Field("", max_length=limit_of(InfoLapse, "withdrawn_reason"))


class InfoLapsePageOut(Schema):
    items: list[InfoLapseOut]
    count: int


class InfoCaseSourceOut(Schema):
    report: InfoReportRowOut | None
