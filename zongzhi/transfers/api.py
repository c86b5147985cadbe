"""REST endpoints of imports, comparisons and exports of the registry of people."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

import json
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from zongzhi.audit.services import record_event
from zongzhi.core.access import acting
from zongzhi.core.errors import AuditNote, InvalidInput, NotFound
from zongzhi.core.scope import get_visible, path_within
from zongzhi.people.models import ResidentKind
from zongzhi.people.validation import CODE_TABLES, Codes
from zongzhi.transfers.models import ExportRequest, ImportJob
from zongzhi.units.lookup import unit_names
from zongzhi.units.models import Unit, User

from . import exports, import_columns, sealed_files, services
from .schemas import (
    DecisionIn,
    ExportIn,
    ExportOut,
    ImportConfirmIn,
    ImportFieldOut,
    ImportJobOut,
    MissingListIn,
)

router = Router(tags=["导入导出"])


def _missing_exports(user: User, jobs: list[ImportJob]) -> dict[int, ExportRequest]:
    """The latest request for the missing list of each of these comparisons: one query."""
    ids = [j.pk for j in jobs if j.mode == ImportJob.Mode.COMPARE]
    latest: dict[int, ExportRequest] = {}
    if ids:
        qs = ExportRequest.objects.filter(import_job_id__in=ids, requested_by=user)
        for req in qs.select_related("requested_by", "decided_by", "import_job").order_by("-id"):
            latest.setdefault(req.import_job_id or 0, req)
    return latest


def _job_out(job: ImportJob, user: User, latest: dict[int, ExportRequest] | None = None) -> dict[str, Any]:
    if latest is None:
        latest = _missing_exports(user, [job])
    missing_export = latest.get(job.pk)
    return {
        "id": job.pk,
        "kind": job.kind,
        "mode": job.mode,
        "status": job.status,
        "status_label": job.get_status_display(),
        "filename": job.filename,
        "unit_name": Unit.objects.filter(path=job.path).values_list("name", flat=True).first() or "",
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "imported": job.imported,
        "skipped": job.skipped,
        "rejected": job.rejected,
        "has_rejects": bool(job.rejects_file),
        "has_report": bool(job.report_file),
        "report": job.report,
        "error": job.error,
        "has_missing_list": bool(job.missing_file),
        "missing_export": _export_out(missing_export, user) if missing_export else None,
        "needs_review": job.needs_review,
        "preview": job.preview if job.status == ImportJob.Status.REVIEW and job.preview else None,
    }


def _my_job(user: User, job_id: int) -> ImportJob:
    """An import is its uploader's: the files hold the people they typed in."""
    job: ImportJob | None = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    if job.created_by_id != user.pk:
        raise NotFound(audit=AuditNote("scope.denied", job, {"mode": "read"}))
    return job


@router.get("/imports/template")
def import_template(request: HttpRequest, kind: Literal["residents", "key_persons"] = "residents") -> HttpResponse:
    """The Excel template of a kind (residents, key_persons): columns, an example row,
    instructions and code lists."""
    acting(request)
    from . import import_listings

    body = import_listings.template() if kind == "key_persons" else import_columns.template()
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"{services.IMPORT_KINDS[kind]}导入模板.xlsx")
    return response


@router.post("/imports", response={201: ImportJobOut})
def start_import(
    request: HttpRequest,
    file: File[UploadedFile],
    mode: Form[str] = "import",
    unit_id: Form[int | None] = None,
    kind: Form[str] = "residents",
    columns: Form[str] = "",
    fixed: Form[str] = "",
    review: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Upload an .xlsx or .csv file to import (mode=import) or compare with the registry
    (mode=compare); the work runs in the background, poll the job for progress.

    A file not made from the template: its header row is found below title rows and its
    headers are matched through the dictionary's synonyms (import_header_alias). `columns`
    (JSON, file header → field, "" to leave a column out) overrides the matching; `fixed`
    (JSON, field → value) gives one value to every row for a column the file lacks (e.g.
    {"kind": "户籍人口"} for a file of registered residents). With `review`, the job stops after
    reading the head of the file (status `review`, `preview` in the answer) until the columns
    are confirmed with `POST /imports/{id}/confirm`: the console's wizard."""
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, unit_id) if unit_id is not None else None
    job = services.start_import(
        acting_user=user,
        upload=file,
        mode=mode,
        unit=unit,
        kind=kind,
        columns=_json_object(columns, "columns"),
        fixed=_json_object(fixed, "fixed"),
        review=review,
    )
    return Status(201, _job_out(job, user, {}))


