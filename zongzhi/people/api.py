"""REST endpoints of people: residents (实有人口), key persons and care recipients, their visits."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from dataclasses import fields
from datetime import date, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zongzhi.audit.services import record_event
from zongzhi.core.access import acting, require_cap
from zongzhi.core.db import writes_together
from zongzhi.core.errors import AuditNote, Forbidden, InvalidInput, NotFound
from zongzhi.core.fastinsert import Batch
from zongzhi.core.masking import mask_value
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import edit_fields, get_visible, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.people.models import GROUP_TABLES, Group, PersonCategory, Resident, ResidentKind, Visit
from zongzhi.units.lookup import unit_names
from zongzhi.units.models import PATH_LENGTH, Unit, User

from . import names, queries, services, stats
from .categories import describe, spec_for
from .filters import NAME_FRAGMENT_LIMIT, ROW_FIELDS, ResidentFilter, search_of, selected
from .history import history_of
from .idcard import age_on
from .schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPageOut,
    CategoryRevealIn,
    CategorySpecOut,
    IdLookupIn,
    IdLookupOut,
    ResidentChangeIn,
    ResidentIn,
    ResidentOut,
    ResidentPageOut,
    ResidentRetireIn,
    RetireIn,
    RevealIn,
    RevealOut,
    ServiceStatsOut,
    VisitCreatedOut,
    VisitIn,
)
from .validation import CODE_TABLES

router = Router(tags=["实有人口"])

LABEL_TABLES = CODE_TABLES


READ_DENIED = "没有查看实有人口的权限"


def _require_number_search(user: User, field: str, number: str, batch: Batch) -> None:
    """Finding people by a whole ID number or phone confirms that number: it is allowed to
    those who may unmask, and each search is audited (a masked number is otherwise a few
    guesses away from the full one)."""
    if not user.has_cap("pii.unmask"):
        raise Forbidden(
            "按完整证件号码或手机号查找需要查看完整个人信息的权限，请按姓名查找",
            audit=AuditNote("permission.denied", None, {"capability": "pii.unmask", "search": field}),
        )
    record_event("pii.lookup", detail={"field": field, "shown": mask_value(number)}, batch=batch)


def _unit_names(paths: set[str]) -> dict[str, str]:
    return unit_names(paths)


def _row(r: dict[str, Any], unit_names: dict[str, str], today: date, unmask: bool = False) -> dict[str, Any]:
    """A list row from the values of `filters.ROW_FIELDS`. The birth date is shown only to those
    who may unmask: with the masked ID number it would give away all but two of its digits (the
    age is shown to everyone)."""
    born = r["birth_date"]
    return {
        **r,
        "kind_label": ResidentKind(r["kind"]).label,
        "sex_label": labels("sex").get(r["sex_code"], ""),
        "birth_date": born if unmask else None,
        "age": age_on(born, today) if born else None,
        "unit_name": unit_names.get(r["path"], ""),
    }


@router.get("/residents", response=ResidentPageOut)
def list_residents(request: HttpRequest, filters: Query[ResidentFilter]) -> dict[str, Any]:
    """Residents in the caller's scope, newest first, keyset pages. `q` is a fragment of a name,
    or a whole ID number or mobile number (exact match)."""
    user = acting(request)
    root = get_visible(Unit.objects.all(), user, filters.under) if filters.under is not None else None
    require_cap(user, "records.read", READ_DENIED)
    search = search_of(user.view_paths, filters, root.path if root else None, max(1, min(filters.limit, 100)))
    if search.number_field:
        # The search's audit entry goes with its query (`core.db.writes_together`: on PostgreSQL
        # one statement): if the entry is refused, nobody is found.
        with writes_together() as writes:
            _require_number_search(user, search.number_field, search.number, writes)
            rows = queries.resident_page(search, writes)
    else:
        rows = queries.resident_page(search)
    units = _unit_names({r["path"] for r in rows})
    today = timezone.localdate()
    limit = search.limit
    return {
        "items": [_row(r, units, today, user.has_cap("pii.unmask")) for r in rows[:limit]],
        "next_cursor": rows[limit - 1]["id"] if len(rows) > limit else None,
    }


@router.get("/residents/total", response=TotalOut)
def resident_total(request: HttpRequest, filters: Query[ResidentFilter]) -> dict[str, Any]:
    """How many residents the list's filters select (up to 1000: 共 N 条 or 1000 条以上). Not for
    a whole ID number or phone: that search is audited, and its page already holds every match."""
    user = acting(request)
    root = get_visible(Unit.objects.all(), user, filters.under) if filters.under is not None else None
    require_cap(user, "records.read", READ_DENIED)
    search = search_of(user.view_paths, filters, root.path if root else None, 1)
    if search.number_field:
        raise InvalidInput("按证件号码或手机号查询时不统计总数", code="total_not_counted")
    return capped_total(selected(search))


def _get(user: User, resident_id: int) -> Resident:
    """One resident the caller may read: 404 outside the view scope, 403 without the right."""
    resident: Resident = get_visible(Resident.objects.all(), user, resident_id, "records.read", READ_DENIED)
    return resident


def _detail(r: Resident, user: User) -> dict[str, Any]:
    prefixes = [r.path[:n] for n in PATH_LENGTH.values() if n <= len(r.path)]
    place = list(Unit.objects.filter(path__in=prefixes).order_by("path"))
    values = {f: getattr(r, f) for f in ROW_FIELDS}
    row = _row(values, {u.path: u.name for u in place}, timezone.localdate(), user.has_cap("pii.unmask"))
    for f in fields(services.ResidentData):
        if f.name not in ("unit", "id_number", "phone") and f.name not in row:
            row[f.name] = getattr(r, f.name)
    row.update(
        retired_reason=r.retired_reason,
        retired_at=r.retired_at,
        created_at=r.created_at,
        updated_at=r.updated_at,
        labels={
            name: labels(table).get(getattr(r, name), "") for name, table in LABEL_TABLES.items() if getattr(r, name)
        },
        place=place,
        history=history_of(r),
        **edit_fields(user, r.path, r.is_retired),
        can_unmask=user.has_cap("pii.unmask"),
        houses=[
            {
                "house_id": o.house_id,
                "name": o.house.name,
                "address": o.house.address,
                "relation": o.relation,
                "relation_label": o.get_relation_display(),
                "since": o.since,
                "until": o.until,
            }
            for o in r.occupancies.select_related("house").order_by("until", "-id")
        ],
        organisations=[
            {"organisation_id": m.organisation_id, "name": m.organisation.name, "role": m.role, "since": m.since}
            for m in r.memberships.filter(until__isnull=True).select_related("organisation")
        ],
        cases=_cases_of(r, user),
        categories_hidden=not user.has_cap(services.SENSITIVE),
        categories=(
            _category_rows(list(r.categories.order_by("is_retired", "-id").values(*_CATEGORY_LIST_FIELDS)))
            if user.has_cap(services.SENSITIVE)
            else []
        ),
    )
    return row


def _cases_of(r: Resident, user: User) -> list[dict[str, Any]]:
    """The cases the resident is a party to, among those the caller may read."""
    from zongzhi.cases.models import Case

    visible = Case.objects.visible_to(user).filter(linked_parties__resident=r).order_by("-id")[:50]
    return [
        {
            "id": c.pk,
            "number": c.number,
            "title": c.title,
            "kind_label": c.get_kind_display(),
            "status_label": c.get_status_display(),
            "created_at": c.created_at,
        }
        for c in visible
    ]


def _data(user: User, payload: ResidentIn) -> services.ResidentData:
    unit = get_visible(Unit.objects.all(), user, payload.unit_id) if payload.unit_id is not None else None
    values = payload.dict(exclude={"unit_id", "client_id", "seen_updated_at"})
    return services.ResidentData(unit=unit, **values)


@router.post("/residents", response={200: ResidentOut, 201: ResidentOut})
def create_resident(request: HttpRequest, payload: ResidentIn) -> Status[dict[str, Any]]:
    """Register a resident (also from the phone's offline queue: the same client_id again
    answers 200 with the first record, never a second one)."""
    user = acting(request)
    resident, created = services.create_resident_once(
        acting_user=user, data=_data(user, payload), client_id=payload.client_id
    )
    return Status(201 if created else 200, _detail(resident, user))


@router.post("/residents/lookup", response=IdLookupOut)
def lookup_id_number(request: HttpRequest, payload: IdLookupIn) -> dict[str, Any]:
    """Before registering: is this ID number registered already? In the caller's read scope the
    record's id and masked summary (the phone opens it instead of making a duplicate); outside
    it only "elsewhere". Audited as a search by ID number."""
    return services.find_by_id_number(acting_user=acting(request), id_number=payload.id_number)


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(_get(user, resident_id), user)


@router.put("/residents/{resident_id}", response=ResidentOut)
def update_resident(request: HttpRequest, resident_id: int, payload: ResidentIn) -> dict[str, Any]:
    user = acting(request)
    resident = services.update_resident(
        acting_user=user,
        resident=_get(user, resident_id),
        data=_data(user, payload),
        seen_updated_at=payload.seen_updated_at,
    )
    return _detail(resident, user)


@router.patch("/residents/{resident_id}", response=ResidentOut)
def change_resident(request: HttpRequest, resident_id: int, payload: ResidentChangeIn) -> dict[str, Any]:
    """The phone's change of a resident (phone number, current address, moved to another grid):
    the console's validator and messages; 409 stale_record with the current values when the
    record changed since `seen_updated_at`."""
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, payload.unit_id) if payload.unit_id is not None else None
    changes = services.ResidentChanges(
        phone=payload.phone,
        current_address=payload.current_address,
        unit=unit,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    resident = services.change_resident(
        acting_user=user, resident=_get(user, resident_id), changes=changes, seen_updated_at=payload.seen_updated_at
    )
    return _detail(resident, user)


@router.post("/residents/{resident_id}/retire", response=ResidentOut)
def retire_resident(request: HttpRequest, resident_id: int, payload: ResidentRetireIn) -> dict[str, Any]:
    """注销 (迁出、死亡 …) with a reason; from the phone with `seen_updated_at`."""
    user = acting(request)
    resident = services.retire_resident(
        acting_user=user,
        resident=_get(user, resident_id),
        reason=payload.reason,
        seen_updated_at=payload.seen_updated_at,
    )
    return _detail(resident, user)


@router.post("/residents/{resident_id}/reveal", response=RevealOut)
def reveal(request: HttpRequest, resident_id: int, payload: RevealIn) -> dict[str, str]:
    """The full ID number or phone of one resident; each look is audited."""
    user = acting(request)
    return {"value": services.reveal(acting_user=user, resident=_get(user, resident_id), field=payload.field)}


# --- key persons and care recipients -------------------------------------------------------
def _group_label(group: str) -> str:
    return str(Group(group).label)


def _category_labels(group: str) -> dict[str, str]:
    return labels(GROUP_TABLES[Group(group)])


def _category_row(v: dict[str, Any], unit_names: dict[str, str], today: date) -> dict[str, Any]:
    """A list row from the values of `_CATEGORY_LIST_FIELDS` (lists read values, not instances)."""
    return {
        "id": v["id"],
        "resident_id": v["resident_id"],
        "resident_name": v["resident__name"],
        "id_number_mask": v["resident__id_number_mask"],
        "group": v["group"],
        "group_label": _group_label(v["group"]),
        "category_code": v["category_code"],
        "category_label": _category_labels(v["group"]).get(v["category_code"], v["category_code"]),
        "risk_level": v["risk_level"],
        "listed_on": v["listed_on"],
        "visit_every_days": v["visit_every_days"],
        "next_visit_on": v["next_visit_on"],
        "last_visit_on": v["last_visit_on"],
        "visit_count": v["visit_count"],
        "days_left": (v["next_visit_on"] - today).days,
        "path": v["path"],
        "unit_name": unit_names.get(v["path"], ""),
        "is_retired": v["is_retired"],
    }


_CATEGORY_LIST_FIELDS = (
    "id",
    "path",
    "resident_id",
    "group",
    "category_code",
    "risk_level",
    "listed_on",
    "visit_every_days",
    "next_visit_on",
    "last_visit_on",
    "visit_count",
    "is_retired",
    "resident__name",
    "resident__id_number_mask",
)


def _category_values(c: PersonCategory) -> dict[str, Any]:
    """The list values of a category already loaded (with its resident)."""
    values = {f: getattr(c, f) for f in _CATEGORY_LIST_FIELDS if not f.startswith("resident__")}
    return {**values, "resident__name": c.resident.name, "resident__id_number_mask": c.resident.id_number_mask}


def _category_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    units = _unit_names({v["path"] for v in items})
    today = timezone.localdate()
    return [_category_row(v, units, today) for v in items]


# The groups of PersonCategory (models.Group), as the schema's enum.
GroupName = Literal["key", "care"]


class CategoryFilter(Schema):
    group: GroupName = "key"
    category: str | None = None
    under: int | None = None
    due: Literal["overdue", "soon"] | None = None  # soon: within 7 days, overdue included
    q: str | None = None
    include_retired: bool = False
    cursor: int | None = None
    limit: int = 20


def _categories(user: User, filters: CategoryFilter) -> Any:
    """The listings a list's filters select (group, place, category, name), in scope."""
    root = get_visible(Unit.objects.all(), user, filters.under) if filters.under is not None else None
    qs = PersonCategory.objects.restrict(user, "records.read", READ_DENIED)
    services.require_sensitive(user)
    qs = qs.filter(group=filters.group)
    if root is not None:
        qs = qs.filter(subtree_q([root.path]))
    if not filters.include_retired:
        qs = qs.filter(is_retired=False)
    if filters.category:
        qs = qs.filter(category_code__startswith=filters.category)
    text = (filters.q or "").strip()
    if text:
        residents = Resident.objects.visible_to(user).filter(
            names.name_filter(text[:NAME_FRAGMENT_LIMIT], user.view_paths)
        )
        qs = qs.filter(resident__in=residents.values("pk"))
    return qs


