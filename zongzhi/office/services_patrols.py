"""Patrols (巡逻): routes with their points, team and schedule; patrols walked on the phone with
check-ins and a track kept only while open; each ended patrol is a 治安巡逻 activity record.

Who does what:
- a route belongs to a grid or a village and is kept by that unit's officers (`office.write`,
  the unit their own: a township reads its villages' routes but does not change them);
- a patrol is walked by one worker (`office.patrol`) on a route they are a member of or whose
  unit is their own, or freely in one of their own units; only that worker checks in, sends the
  track and ends it;
- everything the phone sends carries a client id (the offline queue): the same request again
  answers with the same record, never a second one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import clientids
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound, OutOfScope
from zongzhi.core.scope import require_write, subtree_q, write_mode
from zongzhi.units.models import Unit, User

from . import services_activities
from .attachments import attach_files
from .models import ActivityKind, OfficeAttachment, Patrol, PatrolCheckIn, PatrolPoint, PatrolRoute
from .services_common import WRITE, rule

AUDIT_LABELS: dict[str, str] = {
    "office.patrol_route_created": "新建巡逻线路",
    "office.patrol_route_updated": "修改巡逻线路",
    "office.patrol_route_withdrawn": "撤销巡逻线路",
    "office.patrol_started": "开始巡逻",
    "office.patrol_checked_in": "巡逻签到",
    "office.patrol_tracked": "上传巡逻轨迹",
    "office.patrol_ended": "结束巡逻",
}

PATROL = "office.patrol"
READ = "records.read"
VILLAGE_PATH_LENGTH = 12
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_LINE_POINTS = 2000
MAX_POINTS = 50
MAX_TRACK_BATCH = 1000
MAX_TRACK_POINTS = 20000
RADIUS_RANGE = (10, 2000)
# Positions are checked against the country's extent, as a case's position is.
LAT_RANGE = (3.0, 54.0)
LNG_RANGE = (73.0, 136.0)
HAZARD_CATEGORY = "02"  # 治安隐患 in the case engine's event categories


# --- geometry ---------------------------------------------------------------------------------


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine; the earth as a sphere of radius 6371 km)."""
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def track_length(track: Sequence[Sequence[float]]) -> int:
    """The walked distance of a track ([[lat, lng, t], ...]) in whole metres."""
    total = 0.0
    for a, b in itertools.pairwise(track):
        total += distance_m(a[0], a[1], b[0], b[1])
    return round(total)


def nearest_point(points: Sequence[PatrolPoint], lat: float, lng: float) -> PatrolPoint | None:
    """The point nearest to the position among those whose check-in radius holds it."""
    best: tuple[float, PatrolPoint] | None = None
    for p in points:
        d = distance_m(lat, lng, p.latitude, p.longitude)
        if d <= p.radius_m and (best is None or d < best[0]):
            best = (d, p)
    return best[1] if best else None


def _in_range(lat: Any, lng: Any) -> bool:
    return (
        isinstance(lat, (int, float))
        and isinstance(lng, (int, float))
        and not isinstance(lat, bool)
        and not isinstance(lng, bool)
        and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
        and LNG_RANGE[0] <= lng <= LNG_RANGE[1]
    )


# --- routes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointData:
    name: str
    latitude: float
    longitude: float
    radius_m: int = 100


@dataclass(frozen=True)
class RouteData:
    name: str
    description: str = ""
    line: list[list[float]] = field(default_factory=list)  # [[lng, lat], ...] GeoJSON order
    points: list[PointData] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    weekdays: str = "12345"
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None


def _village_path(unit: Unit) -> str:
    return str(unit.path)[:VILLAGE_PATH_LENGTH]


def _check_route_unit(user: User, unit: Unit) -> None:
    """The unit is a grid or a village, active, and the user's own (a township reads its villages'
    routes but does not change them)."""
    require_cap(user, WRITE, "没有维护巡逻线路的权限", unit)
    if unit.level not in ("grid", "village"):
        raise InvalidInput.field("unit_id", "巡逻线路只能属于网格或村（社区）", code="route_unit_level")
    if require_write(user, unit, unit.path):
        # The registry's correction capability does not reach the office's routes.
        raise OutOfScope(
            "该数据不在您的录入和维护范围内，只能查看不能修改",
            code="out_of_scope",
            audit=AuditNote("scope.denied", None, {"mode": "write", "user_id": user.pk}),
        )
    if unit.is_retired:
        raise InvalidInput.field("unit_id", "该单位已撤销，不能新建巡逻线路", code="unit_retired")


