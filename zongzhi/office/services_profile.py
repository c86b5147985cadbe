"""The unit profile (辖区概况): the figures of a unit, its leadership (领导班子) and centre staff
(综治中心工作人员), and the grid teams (一长四员) with the roles each grid still lacks (seed 003
第七条 5: 一长四员录入完整，少一个扣0.1分).

People are never deleted: leaving is `left_on`. A phone is sealed and shown masked; the full
number is revealed only with `pii.unmask`, and every look is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.cases.models import Attachment
from zongzhi.core.access import require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.core.scope import require_capture, subtree_q
from zongzhi.people.services import reveal_sealed
from zongzhi.units.models import Unit, User

from .attachments import attach_files
from .models import GridRole, OfficeAttachment, StaffGroup, StaffMember, UnitProfile
from .services_common import WRITE

AUDIT_LABELS: dict[str, str] = {
    "office.profile_saved": "修改辖区概况",
    "office.staff_saved": "保存工作人员",
    "office.staff_left": "工作人员离任",
}

PHONE_CHARS = set("0123456789-+ ")


@dataclass(frozen=True)
class ProfileData:
    description: str = ""
    area_km2: Decimal | None = None
    households: int | None = None
    registered_population: int | None = None
    floating_population: int | None = None
    economy: str = ""
    key_projects: str = ""


def profile_of(unit: Unit) -> UnitProfile:
    """The unit's profile, or an empty one (not saved) when none was written yet."""
    return UnitProfile.objects.filter(unit=unit).select_related("updated_by").first() or UnitProfile(unit=unit)


def save_profile(user: User, unit: Unit, data: ProfileData) -> UnitProfile:
    require_cap(user, WRITE, "没有修改辖区概况的权限", unit)
    require_capture(user, unit)
    if unit.level == "grid":
        raise InvalidInput.field("unit_id", "网格没有辖区概况，请选择村（社区）或以上单位", code="unit_is_grid")
    if data.area_km2 is not None and data.area_km2 < 0:
        raise InvalidInput.field("area_km2", "面积不能为负数", code="negative")
    with transaction.atomic():
        profile = UnitProfile.objects.select_for_update().filter(unit=unit).first() or UnitProfile(unit=unit)
        profile.description = data.description.strip()
        profile.area_km2 = data.area_km2
        profile.households = data.households
        profile.registered_population = data.registered_population
        profile.floating_population = data.floating_population
        profile.economy = data.economy.strip()
        profile.key_projects = data.key_projects.strip()
        profile.updated_by = user
        profile.save()
        record_event("office.profile_saved", obj=unit, detail={"unit": unit.code})
    return profile


# --- staff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffData:
    unit: Unit
    name: str
    group: str = ""
    grid_role: str = ""
    post: str = ""
    phone: str | None = None  # None: unchanged
    user_id: int | None = None
    photo_id: int | None = None  # None: unchanged
    order: int = 0
    joined_on: dt.date | None = None


def _accounts_q(unit: Unit) -> Q:
    """The accounts a member of `unit` may be linked to: a grid's or a village's are those of the
    village and its grids; a township's (or higher) those of the unit itself."""
    if unit.level == "grid" and unit.parent_id is not None:
        return Q(unit__path__startswith=Unit.objects.values_list("path", flat=True).get(pk=unit.parent_id))
    if unit.level == "village":
        return Q(unit__path__startswith=unit.path)
    return Q(unit=unit)


def _check_staff(user: User, data: StaffData) -> None:
    unit = data.unit
    if not data.name.strip():
        raise InvalidInput.field("name", "请填写姓名", code="required")
    if unit.level == "grid":
        if data.group or data.grid_role not in GridRole.values:
            raise InvalidInput.field("grid_role", "请选择网格职务（网格长、专职网格员等）", code="grid_role_invalid")
    elif data.grid_role or data.group not in StaffGroup.values:
        raise InvalidInput.field("group", "请选择类别：领导班子或综治中心工作人员", code="group_invalid")
    if data.phone:
        phone = data.phone.strip()
        if not set(phone) <= PHONE_CHARS or sum(c.isdigit() for c in phone) < 7:
            raise InvalidInput.field("phone", "联系电话格式不正确", code="phone_invalid")
    if data.joined_on and data.joined_on > timezone.localdate():
        raise InvalidInput.field("joined_on", "任职日期不能晚于今天", code="joined_in_future")
    if data.user_id is not None:
        linked = User.objects.filter(_accounts_q(unit), pk=data.user_id, is_active=True).first()
        if linked is None:
            raise InvalidInput.field("user_id", "只能关联本单位（本村、社区）的系统账号", code="user_invalid")


def linkable_accounts(user: User, unit: Unit) -> list[User]:
    """The active accounts of the unit's village (with its grids) that a member may be linked
    to; for those who keep the teams (`office.write`)."""
    require_cap(user, WRITE, "没有维护工作人员的权限", unit)
    require_capture(user, unit)
    return list(
        User.objects.filter(_accounts_q(unit), is_active=True)
        .select_related("unit")
        .defer("unit__boundary")
        .order_by("unit__path", "full_name")[:200]
    )


def _check_photo(user: User, photo_id: int) -> None:
    photo = Attachment.objects.filter(pk=photo_id).first()
    if photo is None or photo.kind != Attachment.FileKind.IMAGE:
        raise InvalidInput.field("photo_id", "照片须为图片文件", code="photo_not_image")


