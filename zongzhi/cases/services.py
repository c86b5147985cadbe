"""The case engine: creating cases and every action on them.

One state machine serves every kind. `allowed_actions` is the single place that decides what
a user may do to a case (the UI shows exactly that list); `act` re-checks it under a row lock
and a version check, so of two people acting at once exactly one succeeds.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zongzhi.audit.services import record_created, record_event
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound
from zongzhi.core.fastinsert import Inserter, one_round_trip
from zongzhi.core.scope import path_within
from zongzhi.dictionary.services import require_active_code
from zongzhi.units.geo import locate_grid_path
from zongzhi.units.models import Department, Unit, User

from . import kinds, rules
from .attachments import attach
from .models import OPEN_STATUSES, Case, CaseAction, CaseParty, Kind, Status, Supervision, Urgency

ACTION_LABELS: dict[str, str] = {
    "report": "上报事件",
    "create": "发起",
    "approve": "同意录入",
    "disapprove": "不同意录入",
    "accept": "受理",
    "return": "退回",
    "resubmit": "重新提交",
    "dispatch": "分流交办",
    "escalate": "上报上级",
    "progress": "办理",
    "request_extension": "申请延期",
    "approve_extension": "批准延期",
    "reject_extension": "不批准延期",
    "complete": "办结",
    "confirm": "确认办结",
    "reject": "驳回",
    "supervise": "督办",
    "follow_up": "回访",
    "archive": "归档",
    "cancel": "撤销",
    "overdue_yellow": "超期黄牌",
    "overdue_red": "超期红牌",
}
SATISFACTION = ("满意", "基本满意", "不满意")


# --- who is who on a case ----------------------------------------------------------------------
def _holds(user: User, case: Case) -> bool:
    if case.holder_department_id:
        return user.department_id == case.holder_department_id
    return user.department_id is None and user.unit_id == case.holder_unit_id


def _initiates(user: User, case: Case) -> bool:
    if case.initiator_department_id:
        return user.department_id == case.initiator_department_id
    return user.department_id is None and user.unit_id == case.initiator_unit_id


def _holder_path(case: Case) -> str:
    if case.holder_department_id and case.holder_department is not None:
        return str(case.holder_department.path)
    return str(case.holder_unit.path)


def _is_above_holder(user: User, case: Case) -> bool:
    """The user's unit is above the holder (a department counts as under its own unit)."""
    if user.unit is None or user.department_id:
        return False
    mine, theirs = user.unit.path, _holder_path(case)
    if case.holder_department_id:
        return theirs.startswith(mine)
    return theirs.startswith(mine) and theirs != mine


def _extension_approver(case: Case) -> Unit | None:
    if case.holder_department_id and case.holder_department is not None:
        return case.holder_department.unit
    return case.holder_unit.parent


def office_of(unit: Unit) -> Unit:
    """The office that handles what happens in a unit: a grid's village, else the unit itself."""
    if unit.level == "grid" and unit.parent is not None:
        return unit.parent
    return unit


def allowed_actions(case: Case, user: User) -> list[str]:
    """Everything this user may do to this case now, from (state, holder, actor's unit, role)."""
    out: list[str] = []
    if not user.is_active:
        return out
    handle = user.has_cap("cases.handle")
    holds = handle and _holds(user, case)
    initiates = handle and _initiates(user, case)
    s = case.status
    if holds and s == Status.AWAITING_APPROVAL:
        out += ["approve", "disapprove"]
    if holds and s == Status.PENDING:
        out.append("accept")
        if case.sender_unit_id:
            out.append("return")
        if case.holder_department_id is None and case.holder_unit.parent_id:
            out.append("escalate")
    if holds and s == Status.IN_PROGRESS:
        out += ["progress"]
        if case.holder_department_id is None:
            out.append("dispatch")
            if case.holder_unit.parent_id:
                out.append("escalate")
        if case.extension_days is None and case.due_at is not None:
            out.append("request_extension")
        out.append("complete")
        if case.sender_unit_id:
            out.append("return")
    if initiates and s == Status.AWAITING_CONFIRMATION:
        out += ["confirm", "reject"]
    if initiates and s == Status.RETURNED:
        out += ["resubmit", "cancel"]
    if initiates and s == Status.PENDING and not holds:
        out.append("cancel")
    if initiates and s == Status.COMPLETED:
        if not case.satisfaction:
            out.append("follow_up")
        out.append("archive")
    if (
        handle
        and case.extension_days is not None
        and s == Status.IN_PROGRESS
        and user.department_id is None
        and user.unit_id == getattr(_extension_approver(case), "pk", None)
    ):
        out += ["approve_extension", "reject_extension"]
    if user.has_cap("cases.supervise") and s in OPEN_STATUSES and _is_above_holder(user, case):
        out.append("supervise")
    return out


