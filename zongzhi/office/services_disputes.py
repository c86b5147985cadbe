"""The 矛盾纠纷排查 report (seed 000 四; seed 002 四(二)): each village and township reports, by
the 1st (rule `dispute_due_day`) of the month after, the disputes of its subtree per kind, with
how many were resolved, are still in progress and were passed up, and the 化解率. The draft is
pre-filled from the case engine (`cases.stats.dispute_figures`); the unit corrects a figure where
it knows better (the draft keeps `computed`, so the correction shows), explains in 情况说明, and
submits once. The unit above sees who has reported and the sum of what its units reported, and
reminds the others. With rule `dispute_half_month` on, the halves of each month (1st–15th,
16th–end) are expected too, in the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.cases.stats import FIGURES, dispute_figures
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput
from zongzhi.core.scope import get_visible, path_within, require_capture
from zongzhi.notify.services import notify_users
from zongzhi.units.models import Unit, User

from .models import DisputePeriodKind, DisputeReport
from .services_common import WRITE, month_bounds, rule

AUDIT_LABELS: dict[str, str] = {
    "dispute.drafted": "填报矛盾纠纷排查报表",
    "dispute.saved": "修改矛盾纠纷排查报表",
    "dispute.submitted": "上报矛盾纠纷排查报表",
    "dispute.reminded": "催报矛盾纠纷排查报表",
}

LINK = "/office/disputes"
MAX_FIGURE = 100000


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def due_on(self) -> dt.date:
        """The day after the period ends, moved on to the due day (the 1st: that very day)."""
        return self.end + dt.timedelta(days=rule("dispute_due_day"))

    @property
    def label(self) -> str:
        month = f"{self.start.year}年{self.start.month}月"
        if self.kind == DisputePeriodKind.MONTH:
            return month
        return f"{month}{'上' if self.start.day == 1 else '下'}半月"

    def ended(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.end


def period_of(kind: str, day: dt.date) -> Period:
    """The period of `kind` holding `day`."""
    first, last = month_bounds(day)
    if kind == DisputePeriodKind.MONTH:
        return Period(kind, first, last)
    if kind != DisputePeriodKind.HALF_MONTH:
        raise InvalidInput.field("kind", "报表类型不正确", code="period_kind_invalid")
    if day.day <= 15:
        return Period(kind, first, first.replace(day=15))
    return Period(kind, first.replace(day=16), last)


def kinds_expected() -> list[str]:
    kinds = [DisputePeriodKind.MONTH.value]
    if rule("dispute_half_month"):
        kinds.append(DisputePeriodKind.HALF_MONTH.value)
    return kinds


def check_period(kind: str, start: dt.date) -> Period:
    """The period starting on `start`; refused unless it is expected and has ended."""
    if kind not in DisputePeriodKind.values:
        raise InvalidInput.field("kind", "报表类型不正确", code="period_kind_invalid")
    if kind not in kinds_expected():
        raise InvalidInput.field("kind", "未开展半月排查，无需填报半月报", code="half_month_off")
    period = period_of(kind, start)
    if period.start != start:
        raise InvalidInput.field("period_start", "报告期的起始日期不正确", code="period_invalid")
    if not period.ended():
        raise InvalidInput.field("period_start", f"{period.label}尚未结束，结束后才能填报", code="period_not_ended")
    return period


def recent_periods(kind: str, count: int = 12, today: dt.date | None = None) -> list[Period]:
    """The last `count` ended periods of `kind`, newest first."""
    day = today or timezone.localdate()
    out: list[Period] = []
    period = period_of(kind, day)
    while len(out) < count:
        period = period_of(kind, period.start - dt.timedelta(days=1))
        out.append(period)
    return out


# --- figures ---------------------------------------------------------------------------------


def rate(resolved: int, total: int) -> float | None:
    return round(resolved / total, 4) if total else None


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's figures: its rows, their totals and the 化解率."""
    totals = {key: sum(int(r[key]) for r in rows) for key in FIGURES}
    return {"rows": rows, "totals": totals, "resolution_rate": rate(totals["resolved"], totals["total"])}


