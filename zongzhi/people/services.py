"""Every change to the registry goes through here: validation, scope, sealing, the name index.

A resident is registered under a unit of the user's capture scope (the grid they live in, or
the unit); the position, when given, places them in their grid. ID numbers of the 居民身份证
type are checked against GB 11643 and give the birth date and sex. One ID number belongs to
one resident not retired; a person who moves keeps their record, and its change log.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import clientids, crypto
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, StaleRecord
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import path_within, require_write
from zongzhi.dictionary.services import require_active_code
from zongzhi.people.models import Resident
from zongzhi.units.geo import locate_grid_path
from zongzhi.units.models import Unit, User
from zongzhi.units.services import PHONE_RE

from . import names
from .idcard import normalize_id_number
from .validation import ID_CARD, Codes, check_resident


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


def record_correction(acting_user: User, obj: Any, what: str) -> None:
    """Audit a change an upper level made to a lower level's record with the correction
    capability (`core.scope.CORRECT`): its own action, naming the unit that made it, which the
    record's change history shows as 上级更正 (`people.history`)."""
    unit = acting_user.unit
    record_event(
        "registry.corrected",
        obj=obj,
        detail={"what": what, "unit": unit.name if unit else "", "unit_path": unit.path if unit else ""},
    )


def _require(user: User, capability: str, message: str) -> None:
    if not user.has_cap(capability):
        raise Forbidden(message, audit=AuditNote("permission.denied", None, {"capability": capability}))


@dataclass
class Cleaned:
    values: dict[str, Any]
    id_number: str
    phone: str


def clean(data: ResidentData) -> Cleaned:
    """Validate one resident (`validation.check_resident`); every problem found is reported at
    once, field by field."""
    values: dict[str, Any] = {}
    for f in fields(ResidentData):
        if f.name in ("unit", "id_number", "phone"):
            continue
        value = getattr(data, f.name)
        values[f.name] = value.strip() if isinstance(value, str) else value
    checked = check_resident(
        values,
        normalize_id_number(data.id_number or ""),
        (data.phone or "").strip(),
        Codes.load(),
        today=timezone.localdate(),
    )
    if checked.errors:
        first = checked.errors[0]
        raise InvalidInput(first["message"], code=first.get("code", "invalid_input"), errors=checked.errors)
    return Cleaned(values=checked.values, id_number=checked.id_number, phone=checked.phone)


def place_path(user: User, data: Any, current: str | None) -> str:
    """Where a resident, place or organisation is registered (`data` has latitude, longitude
    and unit): the grid of its position in the user's capture scope, else the unit chosen,
    else where it already is."""
    if data.latitude is not None and data.longitude is not None:
        grid_path = locate_grid_path(data.latitude, data.longitude, list(user.capture_paths))
        if grid_path is not None:
            return grid_path
    if data.unit is not None:
        if data.unit.is_retired:
            raise InvalidInput.field("unit_id", "该辖区已撤销", code="unit_retired")
        return str(data.unit.path)
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
            data={"resident_id": other.pk},
        )
    raise Conflict(
        "该证件号码已在其他辖区登记；人员迁入请联系原辖区办理迁出",
        code="id_number_taken",
        errors=[{"field": "id_number", "message": "该证件号码已在其他辖区登记"}],
    )


def resent(model: Any, client_id: uuid.UUID | None, user: User) -> Any:
    """The resident or place an offline queue's registration already made (same `client_id`),
    or None; 409 `client_id_taken` when another user registered it (`core.clientids`), or it
    has left the caller's read scope since."""
    return clientids.resent(
        model, client_id, user, owner="created_by_id", same=lambda r: path_within(r.path, user.view_paths)
    )


def create_resident(*, acting_user: User, data: ResidentData, client_id: uuid.UUID | None = None) -> Resident:
    _require(acting_user, "records.write", "没有登记实有人口的权限")
    cleaned = clean(data)
    path = place_path(acting_user, data, None)
    resident = Resident(path=path, client_id=client_id, created_by=acting_user)
    corrected = require_write(acting_user, resident, path)
    _refuse_duplicate(acting_user, cleaned.id_number)
    _apply(resident, cleaned)
    try:
        with transaction.atomic():
            resident.save()
            names.reindex(resident)
            if corrected:
                record_correction(acting_user, resident, "create")
    except IntegrityError:  # registered by someone else a moment ago
        _refuse_duplicate(acting_user, cleaned.id_number)
        raise
    return resident