def save_staff(user: User, data: StaffData, member: StaffMember | None = None) -> StaffMember:
    """Add a person (member None) or change one. The photo is the user's own unused upload."""
    target = member.unit if member is not None else data.unit
    require_cap(user, WRITE, "没有维护工作人员的权限", member or target)
    require_capture(user, member or target)
    if member is not None and data.unit.pk != member.unit_id:
        require_capture(user, data.unit)
    _check_staff(user, data)
    if data.photo_id is not None and (member is None or member.photo_id != data.photo_id):
        _check_photo(user, data.photo_id)
    with transaction.atomic():
        if member is None:
            obj = StaffMember(created_at=timezone.now())
        else:
            obj = StaffMember.objects.select_for_update().get(pk=member.pk)
            if obj.left_on is not None:
                raise InvalidInput("该人员已离任，不能修改", code="staff_left")
        obj.unit = data.unit
        obj.path = data.unit.path
        obj.group = data.group
        obj.grid_role = data.grid_role
        obj.name = data.name.strip()
        obj.post = data.post.strip()
        if data.phone is not None:
            obj.phone = data.phone.strip()
        obj.user_id = data.user_id
        obj.order = data.order
        obj.joined_on = data.joined_on
        new_photo = data.photo_id is not None and data.photo_id != obj.photo_id
        if new_photo:
            obj.photo_id = data.photo_id
        obj.save()
        if new_photo and data.photo_id is not None:
            attach_files(user, [data.photo_id], OfficeAttachment.Owner.STAFF, obj.pk)
        record_event("office.staff_saved", obj=obj, detail={"created": member is None})
    return obj


def leave_staff(user: User, member: StaffMember, left_on: dt.date | None = None) -> StaffMember:
    """离任: the person stays on record with the day they left."""
    require_cap(user, WRITE, "没有维护工作人员的权限", member)
    require_capture(user, member)
    day = left_on or timezone.localdate()
    if day > timezone.localdate():
        raise InvalidInput.field("left_on", "离任日期不能晚于今天", code="left_in_future")
    if member.joined_on and day < member.joined_on:
        raise InvalidInput.field("left_on", "离任日期不能早于任职日期", code="left_before_joined")
    with transaction.atomic():
        obj: StaffMember = StaffMember.objects.select_for_update().get(pk=member.pk)
        if obj.left_on is not None:
            raise InvalidInput("该人员已离任", code="staff_left")
        obj.left_on = day
        obj.save()
        record_event("office.staff_left", obj=obj, detail={"left_on": str(day)})
    return obj


def reveal_phone(user: User, member: StaffMember) -> str:
    return reveal_sealed(acting_user=user, obj=member, field="phone", sealed=member.phone_sealed)


def current_q(today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(left_on__isnull=True) | Q(left_on__gt=today)


def staff_of(unit: Unit) -> QuerySet[StaffMember]:
    """The leadership and centre staff of a unit, current first, then those who left."""
    return (
        StaffMember.objects.filter(unit=unit, grid_role="")
        .select_related("photo", "user")
        .order_by("group", "left_on", "order", "id")
    )


# --- grid teams -------------------------------------------------------------------------------

ROLES = list(GridRole.values)


def _grids_under(unit: Unit) -> QuerySet[Unit]:
    qs = Unit.objects.filter(level="grid", is_retired=False).defer("boundary")
    if unit.level == "grid":
        return qs.filter(pk=unit.pk)
    return qs.filter(subtree_q([unit.path])).order_by("path")


def grid_teams(unit: Unit) -> list[dict[str, Any]]:
    """Every active grid under `unit` (a village, township or the grid itself) with its current
    members by role and the roles it lacks."""
    grids = list(_grids_under(unit).select_related("parent"))
    members = (
        StaffMember.objects.filter(unit__in=grids)
        .exclude(grid_role="")
        .filter(current_q())
        .select_related("photo", "user")
        .order_by("unit", "grid_role", "order", "id")
    )
    by_grid: dict[int, list[StaffMember]] = {g.pk: [] for g in grids}
    for m in members:
        by_grid[m.unit_id].append(m)
    out = []
    for g in grids:
        have = {m.grid_role for m in by_grid[g.pk]}
        out.append(
            {"grid": g, "village": g.parent, "members": by_grid[g.pk], "missing": [r for r in ROLES if r not in have]}
        )
    return out


def grid_team_gaps(unit: Unit) -> list[dict[str, Any]]:
    """For the assessment: the grids under `unit` lacking one or more of 一长四员, each with the
    roles it lacks ({"grid": Unit, "village": Unit, "missing": [role, ...]}); one point per
    missing role (少一个扣0.1分)."""
    return [
        {"grid": t["grid"], "village": t["village"], "missing": t["missing"]} for t in grid_teams(unit) if t["missing"]
    ]


def team_summary(unit: Unit) -> dict[str, Any]:
    """Completeness of the grid teams under `unit`, in total and per village."""
    teams = grid_teams(unit)
    villages: dict[int, dict[str, Any]] = {}
    for t in teams:
        v = t["village"]
        row = villages.setdefault(v.pk, {"unit": v, "grids": 0, "complete": 0, "missing_roles": 0})
        row["grids"] += 1
        row["complete"] += 0 if t["missing"] else 1
        row["missing_roles"] += len(t["missing"])
    return {
        "grids": len(teams),
        "complete": sum(1 for t in teams if not t["missing"]),
        "missing_roles": sum(len(t["missing"]) for t in teams),
        "villages": sorted(villages.values(), key=lambda r: r["unit"].path),
        "teams": teams,
    }
