"""REST endpoints of places and organisations: /api/registry/places/{kind}, where kind is
compounds, houses, key-places, facilities or organisations."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import uuid
from collections import Counter
from datetime import date, datetime
from typing import Any, Literal, cast

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import InvalidInput, NotFound
from zongzhi.core.fields import limit_of
from zongzhi.core.months import this_month
from zongzhi.core.outputs import OutSchema
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import ScopedQuerySet, edit_fields, get_visible, path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.people.history import history_of
from zongzhi.people.models import Resident
from zongzhi.people.schemas import WRITE_MODE_DESCRIPTION, HistoryOut, RetireIn, RevealOut, WriteMode
from zongzhi.places import services as places
from zongzhi.places.models import Facility, House, HouseUse, Inspection, Organisation, OrgMember, PlaceBase
from zongzhi.units.geo import locate_grid
from zongzhi.units.lookup import unit_names
from zongzhi.units.models import PATH_LENGTH, Unit, User
from zongzhi.units.schemas import UnitBrief

router = Router(tags=["场所与组织"])

PlaceKind = Literal["compounds", "houses", "key-places", "facilities", "organisations"]
CODE_TABLES = {"key-places": "place_kind", "facilities": "facility_kind", "organisations": "org_kind"}
# The map shows at most this many places (the newest); the page says when there are more.
MAP_LIMIT = 2000
# A facility's page shows its inspections month by month over this many months.
INSPECTION_MONTHS = 12


class PlaceIn(Schema):
    name: str = Field(..., max_length=limit_of(PlaceBase, "name"))
    address: str = Field("", max_length=limit_of(PlaceBase, "address"))
    unit_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    note: str = Field("", max_length=limit_of(PlaceBase, "note"))
    contact_phone: str = Field(
        "", max_length=limit_of(Organisation, "contact_phone_mask"), description="重点场所、组织的联系电话（加密保存）"
    )
    extra: dict[str, Any] = Field(default_factory=dict, description="该类别的字段，见 /registry/place-specs")


class OccupantIn(Schema):
    resident_id: int | None = Field(None, description="居住人员；或用 resident_client_id")
    resident_client_id: uuid.UUID | None = Field(
        None, description="同一手机离线登记、尚未返回编号的人员：其登记的 client_id"
    )
    relation: Literal["owner", "family", "tenant", "other"]
    since: date | None = None
    client_id: uuid.UUID | None = Field(None, description="手机离线队列的编号，重发时返回同一条")


class PlaceCreateIn(PlaceIn):
    client_id: uuid.UUID | None = Field(None, description="手机离线队列的编号，重发时返回同一条记录")
    occupants: list[OccupantIn] = Field(default_factory=list, max_length=30, description="房屋：同时登记的居住人员")


class PhotoOut(OutSchema):
    id: int
    url: str
    thumbnail_url: str | None


class OccupantOut(OutSchema):
    id: int
    resident_id: int
    name: str
    id_number_mask: str
    relation: Literal["owner", "family", "tenant", "other"]
    relation_label: str
    since: date | None
    until: date | None = Field(None, description="迁出日期；为空表示仍在住")


class InspectionOut(OutSchema):
    id: int
    inspected_on: date
    result: Literal["normal", "fault", "repaired"]
    result_label: str
    note: str
    inspector_name: str
    photos: list[PhotoOut] = Field(default_factory=list, description="巡检照片")


class InspectionMonthOut(OutSchema):
    month: str = Field(..., description="YYYY-MM")
    count: int = Field(..., description="该月巡检次数；0 即该月未巡检")


class MemberOut(OutSchema):
    id: int
    name: str
    role: str
    resident_id: int | None = Field(None, description="成员是登记的实有人口")
    user_id: int | None = Field(None, description="成员是系统用户")
    since: date | None


class PlaceOut(OutSchema):
    id: int
    kind: PlaceKind
    name: str
    address: str
    path: str
    unit_name: str
    latitude: float | None
    longitude: float | None
    note: str
    category_label: str
    contact_phone_mask: str
    extra: dict[str, Any]
    is_retired: bool
    retired_reason: str
    missing_inspection: bool | None = Field(None, description="治安设施：本月尚未巡检")
    last_inspected_on: date | None = Field(None, description="治安设施：最近巡检日期")
    # The rest is filled on a single place's page only (empty in lists).
    created_at: datetime | None = None
    updated_at: datetime | None = None
    retired_at: datetime | None = None
    place: list[UnitBrief] = Field(default_factory=list, description="所在辖区，从区县到网格")
    history: list[HistoryOut] = Field(default_factory=list, description="变更记录，最近的在前（至多50条）")
    occupants: list[OccupantOut] = Field(default_factory=list, description="房屋：居住人员（含已迁出）")
    inspections: list[InspectionOut] = Field(default_factory=list, description="治安设施：最近的巡检（至多24条）")
    inspection_months: list[InspectionMonthOut] = Field(
        default_factory=list, description="治安设施：近12个月（自安装或登记起）每月的巡检次数，最近的在前"
    )
    members: list[MemberOut] = Field(default_factory=list, description="组织：现有成员")
    can_edit: bool = False
    write_mode: WriteMode = Field("none", description=WRITE_MODE_DESCRIPTION)
    can_unmask: bool = False


class PlacePageOut(OutSchema):
    items: list[PlaceOut]
    next_cursor: int | None = None


class PlaceSpecOut(OutSchema):
    kind: PlaceKind
    label: str
    fields: list[str]
    code_table: str | None
    sealed_phone: bool


class PlacePointOut(OutSchema):
    id: int
    name: str
    address: str
    latitude: float
    longitude: float
    category_label: str
    is_retired: bool
    missing_inspection: bool | None = None


class PlaceMapOut(OutSchema):
    items: list[PlacePointOut] = Field(..., description="有位置的场所，最新的在前，至多 limit 个")
    total: int = Field(..., description="符合条件且有位置的场所总数")
    limit: int
    capped: bool = Field(..., description="total 超过 limit：地图只显示最新的 limit 个")
    area: UnitBrief | None = Field(None, description="包含所显示全部场所的最小辖区（本人可见的），地图按它画边界")


class PlaceQuery(Schema):
    q: str | None = None
    category: str | None = None
    under: int | None = None
    use: str | None = None
    missing: bool = False
    include_retired: bool = False


class PlaceFilter(PlaceQuery):
    cursor: int | None = None
    limit: int = 20


class GridOut(OutSchema):
    unit: UnitBrief | None = Field(None, description="位置所在的网格（本人可登记的范围内）；没有则按所选辖区")


READ_DENIED = "没有查看场所和组织的权限"


def _extra(kind: str, obj: PlaceBase) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in places.KINDS[kind].fields:
        value = getattr(obj, field)
        if isinstance(value, Resident | PlaceBase):
            out[field] = {"id": value.pk, "name": value.name}
        elif isinstance(value, date):
            out[field] = value.isoformat()
        else:
            out[field] = value
    return out


def _category_label(kind: str, obj: PlaceBase) -> str:
    if kind in CODE_TABLES:
        code = getattr(obj, "kind_code", "")
        return labels(CODE_TABLES[kind]).get(code, code)
    if isinstance(obj, House):
        return obj.get_use_display()
    return "小区"


def _out(kind: str, obj: PlaceBase, names: dict[str, str], today: date, user: User | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": obj.pk,
        "kind": kind,
        "name": obj.name,
        "address": obj.address,
        "path": obj.path,
        "unit_name": names.get(obj.path, ""),
        "latitude": obj.latitude,
        "longitude": obj.longitude,
        "note": obj.note,
        "category_label": _category_label(kind, obj),
        "contact_phone_mask": getattr(obj, "contact_phone_mask", ""),
        "extra": _extra(kind, obj),
        "is_retired": obj.is_retired,
        "retired_reason": obj.retired_reason,
        "missing_inspection": places.missing_inspection(obj, today) if isinstance(obj, Facility) else None,
    }
    if isinstance(obj, Facility):
        row["last_inspected_on"] = obj.last_inspected_on
    if user is not None:
        row.update(_detail_parts(kind, obj, today, user))
    return row


def _detail_parts(kind: str, obj: PlaceBase, today: date, user: User) -> dict[str, Any]:
    """What only a place's own page shows: rights, where it is, its change log, and its
    occupants, inspections or members."""
    prefixes = [obj.path[:n] for n in sorted(set(PATH_LENGTH.values())) if n <= len(obj.path)]
    parts: dict[str, Any] = {
        **edit_fields(user, obj.path, obj.is_retired),
        "can_unmask": user.has_cap("pii.unmask") and places.KINDS[kind].sealed_phone,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "retired_at": obj.retired_at,
        "place": list(Unit.objects.filter(path__in=prefixes).order_by("path")),
        "history": history_of(obj),
    }
    if isinstance(obj, House):
        parts["occupants"] = [
            {
                "id": o.pk,
                "resident_id": o.resident_id,
                "name": o.resident.name,
                "id_number_mask": o.resident.id_number_mask,
                "relation": o.relation,
                "relation_label": o.get_relation_display(),
                "since": o.since,
                "until": o.until,
            }
            for o in obj.occupants.select_related("resident").order_by("until", "-id")
        ]
    if isinstance(obj, Facility):
        parts["inspections"] = [
            {
                "id": i.pk,
                "inspected_on": i.inspected_on,
                "result": i.result,
                "result_label": i.get_result_display(),
                "note": i.note,
                "inspector_name": i.inspector_name,
                "photos": [_photo_out(p.attachment) for p in i.photos.all()],
            }
            for i in Inspection.objects.filter(facility=obj).prefetch_related("photos__attachment")[:24]
        ]
        parts["inspection_months"] = _inspection_months(obj, today)
    if isinstance(obj, Organisation):
        parts["members"] = [
            {
                "id": m.pk,
                "name": m.name,
                "role": m.role,
                "resident_id": m.resident_id,
                "user_id": m.user_id,
                "since": m.since,
            }
            for m in obj.members.filter(until__isnull=True).order_by("id")
        ]
    return parts


def _photo_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "url": f"/api/attachments/{a.pk}/file",
        "thumbnail_url": f"/api/attachments/{a.pk}/thumbnail" if a.thumbnail else None,
    }


def _inspection_months(facility: Facility, today: date) -> list[dict[str, Any]]:
    """Inspections per month, newest month first: the last INSPECTION_MONTHS months, none before
    the facility was installed (or registered, when the installation date is unknown)."""
    since = facility.installed_on or timezone.localdate(facility.created_at)
    months: list[tuple[int, int]] = []
    year, month = today.year, today.month
    while len(months) < INSPECTION_MONTHS and (year, month) >= (since.year, since.month):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if not months:
        return []
    first = date(months[-1][0], months[-1][1], 1)
    days = Inspection.objects.filter(facility=facility, inspected_on__gte=first).values_list("inspected_on", flat=True)
    counts = Counter((d.year, d.month) for d in days)
    return [{"month": f"{y:04d}-{m:02d}", "count": counts[(y, m)]} for y, m in months]


def _get(user: User, kind: str, place_id: int) -> PlaceBase:
    obj: PlaceBase = get_visible(places.KINDS[kind].model.objects.all(), user, place_id, "records.read", READ_DENIED)
    return obj


def _house(user: User, place_id: int) -> House:
    return cast(House, _get(user, "houses", place_id))


def _facility(user: User, place_id: int) -> Facility:
    return cast(Facility, _get(user, "facilities", place_id))


def _org(user: User, place_id: int) -> Organisation:
    return cast(Organisation, _get(user, "organisations", place_id))


@router.get("/place-specs", response=list[PlaceSpecOut])
def place_specs(request: HttpRequest) -> list[dict[str, Any]]:
    """The fields of each kind of place (for `extra`), and the code table of its category."""
    return [
        {
            "kind": name,
            "label": kind.label,
            "fields": list(kind.fields),
            "code_table": CODE_TABLES.get(name),
            "sealed_phone": kind.sealed_phone,
        }
        for name, kind in places.KINDS.items()
    ]


def _filtered(user: User, kind: str, filters: PlaceQuery) -> ScopedQuerySet:
    """The places of one kind in the caller's view scope that the filters select."""
    root = get_visible(Unit.objects.all(), user, filters.under) if filters.under is not None else None
    qs = places.KINDS[kind].model.objects.restrict(user, "records.read", READ_DENIED)
    if root is not None:
        qs = qs.filter(subtree_q([root.path]))
    if not filters.include_retired:
        qs = qs.filter(is_retired=False)
    if filters.q:
        text = filters.q.strip()[:50]
        qs = qs.filter(Q(name__contains=text) | Q(address__contains=text))
    if filters.category and kind in CODE_TABLES:
        qs = qs.filter(kind_code__startswith=filters.category)
    if filters.use and kind == "houses" and filters.use in HouseUse.values:
        qs = qs.filter(use=filters.use)
    if filters.missing and kind == "facilities":
        qs = qs.exclude(last_inspected_on__gte=this_month())
    return qs


