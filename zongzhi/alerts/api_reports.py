"""Information reports (维稳信息报送): report, screen, forward, return, follow up, convert, close."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from zongzhi.cases.models import Case
from zongzhi.core.access import acting
from zongzhi.core.errors import NotFound
from zongzhi.core.months import check_month
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.units.models import Unit, User

from . import services_reports as services
from .models import (
    OPEN_INFO_STATUSES,
    Classification,
    InfoAction,
    InfoAttachment,
    InfoLapse,
    InfoLimit,
    InformationReport,
    InfoSource,
    InfoStatus,
    InfoUrgency,
    LapseKind,
)
from .schemas_reports import (
    Box,
    InfoCaseSourceOut,
    InfoCommentIn,
    InfoFollowUpIn,
    InfoLapseIn,
    InfoLapseOut,
    InfoLapsePageOut,
    InfoLimitIn,
    InfoLimitOut,
    InfoReportCountsOut,
    InfoReportCreatedOut,
    InfoReportCreateIn,
    InfoReportOut,
    InfoReportPageOut,
    InfoScreenIn,
    InfoWithdrawIn,
)
from .services_warnings import visible_warnings

router = Router(tags=["预警与信息报送"])

SECRET_TITLE = "秘密信息"


def _row(report: InformationReport, user: User) -> dict[str, Any]:
    hidden = services.masked(user, report)
    return {
        "id": report.pk,
        "number": report.number,
        "title": SECRET_TITLE if hidden else report.title,
        "masked": hidden,
        "category_code": report.category_code,
        "category_label": labels("info_category").get(report.category_code, report.category_code),
        "source": report.source,
        "classification": report.classification,
        "classification_label": Classification(report.classification).label,
        "urgency": report.urgency,
        "urgency_label": InfoUrgency(report.urgency).label,
        "status": report.status,
        "status_label": InfoStatus(report.status).label,
        "people_count": report.people_count,
        "holder_unit_id": report.holder_unit_id,
        "holder_unit_name": report.holder_unit.name,
        "reporter_unit_name": report.reporter_unit.name,
        "path": report.path,
        "learned_at": report.learned_at,
        "received_at": report.received_at,
        "due_at": report.due_at,
        "is_overdue": report.is_overdue,
        "verified": None if hidden else report.verified,
        "follow_up_count": report.follow_up_count,
        "case_id": None if hidden else report.case_id,
        "created_at": report.created_at,
    }


def _lapse_out(lapse: InfoLapse) -> dict[str, Any]:
    return {
        "id": lapse.pk,
        "unit": lapse.unit,
        "kind": lapse.kind,
        "kind_label": LapseKind(lapse.kind).label,
        "month": lapse.month,
        "report_id": lapse.report_id,
        "report_number": lapse.report.number if lapse.report_id and lapse.report else None,
        "case_id": lapse.case_id,
        "reason": lapse.reason,
        "minutes_late": lapse.minutes_late,
        "recorded_by": lapse.recorded_by.full_name if lapse.recorded_by else None,
        "recorded_at": lapse.recorded_at,
        "withdrawn_at": lapse.withdrawn_at,
        "withdrawn_reason": lapse.withdrawn_reason,
    }


def allowed_actions(report: InformationReport, user: User) -> list[str]:
    """What the user may do now: the holder's officers act; those it passed follow up."""
    out: list[str] = []
    is_open = report.status in OPEN_INFO_STATUSES
    holder = user.unit_id == report.holder_unit_id and user.department_id is None and user.has_cap("alerts.screen")
    if is_open and holder:
        out.append("screen")
        if report.holder_unit.parent_id is not None:
            out.append("forward")
        if InfoAction.objects.filter(
            report=report, kind=InfoAction.Kind.FORWARD, to_unit_id=report.holder_unit_id
        ).exists():
            out.append("return")
        out += ["convert", "close"]
    can_report = user.has_cap("alerts.report") or user.has_cap("alerts.screen")
    if report.status != InfoStatus.CLOSED and can_report and user.unit_id in services.passed_units(report):
        out.append("follow_up")
    return out


