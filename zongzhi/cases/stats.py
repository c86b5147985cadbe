"""The monthly statistics every unit reports (seed 003): cases by kind, category and status,
the share of disputes resolved (the seeds expect ≥ 95%), overdue cases, handling time."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from openpyxl import Workbook

from zongzhi.core.months import month_key, month_range
from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.models import CodeItem
from zongzhi.units.models import Unit

from .models import OPEN_STATUSES, Case, CaseAction, Kind, Status

RESOLVED = [Status.COMPLETED, Status.ARCHIVED]
DISPUTE_CATEGORY = "01"  # 矛盾纠纷 in the event_category table; its children are the kinds of dispute
FIGURES = ("total", "resolved", "in_progress", "escalated")


def reported_in(path: str, start: dt.datetime, end: dt.datetime) -> QuerySet[Case]:
    """The cases reported in a subtree between two moments (`end` excluded), cancelled ones left out."""
    return Case.objects.filter(subtree_q([path]), created_at__gte=start, created_at__lt=end).exclude(
        status=Status.CANCELLED
    )


def dispute_figures(path: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Per kind of dispute (the children of 矛盾纠纷, every active one even when zero): the events
    reported in the subtree in the period, how many are resolved (办结/归档), still open, and
    escalated out of the subtree (上报上级 to a unit outside it)."""
    items = list(
        CodeItem.objects.filter(table__code="event_category", code__startswith=DISPUTE_CATEGORY)
        .exclude(code=DISPUTE_CATEGORY)
        .order_by("sort", "code")
        .values_list("code", "label", "is_retired")
    )
    escalated = CaseAction.objects.filter(case=OuterRef("pk"), action="escalate").exclude(
        to_unit__path__startswith=path
    )
    qs = (
        reported_in(path, start, end)
        .filter(kind=Kind.EVENT, category_code__startswith=DISPUTE_CATEGORY)
        .values("category_code")
        .annotate(
            total=Count("id"),
            resolved=Count("id", filter=Q(status__in=RESOLVED)),
            in_progress=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            escalated=Count("id", filter=Q(Exists(escalated))),
        )
    )
    found: dict[str, dict[str, int]] = {}
    for row in qs:  # a finer code counts under its kind of dispute
        into = found.setdefault(row["category_code"][:4], dict.fromkeys(FIGURES, 0))
        for key in FIGURES:
            into[key] += row[key]
    rows: list[dict[str, Any]] = []
    for code, label, retired in items:
        if code not in found and retired:
            continue
        rows.append({"category": code, "label": label, **found.pop(code, dict.fromkeys(FIGURES, 0))})
    if found:  # events filed under 矛盾纠纷 itself or a code no longer in the table
        other = dict.fromkeys(FIGURES, 0)
        for row in found.values():
            for key in FIGURES:
                other[key] += row[key]
        rows.append({"category": DISPUTE_CATEGORY, "label": "其他（未细分）", **other})
    return rows


def monthly(unit: Unit, month: dt.date) -> dict[str, Any]:
    """The month's figures of the unit's subtree (`month`: its first day)."""
    start, end = month_range(month)
    qs = reported_in(unit.path, start, end)
    labels = dict(CodeItem.objects.filter(table__code="event_category").values_list("code", "label"))
    by_kind = {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("id"))}
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    by_top: dict[str, int] = {}
    for row in qs.filter(kind=Kind.EVENT).values("category_code").annotate(n=Count("id")):
        top = row["category_code"][:2]
        by_top[top] = by_top.get(top, 0) + row["n"]
    disputes = qs.filter(kind=Kind.EVENT, category_code__startswith=DISPUTE_CATEGORY)
    dispute_total = disputes.count()
    dispute_resolved = disputes.filter(status__in=RESOLVED).count()
    durations = [
        (done - created).total_seconds() / 3600
        for created, done in qs.filter(completed_at__isnull=False).values_list("created_at", "completed_at")
        if done is not None
    ]
    return {
        "unit": unit,
        "month": month_key(month),
        "total": qs.count(),
        "by_kind": [{"code": k.value, "label": k.label, "count": by_kind.get(k.value, 0)} for k in Kind],
        "by_category": [
            {"code": code, "label": labels.get(code, code), "count": n} for code, n in sorted(by_top.items())
        ],
        "by_status": [
            {"code": s.value, "label": s.label, "count": by_status.get(s.value, 0)}
            for s in Status
            if s != Status.CANCELLED
        ],
        "disputes": dispute_total,
        "disputes_resolved": dispute_resolved,
        "resolved_share": round(dispute_resolved / dispute_total, 4) if dispute_total else None,
        "overdue": qs.filter(Q(overdue_level__gt=0) | Q(overdue_since__isnull=False)).count(),
        "average_handling_hours": round(sum(durations) / len(durations), 1) if durations else None,
    }


def to_excel(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "月度统计"
    unit = data["unit"]
    ws.append([f"{unit.name} {data['month']} 办件统计"])
    ws.append([])
    ws.append(["办件总数", data["total"]])
    ws.append(["矛盾纠纷", data["disputes"]])
    ws.append(["已化解", data["disputes_resolved"]])
    share = data["resolved_share"]
    ws.append(["化解率", f"{share * 100:.1f}%" if share is not None else "—", "（要求不低于95%）"])
    ws.append(["超期件数", data["overdue"]])
    hours = data["average_handling_hours"]
    ws.append(["平均办理时长（小时）", hours if hours is not None else "—"])
    for title, rows in (
        ("按类别", data["by_kind"]),
        ("按事件分类", data["by_category"]),
        ("按状态", data["by_status"]),
    ):
        ws.append([])
        ws.append([title, "件数"])
        for row in rows:
            ws.append([row["label"], row["count"]])
    ws.column_dimensions["A"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
