"""Places and organisations: compounds, houses (and rentals), key places, security facilities
with their monthly inspections, organisations and teams with their members.

One set of rules for all of them: a place sits in a unit of the user's capture scope (the grid
of its position when it has one), every field of its kind is checked here, contact phones are
sealed like residents' phones, and retiring is soft and audited.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import clientids, crypto
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import path_within, require_write
from zongzhi.dictionary.services import labels
from zongzhi.people.models import Resident
from zongzhi.people.services import place_path, record_correction, resent, retire_with_reason, reveal_sealed
from zongzhi.places.models import (
    Compound,
    Facility,
    House,
    HouseOccupant,
    HouseUse,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    KeyPlace,
    Occupancy,
    Organisation,
    OrgMember,
    PlaceBase,
)
from zongzhi.units.models import Unit, User
from zongzhi.units.services import PHONE_RE

from .uscc import parse_uscc

Check = Callable[[Any, User], Any]


def _text(limit: int, *, required: bool = False, label: str = "") -> Check:
    def check(value: Any, user: User) -> Any:
        text = str(value or "").strip()
        if required and not text:
            raise ValueError(f"请填写{label}")
        if len(text) > limit:
            raise ValueError(f"不能超过{limit}个字")
        return text

    return check


def _int(high: int) -> Check:
    def check(value: Any, user: User) -> Any:
        if value in (None, ""):
            return None
        number = int(value)
        if not 0 <= number <= high:
            raise ValueError(f"应为0-{high}")
        return number

    return check


def _float(high: float) -> Check:
    def check(value: Any, user: User) -> Any:
        if value in (None, ""):
            return None
        number = float(value)
        if not math.isfinite(number) or not 0 <= number <= high:
            raise ValueError("数值超出范围")
        return number

    return check


def _date() -> Check:
    def check(value: Any, user: User) -> Any:
        if value in (None, ""):
            return None
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if day > timezone.localdate():
            raise ValueError("日期不能晚于今天")
        return day

    return check


def _choice(choices: Any, default: str) -> Check:
    def check(value: Any, user: User) -> Any:
        value = value or default
        if value not in choices.values:
            raise ValueError("选项不正确")
        return value

    return check


def _code(table: str, label: str) -> Check:
    def check(value: Any, user: User) -> Any:
        code = str(value or "").strip()
        if not code:
            raise ValueError(f"请选择{label}")
        if code not in labels(table):
            raise ValueError(f"代码“{code}”不在代码表中")
        return code

    return check


def _visible(model: type[Model], label: str) -> Check:
    def check(value: Any, user: User) -> Any:
        if value in (None, ""):
            return None
        obj = model._default_manager.filter(pk=value).first()
        if obj is None or not path_within(getattr(obj, "path", ""), user.view_paths):
            raise ValueError(f"{label}不存在")
        return obj

    return check


def _credit_code(value: Any, user: User) -> Any:
    text = str(value or "").strip().upper()
    if not text:
        return ""
    try:
        return parse_uscc(text)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


@dataclass(frozen=True)
class Kind:
    model: type[PlaceBase]
    label: str
    fields: dict[str, Check]
    sealed_phone: bool = False


KINDS: dict[str, Kind] = {
    "compounds": Kind(Compound, "小区", {"property_company": _text(100), "households": _int(100_000)}),
    "houses": Kind(
        House,
        "房屋",
        {
            "compound": _visible(Compound, "小区"),
            "use": _choice(HouseUse, HouseUse.SELF),
            "area": _float(100_000),
            "owner": _visible(Resident, "房主"),
            "owner_name": _text(50),
            "rental_registered_on": _date(),
        },
    ),
    "key-places": Kind(
        KeyPlace,
        "重点场所",
        {
            "kind_code": _code("place_kind", "场所类别"),
            "legal_person": _text(50),
            "security_contact": _text(50),
            "employees": _int(1_000_000),
            "credit_code": _credit_code,
        },
        sealed_phone=True,
    ),
    "facilities": Kind(
        Facility,
        "治安设施",
        {
            "kind_code": _code("facility_kind", "设施类别"),
            "serial_number": _text(40),
            "managed_by": _text(100),
            "installed_on": _date(),
        },
    ),
    "organisations": Kind(
        Organisation,
        "组织",
        {
            "kind_code": _code("org_kind", "组织类别"),
            "credit_code": _credit_code,
            "legal_person": _text(50),
            "employees": _int(1_000_000),
        },
        sealed_phone=True,
    ),
}
FIELD_LABELS = {"compound": "小区", "owner": "房主", "kind_code": "类别", "credit_code": "统一社会信用代码"}


@dataclass
class PlaceData:
    name: str
    address: str = ""
    unit: Unit | None = None
    latitude: float | None = None
    longitude: float | None = None
    note: str = ""
    contact_phone: str = ""
    extra: dict[str, Any] | None = None


def _require_write(user: User, obj: Any = None) -> None:
    if not user.has_cap("records.write"):
        raise Forbidden(
            "没有维护场所和组织的权限", audit=AuditNote("permission.denied", obj, {"capability": "records.write"})
        )


def _may_write(user: User, obj: PlaceBase) -> bool:
    """The right to keep places, and `obj` in the user's write scope (`core.scope.require_write`);
    True when the change is an upper level's correction."""
    _require_write(user, obj)
    return require_write(user, obj)


