"""The office's shared endpoints: /api/office/uploads (photos and files) and /api/office/rules."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from zongzhi.core.access import acting
from zongzhi.core.outputs import OutSchema

from . import services_common as common
from .attachments import file_out

router = Router(tags=["日常办公"])


class FileOut(OutSchema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    step: str
    url: str
    thumbnail_url: str | None


class RuleOut(OutSchema):
    key: str
    label: str
    value: int
    default: int
    minimum: int
    maximum: int
    help: str


class RuleIn(Schema):
    value: int


@router.post("/uploads", response={201: FileOut})
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Upload one photo, video, PDF, Word or Excel file; name its id when saving the record."""
    return Status(201, file_out(common.upload_file(acting(request), file)))


@router.get("/rules", response=list[RuleOut])
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    acting(request)
    return common.all_rules()


@router.put("/rules/{key}", response=list[RuleOut])
def set_rule(request: HttpRequest, key: str, payload: RuleIn) -> list[dict[str, Any]]:
    common.set_rule(acting(request), key, payload.value)
    return common.all_rules()