def _clean_line(line: Any) -> list[list[float]]:
    if not isinstance(line, list) or len(line) < 2:
        raise InvalidInput.field("line", "请在地图上画出线路（至少两个点）", code="line_too_short")
    if len(line) > MAX_LINE_POINTS:
        raise InvalidInput.field("line", f"线路最多{MAX_LINE_POINTS}个点", code="line_too_long")
    out = []
    for pair in line:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not _in_range(pair[1], pair[0]):
            raise InvalidInput.field("line", "线路坐标超出范围，请重新绘制", code="line_invalid")
        out.append([round(float(pair[0]), 7), round(float(pair[1]), 7)])
    return out


def _clean_points(points: list[PointData]) -> list[PointData]:
    if len(points) > MAX_POINTS:
        raise InvalidInput.field("points", f"巡逻点位最多{MAX_POINTS}个", code="too_many_points")
    out = []
    for i, p in enumerate(points):
        name = p.name.strip()
        if not name:
            raise InvalidInput.field(f"points.{i}.name", "请填写点位名称", code="required")
        if not _in_range(p.latitude, p.longitude):
            raise InvalidInput.field(f"points.{i}.latitude", "点位坐标超出范围", code="position_invalid")
        if not RADIUS_RANGE[0] <= p.radius_m <= RADIUS_RANGE[1]:
            raise InvalidInput.field(
                f"points.{i}.radius_m",
                f"签到范围应在{RADIUS_RANGE[0]}到{RADIUS_RANGE[1]}米之间",
                code="radius_out_of_range",
            )
        out.append(PointData(name, float(p.latitude), float(p.longitude), int(p.radius_m)))
    return out


def _clean_weekdays(weekdays: str) -> str:
    days = (weekdays or "").strip()
    if not days or any(c not in "1234567" for c in days):
        raise InvalidInput.field("weekdays", "请选择巡逻日（周一至周日）", code="weekdays_invalid")
    return "".join(sorted(set(days)))


