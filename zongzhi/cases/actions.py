"""The case state machine: one table of actions, read by `allowed_actions` and by `act`.

Each action (`Action`) says who may do it (the holder, the initiator, the unit that approves an
extension, a unit above the holder), from which states, on which further condition, what it
does (its handler), and whether its timeline step records the new holder. `allowed_actions` is
the single place that decides what a user may do to a case (the UI shows exactly that list, in
the table's order); `act` re-checks it under a row lock and a version check, so of two people
acting at once exactly one succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.changes import changed
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound
from zongzhi.core.fastinsert import Batch, Inserter
from zongzhi.core.scope import path_within
from zongzhi.notify.services import Staff, mark_read, staff_for
from zongzhi.units.models import Department, Unit, User

from . import kinds, rules
from .attachments import attach
from .models import OPEN_STATUSES, Case, CaseAction, Kind, Status, Supervision
from .notices import tell_holder

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


def _approves_extension(user: User, case: Case) -> bool:
    return user.department_id is None and user.unit_id == getattr(_extension_approver(case), "pk", None)


# Who may act: (capability, relation of the user to the case).
WHO: dict[str, tuple[str, Callable[[User, Case], bool]]] = {
    "holder": ("cases.handle", _holds),
    "initiator": ("cases.handle", _initiates),
    "extension_approver": ("cases.handle", _approves_extension),
    "above_holder": ("cases.supervise", _is_above_holder),
}


# --- the steps' shared parts -------------------------------------------------------------------
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


# Every step of every case writes one: a prepared statement rather than the ORM's create().
_insert_action = Inserter(CaseAction)


def timeline_step(
    case: Case,
    user: User | None,
    action: str,
    from_status: str,
    to_status: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    to_holder: Case | None = None,
    read_pk: bool = True,
    batch: Batch | None = None,
) -> CaseAction:
    """Write one immutable timeline entry (`read_pk=False`: its id is not needed, and the entry
    may wait in `batch`)."""
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
        ),
        read_pk=read_pk,
        batch=batch,
    )


def require_below(user: User, unit: Unit | None, department: Department | None) -> tuple[Unit, Department | None]:
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


@dataclass
class Step:
    """One action being done: the locked case (changed in place), who, what they sent, when.
    A handler returns the step's `data` (kept in the timeline and the audit event)."""

    case: Case
    user: User
    inp: ActionInput
    now: datetime
    data: dict[str, Any] = field(default_factory=dict)


# --- what each action does ---------------------------------------------------------------------
def _approve(s: Step) -> None:
    c = s.case
    c.holder_unit, c.holder_department, c.status = c.sender_unit or c.initiator_unit, None, Status.PENDING
    c.sender_unit = s.user.unit
    c.due_at = rules.deadline(c, "accept", s.now)


def _disapprove(s: Step) -> None:
    _require_comment(s.inp, "不同意的理由")
    s.case.status, s.case.closed_at = Status.CANCELLED, s.now


def _accept(s: Step) -> None:
    c = s.case
    c.status, c.accepted_at = Status.IN_PROGRESS, c.accepted_at or s.now
    c.overdue_level, c.overdue_since, c.due_soon_notified = 0, None, False
    if c.final_due_at is not None:
        c.due_at = c.final_due_at
    else:
        c.due_at = rules.deadline(c, "handle", s.now)
        if c.kind == Kind.PETITION:
            c.final_due_at = c.due_at


