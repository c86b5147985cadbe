"""REST endpoints of the units app. Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zongzhi import __version__
from zongzhi.core.access import acting, require_cap
from zongzhi.core.capabilities import CAPABILITIES, KIND_LABELS
from zongzhi.core.errors import AuditNote, InvalidInput, NotFound
from zongzhi.core.pagination import LimitOffset
from zongzhi.core.scope import get_visible, path_within, subtree_q

from . import auth, services
from .models import Department, Level, LoginSession, Role, Unit, User
from .schemas import (
    CapabilityOut,
    DepartmentIn,
    DepartmentOut,
    DepartmentRenameIn,
    GrantsIn,
    LoginIn,
    LoginOut,
    MapOut,
    MeOut,
    OtpChallengeIn,
    OtpCodeIn,
    OtpSetupOut,
    OtpStatusOut,
    OtpVerifyIn,
    PasswordChangeIn,
    PasswordResetIn,
    PhoneOut,
    RoleIn,
    RoleOut,
    RoleUpdateIn,
    SessionOut,
    SystemConfigOut,
    UnitCreateIn,
    UnitMoveIn,
    UnitOut,
    UnitRenameIn,
    UnitStatsOut,
    UserCreateIn,
    UserOut,
    UserUpdateIn,
)

# --- to-do providers: later apps register a function counting a user's to-do items ----------
TODO_PROVIDERS: list[Any] = []


def me_payload(user: User) -> dict[str, Any]:
    user = (
        User.objects.select_related("unit", "department")
        .prefetch_related("roles", "view_scope", "capture_scope")
        .get(pk=user.pk)
    )
    return {
        "user": user,
        "capabilities": sorted(user.capabilities),
        "password_change_required": user.must_change_password or user.password_expired(),
        "otp_required": user.admin_kind is not None,
        "todo_count": sum(int(p(user)) for p in TODO_PROVIDERS),
    }


def _login_out(result: auth.LoginResult) -> dict[str, Any]:
    out: dict[str, Any] = {"status": result.status, "challenge": result.challenge, "token": result.token}
    out["me"] = me_payload(result.user) if result.status == "ok" else None
    return out


def _otp_setup_out(device: TOTPDevice, user: User) -> dict[str, Any]:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    uri = device.config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": svg}


# === auth ===================================================================================
auth_router = Router(tags=["登录与账号"])


@auth_router.get("/csrf", auth=None, response={204: None})
def csrf(request: HttpRequest) -> Status[None]:
    """Sets the CSRF cookie the console sends back on every change."""
    get_token(request)
    return Status(204, None)


@auth_router.post("/login", auth=None, response=LoginOut)
def login(request: HttpRequest, payload: LoginIn) -> dict[str, Any]:
    result = auth.login_with_password(
        request, username=payload.username.strip(), password=payload.password, client=payload.client
    )
    return _login_out(result)


@auth_router.post("/otp/verify", auth=None, response=LoginOut)
def otp_verify(request: HttpRequest, payload: OtpVerifyIn) -> dict[str, Any]:
    return _login_out(auth.verify_otp(request, challenge=payload.challenge, code=payload.code, client=payload.client))


@auth_router.post("/otp/setup", auth=None, response=OtpSetupOut)
def otp_setup(request: HttpRequest, payload: OtpChallengeIn) -> dict[str, Any]:
    device = auth.setup_otp_for_challenge(payload.challenge)
    return _otp_setup_out(device, device.user)


@auth_router.post("/otp/confirm", auth=None, response=LoginOut)
def otp_confirm(request: HttpRequest, payload: OtpVerifyIn) -> dict[str, Any]:
    return _login_out(
        auth.confirm_otp_for_challenge(request, challenge=payload.challenge, code=payload.code, client=payload.client)
    )


@auth_router.get("/me", auth=auth.pending_auth, response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    return me_payload(acting(request))


@auth_router.post("/logout", auth=auth.pending_auth, response={204: None})
def logout(request: HttpRequest) -> Status[None]:
    auth.logout(request)
    return Status(204, None)


@auth_router.post("/password", auth=auth.pending_auth, response=MeOut)
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> dict[str, Any]:
    user = services.change_own_password(
        acting_user=acting(request), old_password=payload.old_password, new_password=payload.new_password
    )
    return me_payload(user)


@auth_router.get("/otp/devices", auth=auth.pending_auth, response=OtpStatusOut)
def otp_status(request: HttpRequest) -> dict[str, bool]:
    return {"enabled": auth.has_totp(acting(request))}


@auth_router.post("/otp/devices", auth=auth.pending_auth, response=OtpSetupOut)
def otp_start(request: HttpRequest) -> dict[str, Any]:
    user = acting(request)
    return _otp_setup_out(auth.start_totp_setup(user), user)


@auth_router.post("/otp/devices/confirm", auth=auth.pending_auth, response=OtpStatusOut)
def otp_device_confirm(request: HttpRequest, payload: OtpCodeIn) -> dict[str, bool]:
    auth.confirm_totp(acting(request), payload.code)
    return {"enabled": True}


@auth_router.delete("/otp/devices", auth=auth.pending_auth, response={204: None})
def otp_disable(request: HttpRequest) -> Status[None]:
    auth.disable_totp(acting(request))
    return Status(204, None)


# === units ==================================================================================
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
        qs = qs.filter(subtree_q([root.path]))
        staff = staff.filter(subtree_q([root.path], "unit__path"))
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


def _user_list_qs() -> QuerySet[User]:
    return User.objects.select_related("unit", "department").prefetch_related(
        "roles",
        "view_scope",
        "capture_scope",
        Prefetch("totpdevice_set", queryset=TOTPDevice.objects.filter(confirmed=True), to_attr="confirmed_totp"),
    )


@units_router.get("/{unit_id}/staff", response=list[UserOut])
@paginate(LimitOffset)
def unit_staff(request: HttpRequest, unit_id: int) -> QuerySet[User]:
    unit = get_visible(Unit.objects.all(), acting(request), unit_id)
    return _user_list_qs().filter(unit=unit, is_active=True).order_by("id")


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
users_router = Router(tags=["用户"])


class UserFilter(Schema):
    unit: int | None = None
    role: str | None = None
    q: str | None = None
    is_active: bool | None = None


def _visible_user(request: HttpRequest, user_id: int) -> User:
    actor = acting(request)
    target = _user_list_qs().filter(pk=user_id).first()
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
    qs = _user_list_qs().filter(subtree_q(user.view_paths, "unit__path"))
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
    user = services.create_user(
        acting_user=actor,
        username=payload.username,
        full_name=payload.full_name,
        phone=payload.phone,
        unit=unit,
        department=_department_for(actor, payload.department_id),
        password=payload.password,
    )
    return Status(201, _user_list_qs().get(pk=user.pk))


@users_router.patch("/{user_id}", response=UserOut)
def update_user(request: HttpRequest, user_id: int, payload: UserUpdateIn) -> User:
    actor = acting(request)
    target = _visible_user(request, user_id)
    services.update_user(
        acting_user=actor,
        user=target,
        full_name=payload.full_name,
        phone=payload.phone,
        unit=_unit_for(actor, payload.unit_id),
        department=_department_for(actor, payload.department_id),
        clear_department=payload.clear_department,
    )
    return _user_list_qs().get(pk=target.pk)


@users_router.put("/{user_id}/grants", response=UserOut)
def set_grants(request: HttpRequest, user_id: int, payload: GrantsIn) -> User:
    actor = acting(request)
    target = _visible_user(request, user_id)
    codes = list(dict.fromkeys(payload.role_codes))
    roles = list(Role.objects.filter(code__in=codes))
    if len(roles) != len(codes):
        raise InvalidInput.field("role_codes", "包含不存在的角色", code="role_unknown")
    services.set_grants(
        acting_user=actor,
        user=target,
        roles=roles,
        view_scope=services.resolve_units(payload.view_scope_ids, field="view_scope_ids"),
        capture_scope=services.resolve_units(payload.capture_scope_ids, field="capture_scope_ids"),
    )
    return _user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/reset-password", response=UserOut)
def reset_password(request: HttpRequest, user_id: int, payload: PasswordResetIn) -> User:
    target = _visible_user(request, user_id)
    services.reset_password(acting_user=acting(request), user=target, new_password=payload.new_password)
    return _user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/deactivate", response=UserOut)
def deactivate_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    services.set_user_active(acting_user=acting(request), user=target, active=False)
    return _user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/activate", response=UserOut)
def activate_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    services.set_user_active(acting_user=acting(request), user=target, active=True)
    return _user_list_qs().get(pk=target.pk)


@users_router.post("/{user_id}/unlock", response=UserOut)
def unlock_user(request: HttpRequest, user_id: int) -> User:
    target = _visible_user(request, user_id)
    services.unlock_user(acting_user=acting(request), user=target)
    return _user_list_qs().get(pk=target.pk)


@users_router.get("/{user_id}/phone", response=PhoneOut)
def reveal_phone(request: HttpRequest, user_id: int) -> dict[str, str]:
    target = _visible_user(request, user_id)
    return {"phone": services.reveal_phone(acting_user=acting(request), user=target)}


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
    role = services.create_role(
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
    return services.update_role(
        acting_user=acting(request),
        role=role,
        name=payload.name,
        description=payload.description,
        capabilities=payload.capabilities,
    )


# === sessions ===============================================================================
sessions_router = Router(tags=["在线会话"])


@sessions_router.get("", response=list[SessionOut])
@paginate(LimitOffset)
def list_sessions(request: HttpRequest, user: int | None = None) -> QuerySet[LoginSession]:
    actor = acting(request)
    require_cap(actor, "sessions.manage")
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    qs = (
        LoginSession.objects.select_related("user")
        .filter(
            ended_at__isnull=True,
            expires_at__gt=now,
            last_seen_at__gt=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS),
        )
        .filter(subtree_q(actor.capture_paths, "user__unit__path"))
    )
    if user is not None:
        qs = qs.filter(user_id=user)
    return qs.order_by("-last_seen_at")


@sessions_router.post("/{session_id}/end", response={204: None})
def end_session(request: HttpRequest, session_id: int) -> Status[None]:
    ls = LoginSession.objects.select_related("user__unit").filter(pk=session_id).first()
    if ls is None:
        raise NotFound("会话不存在")
    services.end_session(acting_user=acting(request), login_session=ls)
    return Status(204, None)


# === system =================================================================================
system_router = Router(tags=["系统"])


@system_router.get("/config", auth=None, response=SystemConfigOut)
def system_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "version": __version__,
        "mass_incident_threshold": settings.CASES_MASS_INCIDENT_THRESHOLD,
    }