# --- creating ----------------------------------------------------------------------------------
@dataclass
class NewCase:
    kind: str
    title: str
    description: str = ""
    category_code: str = ""
    occurred_at: datetime | None = None
    people_count: int = 0
    parties: list[dict[str, Any]] | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    urgency: str = Urgency.NORMAL
    is_major: bool = False
    target_unit: Unit | None = None
    target_department: Department | None = None
    due_date: Any = None  # date
    details: dict[str, Any] | None = None
    client_id: uuid.UUID | None = None
    attachment_ids: list[int] | None = None


def _end_of_day(d: Any) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(23, 59, 59, 999999)))


def _clean_parties(user: User, parties: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The parties: names, roles, and the registered resident a party is, when given (the
    resident must be in the reporter's view scope; the name is then the registered one)."""
    from zongzhi.people.models import Resident

    out: list[dict[str, Any]] = []
    for i, p in enumerate(parties or []):
        entry: dict[str, Any] = {
            "name": str(p.get("name") or "").strip(),
            "role": str(p.get("role") or "").strip()[:20],
        }
        resident_id = p.get("resident_id")
        if resident_id is not None:
            resident = Resident.objects.visible_to(user).filter(pk=resident_id, is_retired=False).first()
            if resident is None:
                raise InvalidInput.field(f"parties.{i}.resident_id", "该当事人不在实有人口中", code="party_invalid")
            entry["name"], entry["resident_id"] = resident.name, resident.pk
        if not entry["name"] or len(entry["name"]) > 30:
            raise InvalidInput.field(f"parties.{i}.name", "当事人姓名为1-30个字", code="party_invalid")
        out.append(entry)
    if len(out) > 50:
        raise InvalidInput.field("parties", "当事人最多50人", code="party_invalid")
    return out


def _place(user: User, data: NewCase, office: Unit) -> tuple[str, bool]:
    """The path where the case happened: the grid of the position, else the reporter's unit."""
    if data.latitude is None or data.longitude is None:
        return (user.unit.path if user.unit else office.path), False
    if not (3 <= data.latitude <= 54 and 73 <= data.longitude <= 136):
        raise InvalidInput.field("latitude", "位置不在我国境内，请检查定位", code="position_invalid")
    grid_path = locate_grid_path(data.latitude, data.longitude, user.capture_paths or [office.path])
    if grid_path is not None:
        return grid_path, True
    return (user.unit.path if user.unit else office.path), False


def _require_below(user: User, unit: Unit | None, department: Department | None) -> tuple[Unit, Department | None]:
    """A target for tasks and notices: a unit below the sender's, or a department there."""
    mine = user.unit
    assert mine is not None
    if department is not None:
        if department.is_retired or not path_within(department.path, [mine.path]):
            raise InvalidInput.field("target_department_id", "只能向本级或下级的成员单位交办", code="target_invalid")
        return department.unit, department
    if unit is None:
        raise InvalidInput.field("target_unit_id", "请选择承办单位", code="target_required")
    if unit.is_retired or unit.pk == mine.pk or not path_within(unit.path, [mine.path]):
        raise InvalidInput.field("target_unit_id", "只能向下级单位或网格分派", code="target_invalid")
    return unit, None


def create_case(*, acting_user: User, data: NewCase) -> tuple[Case, bool]:
    """Report an event or start a task, request, notice or petition. Returns (case, created).

    Sending the same report twice (same client id) creates one case: the second call returns
    the first case.
    """
    try:
        return _create(acting_user, data), True
    except (IntegrityError, InvalidInput):
        # The unique client id refused the insert: this report arrived before (or two copies
        # arrived together and the other one won). A resend can also fail a check the first
        # copy passed (entered within 10 days). No lookup first: most reports are new.
        existing = Case.objects.filter(client_id=data.client_id).first() if data.client_id else None
        if existing is None:
            raise
        if existing.initiator_user_id != acting_user.pk:
            raise Conflict("该编号已被使用", code="client_id_taken") from None
        return existing, False


def _create(user: User, data: NewCase) -> Case:
    """Check and write a new case.

    Every report reads what it needs first and then writes: the case, its creation record,
    its first timeline step, the `case.created` event and the holder's notice. On PostgreSQL
    those writes wait and go in one message (`one_round_trip`): outside a transaction that
    message is one implicit transaction, so a report costs two round trips after the
    login check and the grid's path (its id, its writes) instead of nine with BEGIN and COMMIT. A report whose
    notices are written at once (no broker), or made inside a caller's transaction, runs in a
    transaction of its own; so does one with attachments, which are taken under a lock and
    tied to the first step by its id.
    """
    if data.attachment_ids:
        with transaction.atomic():
            return _check_and_write(user, data)
    single_message = (
        connection.vendor == "postgresql" and not connection.in_atomic_block and not settings.CELERY_TASK_ALWAYS_EAGER
    )
    with contextlib.nullcontext() if single_message else transaction.atomic(), one_round_trip():
        return _check_and_write(user, data)


def _check_and_write(user: User, data: NewCase) -> Case:
    if not (user.has_cap("cases.report") or user.has_cap("cases.handle")):
        raise Forbidden(
            "没有上报或发起办件的权限", audit=AuditNote("permission.denied", None, {"capability": "cases.report"})
        )
    if user.unit is None:
        raise Forbidden("账号没有所属单位，不能发起办件", code="no_unit")
    now = timezone.now()
    title = (data.title or "").strip()
    if not 2 <= len(title) <= 100:
        raise InvalidInput.field("title", "名称为2-100个字", code="title_invalid")
    if len(data.description or "") > 5000:
        raise InvalidInput.field("description", "内容不能超过5000字", code="too_long")
    if data.urgency not in Urgency.values:
        raise InvalidInput.field("urgency", "紧急程度不正确", code="invalid_input")
    details = kinds.validate_details(data.kind, data.details)
    office = office_of(user.unit)
    case = Case(
        kind=data.kind,
        title=title,
        description=(data.description or "").strip(),
        urgency=data.urgency,
        is_major=data.is_major,
        people_count=data.people_count,
        parties=_clean_parties(user, data.parties),
        details=details,
        latitude=data.latitude,
        longitude=data.longitude,
        address=(data.address or "").strip()[:200],
        occurred_at=data.occurred_at,
        initiator_unit=user.unit,
        initiator_department=user.department,
        initiator_user=user,
        client_id=data.client_id,
        created_at=now,
    )
    if data.occurred_at is not None and timezone.is_naive(data.occurred_at):
        data.occurred_at = timezone.make_aware(data.occurred_at)  # a phone's local time: Asia/Shanghai
        case.occurred_at = data.occurred_at
    if data.kind == Kind.EVENT:
        require_active_code("event_category", data.category_code, field="category_code")
        case.category_code = data.category_code
        if data.occurred_at is None:
            raise InvalidInput.field("occurred_at", "请填写事件发生时间", code="required")
        if data.occurred_at > now + timedelta(minutes=5):
            raise InvalidInput.field("occurred_at", "发生时间不能晚于现在", code="occurred_in_future")
        limit = settings.CASES_EVENT_ENTRY_DAYS
        if now - data.occurred_at > timedelta(days=limit):
            raise InvalidInput.field("occurred_at", f"事件须在发生后{limit}日内录入", code="entered_too_late")
    elif data.category_code:
        require_active_code("event_category", data.category_code, field="category_code")
        case.category_code = data.category_code

    path, located = _place(user, data, office)
    case.path = path
    if data.latitude is not None:
        case.details = {**details, "located_in_grid": located}

    if data.kind in kinds.SENT_DOWN:
        if data.due_date is None:
            raise InvalidInput.field("due_date", "请填写完成时限", code="required")
        if data.due_date < timezone.localdate():
            raise InvalidInput.field("due_date", "完成时限不能早于今天", code="due_in_past")
        holder, dept = _require_below(user, data.target_unit, data.target_department)
        case.holder_unit, case.holder_department = holder, dept
        case.path = dept.path if dept is not None else holder.path
        case.status = Status.PENDING
        case.final_due_at = _end_of_day(data.due_date)
        case.sender_unit, case.sender_department = user.unit, user.department
    elif data.kind == Kind.REQUEST:
        if data.due_date is None:
            raise InvalidInput.field("due_date", "请填写需要答复的时限", code="required")
        if data.due_date < timezone.localdate():
            raise InvalidInput.field("due_date", "答复时限不能早于今天", code="due_in_past")
        parent = office.parent
        if parent is None:
            raise InvalidInput("没有上级单位可以请示", code="no_parent")
        case.holder_unit, case.status = parent, Status.PENDING
        case.final_due_at = _end_of_day(data.due_date)
        case.sender_unit = office
        case.path = office.path
    else:  # events and petitions are handled by the office where they happen
        case.holder_unit = office
        case.is_mass_incident = data.kind == Kind.EVENT and data.people_count >= rules.mass_incident_threshold()
        if case.is_mass_incident:
            if office.parent is None:
                raise InvalidInput("没有上级单位可以审批群体性事件", code="no_parent")
            case.holder_unit, case.status = office.parent, Status.AWAITING_APPROVAL
            case.sender_unit = office
        elif data.kind == Kind.EVENT and user.unit_id == office.pk and user.department_id is None:
            case.status, case.accepted_at = Status.IN_PROGRESS, now  # the office reports what it handles
        else:
            case.status = Status.PENDING
            if user.unit_id != office.pk:
                case.sender_unit = user.unit

    if case.status == Status.PENDING:
        case.due_at = rules.deadline(case, "accept", now)
        if case.final_due_at and case.due_at and case.due_at > case.final_due_at:
            case.due_at = case.final_due_at
    elif case.status == Status.IN_PROGRESS:
        case.due_at = rules.deadline(case, "handle", now)
    if connection.vendor == "postgresql":
        # The id first, so the number goes in with the row: writing it afterwards would write
        # every index of the table a second time (an UPDATE of an indexed column).
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_CASE_ID)
            case.pk = cursor.fetchone()[0]
        case.number = _case_number(case, now)
        _insert_case.insert(case)
    else:
        _insert_case.insert(case)
        case.number = _case_number(case, now)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Case._meta.db_table} SET number = %s WHERE id = %s", [case.number, case.pk])
    record_created(case)
    for rid in dict.fromkeys(p["resident_id"] for p in case.parties if p.get("resident_id")):
        _insert_party.insert(CaseParty(case=case, resident_id=rid))
    entry = _timeline(case, user, "report" if case.kind == Kind.EVENT else "create", "", case.status, to_holder=case)
    attach(acting_user=user, ids=data.attachment_ids or [], case=case, action=entry)
    flags = {"is_major": case.is_major, "urgency": case.urgency, "is_mass_incident": case.is_mass_incident}
    record_event("case.created", obj=case, detail={"kind": case.kind, **flags})
    _notify_holder(case, "new")
    return case


