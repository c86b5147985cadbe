"""State changes of accounts: users (placement, grants, passwords, activation), roles and login
sessions. Like services.py, every function takes the acting user as keyword-only `acting_user`,
checks capability and scope, runs in one transaction and writes its business audit event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.capabilities import ADMIN_KINDS, CAPABILITIES, admin_kinds_of
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, check_all
from zongzhi.core.scope import CORRECT, path_within, require_capture

from .models import Department, LoginSession, Role, Unit, User
from .services import PHONE_RE, USERNAME_RE, clean_name


# --- users -----------------------------------------------------------------------------------
def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "；".join(exc.messages),
            code="password_weak",
            errors=[{"field": "password", "message": m} for m in exc.messages],
        ) from exc


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    """Check and set a new password (reset by an administrator: to be changed at next login)."""
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save()


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput.field("phone", "手机号格式不正确（11位手机号或带区号的固定电话）", code="phone_invalid")
    return phone


def _check_user_placement(acting_user: User, unit: Unit, department: Department | None) -> None:
    require_capture(acting_user, unit)
    if unit.is_retired:
        raise InvalidInput.field("unit_id", "所属单位已撤销", code="unit_retired")
    if department is not None:
        if department.is_retired:
            raise InvalidInput.field("department_id", "成员单位已撤销", code="department_retired")
        if not path_within(department.path, [unit.path]):
            raise InvalidInput.field("department_id", "成员单位须在所属单位或其下级", code="department_mismatch")
        require_capture(acting_user, department)


@transaction.atomic
def create_user(
    *,
    acting_user: User,
    username: str,
    full_name: str,
    phone: str,
    unit: Unit,
    department: Department | None,
    password: str,
) -> User:
    """Open an account (系统管理员). Roles and scopes are granted separately (安全管理员);
    the new user must change the password at first login."""
    require_cap(acting_user, "users.manage")
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    user = User(
        username=username, full_name=full_name[:60], unit=unit, department=department, must_change_password=True
    )

    def check_username() -> None:
        if not USERNAME_RE.match(username):
            raise InvalidInput.field("username", "用户名为3-50位字母、数字或 _ . @ -", code="username_invalid")
        if User.objects.filter(username__iexact=username).exists():
            raise InvalidInput.field("username", "用户名已存在", code="username_taken")

    def check_full_name() -> None:
        if not full_name:
            raise InvalidInput.field("full_name", "姓名不能为空", code="required")

    # every mistake of the form at once (the console shows each beside its field)
    check_all(
        check_username,
        check_full_name,
        lambda: _clean_phone(phone),
        lambda: _check_user_placement(acting_user, unit, department),
        lambda: _check_password(password, user),
    )
    user.phone = _clean_phone(phone)  # sealed, with its mask (a property, not a field)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    record_event("user.created", obj=user)
    return user


@transaction.atomic
def update_user(
    *,
    acting_user: User,
    user: User,
    full_name: str | None = None,
    phone: str | None = None,
    unit: Unit | None = None,
    department: Department | None = None,
    clear_department: bool = False,
) -> User:
    require_cap(acting_user, "users.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_user_in_capture(acting_user, user)
    if full_name is not None:
        if not full_name.strip():
            raise InvalidInput.field("full_name", "姓名不能为空", code="required")
        user.full_name = full_name.strip()[:60]
    if phone is not None:
        user.phone = _clean_phone(phone)
    new_unit = unit or user.unit
    new_dept = None if clear_department else (department or user.department)
    if new_unit is not None and (unit is not None or department is not None):
        _check_user_placement(acting_user, new_unit, new_dept)
    user.unit = new_unit
    user.department = new_dept
    user.save()
    record_event("user.updated", obj=user)
    return user


def _require_user_in_capture(acting_user: User, user: User) -> None:
    path = user.unit.path if user.unit is not None else ""
    require_capture(acting_user, user, path=path)


@transaction.atomic
def set_grants(
    *,
    acting_user: User,
    user: User,
    roles: Iterable[Role],
    view_scope: Iterable[Unit],
    capture_scope: Iterable[Unit],
) -> User:
    """Grant roles and scopes (安全管理员).

    A user grants only what they hold: every unit of the new scopes lies inside the granter's
    own scope of the same kind, and administrator capabilities are granted only by someone who
    holds them. The three administrator kinds never meet in one account, and nobody changes
    their own grants.
    """
    require_cap(acting_user, "roles.assign")
    if user.pk == acting_user.pk:
        raise Forbidden("不能为自己授权", code="grant_self")
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_user_in_capture(acting_user, user)
    roles, view_scope, capture_scope = list(roles), list(view_scope), list(capture_scope)
    caps: set[str] = set()
    for role in roles:
        caps.update(role.capabilities)
    if len(admin_kinds_of(caps)) > 1:
        raise InvalidInput.field(
            "role_codes", "三员分立：系统、安全、审计管理员的权限不能授予同一账号", code="separation_of_duties"
        )
    if CORRECT in caps and acting_user.admin_kind != "security":
        # Changing lower levels' records is the exception to 上级不得修改下级数据: only the
        # security administrator opens it, and the grant is written to the audit log below.
        raise Forbidden("“上级更正下级数据”权限只能由安全管理员授予", code="grant_requires_security_admin")
    admin_caps = {c for c in caps if c in CAPABILITIES and CAPABILITIES[c].kind in ADMIN_KINDS}
    missing = admin_caps - set(acting_user.capabilities)
    if missing:
        labels = "、".join(CAPABILITIES[c].label for c in sorted(missing))
        raise Forbidden(f"不能授予自己没有的管理权限：{labels}", code="grant_exceeds_own")
    for field, units, own in (
        ("view_scope_ids", view_scope, acting_user.view_paths),
        ("capture_scope_ids", capture_scope, acting_user.capture_paths),
    ):
        for unit in units:
            if unit.is_retired:
                raise InvalidInput.field(field, f"“{unit.name}”已撤销", code="unit_retired")
            if not path_within(unit.path, own):
                raise Forbidden(f"只能授予自己范围内的辖区，“{unit.name}”超出了您的范围", code="grant_exceeds_own")
    view_roots = [v.path for v in view_scope]
    if any(not path_within(u.path, view_roots) for u in capture_scope):
        raise InvalidInput.field("capture_scope_ids", "录入范围须在查看范围之内", code="capture_outside_view")
    before = {
        "roles": sorted(user.roles.values_list("code", flat=True)),
        "view_scope": sorted(user.view_scope.values_list("code", flat=True)),
        "capture_scope": sorted(user.capture_scope.values_list("code", flat=True)),
    }
    user.roles.set(roles)
    user.view_scope.set(view_scope)
    user.capture_scope.set(capture_scope)
    user.forget_cached_grants()
    after = {
        "roles": sorted(r.code for r in roles),
        "view_scope": sorted(u.code for u in view_scope),
        "capture_scope": sorted(u.code for u in capture_scope),
    }
    record_event("user.grants_changed", obj=user, detail={"before": before, "after": after})
    if before["roles"] != after["roles"]:
        end_sessions_for_new_grants(user)
    return user


def end_sessions_for_new_grants(user: User) -> int:
    """End every open session of a user whose roles changed, audited as `auth.session_ended`.

    A session opened before a role was granted would otherwise go on with the new powers, and an
    administrator's role would work without the second factor its login demands (the login asks
    for TOTP only when the account is an administrator's). At the next request the user reads
    登录状态已失效：您的权限已变更，请重新登录 (`auth.SESSION_END_MESSAGES`). Called inside the
    granting transaction: a refused grant ends nothing.
    """
    from .auth import end_login_session

    ended = 0
    for ls in LoginSession.objects.filter(user=user, ended_at__isnull=True):
        end_login_session(ls, "grants_changed")
        record_event("auth.session_ended", obj=user, detail={"session": ls.pk, "reason": "grants_changed"})
        ended += 1
    return ended


@transaction.atomic
def reset_password(*, acting_user: User, user: User, new_password: str) -> User:
    require_cap(acting_user, "users.manage")
    _require_user_in_capture(acting_user, user)
    _set_password(user, new_password, must_change=True)
    record_event("user.password_reset", obj=user)
    return user


@transaction.atomic
def change_own_password(*, acting_user: User, old_password: str, new_password: str) -> User:
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    if not user.check_password(old_password):
        raise InvalidInput.field("old_password", "原密码不正确", code="old_password_wrong")
    if old_password == new_password:
        raise InvalidInput.field("new_password", "新密码不能与原密码相同", code="password_reused")
    _set_password(user, new_password, must_change=False)
    record_event("auth.password_changed", obj=user)
    return user


@transaction.atomic
def set_user_active(*, acting_user: User, user: User, active: bool) -> User:
    """Deactivate (停用) or re-activate an account; deactivating ends its sessions. Accounts are
    never deleted."""
    require_cap(acting_user, "users.manage")
    if user.pk == acting_user.pk:
        raise Forbidden("不能停用自己的账号", code="deactivate_self")
    _require_user_in_capture(acting_user, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        from .auth import end_login_session

        for ls in LoginSession.objects.filter(user=user, ended_at__isnull=True):
            end_login_session(ls, "deactivated")
    record_event("user.activated" if active else "user.deactivated", obj=user)
    return user


@transaction.atomic
def unlock_user(*, acting_user: User, user: User) -> User:
    from axes.utils import reset

    require_cap(acting_user, "users.manage")
    _require_user_in_capture(acting_user, user)
    reset(username=user.username)
    record_event("user.unlocked", obj=user)
    return user


def locked_usernames() -> set[str]:
    """Usernames locked by django-axes right now (five failures within the cool-off)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