@router.get("/places/{kind}", response=PlacePageOut)
def list_places(request: HttpRequest, kind: PlaceKind, filters: Query[PlaceFilter]) -> dict[str, Any]:
    """Places of one kind in scope, newest first. `missing=true`: facilities not inspected this month."""
    user = acting(request)
    qs = _filtered(user, kind, filters)
    if kind == "houses":
        qs = qs.select_related("compound", "owner")  # shown by name in every row
    if filters.cursor is not None:
        qs = qs.filter(pk__lt=filters.cursor)
    limit = max(1, min(filters.limit, 100))
    rows = list(qs.order_by("-id")[: limit + 1])
    names = unit_names({r.path for r in rows})
    today = timezone.localdate()
    items = []
    for r in rows[:limit]:  # the rights of a row come from the caller's grants: no query per row
        items.append({**_out(kind, r, names, today), **edit_fields(user, r.path, r.is_retired)})
    return {
        "items": items,
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.get("/places/{kind}/total", response=TotalOut)
def place_total(request: HttpRequest, kind: PlaceKind, filters: Query[PlaceQuery]) -> dict[str, Any]:
    """How many places the list's filters select (up to 1000: 共 N 条 or 1000 条以上)."""
    return capped_total(_filtered(acting(request), kind, filters))


@router.get("/places/{kind}/map", response=PlaceMapOut)
def map_places(request: HttpRequest, kind: PlaceKind, filters: Query[PlaceQuery]) -> dict[str, Any]:
    """The positions of the places the list's filters select, for a map: the newest MAP_LIMIT
    of them (places without a position are left out); `capped` says when there are more."""
    user = acting(request)
    qs = _filtered(user, kind, filters).filter(latitude__isnull=False, longitude__isnull=False)
    rows = list(qs.order_by("-id")[: MAP_LIMIT + 1])
    total = len(rows) if len(rows) <= MAP_LIMIT else qs.count()
    today = timezone.localdate()
    return {
        "area": _smallest_unit(user, [r.path for r in rows[:MAP_LIMIT]]),
        "items": [
            {
                "id": r.pk,
                "name": r.name,
                "address": r.address,
                "latitude": r.latitude,
                "longitude": r.longitude,
                "category_label": _category_label(kind, r),
                "is_retired": r.is_retired,
                "missing_inspection": places.missing_inspection(r, today) if isinstance(r, Facility) else None,
            }
            for r in rows[:MAP_LIMIT]
        ],
        "total": total,
        "limit": MAP_LIMIT,
        "capped": total > MAP_LIMIT,
    }


def _smallest_unit(user: User, paths: list[str]) -> Unit | None:
    """The lowest unit whose subtree holds every path, when the user may see it."""
    if not paths:
        return None
    low, high = min(paths), max(paths)  # the common prefix of all is the common prefix of these two
    size = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), min(len(low), len(high)))
    prefix = low[:size]
    for length in sorted(set(PATH_LENGTH.values()), reverse=True):
        if length <= len(prefix):
            path = prefix[:length]
            return Unit.objects.filter(path=path).first() if path_within(path, user.view_paths) else None
    return None


