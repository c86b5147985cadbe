"""API schemas of the warnings (预警)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of

from .models import EarlyWarning, WarningDocument, WarningLevel, WarningStatus
from .services_warnings import BODY_LIMIT, COMMENT_LIMIT, MAX_RECIPIENTS

Box = Literal["pending", "acknowledged", "sent", "all"]
SubjectType = Literal["", "info", "case", "resident", "place", "organisation"]


class WarningIn(Schema):
    title: str = Field(..., max_length=limit_of(EarlyWarning, "title"))
    body: str = Field(..., max_length=BODY_LIMIT)
    level: WarningLevel
    unit_ids: list[int] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    department_ids: list[int] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject_type: SubjectType = ""
    subject_id: int | None = None
    addressee: str = Field("", max_length=limit_of(EarlyWarning, "addressee"))


class WarningCommentIn(Schema):
    comment: str = Field("", max_length=COMMENT_LIMIT)


class WarningMeasureIn(Schema):
    text: str = Field(..., max_length=COMMENT_LIMIT)


class WarningLevelIn(Schema):
    level: WarningLevel
    comment: str = Field("", max_length=COMMENT_LIMIT)
    version: int | None = Field(None, ge=1)


class WarningRecipientsIn(Schema):
    unit_ids: list[int] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    department_ids: list[int] = Field(default_factory=list, max_length=MAX_RECIPIENTS)


class WarningLiftIn(Schema):
    note: str = Field(..., max_length=limit_of(EarlyWarning, "lift_note"))
    version: int | None = Field(None, ge=1)


class WarningDocumentIn(Schema):
    addressee: str = Field("", max_length=limit_of(EarlyWarning, "addressee"))


class WarningSentIn(Schema):
    sent_to: str = Field(..., max_length=limit_of(WarningDocument, "sent_to"))
    sent_at: datetime | None = None


class WarningLimitIn(Schema):
    ack_hours: Decimal = Field(..., ge=Decimal("0.25"), le=Decimal("720"), decimal_places=2)


class WarningLimitOut(Schema):
    level: WarningLevel
    level_label: str
    ack_hours: Decimal
    help: str


class WarningNamed(Schema):
    id: int
    name: str


class WarningRowOut(Schema):
    id: int
    number: str | None
    title: str
    level: WarningLevel
    level_label: str
    status: WarningStatus
    status_label: str
    path: str
    sender_unit: WarningNamed
    created_at: datetime
    lifted_at: datetime | None
    recipients: int
    pending: int
    overdue: int
    # the caller's own recipient row, when the warning was sent to them
    my_status: str | None = None
    my_ack_due_at: datetime | None = None


class WarningPageOut(Schema):
    items: list[WarningRowOut]
    next_cursor: int | None


class WarningCountsOut(Schema):
    pending: int
    acknowledged: int
    sent: int
    overdue: int


class WarningRecipientOut(Schema):
    id: int
    unit: WarningNamed
    department: WarningNamed | None
    name: str
    status: str
    status_label: str
    ack_due_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    escalated_at: datetime | None
    overdue: bool
    measures_count: int
    last_measure_at: datetime | None


class WarningTimelineOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor_name: str | None
    actor_unit: str | None
    recipient: str | None
    from_level: str
    to_level: str
    comment: str
    created_at: datetime


class WarningDocumentOut(Schema):
    id: int
    generated_at: datetime
    generated_by: str
    sha256: str
    sent_to: str
    sent_at: datetime | None
    url: str


class WarningOut(WarningRowOut):
    body: str
    subject_type: str
    subject_id: int | None
    subject_label: str
    report_id: int | None
    addressee: str
    sender_user: str
    lift_note: str
    version: int
    recipient_list: list[WarningRecipientOut]
    timeline: list[WarningTimelineOut]
    documents: list[WarningDocumentOut]
    allowed_actions: list[str]
    level_help: str


class WarningFilter(Schema):
    box: Box = "all"
    level: WarningLevel | None = None
    status: WarningStatus | None = None
    under: int | None = Field(None, description="units under this one: the sender's or a recipient's")
    overdue: bool | None = Field(None, description="with a recipient past its limit, not acknowledged")
    since: date | None = None
    until: date | None = None
    q: str | None = Field(None, max_length=50)
    cursor: int | None = None
    limit: int = Field(20, ge=1, le=100)


class WarningOptionOut(Schema):
    id: int
    name: str
    level: str
    path: str
    parent_id: int | None = None


class WarningDeptOptionOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str


class WarningRecipientOptionsOut(Schema):
    units: list[WarningOptionOut]
    departments: list[WarningDeptOptionOut]
    levels: list[WarningLimitOut]


class WarningTemplateOut(Schema):
    code: str
    name: str
    custom: bool
    uploaded_by: str | None
    uploaded_at: datetime | None
