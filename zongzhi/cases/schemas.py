"""API schemas of the case engine."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from ninja import Field, Schema
from pydantic import model_validator

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.dictionary.services import labels
from zongzhi.units.schemas import UnitBrief

from .models import Case, DeadlineRule, Kind, Status, Urgency

Box = Literal["todo", "done", "mine", "supervised", "overdue", "all"]


class PartyIn(Schema):
    name: str = Field("", max_length=30)
    role: str = Field("", max_length=20)
    resident_id: int | None = Field(None, description="当事人是登记的实有人口时：其编号（姓名取自登记）")


class CaseCreateIn(Schema):
    kind: Kind
    title: str = Field(..., max_length=limit_of(Case, "title"))
    description: str = Field("", max_length=5000)
    category_code: str = Field("", max_length=limit_of(Case, "category_code"))
    occurred_at: datetime | None = None
    people_count: int = Field(0, ge=0, le=100000)
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=limit_of(Case, "address"))
    urgency: Urgency = Urgency.NORMAL
    is_major: bool = False
    target_unit_id: int | None = None
    target_department_id: int | None = None
    due_date: date | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    attachment_ids: list[int] = Field(default_factory=list, max_length=9, description="ids from POST /api/attachments")
    client_id: uuid.UUID | None = Field(
        None, description="client-generated id: resending the same report creates one case"
    )


class ActionIn(Schema):
    version: int = Field(..., ge=1, description="the case version the user saw")
    comment: str = Field("", max_length=2000)
    target_unit_id: int | None = None
    target_department_id: int | None = None
    days: int | None = Field(None, ge=1, le=365)
    level: int | None = Field(None, ge=1, le=3)
    satisfaction: str = Field("", max_length=8)
    result: str = Field("", max_length=5000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=9)


class AttachmentOut(OutSchema):
    id: int
    kind: Literal["image", "video"]
    name: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    position: dict[str, float] | None
    url: str
    thumbnail_url: str | None
    action_id: int | None


class HolderOut(OutSchema):
    unit: UnitBrief
    department: str | None


# One row of the case lists, also the head of a case's page and of a report's answer. Its
# fields are the list query's columns (`api.LIST_COLUMNS`): the case's own columns, the names in
# `JOINED` (the first set of the values read through those joins), and the labels in `LABELS`
# (added here from the code they name, not read). (A comment, not a docstring: that would change the
# API's schema.)
class CaseListOut(OutSchema):
    JOINED: ClassVar[dict[str, tuple[str, ...]]] = {
        "holder_name": ("holder_department__name", "holder_unit__name"),
        "initiator_name": ("initiator_department__name", "initiator_unit__name"),
    }
    LABELS: ClassVar[dict[str, str]] = {
        "kind_label": "kind",
        "category_label": "category_code",
        "status_label": "status",
    }

    id: int
    number: str | None
    kind: Kind
    kind_label: str
    category_code: str
    category_label: str
    title: str
    status: Status
    status_label: str
    urgency: Urgency
    is_major: bool
    is_mass_incident: bool
    supervision: int
    overdue_level: int
    path: str
    holder_name: str
    initiator_name: str
    due_at: datetime | None
    created_at: datetime
    version: int

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, row: Any) -> Any:
        """The joined names and the labels, from a row of the list query's values."""
        if isinstance(row, dict) and "kind_label" not in row:
            for name, paths in cls.JOINED.items():
                row[name] = next((row[p] for p in paths if row[p]), None)
            categories = labels("event_category")
            row["kind_label"] = _KIND_LABELS.get(row["kind"], row["kind"])
            row["category_label"] = categories.get(row["category_code"], "")
            row["status_label"] = _STATUS_LABELS.get(row["status"], row["status"])
        return row


_KIND_LABELS: dict[str, str] = dict(Kind.choices)
_STATUS_LABELS: dict[str, str] = dict(Status.choices)


class TimelineOut(OutSchema):
    id: int
    action: str
    action_label: str
    actor_name: str
    actor_unit: str | None
    from_status: str
    to_status: str
    to_holder: str | None
    comment: str
    data: dict[str, Any]
    attachment_ids: list[int]
    created_at: datetime


class CaseOut(CaseListOut):
    description: str
    occurred_at: datetime | None
    people_count: int
    parties: list[dict[str, Any]]
    details: dict[str, Any]
    latitude: float | None
    longitude: float | None
    address: str
    result: str
    satisfaction: str
    extension_days: int | None
    extension_granted_days: int
    final_due_at: datetime | None
    place: list[UnitBrief]
    attachments: list[AttachmentOut]
    timeline: list[TimelineOut]
    allowed_actions: list[str]


class CaseBriefOut(CaseListOut):
    """What a report returns: enough to show and open the case, without its timeline."""

    occurred_at: datetime | None
    people_count: int
    allowed_actions: list[str]


class CaseCreatedOut(OutSchema):
    created: bool
    case: CaseBriefOut


class CaseCountsOut(OutSchema):
    todo: int
    done: int
    mine: int
    supervised: int
    overdue: int


class CasePageOut(OutSchema):
    items: list[CaseListOut]
    next_cursor: int | None = Field(None, description="pass as ?cursor= for the next page (keyset)")


class StatRow(OutSchema):
    code: str
    label: str
    count: int


class MonthlyStatsOut(OutSchema):
    unit: UnitBrief
    month: str
    total: int
    by_kind: list[StatRow]
    by_category: list[StatRow]
    by_status: list[StatRow]
    disputes: int
    disputes_resolved: int
    resolved_share: float | None = Field(None, description="share of disputes resolved; the seeds expect ≥ 0.95")
    overdue: int
    average_handling_hours: float | None


class DeadlineRuleOut(OutSchema):
    id: int
    kind: Kind
    kind_label: str
    category_prefix: str
    urgency: str
    stage: Literal["accept", "handle"]
    stage_label: str
    amount: int
    measure: Literal["workdays", "days", "hours"]
    measure_label: str
    note: str


class DeadlineRuleIn(Schema):
    amount: int = Field(..., ge=1, le=720)
    measure: Literal["workdays", "days", "hours"]
    note: str | None = Field(None, max_length=limit_of(DeadlineRule, "note"))
