"""State changes of the units app: the tree, departments, users, roles and sessions.

Every function takes the acting user as keyword-only `acting_user`, checks capability and
scope, runs in one transaction and writes its business audit event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import changes
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput, NotFound, required_text
from zongzhi.core.records import record_type
from zongzhi.core.scope import path_upper_bound, path_within, require_capture, scoped_models

from .models import CODE_LENGTH, LEVEL_ORDER, PATH_LENGTH, Department, Unit, User, child_level

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
    name = clean_name(name)
    path = validate_unit_code(code=code, level=level, parent=parent)
    unit = Unit.objects.create(code=code.strip(), name=name, level=level, parent=parent, path=path, boundary=boundary)
    record_event("unit.created", obj=unit, detail={"parent": parent.code})
    return unit


def clean_name(name: str) -> str:
    return required_text(name, field="name", limit=100)


@transaction.atomic
def rename_unit(*, acting_user: User, unit: Unit, name: str) -> Unit:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, unit)
    old = unit.name
    unit.name = clean_name(name)
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
       one UPDATE per table (prefix replacement), all in this transaction;
    5. tell `core.changes.moved`: the statistics move the subtree's rollup rows and mark the
       old and new ancestors' figures for the refresh job.
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
    if old_parent is not None:  # the statistics re-key their rows and mark both chains of ancestors
        changes.moved(old_path, new_path, old_parent.path)
    # Paths changed under everybody's scopes: every process must recompute grants, and read
    # the unit names and grid boundaries by path again (bulk updates send no save signal).
    from .geo import GRIDS
    from .grants import renew
    from .lookup import NAMES

    renew()
    NAMES.changed()
    GRIDS.changed()
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
    name = clean_name(name)
    if Department.objects.filter(unit=unit, name=name).exists():
        raise InvalidInput.field("name", "本单位已有同名的成员单位", code="department_name_taken")
    dept = Department.objects.create(unit=unit, path=unit.path, kind_code=kind_code, name=name)
    record_event("department.created", obj=dept)
    return dept


@transaction.atomic
def rename_department(*, acting_user: User, department: Department, name: str) -> Department:
    require_cap(acting_user, "units.manage")
    require_capture(acting_user, department)
    name = clean_name(name)
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