def _due(qs: Any, due: str) -> Any:
    """Those whose next visit falls due within the week, or is overdue."""
    today = timezone.localdate()
    edge = today if due == "overdue" else today + timedelta(days=7)
    cut = edge - timedelta(days=1) if due == "overdue" else edge
    return qs.filter(is_retired=False, next_visit_on__lte=cut)


@router.get("/categories/total", response=TotalOut)
def category_total(request: HttpRequest, filters: Query[CategoryFilter]) -> dict[str, Any]:
    """How many listings the list's filters select (up to 1000: 共 N 条 or 1000 条以上)."""
    qs = _categories(acting(request), filters)
    return capped_total(_due(qs, filters.due) if filters.due is not None else qs)


@router.get("/categories", response=CategoryPageOut)
def list_categories(request: HttpRequest, filters: Query[CategoryFilter]) -> dict[str, Any]:
    """Key persons or care recipients in scope. With `due`, the visits coming due, soonest
    first (the grid worker's list); otherwise newest first, keyset pages."""
    qs = _categories(acting(request), filters)
    limit = max(1, min(filters.limit, 200))
    if filters.due is not None:
        due = _due(qs, filters.due).order_by("next_visit_on", "id")
        return {"items": _category_rows(list(due.values(*_CATEGORY_LIST_FIELDS)[:limit])), "next_cursor": None}
    if filters.cursor is not None:
        qs = qs.filter(pk__lt=filters.cursor)
    # Values, not instances: a resident's row is wide, and a list shows two of its columns.
    rows = list(qs.order_by("-id").values(*_CATEGORY_LIST_FIELDS)[: limit + 1])
    return {
        "items": _category_rows(rows[:limit]),
        "next_cursor": rows[limit - 1]["id"] if len(rows) > limit else None,
    }


