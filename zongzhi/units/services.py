"""State changes of the units app: the tree, departments, users, roles and sessions.

Every function takes the acting user as keyword-only `acting_user`, checks capability and
scope, runs in one transaction and writes its business audit event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.capabilities import ADMIN_KINDS, CAPABILITIES, admin_kinds_of
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound
from zongzhi.core.masking import mask_value
from zongzhi.core.records import record_type
from zongzhi.core.scope import path_upper_bound, path_within, require_capture, scoped_models

from .models import CODE_LENGTH, LEVEL_ORDER, PATH_LENGTH, Department, LoginSession, Role, Unit, User, child_level

CODE_RE = re.compile(r"^\d+$")
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,50}$")


# --- the tree --------------------------------------------------------------------------------
def path_of(level: str, code: str) -> str:
    return code[: PATH_LENGTH[level]]


def validate_unit_code(*, code: str, level: str, parent: Unit | None, exclude: Unit | None = None) -> str:
    """Check a unit code: digits, length by level, consistent with the parent, unique.

    1. digits only, 12 digits (15 for a grid);
    2. starts with the parent's path; this level's segment is not all zeros;
    3. everything after this level's segment is zeros (a township 320111003 → 320111003000);
    4. no other unit has the same code or the same path.
    Returns the unit's path.
    """
    code = (code or "").strip()
    expected = CODE_LENGTH[level]
    if not CODE_RE.match(code) or len(code) != expected:
        raise InvalidInput.field("code", f"{_level_label(level)}的代码应为{expected}位数字", code="unit_code_invalid")
    path = path_of(level, code)
    if parent is not None and not code.startswith(parent.path):
        raise InvalidInput.field("code", f"代码须以上级单位的代码前缀“{parent.path}”开头", code="unit_code_prefix")
    own_segment = path[len(parent.path) :] if parent is not None else path
    if own_segment and set(own_segment) == {"0"}:
        raise InvalidInput.field("code", "本级代码段不能全为0", code="unit_code_invalid")
    if set(code[len(path) :]) - {"0"}:
        raise InvalidInput.field(
            "code", f"{_level_label(level)}代码第{len(path) + 1}位之后应全为0", code="unit_code_invalid"
        )
    clash = Unit.objects.filter(path=path)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.first()
    if other is not None:
        raise InvalidInput.field("code", f"代码已被“{other.name}”使用", code="unit_code_taken")
    return path


def _level_label(level: str) -> str:
    from .models import Level

    return Level(level).label


@transaction.atomic
def create_unit(
    *, acting_user: User, parent: Unit, code: str, name: str, boundary: dict[str, Any] | None = None
) -> Unit:
    """Add a unit under `parent` (a county admin adds townships, villages and grids)."""
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, parent)
    if parent.is_retired:
        raise InvalidInput.field("parent_id", "上级单位已撤销，不能新增下级", code="unit_parent_retired")
    level = child_level(parent.level)
    if level is None:
        raise InvalidInput.field("parent_id", "网格下不能再设下级单位", code="unit_level_invalid")
    name = _clean_name(name)
    path = validate_unit_code(code=code, level=level, parent=parent)
    unit = Unit.objects.create(code=code.strip(), name=name, level=level, parent=parent, path=path, boundary=boundary)
    record_event("unit.created", obj=unit, detail={"parent": parent.code})
    return unit


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput.field("name", "名称不能为空", code="required")
    if len(name) > 100:
        raise InvalidInput.field("name", "名称不能超过100个字", code="too_long")
    return name


@transaction.atomic
def rename_unit(*, acting_user: User, unit: Unit, name: str) -> Unit:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, unit)
    old = unit.name
    unit.name = _clean_name(name)
    unit.save(update_fields=["name", "updated_at"])
    record_event("unit.renamed", obj=unit, detail={"from": old, "to": unit.name})
    return unit


@transaction.atomic
def move_unit(*, acting_user: User, unit: Unit, new_parent: Unit, new_code: str) -> Unit:
    """Re-parent a unit, giving it a code consistent with its new parent.

    1. lock the unit; check both ends are in the actor's capture scope;
    2. refuse a cycle (the new parent inside the unit's own subtree) and a level mismatch;
    3. validate the new code (its subtree's new prefix must be free);
    4. rewrite code and path of the whole subtree, then `path` of every record under it, with
       one UPDATE per table (prefix replacement), all in this transaction.
    """
    require_cap(acting_user, "units.manage")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_capture(acting_user, unit)
    require_capture(acting_user, new_parent)
    if unit.parent_id is None:
        raise InvalidInput.field("parent_id", "顶级单位不能迁移", code="unit_move_root")
    if path_within(new_parent.path, [unit.path]):
        raise InvalidInput.field("parent_id", "不能把单位迁移到它自己或它的下级之下", code="unit_move_cycle")
    if new_parent.is_retired:
        raise InvalidInput.field("parent_id", "目标上级单位已撤销", code="unit_parent_retired")
    if child_level(new_parent.level) != unit.level:
        raise InvalidInput.field(
            "parent_id",
            f"{unit.level_label}只能隶属于{_level_label(LEVEL_ORDER[LEVEL_ORDER.index(unit.level) - 1])}",
            code="unit_level_invalid",
        )
    new_code = (new_code or "").strip()
    old_path, old_code, old_parent = unit.path, unit.code, unit.parent
    if new_parent.pk == unit.parent_id and new_code == old_code:
        raise InvalidInput.field("code", "新上级和新代码与原来相同，无需迁移", code="unit_move_noop")
    new_path = validate_unit_code(code=new_code, level=unit.level, parent=new_parent, exclude=unit)
    if (
        Unit.objects.filter(path__gte=new_path, path__lt=path_upper_bound(new_path))
        .exclude(path__gte=old_path, path__lt=path_upper_bound(old_path))
        .exists()
    ):
        raise InvalidInput.field("code", "新代码下已有其他单位", code="unit_code_taken")

    start = len(old_path) + 1
    in_subtree = {"path__gte": old_path, "path__lt": path_upper_bound(old_path)}
    counts: dict[str, int] = {}
    for model in scoped_models():
        qs = model._default_manager.filter(**in_subtree)
        updates: dict[str, Any] = {"path": Concat(Value(new_path), Substr(F("path"), start))}
        if model is Unit:
            updates["code"] = Concat(Value(new_path), Substr(F("code"), start))
        counts[record_type(model)] = qs.update(**updates)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent, updated_at=timezone.now())
    unit.refresh_from_db()
    # Paths changed under everybody's scopes: every process must recompute grants.
    from .grants import renew

    renew()
    record_event(
        "unit.moved",
        obj=unit,
        detail={
            "from_parent": old_parent.code if old_parent else None,
            "to_parent": new_parent.code,
            "from_code": old_code,
            "to_code": unit.code,
            "rows": counts,
        },
    )
    return unit


@transaction.atomic
def retire_unit(*, acting_user: User, unit: Unit) -> Unit:
    """Retire (撤销) a unit. It keeps its records and history; it must have no active
    sub-units and no active staff first."""
    require_cap(acting_user, "units.manage")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_capture(acting_user, unit)
    if unit.is_retired:
        raise Conflict("该单位已撤销", code="unit_already_retired")
    if unit.children.filter(is_retired=False).exists():
        raise InvalidInput("请先撤销或迁移其下级单位", code="unit_has_children")
    if unit.staff.filter(is_active=True).exists():
        raise InvalidInput("该单位还有在用的工作人员账号，请先调整或停用", code="unit_has_staff")
    unit.is_retired = True
    unit.retired_at = timezone.now()
    unit.save(update_fields=["is_retired", "retired_at", "updated_at"])
    record_event("unit.retired", obj=unit)
    return unit


@transaction.atomic
def restore_unit(*, acting_user: User, unit: Unit) -> Unit:
    require_cap(acting_user, "units.manage")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_capture(acting_user, unit)
    if not unit.is_retired:
        raise Conflict("该单位未撤销", code="unit_not_retired")
    if unit.parent is not None and unit.parent.is_retired:
        raise InvalidInput("上级单位已撤销，请先恢复上级单位", code="unit_parent_retired")
    unit.is_retired = False
    unit.retired_at = None
    unit.save(update_fields=["is_retired", "retired_at", "updated_at"])
    record_event("unit.restored", obj=unit)
    return unit


# --- departments -----------------------------------------------------------------------------
def _check_department_kind(kind_code: str) -> None:
    from zongzhi.dictionary.services import require_active_code

    require_active_code("department_kind", kind_code, field="kind_code")


@transaction.atomic
def create_department(*, acting_user: User, unit: Unit, kind_code: str, name: str) -> Department:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, unit)
    _check_department_kind(kind_code)
    name = _clean_name(name)
    if Department.objects.filter(unit=unit, name=name).exists():
        raise InvalidInput.field("name", "本单位已有同名的成员单位", code="department_name_taken")
    dept = Department.objects.create(unit=unit, path=unit.path, kind_code=kind_code, name=name)
    record_event("department.created", obj=dept)
    return dept


@transaction.atomic
def rename_department(*, acting_user: User, department: Department, name: str) -> Department:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, department)
    name = _clean_name(name)
    if Department.objects.filter(unit_id=department.unit_id, name=name).exclude(pk=department.pk).exists():
        raise InvalidInput.field("name", "本单位已有同名的成员单位", code="department_name_taken")
    department.name = name
    department.save(update_fields=["name"])
    return department


@transaction.atomic
def retire_department(*, acting_user: User, department: Department) -> Department:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, department)
    if department.staff.filter(is_active=True).exists():
        raise InvalidInput("该成员单位还有在用的账号，请先调整或停用", code="department_has_staff")
    department.is_retired = True
    department.save(update_fields=["is_retired"])
    record_event("department.retired", obj=department)
    return department


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
    if not USERNAME_RE.match(username):
        raise InvalidInput.field("username", "用户名为3-50位字母、数字或 _ . @ -", code="username_invalid")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput.field("username", "用户名已存在", code="username_taken")
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidInput.field("full_name", "姓名不能为空", code="required")
    _check_user_placement(acting_user, unit, department)
    user = User(
        username=username,
        full_name=full_name[:60],
        phone=_clean_phone(phone),
        unit=unit,
        department=department,
        must_change_password=True,
    )
    _check_password(password, user)
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
    return user


@transaction.atomic
def reset_password(*, acting_user: User, user: User, new_password: str) -> User:
    require_cap(acting_user, "users.manage")
    _require_user_in_capture(acting_user, user)
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save()
    record_event("user.password_reset", obj=user)
    return user


@transaction.atomic
def change_own_password(*, acting_user: User, old_password: str, new_password: str) -> User:
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    if not user.check_password(old_password):
        raise InvalidInput.field("old_password", "原密码不正确", code="old_password_wrong")
    if old_password == new_password:
        raise InvalidInput.field("new_password", "新密码不能与原密码相同", code="password_reused")
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
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
    record_event("pii.unmask", obj=user, detail={"field": "phone", "shown": mask_value(user.phone)})
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
        name=_clean_name(name)[:60],
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
        role.name = _clean_name(name)[:60]
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
        role.capabilities = caps
    role.save()
    record_event("role.updated", obj=role)
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


def resolve_units(ids: Iterable[int], *, field: str) -> list[Unit]:
    ids = list(dict.fromkeys(ids))
    units = list(Unit.objects.filter(pk__in=ids))
    if len(units) != len(ids):
        raise InvalidInput.field(field, "包含不存在的单位", code="unit_not_found")
    return units


def get_unit_or_404(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise NotFound("单位不存在")
    return unit