def reveal_phone(*, acting_user: User, user: User) -> str:
    """Show a full phone number: audited (个人信息查看留痕)."""
    allowed = acting_user.has_cap("users.manage") or acting_user.has_cap("pii.unmask")
    if acting_user.pk != user.pk and not allowed:
        raise Forbidden(
            "没有查看完整手机号的权限", audit=AuditNote("permission.denied", user, {"capability": "pii.unmask"})
        )
    record_event("pii.unmask", obj=user, detail={"field": "phone", "shown": user.phone_mask})
    return user.phone


# --- roles -----------------------------------------------------------------------------------
def _clean_capabilities(codes: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in CAPABILITIES]
    if unknown:
        raise InvalidInput.field("capabilities", f"未知的权限：{'、'.join(unknown)}", code="capability_unknown")
    if len(admin_kinds_of(codes)) > 1:
        raise InvalidInput.field(
            "capabilities", "三员分立：一个角色只能包含一类管理员权限", code="separation_of_duties"
        )
    return codes


@transaction.atomic
def create_role(*, acting_user: User, code: str, name: str, description: str, capabilities: list[str]) -> Role:
    require_cap(acting_user, "roles.manage")
    code = (code or "").strip()
    if not re.match(r"^[a-z][a-z0-9_]{1,39}$", code):
        raise InvalidInput.field("code", "角色代码为2-40位小写字母、数字或下划线，以字母开头", code="role_code_invalid")
    if Role.objects.filter(code=code).exists():
        raise InvalidInput.field("code", "角色代码已存在", code="role_code_taken")
    role = Role.objects.create(
        code=code,
        name=clean_name(name)[:60],
        description=(description or "")[:200],
        capabilities=_clean_capabilities(capabilities),
    )
    record_event("role.created", obj=role)
    return role


