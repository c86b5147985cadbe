"""Export of personal data to Excel, only with the approval of the unit above (DESIGN.md,
"Personal information"): ask, approve or refuse, a watermarked file for a limited time, every
step audited. ID numbers and phones stay masked unless the request asks for them in full and
the approver agrees to exactly that.

A comparison's residents missing from the compared file (系统有、文件无) are such an export
too (kind `compare_missing`, tied to the comparison): the comparison's report gives their count
only, and their list goes through the same approval, watermark, time limit and audit.

The files are stored sealed (`sealed_files`) and opened only for the requester's download.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import crypto
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.people.models import PersonCategory, Resident, ResidentKind
from zongzhi.transfers.models import ExportRequest, ImportJob
from zongzhi.units.lookup import unit_names
from zongzhi.units.models import Unit, User

from . import sealed_files

logger = logging.getLogger(__name__)

COMPARE_MISSING = "compare_missing"
KINDS = {
    "residents": "实有人口",
    "key_persons": "重点人员",
    "care": "关怀对象",
    COMPARE_MISSING: "比对名单（系统有、文件无）",
}
SENSITIVE_KINDS = frozenset({"key_persons", "care"})  # need records.sensitive
MAX_ROWS = 1_000_000


def download_hours() -> int:
    return int(getattr(settings, "EXPORT_DOWNLOAD_HOURS", 24))


def _approver_unit(user: User) -> Unit:
    unit = user.unit
    if unit is None or unit.parent_id is None:
        raise InvalidInput("没有上级单位审批导出申请", code="no_parent")
    parent: Unit = unit.parent  # type: ignore[assignment]
    return parent


def request_export(
    *,
    acting_user: User,
    unit: Unit,
    kind: str,
    reason: str,
    resident_kind: str = "",
    full: bool = False,
    import_job: ImportJob | None = None,
) -> ExportRequest:
    """Ask the unit above for an export of `unit`'s records (for compare_missing: of the
    residents `import_job` found missing from its file, see request_missing_list)."""
    if kind not in KINDS or (kind == COMPARE_MISSING) != (import_job is not None):
        raise InvalidInput.field("kind", "导出类别不正确", code="invalid_input")
    if not acting_user.has_cap("records.read"):
        raise Forbidden(
            "没有导出实有人口的权限", audit=AuditNote("permission.denied", None, {"capability": "records.read"})
        )
    if kind in SENSITIVE_KINDS and not acting_user.has_cap("records.sensitive"):
        raise Forbidden(
            "没有导出重点人员和关怀对象的权限",
            audit=AuditNote("permission.denied", None, {"capability": "records.sensitive"}),
        )
    if not path_within(unit.path, acting_user.view_paths):
        raise NotFound(audit=AuditNote("scope.denied", unit, {"mode": "export"}))
    if full and not acting_user.has_cap("pii.unmask"):
        raise Forbidden(
            "没有查看完整身份证号和手机号的权限，不能申请导出完整号码",
            audit=AuditNote("permission.denied", unit, {"capability": "pii.unmask", "export": "full"}),
        )
    reason = (reason or "").strip()
    if not 4 <= len(reason) <= 200:
        raise InvalidInput.field("reason", "请写明导出用途（4-200字）", code="required")
    if resident_kind and resident_kind not in ResidentKind.values:
        raise InvalidInput.field("resident_kind", "人口类别不正确", code="invalid_input")
    approver = _approver_unit(acting_user)
    detail: dict[str, Any] = {"kind": kind, "unit": unit.code, "full": full, "reason": reason}
    with transaction.atomic():
        if import_job is not None:
            _check_comparison(acting_user, import_job)
            detail |= {"import_job": import_job.pk, "file": import_job.filename, "missing": _missing(import_job)}
        req = ExportRequest.objects.create(
            path=unit.path,
            kind=kind,
            filters={"resident_kind": resident_kind} if resident_kind else {},
            full_id_numbers=full,
            reason=reason,
            requested_by=acting_user,
            approver_path=approver.path,
            import_job=import_job,
        )
        record_event("export.requested", obj=req, detail=detail)
    _tell_approvers(req, acting_user, unit)
    return req


def request_missing_list(*, acting_user: User, job: ImportJob, reason: str, full: bool = False) -> ExportRequest:
    """Ask for the list of the residents a comparison found registered under its unit but not
    in the file: an export of that unit like any other, tied to the comparison."""
    unit = Unit.objects.filter(path=job.path).first()
    if unit is None:
        raise NotFound()
    return request_export(
        acting_user=acting_user, unit=unit, kind=COMPARE_MISSING, reason=reason, full=full, import_job=job
    )


def _missing(job: ImportJob) -> int:
    return int(job.report.get("missing", 0) or 0)


def _check_comparison(user: User, job: ImportJob) -> None:
    """The comparison is the requester's, finished, with missing residents whose ids are still
    kept, and no other request for them is open (inside the caller's transaction)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != user.pk:
        raise NotFound(audit=AuditNote("scope.denied", job, {"mode": "export"}))
    if job.mode != ImportJob.Mode.COMPARE or job.status != ImportJob.Status.DONE or not _missing(job):
        raise Conflict("该任务没有“系统有、文件无”的人员", code="nothing_missing")
    if not job.missing_file:
        raise Conflict("比对结果已过保存期限，请重新比对", code="expired")
    open_states = (ExportRequest.Status.PENDING, ExportRequest.Status.APPROVED, ExportRequest.Status.READY)
    if ExportRequest.objects.filter(import_job=job, status__in=open_states).exists():
        raise Conflict("已申请导出该名单，请在审批或下载后再申请", code="already_requested")


def _approvers(req: ExportRequest) -> list[User]:
    users = User.objects.filter(is_active=True, unit__path=req.approver_path).prefetch_related("roles")
    return [u for u in users if u.has_cap("pii.unmask")]


def _tell_approvers(req: ExportRequest, requester: User, unit: Unit) -> None:
    from zongzhi.notify.services import notify_users

    what = KINDS[req.kind]
    if req.import_job is not None:
        what += f"（比对文件“{req.import_job.filename}”，{_missing(req.import_job)}人）"
    body = f"{requester.full_name or requester.username}申请导出{unit.name}的{what}：{req.reason}"
    notify_users(_approvers(req), "export", "导出申请待审批", body[:500], case_id=None, sms=False)


def _require_approver(user: User, req: ExportRequest) -> None:
    if req.requested_by_id == user.pk:  # whatever unit the requester has moved to since
        raise Forbidden("不能审批自己的申请", audit=AuditNote("permission.denied", req, {"action": "approve"}))
    ok = (
        user.unit is not None
        and user.unit.path == req.approver_path
        and user.has_cap("pii.unmask")
        and path_within(req.path, user.view_paths)
    )
    if not ok:
        raise Forbidden(
            "只有上级单位可以审批导出申请", audit=AuditNote("permission.denied", req, {"action": "approve"})
        )


def _require_pending(req: ExportRequest) -> None:
    if req.status != ExportRequest.Status.PENDING:
        raise Conflict("该申请已处理", code="already_decided")


def approve(*, acting_user: User, req: ExportRequest, note: str = "") -> ExportRequest:
    _require_approver(acting_user, req)
    with transaction.atomic():
        req = ExportRequest.objects.select_for_update().get(pk=req.pk)
        _require_pending(req)
        req.status, req.decided_by, req.decided_at = ExportRequest.Status.APPROVED, acting_user, timezone.now()
        req.decision_note = (note or "").strip()[:200]
        req.save()
        record_event("export.approved", obj=req, detail={"note": req.decision_note, "full": req.full_id_numbers})
        _start(req.pk)
    _notify_requester(req, "导出申请已批准", "文件生成后可在“我的导出”中下载")
    return req


def refuse(*, acting_user: User, req: ExportRequest, note: str) -> ExportRequest:
    _require_approver(acting_user, req)
    note = (note or "").strip()
    if not note:
        raise InvalidInput.field("note", "请填写不同意的理由", code="required")
    with transaction.atomic():
        req = ExportRequest.objects.select_for_update().get(pk=req.pk)
        _require_pending(req)
        req.status, req.decided_by, req.decided_at = ExportRequest.Status.REFUSED, acting_user, timezone.now()
        req.decision_note = note[:200]
        req.save()
        record_event("export.refused", obj=req, detail={"note": req.decision_note})
    _notify_requester(req, "导出申请未获批准", note[:200])
    return req


def withdraw(*, acting_user: User, req: ExportRequest) -> ExportRequest:
    if req.requested_by_id != acting_user.pk:
        raise Forbidden("只能撤回自己的申请", audit=AuditNote("permission.denied", req, {"action": "withdraw"}))
    _require_pending(req)
    req.status = ExportRequest.Status.WITHDRAWN
    req.save(update_fields=["status"])
    record_event("export.withdrawn", obj=req)
    return req


def _notify_requester(req: ExportRequest, title: str, body: str) -> None:
    from zongzhi.notify.services import notify_users

    notify_users([req.requested_by], "export", title, body, case_id=None, sms=False)


def _start(req_id: int) -> None:
    from .jobs import start_background

    start_background("registry.build_export", build, req_id)


def expire(req: ExportRequest) -> ExportRequest:
    """A ready file past its time is deleted; the request stays, as expired."""
    if req.status == ExportRequest.Status.READY and req.expires_at and req.expires_at <= timezone.now():
        if req.file:
            req.file.delete(save=False)
        req.status = ExportRequest.Status.EXPIRED
        req.save(update_fields=["status", "file"])
        record_event("export.expired", obj=req)
    return req


def download(*, acting_user: User, req: ExportRequest) -> tuple[bytes, str]:
    if req.requested_by_id != acting_user.pk:
        raise NotFound(audit=AuditNote("scope.denied", req, {"mode": "download"}))
    # The requester's rights are checked again: a move or a lost role ends the download.
    still = acting_user.has_cap("records.read") and path_within(req.path, acting_user.view_paths)
    if req.kind in SENSITIVE_KINDS:
        still = still and acting_user.has_cap("records.sensitive")
    if req.full_id_numbers:
        still = still and acting_user.has_cap("pii.unmask")
    if not still:
        raise Forbidden("您已没有下载该文件的权限", audit=AuditNote("permission.denied", req, {"action": "download"}))
    req = expire(req)
    if req.status == ExportRequest.Status.EXPIRED:
        raise Conflict("下载期限已过，请重新申请", code="expired")
    if req.status != ExportRequest.Status.READY or not req.file:
        raise Conflict("文件尚未生成", code="not_ready")
    body = sealed_files.read(req.file)
    ExportRequest.objects.filter(pk=req.pk).update(downloads=req.downloads + 1)
    record_event("export.downloaded", obj=req, detail={"rows": req.rows, "full": req.full_id_numbers})
    return body, f"{KINDS[req.kind]}-{req.pk}.xlsx"


# --- the file ----------------------------------------------------------------------------------
def _watermark(req: ExportRequest) -> str:
    user = req.requested_by
    stamp = timezone.localtime(req.decided_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return f"导出人：{user.full_name or user.username}（{user.username}） 批准时间：{stamp} 仅限工作使用，不得外传"


def _resident_rows(req: ExportRequest) -> tuple[list[str], Any]:
    qs = Resident.objects.filter(subtree_q([req.path]), is_retired=False)
    if req.filters.get("resident_kind"):
        qs = qs.filter(kind=req.filters["resident_kind"])
    records = (
        _missing_residents(req, qs) if req.kind == COMPARE_MISSING else qs.order_by("id").iterator(chunk_size=5000)
    )
    sex, nations = labels("sex"), labels("ethnicity")
    header = ["姓名", "证件号码", "人口类别", "性别", "出生日期", "民族", "联系电话", "现住地址", "所属网格"]
    kinds = dict(ResidentKind.choices)

    def rows() -> Any:
        names = unit_names([])  # warm the map once
        for r in records:
            number = crypto.unseal(bytes(r.id_number_sealed)) if req.full_id_numbers else r.id_number_mask
            phone = crypto.unseal(bytes(r.phone_sealed)) if req.full_id_numbers and r.phone_sealed else r.phone_mask
            names = unit_names([r.path])
            yield [
                r.name,
                number,
                kinds.get(r.kind, r.kind),
                sex.get(r.sex_code, ""),
                r.birth_date.isoformat() if r.birth_date else "",
                nations.get(r.ethnicity_code, ""),
                phone,
                r.current_address,
                names.get(r.path, ""),
            ]

    return header, rows()


def _missing_residents(req: ExportRequest, qs: Any) -> Any:
    """The residents the comparison found missing from its file, as far as they are still
    registered under the unit; 500 ids a query (SQLite takes at most 999 parameters)."""
    job = req.import_job
    if job is None or not job.missing_file:
        raise Conflict("比对结果已过保存期限，请重新比对后再申请", code="expired")
    ids = sealed_files.read_ids(job.missing_file)

    def records() -> Any:
        for i in range(0, len(ids), 500):
            yield from qs.filter(pk__in=ids[i : i + 500].tolist()).order_by("id")

    return records()


def _category_rows(req: ExportRequest, group: str) -> tuple[list[str], Any]:
    qs = PersonCategory.objects.filter(subtree_q([req.path]), group=group, is_retired=False).select_related("resident")
    table = labels("key_person_category" if group == "key" else "care_category")
    header = ["姓名", "证件号码", "类别", "列管日期", "下次走访", "最近走访", "所属网格"]

    def rows() -> Any:
        for c in qs.order_by("id").iterator(chunk_size=5000):
            r = c.resident
            number = crypto.unseal(bytes(r.id_number_sealed)) if req.full_id_numbers else r.id_number_mask
            yield [
                r.name,
                number,
                table.get(c.category_code, c.category_code),
                c.listed_on.isoformat(),
                c.next_visit_on.isoformat(),
                c.last_visit_on.isoformat() if c.last_visit_on else "",
                unit_names([c.path]).get(c.path, ""),
            ]

    return header, rows()


def render(req: ExportRequest) -> tuple[bytes, int]:
    """The watermarked workbook: the watermark on the first row, in every page's header and
    footer, and in the document properties."""
    from openpyxl import Workbook

    if req.kind in ("residents", COMPARE_MISSING):
        header, rows = _resident_rows(req)
    else:
        header, rows = _category_rows(req, "key" if req.kind == "key_persons" else "care")
    mark = _watermark(req)
    book = Workbook(write_only=True)
    book.properties.creator = req.requested_by.username
    book.properties.title = mark
    book.properties.description = f"导出申请 {req.pk}：{req.reason}"
    sheet = book.create_sheet(KINDS[req.kind])
    sheet.oddHeader.center.text = mark
    sheet.oddFooter.center.text = mark
    sheet.append([mark])
    sheet.append(header)
    count = 0
    for row in rows:
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput("一次最多导出一百万行，请缩小范围", code="too_many")
        sheet.append([("'" + c) if isinstance(c, str) and c.startswith(("=", "+", "-", "@")) else c for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def build(req_id: int) -> None:
    """Generate the approved file (background work)."""
    req = ExportRequest.objects.select_related("requested_by", "import_job").get(pk=req_id)
    if req.status != ExportRequest.Status.APPROVED:
        return
    try:
        body, count = render(req)
    except Exception:
        logger.exception("export %s failed", req_id)
        req.status = ExportRequest.Status.FAILED
        req.save(update_fields=["status"])
        record_event("export.failed", obj=req)
        return
    sealed_files.save(req.file, f"export-{req.pk}.xlsx", body)
    req.rows, req.status = count, ExportRequest.Status.READY
    req.expires_at = timezone.now() + timedelta(hours=download_hours())
    req.save()
    record_event("export.ready", obj=req, detail={"rows": count})
    _notify_requester(req, "导出文件已生成", f"共{count}行，请在{download_hours()}小时内下载")


def expire_all() -> int:
    """Delete the files of approved exports past their time (the periodic job)."""
    due = ExportRequest.objects.filter(status=ExportRequest.Status.READY, expires_at__lte=timezone.now())
    return sum(1 for req in due if expire(req).status == ExportRequest.Status.EXPIRED)