def _clean(kind: Kind, data: PlaceData, user: User, current: PlaceBase | None) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        errors.append({"field": "name", "message": "名称为1-100个字", "code": "required"})
    values["name"] = name
    for field, limit in (("address", 200), ("note", 500)):
        text = (getattr(data, field) or "").strip()
        if len(text) > limit:
            errors.append({"field": field, "message": f"不能超过{limit}个字", "code": "too_long"})
        values[field] = text
    extra = data.extra or {}
    for field, check in kind.fields.items():
        try:
            values[field] = check(extra.get(field), user)
        except (ValueError, TypeError) as exc:
            label = FIELD_LABELS.get(field, "")
            message = str(exc) if not label or label in str(exc) else f"{label}：{exc}"
            errors.append({"field": field, "message": message, "code": "invalid_input"})
    business = kind.model is Organisation and str(values.get("kind_code", "")).startswith(("07", "08"))
    if business and not values.get("credit_code"):
        errors.append({"field": "credit_code", "message": "社会组织和企业须填写统一社会信用代码", "code": "required"})
    if kind.model is House and values.get("owner") is None and not values.get("owner_name"):
        errors.append({"field": "owner", "message": "请选择房主或填写房主姓名", "code": "required"})
    phone = (data.contact_phone or "").strip()
    kept = current is not None and phone == getattr(current, "contact_phone_mask", None)
    if kind.sealed_phone and phone and not PHONE_RE.match(phone) and not kept:
        errors.append({"field": "contact_phone", "message": "联系电话格式不正确", "code": "phone_invalid"})
    lat, lng = data.latitude, data.longitude
    if (lat is None) != (lng is None) or (lat is not None and not (3 <= lat <= 54 and 73 <= lng <= 136)):  # type: ignore[operator]
        errors.append({"field": "latitude", "message": "位置不正确", "code": "position_invalid"})
    values["latitude"], values["longitude"] = lat, lng
    if errors:
        raise InvalidInput(errors[0]["message"], code=errors[0]["code"], errors=errors)
    return values


def _apply_phone(obj: Any, kind: Kind, phone: str) -> None:
    if not kind.sealed_phone:
        return
    phone = (phone or "").strip()
    if phone and phone == obj.contact_phone_mask:
        return  # the form sent the masked value back: keep the stored number
    obj.contact_phone_sealed = crypto.seal(phone) if phone else None
    obj.contact_phone_mask = mask_value(phone) if phone else ""