# The row is written without the ORM's save (its creation record is written by hand), so
# that its statement can wait for the others (`one_round_trip`).
_insert_case = Inserter(Case)
_insert_party = Inserter(CaseParty)
_NEXT_CASE_ID = f"SELECT nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))"


def _case_number(case: Case, now: datetime) -> str:
    return f"{kinds.NUMBER_PREFIX[case.kind]}{timezone.localtime(now):%Y%m%d}{case.pk:06d}"


# --- acting ------------------------------------------------------------------------------------
@dataclass
class ActionInput:
    comment: str = ""
    target_unit: Unit | None = None
    target_department: Department | None = None
    days: int | None = None
    level: int | None = None
    satisfaction: str = ""
    result: str = ""
    attachment_ids: list[int] | None = None


def _timeline(
    case: Case,
    user: User | None,
    action: str,
    from_status: str,
    to_status: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    to_holder: Case | None = None,
) -> CaseAction:
    return _insert_action.insert(
        CaseAction(
            case=case,
            action=action,
            actor=user,
            actor_name=(user.full_name or user.username) if user else "系统",
            actor_unit=user.unit if user else None,
            actor_department=user.department if user else None,
            from_status=from_status,
            to_status=to_status,
            to_unit=to_holder.holder_unit if to_holder else None,
            to_department=to_holder.holder_department if to_holder else None,
            comment=comment,
            data=data or {},
        )
    )