@router.get("/category-specs", response=list[CategorySpecOut])
def category_specs(request: HttpRequest) -> list[dict[str, Any]]:
    """Every category with its own fields and visit frequency, for the forms."""
    out = []
    for group in Group:
        for code, label in _category_labels(group.value).items():
            spec = spec_for(group.value, code)
            out.append(
                {
                    "group": group.value,
                    "code": code,
                    "label": label,
                    "visit_every_days": spec.visit_every_days,
                    "risk_levels": spec.risk_levels,
                    "fields": describe(group.value, code),
                }
            )
    return out


def _get_category(user: User, category_id: int) -> PersonCategory:
    category: PersonCategory = get_visible(
        PersonCategory.objects.select_related("resident"), user, category_id, "records.read", READ_DENIED
    )
    services.require_sensitive(user, category)
    return category


def _category_detail(c: PersonCategory, user: User) -> dict[str, Any]:
    row = _category_rows([_category_values(c)])[0]
    spec_fields = describe(c.group, c.category_code)
    personal = {f["name"] for f in spec_fields if f["personal"]}
    visits = list(c.visits.all()[:100])
    row.update(
        details={k: (v.get("mask", "") if k in personal and isinstance(v, dict) else v) for k, v in c.details.items()},
        fields=spec_fields,
        team=c.team,
        note=c.note,
        retired_reason=c.retired_reason,
        retired_at=c.retired_at,
        visits=[_visit_out(v) for v in visits],
        **edit_fields(user, c.path, c.is_retired),
        can_unmask=user.has_cap("pii.unmask"),
    )
    return row


