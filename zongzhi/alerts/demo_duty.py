"""Demo duty: a month of 24-hour shifts up to today for the demo county, its townships and a few
villages, with leaders in charge at the county, duty log entries (calls, visits, notices) and the
handovers received, all written through the duty services at the moments they happened
(`simulated_clock`).

Units keep their roster with their own staff: the personas of units/demo.py where they work
there, and two duty officers per unit opened and granted by the demo's administrators (the real
account services). Idempotent: a unit that already has shifts is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from unittest import mock

from django.db import transaction
from django.utils import timezone

from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.notify import sms
from zongzhi.units import accounts
from zongzhi.units.demo import COUNTY_CODE, DEMO_PASSWORD
from zongzhi.units.models import Role, Unit, User

from . import services_duty as duty
from .models import DutyLogEntry, DutyShift

DAYS = 30
VILLAGES = ["320111003001", "320111003002", "320111004001"]
NAMES = ["孙立", "周琴", "吴刚", "郑红", "冯涛", "褚云", "卫东", "蒋华", "沈洁", "韩冰", "杨帆", "朱敏"]
ROLE_OF_LEVEL = {"county": "county_officer", "township": "township_officer", "village": "village_officer"}
# Units whose full log (entries, handovers, receipts) is written: the personas' own.
DETAILED = {COUNTY_CODE, "320111003000", "320111004000", "320111003001"}
LOG = [
    ("call", "区综治中心", "通知明日上午召开维稳工作例会", "已记录并转告分管领导"),
    ("call", "冯墙社区", "报告一起邻里噪音纠纷", "已通知社区调解员上门调解"),
    ("visit", "群众王某", "来访反映小区停车难问题", "已登记，转相关部门答复"),
    ("notice", "市委政法委", "转发节日期间安全稳定工作通知", "已传达至各村（社区）"),
    ("event", "江岸建筑工地", "工人聚集讨要工资约15人", "已报告带班领导，派出所民警到场疏导"),
    ("call", "派出所", "通报辖区一起交通事故", "无人员伤亡，已处置完毕"),
    ("other", "", "夜间巡查辖区重点部位", "未发现异常"),
]
HANDOVERS = ["值班期间情况平稳，无遗留事项", "冯墙社区噪音纠纷需继续跟进", "明日上午维稳例会，请提醒领导参会"]


def _staff(unit: Unit, admin: User, secadmin: User, phone_base: int) -> list[User]:
    """The unit's duty officers: its own business accounts, plus two opened for the demo."""
    role = Role.objects.get(code=ROLE_OF_LEVEL[unit.level])
    for n in (1, 2):
        username = f"duty_{unit.code}_{n}"
        if User.objects.filter(username=username).exists():
            continue
        user = accounts.create_user(
            acting_user=admin,
            username=username,
            full_name=NAMES[(phone_base + n) % len(NAMES)],
            phone=f"139{phone_base:04d}{n:04d}",
            unit=unit,
            department=None,
            password=DEMO_PASSWORD,
        )
        accounts.set_grants(acting_user=secadmin, user=user, roles=[role], view_scope=[unit], capture_scope=[unit])
        User.objects.filter(pk=user.pk).update(must_change_password=False)
    users = User.objects.filter(unit=unit, department__isnull=True, is_active=True).prefetch_related("roles")
    return sorted((u for u in users if u.has_cap(duty.DUTY)), key=lambda u: u.pk)


def _roster(
    unit: Unit, officers: list[User], leader: User | None, first: dt.date, last: dt.date, phone: str
) -> list[DutyShift]:
    lead = officers[0]
    with acting(lead):
        return duty.create_rotation(
            acting_user=lead,
            unit=unit,
            rotation=duty.Rotation(
                first_day=first,
                last_day=last,
                start_time=dt.time(8, 30),
                hours=24,
                officer_ids=[u.pk for u in officers],
                leader_ids=[leader.pk] if leader else [],
                duty_phone=phone,
            ),
        )


def _live(shifts: list[DutyShift], clock: object, rng: random.Random, now: dt.datetime) -> tuple[int, int]:
    """Log entries during each shift, the handover at its end and the receipt just after."""
    entries = handovers = 0
    for shift in shifts:
        if shift.starts_at >= now:
            break
        for _ in range(rng.randint(1, 3)):
            at = shift.starts_at + dt.timedelta(minutes=rng.randint(30, 23 * 60))
            if at >= now:
                continue
            kind, counterpart, content, handling = rng.choice(LOG)
            clock.set(at)  # type: ignore[attr-defined]
            with acting(shift.officer):
                duty.add_log_entry(
                    acting_user=shift.officer,
                    shift_id=shift.pk,
                    kind=kind,
                    occurred_at=at,
                    counterpart=counterpart,
                    content=content,
                    handling=handling,
                )
            entries += 1
        if shift.ends_at > now:
            continue
        clock.set(shift.ends_at - dt.timedelta(minutes=10))  # type: ignore[attr-defined]
        with acting(shift.officer):
            handover = duty.hand_over(acting_user=shift.officer, shift_id=shift.pk, notes=rng.choice(HANDOVERS))
        handovers += 1
        if handover.to_shift is not None and handover.to_shift.officer_id != shift.officer_id:
            receiver = handover.to_shift.officer
            clock.set(shift.ends_at + dt.timedelta(minutes=rng.randint(2, 20)))  # type: ignore[attr-defined]
            with acting(receiver):
                duty.receive_handover(acting_user=receiver, shift_id=shift.pk)
    return entries, handovers


def build_duty_demo() -> dict[str, int]:
    """A month of rosters, logs and handovers; returns how many of each were written."""
    rng = random.Random(15)
    now = timezone.localtime()
    first = timezone.localdate() - dt.timedelta(days=DAYS)
    admin = User.objects.get(username="sysadmin")
    secadmin = User.objects.get(username="secadmin")
    leader = User.objects.get(username="leader")
    county = Unit.objects.get(code=COUNTY_CODE)
    units = [
        county,
        *Unit.objects.filter(parent=county, level="township", is_retired=False).order_by("path"),
        *Unit.objects.filter(code__in=VILLAGES).order_by("path"),
    ]
    counts = {"shifts": 0, "log_entries": 0, "handovers": 0}
    start = timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=1), dt.time(17, 0)))
    # SMS is not sent for demo history; one transaction (SQLite would wait for the disk per step).
    with (
        transaction.atomic(),
        simulated_clock(start) as clock,
        mock.patch.object(sms.send_sms_task, "delay", lambda *a, **k: None),
    ):
        for n, unit in enumerate(units):
            if DutyShift.objects.filter(unit=unit).exists():
                continue
            clock.set(start)
            officers = _staff(unit, admin, secadmin, 5140 + n)
            shifts = _roster(unit, officers, leader if unit == county else None, first, now.date(), f"025-5888{n:04d}")
            counts["shifts"] += len(shifts)
            if unit.code in DETAILED:
                entries, handovers = _live(shifts, clock, rng, now)
                counts["log_entries"] += entries
                counts["handovers"] += handovers
        clock.set(now)
    assert DutyLogEntry.objects.count() >= counts["log_entries"]
    return counts
