"""The monthly analysis report (研判报告, /api/stats/analysis): the page's data and its .docx."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Router
from ninja.files import UploadedFile

from zongzhi.alerts.docx import MAX_TEMPLATE_BYTES
from zongzhi.alerts.models import DocumentTemplate
from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import TooLarge

from . import docx_analysis
from .schemas_analysis import AnalysisReportOut, AnalysisTemplateOut
from .services_analysis import analysis_report

router = Router(tags=["统计研判"])


@router.get("", response=AnalysisReportOut)
def report(request: HttpRequest, unit: int | None = None, month: str | None = None) -> dict[str, Any]:
    """The month's report (`2026-11`, default this month) of a unit in view (default one's own)."""
    return analysis_report(acting_user=acting(request), unit_id=unit, month=month)


@router.get("/docx")
def report_docx(request: HttpRequest, unit: int | None = None, month: str | None = None) -> HttpResponse:
    """The same report as a Word document for the leader (audited)."""
    data, rep = docx_analysis.report_docx(acting_user=acting(request), unit_id=unit, month=month)
    name = f"研判报告-{rep['unit']['name']}-{rep['month']}.docx"
    response = HttpResponse(data, content_type=docx_analysis.DOCX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"analysis-{rep['unit']['code']}-{rep['month']}.docx\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _template_out() -> dict[str, Any]:
    row = DocumentTemplate.objects.filter(code=docx_analysis.TEMPLATE_CODE).select_related("uploaded_by").first()
    return {
        "code": docx_analysis.TEMPLATE_CODE,
        "name": row.name if row else docx_analysis.TEMPLATE_NAME,
        "custom": bool(row and row.file),
        "uploaded_by": row.uploaded_by.full_name if row and row.uploaded_by else None,
        "uploaded_at": row.uploaded_at if row else None,
    }


@router.get("/template", response=AnalysisTemplateOut)
def template_info(request: HttpRequest) -> dict[str, Any]:
    require_cap(acting(request), "alerts.configure", "没有管理文书模板的权限")
    return _template_out()


@router.get("/template/file")
def template_file(request: HttpRequest) -> HttpResponse:
    """The template in use (the uploaded replacement, else the shipped default)."""
    require_cap(acting(request), "alerts.configure", "没有管理文书模板的权限")
    response = HttpResponse(docx_analysis.current_template(), content_type=docx_analysis.DOCX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="analysis-report-template.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/template", response=AnalysisTemplateOut)
def upload_template(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = acting(request)
    require_cap(user, "alerts.configure", "没有管理文书模板的权限")
    if file.size and file.size > MAX_TEMPLATE_BYTES:
        raise TooLarge("模板文件不能超过5MB", code="template_too_large")
    docx_analysis.upload_template(acting_user=user, name=file.name or "", data=file.read())
    return _template_out()
