"""Meetings (会议台账) with their decisions (议定事项), and work logs (工作日志).

Plain functions taking the acting user; the API validates the shapes, calls these and
serializes. Reads are the view scope with `records.read`; writes are the capture scope with
`office.write`.

Meetings. A meeting is entered (and edited) at most `rule("meeting_entry_days")` days after it
was held, never before (seed 000: 录入时间必须在会议召开后15天内录入). Joint meetings and dispatches
(联席会议, 调度会) carry minutes and decisions; each decision becomes a task of the case engine
for its holder unit or department, with the decision's deadline, linked back
(`MeetingDecision.case`). The monthly 综治工作例会 (kind regular) is expected every month per
unit: `regular_overview` counts them per child unit and month for the unit above.

Work logs. Everyday matters that are not cases (seed 000 事件处理注意事项 1), kept by their
author; one that grows is turned into an event case of its unit once (`convert_work_log`).

Nothing is deleted: a wrong record is withdrawn with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput
from zongzhi.core.months import month_of, months_back
from zongzhi.core.scope import get_visible, path_within, require_capture
from zongzhi.units.models import Department, Unit, User

from .attachments import attach_files
from .models import (
    JOINT_MEETING_KINDS,
    Meeting,
    MeetingDecision,
    MeetingKind,
    OfficeAttachment,
    WorkLog,
)
from .services_common import WRITE, month_bounds, rule

READ = "records.read"
MAX_DECISIONS = 30
MAX_OVERVIEW_MONTHS = 12
# Units that keep a monthly work meeting (例会): every level but the grid.
MEETING_LEVELS = ("county", "township", "village")

AUDIT_LABELS: dict[str, str] = {
    "office.meeting_created": "录入会议",
    "office.meeting_updated": "修改会议",
    "office.meeting_withdrawn": "撤回会议",
    "office.decision_assigned": "议定事项转为交办任务",
    "office.work_log_created": "录入工作日志",
    "office.work_log_updated": "修改工作日志",
    "office.work_log_withdrawn": "撤回工作日志",
    "office.work_log_converted": "工作日志转为办件",
}


# --- shared ------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, what: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput.field(field, f"请填写{what}", code="required")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{what}不能超过{limit}个字", code="too_long")
    return text


def _reason(value: str | None) -> str:
    return _text(value, field="reason", what="撤回原因", limit=200)


def _capture_unit(user: User, unit_id: int | None) -> Unit:
    """The unit a new record belongs to: one the user sees (404 otherwise, audited), may write
    office records for (`office.write`, 403) and captures (403, audited). Default: their own."""
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit_id", "请选择单位", code="required")
        unit_id = user.unit_id
    unit: Unit = get_visible(
        Unit.objects.all(), user, unit_id, WRITE, "没有录入日常办公记录的权限", missing="单位不存在"
    )
    if unit.is_retired:
        raise InvalidInput.field("unit_id", "该单位已撤销", code="unit_retired")
    require_capture(user, unit)
    return unit


def _writable(user: User, obj: Meeting | WorkLog) -> None:
    require_cap(user, WRITE, "没有录入日常办公记录的权限", obj)
    require_capture(user, obj)


def _withdrawn_check(obj: Meeting | WorkLog, what: str) -> None:
    if obj.is_withdrawn:
        raise Conflict(f"该{what}已撤回，不能再修改", code="already_withdrawn")


# --- meetings ----------------------------------------------------------------------------------


@dataclass
class DecisionData:
    text: str
    due_on: dt.date | None
    holder_unit_id: int | None = None
    holder_department_id: int | None = None


@dataclass
class MeetingData:
    kind: str
    name: str
    held_at: dt.datetime
    location: str
    attendees: str
    topic: str
    category: str = ""
    content: str = ""
    minutes: str = ""
    unit_id: int | None = None
    decisions: list[DecisionData] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)


def meetings_visible(user: User) -> QuerySet[Meeting]:
    require_cap(user, READ)
    return Meeting.objects.visible_to(user)


def get_meeting(user: User, meeting_id: int) -> Meeting:
    return get_visible(  # type: ignore[no-any-return]
        Meeting.objects.select_related("unit", "created_by", "withdrawn_by"),
        user,
        meeting_id,
        READ,
        missing="会议不存在",
    )


def check_entry_window(held_at: dt.datetime, now: dt.datetime | None = None) -> None:
    """Seed 000: a meeting is entered within `meeting_entry_days` days after it was held, and
    never before it was held. Days are calendar days in local time."""
    now = now or timezone.now()
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > now + dt.timedelta(minutes=5):
        raise InvalidInput.field("held_at", "会议尚未召开，不能录入（会议时间不能晚于现在）", code="meeting_in_future")
    limit = rule("meeting_entry_days")
    days = (timezone.localtime(now).date() - timezone.localtime(held_at).date()).days
    if days > limit:
        raise InvalidInput.field(
            "held_at",
            f"会议须在召开后{limit}天内录入（日常办公规则），该会议已召开{days}天",
            code="meeting_entry_late",
        )


def _clean_meeting(data: MeetingData) -> dict[str, Any]:
    if data.kind not in MeetingKind.values:
        raise InvalidInput.field("kind", "会议类型不正确", code="invalid_input")
    held_at = data.held_at if timezone.is_aware(data.held_at) else timezone.make_aware(data.held_at)
    check_entry_window(held_at)
    joint = data.kind in JOINT_MEETING_KINDS
    if data.decisions and not joint:
        raise InvalidInput.field("decisions", "只有联席会议和调度会可以录入议定事项", code="decisions_not_allowed")
    if (data.minutes or "").strip() and not joint:
        raise InvalidInput.field("minutes", "只有联席会议和调度会录入会议纪要", code="minutes_not_allowed")
    return {
        "kind": data.kind,
        "category": _text(data.category, field="category", what="会议类别", limit=60, required=False),
        "name": _text(data.name, field="name", what="会议名称", limit=100),
        "held_at": held_at,
        "location": _text(data.location, field="location", what="地点", limit=100),
        "attendees": _text(data.attendees, field="attendees", what="参加人员", limit=300),
        "topic": _text(data.topic, field="topic", what="会议主题", limit=300),
        "content": _text(data.content, field="content", what="会议内容", limit=5000, required=False),
        "minutes": _text(data.minutes, field="minutes", what="会议纪要", limit=10000, required=False),
    }


def _add_decisions(user: User, meeting: Meeting, decisions: list[DecisionData], start: int) -> list[MeetingDecision]:
    """Each decision a task of the case engine, for its holder, due on its date; the task's
    description names the meeting. The holder must lie below the user's unit (a department may
    be of their own unit), as for every task sent down."""
    from zongzhi.cases.services import NewCase, create_case

    if start + len(decisions) > MAX_DECISIONS:
        raise InvalidInput.field("decisions", f"议定事项最多{MAX_DECISIONS}项", code="too_many_decisions")
    if decisions and user.unit is None:
        raise InvalidInput.field("decisions", "账号没有所属单位，不能交办议定事项", code="no_unit")
    out: list[MeetingDecision] = []
    for i, d in enumerate(decisions):
        where = f"decisions.{i}"
        text = (d.text or "").strip()
        if not 2 <= len(text) <= 500:
            raise InvalidInput.field(f"{where}.text", "议定事项为2-500个字", code="decision_text_invalid")
        if d.due_on is None:
            raise InvalidInput.field(f"{where}.due_on", "请填写议定事项的完成期限", code="required")
        if d.due_on < timezone.localdate():
            raise InvalidInput.field(f"{where}.due_on", "完成期限不能早于今天", code="due_in_past")
        unit = department = None
        if d.holder_department_id is not None:
            department = Department.objects.filter(pk=d.holder_department_id).select_related("unit").first()
            if department is None or not path_within(department.path, user.view_paths):
                raise InvalidInput.field(f"{where}.holder_department_id", "责任部门不存在", code="holder_invalid")
        elif d.holder_unit_id is not None:
            unit = Unit.objects.filter(pk=d.holder_unit_id).first()
            if unit is None or not path_within(unit.path, user.view_paths):
                raise InvalidInput.field(f"{where}.holder_unit_id", "责任单位不存在", code="holder_invalid")
        else:
            raise InvalidInput.field(f"{where}.holder_unit_id", "请选择责任单位或部门", code="holder_required")
        title = text if len(text) <= 100 else text[:99] + "…"
        description = (
            f"{text}\n\n（{meeting.get_kind_display()}“{meeting.name}”议定事项，"
            f"会议时间{timezone.localtime(meeting.held_at):%Y年%m月%d日}，{meeting.unit.name}）"
        )
        try:
            case, _ = create_case(
                acting_user=user,
                data=NewCase(
                    kind="task",
                    title=title if len(title) >= 2 else f"{title}。",
                    description=description,
                    target_unit=unit,
                    target_department=department,
                    due_date=d.due_on,
                ),
            )
        except InvalidInput as exc:  # the engine's message, on this decision's field
            problem = exc.errors[0]["field"] if exc.errors else ""
            name = "holder_department_id" if problem == "target_department_id" else "holder_unit_id"
            if problem == "due_date":
                name = "due_on"
            raise InvalidInput.field(f"{where}.{name}", exc.message, code=exc.code) from exc
        decision = MeetingDecision.objects.create(
            meeting=meeting,
            seq=start + i + 1,
            text=text,
            holder_unit=case.holder_unit,
            holder_department=case.holder_department,
            due_on=d.due_on,
            case=case,
        )
        record_event(
            "office.decision_assigned",
            obj=meeting,
            detail={"seq": decision.seq, "case_id": case.pk, "case": case.number},
        )
        out.append(decision)
    return out


@transaction.atomic
def create_meeting(*, acting_user: User, data: MeetingData) -> Meeting:
    """Record a meeting of a unit the user captures, with its files and decisions (tasks)."""
    unit = _capture_unit(acting_user, data.unit_id)
    meeting = Meeting(path=unit.path, unit=unit, created_by=acting_user, **_clean_meeting(data))
    meeting.save()
    attach_files(acting_user, data.attachment_ids, OfficeAttachment.Owner.MEETING, meeting.pk)
    _add_decisions(acting_user, meeting, data.decisions, 0)
    record_event(
        "office.meeting_created",
        obj=meeting,
        detail={"kind": meeting.kind, "held_at": meeting.held_at.isoformat(), "decisions": len(data.decisions)},
    )
    return meeting


@transaction.atomic
def update_meeting(*, acting_user: User, meeting_id: int, data: MeetingData) -> Meeting:
    """Correct a meeting within the entry window (of the day it was held, and of the new one);
    new decisions are added as tasks, those made stay as they are (they are tasks already)."""
    meeting: Meeting = get_visible(
        Meeting.objects.select_for_update(of=("self",)), acting_user, meeting_id, READ, missing="会议不存在"
    )
    _writable(acting_user, meeting)
    _withdrawn_check(meeting, "会议")
    check_entry_window(meeting.held_at)
    fields = _clean_meeting(data)
    existing = meeting.decisions.count()
    if existing and fields["kind"] not in JOINT_MEETING_KINDS:
        raise InvalidInput.field("kind", "已有议定事项的会议只能是联席会议或调度会", code="decisions_not_allowed")
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    attach_files(acting_user, data.attachment_ids, OfficeAttachment.Owner.MEETING, meeting.pk)
    _add_decisions(acting_user, meeting, data.decisions, existing)
    record_event("office.meeting_updated", obj=meeting, detail={"decisions_added": len(data.decisions)})
    return meeting


@transaction.atomic
def withdraw_meeting(*, acting_user: User, meeting_id: int, reason: str) -> Meeting:
    """撤回: the meeting stays, marked withdrawn with who, when and why. Its decisions' tasks
    stay with their holders (they are closed in the case engine, if need be)."""
    meeting: Meeting = get_visible(
        Meeting.objects.select_for_update(of=("self",)), acting_user, meeting_id, READ, missing="会议不存在"
    )
    _writable(acting_user, meeting)
    text = _reason(reason)
    if meeting.is_withdrawn:
        raise Conflict("该会议已撤回", code="already_withdrawn")
    meeting.withdrawn_at, meeting.withdrawn_by, meeting.withdrawn_reason = timezone.now(), acting_user, text
    meeting.save()
    record_event("office.meeting_withdrawn", obj=meeting, detail={"reason": text})
    return meeting


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the last `n` months, oldest first, the current month last."""
    return months_back(today, n)


