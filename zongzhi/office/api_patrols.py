"""Patrols (巡逻): /api/office/patrols — routes (list, one, define, change, withdraw, the members
one may name), the phone's patrols (mine; start; check in, track and end by the patrol's client
id, so that a patrol started offline works), and the patrol records with track and check-ins.
Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible, write_mode
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_patrols as services
from .api_common import FileOut
from .attachments import files_of
from .models import OfficeAttachment, Patrol, PatrolCheckIn, PatrolPoint, PatrolRoute
from .services_common import WRITE

router = Router(tags=["巡逻"])

ResultName = Literal["normal", "problem"]


# --- schemas --------------------------------------------------------------------------------


class PatrolPointIn(Schema):
    name: str = Field(..., max_length=limit_of(PatrolPoint, "name"))
    latitude: float
    longitude: float
    radius_m: int = 100


class PatrolRouteIn(Schema):
    unit_id: int | None = Field(None, description="网格或村（社区）；默认为本人所在单位")
    name: str = Field(..., max_length=limit_of(PatrolRoute, "name"))
    description: str = Field("", max_length=limit_of(PatrolRoute, "description"))
    line: list[list[float]] = Field(default_factory=list, description="[[经度, 纬度], ...]（GeoJSON 顺序）")
    points: list[PatrolPointIn] = Field(default_factory=list)
    member_ids: list[int] = Field(default_factory=list)
    weekdays: str = Field("12345", max_length=7, description="巡逻日：1-7 表示周一至周日")
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None


class RouteWithdrawIn(Schema):
    reason: str = Field(..., max_length=200)


class PatrolPointOut(OutSchema):
    id: int
    order: int
    name: str
    latitude: float
    longitude: float
    radius_m: int


class PatrolMemberOut(OutSchema):
    id: int
    full_name: str
    unit_name: str


class PatrolRouteOut(OutSchema):
    id: int
    unit: UnitBrief
    name: str
    description: str
    line: list[list[float]]
    points: list[PatrolPointOut]
    members: list[PatrolMemberOut]
    weekdays: str
    starts_at: dt.time | None
    ends_at: dt.time | None
    scheduled_today: bool
    created_by: str
    created_at: dt.datetime
    is_withdrawn: bool
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_reason: str
    can_edit: bool


class PatrolRoutePageOut(OutSchema):
    items: list[PatrolRouteOut]
    total: int


class PatrolRouteFilter(Schema):
    unit: int | None = Field(None, description="该单位及其下级")
    q: str = Field("", max_length=60)
    withdrawn: Literal["active", "withdrawn", "all"] = "active"
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class PatrolStartIn(Schema):
    client_id: uuid.UUID = Field(..., description="手机离线队列的编号，重发时返回同一次巡逻")
    route_id: int | None = Field(None, description="不填为自由巡逻")
    unit_id: int | None = Field(None, description="自由巡逻的网格或村（社区）；默认为本人负责的第一个网格")
    started_at: dt.datetime | None = None


class PatrolCheckInIn(Schema):
    client_id: uuid.UUID
    at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    point_id: int | None = Field(None, description="不填时按位置选签到范围内最近的点位")
    result: ResultName = "normal"
    note: str = Field("", max_length=limit_of(PatrolCheckIn, "note"))
    attachment_ids: list[int] = Field(default_factory=list, max_length=9, description="/api/attachments 上传的照片")
    report_case: bool = Field(False, description="上报为事件（治安隐患）")
    case_title: str = Field("", max_length=100)
    case_category: str = Field("", max_length=10)


class PatrolTrackIn(Schema):
    client_id: uuid.UUID | None = None
    points: list[list[float]] = Field(..., description="[[纬度, 经度, Unix 秒], ...]，手机端已抽稀")


class PatrolEndIn(Schema):
    client_id: uuid.UUID | None = None
    ended_at: dt.datetime | None = None
    summary: str = Field("", max_length=limit_of(Patrol, "summary"))
    points: list[list[float]] = Field(default_factory=list, description="最后一批轨迹点")


class PatrolCaseBrief(OutSchema):
    id: int
    number: str
    title: str
    status: str


class PatrolCheckInOut(OutSchema):
    id: int
    client_id: uuid.UUID | None
    point_id: int | None
    point_name: str
    at: dt.datetime
    latitude: float | None
    longitude: float | None
    result: ResultName
    result_label: str
    note: str
    case: PatrolCaseBrief | None
    files: list[FileOut]


class PatrolRouteBrief(OutSchema):
    id: int
    name: str


class PatrolOut(OutSchema):
    id: int
    client_id: uuid.UUID | None
    unit: UnitBrief
    route: PatrolRouteBrief | None
    worker_id: int
    worker: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    is_open: bool
    distance_m: int
    summary: str
    check_in_count: int
    problem_count: int
    activity_id: int | None


class PatrolDetailOut(PatrolOut):
    track: list[list[float]]
    check_ins: list[PatrolCheckInOut]
    route_line: list[list[float]]
    route_points: list[PatrolPointOut]


class PatrolPageOut(OutSchema):
    items: list[PatrolOut]
    next_cursor: str | None


class PatrolFilter(Schema):
    unit: int | None = Field(None, description="该单位及其下级")
    worker: int | None = None
    route: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    status: Literal["all", "open", "ended"] = "all"
    cursor: str | None = Field(None, max_length=40)
    limit: int = Field(20, ge=1, le=100)


class PatrolMineOut(OutSchema):
    open: PatrolDetailOut | None
    routes: list[PatrolRouteOut]
    recent: list[PatrolOut]


class PatrolTrackOut(OutSchema):
    added: int
    total: int
    distance_m: int


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit_id", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在")
    return found


def _routes_qs() -> Any:
    return (
        PatrolRoute.objects.select_related("unit", "created_by", "withdrawn_by")
        .defer("unit__boundary")
        .prefetch_related("points", Prefetch("members", queryset=User.objects.select_related("unit")))
    )


def _route_out(r: PatrolRoute, user: User) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": r.pk,
        "unit": r.unit,
        "name": r.name,
        "description": r.description,
        "line": r.line,
        "points": list(r.points.all()),
        "members": [
            {"id": m.pk, "full_name": m.full_name, "unit_name": m.unit.name if m.unit else ""} for m in r.members.all()
        ],
        "weekdays": r.weekdays,
        "starts_at": r.starts_at,
        "ends_at": r.ends_at,
        "scheduled_today": services.scheduled_on(r, today),
        "created_by": r.created_by.full_name,
        "created_at": r.created_at,
        "is_withdrawn": r.is_withdrawn,
        "withdrawn_at": r.withdrawn_at,
        "withdrawn_by": r.withdrawn_by.full_name if r.withdrawn_by else "",
        "withdrawn_reason": r.withdrawn_reason,
        "can_edit": user.has_cap(WRITE) and write_mode(user, r.path) == "own" and not r.is_withdrawn,
    }


def _get_route(user: User, route_id: int) -> PatrolRoute:
    found: PatrolRoute = get_visible(
        _routes_qs(), user, route_id, "records.read", "没有查看巡逻线路的权限", missing="巡逻线路不存在"
    )
    return found


def _route_for_patrol(user: User, route_id: int) -> PatrolRoute:
    found: PatrolRoute = get_visible(
        PatrolRoute.objects.select_related("unit").defer("unit__boundary"), user, route_id, missing="巡逻线路不存在"
    )
    return found


def _route_data(p: PatrolRouteIn) -> services.RouteData:
    return services.RouteData(
        name=p.name,
        description=p.description,
        line=p.line,
        points=[services.PointData(x.name, x.latitude, x.longitude, x.radius_m) for x in p.points],
        member_ids=p.member_ids,
        weekdays=p.weekdays,
        starts_at=p.starts_at,
        ends_at=p.ends_at,
    )


def _patrols_qs() -> Any:
    return Patrol.objects.select_related("unit", "route", "worker").defer("unit__boundary", "track")


def _counts(ids: list[int]) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {i: (0, 0) for i in ids}
    for patrol_id, result in PatrolCheckIn.objects.filter(patrol_id__in=ids).values_list("patrol_id", "result"):
        n, p = out[patrol_id]
        out[patrol_id] = (n + 1, p + (result == PatrolCheckIn.Result.PROBLEM))
    return out


def _patrol_out(p: Patrol, counts: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": p.pk,
        "client_id": p.client_id,
        "unit": p.unit,
        "route": {"id": p.route.pk, "name": p.route.name} if p.route else None,
        "worker_id": p.worker_id,
        "worker": p.worker.full_name,
        "started_at": p.started_at,
        "ended_at": p.ended_at,
        "is_open": p.ended_at is None,
        "distance_m": p.distance_m,
        "summary": p.summary,
        "check_in_count": counts[0],
        "problem_count": counts[1],
        "activity_id": p.activity_id,
    }


def _detail(patrol_id: int) -> dict[str, Any]:
    p: Patrol = Patrol.objects.select_related("unit", "route", "worker").defer("unit__boundary").get(pk=patrol_id)
    rows = list(
        PatrolCheckIn.objects.filter(patrol=p).select_related("point", "case").order_by("at", "id"),
    )
    files = files_of(OfficeAttachment.Owner.CHECK_IN, [c.pk for c in rows])
    problems = sum(1 for c in rows if c.result == PatrolCheckIn.Result.PROBLEM)
    out = _patrol_out(p, (len(rows), problems))
    out["track"] = p.track
    out["check_ins"] = [
        {
            "id": c.pk,
            "client_id": c.client_id,
            "point_id": c.point_id,
            "point_name": c.point.name if c.point else "",
            "at": c.at,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "result": c.result,
            "result_label": PatrolCheckIn.Result(c.result).label,
            "note": c.note,
            "case": (
                {"id": c.case.pk, "number": c.case.number, "title": c.case.title, "status": c.case.status}
                if c.case
                else None
            ),
            "files": files[c.pk],
        }
        for c in rows
    ]
    out["route_line"] = p.route.line if p.route else []
    out["route_points"] = list(PatrolPoint.objects.filter(route_id=p.route_id)) if p.route_id else []
    return out


def _filter(user: User, f: PatrolFilter) -> services.PatrolFilter:
    worker = None
    if f.worker is not None:
        worker = User.objects.filter(pk=f.worker).first()
        if worker is None:
            raise InvalidInput.field("worker", "巡逻人不存在", code="worker_invalid")
    route = _get_route(user, f.route) if f.route is not None else None
    return services.PatrolFilter(
        root=_unit(user, f.unit) if f.unit is not None else None,
        worker=worker,
        route=route,
        since=f.since,
        until=f.until,
        status=f.status,
    )


def _cursor(p: Patrol) -> str:
    return f"{p.started_at.timestamp():.6f}_{p.pk}"


def _after(qs: Any, cursor: str) -> Any:
    try:
        ts, pk = cursor.split("_")
        at = dt.datetime.fromtimestamp(float(ts), tz=dt.UTC)
        last = int(pk)
    except ValueError:
        raise InvalidInput.field("cursor", "分页参数不正确", code="cursor_invalid") from None
    return qs.filter(Q(started_at__lt=at) | Q(started_at=at, pk__lt=last))


# --- routes ---------------------------------------------------------------------------------


@router.get("/routes", response=PatrolRoutePageOut)
def list_routes(request: HttpRequest, filters: Query[PatrolRouteFilter]) -> dict[str, Any]:
    """The routes of the unit and below (active ones by default)."""
    user = acting(request)
    root = _unit(user, filters.unit) if filters.unit is not None else None
    qs = services.route_list(user, services.RouteFilter(root=root, q=filters.q, withdrawn=filters.withdrawn))
    total = qs.count()
    page = list(
        _routes_qs().filter(pk__in=qs.values("pk")).order_by("path", "name", "id")[filters.offset :][: filters.limit]
    )
    return {"items": [_route_out(r, user) for r in page], "total": total}


@router.get("/routes/member-options", response=list[PatrolMemberOut])
def member_options(request: HttpRequest, unit: int) -> list[dict[str, Any]]:
    """The accounts a route of the unit may name as members (the village's active users)."""
    user = acting(request)
    return [
        {"id": m.pk, "full_name": m.full_name, "unit_name": m.unit.name if m.unit else ""}
        for m in services.member_options(user, _unit(user, unit))
    ]


@router.get("/routes/{route_id}", response=PatrolRouteOut)
def get_route(request: HttpRequest, route_id: int) -> dict[str, Any]:
    user = acting(request)
    return _route_out(_get_route(user, route_id), user)


@router.post("/routes", response={201: PatrolRouteOut})
def create_route(request: HttpRequest, payload: PatrolRouteIn) -> Status[dict[str, Any]]:
    user = acting(request)
    route = services.create_route(user, _unit(user, payload.unit_id), _route_data(payload))
    return Status(201, _route_out(_get_route(user, route.pk), user))


@router.put("/routes/{route_id}", response=PatrolRouteOut)
def update_route(request: HttpRequest, route_id: int, payload: PatrolRouteIn) -> dict[str, Any]:
    user = acting(request)
    services.update_route(user, _get_route(user, route_id), _route_data(payload))
    return _route_out(_get_route(user, route_id), user)


@router.post("/routes/{route_id}/withdraw", response=PatrolRouteOut)
def withdraw_route(request: HttpRequest, route_id: int, payload: RouteWithdrawIn) -> dict[str, Any]:
    user = acting(request)
    services.withdraw_route(user, _get_route(user, route_id), payload.reason)
    return _route_out(_get_route(user, route_id), user)


# --- the phone's patrols ----------------------------------------------------------------------


@router.get("/mine", response=PatrolMineOut)
def mine(request: HttpRequest) -> dict[str, Any]:
    """The phone's patrol page: my open patrol, the routes I may walk (today's first), and my
    recent patrols."""
    user = acting(request)
    routes = services.my_routes(user)
    full = {r.pk: r for r in _routes_qs().filter(pk__in=[r.pk for r in routes])}
    open_one = services.my_open_patrol(user)
    recent = list(_patrols_qs().filter(worker=user).order_by("-started_at", "-id")[:20])
    counts = _counts([p.pk for p in recent])
    return {
        "open": _detail(open_one.pk) if open_one else None,
        "routes": [_route_out(full[r.pk], user) for r in routes],
        "recent": [_patrol_out(p, counts[p.pk]) for p in recent],
    }


@router.post("", response={200: PatrolDetailOut, 201: PatrolDetailOut})
def start_patrol(request: HttpRequest, payload: PatrolStartIn) -> Status[dict[str, Any]]:
    """Start a patrol (the offline queue: the same client id again → 200 with the same patrol)."""
    user = acting(request)
    route = _route_for_patrol(user, payload.route_id) if payload.route_id is not None else None
    unit = _unit(user, payload.unit_id) if payload.unit_id is not None and route is None else None
    patrol, created = services.start_patrol(
        user, client_id=payload.client_id, route=route, unit=unit, started_at=payload.started_at
    )
    return Status(201 if created else 200, _detail(patrol.pk))


@router.post("/by-client/{client_id}/check-ins", response={200: PatrolCheckInOut, 201: PatrolCheckInOut})
def check_in(request: HttpRequest, client_id: uuid.UUID, payload: PatrolCheckInIn) -> Status[dict[str, Any]]:
    """Check in on the patrol with this client id (also one started offline and not yet seen
    here before this request: the queue sends the start first)."""
    user = acting(request)
    patrol = services.patrol_by_client(user, client_id)
    row, created = services.check_in(
        user,
        patrol,
        services.CheckInData(
            client_id=payload.client_id,
            at=payload.at,
            latitude=payload.latitude,
            longitude=payload.longitude,
            point_id=payload.point_id,
            result=payload.result,
            note=payload.note,
            attachment_ids=payload.attachment_ids,
            report_case=payload.report_case,
            case_title=payload.case_title,
            case_category=payload.case_category,
        ),
    )
    detail = _detail(patrol.pk)
    out = next(c for c in detail["check_ins"] if c["id"] == row.pk)
    return Status(201 if created else 200, out)


@router.post("/by-client/{client_id}/track", response=PatrolTrackOut)
def add_track(request: HttpRequest, client_id: uuid.UUID, payload: PatrolTrackIn) -> dict[str, Any]:
    """Append a batch of thinned track points; points not newer than the last kept are ignored
    (a batch sent again adds nothing). Refused once the patrol has ended."""
    user = acting(request)
    patrol, added = services.add_track(user, services.patrol_by_client(user, client_id), payload.points)
    return {"added": added, "total": len(patrol.track), "distance_m": patrol.distance_m}


@router.post("/by-client/{client_id}/end", response=PatrolDetailOut)
def end_patrol(request: HttpRequest, client_id: uuid.UUID, payload: PatrolEndIn) -> dict[str, Any]:
    """End the patrol: its 治安巡逻 activity record is written once; ending again returns it."""
    user = acting(request)
    patrol, _ended = services.end_patrol(
        user,
        services.patrol_by_client(user, client_id),
        ended_at=payload.ended_at,
        summary=payload.summary,
        points=payload.points,
    )
    return _detail(patrol.pk)


# --- patrol records ---------------------------------------------------------------------------


@router.get("", response=PatrolPageOut)
def list_patrols(request: HttpRequest, filters: Query[PatrolFilter]) -> dict[str, Any]:
    """Patrol records of the unit and below, latest first, keyset pages."""
    user = acting(request)
    qs = services.patrol_list(user, _filter(user, filters))
    qs = qs.select_related("unit", "route", "worker").defer("unit__boundary", "track")
    if filters.cursor:
        qs = _after(qs, filters.cursor)
    rows = list(qs[: filters.limit + 1])
    page = rows[: filters.limit]
    counts = _counts([p.pk for p in page])
    return {
        "items": [_patrol_out(p, counts[p.pk]) for p in page],
        "next_cursor": _cursor(page[-1]) if len(rows) > filters.limit else None,
    }


@router.get("/total", response=TotalOut)
def patrol_total(request: HttpRequest, filters: Query[PatrolFilter]) -> dict[str, Any]:
    user = acting(request)
    return capped_total(services.patrol_list(user, _filter(user, filters)))


@router.get("/{patrol_id}", response=PatrolDetailOut)
def get_patrol(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    """One patrol with its track, its check-ins (photos, cases) and its route for the map."""
    user = acting(request)
    get_visible(
        Patrol.objects.defer("track"),
        user,
        patrol_id,
        "records.read",
        "没有查看巡逻记录的权限",
        missing="巡逻记录不存在",
    )
    return _detail(patrol_id)
