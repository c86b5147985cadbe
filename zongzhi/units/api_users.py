"""REST endpoints of users and roles. Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zongzhi.core.access import acting
from zongzhi.core.capabilities import CAPABILITIES, KIND_LABELS
from zongzhi.core.errors import AuditNote, InvalidInput, NotFound
from zongzhi.core.pagination import LimitOffset
from zongzhi.core.scope import get_visible, path_within, subtree_q

from . import accounts, services
from .models import Department, Role, Unit, User
from .schemas import (
    CapabilityOut,
    GrantsIn,
    PasswordResetIn,
    PhoneOut,
    RoleIn,
    RoleOut,
    RoleUpdateIn,
    UserCreateIn,
    UserOut,
    UserUpdateIn,
)


def user_list_qs() -> QuerySet[User]:
    return User.objects.select_related("unit", "department").prefetch_related(
        "roles",
        "view_scope",
        "capture_scope",
        Prefetch("totpdevice_set", queryset=TOTPDevice.objects.filter(confirmed=True), to_attr="confirmed_totp"),
    )


users_router = Router(tags=["用户"])


class UserFilter(Schema):
    unit: int | None = None
    role: str | None = None
    q: str | None = None
    is_active: bool | None = None


def _visible_user(request: HttpRequest, user_id: int) -> User:
    actor = acting(request)
    target = user_list_qs().filter(pk=user_id).first()
    if target is None:
        raise NotFound("用户不存在")
    path = target.unit.path if target.unit is not None else ""
    if target.pk != actor.pk and not (path and path_within(path, actor.view_paths)):
        raise NotFound("用户不存在", audit=AuditNote("scope.denied", target, {"mode": "read"}))
    return target


@users_router.get("", response=list[UserOut])
@paginate(LimitOffset)
def list_users(request: HttpRequest, filters: Query[UserFilter]) -> QuerySet[User]:
    user = acting(request)
    qs = user_list_qs().filter(subtree_q(user.view_paths, "unit__path"))
    if filters.unit is not None:
        root = get_visible(Unit.objects.all(), user, filters.unit)
        qs = qs.filter(subtree_q([root.path], "unit__path"))
    if filters.role:
        qs = qs.filter(roles__code=filters.role)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__contains=q))
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return qs.order_by("unit__path", "id").distinct()


@users_router.get("/{user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: int) -> User:
    return _visible_user(request, user_id)


def _unit_for(user: User, unit_id: int | None) -> Unit | None:
    return get_visible(Unit.objects.all(), user, unit_id) if unit_id is not None else None


def _department_for(user: User, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department: Department = get_visible(Department.objects.all(), user, department_id)
    return department


@users_router.post("", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[User]:
    actor = acting(request)
    unit = _unit_for(actor, payload.unit_id)
    assert unit is not None
    user = accounts.create_user(
        acting_user=actor,
        username=payload.username,
        full_name=payload.full_name,
        phone=payload.phone,
        unit=unit,
        department=_department_for(actor, payload.department_id),
        password=payload.password,
    )
    return Status(201, user_list_qs().get(pk=user.pk))


@users_router.patch("/{user_id}", response=UserOut)
def update_user(request: HttpRequest, user_id: int, payload: UserUpdateIn) -> User:
    actor = acting(request)
    target = _visible_user(request, user_id)
    accounts.update_user(
        acting_user=actor,
        user=target,
        full_name=payload.full_name,
        phone=payload.phone,
        unit=_unit_for(actor, payload.unit_id),
        department=_department_for(actor, payload.department_id),
        clear_department=payload.clear_department,
    )
    return user_list_qs().get(pk=target.pk)


@users_router.put("/{user_id}/grants", response=UserOut)
def set_grants(request: HttpRequest, user_id: int, payload: GrantsIn) -> User:
    actor = acting(request)
    target = _visible_user(request, user_id)
    codes = list(dict.fromkeys(payload.role_codes))
    roles = list(Role.objects.filter(code__in=codes))
    if len(roles) != len(codes):
        raise InvalidInput.field("role_codes", "包含不存在的角色", code="role_unknown")
    accounts.set_grants(
        acting_user=actor,
        user=target,
        roles=roles,
        view_scope=services.resolve_units(payload.view_scope_ids, field="view_scope_ids"),
        capture_scope=services.resolve_units(payload.capture_scope_ids, field="capture_scope_ids"),
    )
    return user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/reset-password", response=UserOut)
def reset_password(request: HttpRequest, user_id: int, payload: PasswordResetIn) -> User:
    target = _visible_user(request, user_id)
    accounts.reset_password(acting_user=acting(request), user=target, new_password=payload.new_password)
    return user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/deactivate", response=UserOut)
def deactivate_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    accounts.set_user_active(acting_user=acting(request), user=target, active=False)
    return user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/activate", response=UserOut)
def activate_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    accounts.set_user_active(acting_user=acting(request), user=target, active=True)
    return user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/unlock", response=UserOut)
def unlock_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    accounts.unlock_user(acting_user=acting(request), user=target)
    return user_list_qs().get(pk=target.pk)


@users_router.get("/{user_id}/phone", response=PhoneOut)
def reveal_phone(request: HttpRequest, user_id: int) -> dict[str, str]:
    target = _visible_user(request, user_id)
    return {"phone": accounts.reveal_phone(acting_user=acting(request), user=target)}


# === roles ==================================================================================
roles_router = Router(tags=["角色"])


@roles_router.get("", response=list[RoleOut])
def list_roles(request: HttpRequest) -> list[Role]:
    return list(Role.objects.annotate(user_count=Count("users", filter=Q(users__is_active=True))).order_by("id"))


@roles_router.get("/capabilities", response=list[CapabilityOut])
def list_capabilities(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": c.code, "label": c.label, "group": KIND_LABELS[c.kind]} for c in CAPABILITIES.values()]


@roles_router.post("", response={201: RoleOut})
def create_role(request: HttpRequest, payload: RoleIn) -> Status[Role]:
    role = accounts.create_role(
        acting_user=acting(request),
        code=payload.code,
        name=payload.name,
        description=payload.description,
        capabilities=payload.capabilities,
    )
    return Status(201, role)


@roles_router.patch("/{role_id}", response=RoleOut)
def update_role(request: HttpRequest, role_id: int, payload: RoleUpdateIn) -> Role:
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise NotFound("角色不存在")
    return accounts.update_role(
        acting_user=acting(request),
        role=role,
        name=payload.name,
        description=payload.description,
        capabilities=payload.capabilities,
    )


# === sessions ===============================================================================
