"""Stability risk assessments: /api/office/risks (list, register, detail with the steps'
timeline, complete the next step, withdraw; counts per unit for the unit above)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_risks as risks
from .api_common import FileOut
from .attachments import files_of
from .models import OfficeAttachment, RiskAssessment, RiskDecision, RiskLevel, RiskStepKind, RiskSubject

router = Router(tags=["日常办公"])

SubjectName = Literal["decision", "project", "matter"]
StepName = Literal["define", "plan", "investigate", "analyse", "grade", "report", "approve"]
LevelName = Literal["high", "medium", "low"]
DecisionName = Literal["proceed", "conditional", "reject"]


class RiskStepOut(OutSchema):
    id: int
    step: StepName
    step_label: str
    note: str
    done_on: dt.date
    done_by: str
    created_at: dt.datetime
    files: list[FileOut]


class RiskAssessmentOut(OutSchema):
    id: int
    unit: UnitBrief
    subject: SubjectName
    subject_label: str
    title: str
    description: str
    group_members: str
    step: StepName
    step_label: str
    steps_done: int
    risk_level: LevelName | None
    risk_level_label: str
    decision: DecisionName | None
    decision_label: str
    completed_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_reason: str


class RiskAssessmentDetailOut(RiskAssessmentOut):
    steps: list[RiskStepOut]
    can_edit: bool


class RiskAssessmentPageOut(OutSchema):
    items: list[RiskAssessmentOut]
    count: int


class RiskFilters(Schema):
    unit: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    subject: SubjectName | None = None
    level: LevelName | None = None
    status: Literal["in_progress", "done", "withdrawn"] | None = None
    q: str = Field("", max_length=60)
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class RiskRegisterIn(Schema):
    unit_id: int
    subject: SubjectName
    title: str = Field(..., max_length=limit_of(RiskAssessment, "title"))
    description: str = Field("", max_length=5000)
    group_members: str = Field("", max_length=limit_of(RiskAssessment, "group_members"))


class RiskStepIn(Schema):
    step: StepName
    note: str = Field("", max_length=5000)
    done_on: dt.date
    risk_level: LevelName | None = None
    decision: DecisionName | None = None
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)


class RiskWithdrawIn(Schema):
    reason: str = Field(..., max_length=200)


class RiskCountRowOut(OutSchema):
    unit: UnitBrief
    own: bool = Field(..., description="本单位自己登记的（不含下级）")
    total: int
    done: int
    in_progress: int
    high: int
    medium: int
    low: int


class RiskCountsOut(OutSchema):
    root: UnitBrief
    year: int
    rows: list[RiskCountRowOut]


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.all(), user, unit_id, "records.read", "没有查看风险评估的权限")
    return found


def _assessment(a: RiskAssessment, steps_done: int | None = None) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit": a.unit,
        "subject": a.subject,
        "subject_label": RiskSubject(a.subject).label,
        "title": a.title,
        "description": a.description,
        "group_members": a.group_members,
        "step": a.step,
        "step_label": "已撤回" if a.withdrawn_at else "已完成" if a.completed_at else RiskStepKind(a.step).label,
        "steps_done": steps_done
        if steps_done is not None
        else (len(risks.STEPS) if a.completed_at else risks.STEPS.index(a.step)),
        "risk_level": a.risk_level or None,
        "risk_level_label": RiskLevel(a.risk_level).label if a.risk_level else "",
        "decision": a.decision or None,
        "decision_label": RiskDecision(a.decision).label if a.decision else "",
        "completed_at": a.completed_at,
        "created_by": a.created_by.full_name,
        "created_at": a.created_at,
        "withdrawn_at": a.withdrawn_at,
        "withdrawn_by": a.withdrawn_by.full_name if a.withdrawn_by else "",
        "withdrawn_reason": a.withdrawn_reason,
    }


def _detail(a: RiskAssessment, user: User) -> dict[str, Any]:
    steps = risks.steps_of(a)
    files = files_of(OfficeAttachment.Owner.RISK, [a.pk])[a.pk]
    return {
        **_assessment(a, len(steps)),
        "steps": [
            {
                "id": s.pk,
                "step": s.step,
                "step_label": RiskStepKind(s.step).label,
                "note": s.note,
                "done_on": s.done_on,
                "done_by": s.done_by.full_name,
                "created_at": s.created_at,
                "files": [f for f in files if f["step"] == s.step],
            }
            for s in steps
        ],
        "can_edit": risks.can_edit(user, a),
    }


# --- endpoints ------------------------------------------------------------------------------


@router.get("/assessments", response=RiskAssessmentPageOut)
def assessments(request: HttpRequest, filters: Query[RiskFilters]) -> dict[str, Any]:
    """The assessments of the unit and everything under it, newest first, with the total."""
    user = acting(request)
    root = _unit(user, filters.unit)
    qs = risks.search(
        user,
        root,
        year=filters.year,
        subject=filters.subject or "",
        level=filters.level or "",
        status=filters.status or "",
        q=filters.q,
    ).select_related("created_by")
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_assessment(a) for a in page], "count": qs.count()}


@router.post("/assessments", response={201: RiskAssessmentDetailOut})
def register(request: HttpRequest, payload: RiskRegisterIn) -> Status[dict[str, Any]]:
    """登记 a risk assessment of a major decision, project or matter."""
    user = acting(request)
    a = risks.register(
        user,
        _unit(user, payload.unit_id),
        subject=payload.subject,
        title=payload.title,
        description=payload.description,
        group_members=payload.group_members,
    )
    return Status(201, _detail(a, user))


@router.get("/assessments/{assessment_id}", response=RiskAssessmentDetailOut)
def assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """One assessment with its steps as a timeline, each with its files."""
    user = acting(request)
    return _detail(risks.get_assessment(user, assessment_id), user)


@router.post("/assessments/{assessment_id}/steps", response=RiskAssessmentDetailOut)
def complete_step(request: HttpRequest, assessment_id: int, payload: RiskStepIn) -> dict[str, Any]:
    """Complete the next step (in order), with its note, day and files."""
    user = acting(request)
    a = risks.complete_step(
        user,
        risks.get_assessment(user, assessment_id),
        step=payload.step,
        note=payload.note,
        done_on=payload.done_on,
        risk_level=payload.risk_level or "",
        decision=payload.decision or "",
        attachment_ids=payload.attachment_ids,
    )
    return _detail(risks.get_assessment(user, a.pk), user)


@router.post("/assessments/{assessment_id}/withdraw", response=RiskAssessmentDetailOut)
def withdraw(request: HttpRequest, assessment_id: int, payload: RiskWithdrawIn) -> dict[str, Any]:
    """撤回 with a reason; the assessment stays, marked withdrawn."""
    user = acting(request)
    a = risks.withdraw(user, risks.get_assessment(user, assessment_id), payload.reason)
    return _detail(risks.get_assessment(user, a.pk), user)


@router.get("/counts", response=RiskCountsOut)
def counts(request: HttpRequest, unit: int | None = None, year: int | None = None) -> dict[str, Any]:
    """For the unit above: its own assessments and each unit below's (subtree) for the year,
    by level."""
    user = acting(request)
    root = _unit(user, unit)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "年度不正确", code="year_invalid")
    return {"root": root, "year": year, "rows": risks.unit_counts(user, root, year)}