def _clean_members(unit: Unit, ids: list[int]) -> list[User]:
    """Members are active accounts of the route's village (the grid's village for a grid's)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    village = _village_path(unit)
    users = list(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(subtree_q([village], "unit__path"))
        .select_related("unit")
    )
    if len(users) != len(ids):
        raise InvalidInput.field("member_ids", "巡逻人员只能是本村（社区）的人员", code="member_out_of_unit")
    return users


def _clean_route(data: RouteData) -> RouteData:
    name = data.name.strip()
    if not name:
        raise InvalidInput.field("name", "请填写线路名称", code="required")
    if len(name) > 60:
        raise InvalidInput.field("name", "线路名称不能超过60个字", code="too_long")
    if (data.starts_at is None) != (data.ends_at is None):
        raise InvalidInput.field("ends_at", "请同时填写开始和结束时间", code="hours_incomplete")
    if data.starts_at is not None and data.ends_at is not None and data.starts_at >= data.ends_at:
        raise InvalidInput.field("ends_at", "结束时间应晚于开始时间", code="hours_invalid")
    return RouteData(
        name=name,
        description=data.description.strip()[:300],
        line=_clean_line(data.line),
        points=_clean_points(data.points),
        member_ids=data.member_ids,
        weekdays=_clean_weekdays(data.weekdays),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )


def _name_taken(unit: Unit, name: str, exclude: int | None = None) -> None:
    qs = PatrolRoute.objects.filter(unit=unit, name=name, withdrawn_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise InvalidInput.field("name", "本单位已有同名的巡逻线路", code="route_name_taken")


def _write_points(route: PatrolRoute, points: list[PointData]) -> None:
    PatrolPoint.objects.bulk_create(
        [
            PatrolPoint(
                route=route, order=i, name=p.name, latitude=p.latitude, longitude=p.longitude, radius_m=p.radius_m
            )
            for i, p in enumerate(points)
        ]
    )


def _save_route(route: PatrolRoute) -> None:
    try:
        with transaction.atomic():
            route.save()
    except IntegrityError:
        raise InvalidInput.field("name", "本单位已有同名的巡逻线路", code="route_name_taken") from None


def create_route(user: User, unit: Unit, data: RouteData) -> PatrolRoute:
    """Define a route of a grid or a village: its line, points, team and schedule."""
    _check_route_unit(user, unit)
    data = _clean_route(data)
    members = _clean_members(unit, data.member_ids)
    _name_taken(unit, data.name)
    with transaction.atomic():
        route = PatrolRoute(
            path=unit.path,
            unit=unit,
            name=data.name,
            description=data.description,
            line=data.line,
            weekdays=data.weekdays,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            created_by=user,
        )
        _save_route(route)
        route.members.set(members)
        _write_points(route, data.points)
        record_event(
            "office.patrol_route_created",
            obj=route,
            detail={"name": route.name, "points": len(data.points), "members": [m.pk for m in members]},
        )
    return route


def _check_route_editable(user: User, route: PatrolRoute) -> None:
    require_cap(user, WRITE, "没有维护巡逻线路的权限", route)
    if require_write(user, route):
        raise OutOfScope(
            "该数据不在您的录入和维护范围内，只能查看不能修改",
            code="out_of_scope",
            audit=AuditNote("scope.denied", None, {"mode": "write", "user_id": user.pk}),
        )
    if route.is_withdrawn:
        raise InvalidInput("该巡逻线路已撤销，不能修改", code="route_withdrawn")


def update_route(user: User, route: PatrolRoute, data: RouteData) -> PatrolRoute:
    """Change a route; its points are replaced by the ones given (a point keeping its name keeps
    its row and its check-ins; a removed point's check-ins keep their position and time, their
    link to it cleared)."""
    _check_route_editable(user, route)
    data = _clean_route(data)
    members = _clean_members(route.unit, data.member_ids)
    _name_taken(route.unit, data.name, exclude=route.pk)
    with transaction.atomic():
        locked: PatrolRoute = PatrolRoute.objects.select_for_update().get(pk=route.pk)
        if locked.is_withdrawn:
            raise InvalidInput("该巡逻线路已撤销，不能修改", code="route_withdrawn")
        for name in ("name", "description", "line", "weekdays", "starts_at", "ends_at"):
            setattr(locked, name, getattr(data, name))
        _save_route(locked)
        locked.members.set(members)
        old = list(locked.points.all())
        keep: dict[int, PatrolPoint] = {}
        # A point keeping its name keeps its row (check-ins stay linked to it).
        by_name = {p.name: p for p in old}
        fresh: list[tuple[int, PointData]] = []
        for i, p in enumerate(data.points):
            same = by_name.pop(p.name, None)
            if same is None:
                fresh.append((i, p))
                continue
            same.order, same.latitude, same.longitude, same.radius_m = i, p.latitude, p.longitude, p.radius_m
            same.save()
            keep[same.pk] = same
        gone = [p.pk for p in old if p.pk not in keep]
        if gone:
            PatrolCheckIn.objects.filter(point_id__in=gone).update(point=None)
            PatrolPoint.objects.filter(pk__in=gone).delete()
        PatrolPoint.objects.bulk_create(
            [
                PatrolPoint(
                    route=locked, order=i, name=p.name, latitude=p.latitude, longitude=p.longitude, radius_m=p.radius_m
                )
                for i, p in fresh
            ]
        )
        record_event(
            "office.patrol_route_updated",
            obj=locked,
            detail={"points": len(data.points), "members": [m.pk for m in members]},
        )
    return locked


def withdraw_route(user: User, route: PatrolRoute, reason: str) -> PatrolRoute:
    """撤销: the route stays with its patrols, tagged with who, when and why; no new patrols on it."""
    _check_route_editable(user, route)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写撤销原因", code="required")
    with transaction.atomic():
        locked: PatrolRoute = PatrolRoute.objects.select_for_update().get(pk=route.pk)
        if locked.is_withdrawn:
            raise InvalidInput("该巡逻线路已撤销", code="route_withdrawn")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user
        locked.withdrawn_reason = reason
        locked.save()
        record_event("office.patrol_route_withdrawn", obj=locked, detail={"reason": reason})
    return locked


@dataclass(frozen=True)
class RouteFilter:
    root: Unit | None = None
    q: str = ""
    withdrawn: str = "active"  # active | withdrawn | all


def route_list(user: User, f: RouteFilter) -> QuerySet[PatrolRoute]:
    require_cap(user, READ, "没有查看巡逻线路的权限")
    qs = PatrolRoute.objects.visible_to(user)
    if f.root is not None:
        qs = qs.filter(subtree_q([f.root.path]))
    if f.q.strip():
        qs = qs.filter(name__contains=f.q.strip())
    if f.withdrawn == "active":
        qs = qs.filter(withdrawn_at__isnull=True)
    elif f.withdrawn == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    return qs.order_by("path", "name", "id")


def member_options(user: User, unit: Unit) -> QuerySet[User]:
    """The accounts a route of `unit` may name as members: the active users of its village."""
    _check_route_unit(user, unit)
    return (
        User.objects.filter(is_active=True)
        .filter(subtree_q([_village_path(unit)], "unit__path"))
        .select_related("unit")
        .order_by("unit__path", "full_name", "id")
    )


def scheduled_on(route: PatrolRoute, day: dt.date) -> bool:
    return str(day.isoweekday()) in route.weekdays


def patrollable(user: User, route: PatrolRoute, member_ids: set[int] | None = None) -> bool:
    """Whether the user may walk the route: a member of its team, or the route's unit is theirs."""
    ids = member_ids if member_ids is not None else set(route.members.values_list("id", flat=True))
    return user.pk in ids or write_mode(user, route.path) == "own"


