"""A unit's month as a calendar: meetings, activities and the deadlines of its office work.

Entries of one unit (its own records, like the ledgers): the meetings it held (held_at), its
activities (held_on), and its deadlines – documents it must still sign (sign_due_at of its
unsigned rows) and material it must still send (reply_due_at), decisions it holds (due_on, until
their task is done), the monthly dispute report owed on day `dispute_due_day` for the month
before (until submitted) – plus its risk assessments still in progress (listed beside the
month). Read with `records.read` in view scope. One query per kind of entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from zongzhi.core.months import previous_month

from . import ledgers
from .models import (
    Activity,
    ActivityKind,
    DisputePeriodKind,
    DisputeReport,
    DocumentRecipient,
    Meeting,
    MeetingDecision,
    MeetingKind,
    RiskAssessment,
    RiskStepKind,
)
from .services_common import day_bounds, month_bounds, rule

KIND_LABELS = {
    "meeting": "会议",
    "activity": "活动",
    "sign_due": "签收期限",
    "reply_due": "报送期限",
    "decision_due": "议定事项期限",
    "dispute_due": "月报报送期限",
    "risk": "风险评估",
}


def _entry(
    kind: str, day: dt.date, title: str, link: str, *, at: dt.datetime | None = None, late: bool = False, note: str = ""
) -> dict[str, Any]:
    return {
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "day": day,
        "time": timezone.localtime(at).strftime("%H:%M") if at else "",
        "title": title,
        "note": note,
        "link": link,
        "late": late,
        "withdrawn": False,
    }


def entries(
    unit_id: int, month: dt.date, *, owes_report: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The month's entries of one unit (by day) and its risk assessments in progress; a grid owes
    no dispute report (`owes_report`)."""
    first, last = month_bounds(month)
    start, after = day_bounds(first, last)
    now = timezone.now()
    today = timezone.localdate()
    out: list[dict[str, Any]] = []

    for m in Meeting.objects.filter(unit_id=unit_id, held_at__gte=start, held_at__lt=after).only(
        "id", "name", "kind", "held_at", "location", "withdrawn_at", "withdrawn_reason"
    ):
        e = _entry(
            "meeting",
            timezone.localtime(m.held_at).date(),
            m.name,
            f"/office/meetings?id={m.pk}",
            at=m.held_at,
            note=f"{MeetingKind(m.kind).label if m.kind in MeetingKind.values else m.kind} · {m.location}",
        )
        e["withdrawn"] = m.is_withdrawn
        out.append(e)

    for a in Activity.objects.filter(unit_id=unit_id, held_on__gte=first, held_on__lte=last).only(
        "id", "name", "kind", "held_on", "location", "withdrawn_at", "withdrawn_reason"
    ):
        label = ActivityKind(a.kind).label if a.kind in ActivityKind.values else a.kind
        e = _entry("activity", a.held_on, a.name, f"/office/activities?id={a.pk}", note=f"{label} · {a.location}")
        e["withdrawn"] = a.is_withdrawn
        out.append(e)

    unsigned = DocumentRecipient.objects.filter(
        unit_id=unit_id,
        user__isnull=True,
        signed_at__isnull=True,
        sign_due_at__gte=start,
        sign_due_at__lt=after,
        document__withdrawn_at__isnull=True,
    ).select_related("document")
    for r in unsigned:
        out.append(
            _entry(
                "sign_due",
                timezone.localtime(r.sign_due_at).date(),
                f"签收：{r.document.title}",
                f"/office/documents/{r.document_id}",
                at=r.sign_due_at,
                late=r.sign_due_at < now,
            )
        )

    replies = DocumentRecipient.objects.filter(
        unit_id=unit_id,
        user__isnull=True,
        replied_at__isnull=True,
        document__reply_required=True,
        document__reply_due_at__gte=start,
        document__reply_due_at__lt=after,
        document__withdrawn_at__isnull=True,
    ).select_related("document")
    for r in replies:
        due = r.document.reply_due_at
        assert due is not None
        out.append(
            _entry(
                "reply_due",
                timezone.localtime(due).date(),
                f"报送材料：{r.document.title}",
                f"/office/documents/{r.document_id}",
                at=due,
                late=due < now,
            )
        )

    decisions = (
        MeetingDecision.objects.filter(
            holder_unit_id=unit_id, due_on__gte=first, due_on__lte=last, meeting__withdrawn_at__isnull=True
        )
        .exclude(case__status__in=list(ledgers.DONE_CASE))
        .select_related("meeting")
    )
    for d in decisions:
        out.append(
            _entry(
                "decision_due",
                d.due_on,
                f"议定事项：{d.text}",
                f"/office/meetings?id={d.meeting_id}",
                late=d.due_on < today,
                note=d.meeting.name,
            )
        )

    # The report for the month before this one is due on the rule's day of this month.
    due_day = first.replace(day=min(rule("dispute_due_day"), 28))
    previous = previous_month(first)
    submitted = (not owes_report) or DisputeReport.objects.filter(
        unit_id=unit_id,
        period_kind=DisputePeriodKind.MONTH,
        period_start=previous,
        status=DisputeReport.Status.SUBMITTED,
    ).exists()
    if not submitted:
        out.append(
            _entry(
                "dispute_due",
                due_day,
                f"报送{previous.month}月排查月报",
                "/office/disputes",
                late=due_day < today,
                note=f"{previous.year}年{previous.month}月矛盾纠纷排查月报，本月{due_day.day}日前报送",
            )
        )

    # Deadlines first on their day (they are what a cell must not hide), then by time.
    out.sort(key=lambda e: (e["day"], e["kind"] in ("meeting", "activity"), e["time"] or "99:99", e["kind"]))

    ongoing = [
        {
            "id": r.pk,
            "title": r.title,
            "step": r.step,
            "step_label": RiskStepKind(r.step).label if r.step in RiskStepKind.values else r.step,
            "created_on": timezone.localtime(r.created_at).date(),
            "link": f"/office/risks/{r.pk}",
        }
        for r in RiskAssessment.objects.filter(
            unit_id=unit_id, completed_at__isnull=True, withdrawn_at__isnull=True, created_at__lt=after
        ).order_by("created_at", "id")
    ]
    return out, ongoing


def month_calendar(user: Any, unit_id: int | None, month: str | None) -> dict[str, Any]:
    """The calendar of a unit in the user's view scope: days that have entries, in order."""
    first = ledgers.parse_month(month)
    unit = ledgers.visible_unit(user, unit_id)
    found, ongoing = entries(unit.pk, first, owes_report=unit.level != "grid")
    by_day: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for e in found:
        by_day[e["day"]].append(e)
    counts: dict[str, int] = defaultdict(int)
    for e in found:
        counts[e["kind"]] += 1
    return {
        "unit": ledgers.unit_out(unit),
        "month": first.strftime("%Y-%m"),
        "days": [{"day": day, "entries": items} for day, items in sorted(by_day.items())],
        "ongoing_risks": ongoing,
        "counts": [{"kind": k, "label": KIND_LABELS[k], "count": counts.get(k, 0)} for k in KIND_LABELS],
    }