def _visit_out(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "visited_on": v.visited_on,
        "method": v.method,
        "method_label": v.get_method_display(),
        "content": v.content,
        "next_visit_on": v.next_visit_on,
        "visitor_name": v.visitor_name,
        "companions": v.companions,
        "created_at": v.created_at,
    }


def _category_data(payload: CategoryIn) -> services.CategoryData:
    return services.CategoryData(
        group=payload.group,
        category_code=payload.category_code,
        listed_on=payload.listed_on,
        risk_level=payload.risk_level,
        details=payload.details,
        team=[m.model_dump() for m in payload.team],
        visit_every_days=payload.visit_every_days,
        note=payload.note,
    )


@router.post("/residents/{resident_id}/categories", response={201: CategoryOut})
def list_category(request: HttpRequest, resident_id: int, payload: CategoryIn) -> Status[dict[str, Any]]:
    """List a resident as a key person or a care recipient (列管)."""
    user = acting(request)
    category = services.list_category(acting_user=user, resident=_get(user, resident_id), data=_category_data(payload))
    return Status(201, _category_detail(category, user))


@router.get("/categories/{category_id}", response=CategoryOut)
def get_category(request: HttpRequest, category_id: int) -> dict[str, Any]:
    user = acting(request)
    return _category_detail(_get_category(user, category_id), user)