def my_routes(user: User) -> list[PatrolRoute]:
    """The active routes the user may walk (member, or of their own units), today's scheduled
    ones first."""
    require_cap(user, PATROL, "没有巡逻的权限")
    from zongzhi.core.scope import write_scope

    own = write_scope(user)
    qs = (
        PatrolRoute.objects.filter(withdrawn_at__isnull=True)
        .filter(Q(members=user) | own.own_q())
        .distinct()
        .select_related("unit")
        .defer("unit__boundary")
        .prefetch_related("points")
    )
    today = timezone.localdate()
    routes = list(qs)
    routes.sort(key=lambda r: (not scheduled_on(r, today), r.starts_at or dt.time.max, r.name))
    return routes


# --- patrols ------------------------------------------------------------------------------------


def _check_moment(name: str, at: dt.datetime, not_before: dt.datetime | None, label: str) -> dt.datetime:
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > timezone.now() + FUTURE_TOLERANCE:
        raise InvalidInput.field(name, f"{label}不能晚于现在", code="time_in_future")
    if not_before is not None and at < not_before:
        raise InvalidInput.field(name, f"{label}不能早于巡逻开始时间", code="time_before_start")
    return at


def _free_unit(user: User, unit: Unit | None) -> Unit:
    """The unit of a patrol without a route: the one given, else the user's first own grid, else
    their unit; it must be their own."""
    if unit is None:
        grids = [p for p in user.capture_paths if len(p) > VILLAGE_PATH_LENGTH]
        found = Unit.objects.filter(path__in=grids or list(user.capture_paths)).order_by("path").first()
        unit = found or user.unit
    if unit is None:
        raise InvalidInput.field("unit_id", "请选择巡逻的网格或村（社区）", code="required")
    if write_mode(user, unit.path) != "own":
        raise OutOfScope(
            "只能在本人负责的网格或村（社区）巡逻",
            code="out_of_scope",
            audit=AuditNote("scope.denied", unit, {"mode": "patrol", "user_id": user.pk}),
        )
    return unit


def start_patrol(
    user: User,
    *,
    client_id: uuid.UUID,
    route: PatrolRoute | None = None,
    unit: Unit | None = None,
    started_at: dt.datetime | None = None,
) -> tuple[Patrol, bool]:
    """Start a patrol (on a route or free). Returns (patrol, created): the same client id again
    returns the first patrol. A worker has one open patrol at a time."""
    require_cap(user, PATROL, "没有巡逻的权限")
    existing = clientids.resent(Patrol, client_id, user, owner="worker_id")
    if existing is not None:
        return existing, False
    if route is not None:
        if route.is_withdrawn:
            raise InvalidInput.field("route_id", "该巡逻线路已撤销", code="route_withdrawn")
        if not patrollable(user, route):
            raise OutOfScope(
                "您不是该线路的巡逻人员",
                code="not_route_member",
                audit=AuditNote("scope.denied", route, {"mode": "patrol", "user_id": user.pk}),
            )
        place = route.unit
    else:
        place = _free_unit(user, unit)
    now = timezone.now()
    at = _check_moment("started_at", started_at or now, None, "开始时间")
    days = rule("record_entry_days")
    if (now - at).days > days:
        raise InvalidInput.field("started_at", f"巡逻须在{days}天内上传", code="patrol_entry_late")
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()  # one start at a time per worker
            open_one = Patrol.objects.filter(worker=user, ended_at__isnull=True).first()
            if open_one is not None:
                raise Conflict(
                    f"您有一次巡逻尚未结束（{timezone.localtime(open_one.started_at):%m月%d日 %H:%M}开始），请先结束",
                    code="patrol_open",
                )
            patrol = Patrol.objects.create(
                path=place.path,
                route=route,
                unit=place,
                worker=user,
                started_at=at,
                client_id=client_id,
            )
            record_event(
                "office.patrol_started",
                obj=patrol,
                detail={"route_id": route.pk if route else None, "started_at": at.isoformat()},
            )
    except IntegrityError:
        again = clientids.resent(Patrol, client_id, user, owner="worker_id")
        if again is None:
            raise
        return again, False
    return patrol, True


