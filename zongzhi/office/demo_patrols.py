"""Demo patrols (巡逻), written through the services at the moments they happened:

- for every village of 沿江街道, two routes on its grids (冯墙社区: three, its grid worker the
  team), each a line across the grid with three or four points, a team, weekdays and hours;
- over the last `months` months (12 by default) up to today, patrols on every route: about two a
  week on 冯墙社区's routes, one a week elsewhere, each with a track along the line (a little
  noise), a check-in at most points, and its 治安巡逻 activity;
- a few problems found on the way, two of which became cases (治安隐患) with a photo.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from zongzhi.cases.attachments import store_upload
from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.scope import write_mode
from zongzhi.office import demo_activities
from zongzhi.units.models import Unit, User

from . import services_patrols as services
from .models import PatrolRoute

TOWNSHIP_CODE = "320111003000"  # 沿江街道
VILLAGE_CODE = "320111003001"  # 冯墙社区
FALLBACK = (32.06, 118.63)

ROUTE_NAMES = ["沿街商铺夜巡线", "小区周界巡逻线", "学校周边护学线"]
POINT_NAMES = ["主路口", "农贸市场", "小区东门", "学校门口", "沿江步道", "停车场"]
PROBLEMS = [
    "路灯损坏两盏，夜间照明不足",
    "小区东门门禁故障，外来人员可随意进出",
    "沿街店铺门前堆放易燃杂物",
    "停车场监控摄像头损坏",
]


def _ring(unit: Unit) -> list[tuple[float, float]]:
    """The unit's outer ring as (lat, lng), or an empty list."""
    geometry: Any = unit.boundary or {}
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    coords = geometry.get("coordinates") or []
    if geometry.get("type") == "MultiPolygon" and coords:
        coords = coords[0]
    if geometry.get("type") in ("Polygon", "MultiPolygon") and coords and coords[0]:
        return [(float(p[1]), float(p[0])) for p in coords[0]]
    return []


