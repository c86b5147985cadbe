"""Demo cases that went through the engine over the last twelve months, up to today.

Every case is reported or started and then moved by the engine's own services (`create_case`,
`act`) as the persona whose turn it is, at a past moment of a simulated clock
(`core.democlock`): its row, timeline, audit events and notifications carry the times they
would have had. The deadline sweep runs every simulated morning, so cases left lying get their
yellow and red cards as they would have. Nothing is sent by SMS.

1. Each story (a generator) reports a case at its start time, then yields (delay, step) pairs:
   the scheduler wakes it at that moment (moved into working hours) to do the step.
2. A story stops early when the step is its `stop` (a case left in that state on purpose), or
   when the step would fall after now (recent cases are still open).
3. Stories run in time order together, so every table is written in the order of its times.

The benchmark's bulk insert (`demo.build_cases`) stays separate: it writes rows only.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from zongzhi.calendar.workdays import is_workday
from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.months import month_range, this_month
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Department, Unit, User

from .actions import ActionInput, act
from .models import Case, Kind
from .services import NewCase, create_case

TZ = ZoneInfo("Asia/Shanghai")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# A story yields (hours to wait, name of the next step).
Story = Generator[tuple[float, str], None, None]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
EVENTS = [  # (category, title) of the events reported
    ("0102", "{a}某与{b}某的邻里纠纷"),
    ("0101", "{a}某家庭婚姻纠纷"),
    ("0108", "{a}某等人讨要工资的劳资纠纷"),
    ("0112", "小区物业费收取纠纷"),
    ("0103", "{a}某与{b}某的宅基地纠纷"),
    ("0117", "{a}某与商户的消费纠纷"),
    ("0113", "{a}某与{b}某的交通事故赔偿纠纷"),
    ("0201", "夜间烧烤摊聚集滋扰"),
    ("0205", "学校周边流动摊贩占道"),
    ("0301", "楼道堆放杂物堵塞消防通道"),
    ("0302", "小作坊违规使用液化气"),
    ("0303", "路口信号灯损坏"),
    ("0306", "工地围挡破损"),
    ("0401", "{a}某咨询失业保险办理"),
    ("0404", "{a}某申请临时救助"),
    ("0499", "路灯不亮影响居民出行"),
]
TASKS = ["开展消防安全大排查", "开展矛盾纠纷集中排查化解", "开展反诈宣传进社区", "核查出租房登记信息"]
REQUESTS = [("请示", "关于调整网格划分的请示"), ("求助", "关于协调解决小区停车难的求助")]
NOTICES = [("冯墙农贸市场", "消防通道被占用，灭火器过期"), ("江岸建筑工地", "脚手架未设防护网")]
PETITIONS = [("征地拆迁补偿", "来访"), ("小区加装电梯", "来信"), ("拖欠工程款", "网上信访")]
RESULTS = ["经调解双方达成协议，已履行完毕", "已现场处置，隐患已消除", "已协调相关部门解决", "已答复当事人"]


@dataclass
class Cast:
    """The personas acting in the stories, and the places where things happen."""

    grid_worker: User
    village: User
    township: User
    township2: User
    county: User
    police: User
    leader: User
    police_dept: Department
    village_unit: Unit
    township_grids: list[Unit]  # grids of 沿江街道 (the township persona's), outside 冯墙
    township2_grids: list[Unit]  # grids of 江浦街道
    home_grids: list[Unit]  # the grid worker's two grids


@dataclass
class Sim:
    """What a story needs: the cast, a random source, and the steps it may take."""

    cast: Cast
    rng: random.Random

    def spot(self, grid: Unit) -> tuple[float, float]:
        """A position inside the grid (the demo's grids are rectangles), away from its edges."""
        ring = grid.boundary["coordinates"][0] if grid.boundary else [[118.6, 32.1]]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        lng = min(lngs) + (max(lngs) - min(lngs)) * self.rng.uniform(0.2, 0.8)
        lat = min(lats) + (max(lats) - min(lats)) * self.rng.uniform(0.2, 0.8)
        return round(lat, 6), round(lng, 6)

    def names(self) -> dict[str, str]:
        a, b = self.rng.sample(SURNAMES, 2)
        return {"a": a, "b": b}

    def report(
        self, user: User, grid: Unit | None, *, people: int = 0, urgent: bool = False, major: bool = False
    ) -> Case:
        """An event reported by `user` (from the phone with a position when a grid is given)."""
        category, title = self.rng.choice(EVENTS)
        lat, lng = self.spot(grid) if grid is not None else (None, None)
        now = timezone.now()
        data = NewCase(
            kind=Kind.EVENT,
            title=title.format(**self.names()),
            description="群众反映，网格员现场核实。" if user == self.cast.grid_worker else "接群众来电反映。",
            category_code=category,
            occurred_at=now - dt.timedelta(minutes=self.rng.randrange(20, 600)),
            people_count=people or self.rng.randint(1, 6),
            latitude=lat,
            longitude=lng,
            address=f"{grid.name}附近" if grid is not None else "",
            urgency="urgent" if urgent else "normal",
            is_major=major,
        )
        return self._create(user, data)

    def start(self, user: User, kind: str, **fields: Any) -> Case:
        """A task, request, notice or petition started by `user`."""
        return self._create(user, NewCase(kind=kind, **fields))

    def _create(self, user: User, data: NewCase) -> Case:
        with acting(user):
            case, _ = create_case(acting_user=user, data=data)
        return case

    def do(self, user: User, case: Case, action: str, **fields: Any) -> Case:
        """One action on the case as `user`, on its current version."""
        version = Case.objects.values_list("version", flat=True).get(pk=case.pk)
        with acting(user):
            return act(acting_user=user, case_id=case.pk, action=action, version=version, inp=ActionInput(**fields))

    def finish(self, user: User, case: Case) -> Case:
        return self.do(user, case, "complete", result=self.rng.choice(RESULTS))

    def due(self, days: int) -> dt.date:
        return timezone.localdate() + dt.timedelta(days=days)


@contextmanager
def acting(user: User) -> Iterator[None]:
    """Attribute the audit records to `user`, as the request middleware and login would."""
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))
    try:
        yield
    finally:
        reset_actor(token)