def patrol_by_client(user: User, client_id: uuid.UUID) -> Patrol:
    """The user's own patrol with this client id: 404 if none is visible, 403 if another's."""
    patrol: Patrol | None = Patrol.objects.select_related("route").filter(client_id=client_id).first()
    if patrol is None:
        raise NotFound("巡逻记录不存在，请先开始巡逻")
    if not patrol.is_visible_to(user):
        raise NotFound(
            "巡逻记录不存在，请先开始巡逻",
            audit=AuditNote("scope.denied", patrol, {"mode": "read", "user_id": user.pk}),
        )
    require_cap(user, PATROL, "没有巡逻的权限", patrol)
    if patrol.worker_id != user.pk:
        raise Forbidden(
            "只有巡逻人本人可以签到、上传轨迹和结束巡逻",
            code="not_patrol_worker",
            audit=AuditNote("permission.denied", patrol, {"reason": "not_patrol_worker"}),
        )
    return patrol


def _locked_open(patrol: Patrol) -> Patrol:
    locked: Patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if locked.ended_at is not None:
        raise Conflict("本次巡逻已结束", code="patrol_ended")
    return locked


@dataclass(frozen=True)
class CheckInData:
    client_id: uuid.UUID
    at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    point_id: int | None = None
    result: str = PatrolCheckIn.Result.NORMAL
    note: str = ""
    attachment_ids: list[int] = field(default_factory=list)
    report_case: bool = False
    case_title: str = ""
    case_category: str = ""


def _clean_check_in(patrol: Patrol, data: CheckInData) -> tuple[dt.datetime, PatrolPoint | None, str]:
    at = _check_moment("at", data.at or timezone.now(), patrol.started_at, "签到时间")
    if data.result not in PatrolCheckIn.Result.values:
        raise InvalidInput.field("result", "请选择巡查情况", code="result_invalid")
    note = data.note.strip()
    if data.result == PatrolCheckIn.Result.PROBLEM and not note:
        raise InvalidInput.field("note", "发现问题时请填写情况说明", code="required")
    if len(note) > 300:
        raise InvalidInput.field("note", "说明不能超过300字", code="too_long")
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidInput.field("latitude", "位置不完整", code="position_invalid")
    if data.latitude is not None and not _in_range(data.latitude, data.longitude):
        raise InvalidInput.field("latitude", "位置不在我国境内，请检查定位", code="position_invalid")
    if data.report_case and data.result != PatrolCheckIn.Result.PROBLEM:
        raise InvalidInput.field("report_case", "只有发现问题的签到可以上报为事件", code="case_needs_problem")
    point: PatrolPoint | None = None
    if data.point_id is not None:
        point = PatrolPoint.objects.filter(pk=data.point_id, route_id=patrol.route_id).first()
        if patrol.route_id is None or point is None:
            raise InvalidInput.field("point_id", "该点位不在本次巡逻的线路上", code="point_invalid")
    elif patrol.route_id is not None and data.latitude is not None and data.longitude is not None:
        point = nearest_point(list(PatrolPoint.objects.filter(route_id=patrol.route_id)), data.latitude, data.longitude)
    return at, point, note


