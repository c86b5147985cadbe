"""Computed items of 日常办公 (seed 003 第八条): the monthly activity records and the
sign-off of the documents received.

Both follow the office ledgers' own count (what the activity and in-tray pages show): a unit's
own records, a village's with its grids'; a township is judged on its own ledger, its villages
on theirs."""

from __future__ import annotations

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
    own_records,
    points,
)


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
    counts = {
        as_date(row["month"]): row["n"]
        for row in Activity.objects.filter(
            own_records(unit), held_on__gte=months[0][0], held_on__lt=months[-1][1], withdrawn_at__isnull=True
        )
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
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


@measure(
    "office.document_signoff",
    "公文签收",
    "本单位（村、社区含所属网格）收到的公文，签收时限在考核期内、超过时限才签收或到期未签收的（已撤回的公文不计），"
    "每次扣0.5分（第八条2）。考核期内没有到期的收文时暂不计算。",
    per_shortfall=0.5,
)
def document_signoff(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.5)
    start, end = bounds(period)
    now = timezone.now()
    rows = DocumentRecipient.objects.filter(
        own_records(unit, "unit__path"),
        department__isnull=True,
        user__isnull=True,
        sign_due_at__gte=start,
        sign_due_at__lt=min(end, now),
    )
    totals = rows.aggregate(due=Count("id"), late=Count("id", filter=late_q(now)))
    if not totals["due"]:
        return Measured(value="考核期内没有到期的收文", deduction=0, waiting="考核期内没有签收时限已到的收文")
    late = (
        rows.filter(late_q(now))
        .values("document_id", "document__title", "unit__name", "sign_due_at", "signed_at")
        .order_by("sign_due_at", "id")
    )
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
        for r in (late[:LISTED] if totals["late"] else [])
    ]
    if totals["late"] > LISTED:
        rest = totals["late"] - LISTED
        shortfalls.append(Shortfall(text=f"另有{rest}份公文超时签收", count=rest, link="/office/documents"))
    return Measured(
        value=f"应签收{totals['due']}份，超时或未签收{number(totals['late'])}份",
        deduction=round(totals["late"] * per, 4),
        shortfalls=shortfalls,
    )