def regular_overview(user: User, unit_id: int, months: int = 6) -> dict[str, Any]:
    """The monthly 综治工作例会 of a unit and of each unit directly below it (grids excepted), for
    the last `months` months: how many were held each month (withdrawn ones do not count), and
    the months without one (the current month is owed until it ends)."""
    unit = get_visible(Unit.objects.all(), user, unit_id, READ, missing="单位不存在")
    if not 1 <= months <= MAX_OVERVIEW_MONTHS:
        raise InvalidInput.field("months", f"月数应在1到{MAX_OVERVIEW_MONTHS}之间", code="invalid_input")
    today = timezone.localdate()
    firsts = _months_back(today, months)
    children = list(
        Unit.objects.filter(parent=unit, is_retired=False, level__in=MEETING_LEVELS)
        .only("id", "name", "code", "level", "path")
        .order_by("sort", "code")
    )
    rows = [unit, *children] if unit.level in MEETING_LEVELS else children
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(firsts[0], dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(month_bounds(today)[1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    counted = (
        Meeting.objects.filter(
            unit__in=[u.pk for u in rows],
            kind=MeetingKind.REGULAR,
            withdrawn_at__isnull=True,
            held_at__gte=low,
            held_at__lt=high,
        )
        .annotate(month=TruncMonth("held_at", tzinfo=tz))
        .values("unit_id", "month")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, dt.date], int] = {}
    for row in counted:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        counts[(row["unit_id"], month)] = row["n"]
    current = month_of(today)
    out_rows = []
    for u in rows:
        cells = []
        for first in firsts:
            n = counts.get((u.pk, first), 0)
            cells.append({"month": first, "count": n, "missing": n == 0 and first < current})
        out_rows.append(
            {
                "unit": u,
                "is_self": u.pk == unit.pk,
                "months": cells,
                "missing": sum(1 for c in cells if c["missing"]),
            }
        )
    return {"unit": unit, "months": firsts, "rows": out_rows}


# --- work logs ---------------------------------------------------------------------------------


@dataclass
class WorkLogData:
    title: str
    content: str
    logged_on: dt.date | None = None
    unit_id: int | None = None
    attachment_ids: list[int] = field(default_factory=list)


def work_logs_visible(user: User) -> QuerySet[WorkLog]:
    require_cap(user, READ)
    return WorkLog.objects.visible_to(user)


def get_work_log(user: User, log_id: int) -> WorkLog:
    return get_visible(  # type: ignore[no-any-return]
        WorkLog.objects.select_related("unit", "author", "case", "withdrawn_by"),
        user,
        log_id,
        READ,
        missing="工作日志不存在",
    )


def _clean_log(data: WorkLogData, was_logged_on: dt.date | None = None) -> dict[str, Any]:
    """The cleaned fields; the entry window applies to a new date, not to an edit keeping it."""
    today = timezone.localdate()
    logged_on = data.logged_on or today
    if logged_on > today:
        raise InvalidInput.field("logged_on", "日期不能晚于今天", code="logged_in_future")
    days = rule("record_entry_days")
    if logged_on != was_logged_on and (today - logged_on).days > days:
        raise InvalidInput.field(
            "logged_on",
            f"工作日志须在{days}天内录入（日常办公规则），该日期已过去{(today - logged_on).days}天",
            code="log_entry_late",
        )
    return {
        "title": _text(data.title, field="title", what="事项", limit=100),
        "content": _text(data.content, field="content", what="内容", limit=5000),
        "logged_on": logged_on,
    }


def _own_log(user: User, log_id: int) -> WorkLog:
    """A log the user wrote (only its author changes or withdraws it), locked."""
    log: WorkLog = get_visible(
        WorkLog.objects.select_for_update(of=("self",)), user, log_id, READ, missing="工作日志不存在"
    )
    require_cap(user, WRITE, "没有录入日常办公记录的权限", log)
    if log.author_id != user.pk:
        raise Forbidden(
            "只有记录人本人可以修改或撤回工作日志",
            code="not_author",
            audit=AuditNote("permission.denied", log, {"reason": "not_author"}),
        )
    require_capture(user, log)
    return log


@transaction.atomic
def create_work_log(*, acting_user: User, data: WorkLogData) -> WorkLog:
    unit = _capture_unit(acting_user, data.unit_id)
    log = WorkLog(path=unit.path, unit=unit, author=acting_user, **_clean_log(data))
    log.save()
    attach_files(acting_user, data.attachment_ids, OfficeAttachment.Owner.WORK_LOG, log.pk)
    record_event("office.work_log_created", obj=log, detail={"logged_on": log.logged_on.isoformat()})
    return log


@transaction.atomic
def update_work_log(*, acting_user: User, log_id: int, data: WorkLogData) -> WorkLog:
    log = _own_log(acting_user, log_id)
    _withdrawn_check(log, "工作日志")
    for name, value in _clean_log(data, was_logged_on=log.logged_on).items():
        setattr(log, name, value)
    log.save()
    attach_files(acting_user, data.attachment_ids, OfficeAttachment.Owner.WORK_LOG, log.pk)
    record_event("office.work_log_updated", obj=log)
    return log


@transaction.atomic
def withdraw_work_log(*, acting_user: User, log_id: int, reason: str) -> WorkLog:
    log = _own_log(acting_user, log_id)
    text = _reason(reason)
    if log.is_withdrawn:
        raise Conflict("该工作日志已撤回", code="already_withdrawn")
    if log.case_id is not None:
        raise Conflict("该日志已转为办件，不能撤回", code="work_log_converted")
    log.withdrawn_at, log.withdrawn_by, log.withdrawn_reason = timezone.now(), acting_user, text
    log.save()
    record_event("office.work_log_withdrawn", obj=log, detail={"reason": text})
    return log


@transaction.atomic
def convert_work_log(*, acting_user: User, log_id: int, category_code: str) -> WorkLog:
    """转为办件: an event case of the log's unit, reported by one of its officers, with the log's
    title and content, linked to the log. Once only."""
    from zongzhi.cases.services import NewCase, create_case

    log: WorkLog = get_visible(
        WorkLog.objects.select_for_update(of=("self",)), acting_user, log_id, READ, missing="工作日志不存在"
    )
    require_cap(acting_user, WRITE, "没有录入日常办公记录的权限", log)
    if acting_user.unit_id != log.unit_id:
        raise Forbidden(
            "只有日志所属单位的人员可以将其转为办件",
            code="not_own_unit",
            audit=AuditNote("permission.denied", log, {"reason": "not_own_unit"}),
        )
    if log.case_id is not None:
        raise Conflict("该工作日志已转为办件，不能重复转办", code="work_log_converted")
    if log.is_withdrawn:
        raise Conflict("该工作日志已撤回，不能转为办件", code="already_withdrawn")
    if not category_code:
        raise InvalidInput.field("category_code", "请选择事件类别", code="required")
    now = timezone.now()
    occurred = dt.datetime.combine(log.logged_on, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    title = log.title if len(log.title) >= 2 else f"{log.title}事项"
    description = f"{log.content}\n\n（由{log.logged_on:%Y年%m月%d日}工作日志转办）"
    case, _ = create_case(
        acting_user=acting_user,
        data=NewCase(
            kind="event",
            title=title,
            description=description[:5000],
            category_code=category_code,
            occurred_at=min(occurred, now),
        ),
    )
    log.case = case
    log.save()
    record_event("office.work_log_converted", obj=log, detail={"case_id": case.pk, "case": case.number})
    return log
