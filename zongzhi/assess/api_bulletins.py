"""The monthly bulletin (督查通报, /api/assess/bulletins): generate, print view, .docx, issue."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zongzhi.alerts.docx import MAX_TEMPLATE_BYTES
from zongzhi.alerts.models import DocumentTemplate
from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import TooLarge
from zongzhi.core.outputs import OutSchema
from zongzhi.units.models import User
from zongzhi.units.schemas import UnitBrief

from . import services_bulletins as services
from .models import Bulletin

router = Router(tags=["考核评估"])

LIST_LIMIT = 60  # five years of monthly bulletins


class BulletinRankOut(OutSchema):
    rank: int
    unit: str
    total: str
    deducted: str
    unscored: int


class BulletinTopicUnitOut(OutSchema):
    unit: str
    score: str
    points: str
    deducted: str
    shortfalls: int
    figures: str
    measured: bool


class BulletinTopicOut(OutSchema):
    ordinal: str
    title: str
    summary: str
    units: list[BulletinTopicUnitOut]


class BulletinRedUnitOut(OutSchema):
    unit: str
    workers: int


class BulletinRedWorkerOut(OutSchema):
    name: str
    unit: str
    logins: int


class BulletinLapseOut(OutSchema):
    unit: str
    late: int
    missing: int
    concealed: int


class BulletinContentOut(OutSchema):
    unit: str
    month: str
    month_label: str
    ranking: list[BulletinRankOut]
    topics: list[BulletinTopicOut]
    red_units: list[BulletinRedUnitOut]
    red_workers: list[BulletinRedWorkerOut]
    login_week_min: int
    login_month_min: int
    lapses: list[BulletinLapseOut]
    lapse_total: int
    best: list[str]
    worst: list[str]


class BulletinBriefOut(OutSchema):
    id: int
    title: str
    unit: UnitBrief
    month: str
    number: int
    generated_by: str
    generated_at: dt.datetime
    document_id: int | None
    issued_at: dt.datetime | None
    received: bool = Field(description="issued to the caller's unit by a unit above: read only")


class BulletinOut(BulletinBriefOut):
    content: BulletinContentOut


class BulletinGenerateIn(Schema):
    month: str | None = None


class BulletinTemplateOut(OutSchema):
    code: str
    name: str
    custom: bool
    uploaded_by: str | None
    uploaded_at: dt.datetime | None


def _brief(b: Bulletin, user: User) -> dict[str, Any]:
    return {
        "id": b.pk,
        "title": b.title,
        "unit": b.unit,
        "month": b.month.strftime("%Y-%m"),
        "number": b.number,
        "generated_by": b.generated_by.full_name or b.generated_by.username,
        "generated_at": b.generated_at,
        "document_id": b.document_id,
        "issued_at": b.issued_at,
        "received": services.is_received(user, b),
    }


def _full(b: Bulletin, user: User) -> dict[str, Any]:
    return {**_brief(b, user), "content": services.content_for(user, b)}


@router.get("", response=list[BulletinBriefOut])
def list_bulletins(request: HttpRequest) -> list[dict[str, Any]]:
    """The bulletins of the units in the caller's view scope and those issued to the caller's
    unit by a unit above (`received`), newest month first."""
    user = acting(request)
    return [_brief(b, user) for b in services.visible_bulletins(user)[:LIST_LIMIT]]


@router.post("", response={201: BulletinOut})
def generate(request: HttpRequest, payload: BulletinGenerateIn) -> Status[dict[str, Any]]:
    """Generate the month's bulletin of the caller's county or township (again, until issued)."""
    user = acting(request)
    return Status(201, _full(services.generate_bulletin(acting_user=user, month=payload.month), user))


def _template_out() -> dict[str, Any]:
    row = DocumentTemplate.objects.filter(code=services.TEMPLATE_CODE).select_related("uploaded_by").first()
    return {
        "code": services.TEMPLATE_CODE,
        "name": row.name if row else services.TEMPLATE_NAME,
        "custom": bool(row and row.file),
        "uploaded_by": row.uploaded_by.full_name if row and row.uploaded_by else None,
        "uploaded_at": row.uploaded_at if row else None,
    }


@router.get("/template", response=BulletinTemplateOut)
def template_info(request: HttpRequest) -> dict[str, Any]:
    require_cap(acting(request), "alerts.configure", "没有管理文书模板的权限")
    return _template_out()


@router.post("/template", response=BulletinTemplateOut)
def upload_template(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = acting(request)
    require_cap(user, "alerts.configure", "没有管理文书模板的权限")
    if file.size and file.size > MAX_TEMPLATE_BYTES:
        raise TooLarge("模板文件不能超过5MB", code="template_too_large")
    services.upload_template(acting_user=user, name=file.name or "", data=file.read())
    return _template_out()


@router.get("/{bulletin_id}", response=BulletinOut)
def detail(request: HttpRequest, bulletin_id: int) -> dict[str, Any]:
    """One bulletin with its figures (the print view)."""
    user = acting(request)
    return _full(services.get_bulletin(user, bulletin_id), user)


@router.get("/{bulletin_id}/docx")
def docx(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """The bulletin as a Word document (audited)."""
    data, row = services.bulletin_docx(acting_user=acting(request), bulletin_id=bulletin_id)
    response = HttpResponse(data, content_type=services.DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{row.unit.code}-{row.month:%Y-%m}.docx"; '
        f"filename*=UTF-8''{quote(row.title + '.docx')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/{bulletin_id}/issue", response=BulletinOut)
def issue(request: HttpRequest, bulletin_id: int) -> dict[str, Any]:
    """Send it to the units below through the office's documents, with sign-off (once)."""
    user = acting(request)
    return _full(services.issue_bulletin(acting_user=user, bulletin_id=bulletin_id), user)