def _json_object(text: str, field: str) -> dict[str, str]:
    """A form field holding a JSON object of strings ("" for none)."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidInput.field(field, "格式不正确（应为 JSON 对象）", code="invalid_json") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InvalidInput.field(field, "格式不正确（应为由文字组成的 JSON 对象）", code="invalid_json")
    return value


@router.get("/imports/fields", response=list[ImportFieldOut])
def import_fields(request: HttpRequest) -> list[dict[str, Any]]:
    """The fields a resident file's columns can go to, for the wizard's choices: which are
    required, which may get one value for the whole file, and the values to choose from."""
    acting(request)
    codes = Codes.load()
    out = []
    for c in import_columns.COLUMNS:
        if c.kind == "kind":
            choices = [str(label) for label in ResidentKind.labels]
        elif c.field in CODE_TABLES:
            choices = [label for code, label in codes.labels[c.table or ""].items() if not codes.problem(c.field, code)]
        else:
            choices = []
        out.append(
            {
                "field": c.field,
                "header": c.header,
                "required": c.required,
                "fixable": c.field not in services.NEVER_FIXED,
                "choices": choices,
                "max_length": c.max_length,
            }
        )
    return out


@router.post("/imports/{job_id}/confirm", response=ImportJobOut)
def confirm_import(request: HttpRequest, job_id: int, body: ImportConfirmIn) -> dict[str, Any]:
    """Confirm (or correct) the columns of an upload waiting in `review`, give one value to
    required columns the file lacks, and start the import or comparison."""
    user = acting(request)
    job = services.confirm_import(
        acting_user=user, job=_my_job(user, job_id), columns=body.columns, fixed=body.fixed, remember=body.remember
    )
    return _job_out(job, user)


@router.get("/imports", response=list[ImportJobOut])
def list_imports(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own imports and comparisons, newest first."""
    user = acting(request)
    jobs = list(ImportJob.objects.filter(created_by=user).order_by("-id")[:50])
    latest = _missing_exports(user, jobs)
    return [_job_out(j, user, latest) for j in jobs]


@router.get("/imports/{job_id}", response=ImportJobOut)
def get_import(request: HttpRequest, job_id: int) -> dict[str, Any]:
    user = acting(request)
    return _job_out(_my_job(user, job_id), user)


@router.post("/imports/{job_id}/cancel", response=ImportJobOut)
def cancel_import(request: HttpRequest, job_id: int) -> dict[str, Any]:
    user = acting(request)
    return _job_out(services.cancel_import(acting_user=user, job=_my_job(user, job_id)), user)


def _download(job: ImportJob, which: str) -> HttpResponse:
    stored = job.rejects_file if which == "rejects" else job.report_file
    if not stored:
        raise NotFound("没有可下载的文件")
    body = sealed_files.read(stored, unsealed_ok=which == "rejects")
    record_event(f"registry.{which}_downloaded", obj=job, detail={"file": job.filename})
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = _attachment(Path(stored.name).name)
    return response


@router.get("/imports/{job_id}/rejects")
def import_rejects(request: HttpRequest, job_id: int) -> HttpResponse:
    """The rejected rows as Excel, the reason beside each."""
    return _download(_my_job(acting(request), job_id), "rejects")


@router.get("/imports/{job_id}/report")
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    """A comparison's result as Excel: the people of the file (new, changed, registered
    elsewhere) and the count of the registered people missing from it."""
    return _download(_my_job(acting(request), job_id), "report")


@router.post("/imports/{job_id}/missing-list", response={201: ExportOut})
def request_missing_list(request: HttpRequest, job_id: int, payload: MissingListIn) -> Status[dict[str, Any]]:
    """Ask to export the list of the residents a comparison found registered under its unit
    but not in the file: an export request like any other, approved by the unit above."""
    user = acting(request)
    req = exports.request_missing_list(
        acting_user=user, job=_my_job(user, job_id), reason=payload.reason, full=payload.full_id_numbers
    )
    return Status(201, _export_out(req, user))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


