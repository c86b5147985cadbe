"""Editing the data dictionary, and checking codes that other apps store."""

from __future__ import annotations

import re

from django.db import models, transaction
from django.db.models import Max

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.cache import ProcessCache
from zongzhi.core.errors import Conflict, InvalidInput, NotFound, required_text
from zongzhi.units.models import User

from .models import CodeItem, CodeTable

# table code → (model, field) pairs that store codes of that table. Apps register the fields
# that hold codes, so "in use" covers every record kind.
_USAGE: dict[str, list[tuple[type[models.Model], str]]] = {}


def register_usage(table_code: str, model: type[models.Model], field: str) -> None:
    _USAGE.setdefault(table_code, []).append((model, field))


def used_codes(table: CodeTable) -> set[str]:
    """Codes of the table that records store or that have child codes (one query per field)."""
    used = set(CodeItem.objects.filter(table=table, children__isnull=False).values_list("code", flat=True))
    for model, field in _USAGE.get(table.code, []):
        used.update(model._default_manager.values_list(field, flat=True).distinct())
    return used


def is_in_use(item: CodeItem) -> bool:
    if item.children.exists():
        return True
    return any(
        model._default_manager.filter(**{field: item.code}).exists() for model, field in _USAGE.get(item.table.code, [])
    )


_LABELS_SECONDS = 30.0


def _load_labels(table_code: str) -> dict[str, str]:
    return dict(CodeItem.objects.filter(table__code=table_code).values_list("code", "label"))


def _load_retired(table_code: str) -> frozenset[str]:
    return frozenset(CodeItem.objects.filter(table__code=table_code, is_retired=True).values_list("code", flat=True))


# Lists ask for labels on every row: kept in process (core.cache), read again after a change.
LABELS: ProcessCache[str, dict[str, str]] = ProcessCache(
    "dictionary_labels", _load_labels, check_seconds=_LABELS_SECONDS, max_age=_LABELS_SECONDS
)
RETIRED: ProcessCache[str, frozenset[str]] = ProcessCache(
    "dictionary_retired", _load_retired, check_seconds=_LABELS_SECONDS, max_age=_LABELS_SECONDS
)


def labels(table_code: str) -> dict[str, str]:
    """code → label of a table."""
    return LABELS.get(table_code)


def _forget_labels() -> None:
    """The current transaction changed the dictionary: it reads its own change at once, and
    every process reads the tables again once it commits."""
    LABELS.changed()
    RETIRED.changed()


def get_table(code: str) -> CodeTable:
    table = CodeTable.objects.filter(code=code).first()
    if table is None:
        raise NotFound("代码表不存在")
    return table


def require_active_code(table_code: str, code: str, *, field: str) -> None:
    """Validate a code value submitted for a field (used by every app's services)."""
    label = labels(table_code).get(code)
    if label is None:
        raise InvalidInput.field(field, f"代码“{code}”不在代码表中", code="code_unknown")
    if code in retired_codes(table_code):
        raise InvalidInput.field(field, f"代码“{code} {label}”已停用", code="code_retired")


def retired_codes(table_code: str) -> frozenset[str]:
    """The codes of a table that are retired (停用): kept for old records, refused for new ones."""
    return RETIRED.get(table_code)


@transaction.atomic
def add_item(*, acting_user: User, table: CodeTable, code: str, label: str, parent_code: str | None) -> CodeItem:
    """Add a local code (本地扩展代码) to a table."""
    require_cap(acting_user, "dictionary.manage")
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", code):
        raise InvalidInput.field("code", "代码为1-20位字母或数字", code="code_invalid")
    if CodeItem.objects.filter(table=table, code=code).exists():
        raise InvalidInput.field("code", "代码已存在", code="code_taken")
    parent = None
    if parent_code:
        if not table.hierarchical:
            raise InvalidInput.field("parent_code", "该代码表不分级", code="code_not_hierarchical")
        parent = CodeItem.objects.filter(table=table, code=parent_code).first()
        if parent is None:
            raise InvalidInput.field("parent_code", "上级代码不存在", code="code_unknown")
    top = CodeItem.objects.filter(table=table).aggregate(m=Max("sort"))["m"] or 0
    item = CodeItem.objects.create(
        table=table,
        code=code,
        label=required_text(label, field="label", limit=100),
        parent=parent,
        sort=top + 10,
        is_local=True,
    )
    _forget_labels()
    record_event("dictionary.item_added", obj=item, detail={"table": table.code})
    return item


@transaction.atomic
def update_item(*, acting_user: User, item: CodeItem, label: str | None, sort: int | None) -> CodeItem:
    require_cap(acting_user, "dictionary.manage")
    if label is not None:
        item.label = required_text(label, field="label", limit=100)
    if sort is not None:
        item.sort = sort
    item.save()
    _forget_labels()
    record_event("dictionary.item_updated", obj=item, detail={"table": item.table.code})
    return item


@transaction.atomic
def set_item_retired(*, acting_user: User, item: CodeItem, retired: bool) -> CodeItem:
    require_cap(acting_user, "dictionary.manage")
    if item.is_retired == retired:
        raise Conflict("代码状态未变化", code="code_state_unchanged")
    item.is_retired = retired
    item.save(update_fields=["is_retired"])
    _forget_labels()
    record_event(
        "dictionary.item_retired" if retired else "dictionary.item_restored",
        obj=item,
        detail={"table": item.table.code},
    )
    return item


@transaction.atomic
def delete_item(*, acting_user: User, item: CodeItem) -> None:
    """Delete a local code that nothing uses; standard codes and codes in use are only retired."""
    require_cap(acting_user, "dictionary.manage")
    if not item.is_local:
        raise InvalidInput("标准代码不能删除，只能停用", code="code_standard")
    if is_in_use(item):
        raise InvalidInput("该代码已被使用，不能删除，只能停用", code="code_in_use")
    _forget_labels()
    record_event("dictionary.item_deleted", obj=item, detail={"table": item.table.code, "code": item.code})
    item.delete()