# --- the stories -------------------------------------------------------------------------------
def close_event(s: Sim, who: User, case: Case, pace: float = 1.0) -> Story:
    """The initiator's part once the holder has finished: confirm (when asked), follow up, archive."""
    if Case.objects.values_list("status", flat=True).get(pk=case.pk) == "awaiting_confirmation":
        yield s.rng.uniform(1, 20) * pace, "confirm"
        s.do(who, case, "confirm")
    yield s.rng.uniform(4, 60) * pace, "follow_up"
    s.do(who, case, "follow_up", satisfaction=s.rng.choice(["满意", "满意", "满意", "基本满意", "不满意"]))
    yield s.rng.uniform(1, 48) * pace, "archive"
    s.do(who, case, "archive")


def grid_event(s: Sim, supervise: bool = False) -> Story:
    """Reported from the phone in one of the grid worker's grids; the village handles it (two
    in five of them, the simple ones, within a day or two)."""
    c = s.cast
    case = s.report(c.grid_worker, s.rng.choice(c.home_grids), urgent=s.rng.random() < 0.05)
    pace = 0.2 if not supervise and s.rng.random() < 0.4 else 1.0
    yield s.rng.uniform(0.5, 8) * pace, "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(4, 48) * pace, "progress"
    s.do(c.village, case, "progress", comment="已约双方到社区调解室面谈")
    if supervise:
        yield s.rng.uniform(24, 96), "supervise"
        level = s.rng.choice([1, 1, 2, 3])
        s.do(s.rng.choice([c.township, c.leader]), case, "supervise", level=level, comment="请加快办理，按时办结")
    yield s.rng.uniform(8, 120) * pace, "complete"
    s.finish(c.village, case)
    yield from close_event(s, c.grid_worker, case, pace)


def returned_event(s: Sim, cancel: bool = False) -> Story:
    """Returned to the grid worker for more facts; resubmitted (or withdrawn) and handled."""
    c = s.cast
    case = s.report(c.grid_worker, s.rng.choice(c.home_grids))
    yield s.rng.uniform(1, 8), "return"
    s.do(c.village, case, "return", comment="请补充当事人联系方式和现场照片")
    if cancel:
        yield s.rng.uniform(2, 24), "cancel"
        s.do(c.grid_worker, case, "cancel", comment="经核实当事人已自行和解")
        return
    yield s.rng.uniform(2, 24), "resubmit"
    s.do(c.grid_worker, case, "resubmit")
    yield s.rng.uniform(1, 8), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(8, 96), "complete"
    s.finish(c.village, case)
    yield from close_event(s, c.grid_worker, case)


