"""Zero reports (零报告), sensitive periods (敏感期) and the informant network (信息员网络):
/api/alerts/zero, /api/alerts/zero/periods, /api/alerts/zero/informants."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.dictionary.services import labels
from zongzhi.people.schemas import RevealOut
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_zero as zero
from .models import GroupSms, Informant, SensitivePeriod, ZeroReport

router = Router(tags=["预警与信息报送"])

PeriodKindName = Literal["monthly", "daily"]


# --- schemas --------------------------------------------------------------------------------


class PeriodOut(OutSchema):
    kind: PeriodKindName
    start: dt.date
    end: dt.date
    label: str


class ZeroOut(OutSchema):
    id: int
    unit_name: str = Field("", description="报告单位（网格员一次报送覆盖多个网格时区分）")
    period_kind: PeriodKindName
    period_start: dt.date
    note: str
    reported_by: str
    reported_at: dt.datetime
    client_id: uuid.UUID | None


class SensitivePeriodOut(OutSchema):
    id: int
    name: str
    unit: UnitBrief
    starts_on: dt.date
    ends_on: dt.date
    note: str
    is_cancelled: bool
    is_active: bool
    created_by: str
    created_at: dt.datetime
    can_edit: bool


class PeriodStatusOut(OutSchema):
    period: PeriodOut
    zero: ZeroOut | None
    info_report_id: int | None = Field(None, description="使本期视为已报的维稳信息")


class UnitStatusOut(OutSchema):
    unit: UnitBrief
    current: PeriodStatusOut
    month: PeriodStatusOut | None


class CurrentOut(OutSchema):
    unit: UnitBrief
    informant_id: int | None
    informant_name: str
    sensitive: list[SensitivePeriodOut]
    current: PeriodStatusOut
    month: PeriodStatusOut | None = Field(None, description="敏感期内仍须报送的本月月报")
    units: list[UnitStatusOut] = Field(
        default_factory=list, description="一次报送所覆盖的单位：本单位，网格员另含其采集范围内的各网格"
    )


class ZeroIn(Schema):
    kind: PeriodKindName | None = Field(None, description="默认为当前周期；敏感期内可指定 monthly 报送本月月报")
    note: str = Field("", max_length=limit_of(ZeroReport, "note"))
    client_id: uuid.UUID | None = Field(None, description="手机离线队列的编号，重发时返回同一条")
    period_start: dt.date | None = Field(None, description="用户看到的报告期开始日期；该期已过则拒绝")


class FiledUnitOut(OutSchema):
    unit: UnitBrief
    period: PeriodOut
    status: Literal["filed", "zero", "info"] = Field(
        description="filed 本次报送；zero 此前已报零报告；info 已报送信息视为已报"
    )
    zero: ZeroOut | None


class ZeroFiledOut(ZeroOut):
    units: list[FiledUnitOut] = Field(description="本次报送逐个单位的结果（网格员的各网格）")


class CompletenessRowOut(OutSchema):
    unit: UnitBrief
    informant_id: int | None
    informant_name: str
    owed: bool
    status: Literal["zero", "info", "missing", "not_owed"]
    reported_by: str
    reported_at: dt.datetime | None
    info_report_id: int | None


class CountsOut(OutSchema):
    owed: int
    zero: int
    info: int
    missing: int


class ReminderOut(OutSchema):
    id: int
    sender_user: str
    created_at: dt.datetime
    count: int


class CompletenessOut(OutSchema):
    unit: UnitBrief
    period: PeriodOut
    rows: list[CompletenessRowOut]
    counts: CountsOut
    last_reminder: ReminderOut | None
    can_remind: bool


class RemindIn(Schema):
    unit_id: int
    kind: PeriodKindName
    start: dt.date


class PeriodIn(Schema):
    unit_id: int
    name: str = Field(..., max_length=limit_of(SensitivePeriod, "name"))
    starts_on: dt.date
    ends_on: dt.date
    note: str = Field("", max_length=limit_of(SensitivePeriod, "note"))


class PeriodEditIn(Schema):
    name: str = Field(..., max_length=limit_of(SensitivePeriod, "name"))
    starts_on: dt.date
    ends_on: dt.date
    note: str = Field("", max_length=limit_of(SensitivePeriod, "note"))


class InformantIn(Schema):
    unit_id: int
    role_code: str = Field(..., max_length=limit_of(Informant, "role_code"))
    name: str = Field(..., max_length=limit_of(Informant, "name"))
    phone: str | None = Field(None, max_length=limit_of(Informant, "phone_mask"), description="不传则不修改")
    resident_id: int | None = None
    organisation: str = Field("", max_length=limit_of(Informant, "organisation"))
    enrolled_on: dt.date | None = None
    note: str = Field("", max_length=limit_of(Informant, "note"))


class InformantOut(OutSchema):
    id: int
    unit: UnitBrief
    role_code: str
    role_label: str
    name: str
    phone_mask: str
    resident_id: int | None
    resident_name: str
    organisation: str
    enrolled_on: dt.date
    note: str
    is_retired: bool
    account: str = Field("", description="手机账号的用户名")
    can_edit: bool


class AccountIn(Schema):
    username: str = Field(..., max_length=50)
    password: str = Field(..., max_length=128)


class CoverageOut(OutSchema):
    unit: UnitBrief
    enrolled: int
    required: int | None
    share: float | None


class QuotaIn(Schema):
    unit_id: int
    required: int = Field(..., ge=0, le=100000)


class SmsIn(Schema):
    unit_id: int
    text: str = Field(..., max_length=limit_of(GroupSms, "text"))
    role_codes: list[str] = Field(default_factory=list)
    informant_ids: list[int] | None = Field(None, max_length=5000)


class SmsRecipientOut(OutSchema):
    id: int
    informant_id: int
    name: str
    phone_mask: str
    status: Literal["queued", "sent", "failed", "no_phone"]
    error: str
    sent_at: dt.datetime | None


class SmsOut(OutSchema):
    id: int
    sender_unit: UnitBrief
    sender_user: str
    text: str
    created_at: dt.datetime
    counts: dict[str, int]


class SmsDetailOut(SmsOut):
    recipients: list[SmsRecipientOut]


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.all(), user, unit_id)
    return found


def _zero(z: ZeroReport | None) -> dict[str, Any] | None:
    if z is None:
        return None
    return {
        "id": z.pk,
        "unit_name": z.unit.name,
        "period_kind": z.period_kind,
        "period_start": z.period_start,
        "note": z.note,
        "reported_by": z.reported_by.full_name,
        "reported_at": z.reported_at,
        "client_id": z.client_id,
    }


def _period(p: zero.Period) -> dict[str, Any]:
    return {"kind": p.kind, "start": p.start, "end": p.end, "label": p.label}


def _sensitive(p: SensitivePeriod, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": p.pk,
        "name": p.name,
        "unit": p.unit,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "note": p.note,
        "is_cancelled": p.is_cancelled,
        "is_active": not p.is_cancelled and p.starts_on <= today <= p.ends_on,
        "created_by": p.created_by.full_name,
        "created_at": p.created_at,
        "can_edit": zero.can_manage_periods(user)
        and p.is_capturable_by(user)
        and not p.is_cancelled
        and p.ends_on >= today,
    }


def _status(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "period": _period(s["period"]),
        "zero": _zero(s["zero"]),
        "info_report_id": s["info"].pk if s["info"] else None,
    }


def _informant(i: Informant, user: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "unit": i.unit,
        "role_code": i.role_code,
        "role_label": labels("informant_role").get(i.role_code, i.role_code),
        "name": i.name,
        "phone_mask": i.phone_mask,
        "resident_id": i.resident_id,
        "resident_name": i.resident.name if i.resident else "",
        "organisation": i.organisation,
        "enrolled_on": i.enrolled_on,
        "note": i.note,
        "is_retired": i.is_retired,
        "account": i.user.username if i.user else "",
        "can_edit": user.has_cap("alerts.network") and i.is_capturable_by(user) and not i.is_retired,
    }


def _get_informant(user: User, pk: int) -> Informant:
    found: Informant = get_visible(
        Informant.objects.select_related("unit", "resident", "user"),
        user,
        pk,
        "records.read",
        "没有查看信息员网络的权限",
        missing="信息员不存在",
    )
    return found


def _sms(g: GroupSms, with_recipients: bool = False) -> dict[str, Any]:
    recipients = list(g.recipients.select_related("informant"))
    counts: dict[str, int] = {}
    for r in recipients:
        counts[r.status] = counts.get(r.status, 0) + 1
    data: dict[str, Any] = {
        "id": g.pk,
        "sender_unit": g.sender_unit,
        "sender_user": g.sender_user.full_name,
        "text": g.text,
        "created_at": g.created_at,
        "counts": counts,
    }
    if with_recipients:
        data["recipients"] = [
            {
                "id": r.pk,
                "informant_id": r.informant_id,
                "name": r.informant.name,
                "phone_mask": r.phone_mask,
                "status": r.status,
                "error": r.error,
                "sent_at": r.sent_at,
            }
            for r in recipients
        ]
    return data


# --- zero reports ---------------------------------------------------------------------------


@router.get("/current", response=CurrentOut)
def current(request: HttpRequest) -> dict[str, Any]:
    """The acting user's unit (or informant) with its current period and what was reported."""
    user = acting(request)
    s = zero.current_status(user)
    informant = s["informant"]
    return {
        "unit": s["unit"],
        "informant_id": informant.pk if informant else None,
        "informant_name": informant.name if informant else "",
        "sensitive": [_sensitive(p, user) for p in s["sensitive"]],
        "current": _status(s["current"]),
        "month": _status(s["month"]) if s["month"] else None,
        "units": [
            {"unit": u["unit"], "current": _status(u["current"]), "month": _status(u["month"]) if u["month"] else None}
            for u in s["units"]
        ],
    }