@router.put("/categories/{category_id}", response=CategoryOut)
def update_category(request: HttpRequest, category_id: int, payload: CategoryIn) -> dict[str, Any]:
    user = acting(request)
    category = services.update_category(
        acting_user=user, category=_get_category(user, category_id), data=_category_data(payload)
    )
    return _category_detail(category, user)


@router.post("/categories/{category_id}/retire", response=CategoryOut)
def retire_category(request: HttpRequest, category_id: int, payload: RetireIn) -> dict[str, Any]:
    user = acting(request)
    category = services.retire_category(
        acting_user=user, category=_get_category(user, category_id), reason=payload.reason
    )
    return _category_detail(category, user)


@router.post("/categories/{category_id}/visits", response={200: VisitCreatedOut, 201: VisitCreatedOut})
def record_visit(request: HttpRequest, category_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    """A visit or service record (also from the phone's offline queue: same client_id, one record)."""
    user = acting(request)
    visit, created = services.record_visit(
        acting_user=user,
        category=_get_category(user, category_id),
        data=services.VisitData(**payload.dict()),
    )
    next_on = PersonCategory.objects.filter(pk=visit.category_id).values_list("next_visit_on", flat=True).get()
    return Status(201 if created else 200, {"created": created, "visit": _visit_out(visit), "next_visit_on": next_on})


@router.post("/categories/{category_id}/reveal", response=RevealOut)
def reveal_category_field(request: HttpRequest, category_id: int, payload: CategoryRevealIn) -> dict[str, str]:
    """A personal field of a listing (a guardian's phone) in full; each look is audited."""
    user = acting(request)
    category = _get_category(user, category_id)
    personal = {f["name"] for f in describe(category.group, category.category_code) if f["personal"]}
    if payload.field not in personal:
        raise InvalidInput.field("field", "该字段无需查看", code="invalid_input")
    return {"value": services.reveal_detail(acting_user=user, category=category, field=payload.field)}


@router.get("/service-stats", response=ServiceStatsOut)
def service_stats(request: HttpRequest, group: GroupName = "key", unit: int | None = None) -> dict[str, Any]:
    """The share of listed people visited on time, for a unit and each unit below it
    (the seeds expect 100%)."""
    user = acting(request)
    if unit is None:
        if user.unit is None:
            raise NotFound("请选择单位")
        unit = user.unit.pk
    root = get_visible(Unit.objects.all(), user, unit, "records.read", READ_DENIED)
    services.require_sensitive(user, root)
    return stats.service_share(root, group, timezone.localdate())
