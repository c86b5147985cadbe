"""A month of demo warnings (预警) up to today, written through the warnings' own services.

The township (沿江街道) warns its village 冯墙社区 and its police station; the county warns the
townships, the county police (浦口公安分局) and villages. Every step runs as the persona whose
turn it is, at a past moment of the simulated clock (`core.democlock`): most warnings are
acknowledged within the hour and answered with measures, older ones lifted; one is raised, one
lowered, one left unacknowledged past its limit (the sweep escalates it), a few documents are
generated and marked sent. Nothing is sent by SMS.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.democlock import simulated_clock
from zongzhi.units.models import Department, Unit, User

from . import docx
from . import services_warnings as services
from .models import EarlyWarning, RecipientStatus, WarningRecipient

HOUR = dt.timedelta(hours=1)
STORIES = [  # (title, body)
    ("冯墙社区拆迁群众反映不按意愿拆迁", "冯墙社区部分村民对拆迁安置方案有异议，反映违背意愿拆迁，有越级上访苗头。"),
    ("江浦街道某小区业主酝酿集体上访", "某小区业主因房屋质量问题与开发商协商未果，近日在业主群中酝酿赴区集体上访。"),
    ("工程欠薪农民工聚集讨薪", "某建筑工地二十余名农民工被拖欠工资，扬言到区政府门口聚集讨薪。"),
    ("征地补偿款分配引发村民不满", "村集体征地补偿款分配方案公示后，部分村民认为分配不公，情绪激动。"),
    ("重点信访人员近期活动异常", "一名重点信访人员近日多次购买去往省城的车票，有赴省上访可能。"),
    ("企业改制职工诉求未解决", "原某企业改制职工反映社保接续问题未解决，计划联名上访。"),
    ("校外培训机构停业退费纠纷", "某培训机构突然停业，数十名家长要求退费，有聚集苗头。"),
    ("环境污染引发周边居民投诉", "某厂区夜间排放异味，周边居民多次投诉未果，拟集体到厂区门口反映。"),
]
MEASURES = [
    "已安排专人上门做思想工作，当事人情绪基本稳定",
    "已召开协调会，相关部门现场答复诉求",
    "已落实包保责任人，实行24小时稳控",
    "已与当事人签订息访承诺，继续跟踪",
    "已组织调解，双方初步达成一致意见",
]


def _as(user: User) -> Any:
    return set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))


def _run(user: User, fn: Callable[[], Any]) -> Any:
    token = _as(user)
    try:
        return fn()
    finally:
        reset_actor(token)


def build_warnings_demo(*, seed: int = 15, days: int = 30) -> dict[str, int]:
    """Write the month of warnings; returns what it wrote."""
    if EarlyWarning.objects.exists():
        return {"warnings": 0}
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.select_related("unit").filter(username__in=_NAMES)}
    township = Unit.objects.get(code="320111003000")
    fengqiang = Unit.objects.get(code="320111003001")
    jiangpu = Unit.objects.get(code="320111004000")
    villages = list(Unit.objects.filter(parent=township, level="village").exclude(pk=fengqiang.pk).order_by("code"))
    station = Department.objects.filter(unit=township, name__endswith="派出所").first()
    county_police = Department.objects.get(name="浦口公安分局")
    # who acknowledges for a recipient (the persona of that unit or department)
    ackers = {
        ("u", fengqiang.pk): users["village_officer"],
        ("u", township.pk): users["township_officer"],
        ("u", jiangpu.pk): users["township2_officer"],
        ("d", county_police.pk): users["dept_police"],
    }
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    events: list[tuple[dt.datetime, int, Callable[[], Any]]] = []
    counter = iter(range(1_000_000))
    counts = {"warnings": 0, "acknowledged": 0, "measures": 0, "lifted": 0, "documents": 0, "escalated": 0}

    def at(when: dt.datetime, fn: Callable[[], Any]) -> None:
        if when < now:
            events.append((when, next(counter), fn))

    def story(
        when: dt.datetime,
        sender: User,
        level: str,
        unit_ids: list[int],
        dept_ids: list[int],
        *,
        ack: bool = True,
        lift: bool = True,
        change: str = "",
        document: bool = False,
    ) -> None:
        title, body = rng.choice(STORIES)
        state: dict[str, Any] = {}

        def issue() -> None:
            data = services.NewWarning(title, body, level, unit_ids, dept_ids, addressee="浦口区信访局")
            state["w"] = _run(sender, lambda: services.issue_warning(acting_user=sender, data=data))
            counts["warnings"] += 1

        at(when, issue)
        t = when
        if change:
            t += HOUR * rng.uniform(0.2, 0.5)

            def level_change() -> None:
                _run(
                    sender,
                    lambda: services.change_level(
                        acting_user=sender, warning_id=state["w"].pk, level=change, comment="根据最新情况调整预警级别"
                    ),
                )

            at(t, level_change)
        if ack:
            for kind, pk in [("u", u) for u in unit_ids] + [("d", d) for d in dept_ids]:
                user = ackers.get((kind, pk))
                if user is None:
                    continue
                t_ack = t + HOUR * rng.uniform(0.1, 0.8)
                at(t_ack, _ack(user, state, counts))
                for n in range(rng.randint(0, 2)):
                    at(t_ack + HOUR * (3 + 20 * n + rng.uniform(0, 4)), _measure(user, state, counts, rng))
        if document:

            def make_doc() -> None:
                doc = _run(sender, lambda: docx.generate(acting_user=sender, warning_id=state["w"].pk))
                _run(
                    sender,
                    lambda: docx.mark_sent(
                        acting_user=sender, document_id=doc.pk, sent_to="浦口区信访局", sent_at=None
                    ),
                )
                counts["documents"] += 1

            at(t + HOUR * 2, make_doc)
        if lift:

            def do_lift() -> None:
                _run(
                    sender,
                    lambda: services.lift(acting_user=sender, warning_id=state["w"].pk, note="矛盾已化解，解除预警"),
                )
                counts["lifted"] += 1

            at(when + dt.timedelta(days=rng.uniform(3, 6)), do_lift)

    t_off, c_off = users["township_officer"], users["county_officer"]
    for i in range(22):
        day = start + dt.timedelta(days=days * i / 22)
        when = day.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
        level = rng.choices(["blue", "yellow", "red"], [5, 3, 1])[0]
        if i % 2 == 0:
            extra = [rng.choice(villages).pk] if villages and rng.random() < 0.3 else []
            story(when, t_off, level, [fengqiang.pk, *extra], [station.pk] if station and i % 4 == 0 else [],
                  document=i in (4, 12))  # fmt: skip
        else:
            units = rng.sample([township.pk, jiangpu.pk], rng.randint(1, 2))
            story(when, c_off, level, units, [county_police.pk] if i % 3 == 1 else [], document=i == 9)
    # one raised, one lowered (recent, still active)
    story(now - dt.timedelta(days=2, hours=3), t_off, "blue", [fengqiang.pk], [], lift=False, change="yellow")
    story(now - dt.timedelta(days=1, hours=5), c_off, "red", [township.pk], [county_police.pk], lift=False,
          change="yellow")  # fmt: skip
    # one the village let lapse (escalated), one just sent (still within its limit)
    story(now - dt.timedelta(hours=30), c_off, "red", [fengqiang.pk], [], ack=False, lift=False)
    story(now - dt.timedelta(minutes=40), t_off, "blue", [fengqiang.pk], [], ack=False, lift=False)

    events.sort(key=lambda e: (e[0], e[1]))
    with (
        transaction.atomic(),
        simulated_clock(start) as clock,
        mock.patch.object(services, "send_sms_task", SimpleNamespace(delay=lambda *a: None)),
    ):
        for when, _n, fn in events:
            clock.set(when)
            counts["escalated"] += services.sweep(when)
            fn()
        clock.set(now)
        counts["escalated"] += services.sweep(now)
    return counts


_NAMES = ["township_officer", "township2_officer", "county_officer", "village_officer", "dept_police"]


def _ack(user: User, state: dict[str, Any], counts: dict[str, int]) -> Callable[[], None]:
    def run() -> None:
        w = state.get("w")
        if w is None or not services.recipient_of(user, w.pk).filter(status=RecipientStatus.PENDING).exists():
            return
        if EarlyWarning.objects.filter(pk=w.pk, status="lifted").exists():
            return
        _run(user, lambda: services.acknowledge(acting_user=user, warning_id=w.pk, comment="已签收"))
        counts["acknowledged"] += 1

    return run


def _measure(user: User, state: dict[str, Any], counts: dict[str, int], rng: random.Random) -> Callable[[], None]:
    def run() -> None:
        w = state.get("w")
        if w is None or EarlyWarning.objects.filter(pk=w.pk, status="lifted").exists():
            return
        if not services.recipient_of(user, w.pk).filter(status=RecipientStatus.ACKNOWLEDGED).exists():
            return
        _run(user, lambda: services.report_measure(acting_user=user, warning_id=w.pk, text=rng.choice(MEASURES)))
        counts["measures"] += 1

    return run


__all__ = ["WarningRecipient", "build_warnings_demo"]