@router.post("/reports", response={201: ZeroFiledOut})
def file_report(request: HttpRequest, payload: ZeroIn) -> Status[dict[str, Any]]:
    """本期无情况: one zero report for the current period, for each unit the user reports for
    (a grid worker: each grid of their capture scope still owing it)."""
    user = acting(request)
    result = zero.file_zero_report(
        acting_user=user,
        kind=payload.kind,
        note=payload.note,
        client_id=payload.client_id,
        period_start=payload.period_start,
    )
    units = [
        {"unit": f.unit, "period": _period(f.period), "status": f.status, "zero": _zero(f.report)} for f in result.units
    ]
    return Status(201, {**(_zero(result.report) or {}), "units": units})


@router.get("/reports", response=list[ZeroOut])
def my_history(request: HttpRequest) -> list[dict[str, Any] | None]:
    """The acting user's own zero reports, newest first."""
    return [_zero(z) for z in zero.history(acting(request))]


@router.get("/completeness", response=CompletenessOut)
def completeness(
    request: HttpRequest, unit: int, kind: PeriodKindName = "monthly", start: dt.date | None = None
) -> dict[str, Any]:
    """Who under `unit` reported for the period (`start`: any day of the month, or the day)."""
    user = acting(request)
    root = _unit(user, unit)
    period = zero.period_for(kind, start or timezone.localdate())
    table = zero.completeness(user, root, period)
    last = table["last_reminder"]
    return {
        "unit": root,
        "period": _period(period),
        "rows": [
            {
                **r,
                "informant_id": r["informant"].pk if r["informant"] else None,
                "informant_name": r["informant"].name if r["informant"] else "",
            }
            for r in table["rows"]
        ],
        "counts": table["counts"],
        "last_reminder": {
            "id": last.pk,
            "sender_user": last.sender_user.full_name,
            "created_at": last.created_at,
            "count": len(last.units),
        }
        if last
        else None,
        "can_remind": user.has_cap("alerts.screen") and root.is_capturable_by(user),
    }