def _line(unit: Unit, index: int, rng: random.Random) -> list[tuple[float, float]]:
    """A walk across the unit: from near one side of its ring to the other through its middle
    (lat, lng), or a short street near the demo district without a ring."""
    ring = _ring(unit)
    if len(ring) >= 3:
        lat = sum(p[0] for p in ring) / len(ring)
        lng = sum(p[1] for p in ring) / len(ring)
        a = ring[(index * 2) % len(ring)]
        b = ring[(index * 2 + len(ring) // 2) % len(ring)]
        start = (lat + (a[0] - lat) * 0.6, lng + (a[1] - lng) * 0.6)
        end = (lat + (b[0] - lat) * 0.6, lng + (b[1] - lng) * 0.6)
    else:
        lat = FALLBACK[0] + (unit.pk % 17) * 0.004
        lng = FALLBACK[1] + index * 0.004
        start, end = (lat, lng), (lat + 0.004, lng + 0.002)
    steps = 5
    out = []
    for i in range(steps + 1):
        f = i / steps
        bend = 0.0004 * (1 if i % 2 else -1) * rng.random()
        out.append((start[0] + (end[0] - start[0]) * f + bend, start[1] + (end[1] - start[1]) * f - bend))
    return out


def _photo(user: User, seed: int) -> int:
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (90, 90, 110))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 340, 640, 480), fill=(70, 70, 70))
    x = rng.randint(120, 480)
    draw.rectangle((x, 120, x + 12, 340), fill=(40, 40, 40))
    draw.ellipse((x - 30, 90, x + 42, 130), fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    upload = SimpleUploadedFile(f"patrol{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")
    return int(store_upload(acting_user=user, upload=upload).pk)


def _walkers(village: Unit) -> list[User]:
    """Who walks a village's routes: its grid workers with the patrol capability, else its officers."""
    users = [
        u
        for u in User.objects.filter(is_active=True, unit__path__startswith=village.path).select_related("unit")
        if u.has_cap(services.PATROL)
    ]
    grid_workers = [u for u in users if u.unit is not None and u.unit.level == "grid"]
    return grid_workers or users


def _routes(officer: User, village: Unit, walkers: list[User], rng: random.Random) -> list[PatrolRoute]:
    grids = list(Unit.objects.filter(parent=village, level="grid", is_retired=False).order_by("code"))
    count = 3 if village.code == VILLAGE_CODE else 2
    places = (grids or [village]) * count
    out = []
    for i in range(count):
        unit = places[i]
        line = _line(unit, i, rng)
        picks = [line[1], line[3], line[5]] if i % 2 else [line[0], line[2], line[4], line[5]]
        names = rng.sample(POINT_NAMES, len(picks))
        mine = [u for u in walkers if any(unit.path.startswith(p) for p in u.capture_paths)] or walkers
        route = services.create_route(
            officer,
            unit,
            services.RouteData(
                name=ROUTE_NAMES[i % len(ROUTE_NAMES)],
                description=f"{unit.name}{ROUTE_NAMES[i % len(ROUTE_NAMES)]}，重点查看{'、'.join(names)}",
                line=[[round(p[1], 6), round(p[0], 6)] for p in line],
                points=[
                    services.PointData(n, round(p[0], 6), round(p[1], 6), 80) for n, p in zip(names, picks, strict=True)
                ],
                member_ids=[u.pk for u in mine],
                weekdays=["1357", "246", "12345"][i % 3],
                starts_at=[dt.time(19, 0), dt.time(9, 0), dt.time(15, 30)][i % 3],
                ends_at=[dt.time(21, 0), dt.time(11, 0), dt.time(17, 30)][i % 3],
            ),
        )
        out.append(route)
    return out


def _days(route: PatrolRoute, first: dt.date, last: dt.date, per_week: int, rng: random.Random) -> list[dt.date]:
    out = []
    day = first
    while day <= last:
        week = [day + dt.timedelta(days=k) for k in range(7) if day + dt.timedelta(days=k) <= last]
        scheduled = [d for d in week if str(d.isoweekday()) in route.weekdays] or week
        out.extend(sorted(rng.sample(scheduled, min(per_week, len(scheduled)))))
        day += dt.timedelta(days=7)
    return out


def load(now: dt.datetime | None = None, months: int = 12) -> dict[str, int]:
    """Write the routes and patrols once (nothing when the demo's routes exist already); returns
    how many routes, patrols, check-ins and cases."""
    counts = {"routes": 0, "patrols": 0, "check_ins": 0, "cases": 0}
    township = Unit.objects.filter(code=TOWNSHIP_CODE).first()
    if township is None or PatrolRoute.objects.filter(path__startswith=township.path).exists():
        return counts
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    first = today - dt.timedelta(days=30 * months)
    rng = random.Random(20261205)
    villages = list(Unit.objects.filter(parent=township, level="village", is_retired=False).order_by("code"))
    # the village the activities demo keeps under the monthly minimum walks no patrols (each
    # patrol is an activity record: it would lift that village over the minimum)
    short = demo_activities.short_village(villages)
    villages = [v for v in villages if short is None or v.pk != short.pk]
    cases_left = 2
    with transaction.atomic(), simulated_clock(now - dt.timedelta(days=30 * months + 5)) as clock:
        plan: list[tuple[dt.datetime, PatrolRoute, User]] = []
        for village in villages:
            walkers = _walkers(village)
            officer = (
                User.objects.filter(is_active=True, unit=village, roles__code="village_officer").first()
                or User.objects.filter(username="village_officer").first()
            )
            if not walkers or officer is None or write_mode(officer, village.path) != "own":
                continue
            with acting(officer):
                routes = _routes(officer, village, walkers, rng)
            counts["routes"] += len(routes)
            per_week = 2 if village.code == VILLAGE_CODE else 1
            for route in routes:
                team = list(route.members.all()) or walkers
                for day in _days(route, first, today, per_week, rng):
                    hour = route.starts_at or dt.time(9, 0)
                    at = dt.datetime.combine(day, hour, tzinfo=tz) + dt.timedelta(minutes=rng.randint(0, 20))
                    if at < now - dt.timedelta(hours=2):
                        plan.append((at, route, rng.choice(team)))
        plan.sort(key=lambda p: p[0])
        problem_every = max(1, len(plan) // 12)
        for n, (at, route, worker) in enumerate(plan):
            clock.set(at)
            with acting(worker):
                patrol, _ = services.start_patrol(worker, client_id=uuid.uuid4(), route=route, started_at=at)
                points = list(route.points.all())
                line = [(p[1], p[0]) for p in route.line]
                end = at + dt.timedelta(minutes=50 + rng.randint(0, 10))
                clock.set(end)
                t = at
                track: list[list[float]] = []
                for lat, lng in line:
                    t += dt.timedelta(minutes=rng.randint(3, 7))
                    jitter = (rng.uniform(-0.00008, 0.00008), rng.uniform(-0.00008, 0.00008))
                    track.append([lat + jitter[0], lng + jitter[1], int(t.timestamp())])
                services.add_track(worker, patrol, track)
                patrol.refresh_from_db()
                for j, point in enumerate(points):
                    if rng.random() < 0.15:
                        continue  # a point skipped now and then
                    moment = at + dt.timedelta(minutes=5 + j * 9)
                    problem = n % problem_every == 0 and j == 1
                    report = problem and cases_left > 0 and (today - moment.date()).days < 20
                    services.check_in(
                        worker,
                        patrol,
                        services.CheckInData(
                            client_id=uuid.uuid4(),
                            at=moment,
                            latitude=point.latitude,
                            longitude=point.longitude,
                            result="problem" if problem else "normal",
                            note=rng.choice(PROBLEMS) if problem else "",
                            attachment_ids=[_photo(worker, n)] if problem else [],
                            report_case=report,
                        ),
                    )
                    counts["check_ins"] += 1
                    if report:
                        cases_left -= 1
                        counts["cases"] += 1
                services.end_patrol(worker, patrol, ended_at=end, summary="")
                counts["patrols"] += 1
        if cases_left > 0 and plan:
            # Recent problems turned into cases even when the schedule had no problem lately.
            counts["cases"] += _late_cases(plan, cases_left, now, clock, rng)
    return counts


def _late_cases(
    plan: list[tuple[dt.datetime, PatrolRoute, User]], n: int, now: dt.datetime, clock: Any, rng: random.Random
) -> int:
    """One more patrol today per missing case, with a problem reported as a case."""
    made = 0
    _at, route, worker = plan[-1]
    for k in range(n):
        start = now - dt.timedelta(minutes=90 - k * 30)
        clock.set(start)
        with acting(worker):
            patrol, _ = services.start_patrol(worker, client_id=uuid.uuid4(), route=route, started_at=start)
            point = route.points.first()
            services.check_in(
                worker,
                patrol,
                services.CheckInData(
                    client_id=uuid.uuid4(),
                    at=start + dt.timedelta(minutes=5),
                    latitude=point.latitude if point else None,
                    longitude=point.longitude if point else None,
                    result="problem",
                    note=PROBLEMS[k % len(PROBLEMS)],
                    attachment_ids=[_photo(worker, 900 + k)],
                    report_case=True,
                ),
            )
            clock.set(start + dt.timedelta(minutes=20))
            services.end_patrol(worker, patrol, ended_at=start + dt.timedelta(minutes=20), summary="发现问题已上报")
        made += 1
    return made
