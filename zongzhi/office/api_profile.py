"""The unit profile (辖区概况): /api/office/profile — a unit's figures with its leadership and
centre staff, the grid teams (一长四员) and their gaps, and keeping the people on record."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.people.schemas import RevealOut
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_profile as services
from .models import GridRole, StaffGroup, StaffMember, UnitProfile
from .services_common import WRITE

router = Router(tags=["日常办公"])

GroupName = Literal["leadership", "centre", ""]
RoleName = Literal["head", "full_time", "part_time", "police", "supervisor", ""]


class StaffOut(OutSchema):
    id: int
    unit: UnitBrief
    group: GroupName
    grid_role: RoleName
    role_label: str
    name: str
    post: str
    phone_mask: str
    user_id: int | None
    username: str
    photo_url: str | None
    photo_thumbnail_url: str | None
    order: int
    joined_on: dt.date | None
    left_on: dt.date | None
    has_left: bool
    can_edit: bool


class ProfileFiguresOut(OutSchema):
    description: str
    area_km2: Decimal | None
    households: int | None
    registered_population: int | None
    floating_population: int | None
    economy: str
    key_projects: str
    updated_by: str
    updated_at: dt.datetime | None


class ProfileOut(OutSchema):
    unit: UnitBrief
    parent: UnitBrief | None
    children: list[UnitBrief]
    profile: ProfileFiguresOut
    leadership: list[StaffOut]
    centre: list[StaffOut]
    can_edit: bool


class ProfileIn(Schema):
    description: str = Field("", max_length=5000)
    area_km2: Decimal | None = Field(None, ge=0, le=9999999, decimal_places=2)
    households: int | None = Field(None, ge=0, le=100_000_000)
    registered_population: int | None = Field(None, ge=0, le=100_000_000)
    floating_population: int | None = Field(None, ge=0, le=100_000_000)
    economy: str = Field("", max_length=5000)
    key_projects: str = Field("", max_length=5000)


class StaffIn(Schema):
    unit_id: int
    group: GroupName = ""
    grid_role: RoleName = ""
    name: str = Field(..., max_length=limit_of(StaffMember, "name"))
    post: str = Field("", max_length=limit_of(StaffMember, "post"))
    phone: str | None = Field(None, max_length=20, description="不传则不修改")
    user_id: int | None = None
    photo_id: int | None = Field(None, description="新上传的照片（/api/office/uploads）；不传则不修改")
    order: int = Field(0, ge=0, le=999)
    joined_on: dt.date | None = None


class LeaveIn(Schema):
    left_on: dt.date | None = Field(None, description="默认为今天")


class GridTeamOut(OutSchema):
    grid: UnitBrief
    village: UnitBrief
    members: list[StaffOut]
    missing: list[RoleName]


class VillageTeamOut(OutSchema):
    unit: UnitBrief
    grids: int
    complete: int
    missing_roles: int


class AccountOut(OutSchema):
    id: int
    username: str
    full_name: str
    unit_name: str


class TeamsOut(OutSchema):
    unit: UnitBrief
    grids: int
    complete: int
    missing_roles: int
    villages: list[VillageTeamOut]
    teams: list[GridTeamOut]
    can_edit: bool


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(
        Unit.objects.defer("boundary"), user, unit_id, "records.read", "没有查看辖区概况的权限", missing="单位不存在"
    )
    return found


def _can_edit(user: User, unit: Unit) -> bool:
    return user.has_cap(WRITE) and unit.is_capturable_by(user) and not unit.is_retired


def _staff(m: StaffMember, user: User) -> dict[str, Any]:
    photo = m.photo
    label = GridRole(m.grid_role).label if m.grid_role else StaffGroup(m.group).label
    return {
        "id": m.pk,
        "unit": m.unit,
        "group": m.group,
        "grid_role": m.grid_role,
        "role_label": label,
        "name": m.name,
        "post": m.post,
        "phone_mask": m.phone_mask,
        "user_id": m.user_id,
        "username": m.user.username if m.user else "",
        "photo_url": f"/api/attachments/{photo.pk}/file" if photo else None,
        "photo_thumbnail_url": f"/api/attachments/{photo.pk}/thumbnail" if photo and photo.thumbnail else None,
        "order": m.order,
        "joined_on": m.joined_on,
        "left_on": m.left_on,
        "has_left": m.left_on is not None,
        "can_edit": m.left_on is None and user.has_cap(WRITE) and m.is_capturable_by(user),
    }


def _figures(p: UnitProfile) -> dict[str, Any]:
    return {
        "description": p.description,
        "area_km2": p.area_km2,
        "households": p.households,
        "registered_population": p.registered_population,
        "floating_population": p.floating_population,
        "economy": p.economy,
        "key_projects": p.key_projects,
        "updated_by": p.updated_by.full_name if p.pk and p.updated_by else "",
        "updated_at": p.updated_at if p.pk else None,
    }


def _profile(user: User, unit: Unit) -> dict[str, Any]:
    staff = list(services.staff_of(unit))
    for m in staff:
        m.unit = unit
    parent = Unit.objects.defer("boundary").filter(pk=unit.parent_id).first() if unit.parent_id else None
    children = list(
        Unit.objects.filter(parent=unit, is_retired=False)
        .exclude(level="grid")
        .defer("boundary")
        .order_by("sort", "code")
    )
    return {
        "unit": unit,
        "parent": parent if parent is not None and parent.is_visible_to(user) else None,
        "children": children,
        "profile": _figures(services.profile_of(unit)),
        "leadership": [_staff(m, user) for m in staff if m.group == StaffGroup.LEADERSHIP],
        "centre": [_staff(m, user) for m in staff if m.group == StaffGroup.CENTRE],
        "can_edit": _can_edit(user, unit) and unit.level != "grid",
    }


def _get_staff(user: User, staff_id: int) -> StaffMember:
    found: StaffMember = get_visible(
        StaffMember.objects.select_related("unit", "photo", "user").defer("unit__boundary"),
        user,
        staff_id,
        "records.read",
        "没有查看工作人员的权限",
        missing="人员不存在",
    )
    return found


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response=ProfileOut)
def get_profile(request: HttpRequest, unit: int | None = None) -> dict[str, Any]:
    """A unit's profile (default: the user's own unit) with its leadership and centre staff."""
    user = acting(request)
    return _profile(user, _unit(user, unit))


@router.put("/units/{unit_id}", response=ProfileOut)
def save_profile(request: HttpRequest, unit_id: int, payload: ProfileIn) -> dict[str, Any]:
    user = acting(request)
    unit = _unit(user, unit_id)
    services.save_profile(user, unit, services.ProfileData(**payload.dict()))
    return _profile(user, unit)


@router.get("/teams", response=TeamsOut)
def teams(request: HttpRequest, unit: int | None = None) -> dict[str, Any]:
    """The grid teams (一长四员) under a village or township, the roles each grid lacks, and the
    completeness per village."""
    user = acting(request)
    root = _unit(user, unit)
    s = services.team_summary(root)
    return {
        "unit": root,
        "grids": s["grids"],
        "complete": s["complete"],
        "missing_roles": s["missing_roles"],
        "villages": s["villages"],
        "teams": [
            {
                "grid": t["grid"],
                "village": t["village"],
                "members": [_staff(m, user) for m in t["members"]],
                "missing": t["missing"],
            }
            for t in s["teams"]
        ],
        "can_edit": _can_edit(user, root),
    }


@router.get("/accounts", response=list[AccountOut])
def accounts(request: HttpRequest, unit: int) -> list[dict[str, Any]]:
    """The active system accounts of a village (or of the village of a grid) that a grid team
    member may be linked to."""
    user = acting(request)
    found = _unit(user, unit)
    return [
        {"id": a.pk, "username": a.username, "full_name": a.full_name, "unit_name": a.unit.name if a.unit else ""}
        for a in services.linkable_accounts(user, found)
    ]


def _data(user: User, p: StaffIn) -> services.StaffData:
    unit = get_visible(Unit.objects.defer("boundary"), user, p.unit_id, missing="单位不存在")
    return services.StaffData(
        unit=unit,
        name=p.name,
        group=p.group,
        grid_role=p.grid_role,
        post=p.post,
        phone=p.phone,
        user_id=p.user_id,
        photo_id=p.photo_id,
        order=p.order,
        joined_on=p.joined_on,
    )


@router.post("/staff", response={201: StaffOut})
def create_staff(request: HttpRequest, payload: StaffIn) -> Status[dict[str, Any]]:
    """Add a leader, a centre staff member, or a grid team member (unit: the grid)."""
    user = acting(request)
    member = services.save_staff(user, _data(user, payload))
    return Status(201, _staff(_get_staff(user, member.pk), user))


@router.put("/staff/{staff_id}", response=StaffOut)
def update_staff(request: HttpRequest, staff_id: int, payload: StaffIn) -> dict[str, Any]:
    user = acting(request)
    member = _get_staff(user, staff_id)
    services.save_staff(user, _data(user, payload), member)
    return _staff(_get_staff(user, staff_id), user)


@router.post("/staff/{staff_id}/leave", response=StaffOut)
def leave_staff(request: HttpRequest, staff_id: int, payload: LeaveIn) -> dict[str, Any]:
    """离任: kept on record with the day they left."""
    user = acting(request)
    services.leave_staff(user, _get_staff(user, staff_id), payload.left_on)
    return _staff(_get_staff(user, staff_id), user)


@router.post("/staff/{staff_id}/reveal", response=RevealOut)
def reveal_phone(request: HttpRequest, staff_id: int) -> dict[str, str]:
    """The person's phone in full; each look is audited."""
    user = acting(request)
    return {"value": services.reveal_phone(user, _get_staff(user, staff_id))}
