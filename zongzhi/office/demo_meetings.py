"""Demo meetings and work logs: three months up to today, written through the services at past
moments of a simulated clock (`core.democlock`), so rows, audit events, tasks and notices carry
the times they would have had and the 15-day entry rule holds at each moment.

1. Every village and township of the two demo townships holds its monthly 综治工作例会, entered a
   day or two later; one village (the second of 沿江街道) misses last month's: the gap the
   township sees in its 例会 overview. The current month's meeting is held early in the month
   (none yet when today is the 1st or 2nd).
2. 沿江街道 holds a joint meeting (联席会议) with two decisions, a task for 冯墙社区 and one for a
   department of the township, and a 领导小组会议; 冯墙社区 a 平安建设 meeting with a photo.
3. About twenty work logs of 冯墙社区 and 沿江街道 over the last month; one grows into a case.

Nothing is sent by SMS. A second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.months import months_back
from zongzhi.units.models import Department, Unit, User

from . import services_meetings as svc
from .models import Meeting, MeetingDecision, WorkLog

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
TOWNSHIPS = ("320111003000", "320111004000")
GAP_VILLAGE = "320111003002"

REGULAR_TOPICS = [
    "研判分析本月矛盾纠纷排查情况，部署下月重点工作",
    "传达学习上级综治工作会议精神，布置平安建设宣传月活动",
    "分析研判辖区重点人员动态，落实稳控责任",
]
LOGS = [
    ("走访独居老人", "上门走访辖区独居老人3户，了解生活情况，提醒注意用电用气安全。"),
    ("调解邻里噪音纠纷", "江岸小区两户居民因装修噪音发生口角，现场劝解，双方约定晚十点后停工。"),
    ("出租房屋排查", "排查辖区出租房屋12处，登记新入住流动人口5人。"),
    ("矫正对象谈话", "与社区矫正对象谈话教育，了解近期思想动态，情绪稳定。"),
    ("反诈宣传", "在社区广场发放反诈宣传资料200余份，现场讲解典型案例。"),
    ("消防通道检查", "检查小区消防通道，发现2处堆放杂物，已通知物业清理。"),
    ("信访接待", "接待来访群众1人，反映小区路灯损坏问题，已转物业维修。"),
    ("网格员例会", "组织网格员学习事件上报要求，布置本周走访任务。"),
    ("重点人员走访", "走访精神障碍患者家庭，监护人落实看护责任，服药正常。"),
    ("学校周边巡查", "放学时段巡查学校周边，秩序良好。"),
]


@contextmanager
def _acting(user: User) -> Iterator[None]:
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))
    try:
        yield
    finally:
        reset_actor(token)


def _photo(user: User, colour: str) -> int:
    from PIL import Image

    from zongzhi.cases.attachments import store_upload

    buf = io.BytesIO()
    Image.new("RGB", (640, 420), colour).save(buf, "JPEG", quality=80)
    upload = SimpleUploadedFile("会议现场.jpg", buf.getvalue(), content_type="image/jpeg")
    return int(store_upload(acting_user=user, upload=upload).pk)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _months(today: dt.date) -> list[dt.date]:
    return months_back(today, 3)


def build_demo() -> dict[str, int]:
    """Write three months of meetings and a month of work logs; returns what was written."""
    from zongzhi.notify import services as notify_services

    if Meeting.objects.exists() or WorkLog.objects.exists():
        return {"meetings": 0, "decisions": 0, "work_logs": 0}
    users = {u.username: u for u in User.objects.select_related("unit").filter(username__in=[
        "village_officer", "township_officer", "township2_officer"])}  # fmt: skip
    if len(users) < 3:
        return {"meetings": 0, "decisions": 0, "work_logs": 0}
    now = timezone.now()
    today = timezone.localdate()
    steps: list[tuple[dt.datetime, int, User, Callable[[], Any]]] = []

    def at(when: dt.datetime, who: User, do: Callable[[], Any]) -> None:
        if when < now:
            steps.append((when, len(steps), who, do))

    def meeting(who: User, unit: Unit, kind: str, name: str, held: dt.datetime, topic: str, **kw: Any) -> None:
        def do() -> None:
            photos = [_photo(who, kw.pop("photo"))] if "photo" in kw else []
            svc.create_meeting(
                acting_user=who,
                data=svc.MeetingData(
                    unit_id=unit.pk,
                    kind=kind,
                    category=kw.pop("category", f"{unit.name}（班子）会议"),
                    name=name,
                    held_at=held,
                    location=kw.pop("location", f"{unit.name}会议室"),
                    attendees=kw.pop("attendees", f"{unit.name}综治中心全体成员"),
                    topic=topic,
                    content=kw.pop(
                        "content", "一、通报本月矛盾纠纷排查化解情况；二、分析研判重点问题；三、部署下阶段工作。"
                    ),
                    attachment_ids=photos,
                    **kw,
                ),
            )

        at(min(held + DAY + 2 * HOUR, now - HOUR), who, do)

    # 1. monthly 例会 of the townships and their villages
    for code in TOWNSHIPS:
        township = Unit.objects.get(code=code)
        officer = users["township_officer"] if code == TOWNSHIPS[0] else users["township2_officer"]
        villages = list(township.children.filter(level="village", is_retired=False).order_by("code"))
        for n, month in enumerate(_months(today)):
            for i, unit in enumerate([township, *villages]):
                if unit.code == GAP_VILLAGE and n == 1:
                    continue  # the gap: no 例会 last month
                day = month + dt.timedelta(days=2 + i % 5)
                held = _at(day, 9 if i % 2 else 14, 30)
                if held > now - 3 * HOUR:
                    continue
                who = users["village_officer"] if unit.pk == users["village_officer"].unit_id else officer
                meeting(
                    who,
                    unit,
                    "regular",
                    f"{month.month}月综治工作例会",
                    held,
                    REGULAR_TOPICS[(n + i) % len(REGULAR_TOPICS)],
                    **({"photo": "#7a9cc6"} if unit.code == "320111003001" and n == 2 else {}),
                )

    # 2. the township's joint meeting with two decisions, and other meetings
    township = Unit.objects.get(code=TOWNSHIPS[0])
    village = users["village_officer"].unit
    assert village is not None
    department = Department.objects.filter(unit=township, is_retired=False).order_by("id").first()
    t_officer = users["township_officer"]
    joint_day = today - 12 * DAY
    decisions = [
        svc.DecisionData("牵头化解江岸小区物业费上涨引发的业主纠纷，每周报告进展", joint_day + 20 * DAY, village.pk)
    ]
    if department is not None:
        decisions.append(
            svc.DecisionData("加强江岸小区周边夜间巡逻，防止矛盾激化", joint_day + 15 * DAY, None, department.pk)
        )
    meeting(
        t_officer,
        township,
        "joint",
        "矛盾纠纷排查化解联席会议",
        _at(joint_day, 15),
        "研判江岸小区物业纠纷，明确责任单位和化解时限",
        category="沿江街道综治委会议",
        attendees="街道综治委成员单位负责人",
        minutes="会议听取了冯墙社区关于江岸小区物业纠纷的情况汇报，议定以下事项。",
        decisions=decisions,
    )
    meeting(
        t_officer,
        township,
        "leading_group",
        "平安建设工作领导小组会议",
        _at(today - 40 * DAY, 10),
        "总结三季度平安建设工作，布置四季度重点任务",
        category="街道党工委（班子）会议",
        attendees="平安建设工作领导小组全体成员",
    )
    meeting(
        users["village_officer"],
        village,
        "other",
        "平安建设工作会议",
        _at(today - 6 * DAY, 16),
        "布置平安建设宣传月活动，落实网格员入户宣传任务",
        photo="#8fbf8f",
    )

    # 3. work logs, one turned into a case
    v_officer = users["village_officer"]
    converted: dict[str, int] = {}
    for i in range(20):
        title, content = LOGS[i % len(LOGS)]
        who = v_officer if i % 4 else t_officer
        day = today - dt.timedelta(days=(i * 3) // 2 + 1)

        def write(who: User = who, day: dt.date = day, title: str = title, content: str = content, i: int = i) -> None:
            log = svc.create_work_log(
                acting_user=who, data=svc.WorkLogData(title=title, content=content, logged_on=day)
            )
            if i == 1:
                converted["id"] = log.pk

        at(_at(day, 17, 10 + i), who, write)
    at(
        _at(today - 2 * DAY, 18, 30),
        v_officer,
        lambda: svc.convert_work_log(acting_user=v_officer, log_id=converted["id"], category_code="0102"),
    )

    steps.sort(key=lambda s: (s[0], s[1]))
    with (
        transaction.atomic(),
        simulated_clock(steps[0][0]) as clock,
        mock.patch.object(notify_services, "_send_later", lambda *a: None),
    ):
        for when, _n, who, do in steps:
            clock.set(when)
            with _acting(who):
                do()
    # What came more than three days ago (the decisions' task notices) has been read, as in the
    # cases' and alerts' demos.
    notify_services.mark_read_before(now - 3 * DAY)
    return {
        "meetings": Meeting.objects.count(),
        "decisions": MeetingDecision.objects.count(),
        "work_logs": WorkLog.objects.count(),
    }