def save_place(
    *,
    acting_user: User,
    kind_name: str,
    data: PlaceData,
    obj: PlaceBase | None = None,
    client_id: uuid.UUID | None = None,
) -> PlaceBase:
    kind = KINDS[kind_name]
    _require_write(acting_user, obj)
    corrected = False
    if obj is not None:
        corrected = require_write(acting_user, obj)
        if obj.is_retired:
            raise Conflict("已注销，不能修改", code="retired")
    values = _clean(kind, data, acting_user, obj)
    path = place_path(acting_user, data, obj.path if obj is not None else None)
    target = obj if obj is not None else kind.model(path=path, client_id=client_id, created_by=acting_user)
    corrected = require_write(acting_user, target, path) or corrected
    for name, value in values.items():
        setattr(target, name, value)
    target.path = path
    target.updated_at = timezone.now()
    _apply_phone(target, kind, data.contact_phone)
    with transaction.atomic():
        target.save()
        if corrected:
            record_correction(acting_user, target, "update" if obj is not None else "create")
    return target


@dataclass
class OccupantData:
    """Someone living in a house: a registered resident, or one registered from the same
    phone whose registration has not been answered yet (`resident_client_id`)."""

    relation: str
    resident: Resident | None = None
    resident_client_id: uuid.UUID | None = None
    since: dt.date | None = None
    client_id: uuid.UUID | None = None


def resolve_resident(user: User, occupant: OccupantData) -> Resident:
    """The resident an occupant names, by id or by the client id of its registration."""
    if occupant.resident is not None:
        return occupant.resident
    found = resent(Resident, occupant.resident_client_id, user) if occupant.resident_client_id else None
    if found is None:
        raise InvalidInput.field(
            "resident_id", "该人员尚未登记成功，请先处理其登记，再添加为居住人员", code="resident_pending"
        )
    return cast(Resident, found)


def create_place_once(
    *,
    acting_user: User,
    kind_name: str,
    data: PlaceData,
    client_id: uuid.UUID | None,
    occupants: list[OccupantData] | None = None,
) -> tuple[PlaceBase, bool]:
    """Register a place, a house with its occupants in the same transaction; returns (place,
    created). The phone's offline queue may send it twice: the same client id gives back the
    first record."""
    kind = KINDS[kind_name]
    _require_write(acting_user)
    first = resent(kind.model, client_id, acting_user)
    if first is not None:
        return first, False
    if occupants and kind.model is not House:
        raise InvalidInput.field("occupants", "只有房屋可以登记居住人员", code="invalid_input")
    try:
        with transaction.atomic():
            place = save_place(acting_user=acting_user, kind_name=kind_name, data=data, client_id=client_id)
            for occupant in occupants or []:
                add_occupant(
                    acting_user=acting_user,
                    house=cast(House, place),
                    resident=resolve_resident(acting_user, occupant),
                    relation=occupant.relation,
                    since=occupant.since,
                )
    except IntegrityError:
        first = resent(kind.model, client_id, acting_user)
        if first is None:
            raise
        return first, False
    return place, True


def retire_place(*, acting_user: User, obj: PlaceBase, reason: str) -> PlaceBase:
    corrected = _may_write(acting_user, obj)
    return cast(
        PlaceBase,
        retire_with_reason(
            obj,
            reason,
            word="注销",
            retired="已注销",
            event="place.retired",
            corrected_by=acting_user if corrected else None,
        ),
    )


def reveal_phone(*, acting_user: User, obj: Any) -> str:
    return reveal_sealed(acting_user=acting_user, obj=obj, field="contact_phone", sealed=obj.contact_phone_sealed)