@router.post("/remind", response=ReminderOut)
def remind(request: HttpRequest, payload: RemindIn) -> dict[str, Any]:
    """催报 the units (and informants) under the unit that have not reported for the period."""
    user = acting(request)
    root = _unit(user, payload.unit_id)
    reminder = zero.remind(acting_user=user, root=root, period=zero.period_for(payload.kind, payload.start))
    return {
        "id": reminder.pk,
        "sender_user": user.full_name,
        "created_at": reminder.created_at,
        "count": len(reminder.units),
    }


# --- sensitive periods ----------------------------------------------------------------------


@router.get("/periods/active", response=list[SensitivePeriodOut])
def active(request: HttpRequest) -> list[dict[str, Any]]:
    """The sensitive periods covering the acting user's unit today (the banner)."""
    user = acting(request)
    if user.unit is None:
        return []
    return [_sensitive(p, user) for p in zero.active_periods(user.unit)]


@router.get("/periods", response=list[SensitivePeriodOut])
def periods(request: HttpRequest, unit: int | None = None, include_cancelled: bool = False) -> list[dict[str, Any]]:
    """Periods set for the unit or under it, and those above that cover it."""
    user = acting(request)
    root = _unit(user, unit)
    return [_sensitive(p, user) for p in zero.periods_for(user, root, include_cancelled)[:200]]


def _get_period(user: User, pk: int) -> SensitivePeriod:
    found: SensitivePeriod = get_visible(
        SensitivePeriod.objects.select_related("unit", "created_by"), user, pk, missing="敏感期不存在"
    )
    return found


@router.post("/periods", response={201: SensitivePeriodOut})
def create_period(request: HttpRequest, payload: PeriodIn) -> Status[dict[str, Any]]:
    user = acting(request)
    p = zero.create_period(
        acting_user=user,
        unit=_unit(user, payload.unit_id),
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return Status(201, _sensitive(p, user))


@router.put("/periods/{period_id}", response=SensitivePeriodOut)
def update_period(request: HttpRequest, period_id: int, payload: PeriodEditIn) -> dict[str, Any]:
    user = acting(request)
    p = zero.update_period(
        acting_user=user,
        period=_get_period(user, period_id),
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return _sensitive(p, user)


@router.post("/periods/{period_id}/cancel", response=SensitivePeriodOut)
def cancel_period(request: HttpRequest, period_id: int) -> dict[str, Any]:
    user = acting(request)
    return _sensitive(zero.cancel_period(acting_user=user, period=_get_period(user, period_id)), user)


# --- informants -----------------------------------------------------------------------------


class RosterFilters(Schema):
    unit: int | None = None
    role: str = Field("", max_length=limit_of(Informant, "role_code"))
    q: str = Field("", max_length=60)
    retired: bool = False
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class InformantPageOut(OutSchema):
    items: list[InformantOut]
    count: int


@router.get("/informants", response=InformantPageOut)
def informants(request: HttpRequest, filters: Query[RosterFilters]) -> dict[str, Any]:
    """The roster of the unit and everything under it, a page at a time, with the total."""
    user = acting(request)
    root = _unit(user, filters.unit)
    qs = zero.roster(user, root, filters.role, filters.q, filters.retired)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_informant(i, user) for i in page], "count": qs.count()}