def create_resident_once(
    *, acting_user: User, data: ResidentData, client_id: uuid.UUID | None
) -> tuple[Resident, bool]:
    """Register a resident from the phone's offline queue; returns (resident, created). The
    same client id again gives back the first record, never a second one."""
    _require(acting_user, "records.write", "没有登记实有人口的权限")
    first = resent(Resident, client_id, acting_user)
    if first is not None:
        return first, False
    try:
        return create_resident(acting_user=acting_user, data=data, client_id=client_id), True
    except (IntegrityError, Conflict):
        # Two copies of one action arrived together and the other one won.
        first = resent(Resident, client_id, acting_user)
        if first is None:
            raise
        return first, False


def current_values(resident: Resident) -> dict[str, Any]:
    """What the phone shows of a resident beside the worker's own values when they conflict
    (masked, like everywhere)."""
    unit_name = Unit.objects.filter(path=resident.path).values_list("name", flat=True).first() or ""
    return {
        "id": resident.pk,
        "name": resident.name,
        "id_number_mask": resident.id_number_mask,
        "phone_mask": resident.phone_mask,
        "current_address": resident.current_address,
        "household_address": resident.household_address,
        "path": resident.path,
        "unit_name": unit_name,
        "is_retired": resident.is_retired,
        "retired_reason": resident.retired_reason,
        "updated_at": resident.updated_at.isoformat(),
    }


def require_unchanged(resident: Resident, seen_updated_at: datetime | None) -> None:
    """Refuse (409 stale_record, with the current values) a change made on the resident as
    it was at `seen_updated_at` when it has changed since; None (the console) skips the test."""
    if seen_updated_at is None:
        return
    if abs(resident.updated_at - seen_updated_at) > timedelta(milliseconds=1):
        raise StaleRecord(data={"current": current_values(resident)})


def update_resident(
    *, acting_user: User, resident: Resident, data: ResidentData, seen_updated_at: datetime | None = None
) -> Resident:
    _require(acting_user, "records.write", "没有修改实有人口的权限")
    corrected = require_write(acting_user, resident)
    if resident.is_retired:
        raise Conflict("该人员已注销，不能修改", code="retired")
    require_unchanged(resident, seen_updated_at)
    # An edit form shows the numbers masked and may send them back so: that means unchanged
    # (the form then needs no audited look at the full numbers).
    if data.id_number.strip() == resident.id_number_mask:
        data.id_number = crypto.unseal(bytes(resident.id_number_sealed))
    if resident.phone_sealed is not None and data.phone.strip() == resident.phone_mask:
        data.phone = crypto.unseal(bytes(resident.phone_sealed))
    cleaned = clean(data)
    path = place_path(acting_user, data, resident.path)
    corrected = require_write(acting_user, resident, path) or corrected  # nor moving them out of it
    _refuse_duplicate(acting_user, cleaned.id_number, exclude=resident.pk)
    moved = path != resident.path
    old_names = (resident.name, resident.former_name)
    resident.path = path
    _apply(resident, cleaned)
    resident.updated_at = timezone.now()
    with transaction.atomic():
        resident.save()
        names.reindex(resident, old_names)
        if moved:
            from zongzhi.people.models import PersonCategory, Visit

            PersonCategory.objects.filter(resident=resident).update(path=path)
            Visit.objects.filter(category__resident=resident).update(path=path)
            record_event("resident.moved", obj=resident, detail={"to": path})
        if corrected:
            record_correction(acting_user, resident, "update")
    return resident


@dataclass
class ResidentChanges:
    """What the phone changes on a resident (None: unchanged): the phone number, the current
    address, the grid they moved to (or a position that places them)."""

    phone: str | None = None
    current_address: str | None = None
    unit: Unit | None = None
    latitude: float | None = None
    longitude: float | None = None


