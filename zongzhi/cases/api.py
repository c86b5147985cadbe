"""REST endpoints of the case engine."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zongzhi.alerts import services_reports as info_reports
from zongzhi.alerts.models import InfoAttachment
from zongzhi.assess.models import HandScoreFile
from zongzhi.assess.services_evidence import check_visible as evidence_check_visible
from zongzhi.audit.services import record_event
from zongzhi.core.access import acting
from zongzhi.core.errors import AuditNote, NotFound
from zongzhi.core.months import parse_month
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible, subtree_q, unit_in_view
from zongzhi.office.attachments import check_visible as office_check_visible
from zongzhi.office.models import OfficeAttachment
from zongzhi.places.models import Facility, InspectionPhoto
from zongzhi.units.models import PATH_LENGTH, Department, Unit, User

from . import actions, services, stats
from .attachments import store_upload
from .models import OPEN_STATUSES, Attachment, Case, CaseAction, DeadlineRule, Kind
from .models import Status as CaseStatus
from .schemas import (
    ActionIn,
    AttachmentOut,
    Box,
    CaseCountsOut,
    CaseCreatedOut,
    CaseCreateIn,
    CaseListOut,
    CaseOut,
    CasePageOut,
    DeadlineRuleIn,
    DeadlineRuleOut,
    MonthlyStatsOut,
)

router = Router(tags=["事件办理"])

RUNNING = [CaseStatus.PENDING, CaseStatus.IN_PROGRESS]


def _list_columns() -> list[str]:
    """The list query's columns, from the fields of its answer (`CaseListOut`): its own columns,
    and the joined values its names are made of. A page reads these values, not 20 cases with
    their four units and departments (half the time of a page, which is all Python)."""
    joined, derived = CaseListOut.JOINED, CaseListOut.LABELS
    own = [name for name in CaseListOut.model_fields if name not in joined and name not in derived]
    return own + [path for paths in joined.values() for path in paths]


LIST_COLUMNS = _list_columns()


def _follow(obj: Any, path: str) -> Any:
    for name in path.split("__"):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


def _list_row(case: Case) -> dict[str, Any]:
    """The same values from a loaded case (its holder and initiator loaded with it): no query."""
    return {column: _follow(case, column) for column in LIST_COLUMNS}


def _base(user: User) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .select_related("holder_unit", "holder_department", "initiator_unit", "initiator_department")
        .defer("holder_unit__boundary", "initiator_unit__boundary")
    )


def _get_case(user: User, case_id: int) -> Case:
    """The case if the user may see it (`CaseQuerySet.visible_to`), else 404 (audited when it
    exists): one query."""
    joined = Case.objects.select_related(
        "holder_unit", "holder_department__unit", "initiator_unit", "initiator_department"
    )
    case: Case = get_visible(joined, user, case_id, missing="办件不存在")
    return case


def _detail(case: Case, user: User) -> dict[str, Any]:
    row = _list_row(case)
    prefixes = [case.path[:n] for n in PATH_LENGTH.values() if n <= len(case.path)]
    timeline = CaseAction.objects.filter(case=case).select_related(
        "actor_unit", "actor_department", "to_unit", "to_department"
    )
    attachments = list(Attachment.objects.filter(case=case))
    by_action: dict[int, list[int]] = {}
    for a in attachments:
        if a.action_id:
            by_action.setdefault(a.action_id, []).append(a.pk)
    row.update(
        {
            "description": case.description,
            "occurred_at": case.occurred_at,
            "people_count": case.people_count,
            "parties": case.parties,
            "details": case.details,
            "latitude": case.latitude,
            "longitude": case.longitude,
            "address": case.address,
            "result": case.result,
            "satisfaction": case.satisfaction,
            "extension_days": case.extension_days,
            "extension_granted_days": case.extension_granted_days,
            "final_due_at": case.final_due_at,
            "place": list(Unit.objects.filter(path__in=prefixes).order_by("path")),
            "attachments": [_attachment_out(a) for a in attachments],
            "timeline": [
                {
                    "id": a.pk,
                    "action": a.action,
                    "action_label": actions.ACTION_LABELS.get(a.action, a.action),
                    "actor_name": a.actor_name,
                    # a department's officer acts for the department (浦口公安分局), not its unit
                    "actor_unit": (
                        a.actor_department.name if a.actor_department else a.actor_unit.name if a.actor_unit else None
                    ),
                    "from_status": a.from_status,
                    "to_status": a.to_status,
                    "to_holder": (a.to_department.name if a.to_department else a.to_unit.name if a.to_unit else None),
                    "comment": a.comment,
                    "data": a.data,
                    "attachment_ids": by_action.get(a.pk, []),
                    "created_at": a.created_at,
                }
                for a in timeline
            ],
            "allowed_actions": actions.allowed_actions(case, user),
        }
    )
    return row


def _target(user: User, unit_id: int | None, department_id: int | None) -> tuple[Unit | None, Department | None]:
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    dept = Department.objects.select_related("unit").filter(pk=department_id).first() if department_id else None
    if unit_id is not None and unit is None:
        raise NotFound("承办单位不存在")
    if department_id is not None and dept is None:
        raise NotFound("成员单位不存在")
    return unit, dept


@router.post("", response={200: CaseCreatedOut, 201: CaseCreatedOut})
def create_case(request: HttpRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    """Report an event (also from the phone's offline queue: same client_id, one case)."""
    user = acting(request)
    unit, dept = _target(user, payload.target_unit_id, payload.target_department_id)
    data = services.NewCase(
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        category_code=payload.category_code,
        occurred_at=payload.occurred_at,
        people_count=payload.people_count,
        parties=[p.dict() for p in payload.parties],
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        urgency=payload.urgency,
        is_major=payload.is_major,
        target_unit=unit,
        target_department=dept,
        due_date=payload.due_date,
        details=payload.details,
        client_id=payload.client_id,
        attachment_ids=payload.attachment_ids,
    )
    case, created = services.create_case(acting_user=user, data=data)
    if not created:  # a resubmitted report: the case as it stands now
        case = _get_case(user, case.pk)
    row = _list_row(case)
    row.update(
        occurred_at=case.occurred_at,
        people_count=case.people_count,
        allowed_actions=actions.allowed_actions(case, user),
    )
    return Status(201 if created else 200, {"created": created, "case": row})


class CaseFilter(Schema):
    box: Box = "todo"
    kind: Kind | None = None
    category: str | None = None
    status: CaseStatus | None = None
    under: int | None = None
    since: date | None = None
    until: date | None = None
    supervision: int | None = None
    # The statistics pages' click-throughs (stats/api.py): reported (not cancelled), open or resolved cases, cases with an
    # overdue card (1 any, 2 yellow, 3 red), where a case came from (stats.rollups.SOURCE_LABELS).
    state: Literal["reported", "open", "resolved"] | None = None
    overdue: int | None = None
    source: Literal["grid", "village", "township", "county", "department"] | None = None
    q: str | None = None
    cursor: int | None = None
    limit: int = 20


def _box(qs: QuerySet[Case], user: User, box: str) -> QuerySet[Case]:
    if box == "todo":
        held: QuerySet[Case] = qs.held_by(user).open()  # type: ignore[attr-defined]
        return held
    if box == "done":
        actor = (
            Q(actor_department_id=user.department_id)
            if user.department_id
            else Q(actor_unit_id=user.unit_id, actor_department__isnull=True)
        )
        acted = CaseAction.objects.filter(actor, actor__isnull=False).values("case_id")
        return qs.filter(pk__in=acted).exclude(pk__in=Case.objects.held_by(user).open().values("pk"))
    if box == "mine":
        if user.department_id:
            return qs.filter(initiator_department_id=user.department_id)
        return qs.filter(initiator_unit_id=user.unit_id, initiator_department__isnull=True)
    if box == "supervised":
        return qs.filter(supervision__gt=0).exclude(status__in=[CaseStatus.ARCHIVED, CaseStatus.CANCELLED])
    if box == "overdue":
        return qs.filter(overdue_level__gt=0, status__in=RUNNING)
    return qs


def _filtered(user: User, filters: CaseFilter) -> QuerySet[Case]:
    """The cases a list's filters select (its box, kind, category, place, dates, text)."""
    qs = _box(_base(user), user, filters.box)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category_code__startswith=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.under is not None:
        root = get_visible(Unit.objects.all(), user, filters.under)
        qs = qs.filter(subtree_q([root.path]))
    if filters.since:
        qs = qs.filter(created_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__date__lte=filters.until)
    if filters.supervision is not None:
        qs = qs.filter(supervision=filters.supervision)
    if filters.state == "reported":  # what the statistics count: all but the cancelled
        qs = qs.exclude(status=CaseStatus.CANCELLED)
    elif filters.state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.state == "resolved":
        qs = qs.filter(status__in=[CaseStatus.COMPLETED, CaseStatus.ARCHIVED])
    if filters.overdue is not None:
        qs = qs.filter(overdue_level__gt=0) if filters.overdue == 1 else qs.filter(overdue_level=filters.overdue)
    if filters.source == "department":
        qs = qs.filter(initiator_department__isnull=False)
    elif filters.source == "county":
        qs = qs.filter(initiator_department__isnull=True).exclude(
            initiator_unit__level__in=["grid", "village", "township"]
        )
    elif filters.source:
        qs = qs.filter(initiator_department__isnull=True, initiator_unit__level=filters.source)
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(Q(title__contains=text) | Q(number=text))
    return qs


@router.get("", response=CasePageOut)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """The lists users live in (待办/已办/我发起的/督办/超期/全部), newest first, keyset pages."""
    qs = _filtered(acting(request), filters)
    if filters.cursor is not None:
        qs = qs.filter(pk__lt=filters.cursor)
    limit = max(1, min(filters.limit, 100))
    rows = list(qs.order_by("-id").values(*LIST_COLUMNS)[: limit + 1])
    return {
        "items": rows[:limit],
        "next_cursor": rows[limit - 1]["id"] if len(rows) > limit else None,
    }


@router.get("/total", response=TotalOut)
def case_total(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """How many cases the list's filters select (up to 1000: 共 N 条 or 1000 条以上)."""
    return capped_total(_filtered(acting(request), filters))


@router.get("/counts", response=CaseCountsOut)
def case_counts(request: HttpRequest) -> dict[str, int]:
    user = acting(request)
    base = Case.objects.visible_to(user)
    return {box: _box(base, user, box).count() for box in ("todo", "done", "mine", "supervised", "overdue")}


def _stats(request: HttpRequest, unit: int | None, month: str | None) -> dict[str, Any]:
    user = acting(request)
    root = unit_in_view(Unit.objects.all(), user, unit, "records.read", "没有查看统计数据的权限")
    return stats.monthly(root, parse_month(month))


@router.get("/stats", response=MonthlyStatsOut)
def monthly_stats(request: HttpRequest, unit: int | None = None, month: str | None = None) -> dict[str, Any]:
    """One unit's monthly statistics (its whole subtree)."""
    return _stats(request, unit, month)


@router.get("/stats/export")
def monthly_stats_export(request: HttpRequest, unit: int | None = None, month: str | None = None) -> HttpResponse:
    data = _stats(request, unit, month)
    record_event("cases.stats_exported", obj=data["unit"], detail={"month": data["month"]})
    response = HttpResponse(
        stats.to_excel(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="case-stats-{data["unit"].code}-{data["month"]}.xlsx"'
    return response


def _rule_out(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "kind_label": rule.get_kind_display(),
        "category_prefix": rule.category_prefix,
        "urgency": rule.urgency,
        "stage": rule.stage,
        "stage_label": rule.get_stage_display(),
        "amount": rule.amount,
        "measure": rule.measure,
        "measure_label": rule.get_measure_display(),
        "note": rule.note,
    }


@router.get("/deadline-rules", response=list[DeadlineRuleOut])
def deadline_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """How long holders have, per kind, category and urgency (办理时限规则)."""
    return [_rule_out(r) for r in DeadlineRule.objects.order_by("kind", "stage", "category_prefix", "urgency")]


@router.patch("/deadline-rules/{rule_id}", response=DeadlineRuleOut)
def update_deadline_rule(request: HttpRequest, rule_id: int, payload: DeadlineRuleIn) -> dict[str, Any]:
    rule = services.update_deadline_rule(
        acting_user=acting(request), rule_id=rule_id, amount=payload.amount, measure=payload.measure, note=payload.note
    )
    return _rule_out(rule)


@router.get("/{case_id}", response=CaseOut)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(_get_case(user, case_id), user)


@router.post("/{case_id}/actions/{action}", response=CaseOut)
def act(request: HttpRequest, case_id: int, action: str, payload: ActionIn) -> dict[str, Any]:
    """Do one of the case's `allowed_actions`. A stale `version` gets 409 案件已被他人处理."""
    user = acting(request)
    _get_case(user, case_id)
    unit, dept = _target(user, payload.target_unit_id, payload.target_department_id)
    inp = actions.ActionInput(
        comment=payload.comment,
        target_unit=unit,
        target_department=dept,
        days=payload.days,
        level=payload.level,
        satisfaction=payload.satisfaction,
        result=payload.result,
        attachment_ids=payload.attachment_ids,
    )
    case = actions.act(acting_user=user, case_id=case_id, action=action, version=payload.version, inp=inp)
    return _detail(_get_case(user, case.pk), user)


def _attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "width": a.width,
        "height": a.height,
        "position": a.position,
        "url": f"/api/attachments/{a.pk}/file",
        "thumbnail_url": f"/api/attachments/{a.pk}/thumbnail" if a.thumbnail else None,
        "action_id": a.action_id,
    }


attachments_router = Router(tags=["事件办理"])


@attachments_router.post("", response={201: AttachmentOut})
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Upload one photo or short video; name its id in a report or action to attach it."""
    return Status(201, _attachment_out(store_upload(acting_user=acting(request), upload=file)))


def _visible_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    user = acting(request)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在")
    info_use = InfoAttachment.objects.filter(attachment=attachment).values_list("report_id", flat=True).first()
    office_use = OfficeAttachment.objects.filter(attachment=attachment).first()
    inspection_use = InspectionPhoto.objects.filter(attachment=attachment).values_list(
        "inspection__facility_id", flat=True
    )
    facility_id = inspection_use.first()
    assess_use = HandScoreFile.objects.filter(attachment=attachment).first()
    if assess_use is not None:  # evidence of a hand score follows the assessed unit's score sheet
        evidence_check_visible(user, assess_use)
    elif facility_id is not None:  # a photo of a facility's inspection follows the facility's visibility
        get_visible(Facility.objects.all(), user, facility_id, "records.read", "没有查看治安设施的权限")
    elif office_use is not None:  # a file of an office record follows the record's visibility
        office_check_visible(user, office_use)
    elif info_use is not None:  # a photo of an information report follows the report's visibility
        info_reports.get_report(user, info_use)
    elif attachment.case_id is None:
        if attachment.uploaded_by_id != user.pk:
            raise NotFound("附件不存在", audit=AuditNote("scope.denied", attachment, {"mode": "read"}))
    else:
        _get_case(user, attachment.case_id)
    return attachment


def _serve(field: Any, content_type: str, download_name: str = "") -> FileResponse:
    """Photos and videos open in the page; documents (PDF, Word, Excel) download under their name."""
    response = FileResponse(
        field.open("rb"), content_type=content_type, as_attachment=bool(download_name), filename=download_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if not download_name:
        response["Content-Disposition"] = "inline"
    return response


@attachments_router.get("/{attachment_id}/file")
def attachment_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    a = _visible_attachment(request, attachment_id)
    return _serve(a.file, a.content_type, a.name if a.kind == Attachment.FileKind.DOCUMENT else "")


@attachments_router.get("/{attachment_id}/thumbnail")
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> FileResponse:
    a = _visible_attachment(request, attachment_id)
    if not a.thumbnail:
        raise NotFound("该附件没有缩略图")
    return _serve(a.thumbnail, "image/jpeg")