def _return(s: Step) -> None:
    c = s.case
    _require_comment(s.inp, "退回理由")
    if c.sender_unit is None:
        raise InvalidInput("没有可以退回的单位", code="no_sender")
    to_unit, to_dept = c.sender_unit, c.sender_department
    back_to_initiator = to_unit.pk == c.initiator_unit_id and to_dept == c.initiator_department
    # A report goes back to its author (已退回); a case the sender had dispatched goes back
    # into the sender's own hands (办理中).
    last_transfer = (
        c.actions.filter(action__in=["report", "create", "resubmit", "dispatch", "escalate", "approve"])
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    returned = back_to_initiator and last_transfer != "dispatch"
    _hand_to(c, to_unit, to_dept, Status.RETURNED if returned else Status.IN_PROGRESS, s.now)
    if not returned:
        c.due_at = rules.deadline(c, "handle", s.now) if c.final_due_at is None else c.final_due_at
    tell_holder(c, "returned")


def _resubmit(s: Step) -> None:
    c = s.case
    if c.sender_unit is None:
        raise InvalidInput("没有可以重新提交的单位", code="no_sender")
    _hand_to(c, c.sender_unit, c.sender_department, Status.PENDING, s.now)
    tell_holder(c, "new")


def _dispatch(s: Step) -> None:
    target_unit, target_dept = require_below(s.user, s.inp.target_unit, s.inp.target_department)
    s.data["to"] = str(target_dept or target_unit)
    _hand_to(s.case, target_unit, target_dept, Status.PENDING, s.now)
    tell_holder(s.case, "new")


def _escalate(s: Step) -> None:
    _require_comment(s.inp, "上报理由")
    parent = s.case.holder_unit.parent
    assert parent is not None
    s.data["to"] = parent.name
    _hand_to(s.case, parent, None, Status.PENDING, s.now)
    tell_holder(s.case, "new")


def _progress(s: Step) -> None:
    _require_comment(s.inp, "办理情况")


def _request_extension(s: Step) -> None:
    c = s.case
    _require_comment(s.inp, "延期理由")
    days = s.inp.days or 0
    cap = kinds.MAX_EXTENSION_DAYS.get(c.kind, 30)
    if not 1 <= days <= cap - c.extension_granted_days:
        raise InvalidInput.field(
            "days", f"延期天数须在1到{cap - c.extension_granted_days}天之间", code="extension_invalid"
        )
    c.extension_days = days
    s.data["days"] = days


def _approve_extension(s: Step) -> None:
    c = s.case
    s.data["days"] = c.extension_days
    days = c.extension_days or 0
    c.due_at = rules.extension_deadline(c, days)
    if c.final_due_at is not None:
        measure = "days" if c.kind == Kind.PETITION else "workdays"
        c.final_due_at = rules.add_measure(c.final_due_at, days, measure)
    c.extension_granted_days += days
    if c.due_at and c.due_at > s.now:
        c.overdue_level, c.overdue_since, c.due_soon_notified = 0, None, False
    c.extension_days = None


def _reject_extension(s: Step) -> None:
    s.data["days"] = s.case.extension_days
    s.case.extension_days = None


def _complete(s: Step) -> None:
    c = s.case
    result = (s.inp.result or s.inp.comment).strip()
    if not result:
        raise InvalidInput.field("result", "请填写办理结果", code="result_required")
    c.result = result[:5000]
    c.completed_by_unit, c.completed_by_department = c.holder_unit, c.holder_department
    c.completed_at = s.now
    if _initiates(s.user, c):
        c.status, c.due_at = Status.COMPLETED, None
    else:
        _hand_to(c, c.initiator_unit, c.initiator_department, Status.AWAITING_CONFIRMATION, s.now)
        c.due_at = None
        tell_holder(c, "completed")


def _confirm(s: Step) -> None:
    s.case.status = Status.COMPLETED


def _reject(s: Step) -> None:
    c = s.case
    _require_comment(s.inp, "驳回理由")
    assert c.completed_by_unit is not None
    _hand_to(c, c.completed_by_unit, c.completed_by_department, Status.IN_PROGRESS, s.now)
    c.due_at = c.final_due_at or rules.deadline(c, "handle", s.now)
    c.completed_at = None
    tell_holder(c, "returned")


def _supervise(s: Step) -> None:
    level = s.inp.level or Supervision.NORMAL
    if level not in (Supervision.NORMAL, Supervision.YELLOW, Supervision.RED):
        raise InvalidInput.field("level", "督办级别为普通、黄牌或红牌", code="invalid_input")
    _require_comment(s.inp, "督办意见")
    s.case.supervision = max(s.case.supervision, level)
    s.data["level"] = level
    tell_holder(s.case, "supervised", level=Supervision(level).label)


def _follow_up(s: Step) -> None:
    if s.inp.satisfaction not in SATISFACTION:
        raise InvalidInput.field("satisfaction", "满意度为满意、基本满意或不满意", code="invalid_input")
    s.case.satisfaction = s.inp.satisfaction
    s.data["satisfaction"] = s.inp.satisfaction


def _archive(s: Step) -> None:
    if s.case.kind in (Kind.EVENT, Kind.PETITION) and not s.case.satisfaction:
        raise InvalidInput("请先回访当事人，再归档", code="follow_up_required")
    s.case.status, s.case.closed_at = Status.ARCHIVED, s.now


def _cancel(s: Step) -> None:
    _require_comment(s.inp, "撤销理由")
    s.case.status, s.case.closed_at, s.case.due_at = Status.CANCELLED, s.now, None


# --- the table ---------------------------------------------------------------------------------
def _always(case: Case, user: User) -> bool:
    return True


def _unit_holds_with_parent(case: Case, user: User) -> bool:
    """A unit holds the case and the unit above it has someone who can accept it: a case sent
    up to a level where nobody works (a city above the deployment's county) would sit there
    unanswered. One query, for the one case being shown or acted on."""
    parent_id = case.holder_unit.parent_id
    if case.holder_department_id is not None or parent_id is None:
        return False
    return bool(staff_for({Staff(parent_id)})[Staff(parent_id)])


@dataclass(frozen=True)
class Action:
    label: str
    who: str  # a key of WHO
    states: tuple[str, ...]
    run: Callable[[Step], None]
    when: Callable[[Case, User], bool] = _always  # a further condition
    moves_holder: bool = False  # its timeline step records the holder after it


PENDING, IN_PROGRESS = Status.PENDING, Status.IN_PROGRESS

# In the order the buttons are shown.
ACTIONS: dict[str, Action] = {
    "approve": Action("同意录入", "holder", (Status.AWAITING_APPROVAL,), _approve, moves_holder=True),
    "disapprove": Action("不同意录入", "holder", (Status.AWAITING_APPROVAL,), _disapprove),
    "accept": Action("受理", "holder", (PENDING,), _accept),
    "progress": Action("办理", "holder", (IN_PROGRESS,), _progress),
    "dispatch": Action(
        "分流交办",
        "holder",
        (IN_PROGRESS,),
        _dispatch,
        when=lambda c, u: c.holder_department_id is None,
        moves_holder=True,
    ),
    "return": Action(
        "退回",
        "holder",
        (PENDING, IN_PROGRESS),
        _return,
        when=lambda c, u: c.sender_unit_id is not None,
        moves_holder=True,
    ),
    "escalate": Action(
        "上报上级", "holder", (PENDING, IN_PROGRESS), _escalate, when=_unit_holds_with_parent, moves_holder=True
    ),
    "request_extension": Action(
        "申请延期",
        "holder",
        (IN_PROGRESS,),
        _request_extension,
        when=lambda c, u: c.extension_days is None and c.due_at is not None,
    ),
    "complete": Action("办结", "holder", (IN_PROGRESS,), _complete, moves_holder=True),
    "confirm": Action("确认办结", "initiator", (Status.AWAITING_CONFIRMATION,), _confirm),
    "reject": Action("驳回", "initiator", (Status.AWAITING_CONFIRMATION,), _reject, moves_holder=True),
    "resubmit": Action("重新提交", "initiator", (Status.RETURNED,), _resubmit, moves_holder=True),
    # the initiator withdraws a returned case, or one waiting at someone else's desk
    "cancel": Action(
        "撤销",
        "initiator",
        (Status.RETURNED, PENDING),
        _cancel,
        when=lambda c, u: c.status != PENDING or not _holds(u, c),
    ),
    "follow_up": Action("回访", "initiator", (Status.COMPLETED,), _follow_up, when=lambda c, u: not c.satisfaction),
    "archive": Action("归档", "initiator", (Status.COMPLETED,), _archive),
    "approve_extension": Action(
        "批准延期",
        "extension_approver",
        (IN_PROGRESS,),
        _approve_extension,
        when=lambda c, u: c.extension_days is not None,
    ),
    "reject_extension": Action(
        "不批准延期",
        "extension_approver",
        (IN_PROGRESS,),
        _reject_extension,
        when=lambda c, u: c.extension_days is not None,
    ),
    "supervise": Action("督办", "above_holder", tuple(OPEN_STATUSES), _supervise),
}

# Labels of every timeline step: the actions, and the steps that are not actions.
ACTION_LABELS: dict[str, str] = {
    "report": "上报事件",
    "create": "发起",
    **{name: a.label for name, a in ACTIONS.items()},
    "overdue_yellow": "超期黄牌",
    "overdue_red": "超期红牌",
}


def allowed_actions(case: Case, user: User) -> list[str]:
    """Everything this user may do to this case now, from (state, holder, actor's unit, role)."""
    if not user.is_active:
        return []
    relation: dict[str, bool] = {}

    def may(who: str) -> bool:
        if who not in relation:
            cap, related = WHO[who]
            relation[who] = user.has_cap(cap) and related(user, case)
        return relation[who]

    return [name for name, a in ACTIONS.items() if case.status in a.states and may(a.who) and a.when(case, user)]


def act(*, acting_user: User, case_id: int, action: str, version: int, inp: ActionInput) -> Case:
    """Do one action on a case: locked, version-checked, one transaction, one timeline entry."""
    with transaction.atomic():
        case: Case | None = (
            Case.objects.select_for_update(of=("self",))
            .select_related("holder_unit", "holder_department__unit", "initiator_unit")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound("办件不存在")
        if case.version != version:
            raise Conflict("案件已被他人处理，请刷新后查看最新状态", code="case_changed")
        if action not in ACTIONS or action not in allowed_actions(case, acting_user):
            raise Forbidden(
                f"当前状态下不能执行“{ACTION_LABELS.get(action, action)}”",
                code="action_not_allowed",
                audit=AuditNote("permission.denied", case, {"action": action}),
            )
        before_status = case.status
        step = Step(case, acting_user, inp, timezone.now())
        ACTIONS[action].run(step)
        case.version += 1
        case.save()
        entry = timeline_step(
            case,
            acting_user,
            action,
            before_status,
            case.status,
            comment=inp.comment.strip(),
            data=step.data,
            to_holder=case if ACTIONS[action].moves_holder else None,
        )
        attach(acting_user=acting_user, ids=inp.attachment_ids or [], case=case, action=entry)
        record_event(f"case.{action}", obj=case, detail={"from": before_status, "to": case.status, **step.data})
        mark_read(acting_user, case_id=case.pk)  # the notices that asked them to act are done
        changed("case", [(case.path, case.created_at)])  # the statistics' cell
    return case