def _attachment_out(use: InfoAttachment) -> dict[str, Any]:
    a = use.attachment
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "url": f"/api/attachments/{a.pk}/file",
        "thumbnail_url": f"/api/attachments/{a.pk}/thumbnail" if a.thumbnail else None,
        "position": a.position,
        "action_id": use.action_id,
    }


def _detail(report: InformationReport, user: User) -> dict[str, Any]:
    row = _row(report, user)
    uses = list(InfoAttachment.objects.filter(report=report).select_related("attachment").order_by("id"))
    by_action: dict[int, list[int]] = {}
    for use in uses:
        if use.action_id:
            by_action.setdefault(use.action_id, []).append(use.attachment_id)
    steps = InfoAction.objects.filter(report=report).select_related("actor_user", "actor_unit", "to_unit")
    lapses = InfoLapse.objects.filter(report=report).select_related("unit", "recorded_by", "report")
    case_number = None
    if report.case_id is not None:
        case_number = Case.objects.filter(pk=report.case_id).values_list("number", flat=True).first()
    row.update(
        description=report.description,
        involved=report.involved,
        links=report.links,
        source_label=InfoSource(report.source).label if report.source in InfoSource.values else report.source,
        occurred_at=report.occurred_at,
        latitude=report.latitude,
        longitude=report.longitude,
        address=report.address,
        nature=report.nature,
        measures=report.measures,
        reporter_name=report.reporter_user.full_name if report.reporter_user else "",
        case_number=case_number,
        closed_at=report.closed_at,
        version=report.version,
        attachments=[_attachment_out(u) for u in uses],
        timeline=[
            {
                "id": s.pk,
                "kind": s.kind,
                "kind_label": InfoAction.Kind(s.kind).label,
                "actor_name": s.actor_user.full_name if s.actor_user else "系统",
                "actor_unit": s.actor_unit.name,
                "to_unit": s.to_unit.name if s.to_unit else None,
                "comment": s.comment,
                "data": s.data,
                "is_late": s.is_late,
                "attachment_ids": by_action.get(s.pk, []),
                "created_at": s.created_at,
            }
            for s in steps
        ],
        lapses=[_lapse_out(lapse) for lapse in lapses],
        warnings=[
            {
                "id": w.pk,
                "number": w.number,
                "title": w.title,
                "level": w.level,
                "level_label": w.get_level_display(),
                "status_label": w.get_status_display(),
                "created_at": w.created_at,
            }
            for w in visible_warnings(user).filter(report=report).order_by("id")
        ],
        allowed_actions=allowed_actions(report, user),
    )
    return row


def _fresh(user: User, report_id: int) -> dict[str, Any]:
    return _detail(services.get_report(user, report_id), user)


@router.post("", response={200: InfoReportCreatedOut, 201: InfoReportCreatedOut})
def create_report(request: HttpRequest, payload: InfoReportCreateIn) -> Status[dict[str, Any]]:
    """Report a piece of stability information (also from the phone's offline queue: the same
    client_id returns the same report)."""
    user = acting(request)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise NotFound("单位不存在")
    data = services.NewReport(
        title=payload.title,
        description=payload.description,
        category_code=payload.category_code,
        source=payload.source,
        classification=payload.classification,
        urgency=payload.urgency,
        people_count=payload.people_count,
        involved=payload.involved,
        links=[link.dict() for link in payload.links],
        occurred_at=payload.occurred_at,
        learned_at=payload.learned_at,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        unit=unit,
        attachment_ids=payload.attachment_ids,
        client_id=payload.client_id,
    )
    report, created = services.create_report(acting_user=user, data=data)
    return Status(201 if created else 200, {"created": created, "report": _fresh(user, report.pk)})


