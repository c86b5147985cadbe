"""Computed items of 业务工作 (seed 003 第九条): logins on working days (PC and phone), the
patrol routes and records, disputes resolved, cases overdue without feedback, visits to key
persons and care recipients and the service rate, late / missing / concealed information
reports. Every measure reads the assessed unit's whole subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from zongzhi.alerts.models import InfoLapse
from zongzhi.cases.models import Case, CaseAction, Kind, Status
from zongzhi.cases.stats import DISPUTE_CATEGORY, RESOLVED
from zongzhi.core.masking import mask_value
from zongzhi.core.months import month_of
from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.field.models import DutyLogin, Terminal
from zongzhi.office.models import Patrol, PatrolRoute
from zongzhi.people.models import GROUP_TABLES, Group, Resident
from zongzhi.people.visits import ListingDues, by_subtree, schedule
from zongzhi.units.models import Unit, User

from .measures import Measured, Period, Run, Shortfall, measure
from .measures_common import (
    LISTED,
    account_since,
    aware,
    bounds,
    capped,
    day_label,
    deduction_of,
    first_days,
    local_day,
    month_label,
    number,
    percent,
    points,
    run_q,
    split,
    today,
    units_having,
    working_days,
)

# 信息员: the accounts that enter and handle the system's data (the business roles of
# units/migrations/0002_builtin_roles); a department's users and the administrators are not.
INFO_ROLES = ("grid_worker", "village_officer", "township_officer", "county_officer")
SHOWN_DAYS = 5  # the missed days named in a shortfall's text; the count carries them all


def _days_text(days: list[dt.date]) -> str:
    shown = "、".join(day_label(d) for d in days[:SHOWN_DAYS])
    return shown + ("等" if len(days) > SHOWN_DAYS else "")


# ---------------------------------------------------------------- logins


def accounts_and_logins(
    run: Run, period: Period, roles: tuple[str, ...], days: list[dt.date], client: str = ""
) -> dict[str, tuple[list[dict[str, Any]], set[tuple[int, dt.date]]]]:
    """Every unit's active accounts of `roles` opened before the period's end (by unit path and
    id) and the (account, day) logins under it on the working days (from `client` when given):
    two queries for the run."""
    workers: Any = (
        User.objects.filter(is_active=True, roles__code__in=roles, date_joined__lt=aware(period.end))
        .filter(run_q(run, "unit__path"))
        .values("id", "full_name", "username", "date_joined", "unit__name", "unit__path")
        .distinct()
        .order_by("unit__path", "id")
    )
    logins: list[tuple[int, dt.date, str]] = []
    if days:
        rows = DutyLogin.objects.filter(run_q(run), day__gte=days[0], day__lte=days[-1])
        if client:
            rows = rows.filter(client=client)
        logins = list(rows.values_list("user_id", "day", "path").distinct())
    logged = split(run, logins, lambda r: r[2])
    return {
        path: (mine, {(user_id, day) for user_id, day, _ in logged[path]})
        for path, mine in split(run, workers, lambda w: w["unit__path"]).items()
    }


@measure(
    "work.daily_logins",
    "信息员每个工作日登录",
    "辖区（含下级）内网格员、村（社区）综治专干、乡镇（街道）和县（区）综治办人员（在用账号）每个工作日"
    "（工作日历，含调休）都应登录系统（电脑或手机均可），账号开通（或考核期内首次登录，取较早者）前的日子不计；每人每缺一个工作日扣0.1分"
    "（第九条1）。当天尚未结束不计。辖区没有信息员账号时暂不计算。",
    per_missed_day=0.1,
)
def daily_logins(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_missed_day", 0.1)
    days = working_days(period)
    workers, logged = run.part(
        unit, ("info_logins", period), lambda r: accounts_and_logins(r, period, INFO_ROLES, days)
    )
    if not workers:
        return Measured(value="没有信息员账号", deduction=0, waiting="辖区没有信息员账号")
    if not days:
        return Measured(value=f"信息员{len(workers)}人", deduction=0, waiting="考核期内还没有已过去的工作日")
    first = first_days(logged)
    found: list[Shortfall] = []
    due = 0
    for w in workers:
        joined = account_since(w["date_joined"], first.get(w["id"]), days[0])
        mine = [d for d in days if d >= joined]
        due += len(mine)
        missed = [d for d in mine if (w["id"], d) not in logged]
        if missed:
            found.append(
                Shortfall(
                    text=f"{w['full_name'] or w['username']}（{w['unit__name']}）{len(missed)}个工作日未登录："
                    f"{_days_text(missed)}",
                    count=len(missed),
                    link="/field/duty",
                )
            )
    shortfalls = capped(found, "另有{n}个人·工作日未登录", "/field/duty")
    missed_total = sum(s.count for s in found)
    return Measured(
        value=f"信息员{len(workers)}人，应登录{due}人·日，缺{number(missed_total)}人·日",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@dataclass
class PhoneUse:
    """One issued phone terminal's working days in the period and those it was logged in."""

    terminal_id: int
    asset_number: str
    holder: str
    days: list[dt.date]
    missed: list[dt.date] = field(default_factory=list)