def escalated_event(s: Sim) -> Story:
    """Beyond the village: up to the township, up to the county, out to the police, back."""
    c = s.cast
    case = s.report(c.grid_worker, s.rng.choice(c.home_grids), major=s.rng.random() < 0.3)
    yield s.rng.uniform(0.5, 6), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(2, 24), "escalate"
    s.do(c.village, case, "escalate", comment="涉及多个部门，社区无法协调，请街道协调")
    yield s.rng.uniform(1, 8), "accept_township"
    s.do(c.township, case, "accept")
    yield s.rng.uniform(4, 48), "escalate_county"
    s.do(c.township, case, "escalate", comment="需公安机关介入，请区综治中心协调")
    yield s.rng.uniform(1, 8), "accept_county"
    s.do(c.county, case, "accept")
    yield s.rng.uniform(1, 8), "dispatch"
    s.do(c.county, case, "dispatch", target_department=c.police_dept, comment="请公安分局依法处置")
    yield s.rng.uniform(1, 24), "accept_police"
    s.do(c.police, case, "accept")
    yield s.rng.uniform(24, 120), "complete"
    s.finish(c.police, case)
    yield from close_event(s, c.grid_worker, case)


def mass_incident(s: Sim, approve: bool = True) -> Story:
    """Many people involved: the township approves the entry first."""
    c = s.cast
    case = s.report(c.grid_worker, s.rng.choice(c.home_grids), people=s.rng.randint(10, 30), major=True)
    yield s.rng.uniform(0.5, 4), "approve"
    if not approve:
        s.do(c.township, case, "disapprove", comment="经核实涉及人数不足，按一般事件处理")
        return
    s.do(c.township, case, "approve")
    yield s.rng.uniform(0.5, 4), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(24, 96), "complete"
    s.finish(c.village, case)
    yield from close_event(s, c.grid_worker, case)


def village_event(s: Sim) -> Story:
    """Reported by the village officer and handled there."""
    c = s.cast
    case = s.report(c.village, s.rng.choice(c.home_grids) if s.rng.random() < 0.5 else None)
    pace = 0.2 if s.rng.random() < 0.5 else 1.0
    yield s.rng.uniform(8, 96) * pace, "complete"
    s.finish(c.village, case)
    yield from close_event(s, c.village, case, pace)


def township_event(s: Sim, second: bool = False) -> Story:
    """Reported by a township's office at a position in one of its villages and handled there."""
    c = s.cast
    user = c.township2 if second else c.township
    case = s.report(user, s.rng.choice(c.township2_grids if second else c.township_grids))
    yield s.rng.uniform(4, 48), "progress"
    s.do(user, case, "progress", comment="已联系社区和当事人了解情况")
    yield s.rng.uniform(8, 120), "complete"
    s.finish(user, case)
    yield from close_event(s, user, case)


def task(s: Sim) -> Story:
    """A task from the county to the township, handed on to the village; or from the township."""
    c = s.cast
    from_county = s.rng.random() < 0.4
    boss = c.county if from_county else c.township
    case = s.start(
        boss,
        Kind.TASK,
        title=s.rng.choice(TASKS),
        details={"requirements": "按要求开展并上报工作情况和照片"},
        due_date=s.due(s.rng.randint(7, 20)),
        target_unit=c.township.unit if from_county else c.village_unit,
    )
    if from_county:
        yield s.rng.uniform(1, 8), "accept"
        s.do(c.township, case, "accept")
        yield s.rng.uniform(1, 24), "dispatch"
        s.do(c.township, case, "dispatch", target_unit=c.village_unit, comment="请社区按要求落实")
    yield s.rng.uniform(1, 8), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(24, 120), "complete"
    s.finish(c.village, case)
    yield s.rng.uniform(2, 24), "confirm"
    s.do(boss, case, "confirm")
    yield s.rng.uniform(2, 48), "archive"
    s.do(boss, case, "archive")


def request(s: Sim) -> Story:
    """The village asks the township for instructions or help."""
    c = s.cast
    rtype, title = s.rng.choice(REQUESTS)
    case = s.start(c.village, Kind.REQUEST, title=title, details={"request_type": rtype}, due_date=s.due(7))
    yield s.rng.uniform(1, 8), "accept"
    s.do(c.township, case, "accept")
    yield s.rng.uniform(8, 72), "complete"
    s.do(c.township, case, "complete", result="经研究，同意按社区意见办理")
    yield s.rng.uniform(2, 24), "confirm"
    s.do(c.village, case, "confirm")
    yield s.rng.uniform(2, 48), "archive"
    s.do(c.village, case, "archive")


