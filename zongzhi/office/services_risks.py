"""Stability risk assessments (社会稳定风险评估, seed 003 第九条 7): a unit registers one for a
major decision, project or matter, then completes its steps in order (`RiskStepKind`), each with
a note, the day it was done and files; 确定风险等级 sets the level, 审批 the decision and ends it.
A wrong one is withdrawn with a reason. The unit above counts them per unit and year
(`risk_assessment_counts`, read by the assessment too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput
from zongzhi.core.scope import get_visible, path_within, require_capture, subtree_q
from zongzhi.units.models import Unit, User

from .attachments import attach_files
from .models import OfficeAttachment, RiskAssessment, RiskDecision, RiskLevel, RiskStepKind, RiskStepRecord, RiskSubject
from .services_common import WRITE

AUDIT_LABELS: dict[str, str] = {
    "risk.registered": "登记社会稳定风险评估",
    "risk.step_done": "完成风险评估步骤",
    "risk.withdrawn": "撤回社会稳定风险评估",
}

STEPS: list[str] = list(RiskStepKind.values)


def next_step(step: str) -> str | None:
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def _require_writer(user: User, unit: Unit) -> None:
    require_cap(user, WRITE, "没有登记风险评估的权限", unit)
    require_capture(user, unit)


def get_assessment(user: User, pk: int) -> RiskAssessment:
    found: RiskAssessment = get_visible(
        RiskAssessment.objects.select_related("unit", "created_by", "withdrawn_by"),
        user,
        pk,
        "records.read",
        "没有查看风险评估的权限",
        missing="风险评估不存在",
    )
    return found


def can_edit(user: User, a: RiskAssessment) -> bool:
    return (
        not a.is_withdrawn
        and a.completed_at is None
        and user.has_cap(WRITE)
        and path_within(a.path, user.capture_paths)
    )


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput.field(field, f"请填写{label}", code="required")
    return value


@transaction.atomic
def register(
    user: User,
    unit: Unit,
    *,
    subject: str,
    title: str,
    description: str = "",
    group_members: str = "",
    now: dt.datetime | None = None,
) -> RiskAssessment:
    """登记 an assessment; its first step (确定评估事项) is next."""
    _require_writer(user, unit)
    if subject not in RiskSubject.values:
        raise InvalidInput.field("subject", "请选择评估对象", code="subject_invalid")
    a = RiskAssessment.objects.create(
        unit=unit,
        path=unit.path,
        subject=subject,
        title=_text(title, "title", "评估事项"),
        description=_text(description, "description", "事项概况", required=False),
        group_members=_text(group_members, "group_members", "评估小组", required=False),
        created_by=user,
        created_at=now or timezone.now(),
    )
    record_event("risk.registered", obj=a, detail={"subject": subject})
    return a


@transaction.atomic
def complete_step(
    user: User,
    a: RiskAssessment,
    *,
    step: str,
    note: str,
    done_on: dt.date,
    risk_level: str = "",
    decision: str = "",
    attachment_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> RiskAssessment:
    """Complete the assessment's next step (only that one): 确定风险等级 needs a level, 审批 a
    decision; 审批 ends the assessment."""
    _require_writer(user, a.unit)
    a = RiskAssessment.objects.select_for_update().select_related("unit").get(pk=a.pk)
    if a.is_withdrawn:
        raise Conflict("该评估已撤回", code="risk_withdrawn")
    if a.completed_at is not None:
        raise Conflict("该评估已完成审批", code="risk_done")
    if step not in STEPS:
        raise InvalidInput.field("step", "评估步骤不正确", code="risk_step_invalid")
    if step != a.step:
        raise InvalidInput.field(
            "step", f"请按顺序完成评估步骤，下一步是“{RiskStepKind(a.step).label}”", code="risk_step_order"
        )
    today = timezone.localdate(now) if now else timezone.localdate()
    if done_on > today:
        raise InvalidInput.field("done_on", "完成日期不能晚于今天", code="date_in_future")
    if done_on < timezone.localdate(a.created_at) - dt.timedelta(days=366):
        raise InvalidInput.field("done_on", "完成日期早于登记时间太多", code="date_too_early")
    previous = a.steps.order_by("-id").first()
    if previous is not None and done_on < previous.done_on:
        raise InvalidInput.field("done_on", "完成日期不能早于上一步骤", code="date_before_previous")
    if step == RiskStepKind.GRADE:
        if risk_level not in RiskLevel.values:
            raise InvalidInput.field("risk_level", "请选择风险等级", code="risk_level_required")
        a.risk_level = risk_level
    if step == RiskStepKind.APPROVE:
        if decision not in RiskDecision.values:
            raise InvalidInput.field("decision", "请选择评估结论", code="risk_decision_required")
        a.decision = decision
    record = RiskStepRecord.objects.create(
        assessment=a,
        step=step,
        note=(note or "").strip(),
        done_on=done_on,
        done_by=user,
        created_at=now or timezone.now(),
    )
    attach_files(user, attachment_ids, OfficeAttachment.Owner.RISK, a.pk, step=step)
    following = next_step(step)
    if following is None:
        a.completed_at = now or timezone.now()
    else:
        a.step = following
    a.save()
    record_event("risk.step_done", obj=a, detail={"step": step, "record": record.pk})
    return a


@transaction.atomic
def withdraw(user: User, a: RiskAssessment, reason: str, *, now: dt.datetime | None = None) -> RiskAssessment:
    _require_writer(user, a.unit)
    a = RiskAssessment.objects.select_for_update().select_related("unit").get(pk=a.pk)
    if a.is_withdrawn:
        raise Conflict("该评估已撤回", code="risk_withdrawn")
    a.withdrawn_reason = _text(reason, "reason", "撤回原因")[:200]
    a.withdrawn_at = now or timezone.now()
    a.withdrawn_by = user
    a.save()
    record_event("risk.withdrawn", obj=a, detail={"reason": a.withdrawn_reason})
    return a


def search(
    user: User,
    root: Unit,
    *,
    year: int | None = None,
    subject: str = "",
    level: str = "",
    status: str = "",
    q: str = "",
) -> QuerySet[RiskAssessment]:
    """The assessments of the unit's subtree, newest first, filtered."""
    qs = RiskAssessment.objects.visible_to(user).filter(subtree_q([root.path])).select_related("unit", "withdrawn_by")
    if year:
        qs = qs.filter(created_at__year=year)
    if subject:
        qs = qs.filter(subject=subject)
    if level:
        qs = qs.filter(risk_level=level)
    if status == "in_progress":
        qs = qs.filter(completed_at__isnull=True, withdrawn_at__isnull=True)
    elif status == "done":
        qs = qs.filter(completed_at__isnull=False, withdrawn_at__isnull=True)
    elif status == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    if q.strip():
        qs = qs.filter(title__icontains=q.strip())
    return qs.order_by("-created_at", "-id")


