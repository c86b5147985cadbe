"""The 矛盾纠纷排查 report: /api/office/disputes (a unit's periods and reports, the draft, its
corrections and submission; the unit above's overview and reminder)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_disputes as disputes
from .models import DisputeReport
from .services_common import WRITE

router = Router(tags=["日常办公"])

KindName = Literal["month", "half_month"]
StatusName = Literal["missing", "draft", "submitted", "late"]


class DisputePeriodOut(OutSchema):
    kind: KindName
    start: dt.date
    end: dt.date
    due_on: dt.date
    label: str


class DisputeFigureRowOut(OutSchema):
    category: str
    label: str
    total: int
    resolved: int
    in_progress: int
    escalated: int
    rate: float | None


class DisputeFiguresOut(OutSchema):
    rows: list[DisputeFigureRowOut]
    totals: dict[str, int]
    resolution_rate: float | None


class DisputeCorrectionOut(OutSchema):
    category: str
    field: str
    computed: int
    value: int


class DisputeReportBriefOut(OutSchema):
    id: int
    unit: UnitBrief
    period: DisputePeriodOut
    status: StatusName
    submitted_at: dt.datetime | None
    submitted_by: str
    is_late: bool
    total: int
    resolution_rate: float | None


class DisputeReportOut(DisputeReportBriefOut):
    figures: DisputeFiguresOut
    computed: DisputeFiguresOut
    corrections: list[DisputeCorrectionOut]
    notes: str
    created_by: str
    created_at: dt.datetime
    can_edit: bool


class DisputePeriodRowOut(OutSchema):
    period: DisputePeriodOut
    report: DisputeReportBriefOut | None
    status: StatusName
    overdue: bool


class DisputeUnitPeriodsOut(OutSchema):
    unit: UnitBrief
    kinds: list[KindName]
    has_children: bool
    can_write: bool
    periods: list[DisputePeriodRowOut]


class DisputeChildRowOut(OutSchema):
    unit: UnitBrief
    report: DisputeReportBriefOut | None
    status: StatusName
    overdue: bool


class DisputeOverviewOut(OutSchema):
    root: UnitBrief
    period: DisputePeriodOut
    kinds: list[KindName]
    own: DisputeReportBriefOut | None
    rows: list[DisputeChildRowOut]
    combined: DisputeFiguresOut
    counts: dict[str, int]
    can_remind: bool


class DisputeDraftIn(Schema):
    unit_id: int
    kind: KindName = "month"
    period_start: dt.date = Field(..., description="报告期的第一天")


class DisputeRowIn(Schema):
    category: str = Field(..., max_length=20)
    total: int = Field(..., ge=0, le=disputes.MAX_FIGURE)
    resolved: int = Field(..., ge=0, le=disputes.MAX_FIGURE)
    in_progress: int = Field(..., ge=0, le=disputes.MAX_FIGURE)
    escalated: int = Field(..., ge=0, le=disputes.MAX_FIGURE)


class DisputeSaveIn(Schema):
    rows: list[DisputeRowIn] | None = Field(None, max_length=100, description="不传则不改数字")
    notes: str = Field("", max_length=2000)


class DisputeRemindIn(Schema):
    unit_id: int
    kind: KindName = "month"
    start: dt.date


class DisputeRemindOut(OutSchema):
    units: int


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.all(), user, unit_id, "records.read", "没有查看排查报表的权限")
    return found


def _period(p: disputes.Period) -> dict[str, Any]:
    return {"kind": p.kind, "start": p.start, "end": p.end, "due_on": p.due_on, "label": p.label}


def _report_period(r: DisputeReport) -> dict[str, Any]:
    p = disputes.Period(r.period_kind, r.period_start, r.period_end)
    return {"kind": p.kind, "start": p.start, "end": p.end, "due_on": r.due_on, "label": p.label}


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    rows = [{**r, "rate": disputes.rate(r["resolved"], r["total"])} for r in data.get("rows", [])]
    return {
        "rows": rows,
        "totals": data.get("totals", {}),
        "resolution_rate": data.get("resolution_rate"),
    }


def _brief(r: DisputeReport | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "id": r.pk,
        "unit": r.unit,
        "period": _report_period(r),
        "status": disputes.status_of(r, disputes.Period(r.period_kind, r.period_start, r.period_end)),
        "submitted_at": r.submitted_at,
        "submitted_by": r.submitted_by.full_name if r.submitted_by else "",
        "is_late": disputes.is_late(r),
        "total": r.figures.get("totals", {}).get("total", 0),
        "resolution_rate": r.figures.get("resolution_rate"),
    }


def _report(r: DisputeReport, user: User) -> dict[str, Any]:
    return {
        **(_brief(r) or {}),
        "figures": _figures(r.figures),
        "computed": _figures(r.computed),
        "corrections": disputes.corrections(r),
        "notes": r.notes,
        "created_by": r.created_by.full_name,
        "created_at": r.created_at,
        "can_edit": disputes.can_edit(user, r),
    }


def _overdue(status: str, period: disputes.Period) -> bool:
    return status in ("missing", "draft") and timezone.localdate() > period.due_on


# --- endpoints ------------------------------------------------------------------------------


@router.get("/periods", response=DisputeUnitPeriodsOut)
def periods(request: HttpRequest, unit: int | None = None, kind: KindName = "month") -> dict[str, Any]:
    """The unit's last twelve ended periods of `kind`, each with its report and status."""
    user = acting(request)
    root = _unit(user, unit)
    rows = []
    for row in disputes.unit_periods(user, root, kind):
        status = disputes.status_of(row["report"], row["period"])
        rows.append(
            {
                "period": _period(row["period"]),
                "report": _brief(row["report"]),
                "status": status,
                "overdue": _overdue(status, row["period"]),
            }
        )
    return {
        "unit": root,
        "kinds": disputes.kinds_expected(),
        "has_children": bool(disputes.children(root)),
        "can_write": user.has_cap(WRITE) and root.is_capturable_by(user) and root.level != "grid",
        "periods": rows,
    }


