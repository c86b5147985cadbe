"""Every change to the registry goes through here: validation, scope, sealing, the name index.

A resident is registered under a unit of the user's capture scope (the grid they live in, or
the unit); the position, when given, places them in their grid. ID numbers of the 居民身份证
type are checked against GB 11643 and give the birth date and sex. One ID number belongs to
one resident not retired; a person who moves keeps their record, and its change log.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import path_within, require_capture
from zongzhi.dictionary.services import require_active_code
from zongzhi.units.geo import locate_grid
from zongzhi.units.models import Unit, User
from zongzhi.units.services import PHONE_RE

from . import crypto, names
from .idcard import parse_id_number
from .models import Resident, ResidentKind

ID_CARD = "111"  # 居民身份证 (GA/T 517)

CODE_FIELDS = {
    "ethnicity_code": "ethnicity",
    "marital_code": "marital_status",
    "political_code": "political_status",
    "education_code": "education",
    "religion_code": "religion",
    "relation_code": "household_relation",
}
TEXT_LIMITS = {
    "name": 50,
    "former_name": 50,
    "native_place": 100,
    "occupation": 60,
    "household_address": 200,
    "current_address": 200,
    "household_number": 30,
    "permit_type": 20,
    "permit_number": 40,
    "residence_type": 20,
    "reason_for_moving": 100,
    "foreign_name": 100,
    "purpose": 100,
}


@dataclass
class ResidentData:
    """What a form, the API or an import row says about a resident (strings already trimmed)."""

    kind: str
    name: str
    id_number: str
    unit: Unit | None = None
    id_type_code: str = ID_CARD
    sex_code: str = ""
    birth_date: date | None = None
    former_name: str = ""
    ethnicity_code: str = ""
    native_place: str = ""
    marital_code: str = ""
    political_code: str = ""
    education_code: str = ""
    religion_code: str = ""
    occupation: str = ""
    household_address: str = ""
    current_address: str = ""
    household_number: str = ""
    relation_code: str = ""
    phone: str = ""
    permit_type: str = ""
    permit_number: str = ""
    permit_issued_on: date | None = None
    permit_expires_on: date | None = None
    residence_type: str = ""
    reason_for_moving: str = ""
    foreign_name: str = ""
    nationality_code: str = ""
    purpose: str = ""
    arrived_on: date | None = None
    leaves_on: date | None = None
    latitude: float | None = None
    longitude: float | None = None


def _require(user: User, capability: str, message: str) -> None:
    if not user.has_cap(capability):
        raise Forbidden(message, audit=AuditNote("permission.denied", None, {"capability": capability}))


@dataclass
class Cleaned:
    values: dict[str, Any]
    id_number: str
    phone: str


def clean(data: ResidentData) -> Cleaned:
    """Validate one resident; every problem found is reported at once, field by field."""
    errors: list[dict[str, str]] = []

    def fail(field: str, message: str, code: str = "invalid_input") -> None:
        errors.append({"field": field, "message": message, "code": code})

    values: dict[str, Any] = {}
    for f in fields(ResidentData):
        if f.name in ("unit", "id_number", "phone"):
            continue
        value = getattr(data, f.name)
        values[f.name] = value.strip() if isinstance(value, str) else value
    if values["kind"] not in ResidentKind.values:
        fail("kind", "人口类别应为户籍人口、流动人口或境外人员")
    if not values["name"]:
        fail("name", "请填写姓名", "required")
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            fail(name, f"不能超过{limit}个字", "too_long")

    id_number = (data.id_number or "").strip().upper()
    try:
        require_active_code("id_type", values["id_type_code"], field="id_type_code")
    except InvalidInput as exc:
        errors.extend({**e, "code": exc.code} for e in exc.errors)
    if not id_number:
        fail("id_number", "请填写证件号码", "required")
    elif values["id_type_code"] == ID_CARD:
        try:
            info = parse_id_number(id_number)
        except InvalidInput as exc:
            errors.extend({**e, "code": exc.code} for e in exc.errors)
        else:
            id_number = info.number
            values["birth_date"], values["sex_code"] = info.birth_date, info.sex
    elif len(id_number) > 40:
        fail("id_number", "证件号码不能超过40位")
    if values["id_type_code"] != ID_CARD:
        if values["sex_code"] not in ("1", "2", "9", "0"):
            fail("sex_code", "请选择性别", "required")
        if values["birth_date"] is None:
            fail("birth_date", "请填写出生日期", "required")
    if values["birth_date"] is not None and values["birth_date"] > timezone.localdate():
        fail("birth_date", "出生日期不能晚于今天")

    for name, table in CODE_FIELDS.items():
        if values[name]:
            try:
                require_active_code(table, values[name], field=name)
            except InvalidInput as exc:
                errors.extend({**e, "code": exc.code} for e in exc.errors)
    phone = (data.phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        fail("phone", "联系电话格式不正确（11位手机号或带区号的固定电话）", "phone_invalid")

    kind = values["kind"]
    if kind == ResidentKind.FLOATING:
        issued, expires = values["permit_issued_on"], values["permit_expires_on"]
        if issued and expires and expires < issued:
            fail("permit_expires_on", "有效期至不能早于发证日期")
    if kind == ResidentKind.OVERSEAS:
        if not values["nationality_code"]:
            fail("nationality_code", "境外人员须填写国籍（地区）", "required")
        else:
            try:
                require_active_code("nationality", values["nationality_code"], field="nationality_code")
            except InvalidInput as exc:
                errors.extend({**e, "code": exc.code} for e in exc.errors)
        arrived, leaves = values["arrived_on"], values["leaves_on"]
        if arrived and leaves and leaves < arrived:
            fail("leaves_on", "预计离开日期不能早于抵达日期")
    else:
        for name in ("foreign_name", "nationality_code", "purpose"):
            values[name] = ""
        values["arrived_on"] = values["leaves_on"] = None
    if kind != ResidentKind.FLOATING:
        for name in ("permit_type", "permit_number", "residence_type", "reason_for_moving"):
            values[name] = ""
        values["permit_issued_on"] = values["permit_expires_on"] = None
    lat, lng = values["latitude"], values["longitude"]
    if (lat is None) != (lng is None):
        fail("latitude", "经纬度须同时填写")
    elif lat is not None and not (3 <= lat <= 54 and 73 <= lng <= 136):
        fail("latitude", "位置不在我国境内，请检查定位")
    if errors:
        raise InvalidInput(errors[0]["message"], code=errors[0].get("code", "invalid_input"), errors=errors)
    return Cleaned(values=values, id_number=id_number, phone=phone)


def _place(user: User, data: ResidentData, current: str | None) -> str:
    """Where the resident is registered: the grid of their position, else the unit chosen."""
    if data.latitude is not None and data.longitude is not None:
        grid = locate_grid(data.latitude, data.longitude, list(user.capture_paths))
        if grid is not None:
            return grid.path
    if data.unit is not None:
        if data.unit.is_retired:
            raise InvalidInput.field("unit_id", "该辖区已撤销", code="unit_retired")
        return data.unit.path
    if current is not None:
        return current
    raise InvalidInput.field("unit_id", "请选择所在网格或辖区", code="required")


def _apply(resident: Resident, cleaned: Cleaned) -> None:
    for name, value in cleaned.values.items():
        setattr(resident, name, value)
    resident.id_number_sealed = crypto.seal(cleaned.id_number)
    resident.id_number_index = crypto.blind_index(cleaned.id_number, "id_number")
    resident.id_number_mask = mask_value(cleaned.id_number)
    if cleaned.phone:
        resident.phone_sealed = crypto.seal(cleaned.phone)
        resident.phone_index = crypto.blind_index(cleaned.phone, "phone")
        resident.phone_mask = mask_value(cleaned.phone)
    else:
        resident.phone_sealed = resident.phone_index = None
        resident.phone_mask = ""


def _refuse_duplicate(user: User, id_number: str, exclude: int | None = None) -> None:
    other = (
        Resident.objects.filter(id_number_index=crypto.blind_index(id_number, "id_number"), is_retired=False)
        .exclude(pk=exclude)
        .only("pk", "path", "name")
        .first()
    )
    if other is None:
        return
    if path_within(other.path, user.view_paths):
        where = Unit.objects.filter(path=other.path).values_list("name", flat=True).first() or ""
        raise Conflict(
            f"该证件号码已登记：{other.name}（{where}），一人只登记一条，请在原记录上修改",
            code="id_number_taken",
            errors=[{"field": "id_number", "message": "该证件号码已登记"}],
        )
    raise Conflict(
        "该证件号码已在其他辖区登记；人员迁入请联系原辖区办理迁出",
        code="id_number_taken",
        errors=[{"field": "id_number", "message": "该证件号码已在其他辖区登记"}],
    )


def create_resident(*, acting_user: User, data: ResidentData) -> Resident:
    _require(acting_user, "records.write", "没有登记实有人口的权限")
    cleaned = clean(data)
    path = _place(acting_user, data, None)
    resident = Resident(path=path)
    require_capture(acting_user, resident, path)
    _refuse_duplicate(acting_user, cleaned.id_number)
    _apply(resident, cleaned)
    try:
        with transaction.atomic():
            resident.save()
            names.reindex(resident)
    except IntegrityError:  # registered by someone else a moment ago
        _refuse_duplicate(acting_user, cleaned.id_number)
        raise
    return resident


def update_resident(*, acting_user: User, resident: Resident, data: ResidentData) -> Resident:
    _require(acting_user, "records.write", "没有修改实有人口的权限")
    require_capture(acting_user, resident)
    if resident.is_retired:
        raise Conflict("该人员已注销，不能修改", code="retired")
    cleaned = clean(data)
    path = _place(acting_user, data, resident.path)
    require_capture(acting_user, resident, path)  # moving them out of one's scope is not allowed
    _refuse_duplicate(acting_user, cleaned.id_number, exclude=resident.pk)
    moved = path != resident.path
    resident.path = path
    _apply(resident, cleaned)
    resident.updated_at = timezone.now()
    with transaction.atomic():
        resident.save()
        names.reindex(resident)
        if moved:
            record_event("resident.moved", obj=resident, detail={"to": path})
    return resident


def retire_resident(*, acting_user: User, resident: Resident, reason: str) -> Resident:
    """A soft, audited retire (死亡、迁出、重复登记 …): the record stays, out of the lists."""
    _require(acting_user, "records.write", "没有注销实有人口的权限")
    require_capture(acting_user, resident)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写注销原因", code="required")
    if len(reason) > 100:
        raise InvalidInput.field("reason", "注销原因不能超过100字", code="too_long")
    if resident.is_retired:
        raise Conflict("该人员已注销", code="retired")
    resident.is_retired, resident.retired_reason, resident.retired_at = True, reason, timezone.now()
    resident.save()
    record_event("resident.retired", obj=resident, detail={"reason": reason})
    return resident


def reveal(*, acting_user: User, resident: Resident, field: str) -> str:
    """The full ID number or phone of one resident; every look is written to the audit log."""
    if not acting_user.has_cap("pii.unmask"):
        raise Forbidden(
            "没有查看完整身份证号和手机号的权限",
            audit=AuditNote("permission.denied", resident, {"capability": "pii.unmask", "field": field}),
        )
    sealed = resident.id_number_sealed if field == "id_number" else resident.phone_sealed
    if not sealed:
        return ""
    value = crypto.unseal(bytes(sealed))
    record_event("pii.unmask", obj=resident, detail={"field": field, "shown": mask_value(value)})
    return value
