"""Computed items of 日常办公 (seed 003 第八条): the monthly activity records and the
sign-off of the documents received.

Both follow the office ledgers' own count (what the activity and in-tray pages show): a unit's
own records, a village's with its grids'; a township is judged on its own ledger, its villages
on theirs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zongzhi.core.months import month_of
from zongzhi.office.models import Activity, DocumentRecipient
from zongzhi.office.services_documents import late_q
from zongzhi.units.models import Unit

from .measures import Measured, Period, Run, Shortfall, measure
from .measures_common import (
    LISTED,
    as_date,
    bounds,
    deduction_of,
    ended_months,
    month_label,
    number,
    points,
    run_q,
    split,
)


def _activity_counts(run: Run, months: list[tuple[dt.date, dt.date]]) -> dict[str, dict[dt.date, int]]:
    """Every unit's activity records by month, by the ledgers' own rule: one count by path and
    month for the run."""
    rows = (
        Activity.objects.filter(
            run_q(run), held_on__gte=months[0][0], held_on__lt=months[-1][1], withdrawn_at__isnull=True
        )
        .annotate(month=TruncMonth("held_on"))
        .values("path", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, dict[dt.date, int]] = {}
    for path, part in split(run, rows, lambda r: r["path"], own=True).items():
        counts: dict[dt.date, int] = defaultdict(int)
        for r in part:
            counts[as_date(r["month"])] += r["n"]
        out[path] = dict(counts)
    return out


@measure(
    "office.activity_records",
    "工作活动记录",
    "本单位（村、社区含所属网格）每个已结束的月份录入的工作活动记录（不含已撤回的）不少于10条，"
    "少一条扣0.5分（第八条1）。",
    min_per_month=10,
    per_shortfall=0.5,
)
def activity_records(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.5)
    minimum = int(points(params, "min_per_month", 10))
    months = ended_months(period)
    if not months:
        return Measured(value="—", deduction=0, waiting="考核期内还没有已结束的月份")
    counts = run.part(unit, ("activities", period), lambda r: _activity_counts(r, months))
    shortfalls: list[Shortfall] = []
    figures: list[str] = []
    for first, _following in months:
        month = month_of(first)
        n = counts.get(month, 0)
        figures.append(f"{month.month}月{n}条")
        if n < minimum:
            shortfalls.append(
                Shortfall(
                    text=f"{month_label(month)}录入活动记录{n}条，少{minimum - n}条",
                    count=minimum - n,
                    link="/office/activities",
                )
            )
    return Measured(
        value=f"{'、'.join(figures)}（每月要求≥{minimum}条）",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


def _signoff(run: Run, period: Period, now: dt.datetime) -> dict[str, tuple[dict[str, int], list[dict[str, Any]]]]:
    """Every unit's received documents due in the period (counted, and how many late) and the
    late ones by due time, by the ledgers' own rule: two queries for the run."""
    start, end = bounds(period)
    rows = DocumentRecipient.objects.filter(
        run_q(run, "unit__path"),
        department__isnull=True,
        user__isnull=True,
        sign_due_at__gte=start,
        sign_due_at__lt=min(end, now),
    )
    counts = split(
        run,
        rows.values("unit__path").annotate(due=Count("id"), late=Count("id", filter=late_q(now))).order_by(),
        lambda r: r["unit__path"],
        own=True,
    )
    totals = {
        path: {"due": sum(r["due"] for r in part), "late": sum(r["late"] for r in part)}
        for path, part in counts.items()
    }
    late: dict[str, list[dict[str, Any]]] = {path: [] for path in run.paths}
    if any(t["late"] for t in totals.values()):
        rows_late: Any = (
            rows.filter(late_q(now))
            .values("document_id", "document__title", "unit__name", "unit__path", "sign_due_at", "signed_at")
            .order_by("sign_due_at", "id")
        )
        late = split(run, rows_late, lambda r: r["unit__path"], own=True)
    return {path: (totals[path], late[path]) for path in run.paths}


@measure(
    "office.document_signoff",
    "公文签收",
    "本单位（村、社区含所属网格）收到的公文，签收时限在考核期内、超过时限才签收或到期未签收的（已撤回的公文不计），"
    "每次扣0.5分（第八条2）。考核期内没有到期的收文时暂不计算。",
    per_shortfall=0.5,
)
def document_signoff(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.5)
    now = timezone.now()
    totals, late = run.part(unit, ("signoff", period), lambda r: _signoff(r, period, now))
    if not totals["due"]:
        return Measured(value="考核期内没有到期的收文", deduction=0, waiting="考核期内没有签收时限已到的收文")
    shortfalls = [
        Shortfall(
            text=f"{r['unit__name']}《{r['document__title']}》"
            + (
                f"超时签收（时限{timezone.localtime(r['sign_due_at']):%m-%d %H:%M}，"
                f"签收{timezone.localtime(r['signed_at']):%m-%d %H:%M}）"
                if r["signed_at"]
                else f"逾期未签收（时限{timezone.localtime(r['sign_due_at']):%m-%d %H:%M}）"
            ),
            link=f"/office/documents/{r['document_id']}",
        )
        for r in late[:LISTED]
    ]
    if totals["late"] > LISTED:
        rest = totals["late"] - LISTED
        shortfalls.append(Shortfall(text=f"另有{rest}份公文超时签收", count=rest, link="/office/documents"))
    return Measured(
        value=f"应签收{totals['due']}份，超时或未签收{number(totals['late'])}份",
        deduction=round(totals["late"] * per, 4),
        shortfalls=shortfalls,
    )
