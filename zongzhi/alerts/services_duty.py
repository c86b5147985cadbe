"""Duty (值班): the roster, the duty log and the handover.

Plain functions taking the acting user; API handlers validate, call these and serialize.

- A unit keeps its own roster (`alerts.duty`, the unit being one of the user's capture units);
  upper levels read it. Shifts of one unit never overlap: every write that adds shifts locks the
  unit's row first, so two officers saving at once are serialised and the second one is refused.
- The officer of a shift, or another officer of the unit with `alerts.duty`, keeps its log; the
  officer closes the shift with a handover that the next shift's officer receives.
- `notify_on_duty` tells the duty officer of a unit about something that arrived outside office
  hours (the reports and warnings parts call it).
- In a sensitive period covering a unit, duty is mandatory: `roster_gaps` finds the days without a
  shift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.calendar import workdays
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, OutOfScope, check_all
from zongzhi.core.fields import limit_of
from zongzhi.core.scope import get_visible, path_within
from zongzhi.notify.services import notify_users
from zongzhi.units.models import Unit, User

from .models import DutyHandover, DutyLogEntry, DutyShift, SensitivePeriod

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DUTY = "alerts.duty"
# A shift is normally 24 hours; longer than three days is a typing mistake.
MAX_SHIFT_HOURS = 72
# A rotation covers at most about a quarter of a year at once.
MAX_ROTATION_DAYS = 92
TEXT_MAX = 2000
SMS_TEXT = "您值班期间有新的预警或维稳信息，请及时登录综治信息系统查看处置"


def _own_unit(user: User, unit: Unit, obj: Any = None) -> None:
    """Refuse (403, audited) keeping the roster of a unit that is not one of the user's own: a
    township reads its villages' rosters but does not arrange their duty."""
    require_cap(user, DUTY, "没有安排值班的权限", obj or unit)
    if unit.path not in user.capture_paths:
        raise OutOfScope(
            "只能安排和填写本单位的值班，上级单位只能查看",
            code="duty_not_own_unit",
            audit=AuditNote("scope.denied", obj or unit, {"mode": "write", "user_id": user.pk}),
        )


def roster_unit(user: User, unit_id: int) -> Unit:
    """A unit whose roster `user` may read (404 if outside their view scope)."""
    unit: Unit = get_visible(Unit.objects.all(), user, unit_id, missing="单位不存在或不在您的管辖范围内")
    return unit


def get_shift(user: User, shift_id: int) -> DutyShift:
    shift: DutyShift = get_visible(
        DutyShift.objects.select_related("unit", "officer", "leader"), user, shift_id, missing="值班安排不存在"
    )
    return shift


def _locked(shift: DutyShift) -> DutyShift:
    """The shift again, its row locked until the transaction ends: one action at a time."""
    fresh: DutyShift = (
        DutyShift.objects.select_for_update(of=("self",)).select_related("unit", "officer").get(pk=shift.pk)
    )
    return fresh


def _lock_unit(unit: Unit) -> None:
    # Serialises every roster change of one unit: the overlap check below sees committed rows only.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()


def _members(unit: Unit, ids: Iterable[int], field: str, what: str) -> dict[int, User]:
    """Active users of `unit` by id; refuses any other."""
    wanted = set(ids)
    found = {u.pk: u for u in User.objects.filter(pk__in=wanted, unit=unit, is_active=True)}
    if wanted - set(found):
        raise InvalidInput.field(field, f"{what}必须是{unit.name}的在职人员", code="duty_officer_not_in_unit")
    return found


def _leader(unit: Unit, leader_id: int | None) -> User | None:
    """The leader in charge (带班领导): an active user of the unit or of a unit above it."""
    if leader_id is None:
        return None
    leader = User.objects.filter(pk=leader_id, is_active=True).select_related("unit").first()
    if leader is None or leader.unit is None or not unit.path.startswith(leader.unit.path):
        raise InvalidInput.field("leader_id", "带班领导必须是本单位或上级单位的在职人员", code="duty_leader_invalid")
    return leader


