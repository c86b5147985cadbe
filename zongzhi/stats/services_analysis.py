"""The monthly analysis report (研判报告) of one unit: what a leader reads to 准确、及时和完整掌握
辖区内涉稳情况 (seed 003 第十条 1) and what the township and the county check each month.

For one unit of the user's view scope (default their own) and one month:

1. trend: the cases reported in the unit's subtree per month over the twelve months ending with
   the report's month, by the top category of the event dictionary (矛盾纠纷, 治安隐患, 安全隐患,
   民生服务; other kinds of case as 其他办件), and the month against the one before by category;
2. hotspots: grids and places (the address as written) with repeated disputes: two or more in
   the three months ending with the report's month, with the month's own count beside it;
3. repeated parties: registered residents who are parties to two or more cases in those three
   months, by masked name only (never an ID number);
4. key persons without visits: listed key persons with a visit due in the month (by their
   visit cycle, people.visits: the rubric's rule) not made by its due date; shown only to users who may read special populations (`records.sensitive`), names masked;
5. 可防性案件 by category: the dictionary has no 盗窃/诈骗 codes, so the preventable categories
   are a setting, `ZONGZHI_PREVENTABLE_CATEGORIES` (category code prefixes, default 治安隐患 02
   and 安全隐患 03); the month against the previous month and the same month a year before.

The summary, the trend and the categories are read from the monthly rollups through
`stats.figures`, as the dashboards read them, so the report and the dashboard never disagree.
What the rollups do not keep is counted from the case table for one unit-month (a handful of
indexed range queries on `path` and `created_at`): the major cases, the hotspots, the repeated
parties and the preventable cases by sub-category. Cancelled cases are left out throughout.
The .docx for the leader is rendered with docxtpl from a replaceable template (`docx.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from zongzhi.cases.models import Case, CaseParty, Kind, Status
from zongzhi.core import months
from zongzhi.core.masking import mask_text, mask_value
from zongzhi.core.months import add_months, month_end, month_key, month_label, month_range
from zongzhi.core.scope import subtree_q, unit_in_view
from zongzhi.dictionary.services import labels
from zongzhi.people.models import Group, Resident
from zongzhi.people.visits import schedule
from zongzhi.units.models import Unit, User

from . import figures

TREND_MONTHS = 12
HOTSPOT_MONTHS = 3
DISPUTES = "01"  # 矛盾纠纷 in the event_category table
OTHER = "other"  # cases of kinds other than events, in the trend
LIST_LIMIT = 20
KEY_PERSON_LIMIT = 50
DEFAULT_PREVENTABLE = ["02", "03"]

AUDIT_LABELS = {
    "analysis.report_downloaded": "下载研判报告",
    "analysis.template_uploaded": "上传研判报告模板",
}


@dataclass(frozen=True)
class Month:
    """A calendar month as the report reads it (`core.months` does the arithmetic): `start` and
    `end` (the next month's first moment) are aware datetimes."""

    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return month_key(self.first_day)

    @property
    def label(self) -> str:
        return month_label(self.first_day)

    def shift(self, months: int) -> Month:
        return Month.of(add_months(self.first_day, months))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return month_end(self.first_day)

    @property
    def start(self) -> dt.datetime:
        return month_range(self.first_day)[0]

    @property
    def end(self) -> dt.datetime:
        return month_range(self.first_day)[1]


def parse_month(value: str | None) -> Month:
    """`2026-11` (default: this month), between 2000-01 and this month (`core.months`)."""
    return Month.of(months.parse_month(value))


def preventable_prefixes() -> list[str]:
    """The event category prefixes counted as 可防性案件 (settings, default 治安隐患 and 安全隐患)."""
    return list(getattr(settings, "PREVENTABLE_CATEGORIES", None) or DEFAULT_PREVENTABLE)


def report_unit(user: User, unit_id: int | None) -> Unit:
    """The unit to report on (`core.scope.unit_in_view`: one the user sees, default their own)."""
    unit: Unit = unit_in_view(Unit.objects.all(), user, unit_id, "records.read", "没有查看研判报告的权限")
    return unit


def _cases(unit: Unit, start: dt.datetime, end: dt.datetime) -> Any:
    return Case.objects.filter(subtree_q([unit.path]), created_at__gte=start, created_at__lt=end).exclude(
        status=Status.CANCELLED
    )


def _change(now: int, before: int) -> float | None:
    """The change against `before` as a fraction (None when there was nothing before)."""
    return round((now - before) / before, 4) if before else None


def _trend(unit: Unit, month: Month) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per month (twelve, oldest first) the cases by top category, from the rollups (the
    dashboard's `case_trend` totals); and the series' names."""
    rows = figures.case_trend_by_category(unit, month.first_day, TREND_MONTHS)
    names = labels("event_category")
    tops = sorted(code for code in names if len(code) == 2)
    series = [{"code": code, "label": names[code]} for code in tops] + [{"code": OTHER, "label": "其他办件"}]
    months = []
    for i, row in enumerate(rows):
        m = month.shift(i - (TREND_MONTHS - 1))
        by = {**row["events"], OTHER: row["other"]}
        months.append(
            {
                "month": m.key,
                "label": f"{m.month}月" if i and m.month != 1 else m.label,
                "total": sum(by.values()),
                "counts": [by.get(s["code"], 0) for s in series],
            }
        )
    return months, series


def _by_category(unit: Unit, month: Month) -> list[dict[str, Any]]:
    """Events by top-level category from the rollups (the dashboard's `case_breakdown`): this
    month, the month before, the same month a year before."""
    periods = {"count": month, "previous": month.shift(-1), "last_year": month.shift(-12)}
    found: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(periods, 0))
    names: dict[str, str] = {}
    for key, m in periods.items():
        for row in figures.case_breakdown(unit, m.first_day, "category", kind=Kind.EVENT):
            found[row["key"]][key] += row["count"]
            names[row["key"]] = row["label"]
    return [
        {"code": code, "label": names[code], **counts, "change": _change(counts["count"], counts["previous"])}
        for code, counts in sorted(found.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    ]


def _by_subcategory(unit: Unit, month: Month, prefixes: list[str]) -> list[dict[str, Any]]:
    """Events by dictionary category under `prefixes` (the rollups keep top-level categories
    only, so from the raw rows): this month, the month before, the same month a year before."""
    periods = {"count": month, "previous": month.shift(-1), "last_year": month.shift(-12)}
    found: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(periods, 0))
    q = Q()
    for p in prefixes:
        q |= Q(category_code__startswith=p)
    for key, m in periods.items():
        qs = _cases(unit, m.start, m.end).filter(q, kind=Kind.EVENT)
        for row in qs.values("category_code").annotate(n=Count("id")):
            found[row["category_code"] or ""][key] += row["n"]
    names = labels("event_category")
    return [
        {
            "code": code,
            "label": names.get(code, code or "未分类"),
            **counts,
            "change": _change(counts["count"], counts["previous"]),
        }
        for code, counts in sorted(found.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    ]


def _preventable(unit: Unit, month: Month) -> dict[str, Any]:
    prefixes = preventable_prefixes()
    names = labels("event_category")
    rows = _by_subcategory(unit, month, prefixes)
    # Every preventable category of the dictionary appears, even when nothing happened.
    present = {r["code"] for r in rows}
    for code in sorted(names):
        if len(code) > 2 and code not in present and any(code.startswith(p) for p in prefixes):
            rows.append({"code": code, "label": names[code], "count": 0, "previous": 0, "last_year": 0, "change": None})
    total = sum(r["count"] for r in rows)
    previous = sum(r["previous"] for r in rows)
    return {
        "categories": [{"code": p, "label": names.get(p, p)} for p in prefixes],
        "rows": rows,
        "total": total,
        "previous": previous,
        "last_year": sum(r["last_year"] for r in rows),
        "change": _change(total, previous),
    }


def _unit_names(paths: set[str]) -> dict[str, str]:
    return dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))


def _hotspots(unit: Unit, month: Month) -> dict[str, Any]:
    """Grids and places with two or more disputes in the three months ending with `month`."""
    window = month.shift(-(HOTSPOT_MONTHS - 1))
    disputes = _cases(unit, window.start, month.end).filter(kind=Kind.EVENT, category_code__startswith=DISPUTES)
    in_month = Q(created_at__gte=month.start)
    grids = list(
        disputes.values("path")
        .annotate(total=Count("id"), month=Count("id", filter=in_month))
        .filter(total__gte=2)
        .order_by("-total", "-month", "path")[:LIST_LIMIT]
    )
    names = _unit_names({g["path"] for g in grids})
    places = list(
        disputes.exclude(address="")
        .values("address")
        .annotate(total=Count("id"), month=Count("id", filter=in_month))
        .filter(total__gte=2)
        .order_by("-total", "-month", "address")[:LIST_LIMIT]
    )
    return {
        "window": f"{window.label}至{month.label}" if HOTSPOT_MONTHS > 1 else month.label,
        "grids": [
            {"path": g["path"], "name": names.get(g["path"], g["path"]), "month": g["month"], "total": g["total"]}
            for g in grids
        ],
        "places": [{"address": mask_text(p["address"]), "month": p["month"], "total": p["total"]} for p in places],
    }


def _repeated_parties(unit: Unit, month: Month) -> list[dict[str, Any]]:
    """Residents party to two or more cases of the subtree in the three months (masked names)."""
    window = month.shift(-(HOTSPOT_MONTHS - 1))
    cases = _cases(unit, window.start, month.end)
    rows = list(
        CaseParty.objects.filter(case__in=cases.values("id"))
        .values("resident_id", "resident__name", "resident__path")
        .annotate(
            total=Count("case_id", distinct=True),
            month=Count("case_id", filter=Q(case__created_at__gte=month.start), distinct=True),
        )
        .filter(total__gte=2)
        .order_by("-total", "-month", "resident_id")[:LIST_LIMIT]
    )
    titles: dict[int, list[str]] = defaultdict(list)
    for rid, number in (
        CaseParty.objects.filter(case__in=cases.values("id"), resident_id__in=[r["resident_id"] for r in rows])
        .order_by("-case__created_at")
        .values_list("resident_id", "case__number")
    ):
        if len(titles[rid]) < 5 and number:
            titles[rid].append(number)
    names = _unit_names({r["resident__path"] for r in rows})
    return [
        {
            "name": mask_value(r["resident__name"]),
            "unit": names.get(r["resident__path"], ""),
            "month": r["month"],
            "total": r["total"],
            "cases": titles[r["resident_id"]],
        }
        for r in rows
    ]


def _key_persons_unvisited(unit: Unit, month: Month) -> dict[str, Any]:
    """Key persons with a visit due in the month and not made by its due date (names masked):
    the rubric's rule (people.visits, the same as the 服务对象走访服务 item), so the report and
    the score of the same unit and month name the same people.

    The date is the month's last day, or today for the current month (a visit due today is not
    missed yet). Each row: the last visit up to that date, the first due date missed in the
    month, and the days from it to the visit that came late (or to the date)."""
    today = timezone.localdate()
    as_of = min(month.last_day, today)
    dues = schedule([unit.path], month.first_day, month.shift(1).first_day, groups=[Group.KEY])
    missed = sorted((d for d in dues if d.missed), key=lambda d: (d.missed[0], d.id))
    shown = missed[:KEY_PERSON_LIMIT]
    names = _unit_names({d.path for d in shown})
    residents = dict(Resident.objects.filter(pk__in=[d.resident_id for d in shown]).values_list("id", "name"))
    kinds = labels("key_person_category")
    by_category: dict[str, int] = defaultdict(int)
    for d in missed:
        by_category[d.category_code] += 1
    return {
        "as_of": as_of,
        "listed": len(dues),
        "missed": len(missed),
        "by_category": [
            {"code": code, "label": kinds.get(code, code), "count": n}
            for code, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "rows": [
            {
                "name": mask_value(residents.get(d.resident_id, "")),
                "category": kinds.get(d.category_code, d.category_code),
                "unit": names.get(d.path, ""),
                "last_visit": d.last_visit,
                "due": d.missed[0],
                "days_overdue": d.late_by(d.missed[0], as_of),
            }
            for d in shown
        ],
    }


def _summary(unit: Unit, month: Month) -> dict[str, Any]:
    """The month's key figures from the rollups (as the dashboard shows them); the major cases,
    which the rollups do not count, from the raw rows."""
    now = figures.case_summary(unit, month.first_day)
    before = figures.case_summary(unit, month.shift(-1).first_day)["reported"]
    major = _cases(unit, month.start, month.end).filter(Q(is_major=True) | Q(is_mass_incident=True)).count()
    return {
        "total": now["reported"],
        "previous": before,
        "change": _change(now["reported"], before),
        "disputes": now["disputes"],
        "resolved": now["disputes_resolved"],
        "resolved_share": now["resolved_share"],
        "major": major,
        "overdue": now["overdue"],
    }


def _percent(x: float | None) -> str:
    return f"{abs(x) * 100:.1f}%" if x is not None else ""


def findings(report: dict[str, Any]) -> list[str]:
    """The report's conclusions in sentences, for the page's head and the .docx's body."""
    s, month = report["summary"], report["month_label"]
    out = []
    trend = ""
    if s["change"] is not None and s["change"] != 0:
        trend = f"，环比{'上升' if s['change'] > 0 else '下降'}{_percent(s['change'])}"
    elif s["change"] == 0:
        trend = "，与上月持平"
    share = f"，已化解{s['resolved']}件，化解率{_percent(s['resolved_share'])}" if s["disputes"] else ""
    out.append(
        f"{month}，{report['unit']['name']}共受理各类办件{s['total']}件{trend}；其中矛盾纠纷{s['disputes']}件{share}。"
    )
    if s["major"] or s["overdue"]:
        out.append(f"重大事件、群体性事件{s['major']}件，超期办件{s['overdue']}件。")
    top = [r for r in report["by_category"] if r["count"]][:3]
    if top:
        out.append("本月事件主要集中在" + "、".join(f"{r['label']}（{r['count']}件）" for r in top) + "。")
    hot = report["hotspots"]
    if hot["grids"]:
        names = "、".join(f"{g['name']}（{g['total']}件）" for g in hot["grids"][:3])
        out.append(f"{hot['window']}矛盾纠纷多发的网格（区域）有{len(hot['grids'])}个，主要为{names}，需重点排查化解。")
    else:
        out.append(f"{hot['window']}未发现矛盾纠纷重复发生的网格和地点。")
    if report["repeated_parties"]:
        out.append(f"有{len(report['repeated_parties'])}名群众近三个月内多次成为办件当事人，需跟踪回访、防止矛盾激化。")
    kp = report["key_persons"]
    if kp is not None:
        if kp["missed"]:
            out.append(f"列管重点人员{kp['listed']}人，其中{kp['missed']}人已到走访期限未走访，请督促网格员及时走访。")
        elif kp["listed"]:
            out.append(f"列管重点人员{kp['listed']}人，均已按期走访。")
    p = report["preventable"]
    ptrend = ""
    if p["change"] is not None and p["change"] != 0:
        ptrend = f"，环比{'上升' if p['change'] > 0 else '下降'}{_percent(p['change'])}"
    out.append(f"可防性案件{p['total']}件{ptrend}，建议会同公安派出所制定防范措施，并与社区和单位联动。")
    return out


def analysis_report(*, acting_user: User, unit_id: int | None = None, month: str | None = None) -> dict[str, Any]:
    """The month's analysis report of a unit in the user's view scope (see the module's steps)."""
    unit = report_unit(acting_user, unit_id)
    m = parse_month(month)
    trend, series = _trend(unit, m)
    report: dict[str, Any] = {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level, "path": unit.path},
        "month": m.key,
        "month_label": m.label,
        "generated_at": timezone.now(),
        "summary": _summary(unit, m),
        "series": series,
        "trend": trend,
        "by_category": _by_category(unit, m),
        "hotspots": _hotspots(unit, m),
        "repeated_parties": _repeated_parties(unit, m),
        "key_persons": _key_persons_unvisited(unit, m) if acting_user.has_cap("records.sensitive") else None,
        "preventable": _preventable(unit, m),
    }
    report["findings"] = findings(report)
    return report