def check_in(user: User, patrol: Patrol, data: CheckInData) -> tuple[PatrolCheckIn, bool]:
    """Check in during the user's open patrol: at a point (given, or the nearest one whose
    radius holds the position) or anywhere, "正常" or a problem with its note and photos. A
    problem may become an event of the case engine (治安隐患 prefilled, the position and photos
    with it), linked to the check-in, in the same transaction. Returns (check-in, created)."""

    def resent() -> PatrolCheckIn | None:
        return clientids.resent(
            PatrolCheckIn,
            data.client_id,
            user,
            owner="patrol.worker_id",
            same=lambda c: c.patrol_id == patrol.pk,
            queryset=PatrolCheckIn.objects.select_related("patrol"),
        )

    done = resent()
    if done is not None:
        return done, False
    if patrol.ended_at is not None:
        raise Conflict("本次巡逻已结束", code="patrol_ended")
    at, point, note = _clean_check_in(patrol, data)
    try:
        with transaction.atomic():
            locked = _locked_open(patrol)
            row = PatrolCheckIn.objects.create(
                patrol=locked,
                point=point,
                at=at,
                latitude=data.latitude,
                longitude=data.longitude,
                result=data.result,
                note=note,
                client_id=data.client_id,
            )
            attach_files(user, data.attachment_ids, OfficeAttachment.Owner.CHECK_IN, row.pk)
            if data.report_case:
                row.case = _report_case(user, locked, row, point, data)
                row.save(update_fields=["case"])
            record_event(
                "office.patrol_checked_in",
                obj=locked,
                detail={
                    "check_in_id": row.pk,
                    "point_id": point.pk if point else None,
                    "result": row.result,
                    "case_id": row.case_id,
                },
            )
    except IntegrityError:
        again = resent()
        if again is None:
            raise
        return again, False
    return row, True


def _report_case(user: User, patrol: Patrol, row: PatrolCheckIn, point: PatrolPoint | None, data: CheckInData) -> Any:
    from zongzhi.cases.services import NewCase, create_case

    where = point.name if point else (patrol.route.name if patrol.route else patrol.unit.name)
    title = (data.case_title or "").strip() or f"巡逻发现：{row.note[:40]}"
    case, _created = create_case(
        acting_user=user,
        data=NewCase(
            kind="event",
            title=title[:100],
            description=f"{row.note}\n（巡逻签到上报，地点：{where}）",
            category_code=data.case_category or HAZARD_CATEGORY,
            occurred_at=row.at,
            latitude=row.latitude,
            longitude=row.longitude,
            address=where,
            client_id=data.client_id,
            attachment_ids=list(data.attachment_ids) or None,
        ),
    )
    return case


def _clean_track(patrol: Patrol, points: list[list[float]], field_name: str = "points") -> list[list[float]]:
    """The points newer than the patrol's last, checked and in time order (a batch sent again
    adds nothing: its points are not newer)."""
    if len(points) > MAX_TRACK_BATCH:
        raise InvalidInput.field(field_name, f"每次最多上传{MAX_TRACK_BATCH}个轨迹点", code="too_many_points")
    start = patrol.started_at.timestamp()
    limit = (timezone.now() + FUTURE_TOLERANCE).timestamp()
    last = patrol.track[-1][2] if patrol.track else start - 1
    fresh = []
    for p in points:
        if not isinstance(p, (list, tuple)) or len(p) != 3 or not _in_range(p[0], p[1]):
            raise InvalidInput.field(field_name, "轨迹点坐标不正确", code="track_invalid")
        t = p[2]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
            raise InvalidInput.field(field_name, "轨迹点时间不正确", code="track_invalid")
        if t > limit:
            raise InvalidInput.field(field_name, "轨迹点时间不能晚于现在", code="time_in_future")
        if t < start - 60:  # a fix from before the patrol (a phone's cached position): not tracked
            continue
        if int(t) > last:
            fresh.append([round(float(p[0]), 7), round(float(p[1]), 7), int(t)])
    fresh.sort(key=lambda p: p[2])
    out: list[list[float]] = []
    for p in fresh:
        if not out or p[2] > out[-1][2]:
            out.append(p)
    if len(patrol.track) + len(out) > MAX_TRACK_POINTS:
        raise InvalidInput.field(field_name, "本次巡逻的轨迹点过多", code="track_too_long")
    return out


