"""Computed items of 实战应用 (seed 003 第十条3: the phone terminals used, the daily must-do
done, on duty every working day) and 安全保密 (第十一条: the confidentiality agreement signed
by every terminal holder, phones lost)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from zongzhi.field.models import AgreementSignature, AgreementText, DutyLogin, MustDoItem, Terminal, TerminalEvent

from .measures import Measured, Period, Run, Shortfall, measure
from .measures_common import (
    account_since,
    bounds,
    capped,
    day_label,
    first_days,
    local_day,
    number,
    passed_end,
    percent,
    points,
    run_q,
    split,
    units_having,
    working_days,
)
from .measures_work import SHOWN_DAYS, accounts_and_logins, phone_use

GRID_WORKER = "grid_worker"


def _must_do(run: Run, period: Period) -> dict[str, dict[str, int]]:
    """Every unit's daily must-do items of the days passed, and how many done: one count by
    path for the run."""
    end = passed_end(period)
    rows: Any = []
    if end > period.start:
        rows = (
            MustDoItem.objects.filter(run_q(run), day__gte=period.start, day__lt=end)
            .values("path")
            .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
            .order_by()
        )
    return {
        path: {"total": sum(r["total"] for r in part), "done": sum(r["done"] for r in part)}
        for path, part in split(run, rows, lambda r: r["path"]).items()
    }


@measure(
    "practice.mobile_use",
    "手机移动终端综合运用",
    "三项各1分（第十条3）：① 熟练运用：辖区（含下级）每部在用手机终端在配发后的工作日中登录的天数不少于80%，"
    "有一部不足扣1分；② 每日登录必办事项：考核期内每日必办事项完成率不低于90%，不足扣1分；③ 24小时在岗："
    "每名网格员每个工作日都用手机登录，有人缺一天扣1分。某项没有可统计的数据（没有手机终端、没有必办事项、"
    "没有网格员）时该项不扣分；三项都没有时暂不计算。",
    per_rule=1,
    min_phone_share=80,
    min_mustdo_share=90,
)
def mobile_use(unit: Any, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_rule", 1)
    phone_share = points(params, "min_phone_share", 80)
    mustdo_share = points(params, "min_mustdo_share", 90)
    days = working_days(period)
    figures: list[str] = []
    failed = 0
    shortfalls: list[Shortfall] = []
    measured = 0

    # ① each phone terminal logged in on most of its working days
    uses = phone_use(unit, period, run)
    if uses is not None and days:
        measured += 1
        weak = [u for u in uses if u.days and (len(u.days) - len(u.missed)) * 100 < phone_share * len(u.days)]
        figures.append(f"手机终端{len(uses)}部，{len(uses) - len(weak)}部登录天数达标")
        if weak:
            failed += 1
            shortfalls.extend(
                Shortfall(
                    text=f"终端{u.asset_number}（{u.holder or '无使用人'}）登录{len(u.days) - len(u.missed)}/"
                    f"{len(u.days)}个工作日（要求≥{number(phone_share)}%）",
                    link="/field/duty",
                )
                for u in weak
            )

    # ② the daily must-do done
    totals = run.part(unit, ("must_do", period), lambda r: _must_do(r, period))
    if totals["total"]:
        measured += 1
        figures.append(f"每日必办完成率{percent(totals['done'], totals['total'])}")
        if totals["done"] * 100 < mustdo_share * totals["total"]:
            failed += 1
            shortfalls.append(
                Shortfall(
                    text=f"每日必办完成{totals['done']}/{totals['total']}项（{percent(totals['done'], totals['total'])}，"
                    f"要求≥{number(mustdo_share)}%）",
                    link="/field/must-do",
                )
            )

    # ③ every grid worker on the phone every working day
    workers, logged = run.part(
        unit,
        ("phone_logins", period),
        lambda r: accounts_and_logins(r, period, (GRID_WORKER,), days, DutyLogin.Client.PHONE),
    )
    if workers and days:
        measured += 1
        first = first_days(logged)
        absent = []
        for w in workers:
            joined = account_since(w["date_joined"], first.get(w["id"]), days[0])
            missed = [d for d in days if d >= joined and (w["id"], d) not in logged]
            if missed:
                shown = "、".join(day_label(d) for d in missed[:SHOWN_DAYS]) + (
                    "等" if len(missed) > SHOWN_DAYS else ""
                )
                absent.append(
                    Shortfall(
                        text=f"网格员{w['full_name'] or w['username']}（{w['unit__name']}）{len(missed)}个工作日"
                        f"未用手机登录：{shown}",
                        link="/field/duty",
                    )
                )
        figures.append(f"网格员{len(workers)}人，{len(workers) - len(absent)}人每个工作日在岗")
        if absent:
            failed += 1
            shortfalls.extend(absent)

    if not measured:
        return Measured(
            value="没有可统计的手机运用数据",
            deduction=0,
            waiting="辖区没有在用手机终端、每日必办事项和网格员，或考核期内还没有已过去的工作日",
        )
    return Measured(
        value="；".join(figures),
        deduction=round(failed * per, 4),
        shortfalls=capped(shortfalls, "另有{n}项", "/field/duty"),
    )


_Confidentiality = tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]]]


def _confidentiality(run: Run, period: Period) -> dict[str, _Confidentiality | None]:
    """Every unit's (current agreement, holders of its terminals who have not signed it, the
    terminals lost in the period), None for a unit without a terminal: four queries for the
    run."""
    having = units_having(run, Terminal.objects.all())
    current: Any = AgreementText.objects.order_by("-version").values("id", "version").first()
    unsigned: dict[str, list[dict[str, Any]]] = {path: [] for path in run.paths}
    if current is not None and having:
        signed = AgreementSignature.objects.filter(text_id=current["id"]).values("user_id")
        terminals = (
            Terminal.objects.filter(run_q(run), status=Terminal.Status.ISSUED, holder__isnull=False)
            .exclude(holder_id__in=signed)
            .values("holder_id", "holder__full_name", "holder__username", "unit__name", "path")
            .order_by("holder_id", "id")
        )
        for path, part in split(run, terminals, lambda t: t["path"]).items():
            # one line per holder and unit, however many terminals they hold there
            seen: dict[tuple[Any, ...], dict[str, Any]] = {}
            for t in part:
                seen.setdefault((t["holder_id"], t["holder__full_name"], t["holder__username"], t["unit__name"]), t)
            unsigned[path] = list(seen.values())
    start, end = bounds(period)
    events: Any = (
        TerminalEvent.objects.filter(
            run_q(run, "terminal__path"), action=TerminalEvent.Action.LOST, at__gte=start, at__lt=end
        )
        .values("terminal__path", "terminal__asset_number", "terminal__kind", "from_user__full_name", "at")
        .order_by("at", "id")
    )
    lost = split(run, events, lambda e: e["terminal__path"])
    return {path: (current, unsigned[path], lost[path]) if path in having else None for path in run.paths}


@measure(
    "security.confidentiality",
    "安全保密",
    "辖区（含下级）每名在用终端（电脑或手机）的使用人都应签署现行版本的安全保密协议，有一人未签扣1分；"
    "考核期内每挂失一部终端扣1分（违反一项扣1分，第十一条）。辖区没有登记终端时暂不计算。",
    per_violation=1,
)
def confidentiality(unit: Any, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_violation", 1)
    found = run.part(unit, ("confidentiality", period), lambda r: _confidentiality(r, period))
    if found is None:
        return Measured(value="没有登记终端", deduction=0, waiting="辖区没有登记终端")
    current, holders, lost = found
    shortfalls: list[Shortfall] = []
    unsigned = 0
    if current is not None:
        for h in holders:
            unsigned += 1
            shortfalls.append(
                Shortfall(
                    text=f"终端使用人{h['holder__full_name'] or h['holder__username']}（{h['unit__name']}）"
                    f"未签署第{current['version']}版安全保密协议",
                    link="/field/terminals",
                )
            )
    for e in lost:
        kind = Terminal.Kind(e["terminal__kind"]).label
        who = f"（{e['from_user__full_name']}）" if e["from_user__full_name"] else ""
        shortfalls.append(
            Shortfall(
                text=f"{kind}{e['terminal__asset_number']}{who}于{day_label(local_day(e['at']))}挂失",
                link="/field/terminals",
            )
        )
    listed = capped(shortfalls, "另有{n}项", "/field/terminals")
    agreement = f"未签保密协议{unsigned}人" if current is not None else "尚未发布保密协议"
    return Measured(
        value=f"{agreement}，挂失终端{len(lost)}部",
        deduction=round((unsigned + len(lost)) * per, 4),
        shortfalls=listed,
    )