def phone_use(unit: Unit, period: Period, run: Run) -> list[PhoneUse] | None:
    """The phone terminals issued under `unit` (in use now, issued before the period's end),
    each with the working days since it was issued and those without a login on it: a phone
    login of the day bound to the terminal, or (not yet bound) by its holder from a phone.
    None when no phone terminal is issued. Read once per run (two queries)."""
    return run.part(unit, ("phone_use", period), lambda r: _phone_use(r, period))


def _phone_use(run: Run, period: Period) -> dict[str, list[PhoneUse] | None]:
    issued = Terminal.objects.filter(
        run_q(run), kind=Terminal.Kind.PHONE, status=Terminal.Status.ISSUED, issued_at__lt=aware(period.end)
    )
    terminals = issued.values(
        "id", "path", "asset_number", "holder_id", "holder__full_name", "holder__username", "issued_at"
    ).order_by("path", "asset_number")
    by_unit = split(run, terminals, lambda t: t["path"])
    days = working_days(period)
    logged_terminal: set[tuple[int, dt.date]] = set()
    logged_holder: set[tuple[int, dt.date]] = set()
    if days and any(by_unit.values()):
        # The run's terminals and holders as subqueries: a county's thousands of ids would
        # otherwise be as many query parameters.
        holders = issued.filter(holder__isnull=False).values("holder_id")
        for terminal_id, user_id, day in (
            DutyLogin.objects.filter(client=DutyLogin.Client.PHONE, day__gte=days[0], day__lte=days[-1])
            .filter(Q(terminal_id__in=issued.values("id")) | Q(terminal__isnull=True, user_id__in=holders))
            .values_list("terminal_id", "user_id", "day")
        ):
            if terminal_id is not None:
                logged_terminal.add((terminal_id, day))
            else:
                logged_holder.add((user_id, day))
    out: dict[str, list[PhoneUse] | None] = {}
    for path, mine in by_unit.items():
        if not mine:
            out[path] = None
            continue
        uses = out[path] = []
        for t in mine:
            since = local_day(t["issued_at"]) if t["issued_at"] else period.start
            days_on = [d for d in days if d >= since]
            use = PhoneUse(t["id"], t["asset_number"], t["holder__full_name"] or t["holder__username"] or "", days_on)
            use.missed = [
                d for d in days_on if (t["id"], d) not in logged_terminal and (t["holder_id"], d) not in logged_holder
            ]
            uses.append(use)
    return out