def notice(s: Sim) -> Story:
    """A rectification notice from the township; the village asks for more time."""
    c = s.cast
    place, hazard = s.rng.choice(NOTICES)
    case = s.start(
        c.township,
        Kind.RECTIFICATION,
        title=f"关于{place}安全隐患的整改通知书",
        details={"hazard": hazard, "measures": "立即清理，限期整改到位", "contingency_plan": "整改期间专人值守"},
        due_date=s.due(10),
        target_unit=c.village_unit,
    )
    yield s.rng.uniform(1, 8), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(24, 72), "request_extension"
    s.do(c.village, case, "request_extension", days=5, comment="需更换设备，供货需要时间")
    yield s.rng.uniform(2, 24), "approve_extension"
    s.do(c.township, case, "approve_extension")
    yield s.rng.uniform(48, 200), "complete"
    s.finish(c.village, case)
    yield s.rng.uniform(2, 24), "confirm"
    s.do(c.township, case, "confirm")
    yield s.rng.uniform(2, 48), "archive"
    s.do(c.township, case, "archive")


def petition(s: Sim) -> Story:
    """A petition received by the village and handled within the 信访工作条例's limits."""
    c = s.cast
    matter, form = s.rng.choice(PETITIONS)
    name = s.rng.choice(SURNAMES) + "某某"
    case = s.start(
        c.village,
        Kind.PETITION,
        title=f"{name}反映{matter}问题",
        details={"form": form, "petitioner_name": name, "petitioner_count": s.rng.randint(1, 3)},
    )
    yield s.rng.uniform(4, 72), "accept"
    s.do(c.village, case, "accept")
    yield s.rng.uniform(48, 240), "progress"
    s.do(c.village, case, "progress", comment="已约信访人面谈，调取相关材料")
    yield s.rng.uniform(48, 400), "complete"
    s.finish(c.village, case)
    yield from close_event(s, c.village, case)


StoryMaker = Callable[[Sim], Story]
# (weight, story) of the cases spread over the year.
MIX: list[tuple[float, StoryMaker]] = [
    (26, grid_event),
    (6, lambda s: grid_event(s, supervise=True)),
    (4, returned_event),
    (1, lambda s: returned_event(s, cancel=True)),
    (5, escalated_event),
    (1.5, mass_incident),
    (8, village_event),
    (14, township_event),
    (12, lambda s: township_event(s, second=True)),
    (8, task),
    (4, request),
    (3, notice),
    (6, petition),
]
# Left on purpose in each open state, reported within the last days: (story, stop before, days ago).
RECENT: list[tuple[StoryMaker, str, float]] = [
    (grid_event, "accept", 0.1),
    (grid_event, "progress", 0.3),
    (grid_event, "complete", 1.5),
    (grid_event, "confirm", 2),
    (grid_event, "follow_up", 3),
    (lambda s: returned_event(s), "resubmit", 1),
    (lambda s: mass_incident(s), "approve", 0.2),
    (escalated_event, "accept_township", 0.5),
    (escalated_event, "complete", 3),  # with the police
    (township_event, "complete", 0.4),
    (lambda s: township_event(s, second=True), "complete", 0.6),
    (task, "accept", 1),
    (request, "accept", 0.5),
    (notice, "complete", 4),
    (petition, "complete", 6),
    (lambda s: returned_event(s, cancel=True), "", 12),
    (lambda s: mass_incident(s, approve=False), "", 20),
    # overdue: not accepted for days (yellow, then red), or not handled in time
    (grid_event, "accept", 3),
    (grid_event, "accept", 9),
    (grid_event, "complete", 30),
    (lambda s: grid_event(s, supervise=True), "complete", 40),
    (lambda s: township_event(s, second=True), "complete", 35),
]


# --- the scheduler -----------------------------------------------------------------------------
def working_time(at: dt.datetime, rng: random.Random) -> dt.datetime:
    """`at` if it falls in office hours (08:30–17:30 on a working day), else the next morning."""
    local = at.astimezone(TZ)
    opening = dt.time(8, 30)
    if is_workday(local.date()) and opening <= local.time() <= dt.time(17, 30):
        return at
    day = local.date() if local.time() < opening else local.date() + DAY
    while not is_workday(day):
        day += DAY
    start = dt.datetime.combine(day, opening, tzinfo=TZ)
    return start + dt.timedelta(minutes=rng.randrange(0, 150))


