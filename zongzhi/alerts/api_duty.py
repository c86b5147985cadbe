"""Duty (值班): the roster, the duty log and the handover.

Reads need `records.read` or `alerts.duty` and the unit in view scope; the roster is kept by the
unit itself (`services_duty`)."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.units.models import Unit, User

from . import services_duty as duty
from .models import DutyHandover, DutyLogEntry, DutyShift, SensitivePeriod
from .schemas_duty import (
    CancelIn,
    GapsOut,
    HandoverIn,
    HandoverOut,
    LogEntryIn,
    LogEntryOut,
    OnDutyOut,
    RosterOut,
    RotationIn,
    ShiftDetailOut,
    ShiftIn,
    ShiftOut,
)

router = Router(tags=["预警与信息报送"])

MAX_RANGE_DAYS = 92


def _may_read(user: User, obj: Any) -> None:
    """Checked after the scope (an out-of-scope object is answered 404 whatever the roles)."""
    if not user.has_cap(duty.DUTY):
        require_cap(user, "records.read", "没有查看值班安排的权限", obj)


def _read_unit(user: User, unit: int | None) -> Unit:
    if unit is None and user.unit is None:
        raise InvalidInput.field("unit", "请选择单位", code="required")
    target = duty.roster_unit(user, unit if unit is not None else user.unit.pk)  # type: ignore[union-attr]
    _may_read(user, target)
    return target


def _range(first: dt.date | None, last: dt.date | None, default_days: int = 7) -> tuple[dt.date, dt.date]:
    first = first or timezone.localdate()
    last = last or first + dt.timedelta(days=default_days - 1)
    if last < first:
        raise InvalidInput.field("last", "结束日期不能早于开始日期", code="duty_rotation_range")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput.field("last", f"一次最多查看{MAX_RANGE_DAYS}天", code="duty_rotation_range")
    return first, last


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "full_name": user.full_name} if user is not None else None


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level, "path": unit.path}


def _handover(h: DutyHandover | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "notes": h.notes,
        "handed_by": _person(h.handed_by),
        "handed_at": h.handed_at,
        "to_shift_id": h.to_shift_id,
        "received_by": _person(h.received_by),
        "received_at": h.received_at,
    }


def _shift(s: DutyShift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "unit_id": s.unit_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "officer": _person(s.officer),
        "leader": _person(s.leader),
        "duty_phone": s.duty_phone,
        "note": s.note,
        "is_cancelled": s.is_cancelled,
        "handover": _handover(getattr(s, "handover", None)),
    }


def _period(p: SensitivePeriod) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on}


def _log(e: DutyLogEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "occurred_at": e.occurred_at,
        "counterpart": e.counterpart,
        "content": e.content,
        "handling": e.handling,
        "recorded_by": _person(e.recorded_by),
    }


@router.get("/roster", response=RosterOut)
def roster(
    request: HttpRequest, unit: int | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> dict[str, Any]:
    """A unit's roster over some days (default: the user's unit, the next 7 days), with the days
    of a sensitive period that have no shift (敏感期未排班)."""
    user = acting(request)
    target = _read_unit(user, unit)
    first, last = _range(first, last)
    shifts = duty.shifts_of(target, first, last, include_cancelled=True)
    return {
        "unit": _unit(target),
        "first_day": first,
        "last_day": last,
        "can_edit": user.has_cap(duty.DUTY) and target.path in user.capture_paths,
        "shifts": [_shift(s) for s in shifts],
        "periods": [_period(p) for p in duty.periods_over(target, first, last)],
        "gap_days": duty.roster_gaps([target], first, last)[target.pk],
    }


@router.post("/shifts", response={201: ShiftOut})
def create_shift(request: HttpRequest, payload: ShiftIn) -> Status[Any]:
    user = acting(request)
    target = duty.roster_unit(user, payload.unit_id)
    shift = duty.create_shift(
        acting_user=user,
        unit=target,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        officer_id=payload.officer_id,
        leader_id=payload.leader_id,
        duty_phone=payload.duty_phone,
        note=payload.note,
    )
    return Status(201, _shift(shift))


@router.post("/rotations", response={201: list[ShiftOut]})
def create_rotation(request: HttpRequest, payload: RotationIn) -> Status[Any]:
    """Many shifts at once from a rotation of officers (a week, a month)."""
    user = acting(request)
    target = duty.roster_unit(user, payload.unit_id)
    shifts = duty.create_rotation(
        acting_user=user,
        unit=target,
        rotation=duty.Rotation(
            first_day=payload.first_day,
            last_day=payload.last_day,
            start_time=payload.start_time,
            hours=payload.hours,
            officer_ids=payload.officer_ids,
            leader_ids=payload.leader_ids,
            duty_phone=payload.duty_phone,
        ),
    )
    return Status(201, [_shift(s) for s in shifts])


@router.get("/shifts/{shift_id}", response=ShiftDetailOut)
def shift_detail(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    """One shift with its log and handover, and what the user may do with it."""
    user = acting(request)
    shift = duty.get_shift(user, shift_id)
    _may_read(user, shift)
    handover = DutyHandover.objects.filter(from_shift=shift).select_related("handed_by", "received_by").first()
    following = duty.next_shift(shift)
    log = DutyLogEntry.objects.filter(shift=shift).select_related("recorded_by")
    own = user.has_cap(duty.DUTY) and shift.path in user.capture_paths
    open_shift = not shift.is_cancelled and handover is None
    next_officer = handover.to_shift.officer_id if handover and handover.to_shift else None
    if handover and following is not None:
        next_officer = following.officer_id
    return {
        **_shift(shift),
        "handover": _handover(handover),
        "unit": _unit(shift.unit),
        "log": [_log(e) for e in log],
        "next_shift_id": following.pk if following else None,
        "can_keep_log": open_shift and (own or shift.officer_id == user.pk),
        "can_hand_over": open_shift and shift.officer_id == user.pk,
        "can_receive": handover is not None and handover.received_at is None and next_officer == user.pk,
    }


@router.post("/shifts/{shift_id}/cancel", response=ShiftOut)
def cancel_shift(request: HttpRequest, shift_id: int, payload: CancelIn) -> dict[str, Any]:
    shift = duty.cancel_shift(acting_user=acting(request), shift_id=shift_id, reason=payload.reason)
    return _shift(shift)


@router.post("/shifts/{shift_id}/log", response={201: LogEntryOut})
def add_log_entry(request: HttpRequest, shift_id: int, payload: LogEntryIn) -> Status[Any]:
    entry = duty.add_log_entry(
        acting_user=acting(request),
        shift_id=shift_id,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        counterpart=payload.counterpart,
        content=payload.content,
        handling=payload.handling,
    )
    return Status(201, _log(entry))


@router.post("/shifts/{shift_id}/handover", response={201: HandoverOut})
def hand_over(request: HttpRequest, shift_id: int, payload: HandoverIn) -> Status[Any]:
    """交班: the outgoing officer closes the shift."""
    return Status(201, _handover(duty.hand_over(acting_user=acting(request), shift_id=shift_id, notes=payload.notes)))


@router.post("/shifts/{shift_id}/receive", response=HandoverOut)
def receive_handover(request: HttpRequest, shift_id: int) -> dict[str, Any] | None:
    """接班: the next shift's officer takes over from shift `shift_id`."""
    return _handover(duty.receive_handover(acting_user=acting(request), shift_id=shift_id))


