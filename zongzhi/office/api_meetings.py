"""(office part: meetings) Meetings (会议台账) with decisions, the monthly 例会 overview, and work
logs (工作日志, `worklogs_router`, mounted at /api/office/work-logs)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.outputs import OutSchema
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible, subtree_q
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_meetings as services
from .api_common import FileOut
from .attachments import file_counts, files_of
from .models import JOINT_MEETING_KINDS, Meeting, MeetingDecision, MeetingKind, OfficeAttachment, WorkLog
from .services_common import WRITE, day_bounds, rule

router = Router(tags=["日常办公"])
worklogs_router = Router(tags=["日常办公"])

KindName = Literal["regular", "joint", "dispatch", "leading_group", "other"]
MAX_PAGE = 100


# --- schemas -----------------------------------------------------------------------------------


class MeetingDecisionIn(Schema):
    text: str = Field(..., max_length=500)
    due_on: date | None = None
    holder_unit_id: int | None = None
    holder_department_id: int | None = None


class MeetingIn(Schema):
    unit_id: int | None = Field(None, description="the meeting's unit (default: the user's own)")
    kind: KindName
    category: str = Field("", max_length=60)
    name: str = Field(..., max_length=100)
    held_at: datetime
    location: str = Field(..., max_length=100)
    attendees: str = Field(..., max_length=300)
    topic: str = Field(..., max_length=300)
    content: str = Field("", max_length=5000)
    minutes: str = Field("", max_length=10000)
    decisions: list[MeetingDecisionIn] = Field(default_factory=list, max_length=services.MAX_DECISIONS)
    attachment_ids: list[int] = Field(default_factory=list, max_length=9, description="ids from /api/office/uploads")


class MeetingWithdrawIn(Schema):
    reason: str = Field(..., max_length=200)


class MeetingPersonOut(OutSchema):
    id: int
    full_name: str


class MeetingCaseOut(OutSchema):
    id: int
    number: str
    status: str
    status_label: str
    holder_unit_name: str
    due_at: datetime | None


class MeetingDecisionOut(OutSchema):
    id: int
    seq: int
    text: str
    holder_unit: UnitBrief
    holder_department_name: str | None
    due_on: date
    case: MeetingCaseOut | None


class MeetingRowOut(OutSchema):
    id: int
    unit: UnitBrief
    path: str
    kind: KindName
    kind_label: str
    category: str
    name: str
    held_at: datetime
    location: str
    attendees: str
    topic: str
    decision_count: int
    file_count: int
    created_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str


class MeetingOut(MeetingRowOut):
    content: str
    minutes: str
    created_by: MeetingPersonOut
    withdrawn_by: MeetingPersonOut | None
    decisions: list[MeetingDecisionOut]
    files: list[FileOut]
    can_edit: bool
    edit_until: date
    is_joint: bool


class MeetingPageOut(OutSchema):
    items: list[MeetingRowOut]
    next_cursor: int | None


class MeetingMonthOut(OutSchema):
    month: date
    count: int
    missing: bool


class MeetingRegularRowOut(OutSchema):
    unit: UnitBrief
    is_self: bool
    months: list[MeetingMonthOut]
    missing: int


class MeetingRegularOut(OutSchema):
    unit: UnitBrief
    months: list[date]
    rows: list[MeetingRegularRowOut]


class MeetingKindOut(OutSchema):
    value: str
    label: str
    joint: bool


class MeetingOptionsOut(OutSchema):
    kinds: list[MeetingKindOut]
    entry_days: int


class MeetingFilter(Schema):
    unit: int | None = Field(None, description="a unit: its subtree")
    since: date | None = None
    until: date | None = None
    kind: KindName | None = None
    q: str | None = Field(None, max_length=100, description="keyword in the name or topic")
    withdrawn: bool = Field(False, description="include withdrawn meetings")
    cursor: int | None = None
    limit: int = 20


# --- helpers -----------------------------------------------------------------------------------


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "full_name": user.full_name} if user is not None else None


def _meeting_row(m: Meeting, files: int, decisions: int) -> dict[str, Any]:
    return {
        "id": m.pk,
        "unit": m.unit,
        "path": m.path,
        "kind": m.kind,
        "kind_label": MeetingKind(m.kind).label,
        "category": m.category,
        "name": m.name,
        "held_at": m.held_at,
        "location": m.location,
        "attendees": m.attendees,
        "topic": m.topic,
        "decision_count": decisions,
        "file_count": files,
        "created_at": m.created_at,
        "withdrawn_at": m.withdrawn_at,
        "withdrawn_reason": m.withdrawn_reason,
    }


def _decision(d: MeetingDecision) -> dict[str, Any]:
    case = d.case
    return {
        "id": d.pk,
        "seq": d.seq,
        "text": d.text,
        "holder_unit": d.holder_unit,
        "holder_department_name": d.holder_department.name if d.holder_department else None,
        "due_on": d.due_on,
        "case": None
        if case is None
        else {
            "id": case.pk,
            "number": case.number,
            "status": case.status,
            "status_label": case.get_status_display(),
            "holder_unit_name": case.holder_unit.name if case.holder_unit else "",
            "due_at": case.final_due_at,
        },
    }


def _edit_until(held_at: datetime) -> date:
    from datetime import timedelta

    return timezone.localtime(held_at).date() + timedelta(days=rule("meeting_entry_days"))


def _meeting_detail(m: Meeting, user: User) -> dict[str, Any]:
    decisions = list(
        MeetingDecision.objects.filter(meeting=m).select_related(
            "holder_unit", "holder_department", "case", "case__holder_unit"
        )
    )
    files = files_of(OfficeAttachment.Owner.MEETING, [m.pk])[m.pk]
    until = _edit_until(m.held_at)
    can_edit = (
        not m.is_withdrawn
        and user.has_cap(WRITE)
        and any(m.path.startswith(p) for p in user.capture_paths)
        and timezone.localdate() <= until
    )
    return {
        **_meeting_row(m, len(files), len(decisions)),
        "content": m.content,
        "minutes": m.minutes,
        "created_by": _person(m.created_by),
        "withdrawn_by": _person(m.withdrawn_by),
        "decisions": [_decision(d) for d in decisions],
        "files": files,
        "can_edit": can_edit,
        "edit_until": until,
        "is_joint": m.kind in JOINT_MEETING_KINDS,
    }


def _meeting_data(payload: MeetingIn) -> services.MeetingData:
    return services.MeetingData(
        unit_id=payload.unit_id,
        kind=payload.kind,
        category=payload.category,
        name=payload.name,
        held_at=payload.held_at,
        location=payload.location,
        attendees=payload.attendees,
        topic=payload.topic,
        content=payload.content,
        minutes=payload.minutes,
        decisions=[
            services.DecisionData(
                text=d.text,
                due_on=d.due_on,
                holder_unit_id=d.holder_unit_id,
                holder_department_id=d.holder_department_id,
            )
            for d in payload.decisions
        ],
        attachment_ids=payload.attachment_ids,
    )


def _day_bounds(since: date | None, until: date | None) -> Q:
    q = Q()
    if since:
        q &= Q(held_at__gte=day_bounds(since, since)[0])
    if until:
        q &= Q(held_at__lt=day_bounds(until, until)[1])
    return q


def _meetings(user: User, f: MeetingFilter) -> QuerySet[Meeting]:
    root = get_visible(Unit.objects.all(), user, f.unit, missing="单位不存在") if f.unit is not None else None
    qs = services.meetings_visible(user)
    if root is not None:
        qs = qs.filter(subtree_q([root.path]))
    qs = qs.filter(_day_bounds(f.since, f.until))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q and f.q.strip():
        text = f.q.strip()
        qs = qs.filter(Q(name__contains=text) | Q(topic__contains=text))
    if not f.withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs


def _after(qs: QuerySet[Any], model: Any, cursor: int, field: str) -> QuerySet[Any]:
    """The rows after the cursor's row in the list's order (`field` descending, then id): the
    cursor is the last row's id, its `field` is read back (the model's index serves both)."""
    anchor = model.objects.filter(pk=cursor).values_list(field, flat=True).first()
    if anchor is None:
        return qs.none()
    return qs.filter(Q(**{f"{field}__lt": anchor}) | Q(**{field: anchor, "pk__lt": cursor}))


# --- meetings ----------------------------------------------------------------------------------


@router.get("", response=MeetingPageOut)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]) -> dict[str, Any]:
    """The meetings of the user's view scope (or a unit's subtree), latest held first, keyset
    pages; withdrawn ones only when asked for (marked)."""
    user = acting(request)
    qs = _meetings(user, filters).select_related("unit").defer("unit__boundary")
    if filters.cursor is not None:
        qs = _after(qs, Meeting, filters.cursor, "held_at")
    limit = max(1, min(filters.limit, MAX_PAGE))
    rows = list(qs.order_by("-held_at", "-id")[: limit + 1])
    page = rows[:limit]
    ids = [m.pk for m in page]
    files = file_counts(OfficeAttachment.Owner.MEETING, ids)
    from django.db.models import Count

    decisions = dict(
        MeetingDecision.objects.filter(meeting_id__in=ids)
        .values("meeting_id")
        .annotate(n=Count("id"))
        .values_list("meeting_id", "n")
    )
    return {
        "items": [_meeting_row(m, files.get(m.pk, 0), decisions.get(m.pk, 0)) for m in page],
        "next_cursor": page[-1].pk if len(rows) > limit else None,
    }


@router.get("/total", response=TotalOut)
def meeting_total(request: HttpRequest, filters: Query[MeetingFilter]) -> dict[str, Any]:
    return capped_total(_meetings(acting(request), filters))


@router.get("/options", response=MeetingOptionsOut)
def meeting_options(request: HttpRequest) -> dict[str, Any]:
    """The meeting kinds and the entry window (days) the form explains."""
    acting(request)
    return {
        "kinds": [{"value": k.value, "label": k.label, "joint": k in JOINT_MEETING_KINDS} for k in MeetingKind],
        "entry_days": rule("meeting_entry_days"),
    }


@router.get("/regular", response=MeetingRegularOut)
def regular_overview(request: HttpRequest, unit: int, months: int = 6) -> dict[str, Any]:
    """综治工作例会 per unit below and month: counts, and the months without one."""
    return services.regular_overview(acting(request), unit, months)


@router.get("/{meeting_id}", response=MeetingOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    user = acting(request)
    return _meeting_detail(services.get_meeting(user, meeting_id), user)


@router.post("", response={201: MeetingOut})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    user = acting(request)
    meeting = services.create_meeting(acting_user=user, data=_meeting_data(payload))
    return Status(201, _meeting_detail(services.get_meeting(user, meeting.pk), user))


@router.put("/{meeting_id}", response=MeetingOut)
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingIn) -> dict[str, Any]:
    user = acting(request)
    services.update_meeting(acting_user=user, meeting_id=meeting_id, data=_meeting_data(payload))
    return _meeting_detail(services.get_meeting(user, meeting_id), user)


@router.post("/{meeting_id}/withdraw", response=MeetingOut)
def withdraw_meeting(request: HttpRequest, meeting_id: int, payload: MeetingWithdrawIn) -> dict[str, Any]:
    user = acting(request)
    services.withdraw_meeting(acting_user=user, meeting_id=meeting_id, reason=payload.reason)
    return _meeting_detail(services.get_meeting(user, meeting_id), user)


# --- work logs ---------------------------------------------------------------------------------


class WorkLogIn(Schema):
    unit_id: int | None = Field(None, description="the log's unit (default: the author's own)")
    logged_on: date | None = Field(None, description="default today; never in the future")
    title: str = Field(..., max_length=100)
    content: str = Field(..., max_length=5000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=9)


class WorkLogWithdrawIn(Schema):
    reason: str = Field(..., max_length=200)


class WorkLogConvertIn(Schema):
    category_code: str = Field(..., max_length=20, description="event_category code of the new case")


class WorkLogOut(OutSchema):
    id: int
    unit: UnitBrief
    path: str
    author: MeetingPersonOut
    logged_on: date
    title: str
    content: str
    case: MeetingCaseOut | None
    file_count: int
    files: list[FileOut]
    created_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str
    withdrawn_by: MeetingPersonOut | None
    is_mine: bool


class WorkLogPageOut(OutSchema):
    items: list[WorkLogOut]
    next_cursor: int | None


class WorkLogFilter(Schema):
    unit: int | None = None
    author: int | None = None
    mine: bool = False
    since: date | None = None
    until: date | None = None
    q: str | None = Field(None, max_length=100)
    withdrawn: bool = False
    cursor: int | None = None
    limit: int = 20


def _log_out(log: WorkLog, user: User, files: list[dict[str, Any]] | None = None, count: int = 0) -> dict[str, Any]:
    case = log.case
    return {
        "id": log.pk,
        "unit": log.unit,
        "path": log.path,
        "author": _person(log.author),
        "logged_on": log.logged_on,
        "title": log.title,
        "content": log.content,
        "case": None
        if case is None
        else {
            "id": case.pk,
            "number": case.number,
            "status": case.status,
            "status_label": case.get_status_display(),
            "holder_unit_name": case.holder_unit.name if case.holder_unit_id else "",
            "due_at": case.due_at,
        },
        "file_count": len(files) if files is not None else count,
        "files": files or [],
        "created_at": log.created_at,
        "withdrawn_at": log.withdrawn_at,
        "withdrawn_reason": log.withdrawn_reason,
        "withdrawn_by": _person(log.withdrawn_by),
        "is_mine": log.author_id == user.pk,
    }


def _logs(user: User, f: WorkLogFilter) -> QuerySet[WorkLog]:
    root = get_visible(Unit.objects.all(), user, f.unit, missing="单位不存在") if f.unit is not None else None
    qs = services.work_logs_visible(user)
    if root is not None:
        qs = qs.filter(subtree_q([root.path]))
    if f.author is not None:
        qs = qs.filter(author_id=f.author)
    if f.mine:
        qs = qs.filter(author=user)
    if f.since:
        qs = qs.filter(logged_on__gte=f.since)
    if f.until:
        qs = qs.filter(logged_on__lte=f.until)
    if f.q and f.q.strip():
        text = f.q.strip()
        qs = qs.filter(Q(title__contains=text) | Q(content__contains=text))
    if not f.withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs


def _log_detail(user: User, log_id: int) -> dict[str, Any]:
    log = services.get_work_log(user, log_id)
    return _log_out(log, user, files_of(OfficeAttachment.Owner.WORK_LOG, [log.pk])[log.pk])


@worklogs_router.get("", response=WorkLogPageOut)
def list_work_logs(request: HttpRequest, filters: Query[WorkLogFilter]) -> dict[str, Any]:
    """Work logs of the user's view scope (or a unit's subtree), latest day first."""
    user = acting(request)
    qs = (
        _logs(user, filters)
        .select_related("unit", "author", "withdrawn_by", "case", "case__holder_unit")
        .defer("unit__boundary", "case__holder_unit__boundary")
    )
    if filters.cursor is not None:
        qs = _after(qs, WorkLog, filters.cursor, "logged_on")
    limit = max(1, min(filters.limit, MAX_PAGE))
    rows = list(qs.order_by("-logged_on", "-id")[: limit + 1])
    page = rows[:limit]
    counts = file_counts(OfficeAttachment.Owner.WORK_LOG, [r.pk for r in page])
    return {
        "items": [_log_out(r, user, None, counts.get(r.pk, 0)) for r in page],
        "next_cursor": page[-1].pk if len(rows) > limit else None,
    }


@worklogs_router.get("/total", response=TotalOut)
def work_log_total(request: HttpRequest, filters: Query[WorkLogFilter]) -> dict[str, Any]:
    return capped_total(_logs(acting(request), filters))


@worklogs_router.get("/{log_id}", response=WorkLogOut)
def get_work_log(request: HttpRequest, log_id: int) -> dict[str, Any]:
    return _log_detail(acting(request), log_id)


def _log_data(payload: WorkLogIn) -> services.WorkLogData:
    return services.WorkLogData(
        unit_id=payload.unit_id,
        logged_on=payload.logged_on,
        title=payload.title,
        content=payload.content,
        attachment_ids=payload.attachment_ids,
    )


@worklogs_router.post("", response={201: WorkLogOut})
def create_work_log(request: HttpRequest, payload: WorkLogIn) -> Status[dict[str, Any]]:
    user = acting(request)
    log = services.create_work_log(acting_user=user, data=_log_data(payload))
    return Status(201, _log_detail(user, log.pk))


@worklogs_router.put("/{log_id}", response=WorkLogOut)
def update_work_log(request: HttpRequest, log_id: int, payload: WorkLogIn) -> dict[str, Any]:
    user = acting(request)
    services.update_work_log(acting_user=user, log_id=log_id, data=_log_data(payload))
    return _log_detail(user, log_id)


@worklogs_router.post("/{log_id}/withdraw", response=WorkLogOut)
def withdraw_work_log(request: HttpRequest, log_id: int, payload: WorkLogWithdrawIn) -> dict[str, Any]:
    user = acting(request)
    services.withdraw_work_log(acting_user=user, log_id=log_id, reason=payload.reason)
    return _log_detail(user, log_id)


@worklogs_router.post("/{log_id}/convert", response=WorkLogOut)
def convert_work_log(request: HttpRequest, log_id: int, payload: WorkLogConvertIn) -> dict[str, Any]:
    """转为办件: an event case of the log's unit, once."""
    user = acting(request)
    services.convert_work_log(acting_user=user, log_id=log_id, category_code=payload.category_code)
    return _log_detail(user, log_id)