@router.get("/informants/coverage", response=list[CoverageOut])
def coverage(request: HttpRequest, unit: int | None = None) -> list[dict[str, Any]]:
    """Per village: 中心户长 enrolled against the village's required number of 中心户."""
    user = acting(request)
    return zero.coverage(user, _unit(user, unit))


@router.put("/informants/quota", response=CoverageOut)
def set_quota(request: HttpRequest, payload: QuotaIn) -> dict[str, Any]:
    user = acting(request)
    unit = _unit(user, payload.unit_id)
    zero.set_quota(acting_user=user, unit=unit, required=payload.required)
    return zero.coverage(user, unit)[0]


@router.get("/informants/sms", response=list[SmsOut])
def sms_list(request: HttpRequest, unit: int | None = None) -> list[dict[str, Any]]:
    user = acting(request)
    return [_sms(g) for g in zero.group_sms_list(user, _unit(user, unit))[:200]]


@router.post("/informants/sms", response={201: SmsDetailOut})
def send_sms(request: HttpRequest, payload: SmsIn) -> Status[dict[str, Any]]:
    """群发短信 to the selected informants; each recipient's delivery status follows."""
    user = acting(request)
    group = zero.send_group_sms(
        acting_user=user,
        root=_unit(user, payload.unit_id),
        text=payload.text,
        role_codes=payload.role_codes,
        informant_ids=payload.informant_ids,
    )
    return Status(201, _sms(group, with_recipients=True))


@router.get("/informants/sms/{sms_id}", response=SmsDetailOut)
def sms_detail(request: HttpRequest, sms_id: int) -> dict[str, Any]:
    user = acting(request)
    return _sms(zero.get_group_sms(user, sms_id), with_recipients=True)


@router.get("/informants/{informant_id}", response=InformantOut)
def informant(request: HttpRequest, informant_id: int) -> dict[str, Any]:
    user = acting(request)
    return _informant(_get_informant(user, informant_id), user)


def _data(user: Any, payload: InformantIn) -> zero.InformantData:
    return zero.InformantData(
        unit=_unit(user, payload.unit_id),
        role_code=payload.role_code,
        name=payload.name,
        phone=payload.phone,
        resident_id=payload.resident_id,
        organisation=payload.organisation,
        enrolled_on=payload.enrolled_on,
        note=payload.note,
    )


@router.post("/informants", response={201: InformantOut})
def create_informant(request: HttpRequest, payload: InformantIn) -> Status[dict[str, Any]]:
    user = acting(request)
    return Status(201, _informant(zero.save_informant(acting_user=user, data=_data(user, payload)), user))


@router.put("/informants/{informant_id}", response=InformantOut)
def update_informant(request: HttpRequest, informant_id: int, payload: InformantIn) -> dict[str, Any]:
    user = acting(request)
    obj = _get_informant(user, informant_id)
    return _informant(zero.save_informant(acting_user=user, data=_data(user, payload), obj=obj), user)


@router.post("/informants/{informant_id}/retire", response=InformantOut)
def retire_informant(request: HttpRequest, informant_id: int) -> dict[str, Any]:
    user = acting(request)
    return _informant(zero.retire_informant(acting_user=user, informant=_get_informant(user, informant_id)), user)


@router.post("/informants/{informant_id}/reveal", response=RevealOut)
def reveal_phone(request: HttpRequest, informant_id: int) -> dict[str, str]:
    """The informant's phone in full; each look is audited."""
    user = acting(request)
    return {"value": zero.reveal_phone(acting_user=user, informant=_get_informant(user, informant_id))}


@router.post("/informants/{informant_id}/account", response={201: InformantOut})
def open_account(request: HttpRequest, informant_id: int, payload: AccountIn) -> Status[dict[str, Any]]:
    """A phone account limited to reporting information and zero reports."""
    user = acting(request)
    obj = _get_informant(user, informant_id)
    zero.open_account(acting_user=user, informant=obj, username=payload.username, password=payload.password)
    return Status(201, _informant(_get_informant(user, informant_id), user))