@router.post("/reports", response={201: DisputeReportOut})
def open_draft(request: HttpRequest, payload: DisputeDraftIn) -> Status[dict[str, Any]]:
    """填报: the unit's draft for an ended period, pre-filled from the cases of its subtree."""
    user = acting(request)
    report = disputes.open_draft(user, _unit(user, payload.unit_id), payload.kind, payload.period_start)
    return Status(201, _report(report, user))


@router.get("/reports/{report_id}", response=DisputeReportOut)
def report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    user = acting(request)
    return _report(disputes.get_report(user, report_id), user)


@router.put("/reports/{report_id}", response=DisputeReportOut)
def save(request: HttpRequest, report_id: int, payload: DisputeSaveIn) -> dict[str, Any]:
    """Correct the draft's figures and 情况说明."""
    user = acting(request)
    rows = [r.model_dump() for r in payload.rows] if payload.rows is not None else None
    saved = disputes.save_draft(user, disputes.get_report(user, report_id), rows, payload.notes)
    return _report(saved, user)


@router.post("/reports/{report_id}/submit", response=DisputeReportOut)
def submit(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """上报: once; read-only afterwards."""
    user = acting(request)
    return _report(disputes.submit(user, disputes.get_report(user, report_id)), user)


@router.get("/overview", response=DisputeOverviewOut)
def overview(
    request: HttpRequest, unit: int | None = None, kind: KindName = "month", start: dt.date | None = None
) -> dict[str, Any]:
    """For the unit above: each unit below with its status for the period (any day of it;
    default the last ended one) and the combined table of what they submitted."""
    user = acting(request)
    root = _unit(user, unit)
    day = start or disputes.recent_periods(kind, 1)[0].start
    period = disputes.period_of(kind, day)
    table = disputes.overview(user, root, period)
    return {
        "root": root,
        "period": _period(period),
        "kinds": disputes.kinds_expected(),
        "own": _brief(table["own"]),
        "rows": [{**r, "report": _brief(r["report"])} for r in table["rows"]],
        "combined": _figures(table["combined"]),
        "counts": table["counts"],
        "can_remind": user.has_cap(WRITE) and root.is_capturable_by(user) and period.ended(),
    }


@router.post("/remind", response=DisputeRemindOut)
def remind(request: HttpRequest, payload: DisputeRemindIn) -> dict[str, Any]:
    """催报 the units below that have not submitted for the period."""
    user = acting(request)
    root = _unit(user, payload.unit_id)
    period = disputes.period_of(payload.kind, payload.start)
    if not period.ended():
        raise InvalidInput.field("start", f"{period.label}尚未结束，结束后才能催报", code="period_not_ended")
    return {"units": disputes.remind(user, root, period)}