def compute(unit: Unit, period: Period) -> dict[str, Any]:
    """What the case engine says of the unit's subtree for the period."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return summarize(dispute_figures(unit.path, start, end))


def _checked_rows(report: DisputeReport, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The unit's figures, one row per kind of the computed table, each consistent."""
    known = {r["category"]: r for r in report.computed.get("rows", [])}
    given: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        code = str(row.get("category", ""))
        if code not in known:
            raise InvalidInput.field(f"rows.{i}.category", "报表中没有这一类矛盾纠纷", code="category_unknown")
        values: dict[str, int] = {}
        for key in FIGURES:
            value = row.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_FIGURE:
                raise InvalidInput.field(
                    f"rows.{i}.{key}", f"{known[code]['label']}：数字应在0到{MAX_FIGURE}之间", code="figure_invalid"
                )
            values[key] = value
        if values["resolved"] + values["in_progress"] > values["total"] or values["escalated"] > values["total"]:
            raise InvalidInput.field(
                f"rows.{i}.total",
                f"{known[code]['label']}：已化解与化解中之和、上报数都不能大于排查总数",
                code="figures_inconsistent",
            )
        given[code] = values
    out = []
    for code, computed in known.items():
        values = given.get(code) or {key: computed[key] for key in FIGURES}
        out.append({"category": code, "label": computed["label"], **values})
    return out


# --- the unit's own report ---------------------------------------------------------------------


def _require_writer(user: User, unit: Unit) -> None:
    require_cap(user, WRITE, "没有填报排查报表的权限", unit)
    require_capture(user, unit)


def get_report(user: User, pk: int) -> DisputeReport:
    found: DisputeReport = get_visible(
        DisputeReport.objects.select_related("unit", "created_by", "submitted_by"),
        user,
        pk,
        "records.read",
        "没有查看排查报表的权限",
        missing="排查报表不存在",
    )
    return found


def can_edit(user: User, report: DisputeReport) -> bool:
    return (
        report.status == DisputeReport.Status.DRAFT
        and user.has_cap(WRITE)
        and path_within(report.path, user.capture_paths)
    )


def is_late(report: DisputeReport) -> bool:
    if report.submitted_at is not None:
        return timezone.localdate(report.submitted_at) > report.due_on
    return timezone.localdate() > report.due_on


@transaction.atomic
def open_draft(user: User, unit: Unit, kind: str, start: dt.date, *, now: dt.datetime | None = None) -> DisputeReport:
    """The unit's draft for the period, pre-filled from the case engine. One per period."""
    _require_writer(user, unit)
    if unit.level == "grid":
        raise InvalidInput.field("unit_id", "网格不单独填报排查报表", code="unit_level_invalid")
    period = check_period(kind, start)
    if DisputeReport.objects.filter(unit=unit, period_kind=kind, period_start=period.start).exists():
        raise InvalidInput.field(
            "period_start", f"{unit.name}{period.label}的报表已经建立", code="dispute_report_exists"
        )
    computed = compute(unit, period)
    try:
        with transaction.atomic():
            report = DisputeReport.objects.create(
                unit=unit,
                path=unit.path,
                period_kind=kind,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due_on,
                figures=computed,
                computed=computed,
                created_by=user,
                created_at=now or timezone.now(),
            )
    except IntegrityError as exc:  # two people at once: the other one made it
        raise InvalidInput.field(
            "period_start", f"{unit.name}{period.label}的报表已经建立", code="dispute_report_exists"
        ) from exc
    record_event("dispute.drafted", obj=report, detail={"kind": kind, "start": period.start.isoformat()})
    return report


def _locked(user: User, report: DisputeReport) -> DisputeReport:
    _require_writer(user, report.unit)
    locked: DisputeReport = DisputeReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if locked.status != DisputeReport.Status.DRAFT:
        raise Conflict("报表已上报，不能再修改", code="dispute_report_submitted")
    return locked


@transaction.atomic
def save_draft(user: User, report: DisputeReport, rows: list[dict[str, Any]] | None, notes: str) -> DisputeReport:
    """Correct the figures (rows not given keep theirs) and the 情况说明 of a draft."""
    report = _locked(user, report)
    if rows is not None:
        report.figures = summarize(_checked_rows(report, rows))
    report.notes = notes.strip()
    report.save()
    record_event("dispute.saved", obj=report, detail={"corrected": len(corrections(report))})
    return report


@transaction.atomic
def submit(user: User, report: DisputeReport, *, now: dt.datetime | None = None) -> DisputeReport:
    """上报: once; the report is read-only afterwards, late if after its due day."""
    report = _locked(user, report)
    if corrections(report) and not report.notes.strip():
        raise InvalidInput.field("notes", "修改了系统统计的数字，请在情况说明中写明原因", code="notes_required")
    report.status = DisputeReport.Status.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.submitted_by = user
    report.save()
    record_event("dispute.submitted", obj=report, detail={"late": is_late(report)})
    return report