def change_resident(
    *, acting_user: User, resident: Resident, changes: ResidentChanges, seen_updated_at: datetime | None
) -> Resident:
    """Apply the phone's change to a resident through `update_resident` (the console's one
    validator, scope and audit). Sent again after a lost answer, a change already in place
    is not a conflict: the resident comes back as it is."""
    _require(acting_user, "records.write", "没有修改实有人口的权限")
    require_write(acting_user, resident)
    if resident.is_retired:
        raise Conflict("该人员已注销，不能修改", code="retired")
    values = {
        f.name: getattr(resident, f.name) for f in fields(ResidentData) if f.name not in ("unit", "id_number", "phone")
    }
    data = ResidentData(**values, id_number=resident.id_number_mask, phone=resident.phone_mask)
    wanted: dict[str, Any] = {}
    if changes.phone is not None and changes.phone.strip() != resident.phone_mask:
        wanted["phone"] = changes.phone.strip()
    if changes.current_address is not None and changes.current_address.strip() != resident.current_address:
        wanted["current_address"] = changes.current_address.strip()
    moves = changes.unit is not None and changes.unit.path != resident.path
    if moves or changes.latitude is not None:
        wanted.update(unit=changes.unit, latitude=changes.latitude, longitude=changes.longitude)
    if not wanted or (set(wanted) <= {"phone"} and _same_phone(resident, wanted["phone"])):
        return resident
    return update_resident(
        acting_user=acting_user, resident=resident, data=replace(data, **wanted), seen_updated_at=seen_updated_at
    )


def _same_phone(resident: Resident, phone: str) -> bool:
    return resident.phone_index is not None and bytes(resident.phone_index) == crypto.blind_index(phone, "phone")


def retire_resident(
    *, acting_user: User, resident: Resident, reason: str, seen_updated_at: datetime | None = None
) -> Resident:
    """A soft, audited retire (死亡、迁出、重复登记 …): the record stays, out of the lists.
    From the phone (`seen_updated_at` given), the same retire sent again is no conflict."""
    _require(acting_user, "records.write", "没有注销实有人口的权限")
    corrected = require_write(acting_user, resident)
    if seen_updated_at is not None:
        if resident.is_retired and resident.retired_reason == (reason or "").strip():
            return resident
        require_unchanged(resident, seen_updated_at)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写注销原因", code="required")
    if len(reason) > 100:
        raise InvalidInput.field("reason", "注销原因不能超过100字", code="too_long")
    if resident.is_retired:
        raise Conflict("该人员已注销", code="retired")
    resident.is_retired, resident.retired_reason, resident.retired_at = True, reason, timezone.now()
    with transaction.atomic():
        resident.save()
        record_event("resident.retired", obj=resident, detail={"reason": reason})
        if corrected:
            record_correction(acting_user, resident, "retire")
    return resident


def find_by_id_number(*, acting_user: User, id_number: str) -> dict[str, Any]:
    """Whether a resident (not retired) with this ID number is registered, before the phone
    registers one: `here` with the record's id and masked summary when it is in the caller's
    read scope, `elsewhere` without details when it is not, `none` otherwise. A lookup by a
    whole ID number confirms the number: each one is audited as a sensitive search."""
    _require(acting_user, "records.write", "没有登记实有人口的权限")
    number = normalize_id_number(id_number or "")
    if not number:
        raise InvalidInput.field("id_number", "请填写证件号码", code="required")
    record_event("pii.lookup", detail={"field": "id_number", "shown": mask_value(number), "purpose": "duplicate"})
    other = (
        Resident.objects.filter(id_number_index=crypto.blind_index(number, "id_number"), is_retired=False)
        .only("pk", "path", "name", "id_number_mask", "phone_mask", "kind", "updated_at")
        .first()
    )
    if other is None:
        return {"status": "none", "resident": None}
    if not path_within(other.path, acting_user.view_paths):
        return {"status": "elsewhere", "resident": None}
    unit_name = Unit.objects.filter(path=other.path).values_list("name", flat=True).first() or ""
    return {
        "status": "here",
        "resident": {
            "id": other.pk,
            "name": mask_value(other.name),
            "id_number_mask": other.id_number_mask,
            "unit_name": unit_name,
            "can_edit": path_within(other.path, acting_user.capture_paths),
        },
    }


