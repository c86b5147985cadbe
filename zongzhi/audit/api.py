"""The auditor's search and export of the audit log."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

import io
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate
from openpyxl import Workbook

from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.core.pagination import LimitOffset
from zongzhi.core.scope import subtree_q
from zongzhi.units.models import Unit, User

from .chain import Verdict, id_range, verify
from .labels import describe
from .models import AuditLog
from .schemas import AuditFilter, AuditOut, AuditVerifyIn, AuditVerifyOut
from .services import action_label, record_event

router = Router(tags=["审计日志"])

EXPORT_LIMIT = 100_000


def _filtered(filters: AuditFilter, auditor: User) -> QuerySet[AuditLog]:
    # An auditor reads what happened in their own view scope, and entries that belong to no
    # unit (failed logins with unknown user names, system work).
    qs = AuditLog.objects.filter(
        subtree_q(auditor.view_paths, "object_path")
        | subtree_q(auditor.view_paths, "actor_path")
        | Q(object_path="", actor_path="")
    )
    if filters.since:
        qs = qs.filter(at__gte=filters.since)
    if filters.until:
        qs = qs.filter(at__lt=filters.until)
    if filters.username:
        qs = qs.filter(username=filters.username.strip())
    if filters.unit:
        unit = filters.unit.strip()
        if not unit.isdigit():
            raise InvalidInput.field("unit", "辖区应填写区划代码或其前缀", code="invalid_input")
        # A full administrative code (320111003000) means that unit's subtree (path 320111003).
        known = Unit.objects.filter(code=unit).values_list("path", flat=True).first()
        unit = known or unit
        qs = qs.filter(subtree_q([unit], "object_path") | subtree_q([unit], "actor_path"))
    if filters.action:
        qs = qs.filter(Q(action=filters.action) | Q(action__startswith=filters.action.rstrip(".") + "."))
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.layer:
        qs = qs.filter(layer=filters.layer)
    return qs.order_by("-at", "-id")


class AuditPages(LimitOffset):
    """Limit/offset pages whose entries are named in Chinese (`labels.describe`): the page's
    units from the name cache, its objects in one query per kind that names its own."""

    def paginate_queryset(  # type: ignore[override]  # as LimitOffset's
        self, queryset: QuerySet[Any], pagination: LimitOffset.Input, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = describe(page["items"])
        return page


@router.get("", response=list[AuditOut])
@paginate(AuditPages)
def search(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditLog]:
    auditor = acting(request)
    require_cap(auditor, "audit.read")
    return _filtered(filters, auditor)


@router.get("/export")
def export(request: HttpRequest, filters: Query[AuditFilter]) -> HttpResponse:
    """Excel export of what the search finds (at most 100,000 rows); the export is audited."""
    auditor = acting(request)
    require_cap(auditor, "audit.export")
    qs = _filtered(filters, auditor)
    total = qs.count()
    if total > EXPORT_LIMIT:
        raise InvalidInput(
            f"符合条件的记录有{total}条，超过单次导出上限{EXPORT_LIMIT}条，请缩小时间范围", code="export_too_large"
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(
        [
            "时间",
            "类别",
            "操作",
            "用户",
            "操作人辖区",
            "对象类型",
            "对象ID",
            "对象",
            "对象辖区",
            "IP",
            "请求ID",
            "字段变更",
            "详情",
        ]
    )
    tz = timezone.get_current_timezone()
    for row in qs.iterator(chunk_size=2000):
        ws.append(
            [
                row.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                row.get_layer_display(),
                action_label(row.action),
                row.username,
                row.actor_path,
                row.object_type,
                row.object_id,
                row.object_repr,
                row.object_path,
                row.ip or "",
                row.request_id,
                _json(row.changes),
                _json(row.detail),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    record_event("audit.export", detail={"rows": total, "filters": filters.dict(exclude_none=True)})
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.now().astimezone(tz).strftime("%Y%m%d%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


@router.post("/verify", response=AuditVerifyOut)
def verify_chain(request: HttpRequest, payload: AuditVerifyIn) -> dict[str, Any]:
    """完整性校验: recompute the audit chain over a range and name the first broken link.

    The whole log, not the auditor's view scope: a break names only an entry's id, time and
    kind. Reads the range in chunks (audit/chain.py). Each verification is audited."""
    auditor = acting(request)
    require_cap(auditor, "audit.read")
    if payload.from_id and payload.to_id and payload.from_id > payload.to_id:
        raise InvalidInput.field("to_id", "结束编号不能小于起始编号", code="invalid_range")
    if payload.since and payload.until and payload.since >= payload.until:
        raise InvalidInput.field("until", "结束时间应晚于开始时间", code="invalid_range")
    from_id, to_id = payload.from_id, payload.to_id
    empty = False
    if payload.since or payload.until:
        ids = id_range(payload.since, payload.until)
        if ids is None:
            empty = True
        else:
            from_id = max(from_id or ids[0], ids[0])
            to_id = min(to_id or ids[1], ids[1])
            empty = from_id > to_id
    verdict = Verdict(from_id=from_id, to_id=to_id) if empty else verify(from_id, to_id)
    broken = verdict.broken
    record_event(
        "audit.verified",
        detail={
            "range": payload.dict(exclude_none=True),
            "checked": verdict.checked,
            "ok": verdict.ok,
            **({"broken_id": broken.entry_id, "kind": broken.kind} if broken else {}),
        },
    )
    return {
        "ok": verdict.ok,
        "from_id": verdict.from_id,
        "to_id": verdict.to_id,
        "checked": verdict.checked,
        "purged": verdict.purged,
        "unsealed": verdict.unsealed,
        "sealed_to": verdict.sealed_to,
        "broken": (
            {
                "kind": broken.kind,
                "kind_label": broken.kind_label,
                "entry_id": broken.entry_id,
                "at": broken.at,
                "message": broken.message,
            }
            if broken
            else None
        ),
    }


def _json(value: Any) -> str:
    import json

    if not value:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    # A cell starting with = + - @ would be read by Excel as a formula.
    return "'" + text if text[:1] in "=+-@" else text