@transaction.atomic
def update_role(
    *, acting_user: User, role: Role, name: str | None, description: str | None, capabilities: list[str] | None
) -> Role:
    require_cap(acting_user, "roles.manage")
    role = Role.objects.select_for_update().get(pk=role.pk)
    if name is not None:
        role.name = clean_name(name)[:60]
    if description is not None:
        role.description = description[:200]
    if capabilities is not None:
        if role.is_builtin and role.code in {"sys_admin", "sec_admin", "auditor"}:
            raise Forbidden("三员内置角色的权限不能修改", code="builtin_role_locked")
        caps = _clean_capabilities(capabilities)
        # Users holding this role must still respect the separation of duties.
        for user in role.users.all():
            other: set[str] = set()
            for r in user.roles.exclude(pk=role.pk):
                other.update(r.capabilities)
            if len(admin_kinds_of(other | set(caps))) > 1:
                raise InvalidInput.field(
                    "capabilities", f"用户“{user}”会同时拥有两类管理员权限", code="separation_of_duties"
                )
        gained = set(caps) - set(role.capabilities)
        role.capabilities = caps
    else:
        gained = set()
    role.save()
    record_event("role.updated", obj=role)
    if gained:
        # Its holders gain powers: their sessions end as when a role is granted (see above).
        for user in role.users.filter(is_active=True):
            end_sessions_for_new_grants(user)
    return role


# --- sessions --------------------------------------------------------------------------------
@transaction.atomic
def end_session(*, acting_user: User, login_session: LoginSession) -> None:
    from .auth import end_login_session

    require_cap(acting_user, "sessions.manage")
    target = login_session.user
    _require_user_in_capture(acting_user, target)
    if login_session.ended_at is not None:
        raise Conflict("该会话已结束", code="session_ended")
    end_login_session(login_session, "ended_by_admin")
    record_event("auth.session_ended", obj=target, detail={"session": login_session.pk})
