"""The monthly statistics every unit reports (seed 003): cases by kind, category and status,
the share of disputes resolved (the seeds expect ≥ 95%), overdue cases, handling time."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook

from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.models import CodeItem
from zongzhi.units.models import Unit

from .models import Case, Kind, Status

RESOLVED = [Status.COMPLETED, Status.ARCHIVED]


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    year, mon = (int(x) for x in month.split("-"))
    start = timezone.make_aware(dt.datetime(year, mon, 1))
    end = timezone.make_aware(dt.datetime(year + (mon == 12), mon % 12 + 1, 1))
    return start, end


def monthly(unit: Unit, month: str) -> dict[str, Any]:
    start, end = month_bounds(month)
    qs = Case.objects.filter(subtree_q([unit.path]), created_at__gte=start, created_at__lt=end).exclude(
        status=Status.CANCELLED
    )
    labels = dict(CodeItem.objects.filter(table__code="event_category").values_list("code", "label"))
    by_kind = {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("id"))}
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    by_top: dict[str, int] = {}
    for row in qs.filter(kind=Kind.EVENT).values("category_code").annotate(n=Count("id")):
        top = row["category_code"][:2]
        by_top[top] = by_top.get(top, 0) + row["n"]
    disputes = qs.filter(kind=Kind.EVENT, category_code__startswith="01")
    dispute_total = disputes.count()
    dispute_resolved = disputes.filter(status__in=RESOLVED).count()
    durations = [
        (done - created).total_seconds() / 3600
        for created, done in qs.filter(completed_at__isnull=False).values_list("created_at", "completed_at")
    ]
    return {
        "unit": unit,
        "month": month,
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