# Every step of every case writes one: a prepared statement rather than the ORM's create().
_insert_action = Inserter(CaseAction)


def _require_comment(inp: ActionInput, what: str) -> str:
    text = inp.comment.strip()
    if not text:
        raise InvalidInput.field("comment", f"请填写{what}", code="comment_required")
    if len(text) > 2000:
        raise InvalidInput.field("comment", "说明不能超过2000字", code="too_long")
    return text


def _hand_to(case: Case, unit: Unit, department: Department | None, status: str, now: datetime) -> None:
    case.sender_unit, case.sender_department = case.holder_unit, case.holder_department
    case.holder_unit, case.holder_department = unit, department
    case.status = status
    case.overdue_level, case.overdue_since, case.due_soon_notified = 0, None, False
    case.extension_days = None  # a request for more time was the previous holder's
    if status == Status.PENDING:
        due = rules.deadline(case, "accept", now)
        case.due_at = min(d for d in (due, case.final_due_at) if d) if (due or case.final_due_at) else None


def act(*, acting_user: User, case_id: int, action: str, version: int, inp: ActionInput) -> Case:
    """Do one action on a case: locked, version-checked, one transaction, one timeline entry."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("holder_unit", "holder_department__unit", "initiator_unit")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound("办件不存在")
        if case.version != version:
            raise Conflict("案件已被他人处理，请刷新后查看最新状态", code="case_changed")
        if action not in ACTION_LABELS or action not in allowed_actions(case, acting_user):
            raise Forbidden(
                f"当前状态下不能执行“{ACTION_LABELS.get(action, action)}”",
                code="action_not_allowed",
                audit=AuditNote("permission.denied", case, {"action": action}),
            )
        before_status = case.status
        data = _apply(case, acting_user, action, inp)
        case.version += 1
        case.save()
        entry = _timeline(
            case,
            acting_user,
            action,
            before_status,
            case.status,
            comment=inp.comment.strip(),
            data=data,
            to_holder=case
            if action in {"dispatch", "escalate", "return", "resubmit", "complete", "reject", "approve"}
            else None,
        )
        attach(acting_user=acting_user, ids=inp.attachment_ids or [], case=case, action=entry)
        record_event(f"case.{action}", obj=case, detail={"from": before_status, "to": case.status, **data})
    return case


def _apply(case: Case, user: User, action: str, inp: ActionInput) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {}
    if action == "approve":
        office = case.sender_unit or case.initiator_unit
        case.holder_unit, case.holder_department, case.status = office, None, Status.PENDING
        case.sender_unit = user.unit
        case.due_at = rules.deadline(case, "accept", now)
    elif action == "disapprove":
        _require_comment(inp, "不同意的理由")
        case.status, case.closed_at = Status.CANCELLED, now
    elif action == "accept":
        case.status, case.accepted_at = Status.IN_PROGRESS, case.accepted_at or now
        case.overdue_level, case.overdue_since, case.due_soon_notified = 0, None, False
        if case.final_due_at is not None:
            case.due_at = case.final_due_at
        else:
            case.due_at = rules.deadline(case, "handle", now)
            if case.kind == Kind.PETITION:
                case.final_due_at = case.due_at
    elif action == "return":
        _require_comment(inp, "退回理由")
        if case.sender_unit is None:
            raise InvalidInput("没有可以退回的单位", code="no_sender")
        to_unit, to_dept = case.sender_unit, case.sender_department
        back_to_initiator = to_unit.pk == case.initiator_unit_id and to_dept == case.initiator_department
        # A report goes back to its author (已退回); a case the sender had dispatched goes back
        # into the sender's own hands (办理中).
        last_transfer = (
            case.actions.filter(action__in=["report", "create", "resubmit", "dispatch", "escalate", "approve"])
            .order_by("-id")
            .values_list("action", flat=True)
            .first()
        )
        returned = back_to_initiator and last_transfer != "dispatch"
        _hand_to(case, to_unit, to_dept, Status.RETURNED if returned else Status.IN_PROGRESS, now)
        if not returned:
            case.due_at = rules.deadline(case, "handle", now) if case.final_due_at is None else case.final_due_at
        _notify_holder(case, "returned")
    elif action == "resubmit":
        if case.sender_unit is None:
            raise InvalidInput("没有可以重新提交的单位", code="no_sender")
        _hand_to(case, case.sender_unit, case.sender_department, Status.PENDING, now)
        _notify_holder(case, "new")
    elif action == "dispatch":
        target_unit, target_dept = _require_below(user, inp.target_unit, inp.target_department)
        data["to"] = str(target_dept or target_unit)
        _hand_to(case, target_unit, target_dept, Status.PENDING, now)
        _notify_holder(case, "new")
    elif action == "escalate":
        _require_comment(inp, "上报理由")
        parent = case.holder_unit.parent
        assert parent is not None
        data["to"] = parent.name
        _hand_to(case, parent, None, Status.PENDING, now)
        _notify_holder(case, "new")
    elif action == "progress":
        _require_comment(inp, "办理情况")
    elif action == "request_extension":
        _require_comment(inp, "延期理由")
        days = inp.days or 0
        cap = kinds.MAX_EXTENSION_DAYS.get(case.kind, 30)
        if not 1 <= days <= cap - case.extension_granted_days:
            raise InvalidInput.field(
                "days", f"延期天数须在1到{cap - case.extension_granted_days}天之间", code="extension_invalid"
            )
        case.extension_days = days
        data["days"] = days
    elif action in ("approve_extension", "reject_extension"):
        data["days"] = case.extension_days
        if action == "approve_extension":
            days = case.extension_days or 0
            case.due_at = rules.extension_deadline(case, days)
            if case.final_due_at is not None:
                measure = "days" if case.kind == Kind.PETITION else "workdays"
                case.final_due_at = rules.add_measure(case.final_due_at, days, measure)
            case.extension_granted_days += days
            if case.due_at and case.due_at > now:
                case.overdue_level, case.overdue_since, case.due_soon_notified = 0, None, False
        case.extension_days = None
    elif action == "complete":
        result = (inp.result or inp.comment).strip()
        if not result:
            raise InvalidInput.field("result", "请填写办理结果", code="result_required")
        case.result = result[:5000]
        case.completed_by_unit, case.completed_by_department = case.holder_unit, case.holder_department
        case.completed_at = now
        if _initiates(user, case):
            case.status, case.due_at = Status.COMPLETED, None
        else:
            _hand_to(case, case.initiator_unit, case.initiator_department, Status.AWAITING_CONFIRMATION, now)
            case.due_at = None
            _notify_holder(case, "completed")
    elif action == "confirm":
        case.status = Status.COMPLETED
    elif action == "reject":
        _require_comment(inp, "驳回理由")
        assert case.completed_by_unit is not None
        _hand_to(case, case.completed_by_unit, case.completed_by_department, Status.IN_PROGRESS, now)
        case.due_at = case.final_due_at or rules.deadline(case, "handle", now)
        case.completed_at = None
        _notify_holder(case, "returned")
    elif action == "supervise":
        level = inp.level or Supervision.NORMAL
        if level not in (Supervision.NORMAL, Supervision.YELLOW, Supervision.RED):
            raise InvalidInput.field("level", "督办级别为普通、黄牌或红牌", code="invalid_input")
        _require_comment(inp, "督办意见")
        case.supervision = max(case.supervision, level)
        data["level"] = level
        _notify_holder(case, "supervised")
    elif action == "follow_up":
        if inp.satisfaction not in SATISFACTION:
            raise InvalidInput.field("satisfaction", "满意度为满意、基本满意或不满意", code="invalid_input")
        case.satisfaction = inp.satisfaction
        data["satisfaction"] = inp.satisfaction
    elif action == "archive":
        if case.kind in (Kind.EVENT, Kind.PETITION) and not case.satisfaction:
            raise InvalidInput("请先回访当事人，再归档", code="follow_up_required")
        case.status, case.closed_at = Status.ARCHIVED, now
    elif action == "cancel":
        _require_comment(inp, "撤销理由")
        case.status, case.closed_at, case.due_at = Status.CANCELLED, now, None
    return data


# --- notifications ---------------------------------------------------------------------------
def _notify_holder(case: Case, reason: str) -> None:
    """Tell the current holder: a new case, a return, supervision, completion. The in-app
    notification is part of the action's transaction; SMS goes out after it commits."""
    from zongzhi.notify.services import notify_case_holder

    notify_case_holder(case, reason)