# --- occupants, inspections, members -----------------------------------------------------------
@transaction.atomic
def add_occupant(
    *,
    acting_user: User,
    house: House,
    resident: Resident,
    relation: str,
    since: dt.date | None,
    client_id: uuid.UUID | None = None,
) -> HouseOccupant:
    corrected = _may_write(acting_user, house)
    if relation not in Occupancy.values:
        raise InvalidInput.field("relation", "请选择居住关系", code="invalid_input")
    if resident.is_retired:
        raise Conflict("该人员已注销", code="retired")
    try:
        with transaction.atomic():
            occupant = HouseOccupant.objects.create(
                house=house,
                resident=resident,
                relation=relation,
                since=since,
                client_id=client_id,
                created_by=acting_user,
            )
    except IntegrityError:
        raise Conflict("该人员已登记在此房屋", code="already_listed") from None
    record_event("house.occupant_added", obj=house, detail={"resident": resident.pk, "relation": relation})
    if corrected:
        record_correction(acting_user, house, "occupant_added")
    return occupant


def _end(acting_user: User, place: PlaceBase, rows: Any, field: str, gone: str) -> Any:
    """End one current row of a place (an occupant moving out, a member leaving): `until` today."""
    corrected = _may_write(acting_user, place)
    row = rows.filter(until__isnull=True).first()
    if row is None:
        raise InvalidInput.field(field, gone, code="not_found")
    row.until = timezone.localdate()
    row.save(update_fields=["until"])
    if corrected:
        record_correction(acting_user, place, f"{field.removesuffix('_id')}_ended")
    return row


def add_occupant_once(*, acting_user: User, house: House, occupant: OccupantData) -> tuple[HouseOccupant, bool]:
    """Add an occupant from the phone's offline queue; returns (occupant, created). The same
    client id again gives back the first row."""
    _may_write(acting_user, house)

    def resent_occupant() -> HouseOccupant | None:
        return clientids.resent(
            HouseOccupant, occupant.client_id, acting_user, owner="created_by_id", same=lambda o: o.house_id == house.pk
        )

    first = resent_occupant()
    if first is not None:
        return first, False
    resident = resolve_resident(acting_user, occupant)
    try:
        row = add_occupant(
            acting_user=acting_user,
            house=house,
            resident=resident,
            relation=occupant.relation,
            since=occupant.since,
            client_id=occupant.client_id,
        )
    except (IntegrityError, Conflict):
        first = resent_occupant()
        if first is None:
            raise
        return first, False
    return row, True


@transaction.atomic
def end_occupancy(*, acting_user: User, house: House, occupant_id: int) -> None:
    rows = HouseOccupant.objects.filter(pk=occupant_id, house=house)
    occupant = _end(acting_user, house, rows, "occupant_id", "该居住记录不存在或已迁出")
    record_event("house.occupant_left", obj=house, detail={"resident": occupant.resident_id})


def inspect(
    *,
    acting_user: User,
    facility: Facility,
    inspected_on: dt.date,
    result: str,
    note: str,
    client_id: uuid.UUID | None = None,
    attachment_ids: list[int] | None = None,
) -> Inspection:
    """Record an inspection; see `inspect_once` for the phone's offline queue."""
    inspection, _created = inspect_once(
        acting_user=acting_user,
        facility=facility,
        inspected_on=inspected_on,
        result=result,
        note=note,
        client_id=client_id,
        attachment_ids=attachment_ids,
    )
    return inspection