def steps_of(a: RiskAssessment) -> list[RiskStepRecord]:
    return list(a.steps.select_related("done_by").order_by("id"))


def risk_assessment_counts(unit_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Per unit (its whole subtree), the assessments registered in `year` and not withdrawn:
    {unit_id: {total, done, in_progress, high, medium, low}}."""
    units = list(Unit.objects.filter(pk__in=unit_ids).only("pk", "path"))
    out: dict[int, dict[str, int]] = {}
    base = RiskAssessment.objects.filter(created_at__year=year, withdrawn_at__isnull=True)
    aggregates: dict[str, Any] = {
        "total": Count("id"),
        "done": Count("id", filter=Q(completed_at__isnull=False)),
        "in_progress": Count("id", filter=Q(completed_at__isnull=True)),
        **{lvl: Count("id", filter=Q(risk_level=lvl)) for lvl in RiskLevel.values},
    }
    for unit in units:
        out[unit.pk] = base.filter(subtree_q([unit.path])).aggregate(**aggregates)
    return out


def unit_counts(user: User, root: Unit, year: int) -> list[dict[str, Any]]:
    """For the unit above: each child unit (and the root itself, its own records only) with its
    counts for the year."""
    children = list(Unit.objects.filter(parent=root, is_retired=False).exclude(level="grid").order_by("code"))
    counts = risk_assessment_counts([u.pk for u in children], year)
    own_qs = RiskAssessment.objects.filter(unit=root, created_at__year=year, withdrawn_at__isnull=True)
    own = {
        "total": own_qs.count(),
        "done": own_qs.filter(completed_at__isnull=False).count(),
        "in_progress": own_qs.filter(completed_at__isnull=True).count(),
        **{lvl: own_qs.filter(risk_level=lvl).count() for lvl in RiskLevel.values},
    }
    rows = [{"unit": root, "own": True, **own}]
    rows += [{"unit": u, "own": False, **counts[u.pk]} for u in children]
    return rows
