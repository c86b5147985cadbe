"""Activities (活动台账): /api/office/activities — the list (keyset pages and total), one record,
recording, editing and withdrawing, and the monthly counts of the units below."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.core.months import check_month
from zongzhi.core.outputs import OutSchema
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_activities as services
from .api_common import FileOut
from .attachments import files_of
from .models import Activity, ActivityKind, OfficeAttachment
from .services_common import WRITE

router = Router(tags=["日常办公"])

KindName = Literal["village_affairs", "leader_visit", "special", "publicity", "patrol", "other"]


class ActivityOut(OutSchema):
    id: int
    unit: UnitBrief
    kind: KindName
    kind_label: str
    name: str
    held_on: dt.date
    location: str
    topic: str
    content: str
    created_by: str
    created_at: dt.datetime
    is_withdrawn: bool
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_reason: str
    files: list[FileOut]
    can_edit: bool


class ActivityPageOut(OutSchema):
    items: list[ActivityOut]
    next_cursor: int | None


class ActivityIn(Schema):
    unit_id: int | None = Field(None, description="默认为本人所在单位")
    kind: KindName
    name: str = Field(..., max_length=limit_of(Activity, "name"))
    held_on: dt.date
    location: str = Field(..., max_length=limit_of(Activity, "location"))
    topic: str = Field(..., max_length=limit_of(Activity, "topic"))
    content: str = Field("", max_length=5000)
    attachment_ids: list[int] = Field(default_factory=list, description="新上传的照片（/api/office/uploads）")


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=limit_of(Activity, "withdrawn_reason"))


class ActivityFilter(Schema):
    unit: int | None = Field(None, description="该单位及其下级")
    since: dt.date | None = None
    until: dt.date | None = None
    kind: KindName | None = None
    q: str = Field("", max_length=60)
    withdrawn: Literal["active", "withdrawn", "all"] = "all"
    cursor: int | None = None
    limit: int = Field(20, ge=1, le=100)


class MonthCellOut(OutSchema):
    month: dt.date
    count: int
    below: bool
    current: bool


class QuarterCellOut(OutSchema):
    quarter: str
    count: int
    status: Literal["done", "missing", "open"]


class MonthlyRowOut(OutSchema):
    unit: UnitBrief
    is_root: bool
    months: list[MonthCellOut]
    village_affairs: list[QuarterCellOut]
    below_months: int


class MonthlyOut(OutSchema):
    unit: UnitBrief
    minimum: int
    months: list[dt.date]
    quarters: list[str]
    rows: list[MonthlyRowOut]


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit_id", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在")
    return found


def _out(a: Activity, user: User, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit": a.unit,
        "kind": a.kind,
        "kind_label": ActivityKind(a.kind).label,
        "name": a.name,
        "held_on": a.held_on,
        "location": a.location,
        "topic": a.topic,
        "content": a.content,
        "created_by": a.created_by.full_name,
        "created_at": a.created_at,
        "is_withdrawn": a.is_withdrawn,
        "withdrawn_at": a.withdrawn_at,
        "withdrawn_by": a.withdrawn_by.full_name if a.withdrawn_by else "",
        "withdrawn_reason": a.withdrawn_reason,
        "files": files,
        "can_edit": user.has_cap(WRITE) and a.is_capturable_by(user) and not a.is_withdrawn,
    }


def _one(user: User, a: Activity) -> dict[str, Any]:
    return _out(a, user, files_of(OfficeAttachment.Owner.ACTIVITY, [a.pk])[a.pk])


def _get(user: User, activity_id: int) -> Activity:
    found: Activity = get_visible(
        Activity.objects.select_related("unit", "created_by", "withdrawn_by").defer("unit__boundary"),
        user,
        activity_id,
        "records.read",
        "没有查看活动台账的权限",
        missing="活动不存在",
    )
    return found


def _filter(user: User, f: ActivityFilter) -> services.ActivityFilter:
    return services.ActivityFilter(
        root=_unit(user, f.unit) if f.unit is not None else None,
        since=f.since,
        until=f.until,
        kind=f.kind or "",
        q=f.q,
        withdrawn=f.withdrawn,
    )


def _data(p: ActivityIn) -> services.ActivityData:
    return services.ActivityData(
        kind=p.kind, name=p.name, held_on=p.held_on, location=p.location, topic=p.topic, content=p.content
    )


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response=ActivityPageOut)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> dict[str, Any]:
    """Activities of the unit and below, latest held first, keyset pages; withdrawn ones tagged."""
    user = acting(request)
    qs = services.activity_list(user, _filter(user, filters))
    qs = qs.select_related("unit", "created_by", "withdrawn_by").defer("unit__boundary")
    if filters.cursor is not None:
        qs = services.after_cursor(qs, filters.cursor)
    rows = list(qs[: filters.limit + 1])
    page = rows[: filters.limit]
    files = files_of(OfficeAttachment.Owner.ACTIVITY, [a.pk for a in page])
    return {
        "items": [_out(a, user, files[a.pk]) for a in page],
        "next_cursor": services.cursor_of(page[-1]) if len(rows) > filters.limit else None,
    }


@router.get("/total", response=TotalOut)
def activity_total(request: HttpRequest, filters: Query[ActivityFilter]) -> dict[str, Any]:
    user = acting(request)
    return capped_total(services.activity_list(user, _filter(user, filters)))


@router.get("/monthly", response=MonthlyOut)
def monthly(
    request: HttpRequest, unit: int | None = None, month: dt.date | None = None, months: int = 4
) -> dict[str, Any]:
    """The unit and the units directly below it × months: activities recorded, those below the
    monthly minimum marked, and each village's 村务公开 per quarter."""
    user = acting(request)
    if not 1 <= months <= 24:
        raise InvalidInput.field("months", "月数应在1到24之间", code="months_out_of_range")
    last = check_month(month) if month is not None else timezone.localdate()
    return services.monthly_table(user, _unit(user, unit), last, months)


@router.get("/{activity_id}", response=ActivityOut)
def get_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    user = acting(request)
    return _one(user, _get(user, activity_id))


@router.post("", response={201: ActivityOut})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[dict[str, Any]]:
    user = acting(request)
    activity = services.create_activity(user, _unit(user, payload.unit_id), _data(payload), payload.attachment_ids)
    return Status(201, _one(user, _get(user, activity.pk)))


@router.put("/{activity_id}", response=ActivityOut)
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityIn) -> dict[str, Any]:
    user = acting(request)
    activity = services.update_activity(user, _get(user, activity_id), _data(payload), payload.attachment_ids)
    return _one(user, _get(user, activity.pk))


@router.post("/{activity_id}/withdraw", response=ActivityOut)
def withdraw_activity(request: HttpRequest, activity_id: int, payload: WithdrawIn) -> dict[str, Any]:
    user = acting(request)
    services.withdraw_activity(user, _get(user, activity_id), payload.reason)
    return _one(user, _get(user, activity_id))