def corrections(report: DisputeReport) -> list[dict[str, Any]]:
    """Where the unit's figure differs from the case engine's: [{category, field, computed, value}]."""
    computed = {r["category"]: r for r in report.computed.get("rows", [])}
    out = []
    for row in report.figures.get("rows", []):
        system = computed.get(row["category"])
        for key in FIGURES:
            if system is not None and system[key] != row[key]:
                out.append({"category": row["category"], "field": key, "computed": system[key], "value": row[key]})
    return out


def unit_periods(user: User, unit: Unit, kind: str) -> list[dict[str, Any]]:
    """The unit's recent periods of `kind`, newest first, each with its report (or none): the
    last three, and further back as far as its first report (at most a year)."""
    periods = recent_periods(kind, 24 if kind == DisputePeriodKind.HALF_MONTH else 12)
    first = (
        DisputeReport.objects.filter(unit=unit, period_kind=kind)
        .order_by("period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    periods = [p for i, p in enumerate(periods) if i < 3 or (first is not None and p.start >= first)]
    reports = {
        r.period_start: r
        for r in DisputeReport.objects.filter(
            unit=unit, period_kind=kind, period_start__gte=periods[-1].start
        ).select_related("unit", "created_by", "submitted_by")
    }
    return [{"period": p, "report": reports.get(p.start)} for p in periods]


# --- the unit above ------------------------------------------------------------------------------


def status_of(report: DisputeReport | None, period: Period) -> str:
    if report is None:
        return "missing"
    if report.status == DisputeReport.Status.DRAFT:
        return "draft"
    return "late" if is_late(report) else "submitted"


def children(root: Unit) -> list[Unit]:
    """The units that report to `root`: its active children above grid level."""
    return list(Unit.objects.filter(parent=root, is_retired=False).exclude(level="grid").order_by("code"))


def overview(user: User, root: Unit, period: Period) -> dict[str, Any]:
    """For the unit above: each child unit's status for the period, and the sum of what they
    submitted per kind of dispute, with the 化解率; the root's own report besides."""
    units = children(root)
    reports = {
        r.unit_id: r
        for r in DisputeReport.objects.filter(
            unit__in=[*units, root], period_kind=period.kind, period_start=period.start
        ).select_related("unit", "created_by", "submitted_by")
    }
    past_due = timezone.localdate() > period.due_on
    rows = []
    combined: dict[str, dict[str, Any]] = {}
    for unit in units:
        report = reports.get(unit.pk)
        status = status_of(report, period)
        rows.append(
            {
                "unit": unit,
                "report": report,
                "status": status,
                "overdue": status in ("missing", "draft") and past_due,
            }
        )
        if report is not None and report.status == DisputeReport.Status.SUBMITTED:
            for row in report.figures.get("rows", []):
                into = combined.setdefault(
                    row["category"], {"category": row["category"], "label": row["label"], **dict.fromkeys(FIGURES, 0)}
                )
                for key in FIGURES:
                    into[key] += int(row[key])
    if not combined:  # nobody submitted yet: the kinds of dispute with zeros
        own = reports.get(root.pk)
        template = (own.computed if own else compute(root, period)).get("rows", [])
        for row in template:
            combined[row["category"]] = {"category": row["category"], "label": row["label"]} | dict.fromkeys(FIGURES, 0)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("missing", "draft", "submitted", "late")}
    return {
        "root": root,
        "period": period,
        "own": reports.get(root.pk),
        "rows": rows,
        "combined": summarize(list(combined.values())),
        "counts": counts,
    }


@transaction.atomic
def remind(user: User, root: Unit, period: Period) -> int:
    """催报: an in-app notice to the officers of each child unit that has not submitted."""
    require_cap(user, WRITE, "没有催报排查报表的权限", root)
    require_capture(user, root)
    table = overview(user, root, period)
    unit_ids = [r["unit"].pk for r in table["rows"] if r["status"] in ("missing", "draft")]
    users = [
        u
        for u in User.objects.filter(is_active=True, unit_id__in=unit_ids, department__isnull=True).prefetch_related(
            "roles"
        )
        if u.has_cap(WRITE)
    ]
    notify_users(
        users,
        "dispute_remind",
        f"请上报{period.label}矛盾纠纷排查{'月报' if period.kind == DisputePeriodKind.MONTH else '半月报'}",
        f"{root.name}提醒：贵单位{period.label}的矛盾纠纷排查报表尚未上报，报送期限为{period.due_on.year}年{period.due_on.month}月{period.due_on.day}日。",
        link=LINK,
    )
    record_event(
        "dispute.reminded",
        obj=root,
        detail={"kind": period.kind, "start": period.start.isoformat(), "units": len(unit_ids), "users": len(users)},
    )
    return len(unit_ids)
