"""业务工作 (seed 003 第九条): logins every working day, phone terminals, patrol routes and
records, 化解率, cases overdue without feedback, visits and the service rate, reporting lapses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts.models import InfoLapse
from zongzhi.assess.measures import Period
from zongzhi.assess.measures_common import working_days
from zongzhi.cases.models import Case
from zongzhi.cases.sweep import sweep
from zongzhi.office.models import Patrol, PatrolCheckIn, PatrolPoint, PatrolRoute
from zongzhi.units.models import Unit, User

from .measures_factories import (
    G1,
    G2,
    V1,
    V2,
    T,
    at,
    get,
    last_month,
    listing,
    login,
    run,
    terminal,
    texts,
    user,
    visit,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- logins


def test_each_worker_day_without_a_login_loses_a_tenth() -> None:
    p = last_month()
    days = working_days(p)
    assert run("work.daily_logins", get(V2), p).waiting == "辖区没有信息员账号"
    early = at(p.start - dt.timedelta(days=30))
    worker = user("v2_grid", get(V2 + "001"), "grid_worker", joined=early)
    officer = user("v2_officer", get(V2), "village_officer", joined=early)
    newcomer = user("v2_new", get(V2), "village_officer", joined=at(days[-2]))  # joined on the second-last day
    user("v2_leader", get(V2), "leader", joined=early)  # reads, does not enter data: not an information worker
    for d in days:
        login(worker, d, "phone")
    for d in days[2:]:
        login(officer, d, "pc")  # the PC counts as well
    login(newcomer, days[-1], "pc")
    m = run("work.daily_logins", get(V2), p)
    due = len(days) * 2 + 2
    assert m.value == f"信息员3人，应登录{due}人·日，缺3人·日"  # the officer's first two days, the newcomer's
    assert m.deduction == pytest.approx(0.3)
    assert texts(m)[0].startswith("v2_officer（") and "2个工作日未登录" in texts(m)[0]
    assert m.shortfalls[0].count == 2 and m.shortfalls[0].link == "/field/duty"
    # the sibling's workers do not count, nor does a login outside the unit's days
    assert run("work.daily_logins", get(V2 + "001"), p).deduction == 0
    login(User.objects.get(username="village_officer"), days[0])
    assert run("work.daily_logins", get(V2), p).deduction == pytest.approx(0.3)


def test_an_account_owes_its_days_from_its_first_login_when_earlier_than_its_opening() -> None:
    p = last_month()
    days = working_days(p)
    reopened = user("v2_reopened", get(V2), "village_officer", joined=at(days[-1]))
    login(reopened, days[1], "pc")
    m = run("work.daily_logins", get(V2), p)
    assert m.shortfalls[0].count == len(days) - 2  # owed from days[1], logged in that day only
    assert m.deduction == pytest.approx((len(days) - 2) * 0.1)


def test_terminal_logins_lose_a_fifth_per_phone_and_month_with_a_missed_day() -> None:
    p = last_month()
    days = working_days(p)
    v2 = get(V2)
    assert run("work.terminal_logins", v2, p).waiting == "辖区没有配发手机终端"
    early = p.start - dt.timedelta(days=30)
    a = user("v2_a", v2, "grid_worker", joined=at(early))
    b = user("v2_b", v2, "grid_worker", joined=at(early))
    c = user("v2_c", v2, "grid_worker", joined=at(early))
    ta = terminal(v2, "V2-SJ-001", a, early)
    tb = terminal(v2, "V2-SJ-002", b, early)
    tc = terminal(v2, "V2-SJ-003", c, days[-1])  # issued on the last working day
    terminal(v2, "V2-PC-001", a, early, kind="pc")  # a PC terminal is not a phone
    for d in days:
        login(a, d, terminal=ta)
    for d in days[1:]:
        login(b, d)  # not yet bound to the terminal: its holder's phone login counts
    login(c, days[-1], terminal=tc)
    m = run("work.terminal_logins", v2, p)
    assert m.deduction == pytest.approx(0.2) and m.value == "手机终端3部，2部每个工作日均登录"
    assert texts(m) == [f"终端V2-SJ-002（v2_b）{p.label}1个工作日未登录：{days[0].month}月{days[0].day}日"]
    assert tb.pk
    # the sibling village's terminals are not ours
    assert run("work.terminal_logins", get(V1), p).waiting


# ---------------------------------------------------------------- patrols


def _route(unit: Unit, name: str, *, members: list[User], times: bool = True, points: int = 1) -> PatrolRoute:
    route = PatrolRoute.objects.create(
        unit=unit,
        path=unit.path,
        name=name,
        starts_at=dt.time(19, 0) if times else None,
        ends_at=dt.time(21, 0) if times else None,
        created_by=User.objects.get(username="village_officer"),
        created_at=at(last_month().start - dt.timedelta(days=20)),
    )
    route.members.set(members)
    for n in range(points):
        PatrolPoint.objects.create(route=route, order=n, name=f"点位{n + 1}", latitude=32.1, longitude=118.6)
    return route


def _patrol(route: PatrolRoute, day: dt.date, *, ended: bool = True, check_ins: int = 1) -> Patrol:
    worker = User.objects.get(username="grid_worker")
    patrol = Patrol.objects.create(
        route=route,
        unit=route.unit,
        path=route.path,
        worker=worker,
        started_at=at(day, 19),
        ended_at=at(day, 20) if ended else None,
    )
    for n in range(check_ins):
        PatrolCheckIn.objects.create(patrol=patrol, at=at(day, 19) + dt.timedelta(minutes=n))
    return patrol


def test_patrol_routes_definition_and_records() -> None:
    p = last_month()
    g1 = get(G1)
    worker = User.objects.get(username="grid_worker")
    assert run("work.patrol_routes", get(V1), p).waiting
    good = _route(g1, "冯墙夜巡线", members=[worker])
    m = run("work.patrol_routes", get(V1), p)
    assert m.deduction == pytest.approx(1.5) and texts(m) == ["考核期内没有巡逻记录"]
    _patrol(good, p.start + dt.timedelta(days=3))
    m = run("work.patrol_routes", get(V1), p)
    assert m.deduction == 0 and m.value == "巡逻线路1条，巡逻记录1次"
    # a route without members or times: the definition's 0.5; walked without checking in: 0.5
    loose = _route(get(G2), "江边线", members=[], times=False)
    _patrol(loose, p.start + dt.timedelta(days=4), check_ins=0)
    _patrol(good, p.start + dt.timedelta(days=5), ended=False)
    m = run("work.patrol_routes", get(V1), p)
    assert texts(m) == [
        f"线路「江边线」（{get(G2).name}）未明确巡逻人员、巡逻时间",
        f"张伟 {(p.start + dt.timedelta(days=4)).month}月{(p.start + dt.timedelta(days=4)).day}日的巡逻（线路「江边线」）没有签到",
        f"张伟 {(p.start + dt.timedelta(days=5)).month}月{(p.start + dt.timedelta(days=5)).day}日的巡逻未结束",
    ]
    assert m.deduction == pytest.approx(0.5 + 1.0)
    # a route never walked in the period, and the records' part is capped at 1.5
    _route(g1, "冯墙早巡线", members=[worker])
    assert run("work.patrol_routes", get(V1), p).deduction == pytest.approx(0.5 + 1.5)
    # the sibling village has none of these
    assert run("work.patrol_routes", get(V2), p).waiting


# ---------------------------------------------------------------- disputes and cases


def _case(unit: Unit, created: dt.datetime, *, status: str = "completed", category: str = "0102", **extra: Any) -> Case:
    return Case.objects.create(
        kind="event",
        category_code=category,
        title=extra.pop("title", "张某某与李某某的邻里纠纷"),
        status=status,
        holder_unit=unit,
        initiator_unit=unit,
        path=unit.path,
        created_at=created,
        **extra,
    )


def test_disputes_resolved_at_95_percent_score_full_and_below_score_nothing() -> None:
    p = last_month()
    g1, when = get(G1), at(p.start + dt.timedelta(days=2))
    assert run("work.dispute_resolution", get(V1), p).waiting
    for n in range(19):
        _case(g1, when, status="completed" if n % 2 else "archived")
    open_one = _case(g1, when, status="in_progress", title="王某某与赵某某的土地纠纷")
    _case(g1, when, status="cancelled")  # cancelled: not counted
    _case(g1, when, status="in_progress", category="0301")  # a hazard, not a dispute
    _case(get(V2), when, status="in_progress")  # the sibling's
    _case(g1, at(p.start - dt.timedelta(days=1)), status="in_progress")  # reported the month before
    m = run("work.dispute_resolution", get(V1), p, points=2)
    assert m.value == "化解率 95.0%（19/20，要求≥95%）" and m.deduction == 0 and not m.shortfalls
    second = _case(g1, when, status="pending", title="孙某某与周某某的劳资纠纷")
    m = run("work.dispute_resolution", get(V1), p, points=2)
    assert m.value == "化解率 90.5%（19/21，要求≥95%）" and m.deduction == 2
    assert [s.link for s in m.shortfalls] == [f"/cases/{open_one.pk}", f"/cases/{second.pk}"]
    assert "未化解" in texts(m)[0]


def test_each_case_overdue_without_feedback_loses_a_point() -> None:
    p = last_month()
    g1 = get(G1)
    assert run("work.case_feedback", get(V1), p).waiting == "考核期内辖区没有办件"
    due = at(p.start + dt.timedelta(days=5))
    late = _case(g1, at(p.start), status="in_progress", due_at=due, title="冯墙路灯损坏")
    _case(g1, at(p.start), status="in_progress", due_at=at(p.end + dt.timedelta(days=3)))  # due after the period
    _case(get(V2), at(p.start), status="in_progress", due_at=due)  # the sibling's
    m = run("work.case_feedback", get(V1), p)
    assert m.deduction == 0 and m.value == "超期未反馈0次" and not m.waiting
    sweep(now=due + dt.timedelta(hours=1))  # the case engine's sweep cards the overdue: yellow
    m = run("work.case_feedback", get(V1), p)
    assert m.deduction == 1 and m.shortfalls[0].link == f"/cases/{late.pk}"
    assert "冯墙路灯损坏" in texts(m)[0] and "超期未反馈" in texts(m)[0]
    assert run("work.case_feedback", get(T), p).deduction == 2  # the township sees both villages
    assert run("work.case_feedback", get(V2), p).deduction == 1


# ---------------------------------------------------------------- visits


def _window() -> Period:
    start = timezone.localdate() - dt.timedelta(days=60)
    return Period(start, start + dt.timedelta(days=28), "四周")


def test_visits_due_in_the_period_and_not_made_lose_a_fifth_each() -> None:
    p = _window()
    s = p.start
    g1 = get(G1)
    assert run("work.visits", get(V1), p).waiting
    weekly = listing(g1, "02", name="孙某某", listed_on=s - dt.timedelta(days=3), every=7)
    for d in (2, 9, 20):  # on time, on the due date itself, late (counts for the next cycle)
        visit(weekly, s + dt.timedelta(days=d))
    monthly = listing(g1, "01", name="周某", listed_on=s - dt.timedelta(days=100), every=30)
    visit(monthly, s - dt.timedelta(days=10))
    visit(monthly, s + dt.timedelta(days=15))
    listing(g1, "01", group="care", name="吴某", listed_on=s - dt.timedelta(days=100), every=90)  # none due
    listing(get(V2), "02", listed_on=s - dt.timedelta(days=3), every=7)  # the sibling's
    m = run("work.visits", get(V1), p)
    # weekly: due s+4 (met on s+2), s+9 (met on the day), s+16 missed, s+23 (met late, on s+20), s+27
    # missed; monthly: due s+20 from the visit before the period, met on s+15
    assert m.value == "到期走访6次，未按时2次" and m.deduction == pytest.approx(0.4)
    d1, d2 = s + dt.timedelta(days=16), s + dt.timedelta(days=27)
    assert texts(m) == [
        f"重点人员「孙**」（社区矫正人员）应于{d1.month}月{d1.day}日、{d2.month}月{d2.day}日前走访，未按时走访2次"
    ]
    assert m.shortfalls[0].link == f"/people/categories/{weekly.pk}" and m.shortfalls[0].count == 2
    r = run("work.service_rate", get(V1), p)
    assert r.value == "服务率 66.7%（4/6，要求100%）" and r.deduction == pytest.approx(33.3 * 0.2)


def test_service_rate_of_100_percent_loses_nothing_and_waits_without_dues() -> None:
    p = _window()
    s = p.start
    assert run("work.service_rate", get(V1), p).waiting
    care = listing(get(G1), "01", group="care", listed_on=s - dt.timedelta(days=100), every=90)
    m = run("work.service_rate", get(V1), p)
    assert m.waiting == "考核期内没有到期的走访"
    monthly = listing(get(G1), "01", listed_on=s - dt.timedelta(days=20), every=30)
    visit(monthly, s + dt.timedelta(days=10))
    m = run("work.service_rate", get(V1), p)
    assert m.value == "服务率 100.0%（1/1，要求100%）" and m.deduction == 0 and care.pk
    assert run("work.visits", get(V1), p).deduction == 0


# ---------------------------------------------------------------- lapses


def test_each_late_missing_or_concealed_report_loses_a_point() -> None:
    p = last_month()
    v1 = get(V1)
    m = run("work.report_lapses", v1, p)
    assert m.deduction == 0 and m.value == "迟报0次、漏报0次、瞒报0次" and not m.waiting
    for kind in ("late", "missing", "concealed"):
        InfoLapse.objects.create(unit=v1, path=v1.path, kind=kind, month=p.start, reason="未及时报送")
    InfoLapse.objects.create(unit=v1, path=v1.path, kind="late", month=p.start, withdrawn_at=timezone.now())
    InfoLapse.objects.create(unit=get(V2), path=get(V2).path, kind="late", month=p.start)
    before = (p.start - dt.timedelta(days=1)).replace(day=1)
    InfoLapse.objects.create(unit=v1, path=v1.path, kind="late", month=before)
    m = run("work.report_lapses", v1, p)
    assert m.deduction == 3 and m.value == "迟报1次、漏报1次、瞒报1次"
    assert texts(m)[1] == f"{v1.name}{p.label}漏报：未及时报送"
    assert all(s.link == "/alerts/report-lapses" for s in m.shortfalls)
    assert run("work.report_lapses", get(T), p).deduction == 4