@router.get("/place-grid", response=GridOut)
def place_grid(request: HttpRequest, latitude: float, longitude: float) -> dict[str, Any]:
    """The grid a position places a record in, as saving would: a grid of the caller's capture
    scope that contains it, or none (then the unit chosen in the form counts)."""
    user = acting(request)
    require_cap(user, "records.read", READ_DENIED)
    return {"unit": locate_grid(latitude, longitude, list(user.capture_paths))}


def _data(user: User, payload: PlaceIn) -> places.PlaceData:
    unit = get_visible(Unit.objects.all(), user, payload.unit_id) if payload.unit_id is not None else None
    return places.PlaceData(
        name=payload.name,
        address=payload.address,
        unit=unit,
        latitude=payload.latitude,
        longitude=payload.longitude,
        note=payload.note,
        contact_phone=payload.contact_phone,
        extra=payload.extra,
    )


def _detail(kind: str, obj: PlaceBase, user: User) -> dict[str, Any]:
    return _out(kind, obj, unit_names({obj.path}), timezone.localdate(), user)


def _occupant(user: User, payload: OccupantIn) -> places.OccupantData:
    resident = get_visible(Resident.objects.all(), user, payload.resident_id) if payload.resident_id else None
    if resident is None and payload.resident_client_id is None:
        raise InvalidInput.field("resident_id", "请选择居住人员", code="required")
    return places.OccupantData(
        relation=payload.relation,
        resident=resident,
        resident_client_id=payload.resident_client_id,
        since=payload.since,
        client_id=payload.client_id,
    )


