"""The document templates page (文书模板, /api/templates): the 预警报告, 研判报告 and 督查通报
templates together: what is in use, the current and the default file, upload, restore."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router
from ninja.files import UploadedFile

from zongzhi.core.access import acting
from zongzhi.core.errors import TooLarge
from zongzhi.core.outputs import OutSchema

from . import services_templates as services
from .docx import DOCX_TYPE, MAX_TEMPLATE_BYTES

router = Router(tags=["系统管理"])


class TemplateFieldOut(OutSchema):
    name: str
    label: str


class TemplateVariableOut(OutSchema):
    name: str
    kind: str
    label: str
    fields: list[TemplateFieldOut]


class TemplateOut(OutSchema):
    code: str
    name: str
    used_in: str
    custom: bool
    changed_by: str | None
    changed_at: dt.datetime | None
    variables: list[TemplateVariableOut]


@router.get("", response=list[TemplateOut])
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    """The three templates, each with what is in use and the variables it may use."""
    return services.list_templates(acting_user=acting(request))


@router.get("/{code}/file")
def template_file(request: HttpRequest, code: str, version: str = "current") -> HttpResponse:
    """The template in use, or the shipped default (`version=default`), as a .docx."""
    data = services.template_file(acting_user=acting(request), code=code, version=version)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{code}-{version}.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/{code}", response=TemplateOut)
def upload_template(request: HttpRequest, code: str, file: File[UploadedFile]) -> dict[str, Any]:
    """Replace the template (a .docx that renders with the document's sample values)."""
    user = acting(request)
    services.check_reader(user)
    services.spec_of(code)
    if file.size and file.size > MAX_TEMPLATE_BYTES:
        raise TooLarge("模板文件不能超过5MB", code="template_too_large")
    return services.upload(acting_user=user, code=code, name=file.name or "", data=file.read())


@router.delete("/{code}", response=TemplateOut)
def reset_template(request: HttpRequest, code: str) -> dict[str, Any]:
    """Use the shipped default again (the replaced file is kept, named in the audit)."""
    return services.reset_template(acting_user=acting(request), code=code)
