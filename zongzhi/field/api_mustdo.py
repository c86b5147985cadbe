"""The daily must-do list (每日必办): /api/field/must-do — the worker's own list for a day, the
manual tick, one worker's list for the village and the township, the completion of a day and of
a month under a unit, and the rules. Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import parse_month
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_mustdo as services
from .models import MustDoItem, MustDoKind, MustDoRule

router = Router(tags=["网格员工作"])

KindName = Literal["visit", "inspection", "case", "warning", "zero_report", "document", "patrol"]


class MustDoItemOut(OutSchema):
    id: int
    kind: KindName
    kind_label: str
    ref_id: int
    title: str
    detail: str
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None
    done_how: Literal["", "data", "manual"]
    done_note: str
    manual: bool = Field(..., description="须手动勾选（系统无法从数据判断）")


class MustDoWorkerOut(OutSchema):
    id: int
    name: str
    unit_name: str


class MustDoListOut(OutSchema):
    day: dt.date
    worker: MustDoWorkerOut
    total: int
    done: int
    items: list[MustDoItemOut]


class MustDoTickIn(Schema):
    note: str = Field(..., max_length=200, description="完成情况说明（必填）")
    client_id: uuid.UUID | None = Field(None, description="手机离线队列的编号；重发无副作用")


class MustDoWorkerRowOut(OutSchema):
    worker_id: int
    name: str
    unit_name: str
    total: int
    done: int
    percent: int


class MustDoGridRowOut(OutSchema):
    unit_id: int
    name: str
    path: str
    total: int
    done: int
    percent: int


class MustDoCompletionOut(OutSchema):
    unit: UnitBrief
    day: dt.date
    total: int
    done: int
    percent: int
    workers: list[MustDoWorkerRowOut]
    grids: list[MustDoGridRowOut]
    idle: list[MustDoWorkerRowOut] = Field(..., description="今日有事项但一项未完成的网格员")


class MustDoDayCellOut(OutSchema):
    day: dt.date
    done: int
    total: int
    percent: int


class MustDoMonthRowOut(OutSchema):
    worker_id: int
    name: str
    unit_name: str
    days: list[MustDoDayCellOut]
    done: int
    total: int
    percent: int


class MustDoMonthOut(OutSchema):
    unit: UnitBrief
    month: dt.date
    days: list[dt.date]
    workers: list[MustDoMonthRowOut]


class MustDoRuleOut(OutSchema):
    kind: KindName
    kind_label: str
    enabled: bool
    lead_days: int
    note: str
    manual: bool
    updated_at: dt.datetime


class MustDoRuleIn(Schema):
    enabled: bool
    lead_days: int = Field(..., description=f"0–{services.MAX_LEAD_DAYS}")
    note: str = Field("", max_length=200)


class MustDoDayFilter(Schema):
    day: dt.date | None = Field(None, description="默认今天")


class MustDoCompletionFilter(Schema):
    unit: int | None = Field(None, description="默认本人所在单位")
    day: dt.date | None = Field(None, description="默认今天")


class MustDoMonthFilter(Schema):
    unit: int | None = Field(None, description="默认本人所在单位")
    month: str = Field("", description="YYYY-MM，默认本月")


# --- helpers --------------------------------------------------------------------------------


def _item(i: MustDoItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "kind": i.kind,
        "kind_label": MustDoKind(i.kind).label,
        "ref_id": i.ref_id,
        "title": i.title,
        "detail": i.detail,
        "due_on": i.due_on,
        "done": i.done_at is not None,
        "done_at": i.done_at,
        "done_how": i.done_how,
        "done_note": i.done_note,
        "manual": i.kind in services.MANUAL_KINDS,
    }


def _list(worker: User, day: dt.date, items: list[MustDoItem]) -> dict[str, Any]:
    unit = worker.unit
    return {
        "day": day,
        "worker": {
            "id": worker.pk,
            "name": worker.full_name or worker.username,
            "unit_name": unit.name if unit else "",
        },
        "total": len(items),
        "done": sum(1 for i in items if i.done_at is not None),
        "items": [_item(i) for i in items],
    }


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在")
    return found


def _rule(r: MustDoRule) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "kind_label": MustDoKind(r.kind).label,
        "enabled": r.enabled,
        "lead_days": r.lead_days,
        "note": r.note,
        "manual": r.kind in services.MANUAL_KINDS,
        "updated_at": r.updated_at,
    }


# --- endpoints ------------------------------------------------------------------------------


@router.get("/mine", response=MustDoListOut, summary="本人某日的每日必办")
def my_list(request: HttpRequest, filters: Query[MustDoDayFilter]) -> dict[str, Any]:
    user = acting(request)
    day = filters.day or timezone.localdate()
    return _list(user, day, services.my_list(user, day))


@router.post("/items/{item_id}/tick", response=MustDoItemOut, summary="手动勾选一项（须填写说明）")
def tick(request: HttpRequest, item_id: int, payload: MustDoTickIn) -> dict[str, Any]:
    return _item(services.tick(acting_user=acting(request), item_id=item_id, note=payload.note))


@router.get("/workers/{worker_id}", response=MustDoListOut, summary="某网格员某日的每日必办")
def worker_list(request: HttpRequest, worker_id: int, filters: Query[MustDoDayFilter]) -> dict[str, Any]:
    day = filters.day or timezone.localdate()
    worker, items = services.worker_list(acting(request), worker_id, day)
    return _list(worker, day, items)


@router.get("/completion", response=MustDoCompletionOut, summary="某日各网格员、各网格的完成情况")
def completion(request: HttpRequest, filters: Query[MustDoCompletionFilter]) -> dict[str, Any]:
    user = acting(request)
    return services.completion_day(user, _unit(user, filters.unit), filters.day or timezone.localdate())


@router.get("/completion/month", response=MustDoMonthOut, summary="某月各网格员逐日完成情况")
def completion_month(request: HttpRequest, filters: Query[MustDoMonthFilter]) -> dict[str, Any]:
    user = acting(request)
    first = parse_month(filters.month)
    return services.completion_month(user, _unit(user, filters.unit), first)


@router.get("/rules", response=list[MustDoRuleOut], summary="每日必办规则")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule(r) for r in services.list_rules(acting(request))]


@router.put("/rules/{kind}", response=MustDoRuleOut, summary="修改一项每日必办规则")
def update_rule(request: HttpRequest, kind: KindName, payload: MustDoRuleIn) -> dict[str, Any]:
    rule = services.update_rule(
        acting_user=acting(request),
        kind=kind,
        enabled=payload.enabled,
        lead_days=payload.lead_days,
        note=payload.note,
    )
    return _rule(rule)