@router.post("/places/{kind}", response={200: PlaceOut, 201: PlaceOut})
def create_place(request: HttpRequest, kind: PlaceKind, payload: PlaceCreateIn) -> Status[dict[str, Any]]:
    """Register a place; a house may come with its occupants. From the phone's offline queue
    the same client_id again answers 200 with the first record."""
    user = acting(request)
    obj, created = places.create_place_once(
        acting_user=user,
        kind_name=kind,
        data=_data(user, payload),
        client_id=payload.client_id,
        occupants=[_occupant(user, o) for o in payload.occupants],
    )
    return Status(201 if created else 200, _detail(kind, obj, user))


@router.get("/places/{kind}/{place_id}", response=PlaceOut)
def get_place(request: HttpRequest, kind: PlaceKind, place_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(kind, _get(user, kind, place_id), user)


@router.put("/places/{kind}/{place_id}", response=PlaceOut)
def update_place(request: HttpRequest, kind: PlaceKind, place_id: int, payload: PlaceIn) -> dict[str, Any]:
    user = acting(request)
    obj = places.save_place(acting_user=user, kind_name=kind, data=_data(user, payload), obj=_get(user, kind, place_id))
    return _detail(kind, obj, user)


@router.post("/places/{kind}/{place_id}/retire", response=PlaceOut)
def retire_place(request: HttpRequest, kind: PlaceKind, place_id: int, payload: RetireIn) -> dict[str, Any]:
    user = acting(request)
    obj = places.retire_place(acting_user=user, obj=_get(user, kind, place_id), reason=payload.reason)
    return _detail(kind, obj, user)


@router.post("/places/{kind}/{place_id}/reveal", response=RevealOut)
def reveal_place_phone(request: HttpRequest, kind: PlaceKind, place_id: int) -> dict[str, str]:
    """A key place's or an organisation's contact phone in full; each look is audited."""
    user = acting(request)
    obj = _get(user, kind, place_id)
    if not places.KINDS[kind].sealed_phone:
        raise InvalidInput("该类别没有需要查看的联系电话", code="invalid_input")
    return {"value": places.reveal_phone(acting_user=user, obj=obj)}


@router.post("/places/houses/{place_id}/occupants", response={200: PlaceOut, 201: PlaceOut})
def add_occupant(request: HttpRequest, place_id: int, payload: OccupantIn) -> Status[dict[str, Any]]:
    """Someone lives in the house (a tenant makes it a rental's occupant). The resident by id,
    or by the client_id of its registration from the same phone; the same client_id again
    answers 200."""
    user = acting(request)
    house = _house(user, place_id)
    _row, created = places.add_occupant_once(acting_user=user, house=house, occupant=_occupant(user, payload))
    return Status(201 if created else 200, _detail("houses", house, user))


@router.post("/places/houses/{place_id}/occupants/{occupant_id}/end", response=PlaceOut)
def end_occupancy(request: HttpRequest, place_id: int, occupant_id: int) -> dict[str, Any]:
    user = acting(request)
    house = _house(user, place_id)
    places.end_occupancy(acting_user=user, house=house, occupant_id=occupant_id)
    return _detail("houses", house, user)


class InspectionIn(Schema):
    inspected_on: date
    result: Literal["normal", "fault", "repaired"]
    note: str = Field("", max_length=limit_of(Inspection, "note"))
    attachment_ids: list[int] = Field(default_factory=list, description="巡检照片：先上传到 /api/attachments")
    client_id: uuid.UUID | None = Field(None, description="手机离线队列的编号，重发时返回同一条")


@router.post("/places/facilities/{place_id}/inspections", response={200: PlaceOut, 201: PlaceOut})
def inspect_facility(request: HttpRequest, place_id: int, payload: InspectionIn) -> Status[dict[str, Any]]:
    """The monthly inspection of a security facility (巡检), with photos; the same client_id
    again (the phone's offline queue) answers 200 with no second inspection."""
    user = acting(request)
    facility = _facility(user, place_id)
    _inspection, created = places.inspect_once(
        acting_user=user,
        facility=facility,
        inspected_on=payload.inspected_on,
        result=payload.result,
        note=payload.note,
        client_id=payload.client_id,
        attachment_ids=payload.attachment_ids,
    )
    facility.refresh_from_db()
    return Status(201 if created else 200, _detail("facilities", facility, user))


class MemberIn(Schema):
    name: str = Field("", max_length=limit_of(OrgMember, "name"))
    role: str = Field("", max_length=limit_of(OrgMember, "role"))
    resident_id: int | None = None
    user_id: int | None = None


@router.post("/places/organisations/{place_id}/members", response={201: PlaceOut})
def add_member(request: HttpRequest, place_id: int, payload: MemberIn) -> Status[dict[str, Any]]:
    """A member of an organisation or team: a resident, a user, or a name."""
    user = acting(request)
    org = _org(user, place_id)
    resident = get_visible(Resident.objects.all(), user, payload.resident_id) if payload.resident_id else None
    member_user = None
    if payload.user_id:
        member_user = User.objects.select_related("unit").filter(pk=payload.user_id, is_active=True).first()
        if member_user is None or member_user.unit is None or not path_within(member_user.unit.path, user.view_paths):
            raise NotFound("该用户不存在")
    places.add_member(
        acting_user=user,
        org=org,
        name=payload.name,
        role=payload.role,
        resident=resident,
        user=member_user,
    )
    return Status(201, _detail("organisations", org, user))


@router.post("/places/organisations/{place_id}/members/{member_id}/remove", response=PlaceOut)
def remove_member(request: HttpRequest, place_id: int, member_id: int) -> dict[str, Any]:
    user = acting(request)
    org = _org(user, place_id)
    places.remove_member(acting_user=user, org=org, member_id=member_id)
    return _detail("organisations", org, user)
