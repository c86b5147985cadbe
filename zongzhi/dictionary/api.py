"""Reading and editing the data dictionary."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import NotFound

from . import services
from .models import CodeItem, CodeTable
from .schemas import CodeItemIn, CodeItemOut, CodeItemUpdateIn, CodeTableOut

router = Router(tags=["数据字典"])


def _item_out(item: CodeItem, *, in_use: bool | None = None) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "label": item.label,
        "parent_code": item.parent.code if item.parent_id and item.parent else None,
        "sort": item.sort,
        "is_retired": item.is_retired,
        "is_local": item.is_local,
        "in_use": services.is_in_use(item) if in_use is None else in_use,
    }


def _get_item(item_id: int) -> CodeItem:
    item = CodeItem.objects.select_related("table", "parent").filter(pk=item_id).first()
    if item is None:
        raise NotFound("代码不存在")
    return item


@router.get("/tables", response=list[CodeTableOut])
def list_tables(request: HttpRequest) -> list[CodeTable]:
    return list(CodeTable.objects.annotate(item_count=Count("items")).order_by("namespace", "code"))


@router.get("/tables/{code}/items", response=list[CodeItemOut])
def list_items(request: HttpRequest, code: str, include_retired: bool = False) -> list[dict[str, Any]]:
    table = services.get_table(code)
    qs = table.items.select_related("parent").order_by("sort", "code")
    if not include_retired:
        qs = qs.filter(is_retired=False)
    used = services.used_codes(table)
    return [_item_out(item, in_use=item.code in used) for item in qs]


@router.post("/tables/{code}/items", response={201: CodeItemOut})
def add_item(request: HttpRequest, code: str, payload: CodeItemIn) -> Status[dict[str, Any]]:
    table = services.get_table(code)
    item = services.add_item(
        acting_user=acting(request),
        table=table,
        code=payload.code,
        label=payload.label,
        parent_code=payload.parent_code,
    )
    return Status(201, _item_out(item))


@router.patch("/items/{item_id}", response=CodeItemOut)
def update_item(request: HttpRequest, item_id: int, payload: CodeItemUpdateIn) -> dict[str, Any]:
    item = services.update_item(
        acting_user=acting(request), item=_get_item(item_id), label=payload.label, sort=payload.sort
    )
    return _item_out(item)


@router.post("/items/{item_id}/retire", response=CodeItemOut)
def retire_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _item_out(services.set_item_retired(acting_user=acting(request), item=_get_item(item_id), retired=True))


@router.post("/items/{item_id}/restore", response=CodeItemOut)
def restore_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _item_out(services.set_item_retired(acting_user=acting(request), item=_get_item(item_id), retired=False))


@router.delete("/items/{item_id}", response={204: None})
def delete_item(request: HttpRequest, item_id: int) -> Status[None]:
    services.delete_item(acting_user=acting(request), item=_get_item(item_id))
    return Status(204, None)
