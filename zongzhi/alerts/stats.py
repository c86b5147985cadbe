"""The alerts statistics of one month, per unit directly under a unit (a county's townships, a
township's villages): information reports by category, reporting timeliness (on time / late /
missing, concealed), warnings by level (issued and received), acknowledgement times, and the
completeness of zero reports.

Every topic is read with one or two aggregate queries grouped by the child's path prefix
(`Substr(path, 1, len(child path))`), never a query per unit: a county with 15 townships costs
the same as one with 3. A statistics table holds no personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from openpyxl import Workbook

from zongzhi.core.months import month_key, month_of, month_range
from zongzhi.core.scope import subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.units.models import Unit

from .models import (
    EarlyWarning,
    InfoLapse,
    InformationReport,
    LapseKind,
    PeriodKind,
    SensitivePeriod,
    WarningLevel,
    WarningRecipient,
    ZeroReport,
)

LEVELS = [WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.BLUE]


@dataclass(frozen=True)
class Rows:
    """The units a table has a row for, and how to find a row's unit from a record's path."""

    units: list[Unit]

    @property
    def paths(self) -> list[str]:
        return [u.path for u in self.units]

    @property
    def lengths(self) -> list[int]:
        return sorted({len(u.path) for u in self.units})


def row_units(unit: Unit) -> list[Unit]:
    """The units directly under `unit` (grids aside); a unit with none is its own only row."""
    children = list(Unit.objects.filter(parent=unit, is_retired=False).exclude(level="grid").order_by("path"))
    return children or [unit]


def grouped(qs: QuerySet[Any], rows: Rows, field: str, *extra: str, **aggregates: Any) -> list[dict[str, Any]]:
    """`qs` aggregated per row unit (the prefix of `field` of the row units' length), and per
    `extra` columns: one query per distinct path length of the row units (one in practice)."""
    out: list[dict[str, Any]] = []
    aggregates = aggregates or {"n": Count("pk")}
    for length in rows.lengths:
        paths = [p for p in rows.paths if len(p) == length]
        out.extend(
            qs.filter(subtree_q(paths, field))
            .annotate(key=Substr(field, 1, length))
            .values("key", *extra)
            .annotate(**aggregates)
            .order_by()
        )
    return out


def _unit_out(u: Unit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name, "level": u.level, "path": u.path}


def categories(rows: Rows, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Information reports that happened under each row unit in the month, by category."""
    qs = InformationReport.objects.filter(created_at__gte=start, created_at__lt=end)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in grouped(qs, rows, "path", "category_code"):
        counts[r["key"]][r["category_code"]] = counts[r["key"]].get(r["category_code"], 0) + r["n"]
    names = labels("info_category")
    used = sorted({c for per in counts.values() for c in per})
    return {
        "columns": [{"code": c, "label": names.get(c, c)} for c in used],
        "rows": [
            {
                "unit": _unit_out(u),
                "counts": [counts[u.path].get(c, 0) for c in used],
                "total": sum(counts[u.path].values()),
            }
            for u in rows.units
        ],
    }


def timeliness(rows: Rows, month_start: dt.date, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Per row unit: reports filed in the month, those on time (no late flag standing on them),
    and the month's lapses not withdrawn: late (迟报), missing (漏报), concealed (瞒报). The rate
    is on time over on time + late + missing."""
    late_flag = InfoLapse.objects.filter(report=OuterRef("pk"), kind=LapseKind.LATE, withdrawn_at__isnull=True)
    reports = InformationReport.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
        flagged=Exists(late_flag)
    )
    filed = {
        r["key"]: r for r in grouped(reports, rows, "path", n=Count("pk"), on_time=Count("pk", filter=Q(flagged=False)))
    }
    lapses: dict[str, dict[str, int]] = defaultdict(dict)
    for r in grouped(InfoLapse.objects.filter(month=month_start, withdrawn_at__isnull=True), rows, "path", "kind"):
        lapses[r["key"]][r["kind"]] = lapses[r["key"]].get(r["kind"], 0) + r["n"]
    out = []
    for u in rows.units:
        f = filed.get(u.path, {"n": 0, "on_time": 0})
        lp = lapses[u.path]
        late, missing = lp.get(LapseKind.LATE, 0), lp.get(LapseKind.MISSING, 0)
        owed = f["on_time"] + late + missing
        out.append(
            {
                "unit": _unit_out(u),
                "reports": f["n"],
                "on_time": f["on_time"],
                "late": late,
                "missing": missing,
                "concealed": lp.get(LapseKind.CONCEALED, 0),
                "rate": round(f["on_time"] / owed, 4) if owed else None,
            }
        )
    return out


def warnings(rows: Rows, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Warnings issued by each row unit (or below it) in the month, and received, by level."""
    issued: dict[str, dict[str, int]] = defaultdict(dict)
    for r in grouped(EarlyWarning.objects.filter(created_at__gte=start, created_at__lt=end), rows, "path", "level"):
        issued[r["key"]][r["level"]] = r["n"]
    received: dict[str, dict[str, int]] = defaultdict(dict)
    recipients = WarningRecipient.objects.filter(warning__created_at__gte=start, warning__created_at__lt=end)
    for r in grouped(recipients, rows, "path", "warning__level"):
        received[r["key"]][r["warning__level"]] = r["n"]

    def levels(per: dict[str, int]) -> dict[str, int]:
        return {**{lv.value: per.get(lv.value, 0) for lv in LEVELS}, "total": sum(per.values())}

    return [
        {"unit": _unit_out(u), "issued": levels(issued[u.path]), "received": levels(received[u.path])}
        for u in rows.units
    ]


def acknowledgements(rows: Rows, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[dict[str, Any]]:
    """For the warnings of the month received by each row unit (or below it): how many were
    acknowledged, the median and average hours from the warning to the acknowledgement, and how
    many were acknowledged late or are still pending past their limit."""
    hours: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"recipients": 0, "pending": 0, "overdue": 0})
    recipients = WarningRecipient.objects.filter(warning__created_at__gte=start, warning__created_at__lt=end)
    for length in rows.lengths:
        paths = [p for p in rows.paths if len(p) == length]
        for path, issued_at, acked_at, due_at in (
            recipients.filter(subtree_q(paths))
            .annotate(key=Substr("path", 1, length))
            .values_list("key", "warning__created_at", "acknowledged_at", "ack_due_at")
        ):
            c = counts[path]
            c["recipients"] += 1
            if acked_at is None:
                c["pending"] += 1
                c["overdue"] += due_at < now
            else:
                hours[path].append((acked_at - issued_at).total_seconds() / 3600)
                c["overdue"] += acked_at > due_at
    out = []
    for u in rows.units:
        h = hours[u.path]
        out.append(
            {
                "unit": _unit_out(u),
                **counts[u.path],
                "acknowledged": len(h),
                "median_hours": round(statistics.median(h), 2) if h else None,
                "average_hours": round(sum(h) / len(h), 2) if h else None,
            }
        )
    return out


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def zero_completeness(rows: Rows, month_start: dt.date, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Zero reports (零报告): every unit under a row unit (itself included, grids aside) owes the
    month, and each day of a sensitive period covering it (daily reports). A unit counts as
    reported for a period if it filed a zero report for it or an information report in it.
    Five queries, whatever the number of units."""
    owing = list(
        Unit.objects.filter(subtree_q(rows.paths), is_retired=False).exclude(level="grid").values_list("pk", "path")
    )
    ids = [pk for pk, _ in owing]
    monthly = set(
        ZeroReport.objects.filter(
            period_kind=PeriodKind.MONTHLY, period_start=month_start, informant__isnull=True, unit_id__in=ids
        ).values_list("unit_id", flat=True)
    )
    filed: dict[int, set[dt.date]] = defaultdict(set)
    for unit_id, at in InformationReport.objects.filter(
        reporter_unit_id__in=ids, created_at__gte=start, created_at__lt=end
    ).values_list("reporter_unit_id", "created_at"):
        filed[unit_id].add(timezone.localtime(at).date())
    daily: dict[int, set[dt.date]] = defaultdict(set)
    for unit_id, day in ZeroReport.objects.filter(
        period_kind=PeriodKind.DAILY,
        period_start__gte=month_start,
        period_start__lt=timezone.localtime(end).date(),
        informant__isnull=True,
        unit_id__in=ids,
    ).values_list("unit_id", "period_start"):
        daily[unit_id].add(day)
    month_last = timezone.localtime(end).date() - dt.timedelta(days=1)
    last_owed = min(month_last, timezone.localdate())
    periods = list(
        SensitivePeriod.objects.filter(is_cancelled=False, starts_on__lte=month_last, ends_on__gte=month_start)
    )
    out = []
    for u in rows.units:
        c = {"units": 0, "months_reported": 0, "days_owed": 0, "days_reported": 0}
        for pk, path in owing:
            if not path.startswith(u.path):
                continue
            c["units"] += 1
            c["months_reported"] += pk in monthly or bool(filed[pk])
            owed: set[dt.date] = set()
            for p in periods:
                if path.startswith(p.path):
                    owed.update(_days(max(p.starts_on, month_start), min(p.ends_on, last_owed)))
            c["days_owed"] += len(owed)
            c["days_reported"] += len(owed & (daily[pk] | filed[pk]))
        owed_total = c["units"] + c["days_owed"]
        done = c["months_reported"] + c["days_reported"]
        out.append({"unit": _unit_out(u), **c, "rate": round(done / owed_total, 4) if owed_total else None})
    return out


def monthly(unit: Unit, month: dt.date) -> dict[str, Any]:
    """The month's five tables for the units under `unit` (`month`: its first day)."""
    start, end = month_range(month)
    month_start = month_of(month)
    rows = Rows(row_units(unit))
    return {
        "unit": unit,
        "month": month_key(month),
        "categories": categories(rows, start, end),
        "timeliness": timeliness(rows, month_start, start, end),
        "warnings": warnings(rows, start, end),
        "acknowledgements": acknowledgements(rows, start, end, timezone.now()),
        "zero_reports": zero_completeness(rows, month_start, start, end),
    }


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def _num(value: float | None) -> float | str:
    return value if value is not None else "—"


def to_excel(data: dict[str, Any]) -> bytes:
    """The month's tables as a workbook, one sheet per topic."""
    wb = Workbook()
    title = f"{data['unit'].name} {data['month']}"
    ws = wb.active
    assert ws is not None
    ws.title = "报送及时性"
    ws.append([f"{title} 维稳信息报送及时性"])
    ws.append(["单位", "报送信息", "按时报送", "迟报", "漏报", "瞒报", "及时率"])
    for r in data["timeliness"]:
        ws.append(
            [r["unit"]["name"], r["reports"], r["on_time"], r["late"], r["missing"], r["concealed"], _pct(r["rate"])]
        )
    cats = data["categories"]
    ws = wb.create_sheet("信息类别")
    ws.append([f"{title} 维稳信息按类别"])
    ws.append(["单位", *[c["label"] for c in cats["columns"]], "合计"])
    for r in cats["rows"]:
        ws.append([r["unit"]["name"], *r["counts"], r["total"]])
    ws = wb.create_sheet("预警")
    ws.append([f"{title} 预警按级别"])
    ws.append(["单位", "发布红色", "发布黄色", "发布蓝色", "发布合计", "收到红色", "收到黄色", "收到蓝色", "收到合计"])
    for r in data["warnings"]:
        i, rc = r["issued"], r["received"]
        ws.append(
            [
                r["unit"]["name"],
                i["red"],
                i["yellow"],
                i["blue"],
                i["total"],
                rc["red"],
                rc["yellow"],
                rc["blue"],
                rc["total"],
            ]
        )
    ws = wb.create_sheet("预警签收")
    ws.append([f"{title} 预警签收"])
    ws.append(["单位", "应签收", "已签收", "未签收", "超时", "签收用时中位数（小时）", "平均签收用时（小时）"])
    for r in data["acknowledgements"]:
        ws.append(
            [
                r["unit"]["name"],
                r["recipients"],
                r["acknowledged"],
                r["pending"],
                r["overdue"],
                _num(r["median_hours"]),
                _num(r["average_hours"]),
            ]
        )
    ws = wb.create_sheet("零报告")
    ws.append([f"{title} 零报告"])
    ws.append(["单位", "应报单位数", "月报已报", "敏感期应报日数", "敏感期已报日数", "完成率"])
    for r in data["zero_reports"]:
        ws.append(
            [r["unit"]["name"], r["units"], r["months_reported"], r["days_owed"], r["days_reported"], _pct(r["rate"])]
        )
    for sheet in wb.worksheets:
        sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