def _on_duty_row(unit: Unit, s: DutyShift | None) -> dict[str, Any]:
    return {
        "unit": _unit(unit),
        "shift_id": s.pk if s else None,
        "officer": _person(s.officer) if s else None,
        "leader": _person(s.leader) if s else None,
        "duty_phone": s.duty_phone if s else "",
        "starts_at": s.starts_at if s else None,
        "ends_at": s.ends_at if s else None,
    }


@router.get("/now", response=list[OnDutyOut])
def on_duty_now(request: HttpRequest) -> list[dict[str, Any]]:
    """Who is on duty now at the user's unit and at each unit above (the header's 今日值班):
    whom to call, so open to every logged-in user of the unit."""
    return [_on_duty_row(u, s) for u, s in duty.on_duty_chain(acting(request))]


@router.get("/upcoming", response=list[RosterOut])
def upcoming(request: HttpRequest, days: int = 7) -> list[dict[str, Any]]:
    """The phone's 值班 page: the coming days' shifts of the user's unit and of the unit above."""
    user = acting(request)
    if user.unit is None:
        return []
    first, last = _range(None, timezone.localdate() + dt.timedelta(days=max(1, min(days, 31)) - 1))
    units = [user.unit]
    if user.unit.parent_id is not None:
        units.append(Unit.objects.get(pk=user.unit.parent_id))
    return [
        {
            "unit": _unit(u),
            "first_day": first,
            "last_day": last,
            "can_edit": False,
            "shifts": [_shift(s) for s in duty.shifts_of(u, first, last)],
            "periods": [],
            "gap_days": [],
        }
        for u in units
    ]


@router.get("/gaps", response=GapsOut)
def gaps(
    request: HttpRequest, unit: int | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> dict[str, Any]:
    """For the units directly under `unit` (default: the user's), the days of a sensitive period
    without a shift on their roster."""
    user = acting(request)
    target = _read_unit(user, unit)
    first, last = _range(first, last, default_days=30)
    children = duty.unit_children(target)
    found = duty.roster_gaps(children, first, last)
    return {
        "unit": _unit(target),
        "first_day": first,
        "last_day": last,
        "periods": [_period(p) for p in duty.periods_over(target, first, last)],
        "rows": [{"unit": _unit(c), "gap_days": found[c.pk]} for c in children],
    }