def reveal_sealed(*, acting_user: User, obj: Any, field: str, sealed: Any) -> str:
    """Open one sealed value for a user who may unmask; every look (and every refusal) is
    written to the audit log."""
    if not acting_user.has_cap("pii.unmask"):
        raise Forbidden(
            "没有查看完整身份证号和手机号的权限",
            audit=AuditNote("permission.denied", obj, {"capability": "pii.unmask", "field": field}),
        )
    value = crypto.unseal(bytes(sealed)) if sealed else ""
    record_event("pii.unmask", obj=obj, detail={"field": field, "shown": mask_value(value)})
    return value


def reveal(*, acting_user: User, resident: Resident, field: str) -> str:
    """The full ID number or phone of one resident."""
    sealed = resident.id_number_sealed if field == "id_number" else resident.phone_sealed
    return reveal_sealed(acting_user=acting_user, obj=resident, field=field, sealed=sealed)


# --- key persons and care recipients -------------------------------------------------------
SENSITIVE = "records.sensitive"


def require_sensitive(user: User, obj: Any = None) -> None:
    """Special-population data is read and written only by roles that need it."""
    if not user.has_cap(SENSITIVE):
        raise Forbidden(
            "没有查看重点人员和关怀对象信息的权限", audit=AuditNote("permission.denied", obj, {"capability": SENSITIVE})
        )


@dataclass
class CategoryData:
    group: str
    category_code: str
    listed_on: date | None = None
    risk_level: int | None = None
    details: dict[str, Any] | None = None
    team: list[dict[str, Any]] | None = None
    visit_every_days: int | None = None
    note: str = ""


def _masked_as_text(details: dict[str, Any] | None) -> dict[str, Any]:
    """A stored personal value comes back from a form as its mask: validate the mask's text."""
    return {k: (v.get("mask", "") if isinstance(v, dict) else v) for k, v in (details or {}).items()}