# --- exports with approval -----------------------------------------------------------------
def _export_out(req: ExportRequest, user: User) -> dict[str, Any]:
    req = exports.expire(req)
    names = unit_names({req.path, req.approver_path})
    approver = (
        user.unit is not None
        and user.unit.path == req.approver_path
        and user.has_cap("pii.unmask")
        and path_within(req.path, user.view_paths)
    )
    return {
        "id": req.pk,
        "kind": req.kind,
        "kind_label": exports.KINDS.get(req.kind, req.kind),
        "unit_name": names.get(req.path, ""),
        "filters": req.filters,
        "full_id_numbers": req.full_id_numbers,
        "reason": req.reason,
        "status": req.status,
        "status_label": req.get_status_display(),
        "requested_by": req.requested_by.full_name or req.requested_by.username,
        "requested_at": req.requested_at,
        "approver_unit": names.get(req.approver_path, ""),
        "decided_by": (req.decided_by.full_name or req.decided_by.username) if req.decided_by else None,
        "decided_at": req.decided_at,
        "decision_note": req.decision_note,
        "rows": req.rows,
        "expires_at": req.expires_at,
        "downloads": req.downloads,
        "can_decide": approver and req.status == ExportRequest.Status.PENDING,
        "can_download": req.requested_by_id == user.pk and req.status == ExportRequest.Status.READY,
        "import_job_id": req.import_job_id,
        "import_filename": req.import_job.filename if req.import_job else "",
        "import_missing": int(req.import_job.report.get("missing", 0) or 0) if req.import_job else 0,
    }


def _export_for(user: User, request_id: int) -> ExportRequest:
    """The requester's own request, or one waiting for the caller's unit to decide."""
    req: ExportRequest | None = (
        ExportRequest.objects.select_related("requested_by", "decided_by", "import_job").filter(pk=request_id).first()
    )
    if req is None:
        raise NotFound()
    mine = req.requested_by_id == user.pk
    above = user.unit is not None and user.unit.path == req.approver_path
    if not (mine or above):
        raise NotFound(audit=AuditNote("scope.denied", req, {"mode": "read"}))
    return req


@router.post("/exports", response={201: ExportOut})
def request_export(request: HttpRequest, payload: ExportIn) -> Status[dict[str, Any]]:
    """Ask to export records of a unit to Excel; the unit above approves or refuses."""
    user = acting(request)
    unit = get_visible(Unit.objects.all(), user, payload.unit_id)
    req = exports.request_export(
        acting_user=user,
        unit=unit,
        kind=payload.kind,
        reason=payload.reason,
        resident_kind=payload.resident_kind,
        full=payload.full_id_numbers,
    )
    return Status(201, _export_out(req, user))


@router.get("/exports", response=list[ExportOut])
def list_exports(request: HttpRequest, box: Literal["mine", "approve"] = "mine") -> list[dict[str, Any]]:
    """`mine`: the caller's requests; `approve`: requests the caller's unit decides on."""
    user = acting(request)
    qs = ExportRequest.objects.select_related("requested_by", "decided_by", "import_job")
    if box == "approve":
        if user.unit is None:
            return []
        qs = qs.filter(approver_path=user.unit.path)
    else:
        qs = qs.filter(requested_by=user)
    return [_export_out(r, user) for r in qs.order_by("-id")[:100]]


@router.post("/exports/{request_id}/approve", response=ExportOut)
def approve_export(request: HttpRequest, request_id: int, payload: DecisionIn) -> dict[str, Any]:
    user = acting(request)
    req = exports.approve(acting_user=user, req=_export_for(user, request_id), note=payload.note)
    return _export_out(req, user)


@router.post("/exports/{request_id}/refuse", response=ExportOut)
def refuse_export(request: HttpRequest, request_id: int, payload: DecisionIn) -> dict[str, Any]:
    user = acting(request)
    req = exports.refuse(acting_user=user, req=_export_for(user, request_id), note=payload.note)
    return _export_out(req, user)


@router.post("/exports/{request_id}/withdraw", response=ExportOut)
def withdraw_export(request: HttpRequest, request_id: int) -> dict[str, Any]:
    user = acting(request)
    return _export_out(exports.withdraw(acting_user=user, req=_export_for(user, request_id)), user)


@router.get("/exports/{request_id}/file")
def download_export(request: HttpRequest, request_id: int) -> HttpResponse:
    """The approved, watermarked file: the requester only, until it expires; each download is audited."""
    user = acting(request)
    body, name = exports.download(acting_user=user, req=_export_for(user, request_id))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = _attachment(name)
    return response
