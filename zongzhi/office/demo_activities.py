"""Demo activities (活动台账), written through the services at the moments they were entered:

- for every village of 沿江街道 and for every township of the county, the three full months
  before this one and this month so far, 11 to 14 activities a month (this month in proportion);
- one village of 沿江街道 (not 冯墙社区) records only 5 to 7 a month: below the minimum of 10, a
  gap the township sees in red;
- a 村务公开 in every quarter for every village, except last quarter for that same village;
- one activity of 冯墙社区 withdrawn with its reason; 冯墙社区's activities of last month and this
  month carry a photo each.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from zongzhi.cases.attachments import store_upload
from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.months import month_end, months_back
from zongzhi.units.demo import COUNTY_CODE
from zongzhi.units.models import Unit, User

from . import services_activities as services
from .models import Activity, ActivityKind

TOWNSHIP_CODE = "320111003000"  # 沿江街道
VILLAGE_CODE = "320111003001"  # 冯墙社区

SAMPLES: dict[str, list[tuple[str, str, str]]] = {
    ActivityKind.LEADER_VISIT: [
        ("区委政法委领导调研综治中心建设", "综治中心", "调研综治中心规范化建设和网格化服务管理工作"),
        ("街道主要领导调研矛盾纠纷化解", "调解室", "听取矛盾纠纷排查化解情况汇报，部署下阶段工作"),
    ],
    ActivityKind.SPECIAL: [
        ("“平安听民声”走访活动", "辖区各小区", "入户走访听取群众对平安建设的意见建议"),
        ("平安志愿者综治义工巡查", "滨江公园", "组织平安志愿者开展群防群治巡查"),
        ("平安综治双月宣传", "社区广场", "发放平安建设宣传资料，现场解答群众咨询"),
    ],
    ActivityKind.PUBLICITY: [
        ("反邪教宣传进小区", "社区文化广场", "开展反邪教警示教育宣传，发放宣传折页"),
        ("防范电信网络诈骗宣传", "社区活动室", "讲解常见诈骗手法，提醒群众提高防范意识"),
        ("平安建设知晓率宣传", "农贸市场门口", "宣传平安建设知识，提高群众知晓率和满意度"),
    ],
    ActivityKind.PATROL: [
        ("治安巡逻", "辖区主要路口及沿街商铺", "正常"),
        ("治安巡逻", "小区周界及地下车库", "发现一处监控摄像头损坏，已报修并加强人防巡逻"),
        ("治安巡逻", "学校周边", "正常"),
    ],
    ActivityKind.OTHER: [
        ("重点人员走访", "辖区重点人员家中", "了解近况，落实帮扶和管控措施"),
        ("安全隐患排查", "出租房屋集中区", "排查消防安全隐患，督促整改"),
    ],
}
VILLAGE_AFFAIRS = ("村务公开", "村务公开栏", "公开本季度村级财务收支、民主决策事项和惠民资金发放情况")
ROTATION = [
    ActivityKind.PATROL,
    ActivityKind.SPECIAL,
    ActivityKind.PUBLICITY,
    ActivityKind.PATROL,
    ActivityKind.OTHER,
    ActivityKind.LEADER_VISIT,
]


def _scene(user: User, seed: int) -> int:
    """A plain generated photo (sky, ground and a building), stored as the user's upload."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (150 + rng.randint(0, 60), 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 320, 640, 480), fill=(110, 140 + rng.randint(0, 40), 90))
    left = rng.randint(60, 360)
    draw.rectangle((left, 180, left + 200, 330), fill=(200, 170 + rng.randint(0, 40), 140))
    draw.polygon([(left - 20, 180), (left + 100, 110), (left + 220, 180)], fill=(170, 70, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    upload = SimpleUploadedFile(f"activity{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")
    return int(store_upload(acting_user=user, upload=upload).pk)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _month_starts(today: dt.date, back: int) -> list[dt.date]:
    return months_back(today, back + 1)


def _last_day(month: dt.date) -> dt.date:
    return month_end(month)


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def short_village(villages: list[Unit]) -> Unit | None:
    """The village of 沿江街道 that records too few activities a month (the gap the township sees)."""
    return next((v for v in villages if v.code != VILLAGE_CODE), None)


def build_demo() -> dict[str, int]:
    """Write the activities once; returns how many (nothing when the demo's exist already)."""
    township = Unit.objects.filter(code=TOWNSHIP_CODE).first()
    if township is None or Activity.objects.filter(unit=township).exists():
        return {"activities": 0}
    rng = random.Random(20261205)
    village_officer = User.objects.get(username="village_officer")
    township_officer = User.objects.get(username="township_officer")
    county_officer = User.objects.get(username="county_officer")
    villages = list(Unit.objects.filter(parent=township, level="village", is_retired=False).order_by("code"))
    short = short_village(villages)
    townships = list(Unit.objects.filter(parent__code=COUNTY_CODE, level="township", is_retired=False).order_by("code"))
    now = timezone.now()
    today = timezone.localdate()
    months = _month_starts(today, 3)
    year, q_now = _quarter(today)
    last_quarter = (year, q_now - 1) if q_now else (year - 1, 3)
    plan: list[tuple[dt.datetime, User, Unit, str, tuple[str, str, str], dt.date]] = []
    for unit in [*villages, *townships]:
        if unit.level == "village":
            who = village_officer if unit.code == VILLAGE_CODE else township_officer
        else:
            who = township_officer if unit.pk == township.pk else county_officer
        is_short = short is not None and unit.pk == short.pk
        quarters_done: set[tuple[int, int]] = set()
        for month in months:
            end = min(_last_day(month), today)
            days = (end - month).days + 1
            share = days / ((_last_day(month) - month).days + 1)
            count = round((rng.randint(5, 7) if is_short else rng.randint(11, 14)) * share)
            picks = sorted(month + dt.timedelta(days=rng.randrange(days)) for _ in range(count))
            for i, day in enumerate(picks):
                kind = ROTATION[(i + unit.pk) % len(ROTATION)]
                sample = rng.choice(SAMPLES[kind])
                q = _quarter(day)
                if unit.level == "village" and q not in quarters_done and not (is_short and q == last_quarter):
                    kind, sample = ActivityKind.VILLAGE_AFFAIRS, VILLAGE_AFFAIRS
                    quarters_done.add(q)
                entered = min(_at(day, rng.randint(15, 19), rng.randint(0, 59)), now - dt.timedelta(minutes=5))
                plan.append((entered, who, unit, kind, sample, day))
    plan.sort(key=lambda p: p[0])
    written = 0
    withdrawn_one = False
    with transaction.atomic(), simulated_clock(plan[0][0] if plan else now) as clock:
        for entered, who, unit, kind, (name, location, topic), day in plan:
            clock.set(entered)
            with acting(who):
                photos = [_scene(who, written)] if unit.code == VILLAGE_CODE and day >= months[-2] else []
                activity = services.create_activity(
                    who,
                    unit,
                    services.ActivityData(
                        kind=kind,
                        name=name,
                        held_on=day,
                        location=f"{unit.name}{location}" if kind == ActivityKind.PATROL else location,
                        topic=topic,
                        content=f"{unit.name}组织开展{name}。{topic}。",
                    ),
                    photos,
                    at=entered,
                )
                written += 1
                if not withdrawn_one and unit.code == VILLAGE_CODE and months[-2] <= day < months[-1]:
                    clock.set(entered + dt.timedelta(minutes=30))
                    services.withdraw_activity(who, activity, "重复录入，以另一条为准")
                    withdrawn_one = True
    return {"activities": written}
