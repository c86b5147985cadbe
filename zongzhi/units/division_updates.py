"""Loading a newer division list (统计用区划代码) into the tree: a preview of the differences,
then their application in one transaction.

The shipped tree comes from an older list (see `divisions.py`); the National Bureau of Statistics
publishes a new one every year, and codes change: in the 2023 list four streets of 浦口区
(泰山, 顶山, 沿江, 盘城) carry 320192 codes (江北新区). A system administrator uploads the newer
list, or the part of it that concerns the system, as CSV or .xlsx with the columns 代码 and
名称, optionally 上级代码 and 层级 (both follow from the code and are checked against it).

Matching, row by row, parents before children:
1. a unit with the row's code is that row's unit (renamed when the name differs, restored when
   retired);
2. otherwise a unit of the same level and name whose own code the file does not list, under the
   row's parent (or, when the parent is new, under the nearest existing unit above it), is the
   same unit with a new code: re-coded, and moved when its parent changes;
3. otherwise the row is a new unit.
A unit is "no longer listed" when the file lists its parent and, at that unit's level, not the
unit itself; units under a parent the file does not list are left alone, and grids are never
compared (they are not in the list). Nothing is deleted: a unit no longer listed is retired
only when the administrator asks for it, together with its grids, and the preview says how many
records and accounts are under it.

Every change goes through the units services (create, rename, move, retire, restore), so codes,
paths of the records below, caches and audit events stay right.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput
from zongzhi.core.scope import path_upper_bound, path_within, scoped_models

from . import services
from .models import LEVEL_ORDER, PATH_LENGTH, Level, Unit, User

MAX_FILE_BYTES = 20 << 20
MAX_ROWS = 200_000
MAX_ERRORS = 50
LEVELS = LEVEL_ORDER[:5]  # province … village; grids are ours, not the list's
HEADERS = {
    "code": ("代码", "区划代码", "统计用区划代码", "code"),
    "name": ("名称", "区划名称", "name"),
    "parent_code": ("上级代码", "上级区划代码", "parent_code"),
    "level": ("层级", "级别", "level"),
}
LEVEL_WORDS = {lv.value: lv.value for lv in Level} | {
    "省": "province",
    "市": "city",
    "县": "county",
    "区": "county",
    "县（区）": "county",
    "乡镇": "township",
    "街道": "township",
    "乡镇（街道）": "township",
    "村": "village",
    "社区": "village",
    "村（社区）": "village",
}


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class Change:
    kind: str  # new | renamed | recoded | restored | unlisted
    code: str  # the code in the file (for unlisted: the unit's code)
    name: str
    level: str
    parent_code: str | None = None
    unit_id: int | None = None
    old_code: str | None = None
    old_name: str | None = None
    records: int = 0  # unlisted: records under the unit (grids included)
    staff: int = 0  # unlisted: active accounts under the unit
    grids: int = 0  # unlisted: active grids under the unit
    problem: str | None = None  # why this change cannot be applied by this user


@dataclass
class Plan:
    rows: int
    unchanged: int
    changes: list[Change] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """Fingerprint of the differences: apply refuses when they changed since the preview.
        The counts under unlisted units are left out: records come and go all day, and what
        matters for retiring (active accounts) is checked again by `retire_unit`."""
        counts = ("records", "staff", "grids")
        body = [{k: v for k, v in asdict(c).items() if k not in counts} for c in self.changes]
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


# --- reading the file ----------------------------------------------------------------------------
def level_of(code: str) -> str:
    """The level a 12-digit code denotes, by where its trailing zeros start."""
    for level in LEVELS[:-1]:
        if set(code[PATH_LENGTH[level] :]) == {"0"}:
            return level
    return "village"


def parent_code_of(code: str, level: str) -> str | None:
    index = LEVELS.index(level)
    if index == 0:
        return None
    return code[: PATH_LENGTH[LEVELS[index - 1]]].ljust(12, "0")


def read_file(data: bytes, filename: str) -> list[Row]:
    """Rows of an uploaded division list; any problem raises InvalidInput with every bad row."""
    from zongzhi.transfers.import_reader import ImportFileError, open_rows

    if not data:
        raise InvalidInput("文件为空", code="division_file_empty")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"文件超过{MAX_FILE_BYTES >> 20} MB", code="division_file_too_large")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            rows, _ = open_rows(path, filename or "upload.csv")
            table = [[cell.strip() for cell in row] for row in rows]
        except ImportFileError as exc:
            raise InvalidInput(str(exc), code="division_file_unreadable") from exc
    table = [row for row in table if any(row)]
    if not table:
        raise InvalidInput("文件为空", code="division_file_empty")
    header = [cell.lstrip("\ufeff") for cell in table[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, cell in enumerate(header):
            if cell in names or cell.lower() in names:
                columns[key] = i
                break
    missing = [HEADERS[k][0] for k in ("code", "name") if k not in columns]
    if missing:
        raise InvalidInput(
            f"缺少“{'”“'.join(missing)}”列：第一行应为列名，如 代码,名称,上级代码", code="division_columns_missing"
        )
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(f"行数超过{MAX_ROWS:,}行", code="division_file_too_large")
    return _parse_rows(table[1:], columns)


def _cell(row: list[str], columns: dict[str, int], key: str) -> str:
    i = columns.get(key)
    return row[i] if i is not None and i < len(row) else ""


def _parse_rows(table: list[list[str]], columns: dict[str, int]) -> list[Row]:
    out: list[Row] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def bad(line: int, message: str) -> None:
        if len(errors) < MAX_ERRORS:
            errors.append({"row": line, "message": f"第{line}行：{message}"})

    for line, raw in enumerate(table, start=2):
        code, name = _cell(raw, columns, "code"), _cell(raw, columns, "name")
        if code.isdigit() and len(code) < 12 and len(code) in (2, 4, 6, 9):
            code = code.ljust(12, "0")  # the short forms 32, 3201, 320111, 320111003
        if not (code.isdigit() and len(code) == 12) or code == "0" * 12:
            bad(line, f"代码“{code}”应为12位数字")
            continue
        if not name:
            bad(line, "名称为空")
            continue
        if len(name) > 100:
            bad(line, "名称超过100个字")
            continue
        level = level_of(code)
        given_level = _cell(raw, columns, "level")
        if given_level and LEVEL_WORDS.get(given_level) != level:
            bad(line, f"层级“{given_level}”与代码{code}不符（代码表示{Level(level).label}）")
            continue
        parent = parent_code_of(code, level)
        given_parent = _cell(raw, columns, "parent_code")
        if given_parent and given_parent.ljust(12, "0") != parent:
            bad(line, f"上级代码“{given_parent}”与代码{code}不符（应为{parent}）")
            continue
        if code in seen:
            bad(line, f"代码{code}与第{seen[code]}行重复")
            continue
        seen[code] = line
        out.append(Row(line, code, name, level, parent))
    if not out and not errors:
        raise InvalidInput("文件中没有数据行", code="division_file_empty")
    if errors:
        raise InvalidInput(
            f"文件中有{len(errors)}{'多' if len(errors) >= MAX_ERRORS else ''}处错误，未做任何修改",
            code="division_file_invalid",
            errors=errors,
        )
    out.sort(key=lambda r: (LEVELS.index(r.level), r.line))
    return out


# --- the plan ------------------------------------------------------------------------------------
def plan_changes(acting_user: User, rows: list[Row]) -> Plan:
    """Compare the rows with the tree (see the module's docstring). Reads only."""
    require_cap(acting_user, "units.manage")
    units: list[Unit] = list(Unit.objects.exclude(level="grid").order_by("path"))
    by_code = {u.code: u for u in units}
    by_pk = {u.pk: u for u in units}
    by_name: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for u in units:
        if not u.is_retired:
            by_name[(u.level, u.name)].append(u)
    listed = {r.code for r in rows}
    resolved: dict[str, Unit | None] = {}  # file code → the existing unit it is (None: new)
    taken: set[int] = set()
    plan = Plan(rows=len(rows), unchanged=0)
    capture = acting_user.capture_paths

    def nearest_existing(code: str, level: str) -> Unit | None:
        index = LEVELS.index(level)
        while index > 0:
            index -= 1
            up = code[: PATH_LENGTH[LEVELS[index]]].ljust(12, "0")
            if up in resolved:
                found = resolved[up]
                if found is not None:
                    return found
                continue
            if up in by_code:
                return by_code[up]
        return None

    for row in rows:
        unit = by_code.get(row.code)
        if unit is not None:
            resolved[row.code] = unit
            taken.add(unit.pk)
            if unit.is_retired:
                plan.changes.append(_change("restored", row, unit, capture, unit.path))
            if unit.name != row.name:
                plan.changes.append(_change("renamed", row, unit, capture, unit.path))
            elif not unit.is_retired:
                plan.unchanged += 1
            continue
        parent = resolved.get(row.parent_code) if row.parent_code in listed else by_code.get(row.parent_code or "")
        anchor = parent if parent is not None else nearest_existing(row.code, row.level)
        candidates = [
            u
            for u in by_name[(row.level, row.name)]
            if u.code not in listed
            and u.pk not in taken
            and anchor is not None
            and (u.parent_id == anchor.pk if parent is not None else path_within(u.path, [anchor.path]))
        ]
        if len(candidates) == 1:
            unit = candidates[0]
            resolved[row.code] = unit
            taken.add(unit.pk)
            target = anchor.path if anchor is not None else ""
            change = _change("recoded", row, unit, capture, unit.path, target)
            plan.changes.append(change)
        else:
            resolved[row.code] = None
            change = _change("new", row, None, capture, anchor.path if anchor is not None else "")
            if anchor is None or (parent is None and row.parent_code not in listed and row.level != "province"):
                change.problem = f"上级单位（{row.parent_code}）不存在，文件中也没有"
            plan.changes.append(change)
    _unlisted(plan, units, by_pk, resolved, taken, {r.level for r in rows}, capture)
    return plan


def _change(kind: str, row: Row, unit: Unit | None, capture: list[str], *paths: str) -> Change:
    change = Change(
        kind=kind,
        code=row.code,
        name=row.name,
        level=row.level,
        parent_code=row.parent_code,
        unit_id=unit.pk if unit else None,
        old_code=unit.code if unit and unit.code != row.code else None,
        old_name=unit.name if unit and unit.name != row.name else None,
    )
    if any(not p or not path_within(p, capture) for p in paths):
        change.problem = "不在您的录入和维护范围内"
    return change


def _unlisted(
    plan: Plan,
    units: list[Unit],
    by_pk: dict[int, Unit],
    resolved: dict[str, Unit | None],
    taken: set[int],
    levels: set[str],
    capture: list[str],
) -> None:
    listed_parents = {u.pk for u in resolved.values() if u is not None}
    for unit in units:
        if (
            unit.is_retired
            or unit.pk in taken
            or unit.level not in levels
            or unit.parent_id not in listed_parents
            or unit.parent_id is None
        ):
            continue
        parent = by_pk[unit.parent_id]
        change = Change(
            kind="unlisted", code=unit.code, name=unit.name, level=unit.level, parent_code=parent.code, unit_id=unit.pk
        )
        change.records, change.staff, change.grids = _load_under(unit)
        if not path_within(unit.path, capture):
            change.problem = "不在您的录入和维护范围内"
        plan.changes.append(change)


def _load_under(unit: Unit) -> tuple[int, int, int]:
    """(records, active accounts, active grids) under a unit, the unit's own included."""
    within = {"path__gte": unit.path, "path__lt": path_upper_bound(unit.path)}
    records = sum(m._default_manager.filter(**within).count() for m in scoped_models() if m is not Unit)
    staff = User.objects.filter(is_active=True, unit__path__gte=unit.path, unit__path__lt=path_upper_bound(unit.path))
    grids = Unit.objects.filter(level="grid", is_retired=False, **within).count()
    return records, staff.count(), grids


# --- applying ------------------------------------------------------------------------------------
@transaction.atomic
def apply_changes(*, acting_user: User, rows: list[Row], retire: bool, digest: str | None, source: str) -> Plan:
    """Apply the plan of `rows`, all or nothing.

    1. plan again inside the transaction; refuse when it differs from the preview (`digest`)
       or when a change lies outside the actor's scope;
    2. rows in order, parents first: create, restore, rename, re-code (move) through the services;
    3. when `retire`, retire the units no longer listed, their grids and sub-units first;
    4. write one audit event naming the source file and the counts.
    """
    plan = plan_changes(acting_user, rows)
    if digest and digest != plan.digest:
        raise Conflict("辖区在预览之后已有变化，请重新上传文件预览", code="division_plan_stale")
    blocked = [c for c in plan.changes if c.problem and (c.kind != "unlisted" or retire)]
    if blocked:
        first = blocked[0]
        raise InvalidInput(
            f"有{len(blocked)}项变更无法执行，例如“{first.name}”：{first.problem}",
            code="division_change_refused",
            errors=[{"row": c.code, "message": f"{c.name}：{c.problem}"} for c in blocked[:MAX_ERRORS]],
        )
    for change in plan.changes:
        if change.kind == "unlisted":
            continue
        _apply_one(acting_user, change)
    retired = 0
    if retire:
        for change in sorted((c for c in plan.changes if c.kind == "unlisted"), key=lambda c: -LEVELS.index(c.level)):
            assert change.unit_id is not None
            retired += _retire_subtree(acting_user, Unit.objects.get(pk=change.unit_id))
    record_event(
        "unit.divisions_loaded",
        detail={
            "source": source,
            "digest": plan.digest,
            "new": plan.count("new"),
            "renamed": plan.count("renamed"),
            "recoded": plan.count("recoded"),
            "restored": plan.count("restored"),
            "unlisted": plan.count("unlisted"),
            "retired": retired,
        },
    )
    return plan


def _apply_one(acting_user: User, change: Change) -> None:
    if change.kind == "new":
        parent = Unit.objects.get(code=change.parent_code)
        services.create_unit(acting_user=acting_user, parent=parent, code=change.code, name=change.name)
        return
    assert change.unit_id is not None
    unit = Unit.objects.get(pk=change.unit_id)
    if change.kind == "restored":
        services.restore_unit(acting_user=acting_user, unit=unit)
    elif change.kind == "renamed":
        services.rename_unit(acting_user=acting_user, unit=unit, name=change.name)
    elif change.kind == "recoded":
        # A parent re-coded before may already have carried this unit to its new code.
        if unit.code != change.code:
            parent = Unit.objects.get(code=change.parent_code)
            unit = services.move_unit(acting_user=acting_user, unit=unit, new_parent=parent, new_code=change.code)
        if unit.name != change.name:
            services.rename_unit(acting_user=acting_user, unit=unit, name=change.name)


def _retire_subtree(acting_user: User, unit: Unit) -> int:
    """Retire a unit and its active sub-units (grids included), lowest first. An active account
    under it stops everything, with the unit named."""
    within = {"path__gte": unit.path, "path__lt": path_upper_bound(unit.path)}
    count = 0
    for sub in Unit.objects.filter(is_retired=False, **within).order_by("-path"):
        try:
            services.retire_unit(acting_user=acting_user, unit=sub)
        except InvalidInput as exc:
            raise InvalidInput(f"“{sub.name}”不能撤销：{exc.message}", code=exc.code) from exc
        count += 1
    return count