@measure(
    "work.terminal_logins",
    "移动终端每个工作日登录",
    "辖区（含下级）每部在用的手机终端，配发后的每个工作日都应登录；一部终端在一个月内有工作日未登录，"
    "该月扣0.2分（少一部移动终端未登录扣0.2分，按部·月计，第九条1）。辖区没有配发手机终端时暂不计算。",
    per_terminal=0.2,
)
def terminal_logins(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_terminal", 0.2)
    uses = phone_use(unit, period, run)
    if uses is None:
        return Measured(value="没有配发手机终端", deduction=0, waiting="辖区没有配发手机终端")
    if not working_days(period):
        return Measured(value=f"手机终端{len(uses)}部", deduction=0, waiting="考核期内还没有已过去的工作日")
    found: list[Shortfall] = []
    for use in uses:
        by_month: dict[dt.date, list[dt.date]] = defaultdict(list)
        for d in use.missed:
            by_month[month_of(d)].append(d)
        for month, missed in sorted(by_month.items()):
            found.append(
                Shortfall(
                    text=f"终端{use.asset_number}（{use.holder or '无使用人'}）{month_label(month)}"
                    f"{len(missed)}个工作日未登录：{_days_text(missed)}",
                    link="/field/duty",
                )
            )
    shortfalls = capped(found, "另有{n}部·月未登录", "/field/duty")
    complete = sum(1 for u in uses if not u.missed)
    return Measured(
        value=f"手机终端{len(uses)}部，{complete}部每个工作日均登录",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


# ---------------------------------------------------------------- patrols


def _patrols(run: Run, period: Period) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every unit's patrol routes (by path and name) and the period's patrols (by start): two
    queries for the run."""
    start, end = bounds(period)
    routes = (
        PatrolRoute.objects.filter(run_q(run), withdrawn_at__isnull=True, created_at__lt=end)
        .annotate(n_members=Count("members", distinct=True), n_points=Count("points", distinct=True))
        .values("id", "path", "name", "unit__name", "n_members", "n_points", "starts_at", "ends_at")
        .order_by("path", "name", "id")
    )
    # A patrol still under way today is not judged yet.
    judged_before = min(end, aware(today()))
    patrols = split(
        run,
        Patrol.objects.filter(run_q(run), started_at__gte=start, started_at__lt=judged_before)
        .annotate(n_checks=Count("check_ins"))
        .values("id", "path", "route_id", "route__name", "worker__full_name", "started_at", "ended_at", "n_checks")
        .order_by("started_at", "id"),
        lambda p: p["path"],
    )
    return {path: (mine, patrols[path]) for path, mine in split(run, routes, lambda r: r["path"]).items()}


@measure(
    "work.patrol_routes",
    "巡逻线路与巡逻记录",
    "线路定义（0.5分）：辖区（含下级）每条巡逻线路都有名称、巡逻人员和起止时间，有一条不全扣0.5分。"
    "巡逻记录（1.5分）：每条线路考核期内都有巡逻记录，每次巡逻都已结束、途经点位的线路至少签到一次；"
    "考核期内没有任何巡逻记录扣1.5分，否则每条无记录的线路、每次未结束或未签到的巡逻扣0.5分，至多1.5分"
    "（第九条2）。辖区没有巡逻线路也没有巡逻记录时暂不计算。",
    definition_points=0.5,
    record_points=1.5,
    per_incomplete=0.5,
)
def patrol_routes(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    definition_points = points(params, "definition_points", 0.5)
    record_points = points(params, "record_points", 1.5)
    per = points(params, "per_incomplete", 0.5)
    routes, patrols = run.part(unit, ("patrols", period), lambda r: _patrols(r, period))
    if not routes and not patrols:
        return Measured(value="没有巡逻线路", deduction=0, waiting="辖区没有定义巡逻线路，也没有巡逻记录")
    defined: list[Shortfall] = []
    for r in routes:
        gaps = [
            what
            for what, bad in (
                ("名称", not r["name"].strip()),
                ("巡逻人员", not r["n_members"]),
                ("巡逻时间", r["starts_at"] is None or r["ends_at"] is None),
            )
            if bad
        ]
        if gaps:
            defined.append(
                Shortfall(
                    text=f"线路「{r['name']}」（{r['unit__name']}）未明确{'、'.join(gaps)}", link="/field/patrols"
                )
            )
    points_of = {r["id"]: r["n_points"] for r in routes}
    walked = {p["route_id"] for p in patrols}
    records: list[Shortfall] = []
    if not patrols:
        records.append(Shortfall(text="考核期内没有巡逻记录", link="/field/patrols"))
        record_deduction = record_points
    else:
        for r in routes:
            if r["id"] not in walked:
                records.append(Shortfall(text=f"线路「{r['name']}」考核期内没有巡逻记录", link="/field/patrols"))
        for p in patrols:
            when = f"{p['worker__full_name']} {day_label(local_day(p['started_at']))}的巡逻"
            if p["ended_at"] is None:
                records.append(Shortfall(text=f"{when}未结束", link="/field/patrols"))
            elif points_of.get(p["route_id"]) and not p["n_checks"]:
                records.append(Shortfall(text=f"{when}（线路「{p['route__name']}」）没有签到", link="/field/patrols"))
        record_deduction = min(record_points, deduction_of(records, per))
    shortfalls = capped(defined + records, "另有{n}项", "/field/patrols")
    deduction = (definition_points if defined else 0) + record_deduction
    return Measured(
        value=f"巡逻线路{len(routes)}条，巡逻记录{len(patrols)}次",
        deduction=round(deduction, 4),
        shortfalls=shortfalls,
    )


# ---------------------------------------------------------------- disputes and cases


@dataclass
class _Disputes:
    """A unit's disputes of the period: reported, resolved, and the first LISTED still open
    (by id)."""

    total: int = 0
    resolved: int = 0
    open_ones: list[dict[str, Any]] = field(default_factory=list)


def _disputes(run: Run, start: dt.datetime, end: dt.datetime, minimum: float) -> dict[str, _Disputes]:
    """(reported, resolved) disputes of the period under each unit of the run: one count by path
    over the cases table for the run, instead of one count per unit (140 range scans of the
    cases table at 1M cases); then the open ones of the units below `minimum`, one query."""
    disputes = (
        Case.objects.filter(run_q(run), created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .filter(kind=Kind.EVENT, category_code__startswith=DISPUTE_CATEGORY)
    )
    counts = disputes.values("path").annotate(total=Count("id"), resolved=Count("id", filter=Q(status__in=RESOLVED)))
    out = {
        path: _Disputes(sum(r["total"] for r in part), sum(r["resolved"] for r in part))
        for path, part in split(run, counts.order_by(), lambda r: r["path"]).items()
    }
    below = [path for path, d in out.items() if d.total and d.resolved * 100 < minimum * d.total]
    if below:
        open_ones = (
            disputes.filter(subtree_q(below))
            .exclude(status__in=RESOLVED)
            .values("id", "path", "number", "title", "status")
            .order_by("id")
        )
        for path, part in split(run, open_ones, lambda c: c["path"]).items():
            out[path].open_ones = part[:LISTED]
    return out


@measure(
    "work.dispute_resolution",
    "矛盾纠纷化解率",
    "考核期内辖区（含下级）上报的矛盾纠纷事件（已撤销的不计），已办结或归档的占比即化解率；达到95%得满分，"
    "低于95%不得分（第九条3）。考核期内没有上报矛盾纠纷时暂不计算。",
    min_rate=95,
)
def dispute_resolution(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    minimum = points(params, "min_rate", 95)
    full = points(params, "points", 2)
    start, end = bounds(period)
    found = run.part(unit, ("disputes", period, minimum), lambda r: _disputes(r, start, end, minimum))
    total, resolved = found.total, found.resolved
    if not total:
        return Measured(value="考核期内没有上报矛盾纠纷", deduction=0, waiting="考核期内没有上报矛盾纠纷")
    value = f"化解率 {percent(resolved, total)}（{resolved}/{total}，要求≥{number(minimum)}%）"
    if resolved * 100 >= minimum * total:
        return Measured(value=value, deduction=0)
    shortfalls = [
        Shortfall(
            text=f"{c['number'] or c['id']}「{c['title']}」{Status(c['status']).label}，未化解",
            link=f"/cases/{c['id']}",
        )
        for c in found.open_ones
    ]
    if total - resolved > LISTED:
        rest = total - resolved - LISTED
        shortfalls.append(Shortfall(text=f"另有{rest}件未化解", count=rest, link="/cases"))
    return Measured(value=value, deduction=full, shortfalls=shortfalls)


def _case_feedback(run: Run, period: Period) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """Every unit's yellow cards of the period (by time) and whether it had any case open in
    the period: two queries for the run."""
    start, end = bounds(period)
    cards: Any = (
        CaseAction.objects.filter(
            run_q(run, "case__path"), action="overdue_yellow", created_at__gte=start, created_at__lt=end
        )
        .values("case_id", "case__path", "case__number", "case__title", "created_at")
        .order_by("created_at", "id")
    )
    overdue = split(run, cards, lambda r: r["case__path"])
    active = units_having(
        run, Case.objects.filter(created_at__lt=end).filter(Q(completed_at__isnull=True) | Q(completed_at__gte=start))
    )
    return {path: (mine, path in active) for path, mine in overdue.items()}


@measure(
    "work.case_feedback",
    "上报与交办事项及时反馈",
    "辖区（含下级）的办件（本级上报的和上级交办的）在考核期内超过办理时限仍未反馈、被亮黄牌的，每发现一次扣1分"
    "（第九条3）。考核期内辖区没有办件时暂不计算。",
    per_shortfall=1,
)
def case_feedback(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 1)
    overdue, active = run.part(unit, ("case_feedback", period), lambda r: _case_feedback(r, period))
    found = [
        Shortfall(
            text=f"{r['case__number'] or r['case_id']}「{r['case__title']}」{day_label(local_day(r['created_at']))}超期未反馈",
            link=f"/cases/{r['case_id']}",
        )
        for r in overdue
    ]
    if not found and not active:
        return Measured(value="考核期内没有办件", deduction=0, waiting="考核期内辖区没有办件")
    shortfalls = capped(found, "另有{n}次超期未反馈", "/cases")
    return Measured(value=f"超期未反馈{len(found)}次", deduction=deduction_of(shortfalls, per), shortfalls=shortfalls)


# ---------------------------------------------------------------- visits


@dataclass
class VisitDues:
    """The run's visit schedule for the period (people.visits.schedule over the run's roots,
    once per run): each unit's listings, and the masked names of the first LISTED listings with
    a missed visit in any unit's part (one query for them all)."""

    by_unit: dict[str, list[ListingDues]]
    names: dict[int, str]


def _run_dues(run: Run, period: Period) -> VisitDues:
    dues = schedule(run.roots, period.start, period.end)
    by_unit = by_subtree(dues, {u.path for u in run.units})
    shown = {d.id: d for part in by_unit.values() for d in [x for x in part if x.missed][:LISTED]}
    names = dict(Resident.objects.filter(pk__in={d.resident_id for d in shown.values()}).values_list("id", "name"))
    tables = {g: labels(GROUP_TABLES[Group(g)]) for g in Group.values}
    return VisitDues(
        by_unit=by_unit,
        names={
            d.id: f"{Group(d.group).label}「{mask_value(names.get(d.resident_id, ''))}」"
            f"（{tables[d.group].get(d.category_code, '')}）"
            for d in shown.values()
        },
    )


def visit_dues(unit: Unit, period: Period, run: Run) -> tuple[list[ListingDues], dict[int, str]] | None:
    """Every key person and care recipient listed under `unit` during the period, with their
    visits due in it (people.visits: the one rule), and how the shortfalls name them. None when
    nobody is listed. Read once per scoring run for all its units."""
    shared = run.shared(("visit_dues", period), lambda: _run_dues(run, period))
    mine = shared.by_unit.get(unit.path)
    if mine is None:  # a unit outside the run (a measure called on its own)
        return visit_dues(unit, period, Run([unit]))
    if not mine:
        return None
    return mine, shared.names


@measure(
    "work.visits",
    "服务对象走访服务",
    "辖区（含下级）列管的重点人员和关怀对象，按各自走访周期在考核期内到期的每一次走访（服务），"
    "到期日前没有走访记录的，少一次扣0.2分（第九条4）。到期日为今天的尚不计。辖区没有列管人员时暂不计算。",
    per_missed=0.2,
)
def visits(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_missed", 0.2)
    found_dues = visit_dues(unit, period, run)
    if found_dues is None:
        return Measured(value="没有列管人员", deduction=0, waiting="辖区没有列管的重点人员和关怀对象")
    dues, named = found_dues
    due = sum(d.due for d in dues)
    found = [
        Shortfall(
            text=f"{named.get(d.id, '')}应于{_days_text(d.missed)}前走访，未按时走访{len(d.missed)}次",
            count=len(d.missed),
            link=f"/people/categories/{d.id}",
        )
        for d in dues
        if d.missed
    ]
    shortfalls = capped(found, "另有{n}次未按时走访", "/people/key-persons")
    missed = sum(s.count for s in found)
    return Measured(
        value=f"到期走访{due}次，未按时{number(missed)}次",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@measure(
    "work.service_rate",
    "服务率",
    "服务率 = 考核期内到期并按时完成的走访（服务）次数 ÷ 到期的走访次数（口径同“服务对象走访服务”），"
    "要求100%；每低一个百分点扣0.2分，按实际差额计（如98.5%扣0.3分，第九条4）。"
    "考核期内没有到期的走访时暂不计算。",
    per_point=0.2,
)
def service_rate(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_point", 0.2)
    found_dues = visit_dues(unit, period, run)
    if found_dues is None:
        return Measured(value="没有列管人员", deduction=0, waiting="辖区没有列管的重点人员和关怀对象")
    dues, named = found_dues
    on_time = sum(d.on_time for d in dues)
    due = sum(d.due for d in dues)
    if not due:
        return Measured(value="考核期内没有到期的走访", deduction=0, waiting="考核期内没有到期的走访")
    rate = round(on_time * 100 / due, 1)
    below = round(100 - rate, 1)
    shortfalls = capped(
        (
            Shortfall(
                text=f"{named.get(d.id, '')}未按时走访{len(d.missed)}次",
                count=len(d.missed),
                link=f"/people/categories/{d.id}",
            )
            for d in dues
            if d.missed
        ),
        "另有{n}次未按时走访",
        "/people/key-persons",
    )
    return Measured(
        value=f"服务率 {rate:.1f}%（{on_time}/{due}，要求100%）",
        deduction=round(below * per, 4),
        shortfalls=shortfalls,
    )


# ---------------------------------------------------------------- information reports


@measure(
    "work.report_lapses",
    "迟报漏报瞒报",
    "考核期内各月记在辖区（含下级）单位名下的迟报、漏报、瞒报（系统记录的迟报和上级认定的漏报、瞒报，"
    "已撤销的不计），每发现一次扣1分（第九条3、5）。",
    per_shortfall=1,
)
def report_lapses(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    from zongzhi.alerts.models import LapseKind

    per = points(params, "per_shortfall", 1)
    rows = run.part(
        unit,
        ("report_lapses", period),
        lambda r: split(
            r,
            InfoLapse.objects.filter(
                run_q(r), month__gte=month_of(period.start), month__lt=period.end, withdrawn_at__isnull=True
            )
            .values("id", "path", "kind", "month", "unit__name", "report_id", "report__title", "case_id", "reason")
            .order_by("month", "id"),
            lambda lapse: lapse["path"],
        ),
    )
    kinds = dict.fromkeys(LapseKind.values, 0)
    found: list[Shortfall] = []
    for r in rows:
        kinds[r["kind"]] += 1
        what = f"「{r['report__title']}」" if r["report__title"] else (f"：{r['reason']}" if r["reason"] else "")
        link = (
            f"/alerts/reports/{r['report_id']}"
            if r["report_id"]
            else f"/cases/{r['case_id']}"
            if r["case_id"]
            else "/alerts/report-lapses"
        )
        found.append(
            Shortfall(text=f"{r['unit__name']}{month_label(r['month'])}{LapseKind(r['kind']).label}{what}", link=link)
        )
    shortfalls = capped(found, "另有{n}次迟报漏报瞒报", "/alerts/report-lapses")
    return Measured(
        value="、".join(f"{LapseKind(k).label}{n}次" for k, n in kinds.items()),
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )
