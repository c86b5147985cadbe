"""Warnings (预警): issue, acknowledge, report measures, raise or lower, lift; the .docx report."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import TooLarge
from zongzhi.core.pagination import TotalOut, capped_total
from zongzhi.core.scope import get_visible, subtree_q
from zongzhi.units.models import Unit, User

from . import docx
from . import services_reports as reports
from . import services_warnings as services
from .models import (
    DocumentTemplate,
    EarlyWarning,
    RecipientStatus,
    WarningAction,
    WarningDocument,
    WarningLevel,
    WarningLimit,
    WarningRecipient,
    WarningStatus,
)
from .schemas_warnings import (
    WarningCommentIn,
    WarningCountsOut,
    WarningDocumentIn,
    WarningDocumentOut,
    WarningFilter,
    WarningIn,
    WarningLevelIn,
    WarningLiftIn,
    WarningLimitIn,
    WarningLimitOut,
    WarningMeasureIn,
    WarningOut,
    WarningPageOut,
    WarningRecipientOptionsOut,
    WarningRecipientsIn,
    WarningSentIn,
    WarningTemplateOut,
)

router = Router(tags=["预警与信息报送"])


# --- lists ------------------------------------------------------------------------------------


def _overdue_rows(now: Any) -> QuerySet[WarningRecipient]:
    return WarningRecipient.objects.filter(
        status=RecipientStatus.PENDING, warning_status=WarningStatus.ACTIVE, ack_due_at__lt=now
    )


def _box(user: User, box: str) -> QuerySet[EarlyWarning]:
    if box == "pending":
        ids = services.my_recipient_rows(user).filter(
            status=RecipientStatus.PENDING, warning_status=WarningStatus.ACTIVE
        )
        return EarlyWarning.objects.filter(pk__in=ids.values("warning_id"))
    if box == "acknowledged":
        ids = services.my_recipient_rows(user).filter(status=RecipientStatus.ACKNOWLEDGED)
        return EarlyWarning.objects.filter(pk__in=ids.values("warning_id"))
    if box == "sent":
        return EarlyWarning.objects.filter(sender_unit_id=user.unit_id)
    return services.visible_warnings(user)


def _filtered(user: User, f: WarningFilter, *, box: bool = True) -> QuerySet[EarlyWarning]:
    """The warnings the list's filters select; without `box`, the filters other than the tab
    (its visibility is then the caller's to add)."""
    root = get_visible(Unit.objects.all(), user, f.under) if f.under is not None else None
    services.require_reader(user)
    qs = _box(user, f.box) if box else EarlyWarning.objects.all()
    if f.level:
        qs = qs.filter(level=f.level)
    if f.status:
        qs = qs.filter(status=f.status)
    if root is not None:
        below = WarningRecipient.objects.filter(subtree_q([root.path])).values("warning_id")
        qs = qs.filter(subtree_q([root.path]) | Q(pk__in=below))
    if f.overdue:
        qs = qs.filter(pk__in=_overdue_rows(timezone.now()).values("warning_id"))
    if f.since:
        qs = qs.filter(created_at__gte=_day_start(f.since))
    if f.until:
        qs = qs.filter(created_at__lt=_day_start(f.until) + timedelta(days=1))
    if f.q:
        text = f.q.strip()
        qs = qs.filter(Q(title__contains=text) | Q(number=text))
    return qs


def _day_start(day: Any) -> Any:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


ROW_COLUMNS = (
    "id",
    "number",
    "title",
    "level",
    "status",
    "path",
    "sender_unit_id",
    "sender_unit__name",
    "created_at",
    "lifted_at",
)


def _rows(user: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows with their recipients' counts and the caller's own recipient row: one query
    for the page's recipients (a warning has a few), counted here."""
    ids = [r["id"] for r in rows]
    now = timezone.now()
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, tuple[str, Any]] = {}
    recipients = WarningRecipient.objects.filter(warning_id__in=ids).values_list(
        "warning_id", "status", "warning_status", "ack_due_at", "unit_id", "department_id"
    )
    me_of = services.mine(user)
    for wid, status, warning_status, due, unit_id, dept_id in recipients:
        c = counts.setdefault(wid, {"total": 0, "pending": 0, "overdue": 0})
        c["total"] += 1
        if status == RecipientStatus.PENDING:
            c["pending"] += 1
            if warning_status == WarningStatus.ACTIVE and due < now:
                c["overdue"] += 1
        # of several rows of the caller's (a grid worker's two villages), the pending one shows
        if me_of.holds(unit_id, dept_id) and (wid not in mine or status == RecipientStatus.PENDING):
            mine[wid] = (status, due)
    out = []
    for r in rows:
        c = counts.get(r["id"], {})
        me = mine.get(r["id"])
        out.append(
            {
                "id": r["id"],
                "number": r["number"],
                "title": r["title"],
                "level": r["level"],
                "level_label": WarningLevel(r["level"]).label,
                "status": r["status"],
                "status_label": WarningStatus(r["status"]).label,
                "path": r["path"],
                "sender_unit": {"id": r["sender_unit_id"], "name": r["sender_unit__name"]},
                "created_at": r["created_at"],
                "lifted_at": r["lifted_at"],
                "recipients": c.get("total", 0),
                "pending": c.get("pending", 0),
                "overdue": c.get("overdue", 0),
                "my_status": me[0] if me else None,
                "my_ack_due_at": me[1] if me else None,
            }
        )
    return out


def _inbox_ids(user: User, f: WarningFilter) -> list[int] | None:
    """A page of the caller's own 待签收 / 已签收 read from the recipients' inbox index alone
    (unit, department, status, -warning): the warning's level and status are copied on the
    recipient row. None when a filter needs the warning itself (the list's general query)."""
    if f.box not in ("pending", "acknowledged") or f.under or f.overdue or f.since or f.until or f.q:
        return None
    services.require_reader(user)
    rows = services.my_recipient_rows(user).filter(status=f.box)
    if f.box == "pending":
        rows = rows.filter(warning_status=WarningStatus.ACTIVE)
    if f.status:
        rows = rows.filter(warning_status=f.status)
    if f.level:
        rows = rows.filter(level=f.level)
    if f.cursor is not None:
        rows = rows.filter(warning_id__lt=f.cursor)
    return list(rows.order_by("-warning_id").values_list("warning_id", flat=True)[: f.limit + 1])


def _all_ids(user: User, f: WarningFilter) -> list[int]:
    """A page of 全部 as the newest of two pages: the warnings under the caller's view scope,
    and those outside it sent to a recipient inside it (`EXISTS` per row, of the few left).
    One query with `path … OR id IN (recipients …)` hashes every recipient in scope first: a
    county's forty thousand, for twenty rows."""
    base = _filtered(user, f, box=False)
    if f.cursor is not None:
        base = base.filter(pk__lt=f.cursor)
    own = subtree_q(user.view_paths)
    received = WarningRecipient.objects.filter(subtree_q(user.view_paths), warning_id=OuterRef("pk"))
    n = f.limit + 1
    mine = list(base.filter(own).order_by("-id").values_list("id", flat=True)[:n])
    sent_in = list(base.exclude(own).filter(Exists(received)).order_by("-id").values_list("id", flat=True)[:n])
    return sorted({*mine, *sent_in}, reverse=True)[:n]


@router.get("", response=WarningPageOut)
def list_warnings(request: HttpRequest, filters: Query[WarningFilter]) -> dict[str, Any]:
    """待签收 / 已签收 / 我发布的 / 全部, newest first, keyset pages."""
    user = acting(request)
    ids = _inbox_ids(user, filters)
    if ids is not None:
        found = {r["id"]: r for r in EarlyWarning.objects.filter(pk__in=ids).values(*ROW_COLUMNS)}
        rows = [found[i] for i in ids if i in found]
    elif filters.box == "all":
        ids = _all_ids(user, filters)
        found = {r["id"]: r for r in EarlyWarning.objects.filter(pk__in=ids).values(*ROW_COLUMNS)}
        rows = [found[i] for i in ids if i in found]
    else:
        qs = _filtered(user, filters)
        if filters.cursor is not None:
            qs = qs.filter(pk__lt=filters.cursor)
        rows = list(qs.order_by("-id").values(*ROW_COLUMNS)[: filters.limit + 1])
    page = rows[: filters.limit]
    return {
        "items": _rows(user, page),
        "next_cursor": page[-1]["id"] if len(rows) > filters.limit else None,
    }


@router.get("/total", response=TotalOut)
def warning_total(request: HttpRequest, filters: Query[WarningFilter]) -> dict[str, Any]:
    return capped_total(_filtered(acting(request), filters))


@router.get("/counts", response=WarningCountsOut)
def warning_counts(request: HttpRequest) -> dict[str, int]:
    """The tabs' counts, as many as each tab lists: pending and acknowledged of the caller's
    unit or department, sent by their unit, and overdue (the visible warnings with a recipient
    past its limit)."""
    user = acting(request)
    services.require_reader(user)
    overdue = services.visible_warnings(user).filter(pk__in=_overdue_rows(timezone.now()).values("warning_id"))
    return {
        "pending": _box(user, "pending").count(),
        "acknowledged": _box(user, "acknowledged").count(),
        "sent": _box(user, "sent").count(),
        "overdue": overdue.count(),
    }


# --- settings, template, options --------------------------------------------------------------


def _limits() -> list[dict[str, Any]]:
    hours = services.ack_hours()
    return [
        {
            "level": level,
            "level_label": WarningLevel(level).label,
            "ack_hours": hours[level],
            "help": services.LEVEL_HELP[WarningLevel(level)],
        }
        for level in WarningLevel.values
    ]


@router.get("/limits", response=list[WarningLimitOut])
def limits(request: HttpRequest) -> list[dict[str, Any]]:
    """Hours to acknowledge per level, with seed 001's definition of each level."""
    return _limits()


@router.put("/limits/{level}", response=list[WarningLimitOut])
def update_limit(request: HttpRequest, level: WarningLevel, payload: WarningLimitIn) -> list[dict[str, Any]]:
    services.update_limit(acting_user=acting(request), level=level, hours=payload.ack_hours)
    return _limits()


@router.get("/recipient-options", response=WarningRecipientOptionsOut)
def recipient_options(request: HttpRequest) -> dict[str, Any]:
    """What the new-warning form offers: units below the caller's in their scope (not grids),
    the departments of units in their scope, and the levels."""
    user = acting(request)
    require_cap(user, "alerts.warn", "没有发布预警的权限")
    units = services.recipient_units(user).order_by("path").values("id", "name", "level", "path", "parent_id")
    depts = (
        services.recipient_departments(user).order_by("unit__path", "id").values("id", "name", "unit_id", "unit__name")
    )
    return {
        "units": list(units[:2000]),
        "departments": [
            {"id": d["id"], "name": d["name"], "unit_id": d["unit_id"], "unit_name": d["unit__name"]} for d in depts
        ],
        "levels": _limits(),
    }


def _template_out() -> dict[str, Any]:
    row = DocumentTemplate.objects.filter(code=docx.TEMPLATE_CODE).select_related("uploaded_by").first()
    return {
        "code": docx.TEMPLATE_CODE,
        "name": row.name if row else "预警报告",
        "custom": bool(row and row.file),
        "uploaded_by": row.uploaded_by.full_name if row and row.uploaded_by else None,
        "uploaded_at": row.uploaded_at if row else None,
    }


@router.get("/template", response=WarningTemplateOut)
def template_info(request: HttpRequest) -> dict[str, Any]:
    require_cap(acting(request), "alerts.configure", "没有管理文书模板的权限")
    return _template_out()


@router.get("/template/file")
def template_file(request: HttpRequest) -> HttpResponse:
    """The template in use (the uploaded replacement, else the shipped default)."""
    require_cap(acting(request), "alerts.configure", "没有管理文书模板的权限")
    data, _row = docx.current_template()
    return _docx_response(data, "warning-report-template.docx")


@router.post("/template", response=WarningTemplateOut)
def upload_template(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = acting(request)
    require_cap(user, "alerts.configure", "没有管理文书模板的权限")
    if file.size and file.size > docx.MAX_TEMPLATE_BYTES:
        raise TooLarge("模板文件不能超过5MB", code="template_too_large")
    docx.upload_template(acting_user=user, name=file.name or "", data=file.read())
    return _template_out()


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=docx.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/documents/{document_id}/file")
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    data, doc = docx.download(acting_user=acting(request), document_id=document_id)
    return _docx_response(data, f"warning-report-{doc.warning_id}-{doc.pk}.docx")


@router.post("/documents/{document_id}/sent", response=WarningDocumentOut)
def document_sent(request: HttpRequest, document_id: int, payload: WarningSentIn) -> dict[str, Any]:
    doc = docx.mark_sent(
        acting_user=acting(request), document_id=document_id, sent_to=payload.sent_to, sent_at=payload.sent_at
    )
    return _document_out(doc)


# --- one warning ------------------------------------------------------------------------------


def _document_out(d: WarningDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "generated_at": d.generated_at,
        "generated_by": d.generated_by.full_name,
        "sha256": d.sha256,
        "sent_to": d.sent_to,
        "sent_at": d.sent_at,
        "url": f"/api/alerts/warnings/documents/{d.pk}/file",
    }


def _allowed(user: User, w: EarlyWarning, mine: WarningRecipient | None) -> list[str]:
    out = []
    active = w.status == WarningStatus.ACTIVE
    if mine is not None and active and user.has_cap("alerts.report"):
        out.append("acknowledge" if mine.status == RecipientStatus.PENDING else "measure")
    if services.is_sender(user, w):
        if active:
            out += ["change_level", "add_recipients", "remind", "lift"]
        out.append("document")
    return out


def _subject_label(user: User, w: EarlyWarning) -> str:
    """The linked record's label, except a 秘密 report's for a reader without `alerts.secret`
    (the village's grid workers read their village's warnings: the sender may have linked what
    only the village's cleared staff may read)."""
    if w.report_id is not None and w.report is not None and reports.masked(user, w.report):
        return "秘密信息（无权查看）"
    return w.subject_label


def _detail(user: User, w: EarlyWarning) -> dict[str, Any]:
    now = timezone.now()
    recipients = list(
        WarningRecipient.objects.filter(warning=w).select_related("unit", "department", "acknowledged_by")
    )
    me_of = services.mine(user)
    own = [r for r in recipients if me_of.holds(r.unit_id, r.department_id)]
    mine = next((r for r in own if r.status == RecipientStatus.PENDING), own[0] if own else None)
    names = {r.pk: (r.department.name if r.department else r.unit.name) for r in recipients}
    actions = WarningAction.objects.filter(warning=w).select_related("actor_user", "actor_unit", "actor_department")
    docs = WarningDocument.objects.filter(warning=w).select_related("generated_by")
    rows = _rows(user, [{c: getattr(w, c) if "__" not in c else w.sender_unit.name for c in ROW_COLUMNS}])[0]
    rows.update(
        {
            "body": w.body,
            "subject_type": w.subject_type,
            "subject_id": w.subject_id,
            "subject_label": _subject_label(user, w),
            "report_id": w.report_id,
            "addressee": w.addressee or docx.default_addressee(w),
            "sender_user": w.sender_user.full_name,
            "lift_note": w.lift_note,
            "version": w.version,
            "level_help": services.LEVEL_HELP[WarningLevel(w.level)],
            "recipient_list": [
                {
                    "id": r.pk,
                    "unit": {"id": r.unit_id, "name": r.unit.name},
                    "department": {"id": r.department_id, "name": r.department.name} if r.department else None,
                    "name": names[r.pk],
                    "status": r.status,
                    "status_label": RecipientStatus(r.status).label,
                    "ack_due_at": r.ack_due_at,
                    "acknowledged_at": r.acknowledged_at,
                    "acknowledged_by": r.acknowledged_by.full_name if r.acknowledged_by else None,
                    "escalated_at": r.escalated_at,
                    "overdue": (
                        r.status == RecipientStatus.PENDING and w.status == WarningStatus.ACTIVE and r.ack_due_at < now
                    ),
                    "measures_count": r.measures_count,
                    "last_measure_at": r.last_measure_at,
                }
                for r in recipients
            ],
            "timeline": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "kind_label": WarningAction.Kind(a.kind).label,
                    "actor_name": a.actor_user.full_name if a.actor_user else "系统",
                    "actor_unit": (
                        a.actor_department.name if a.actor_department else a.actor_unit.name if a.actor_unit else None
                    ),
                    "recipient": names.get(a.recipient_id) if a.recipient_id else None,
                    "from_level": a.from_level,
                    "to_level": a.to_level,
                    "comment": a.comment,
                    "created_at": a.created_at,
                }
                for a in actions
            ],
            "documents": [_document_out(d) for d in docs],
            "allowed_actions": _allowed(user, w, mine),
        }
    )
    return rows


def _get(user: User, warning_id: int) -> EarlyWarning:
    w = services.get_warning(user, warning_id)
    full: EarlyWarning = EarlyWarning.objects.select_related("sender_unit__parent", "sender_user").get(pk=w.pk)
    return full


@router.post("", response={201: WarningOut})
def issue(request: HttpRequest, payload: WarningIn) -> Status[dict[str, Any]]:
    """Send a warning (红/黄/蓝) to units and departments below the caller's unit."""
    user = acting(request)
    data = services.NewWarning(
        title=payload.title,
        body=payload.body,
        level=payload.level,
        unit_ids=payload.unit_ids,
        department_ids=payload.department_ids,
        subject=services.Subject(payload.subject_type, payload.subject_id),
        addressee=payload.addressee,
    )
    w = services.issue_warning(acting_user=user, data=data)
    return Status(201, _detail(user, _get(user, w.pk)))


@router.get("/{warning_id}", response=WarningOut)
def get_warning(request: HttpRequest, warning_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/acknowledge", response=WarningOut)
def acknowledge(request: HttpRequest, warning_id: int, payload: WarningCommentIn) -> dict[str, Any]:
    """签收, by the recipient unit or department (once)."""
    user = acting(request)
    services.acknowledge(acting_user=user, warning_id=warning_id, comment=payload.comment)
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/measures", response=WarningOut)
def report_measure(request: HttpRequest, warning_id: int, payload: WarningMeasureIn) -> dict[str, Any]:
    """落实情况, by a recipient that has acknowledged; repeatable until lifted."""
    user = acting(request)
    services.report_measure(acting_user=user, warning_id=warning_id, text=payload.text)
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/level", response=WarningOut)
def change_level(request: HttpRequest, warning_id: int, payload: WarningLevelIn) -> dict[str, Any]:
    user = acting(request)
    services.change_level(
        acting_user=user, warning_id=warning_id, level=payload.level, comment=payload.comment, version=payload.version
    )
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/recipients", response=WarningOut)
def add_recipients(request: HttpRequest, warning_id: int, payload: WarningRecipientsIn) -> dict[str, Any]:
    user = acting(request)
    services.add_recipients(
        acting_user=user, warning_id=warning_id, unit_ids=payload.unit_ids, department_ids=payload.department_ids
    )
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/remind", response=WarningOut)
def remind(request: HttpRequest, warning_id: int, payload: WarningCommentIn) -> dict[str, Any]:
    """催办 the recipients still to acknowledge."""
    user = acting(request)
    services.remind(acting_user=user, warning_id=warning_id, comment=payload.comment)
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/lift", response=WarningOut)
def lift(request: HttpRequest, warning_id: int, payload: WarningLiftIn) -> dict[str, Any]:
    user = acting(request)
    services.lift(acting_user=user, warning_id=warning_id, note=payload.note, version=payload.version)
    return _detail(user, _get(user, warning_id))


@router.post("/{warning_id}/documents", response={201: WarningDocumentOut})
def generate_document(request: HttpRequest, warning_id: int, payload: WarningDocumentIn) -> Status[dict[str, Any]]:
    """Make the 预警报告 (.docx) from the current template."""
    doc = docx.generate(acting_user=acting(request), warning_id=warning_id, addressee=payload.addressee)
    return Status(201, _document_out(WarningDocument.objects.select_related("generated_by").get(pk=doc.pk)))


__all__ = ["WarningLimit", "router"]