def todo_count(user: User) -> int:
    """The sidebar badge: open cases this user's unit or department holds and may act on."""
    if not user.has_cap("cases.handle"):
        return 0
    return int(
        Case.objects.held_by(user)
        .filter(
            status__in=[
                Status.AWAITING_APPROVAL,
                Status.PENDING,
                Status.IN_PROGRESS,
                Status.AWAITING_CONFIRMATION,
                Status.RETURNED,
            ]
        )
        .count()
    )


# --- configuration -----------------------------------------------------------------------------
RULE_LIMITS = {"workdays": 250, "days": 365, "hours": 720}


@transaction.atomic
def update_deadline_rule(*, acting_user: User, rule_id: int, amount: int, measure: str, note: str | None) -> Any:
    """Change how long holders have (per kind, category and urgency)."""
    from zongzhi.core.access import require_cap

    from .models import DeadlineRule

    require_cap(acting_user, "cases.configure")
    rule = DeadlineRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("时限规则不存在")
    if measure not in RULE_LIMITS:
        raise InvalidInput.field("measure", "时限单位为工作日、自然日或小时", code="invalid_input")
    if not 1 <= amount <= RULE_LIMITS[measure]:
        raise InvalidInput.field("amount", f"时限须在1到{RULE_LIMITS[measure]}之间", code="invalid_input")
    before = {"amount": rule.amount, "measure": rule.measure}
    rule.amount, rule.measure = amount, measure
    if note is not None:
        rule.note = note.strip()[:100]
    rule.save()
    record_event(
        "case.rule_changed", obj=rule, detail={"before": before, "after": {"amount": amount, "measure": measure}}
    )
    transaction.on_commit(rules.forget_rules)
    rules.forget_rules()
    return rule