def _clean_team(team: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    out = []
    for i, member in enumerate(team or []):
        name = str(member.get("name", "")).strip()
        if not name or len(name) > 30:
            raise InvalidInput.field(f"team.{i}.name", "小组成员姓名为1-30个字", code="team_invalid")
        out.append({"name": name, "role": str(member.get("role", "")).strip()[:20]})
    if len(out) > 20:
        raise InvalidInput.field("team", "小组成员最多20人", code="team_invalid")
    return out


def _seal_personal(group: str, code: str, details: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Personal fields of a category (a guardian's phone) are sealed like the resident's own;
    a value sent back as its mask (an edit form) keeps what was stored."""
    from .categories import spec_for

    for f in spec_for(group, code).fields:
        if not f.personal or f.name not in details:
            continue
        value = str(details[f.name])
        old = before.get(f.name)
        if isinstance(old, dict) and value == old.get("mask"):
            details[f.name] = old
            continue
        if f.name.endswith("phone") and not PHONE_RE.match(value):
            raise InvalidInput.field(f"details.{f.name}", "联系电话格式不正确", code="phone_invalid")
        details[f.name] = {"mask": mask_value(value), "sealed": base64.b64encode(crypto.seal(value)).decode()}
    return details


def _clean_category(data: CategoryData, before: dict[str, Any] | None = None) -> dict[str, Any]:
    from zongzhi.people.models import GROUP_TABLES, Group

    from .categories import MENTAL_DISORDER, validate_details, visit_every_days

    if data.group not in Group.values:
        raise InvalidInput.field("group", "类别组应为重点人员或关怀对象", code="invalid_input")
    require_active_code(GROUP_TABLES[Group(data.group)], data.category_code, field="category_code")
    risk = data.risk_level
    needs_risk = data.group == Group.KEY and data.category_code == MENTAL_DISORDER
    if needs_risk and risk is None:
        raise InvalidInput.field("risk_level", "请评估危险性等级（0-5级）", code="required")
    if risk is not None and not (0 <= risk <= 5):
        raise InvalidInput.field("risk_level", "危险性等级为0-5级", code="invalid_input")
    every = data.visit_every_days or visit_every_days(data.group, data.category_code, risk)
    if not 1 <= every <= 365:
        raise InvalidInput.field("visit_every_days", "走访周期为1-365天", code="invalid_input")
    listed_on = data.listed_on or timezone.localdate()
    if listed_on > timezone.localdate():
        raise InvalidInput.field("listed_on", "列管日期不能晚于今天", code="invalid_input")
    if len(data.note or "") > 500:
        raise InvalidInput.field("note", "备注不能超过500字", code="too_long")
    return {
        "group": data.group,
        "category_code": data.category_code,
        "risk_level": risk if needs_risk or risk is not None else None,
        "details": _seal_personal(
            data.group,
            data.category_code,
            validate_details(data.group, data.category_code, _masked_as_text(data.details)),
            before or {},
        ),
        "team": _clean_team(data.team),
        "listed_on": listed_on,
        "visit_every_days": every,
        "note": (data.note or "").strip(),
    }


def list_category(*, acting_user: User, resident: Resident, data: CategoryData) -> Any:
    """List a resident as a key person or a care recipient (列管)."""
    from zongzhi.people.models import PersonCategory

    corrected = _may_change(acting_user, resident, "没有列管人员的权限", "该人员已注销")
    values = _clean_category(data)
    if PersonCategory.objects.filter(
        resident=resident, group=values["group"], category_code=values["category_code"], is_retired=False
    ).exists():
        raise Conflict("该人员已列入此类别", code="already_listed")
    category = PersonCategory(resident=resident, path=resident.path, **values)
    # The first visit is due one period after listing, or today if that has passed.
    category.next_visit_on = max(timezone.localdate(), values["listed_on"] + timedelta(days=values["visit_every_days"]))
    try:
        with transaction.atomic():
            category.save()
            if corrected:
                record_correction(acting_user, category, "list")
    except IntegrityError:
        raise Conflict("该人员已列入此类别", code="already_listed") from None
    return category


@transaction.atomic
def update_category(*, acting_user: User, category: Any, data: CategoryData) -> Any:
    corrected = _may_change(acting_user, category, "没有修改列管信息的权限", "已解除列管，不能修改")
    data.group, data.category_code = category.group, category.category_code  # fixed once listed
    values = _clean_category(data, category.details)
    for name, value in values.items():
        setattr(category, name, value)
    last = category.last_visit_on or category.listed_on
    category.next_visit_on = max(timezone.localdate(), last + timedelta(days=category.visit_every_days))
    category.save()
    if corrected:
        record_correction(acting_user, category, "update")
    return category


def retire_category(*, acting_user: User, category: Any, reason: str) -> Any:
    """解除列管: the listing stays with its visits, out of the lists."""
    _require(acting_user, "records.write", "没有解除列管的权限")
    require_sensitive(acting_user, category)
    corrected = require_write(acting_user, category)
    return retire_with_reason(
        category,
        reason,
        word="解除",
        retired="已解除列管",
        event="category.retired",
        corrected_by=acting_user if corrected else None,
    )


@transaction.atomic
def retire_with_reason(
    obj: Any, reason: str, *, word: str, retired: str, event: str, corrected_by: User | None = None
) -> Any:
    """Retire (soft) a listing, place or organisation the caller may change, with a reason of
    at most 100 characters; `word` names the act in the message (解除, 注销). With
    `corrected_by` the retirement is an upper level's correction, audited as one."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 100:
        raise InvalidInput.field("reason", f"请填写{word}原因（100字以内）", code="required")
    if obj.is_retired:
        raise Conflict(retired, code="retired")
    obj.is_retired, obj.retired_reason, obj.retired_at = True, reason, timezone.now()
    obj.save()
    record_event(event, obj=obj, detail={"reason": reason})
    if corrected_by is not None:
        record_correction(corrected_by, obj, "retire")
    return obj


def _may_change(acting_user: User, obj: Any, denied: str, retired: str) -> bool:
    """The checks before a listing is made or changed: the right, the sensitive data, the
    write scope, and a record not retired. True when the change is an upper level's
    correction."""
    _require(acting_user, "records.write", denied)
    require_sensitive(acting_user, obj)
    corrected = require_write(acting_user, obj)
    if obj.is_retired:
        raise Conflict(retired, code="retired")
    return corrected


@dataclass
class VisitData:
    visited_on: date
    method: str
    content: str
    next_visit_on: date | None = None
    companions: str = ""
    latitude: float | None = None
    longitude: float | None = None
    client_id: Any = None


def record_visit(*, acting_user: User, category: Any, data: VisitData) -> tuple[Any, bool]:
    """Write a visit or service record; returns (visit, created). The phone's offline queue
    may send one twice: the same client id gives back the first record."""
    from zongzhi.people.models import Visit, VisitMethod

    _require(acting_user, "records.write", "没有填写走访记录的权限")
    require_sensitive(acting_user, category)
    corrected = require_write(acting_user, category)

    def resent() -> Any:
        return clientids.resent(
            Visit, data.client_id, acting_user, owner="visitor_id", same=lambda v: v.category_id == category.pk
        )

    first = resent()
    if first is not None:
        return first, False
    if category.is_retired:
        raise Conflict("已解除列管，不能再填写走访记录", code="retired")
    today = timezone.localdate()
    errors = []
    if data.visited_on > today:
        errors.append({"field": "visited_on", "message": "走访日期不能晚于今天", "code": "invalid_input"})
    if data.visited_on < category.listed_on:
        errors.append({"field": "visited_on", "message": "走访日期不能早于列管日期", "code": "invalid_input"})
    if data.method not in VisitMethod.values:
        errors.append({"field": "method", "message": "请选择走访方式", "code": "required"})
    content = (data.content or "").strip()
    if len(content) < 5:
        errors.append({"field": "content", "message": "请填写走访内容（至少5个字）", "code": "required"})
    if len(content) > 2000:
        errors.append({"field": "content", "message": "走访内容不能超过2000字", "code": "too_long"})
    next_on = data.next_visit_on or data.visited_on + timedelta(days=category.visit_every_days)
    if next_on <= data.visited_on:
        errors.append({"field": "next_visit_on", "message": "下次走访日期应晚于本次", "code": "invalid_input"})
    if len(data.companions or "") > 200:
        errors.append({"field": "companions", "message": "同行人员不能超过200字", "code": "too_long"})
    if errors:
        raise InvalidInput(errors[0]["message"], code=errors[0]["code"], errors=errors)
    visit = Visit(
        category=category,
        path=category.path,
        visited_on=data.visited_on,
        method=data.method,
        content=content,
        next_visit_on=next_on,
        visitor=acting_user,
        visitor_name=acting_user.full_name or acting_user.username,
        companions=(data.companions or "").strip(),
        latitude=data.latitude,
        longitude=data.longitude,
        client_id=data.client_id,
    )
    try:
        with transaction.atomic():
            _save_visit(visit, category, data, next_on)
            if corrected:
                record_correction(acting_user, category, "visit")
    except IntegrityError:  # the same offline visit arrived twice at once: the other one won
        first = resent()
        if first is None:
            raise
        return first, False
    return visit, True


def _save_visit(visit: Any, category: Any, data: VisitData, next_on: date) -> None:
    from zongzhi.people.models import PersonCategory

    locked = PersonCategory.objects.select_for_update().get(pk=category.pk)
    visit.save()
    if locked.last_visit_on is None or data.visited_on >= locked.last_visit_on:
        locked.last_visit_on, locked.next_visit_on = data.visited_on, next_on
    locked.visit_count += 1
    locked.save()
    record_event("visit.recorded", obj=locked, detail={"visit": visit.pk, "on": data.visited_on.isoformat()})


def reveal_detail(*, acting_user: User, category: Any, field: str) -> str:
    """A personal field of a listing (a guardian's phone) in full."""
    stored = category.details.get(field)
    sealed = base64.b64decode(stored["sealed"]) if isinstance(stored, dict) else None
    return reveal_sealed(acting_user=acting_user, obj=category, field=field, sealed=sealed)
