"""The case engine's services: creating cases, the to-do count, the deadline rules.

What can be done to a case once it exists is the state machine in `actions.py`.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zongzhi.audit.services import record_created, record_event
from zongzhi.core import clientids
from zongzhi.core.changes import changed
from zongzhi.core.db import atomic_writes, writes_together
from zongzhi.core.errors import AuditNote, Forbidden, InvalidInput, NotFound
from zongzhi.core.fastinsert import Inserter
from zongzhi.dictionary.services import require_active_code
from zongzhi.units.geo import locate_grid_path
from zongzhi.units.models import Department, Unit, User

from . import kinds, queries, rules
from .actions import require_below, timeline_step
from .attachments import attach
from .models import Case, CaseParty, Kind, Status, Urgency
from .notices import tell_holder


# --- creating ----------------------------------------------------------------------------------
def office_of(unit: Unit) -> Unit:
    """The office that handles what happens in a unit: a grid's village, else the unit itself."""
    if unit.level == "grid" and unit.parent is not None:
        return unit.parent
    return unit


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
        existing = clientids.resent(Case, data.client_id, acting_user, owner="initiator_user_id")
        if existing is None:
            raise
        return existing, False


def _create(user: User, data: NewCase) -> Case:
    """Check and write a new case, in one transaction (`core.db.atomic_writes`).

    Every report reads what it needs first and then writes: the case, its creation record,
    its first timeline step, the `case.created` event and the holder's notice, together
    (`core.db.writes_together`: on PostgreSQL one statement, all or nothing by itself). So a
    report costs the login check, the grid's path, the case's id and that statement. A report
    with attachments writes its step first (they name it) and runs in one transaction.
    """
    with atomic_writes() if data.attachment_ids else contextlib.nullcontext():
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
        holder, dept = require_below(user, data.target_unit, data.target_department)
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
    with writes_together() as writes:
        queries.insert_case(case, partial(_case_number, now=now), writes)
        record_created(case, writes)
        for rid in dict.fromkeys(p["resident_id"] for p in case.parties if p.get("resident_id")):
            _insert_party.insert(CaseParty(case=case, resident_id=rid), read_pk=False, batch=writes)
        first = "report" if case.kind == Kind.EVENT else "create"
        if data.attachment_ids:  # the attachments name the step: it is written now, with the case
            writes.send()
            entry = timeline_step(case, user, first, "", case.status, to_holder=case)
            attach(acting_user=user, ids=data.attachment_ids, case=case, action=entry)
        else:
            timeline_step(case, user, first, "", case.status, to_holder=case, read_pk=False, batch=writes)
        flags = {"is_major": case.is_major, "urgency": case.urgency, "is_mass_incident": case.is_mass_incident}
        record_event("case.created", obj=case, detail={"kind": case.kind, **flags}, batch=writes)
        if case.status != Status.IN_PROGRESS:  # an office handling its own report needs no 新的待办
            tell_holder(case, "new", writes)
        changed("case", [(case.path, case.created_at)], writes)  # the statistics' cell, in the batch
    return case


_insert_party = Inserter(CaseParty)


def _case_number(case: Case, *, now: datetime) -> str:
    return f"{kinds.NUMBER_PREFIX[case.kind]}{timezone.localtime(now):%Y%m%d}{case.pk:06d}"


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
