"""REST endpoints of the jurisdiction tree (units, grids and their maps) and of departments.
Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zongzhi.core.access import acting
from zongzhi.core.pagination import LimitOffset
from zongzhi.core.scope import get_visible, subtree_q

from . import services
from .api_users import user_list_qs
from .models import Department, Level, Unit, User
from .schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentRenameIn,
    MapOut,
    UnitCreateIn,
    UnitMoveIn,
    UnitOut,
    UnitRenameIn,
    UnitStatsOut,
    UserOut,
)

units_router = Router(tags=["辖区与网格"])


def _unit_qs(user: User) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user)


def _with_counts(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    return qs.annotate(
        children_count=Count("children", filter=Q(children__is_retired=False), distinct=True),
        staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
    )


def _ancestors(unit: Unit) -> list[Unit]:
    paths = unit.ancestor_paths()
    return list(Unit.objects.filter(path__in=paths).order_by("path")) if paths else []


def _unit_detail(unit: Unit) -> Unit:
    unit = _with_counts(Unit.objects.filter(pk=unit.pk)).get()
    unit.ancestors = _ancestors(unit)  # type: ignore[attr-defined]
    return unit


class UnitFilter(Schema):
    q: str | None = None
    level: Level | None = None
    under: int | None = None
    include_retired: bool = False


@units_router.get("/roots", response=list[UnitOut])
def unit_roots(request: HttpRequest) -> list[Unit]:
    """The top units of the user's view scope: where the tree starts for them."""
    user = acting(request)
    return list(_with_counts(Unit.objects.filter(path__in=user.view_paths)).order_by("path"))


@units_router.get("/stats", response=UnitStatsOut)
def unit_stats(request: HttpRequest, under: int | None = None) -> dict[str, Any]:
    user = acting(request)
    qs = _unit_qs(user).filter(is_retired=False)
    staff = User.objects.filter(is_active=True).filter(subtree_q(user.view_paths, "unit__path"))
    if under is not None:
        root = get_visible(Unit.objects.all(), user, under)
        qs = qs.filter(subtree_q([root.path])).exclude(pk=root.pk)
        staff = staff.filter(subtree_q([root.path], "unit__path"))
    else:
        qs = qs.exclude(path__in=user.view_paths)
    # the units below (a village counts its grids, not itself)
    by_level = {row["level"]: row["n"] for row in qs.values("level").annotate(n=Count("id"))}
    return {"by_level": by_level, "staff": staff.count()}


@units_router.get("", response=list[UnitOut])
@paginate(LimitOffset)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    user = acting(request)
    qs = _unit_qs(user)
    if not filters.include_retired:
        qs = qs.filter(is_retired=False)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.under is not None:
        root = get_visible(Unit.objects.all(), user, filters.under)
        qs = qs.filter(subtree_q([root.path]))
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return _with_counts(qs).order_by("path")


@units_router.get("/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return _unit_detail(get_visible(Unit.objects.all(), acting(request), unit_id))


@units_router.get("/{unit_id}/children", response=list[UnitOut])
def unit_children(request: HttpRequest, unit_id: int, include_retired: bool = False) -> list[Unit]:
    unit = get_visible(Unit.objects.all(), acting(request), unit_id)
    qs = unit.children.all()
    if not include_retired:
        qs = qs.filter(is_retired=False)
    return list(_with_counts(qs).order_by("sort", "path"))


@units_router.post("", response={201: UnitOut})
def create_unit(request: HttpRequest, payload: UnitCreateIn) -> Status[Unit]:
    user = acting(request)
    parent = get_visible(Unit.objects.all(), user, payload.parent_id)
    unit = services.create_unit(acting_user=user, parent=parent, code=payload.code, name=payload.name)
    return Status(201, _unit_detail(unit))


@units_router.patch("/{unit_id}", response=UnitOut)
def rename_unit(request: HttpRequest, unit_id: int, payload: UnitRenameIn) -> Unit:
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, unit_id)
    return _unit_detail(services.rename_unit(acting_user=user, unit=unit, name=payload.name))


@units_router.post("/{unit_id}/move", response=UnitOut)
def move_unit(request: HttpRequest, unit_id: int, payload: UnitMoveIn) -> Unit:
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, unit_id)
    parent = get_visible(Unit.objects.all(), user, payload.parent_id)
    return _unit_detail(services.move_unit(acting_user=user, unit=unit, new_parent=parent, new_code=payload.code))


@units_router.post("/{unit_id}/retire", response=UnitOut)
def retire_unit(request: HttpRequest, unit_id: int) -> Unit:
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, unit_id)
    return _unit_detail(services.retire_unit(acting_user=user, unit=unit))


@units_router.post("/{unit_id}/restore", response=UnitOut)
def restore_unit(request: HttpRequest, unit_id: int) -> Unit:
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, unit_id)
    return _unit_detail(services.restore_unit(acting_user=user, unit=unit))


@units_router.get("/{unit_id}/staff", response=list[UserOut])
@paginate(LimitOffset)
def unit_staff(request: HttpRequest, unit_id: int) -> QuerySet[User]:
    unit = get_visible(Unit.objects.all(), acting(request), unit_id)
    return user_list_qs().filter(unit=unit, is_active=True).order_by("id")


@units_router.get("/{unit_id}/map", response=MapOut)
def unit_map(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """GeoJSON of the unit's boundary and of its grids (or of its children above village)."""
    unit = get_visible(Unit.objects.all(), acting(request), unit_id)
    below = Unit.objects.filter(subtree_q([unit.path]), is_retired=False, boundary__isnull=False).exclude(pk=unit.pk)
    # Above village level, grids would be thousands of shapes: show the next level down.
    below = below.filter(parent=unit) if unit.level in ("county", "township") else below.filter(level="grid")
    features = []
    for u in [unit, *below.order_by("path")]:
        if not u.boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": u.boundary,
                "properties": {
                    "id": u.pk,
                    "code": u.code,
                    "name": u.name,
                    "level": u.level,
                    "is_self": u.pk == unit.pk,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# === departments ============================================================================
departments_router = Router(tags=["成员单位"])


@departments_router.get("", response=list[DepartmentOut])
@paginate(LimitOffset)
def list_departments(
    request: HttpRequest, unit: int | None = None, include_retired: bool = False
) -> QuerySet[Department]:
    user = acting(request)
    qs = Department.objects.visible_to(user).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=get_visible(Unit.objects.all(), user, unit))
    if not include_retired:
        qs = qs.filter(is_retired=False)
    return qs.order_by("path", "kind_code", "id")


@departments_router.post("", response={201: DepartmentOut})
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[Department]:
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, payload.unit_id)
    return Status(
        201, services.create_department(acting_user=user, unit=unit, kind_code=payload.kind_code, name=payload.name)
    )


@departments_router.patch("/{department_id}", response=DepartmentOut)
def rename_department(request: HttpRequest, department_id: int, payload: DepartmentRenameIn) -> Department:
    user = acting(request)
    dept = get_visible(Department.objects.select_related("unit"), user, department_id)
    return services.rename_department(acting_user=user, department=dept, name=payload.name)


@departments_router.post("/{department_id}/retire", response=DepartmentOut)
def retire_department(request: HttpRequest, department_id: int) -> Department:
    user = acting(request)
    dept = get_visible(Department.objects.select_related("unit"), user, department_id)
    return services.retire_department(acting_user=user, department=dept)


# === users ==================================================================================