class ReportFilter(Schema):
    box: Box = "todo"
    urgency: InfoUrgency | None = None
    category: str | None = None
    classification: Classification | None = None
    status: InfoStatus | None = None
    under: int | None = None
    since: date | None = None
    until: date | None = None
    overdue: bool | None = None
    q: str | None = None
    cursor: int | None = None
    limit: int = 20


def _filtered(user: User, f: ReportFilter) -> QuerySet[InformationReport]:
    qs = services.box(user, f.box)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.category:
        qs = qs.filter(category_code=f.category)
    if f.classification:
        qs = qs.filter(classification=f.classification)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.under is not None:
        root = get_visible(Unit.objects.all(), user, f.under)
        qs = qs.filter(subtree_q([root.path]))
    if f.since:
        qs = qs.filter(created_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__date__lte=f.until)
    if f.overdue is not None:
        qs = qs.filter(is_overdue=f.overdue)
    if f.q:
        text = f.q.strip()
        qs = qs.filter(Q(number=text) | Q(Q(title__contains=text) & ~Q(classification=Classification.SECRET)))
    return qs


@router.get("", response=InfoReportPageOut)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> dict[str, Any]:
    """待研判 (todo) / 已上报 (sent) / 我的报送 (mine) / 全部 (all), newest first, keyset pages;
    秘密 rows masked for users not cleared for them."""
    user = acting(request)
    qs = _filtered(user, filters).select_related("holder_unit", "reporter_unit")
    qs = qs.defer("holder_unit__boundary", "reporter_unit__boundary")
    if filters.cursor is not None:
        qs = qs.filter(pk__lt=filters.cursor)
    limit = max(1, min(filters.limit, 100))
    rows = list(qs.order_by("-id")[: limit + 1])
    return {
        "items": [_row(r, user) for r in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.get("/total", response=TotalOut)
def report_total(request: HttpRequest, filters: Query[ReportFilter]) -> dict[str, Any]:
    return capped_total(_filtered(acting(request), filters))


@router.get("/counts", response=InfoReportCountsOut)
def report_counts(request: HttpRequest) -> dict[str, int]:
    user = acting(request)
    todo = services.box(user, "todo")
    return {
        "todo": todo.count(),
        "sent": services.box(user, "sent").count(),
        "mine": services.box(user, "mine").count(),
        "overdue": todo.filter(is_overdue=True).count(),
    }


def _limit_out(row: InfoLimit) -> dict[str, Any]:
    return {
        "urgency": row.urgency,
        "urgency_label": InfoUrgency(row.urgency).label,
        "hours": row.hours,
        "note": row.note,
    }


@router.get("/limits", response=list[InfoLimitOut])
def list_limits(request: HttpRequest) -> list[dict[str, Any]]:
    """报送时限: hours per urgency (一般 has none)."""
    acting(request)
    rank: dict[str, int] = {InfoUrgency.MAJOR: 0, InfoUrgency.IMPORTANT: 1}
    return [_limit_out(r) for r in sorted(InfoLimit.objects.all(), key=lambda r: rank.get(r.urgency, 9))]


@router.put("/limits/{urgency}", response=InfoLimitOut)
def update_limit(request: HttpRequest, urgency: str, payload: InfoLimitIn) -> dict[str, Any]:
    row = services.update_limit(acting_user=acting(request), urgency=urgency, hours=payload.hours, note=payload.note)
    return _limit_out(row)


@router.get("/lapses", response=InfoLapsePageOut)
def list_lapses(
    request: HttpRequest,
    unit: int | None = None,
    month: date | None = None,
    kind: str | None = None,
    withdrawn: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """迟报/漏报/瞒报 per unit (its subtree) and month."""
    user = acting(request)
    qs = InfoLapse.objects.visible_to(user).select_related("unit", "recorded_by", "report")
    if unit is not None:
        root = get_visible(Unit.objects.all(), user, unit)
        qs = qs.filter(subtree_q([root.path]))
    if month is not None:
        qs = qs.filter(month=check_month(month))
    if kind:
        qs = qs.filter(kind=kind)
    if not withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return {"items": [_lapse_out(x) for x in qs.order_by("-id")[offset : offset + limit]], "count": qs.count()}


@router.post("/lapses", response={201: InfoLapseOut})
def record_lapse(request: HttpRequest, payload: InfoLapseIn) -> Status[dict[str, Any]]:
    lapse = services.record_lapse(
        acting_user=acting(request),
        unit_id=payload.unit_id,
        kind=payload.kind,
        reason=payload.reason,
        month=payload.month,
        report_id=payload.report_id,
        case_id=payload.case_id,
    )
    return Status(201, _lapse_out(lapse))


@router.post("/lapses/{lapse_id}/withdraw", response=InfoLapseOut)
def withdraw_lapse(request: HttpRequest, lapse_id: int, payload: InfoWithdrawIn) -> dict[str, Any]:
    lapse = services.withdraw_lapse(acting_user=acting(request), lapse_id=lapse_id, reason=payload.reason)
    return _lapse_out(lapse)


@router.get("/by-case/{case_id}", response=InfoCaseSourceOut)
def source_of_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The report a case was made from (for the case's page), masked like a list row."""
    user = acting(request)
    get_visible(Case.objects.all(), user, case_id, missing="办件不存在")
    report = (
        services.visible_reports(user).filter(case_id=case_id).select_related("holder_unit", "reporter_unit").first()
    )
    return {"report": _row(report, user) if report else None}


@router.get("/{report_id}", response=InfoReportOut)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """One report with its timeline; opening a 秘密 one is audited."""
    user = acting(request)
    return _detail(services.open_report(user, report_id), user)


@router.post("/{report_id}/screen", response=InfoReportOut)
def screen(request: HttpRequest, report_id: int, payload: InfoScreenIn) -> dict[str, Any]:
    user = acting(request)
    services.screen(
        acting_user=user,
        report_id=report_id,
        verified=payload.verified,
        nature=payload.nature,
        measures=payload.measures,
        version=payload.version,
    )
    return _fresh(user, report_id)


@router.post("/{report_id}/forward", response=InfoReportOut)
def forward(request: HttpRequest, report_id: int, payload: InfoCommentIn) -> dict[str, Any]:
    user = acting(request)
    services.forward(acting_user=user, report_id=report_id, comment=payload.comment, version=payload.version)
    return _fresh(user, report_id)


@router.post("/{report_id}/return", response=InfoReportOut)
def return_down(request: HttpRequest, report_id: int, payload: InfoCommentIn) -> dict[str, Any]:
    user = acting(request)
    services.return_down(acting_user=user, report_id=report_id, comment=payload.comment, version=payload.version)
    return _fresh(user, report_id)


@router.post("/{report_id}/convert", response=InfoReportOut)
def convert(request: HttpRequest, report_id: int, payload: InfoCommentIn) -> dict[str, Any]:
    user = acting(request)
    services.convert(acting_user=user, report_id=report_id, comment=payload.comment, version=payload.version)
    return _fresh(user, report_id)


@router.post("/{report_id}/close", response=InfoReportOut)
def close(request: HttpRequest, report_id: int, payload: InfoCommentIn) -> dict[str, Any]:
    user = acting(request)
    services.close(acting_user=user, report_id=report_id, comment=payload.comment, version=payload.version)
    return _fresh(user, report_id)


@router.post("/{report_id}/follow-ups", response=InfoReportOut)
def follow_up(request: HttpRequest, report_id: int, payload: InfoFollowUpIn) -> dict[str, Any]:
    user = acting(request)
    services.follow_up(
        acting_user=user,
        report_id=report_id,
        comment=payload.comment,
        people_count=payload.people_count,
        attachment_ids=payload.attachment_ids,
    )
    return _fresh(user, report_id)