def _cast() -> Cast:
    users = {
        u.username: u for u in User.objects.select_related("unit__parent", "department__unit").prefetch_related("roles")
    }
    village = Unit.objects.get(code="320111003001")
    home = list(Unit.objects.filter(path__in=[GRID_1, GRID_2]).order_by("path"))

    def grids_of(prefix: str, skip: str = "~") -> list[Unit]:
        return list(
            Unit.objects.filter(level="grid", is_retired=False, path__startswith=prefix)
            .exclude(path__startswith=skip)
            .order_by("path")
        )

    police = users["dept_police"]
    assert police.department is not None
    return Cast(
        grid_worker=users["grid_worker"],
        village=users["village_officer"],
        township=users["township_officer"],
        township2=users["township2_officer"],
        county=users["county_officer"],
        police=police,
        leader=users["leader"],
        police_dept=police.department,
        village_unit=village,
        township_grids=grids_of("320111003", skip="320111003001"),
        township2_grids=grids_of("320111004"),
        home_grids=home,
    )


def _start_times(rng: random.Random, now: dt.datetime, count: int) -> list[dt.datetime]:
    """`count` moments over the last 365 days, denser towards today (a quarter in the last month)."""
    return sorted(now - dt.timedelta(days=365 * rng.random() ** 2) for _ in range(count))


@dataclass
class Run:
    """One story on the schedule: what starts it, where it stops, how fast it goes."""

    maker: StoryMaker
    stop: str = ""  # the step it stops before (the case is left in that state), "" for none
    recent: bool = False  # one of RECENT: its steps come quickly, at any hour
    story: Story | None = None


def build_flow_cases(count: int, *, seed: int = 11) -> int:
    """Run `count` cases (at least the `RECENT` ones) through the engine over the last year;
    returns how many were reported."""
    from zongzhi.notify import services as notify_services

    from .sweep import sweep

    rng = random.Random(seed)
    now = timezone.now()
    sim = Sim(_cast(), rng)
    queue: list[tuple[dt.datetime, int, Run | None]] = []  # None: the sweep's daily round

    order = itertools.count()

    def push(at: dt.datetime, run: Run | None) -> None:
        heapq.heappush(queue, (at, next(order), run))

    makers = [m for _, m in MIX]
    for at in _start_times(rng, now, max(0, count - len(RECENT))):
        office_hours = working_time(at, rng)  # reported in office hours, unless that is still to come
        push(office_hours if office_hours < now else at, Run(rng.choices(makers, [w for w, _ in MIX])[0]))
    month_start = month_range(this_month())[0]
    for maker, stop, days in RECENT:
        at = now - dt.timedelta(days=days * rng.uniform(0.8, 1.0))
        if days < 3:  # the newest ones fall in the current month, even on its first day
            at = max(at, month_start + (now - month_start) * rng.uniform(0.2, 0.9))
        push(min(at, now - dt.timedelta(minutes=5)), Run(maker, stop, recent=True))
    first = queue[0][0] if queue else now
    morning = dt.datetime.combine(first.astimezone(TZ).date(), dt.time(7, 0), tzinfo=TZ)
    while morning < now:  # the sweep runs every morning, as the beat would
        push(morning, None)
        morning += DAY

    reported = 0
    # One transaction: a commit per step would make SQLite wait for the disk a thousand times.
    with (
        transaction.atomic(),
        simulated_clock(first) as clock,
        mock.patch.object(notify_services, "_send_later", lambda *a: None),
    ):
        while queue and queue[0][0] <= now:
            at, _n, run = heapq.heappop(queue)
            clock.set(at)
            if run is None:
                sweep(at)
                notify_services.deliver_notices()
                continue
            if run.story is None:
                run.story = run.maker(sim)
                reported += 1
            try:
                hours, step = next(run.story)  # does the step it was woken for
            except StopIteration:
                continue
            if step == run.stop:
                continue
            if run.recent:  # left in its state within days: the steps before come within hours
                push(at + hours * HOUR / 10, run)
            else:
                push(working_time(at + hours * HOUR, rng), run)
        clock.set(now)
        sweep(now)
        notify_services.deliver_notices()
        # what came more than three days ago has been read (within hours: they acted on it)
        notify_services.mark_read_before(now - 3 * DAY)
    return reported
