"""Demo information reports: a month of them up to today, written through the services.

Each story reports a piece of stability information as the persona who would have, at a past
moment of a simulated clock (`core.democlock`), then moves it on (screen, forward, return,
follow up, convert, close) at the later moments its steps take, so rows, timelines, audit
events, notifications and lapses carry the times they would have had. Among them: reports
forwarded up to the county, one turned into a case, one forwarded after its one-hour limit (a
迟报 lapse), one 秘密 report, follow-ups, a concealed report recorded by the township, and
recent ones still waiting (one of them overdue once the sweep has run). Nothing is sent by SMS.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.democlock import simulated_clock
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit, User

from . import services_reports as svc
from .models import InfoLapse, InformationReport

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

# (category, urgency, title, description, people) of what the grids and villages report
ITEMS = [
    ("07", "major", "冯墙社区村民拟集体到区政府上访", "约{n}名村民因征地补偿标准问题，商议明日集体到区政府上访。", 15),
    ("99", "important", "江岸小区业主与物业发生纠纷", "{n}余名业主因物业费上涨聚集在物业办公室，要求说明情况。", 20),
    ("99", "normal", "农民工讨要工资", "某工地{n}名农民工反映被拖欠工资，情绪稳定。", 6),
    ("05", "major", "群众聚集围堵街道办事处", "约{n}人因拆迁安置问题聚集在街道办事处门口。", 30),
    ("11", "normal", "网上出现涉本地不实信息", "微信群流传本地学校食品安全问题的不实消息，已有{n}人转发。", 40),
    ("02", "important", "发现疑似邪教宣传品", "在小区信箱发现疑似邪教宣传品，涉及约{n}户。", 12),
    ("10", "normal", "重点人员情绪波动", "辖区一名重点人员近期情绪波动，家属反映有过激言语。", 1),
]
NATURES = ["群体性聚集苗头", "劳资纠纷", "涉众矛盾", "网络舆情", "个人极端情绪"]
MEASURES = ["已安排网格员和民警现场稳控，做好解释疏导", "已约谈相关负责人，督促限期解决", "已联系家属加强看护"]


@dataclass
class Cast:
    grid: User
    village: User
    township: User
    township2: User
    county: User
    grids: list[Unit]


def _cast() -> Cast:
    users = {u.username: u for u in User.objects.select_related("unit").filter(username__in=[
        "grid_worker", "village_officer", "township_officer", "township2_officer", "county_officer"])}  # fmt: skip
    grids = list(Unit.objects.filter(code__in=[GRID_1, GRID_2]).order_by("code"))
    return Cast(
        users["grid_worker"], users["village_officer"], users["township_officer"], users["township2_officer"],
        users["county_officer"], grids,
    )  # fmt: skip


@contextmanager
def acting(user: User) -> Iterator[None]:
    """Attribute the audit records to `user`, as the request middleware would."""
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))
    try:
        yield
    finally:
        reset_actor(token)


@dataclass
class Plan:
    """Steps (moment, who, what) of every story, run in time order."""

    steps: list[tuple[dt.datetime, int, User, Callable[[], Any]]] = field(default_factory=list)
    reports: dict[str, int] = field(default_factory=dict)

    def at(self, when: dt.datetime, who: User, do: Callable[[], Any]) -> None:
        self.steps.append((when, len(self.steps), who, do))


def _new(plan: Plan, key: str, who: User, item: tuple[str, str, str, str, int], *, learned: dt.datetime,
         classification: str = "normal", unit: Unit | None = None, source: str = "grid_worker") -> None:  # fmt: skip
    category, urgency, title, text, people = item

    def do() -> None:
        data = svc.NewReport(
            title=title, description=text.format(n=people), category_code=category, source=source,
            classification=classification, urgency=urgency, people_count=people, learned_at=learned,
            occurred_at=learned - 20 * MINUTE, unit=unit, involved="见内容",
        )  # fmt: skip
        report, _ = svc.create_report(acting_user=who, data=data)
        plan.reports[key] = report.pk

    plan.at(learned + 10 * MINUTE, who, do)


def _step(plan: Plan, key: str, when: dt.datetime, who: User, action: str, **kw: Any) -> None:
    def do() -> None:
        rid = plan.reports[key]
        if action == "screen":
            svc.screen(acting_user=who, report_id=rid, **kw)
        elif action == "forward":
            svc.forward(acting_user=who, report_id=rid, **kw)
        elif action == "return":
            svc.return_down(acting_user=who, report_id=rid, **kw)
        elif action == "follow_up":
            svc.follow_up(acting_user=who, report_id=rid, **kw)
        elif action == "convert":
            svc.convert(acting_user=who, report_id=rid, **kw)
        elif action == "close":
            svc.close(acting_user=who, report_id=rid, **kw)

    plan.at(when, who, do)


def _screen(rng: random.Random) -> dict[str, Any]:
    return {"verified": True, "nature": rng.choice(NATURES), "measures": rng.choice(MEASURES)}


def _plan(cast: Cast, now: dt.datetime, rng: random.Random) -> Plan:
    plan = Plan()
    g, v, t, t2, c = cast.grid, cast.village, cast.township, cast.township2, cast.county

    def day(n: int, hour: int) -> dt.datetime:
        return timezone.localtime(now - n * DAY).replace(hour=hour, minute=rng.randint(0, 50))

    # forwarded all the way to the county in time, closed there
    for n in (27, 19, 9):
        key, at = f"up{n}", day(n, 9)
        _new(plan, key, g, ITEMS[0 if n != 19 else 3], learned=at, unit=rng.choice(cast.grids))
        _step(plan, key, at + 25 * MINUTE, v, "screen", **_screen(rng))
        _step(plan, key, at + 35 * MINUTE, v, "forward", comment="情况属实，请街道研判")
        _step(plan, key, at + 60 * MINUTE, t, "screen", **_screen(rng))
        _step(plan, key, at + 75 * MINUTE, t, "forward", comment="已现场处置，报区综治中心")
        _step(plan, key, at + 3 * HOUR, g, "follow_up", comment="现场人员已逐步散去，未发生过激行为。")
        _step(plan, key, at + DAY, c, "close", comment="经多方协调，群众诉求已答复，事态平息。")
    # LATE: the village forwards a 重大 report after its one-hour limit (a 迟报 lapse)
    at = day(22, 14)
    _new(plan, "late", g, ITEMS[3], learned=at, unit=cast.grids[0])
    _step(plan, "late", at + 85 * MINUTE, v, "screen", **_screen(rng))
    _step(plan, "late", at + 100 * MINUTE, v, "forward", comment="核实耗时较长，现上报")
    _step(plan, "late", at + 150 * MINUTE, t, "close", comment="已处置完毕，督促社区今后按时报送。")
    # turned into a case by the village
    at = day(15, 10)
    _new(plan, "case", v, ITEMS[1], learned=at, source="public")
    _step(plan, "case", at + 40 * MINUTE, v, "screen", **_screen(rng))
    _step(plan, "case", at + 50 * MINUTE, v, "convert", comment="转为事件办理，由社区调解")
    # returned by the township for more detail, followed up and forwarded again
    at = day(12, 9)
    _new(plan, "ret", g, ITEMS[5], learned=at, unit=cast.grids[1])
    _step(plan, "ret", at + 30 * MINUTE, v, "forward", comment="请街道研判")
    _step(plan, "ret", at + 80 * MINUTE, t, "return", comment="涉及户数和宣传品内容不清，请核实后续报")
    _step(plan, "ret", at + 4 * HOUR, v, "follow_up", comment="经核实涉及12户，宣传品已全部收缴。", people_count=12)
    _step(plan, "ret", at + 5 * HOUR, v, "forward", comment="已核实，续报如上")
    _step(plan, "ret", at + DAY, t, "close", comment="宣传品已收缴，公安已立案调查。")
    # 一般 reports screened and closed by the village
    for n in (29, 25, 23, 20, 17, 14, 11, 7, 6, 4, 2):
        key, at = f"n{n}", day(n, rng.randint(8, 16))
        _new(plan, key, g, ITEMS[rng.choice([2, 4, 6])], learned=at, unit=rng.choice(cast.grids))
        _step(plan, key, at + 2 * HOUR, v, "screen", **_screen(rng))
        _step(plan, key, at + DAY, v, "close", comment="已化解，持续关注。")
    # the other township's own reports, forwarded to the county
    for n in (24, 13, 5):
        key, at = f"t2{n}", day(n, 10)
        _new(plan, key, t2, ITEMS[rng.choice([1, 2])], learned=at, source="department")
        _step(plan, key, at + 40 * MINUTE, t2, "screen", **_screen(rng))
        _step(plan, key, at + 70 * MINUTE, t2, "forward", comment="报区综治中心")
    # a 秘密 report of the township, forwarded to the county
    at = day(8, 15)
    _new(plan, "secret", t, ITEMS[5], learned=at, classification="secret", source="informant")
    _step(plan, "secret", at + 30 * MINUTE, t, "forward", comment="涉密信息，请区综治中心研判")
    # recent: waiting for the village (one 重大 already past its limit), and at the township
    recent = now - 3 * HOUR
    _new(plan, "overdue", g, ITEMS[0], learned=recent, unit=cast.grids[0])
    _new(plan, "waiting", g, ITEMS[2], learned=now - 50 * MINUTE, unit=cast.grids[1])
    at = now - 5 * HOUR
    _new(plan, "town", g, ITEMS[1], learned=at, unit=cast.grids[0])
    _step(plan, "town", at + 30 * MINUTE, v, "forward", comment="请街道研判")
    return plan


def build_reports_demo() -> dict[str, int]:
    """Write a month of information reports up to now; returns what was written."""
    from zongzhi.notify import services as notify_services

    rng = random.Random(15)
    now = timezone.now()
    cast = _cast()
    plan = _plan(cast, now, rng)
    steps = sorted((s for s in plan.steps if s[0] < now), key=lambda s: (s[0], s[1]))
    before = InformationReport.objects.count()
    with (
        transaction.atomic(),
        simulated_clock(steps[0][0]) as clock,
        mock.patch.object(notify_services, "_send_later", lambda *a: None),
    ):
        for at, _n, who, do in steps:
            clock.set(at)
            with acting(who):
                do()
                if at.hour == 8:
                    svc.sweep(at)
        clock.set(now - 20 * MINUTE)
        with acting(cast.township):  # a concealed report found by the township
            svc.record_lapse(
                acting_user=cast.township,
                unit_id=cast.village.unit_id,  # type: ignore[arg-type]
                kind="concealed",
                reason="社区发生群众聚集未按规定报告，由派出所通报获知",
            )
        clock.set(now)
        svc.sweep(now)
    return {
        "reports": InformationReport.objects.count() - before,
        "late": InfoLapse.objects.filter(kind="late").count(),
        "converted": InformationReport.objects.filter(status="converted").count(),
        "overdue": InformationReport.objects.filter(is_overdue=True).count(),
    }