def inspect_once(
    *,
    acting_user: User,
    facility: Facility,
    inspected_on: dt.date,
    result: str,
    note: str,
    client_id: uuid.UUID | None = None,
    attachment_ids: list[int] | None = None,
) -> tuple[Inspection, bool]:
    """The monthly inspection of a facility (巡检), with its photos (the inspector's own
    uploads, not used elsewhere); returns (inspection, created). The same client id again
    (the phone's offline queue) gives back the first inspection, never a second one."""
    corrected = _may_write(acting_user, facility)

    def resent_inspection() -> Inspection | None:
        return clientids.resent(
            Inspection, client_id, acting_user, owner="inspector_id", same=lambda i: i.facility_id == facility.pk
        )

    first = resent_inspection()
    if first is not None:
        return first, False
    if facility.is_retired:
        raise Conflict("设施已注销", code="retired")
    if inspected_on > timezone.localdate():
        raise InvalidInput.field("inspected_on", "巡检日期不能晚于今天", code="invalid_input")
    if result not in InspectionResult.values:
        raise InvalidInput.field("result", "请选择巡检结果", code="invalid_input")
    note = (note or "").strip()
    if result == InspectionResult.FAULT and not note:
        raise InvalidInput.field("note", "发现故障时请填写情况", code="required")
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                facility=facility,
                inspected_on=inspected_on,
                result=result,
                note=note[:500],
                inspector=acting_user,
                inspector_name=acting_user.full_name or acting_user.username,
                client_id=client_id,
            )
            photos = _attach_photos(acting_user, inspection, attachment_ids or [])
            if facility.last_inspected_on is None or inspected_on >= facility.last_inspected_on:
                Facility.objects.filter(pk=facility.pk).update(last_inspected_on=inspected_on, last_result=result)
            record_event(
                "facility.inspected",
                obj=facility,
                detail={"inspection": inspection.pk, "result": result, "photos": photos},
            )
            if corrected:
                record_correction(acting_user, facility, "inspection")
    except IntegrityError:  # the same offline inspection arrived twice at once: the other one won
        first = resent_inspection()
        if first is None:
            raise
        return first, False
    return inspection, True


# At most this many photos per inspection (the phone takes one or two).
MAX_PHOTOS = 9


def _attach_photos(user: User, inspection: Inspection, ids: list[int]) -> int:
    """The inspector's own uploads, not yet used by a case, a report, an office record or
    another inspection, named by this inspection. Returns how many."""
    from zongzhi.cases.models import Attachment

    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    if len(ids) > MAX_PHOTOS:
        raise InvalidInput.field("attachment_ids", f"每次巡检最多{MAX_PHOTOS}张照片", code="too_many_files")
    rows = list(
        Attachment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, uploaded_by=user, case__isnull=True, kind=Attachment.FileKind.IMAGE)
        .filter(info_use__isnull=True, office_use__isnull=True, inspection_use__isnull=True)
    )
    if len(rows) != len(ids):
        raise InvalidInput.field("attachment_ids", "照片不存在或已被使用，请重新上传", code="attachment_invalid")
    InspectionPhoto.objects.bulk_create([InspectionPhoto(inspection=inspection, attachment=a) for a in rows])
    return len(rows)


@transaction.atomic
def add_member(
    *, acting_user: User, org: Organisation, name: str, role: str, resident: Resident | None, user: User | None
) -> OrgMember:
    corrected = _may_write(acting_user, org)
    name = (name or "").strip() or (resident.name if resident else (user.full_name if user else ""))
    if not name or len(name) > 50:
        raise InvalidInput.field("name", "请填写成员姓名", code="required")
    member = OrgMember.objects.create(
        organisation=org,
        resident=resident,
        user=user,
        name=name,
        role=(role or "").strip()[:30],
        since=timezone.localdate(),
    )
    record_event("organisation.member_added", obj=org, detail={"name": name, "role": member.role})
    if corrected:
        record_correction(acting_user, org, "member_added")
    return member


@transaction.atomic
def remove_member(*, acting_user: User, org: Organisation, member_id: int) -> None:
    rows = OrgMember.objects.filter(pk=member_id, organisation=org)
    member = _end(acting_user, org, rows, "member_id", "该成员不存在或已退出")
    record_event("organisation.member_removed", obj=org, detail={"name": member.name})


def missing_inspection(facility: Facility, today: dt.date) -> bool:
    """No inspection yet this month (seed: 每月巡检)."""
    last = facility.last_inspected_on
    return last is None or (last.year, last.month) != (today.year, today.month)