def add_track(user: User, patrol: Patrol, points: list[list[float]]) -> tuple[Patrol, int]:
    """Append thinned points ([[lat, lng, unix seconds], ...]) to the user's open patrol; refused
    once it has ended (nothing is tracked outside an open patrol). Returns (patrol, points added)."""
    with transaction.atomic():
        locked = _locked_open(patrol)
        fresh = _clean_track(locked, points)
        if fresh:
            locked.track = [*locked.track, *fresh]
            locked.distance_m = track_length(locked.track)
            locked.save(update_fields=["track", "distance_m"])
            record_event("office.patrol_tracked", obj=locked, detail={"points": len(fresh)})
    return locked, len(fresh)


def end_patrol(
    user: User,
    patrol: Patrol,
    *,
    ended_at: dt.datetime | None = None,
    summary: str = "",
    points: list[list[float]] | None = None,
) -> tuple[Patrol, bool]:
    """End the user's patrol: the last track points, the summary, the distance walked, and the
    治安巡逻 activity of the patrol's unit (活动台账). Ending it again returns it as it is."""
    if patrol.ended_at is not None:
        return patrol, False
    summary = (summary or "").strip()
    if len(summary) > 500:
        raise InvalidInput.field("summary", "巡逻情况不能超过500字", code="too_long")
    with transaction.atomic():
        locked: Patrol = (
            Patrol.objects.select_for_update(of=("self",)).select_related("route", "unit").get(pk=patrol.pk)
        )
        if locked.ended_at is not None:
            return locked, False
        last_at = max([c.at for c in locked.check_ins.all()] or [locked.started_at])
        at = _check_moment("ended_at", ended_at or timezone.now(), locked.started_at, "结束时间")
        if at < last_at:
            raise InvalidInput.field("ended_at", "结束时间不能早于最后一次签到", code="time_before_check_in")
        fresh = _clean_track(locked, points or [])
        locked.track = [*locked.track, *fresh]
        locked.distance_m = track_length(locked.track)
        locked.ended_at = at
        locked.summary = summary
        locked.activity = _activity(user, locked)
        locked.save()
        record_event(
            "office.patrol_ended",
            obj=locked,
            detail={"distance_m": locked.distance_m, "activity_id": locked.activity.pk if locked.activity else None},
        )
    return locked, True


def _activity(user: User, patrol: Patrol) -> Any:
    """The seed-000 治安巡逻 record of the patrol, in the unit's 活动台账."""
    rows = list(patrol.check_ins.all())
    problems = [c for c in rows if c.result == PatrolCheckIn.Result.PROBLEM]
    start = timezone.localtime(patrol.started_at)
    end = timezone.localtime(patrol.ended_at) if patrol.ended_at else start
    where = patrol.route.name if patrol.route else patrol.unit.name
    topic = patrol.summary or ("发现问题" + "；".join(c.note for c in problems) if problems else "正常")
    content = (
        f"{user.full_name}于{start:%H:%M}至{end:%H:%M}巡逻{where}，里程约{patrol.distance_m}米，"
        f"签到{len(rows)}次，发现问题{len(problems)}处。"
    )
    return services_activities.record_patrol_activity(
        user,
        patrol.unit,
        services_activities.ActivityData(
            kind=ActivityKind.PATROL,
            name="治安巡逻",
            held_on=start.date(),
            location=where[:100],
            topic=topic[:300],
            content=content,
        ),
    )


@dataclass(frozen=True)
class PatrolFilter:
    root: Unit | None = None
    worker: User | None = None
    route: PatrolRoute | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    status: str = "all"  # all | open | ended


def patrol_list(user: User, f: PatrolFilter) -> QuerySet[Patrol]:
    """The patrols the user may read that the filters select, latest started first."""
    require_cap(user, READ, "没有查看巡逻记录的权限")
    qs = Patrol.objects.visible_to(user)
    if f.root is not None:
        qs = qs.filter(subtree_q([f.root.path]))
    if f.worker is not None:
        qs = qs.filter(worker=f.worker)
    if f.route is not None:
        qs = qs.filter(route=f.route)
    tz = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(started_at__gte=dt.datetime.combine(f.since, dt.time.min, tzinfo=tz))
    if f.until:
        qs = qs.filter(started_at__lt=dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if f.status == "open":
        qs = qs.filter(ended_at__isnull=True)
    elif f.status == "ended":
        qs = qs.filter(ended_at__isnull=False)
    return qs.order_by("-started_at", "-id")


def my_open_patrol(user: User) -> Patrol | None:
    found: Patrol | None = Patrol.objects.filter(worker=user, ended_at__isnull=True).select_related("route").first()
    return found