def _text(value: str, field: str, limit: int, what: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput.field(field, f"请填写{what}", code="required")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{what}不能超过{limit}个字", code="too_long")
    return text


def _check_span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput.field("ends_at", "结束时间必须晚于开始时间", code="duty_shift_span")
    if ends_at - starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise InvalidInput.field("ends_at", f"一个班次不能超过{MAX_SHIFT_HOURS}小时", code="duty_shift_span")


def _refuse_overlaps(unit: Unit, spans: Sequence[tuple[dt.datetime, dt.datetime]]) -> None:
    """Refuse shifts that overlap an existing (not cancelled) shift of the unit, naming them."""
    low, high = min(s for s, _ in spans), max(e for _, e in spans)
    existing = list(
        DutyShift.objects.filter(unit=unit, is_cancelled=False, starts_at__lt=high, ends_at__gt=low).values_list(
            "starts_at", "ends_at"
        )
    )
    clashes = sorted({a for s, e in spans for a, b in existing if a < e and b > s})
    if clashes:
        when = "、".join(timezone.localtime(a).strftime("%m月%d日%H:%M") for a in clashes[:5])
        raise Conflict(f"与已有的值班安排时间重叠（{when}开始的班次），请先取消原安排", code="duty_shift_overlap")


@transaction.atomic
def create_shift(
    *,
    acting_user: User,
    unit: Unit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    officer_id: int,
    leader_id: int | None = None,
    duty_phone: str = "",
    note: str = "",
) -> DutyShift:
    """Put one shift on the unit's roster."""
    _own_unit(acting_user, unit)
    found: dict[str, Any] = {}

    def officer() -> None:
        found["officer"] = _members(unit, [officer_id], "officer_id", "值班人员")[officer_id]

    def leader() -> None:
        found["leader"] = _leader(unit, leader_id)

    check_all(
        lambda: _check_span(starts_at, ends_at),
        officer,
        leader,
        lambda: found.setdefault(
            "phone", _text(duty_phone, "duty_phone", limit_of(DutyShift, "duty_phone"), "值班电话")
        ),
        lambda: found.setdefault("note", _text(note, "note", limit_of(DutyShift, "note"), "备注")),
    )
    _lock_unit(unit)
    _refuse_overlaps(unit, [(starts_at, ends_at)])
    shift = DutyShift.objects.create(
        unit=unit,
        path=unit.path,
        starts_at=starts_at,
        ends_at=ends_at,
        officer=found["officer"],
        leader=found["leader"],
        duty_phone=found["phone"],
        note=found["note"],
        created_by=acting_user,
    )
    return shift


@dataclass(frozen=True)
class Rotation:
    """A form for many shifts at once: from `first_day` to `last_day`, one shift starting at
    `start_time` and lasting `hours` after the other, officers taking turns in `officer_ids`'s
    order (and leaders in `leader_ids`'s, if any)."""

    first_day: dt.date
    last_day: dt.date
    start_time: dt.time
    hours: int
    officer_ids: Sequence[int]
    leader_ids: Sequence[int] = ()
    duty_phone: str = ""


def rotation_spans(r: Rotation) -> list[tuple[dt.datetime, dt.datetime]]:
    start = timezone.make_aware(dt.datetime.combine(r.first_day, r.start_time))
    stop = timezone.make_aware(dt.datetime.combine(r.last_day + dt.timedelta(days=1), r.start_time))
    spans = []
    step = dt.timedelta(hours=r.hours)
    while start < stop:
        spans.append((start, start + step))
        start += step
    return spans


@transaction.atomic
def create_rotation(*, acting_user: User, unit: Unit, rotation: Rotation) -> list[DutyShift]:
    """Put a week's or a month's shifts on the roster at once, all or none."""
    _own_unit(acting_user, unit)
    found: dict[str, Any] = {}

    def days() -> None:
        if rotation.last_day < rotation.first_day:
            raise InvalidInput.field("last_day", "结束日期不能早于开始日期", code="duty_rotation_range")
        if (rotation.last_day - rotation.first_day).days + 1 > MAX_ROTATION_DAYS:
            raise InvalidInput.field("last_day", f"一次最多排{MAX_ROTATION_DAYS}天的班", code="duty_rotation_range")

    def hours() -> None:
        if not 1 <= rotation.hours <= MAX_SHIFT_HOURS:
            raise InvalidInput.field("hours", f"班次时长应在1到{MAX_SHIFT_HOURS}小时之间", code="duty_shift_span")

    def officers() -> None:
        if not rotation.officer_ids:
            raise InvalidInput.field("officer_ids", "请至少选择一名值班人员", code="required")
        found["officers"] = _members(unit, rotation.officer_ids, "officer_ids", "值班人员")

    def leaders() -> None:
        found["leaders"] = [_leader(unit, i) for i in rotation.leader_ids]

    def phone() -> None:
        found["phone"] = _text(rotation.duty_phone, "duty_phone", limit_of(DutyShift, "duty_phone"), "值班电话")

    check_all(days, hours, officers, leaders, phone)
    spans = rotation_spans(rotation)
    _lock_unit(unit)
    _refuse_overlaps(unit, spans)
    officer_list = [found["officers"][i] for i in rotation.officer_ids]
    leader_list: list[User | None] = found["leaders"]
    # One create() each: every shift gets its own creation record in the change log.
    created = [
        DutyShift.objects.create(
            unit=unit,
            path=unit.path,
            starts_at=s,
            ends_at=e,
            officer=officer_list[k % len(officer_list)],
            leader=leader_list[k % len(leader_list)] if leader_list else None,
            duty_phone=found["phone"],
            created_by=acting_user,
        )
        for k, (s, e) in enumerate(spans)
    ]
    record_event(
        "duty.rotation_created",
        obj=unit,
        detail={
            "first_day": rotation.first_day.isoformat(),
            "last_day": rotation.last_day.isoformat(),
            "shifts": len(created),
        },
    )
    return created


@transaction.atomic
def cancel_shift(*, acting_user: User, shift_id: int, reason: str = "") -> DutyShift:
    """Take a shift off the roster (it stays, marked cancelled). A shift already handed over
    is history and stays as it is."""
    shift = get_shift(acting_user, shift_id)
    _own_unit(acting_user, shift.unit, shift)
    shift = _locked(shift)
    if shift.is_cancelled:
        raise Conflict("该班次已取消", code="duty_shift_cancelled")
    if DutyHandover.objects.filter(from_shift=shift).exists():
        raise Conflict("该班次已交班，不能取消", code="duty_already_handed_over")
    reason = _text(reason, "reason", 200, "取消原因")
    shift.is_cancelled = True
    shift.save(update_fields=["is_cancelled"])
    record_event("duty.shift_cancelled", obj=shift, detail={"reason": reason})
    return shift


def _may_keep_log(user: User, shift: DutyShift) -> None:
    if shift.officer_id == user.pk:
        return
    _own_unit(user, shift.unit, shift)


@transaction.atomic
def add_log_entry(
    *,
    acting_user: User,
    shift_id: int,
    kind: str,
    content: str,
    occurred_at: dt.datetime | None = None,
    counterpart: str = "",
    handling: str = "",
) -> DutyLogEntry:
    """Write one line of a shift's duty log (a call, a visit, what was done)."""
    shift = get_shift(acting_user, shift_id)
    _may_keep_log(acting_user, shift)
    shift = _locked(shift)
    if shift.is_cancelled:
        raise Conflict("该班次已取消，不能填写值班记录", code="duty_shift_cancelled")
    if DutyHandover.objects.filter(from_shift=shift).exists():
        raise Conflict("该班次已交班，不能再填写值班记录", code="duty_already_handed_over")
    at = occurred_at or timezone.now()
    found: dict[str, str] = {}

    def when() -> None:
        if not shift.starts_at <= at <= shift.ends_at or at > timezone.now() + dt.timedelta(minutes=5):
            raise InvalidInput.field("occurred_at", "时间应在本班次之内，且不能晚于现在", code="duty_log_time")

    def kind_ok() -> None:
        if kind not in DutyLogEntry.Kind.values:
            raise InvalidInput.field("kind", "请选择记录类别", code="invalid_input")

    check_all(
        when,
        kind_ok,
        lambda: found.setdefault("content", _text(content, "content", TEXT_MAX, "内容", required=True)),
        lambda: found.setdefault(
            "counterpart", _text(counterpart, "counterpart", limit_of(DutyLogEntry, "counterpart"), "来电来访人")
        ),
        lambda: found.setdefault("handling", _text(handling, "handling", TEXT_MAX, "处理情况")),
    )
    entry = DutyLogEntry.objects.create(
        shift=shift,
        path=shift.path,
        kind=kind,
        occurred_at=at,
        counterpart=found["counterpart"],
        content=found["content"],
        handling=found["handling"],
        recorded_by=acting_user,
    )
    record_event("duty.log_added", obj=shift, detail={"entry": entry.pk, "kind": kind})
    return entry


def next_shift(shift: DutyShift) -> DutyShift | None:
    """The unit's next shift on the roster (not cancelled)."""
    return (
        DutyShift.objects.filter(unit_id=shift.unit_id, is_cancelled=False, starts_at__gte=shift.starts_at)
        .exclude(pk=shift.pk)
        .select_related("officer")
        .order_by("starts_at", "id")
        .first()
    )


@transaction.atomic
def hand_over(*, acting_user: User, shift_id: int, notes: str) -> DutyHandover:
    """The outgoing officer closes their shift with what the next one must know (交班事项); the
    next shift's officer is told."""
    shift = get_shift(acting_user, shift_id)
    if shift.officer_id != acting_user.pk:
        raise Forbidden(
            "只有本班次的值班人员才能交班",
            code="duty_not_officer",
            audit=AuditNote("permission.denied", shift, {"action": "duty.handover"}),
        )
    shift = _locked(shift)
    if shift.is_cancelled:
        raise Conflict("该班次已取消，不能交班", code="duty_shift_cancelled")
    if DutyHandover.objects.filter(from_shift=shift).exists():
        raise Conflict("该班次已经交班", code="duty_already_handed_over")
    text = _text(notes, "notes", TEXT_MAX, "交班事项", required=True)
    following = next_shift(shift)
    handover = DutyHandover.objects.create(from_shift=shift, to_shift=following, notes=text, handed_by=acting_user)
    record_event("duty.handed_over", obj=shift, detail={"to_shift": following.pk if following else None})
    if following is not None and following.officer_id != acting_user.pk:
        notify_users(
            [following.officer],
            "duty_handover",
            "请接班",
            f"{acting_user.full_name}已交班，请查看交班事项并接班",
            link=f"/alerts/duty?unit={shift.unit_id}&shift={following.pk}",
        )
    return handover


@transaction.atomic
def receive_handover(*, acting_user: User, shift_id: int) -> DutyHandover:
    """The next shift's officer takes over (接班): the time is recorded. `shift_id` is the
    outgoing shift."""
    shift = get_shift(acting_user, shift_id)
    handover = DutyHandover.objects.select_for_update().filter(from_shift=shift).first()
    if handover is None:
        raise Conflict("该班次尚未交班", code="duty_not_handed_over")
    if handover.received_at is not None:
        raise Conflict("已经接班", code="duty_already_received")
    following = next_shift(shift)
    if handover.to_shift_id is None or (following is not None and handover.to_shift_id != following.pk):
        handover.to_shift = following  # the roster changed after the handover
    to_shift = handover.to_shift
    if to_shift is None or to_shift.officer_id != acting_user.pk:
        raise Forbidden(
            "只有下一班次的值班人员才能接班",
            code="duty_not_next_officer",
            audit=AuditNote("permission.denied", shift, {"action": "duty.receive"}),
        )
    handover.received_by = acting_user
    handover.received_at = timezone.now()
    handover.save(update_fields=["to_shift", "received_by", "received_at"])
    record_event("duty.received", obj=to_shift, detail={"from_shift": shift.pk})
    return handover


def on_duty(unit: Unit | int, at: dt.datetime | None = None) -> DutyShift | None:
    """The unit's shift at `at` (default now), with its officer and leader; None if no one is
    on the roster then."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    at = at or timezone.now()
    return (
        DutyShift.objects.filter(unit_id=unit_id, is_cancelled=False, starts_at__lte=at, ends_at__gt=at)
        .select_related("officer", "leader", "unit")
        .order_by("starts_at")
        .first()
    )


def on_duty_chain(user: User, at: dt.datetime | None = None) -> list[tuple[Unit, DutyShift | None]]:
    """Who is on duty now at the user's unit and at each unit above it (the console header), in
    two queries."""
    if user.unit is None:
        return []
    at = at or timezone.now()
    units = list(Unit.objects.filter(path__in=[*user.unit.ancestor_paths(), user.unit.path]).order_by("-path"))
    shifts: dict[int, DutyShift] = {}
    for s in (
        DutyShift.objects.filter(unit__in=units, is_cancelled=False, starts_at__lte=at, ends_at__gt=at)
        .select_related("officer", "leader")
        .order_by("-starts_at")
    ):
        shifts[s.unit_id] = s
    return [(u, shifts.get(u.pk)) for u in units]


def office_hours() -> tuple[dt.time, dt.time]:
    """The office-hours window (setting ZONGZHI_OFFICE_HOURS, default 08:30-17:30)."""
    start, end = settings.ALERTS_OFFICE_HOURS.split("-")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def in_office_hours(at: dt.datetime) -> bool:
    """Inside office hours on a working day of the calendar (调休 and holidays included)."""
    local = timezone.localtime(at)
    start, end = office_hours()
    return workdays.is_workday(local.date()) and start <= local.time() < end


def notify_on_duty(unit_id: int, title: str, body: str, link: str) -> int:
    """Outside office hours (evenings, nights, weekends, holidays), tell the unit's current duty
    officer about something that arrived (in-app, and SMS once the caller's transaction commits);
    returns how many were told. Inside office hours the unit's staff see it anyway: nothing."""
    now = timezone.now()
    if in_office_hours(now):
        return 0
    shift = on_duty(unit_id, now)
    if shift is None:
        return 0
    notify_users([shift.officer], "duty", title, body, link=link, sms=SMS_TEXT)
    return 1


def _periods_for(paths: Iterable[str], first: dt.date, last: dt.date) -> list[SensitivePeriod]:
    """Active sensitive periods overlapping the days that cover any of `paths` (the period's unit
    is the unit itself or one above)."""
    wanted: set[str] = set()
    for p in paths:
        wanted.update(p[:n] for n in range(1, len(p) + 1))
    return list(
        SensitivePeriod.objects.filter(
            is_cancelled=False, starts_on__lte=last, ends_on__gte=first, path__in=wanted
        ).order_by("starts_on")
    )


def roster_gaps(units: Sequence[Unit], first: dt.date, last: dt.date) -> dict[int, list[dt.date]]:
    """For each unit, the days in [first, last] inside an active sensitive period covering it on
    which no shift covers any part of the day (敏感期未排班). Three queries however many units."""
    periods = _periods_for([u.path for u in units], first, last)
    if not periods:
        return {u.pk: [] for u in units}
    low = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    high = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    covered: dict[int, set[dt.date]] = {u.pk: set() for u in units}
    for unit_id, s, e in DutyShift.objects.filter(
        unit__in=units, is_cancelled=False, starts_at__lt=high, ends_at__gt=low
    ).values_list("unit_id", "starts_at", "ends_at"):
        day = timezone.localtime(s).date()
        end = timezone.localtime(e)
        while dt.datetime.combine(day, dt.time.min) < end.replace(tzinfo=None):
            covered[unit_id].add(day)
            day += dt.timedelta(days=1)
    out: dict[int, list[dt.date]] = {}
    for u in units:
        days: set[dt.date] = set()
        for p in periods:
            if not path_within(u.path, [p.path]):
                continue
            d = max(first, p.starts_on)
            while d <= min(last, p.ends_on):
                days.add(d)
                d += dt.timedelta(days=1)
        out[u.pk] = sorted(days - covered[u.pk])
    return out


def unit_children(unit: Unit) -> list[Unit]:
    """The active units directly under `unit` (a county's townships, a township's villages);
    grids keep no roster."""
    return list(Unit.objects.filter(parent=unit, is_retired=False).exclude(level="grid").order_by("path"))


def periods_over(unit: Unit, first: dt.date, last: dt.date) -> list[SensitivePeriod]:
    return _periods_for([unit.path], first, last)


def shifts_of(unit: Unit, first: dt.date, last: dt.date, *, include_cancelled: bool = False) -> list[DutyShift]:
    """The unit's shifts touching the days [first, last], with their people and handovers."""
    low = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    high = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    qs = DutyShift.objects.filter(unit=unit, starts_at__lt=high, ends_at__gt=low)
    if not include_cancelled:
        qs = qs.filter(is_cancelled=False)
    return list(qs.select_related("officer", "leader", "handover").order_by("starts_at", "id"))
