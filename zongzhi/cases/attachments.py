"""Accepting photos and short videos (and, for office records, PDF, Word and Excel files): checked
by content, images re-encoded without EXIF."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from zongzhi.core.errors import InvalidInput, TooLarge
from zongzhi.units.models import User

from .models import Attachment, Case, CaseAction

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_VIDEO_BYTES = 60 * 1024 * 1024
MAX_PER_SUBMISSION = 9
MAX_EDGE = 2560
THUMB_EDGE = 320
Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs

VIDEO_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}
MAX_DOCUMENT_BYTES = 30 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes) -> str | None:
    """The file's real type from its first bytes: jpeg, png, webp, mp4, mov, webm, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return None
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def sniff_document(head: bytes, upload: UploadedFile) -> str | None:
    """A document's real type by its content: pdf, docx, xlsx (a zip holding the Word or Excel
    part), or doc/xls (the old compound format, told apart by the name's extension)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if head.startswith(OLE_MAGIC):
        extension = (upload.name or "").rsplit(".", 1)[-1].lower()
        return extension if extension in ("doc", "xls") else None
    return None


def _gps(image: Image.Image) -> dict[str, float] | None:
    """Latitude/longitude from the EXIF GPS block, if the camera wrote one."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None

    def degrees(value: Any) -> float:
        d, m, s = (float(x) for x in value)
        return d + m / 60 + s / 3600

    try:
        lat, lng = degrees(gps[2]), degrees(gps[4])
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if gps.get(1) == "S":
        lat = -lat
    if gps.get(3) == "W":
        lng = -lng
    return {"latitude": round(lat, 6), "longitude": round(lng, 6)}


def _jpeg(image: Image.Image, edge: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge))
    out = io.BytesIO()
    copy.convert("RGB").save(out, "JPEG", quality=85, optimize=True)  # no exif= : nothing carried over
    return out.getvalue()


def _file_error(message: str) -> list[dict[str, str]]:
    return [{"field": "file", "message": message}]


def store_upload(*, acting_user: User, upload: UploadedFile, allow_documents: bool = False) -> Attachment:
    """Check and store one uploaded file; it is attached when a report or action names it.
    `allow_documents` also accepts PDF, Word and Excel files (office records), stored as sent."""
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    name = (upload.name or "附件")[-120:]
    if kind is None and allow_documents:
        document = sniff_document(head, upload)
        if document is not None:
            return _store_document(acting_user, upload, name, document)
        raise InvalidInput.field("file", "只能上传图片、视频或PDF、Word、Excel文件", code="file_type")
    if kind is None:
        raise InvalidInput.field("file", "只能上传JPG、PNG、WebP图片或MP4、MOV、WebM视频", code="file_type")
    size = upload.size or 0
    if kind in VIDEO_TYPES:
        if size > MAX_VIDEO_BYTES:
            raise TooLarge(
                "视频不能超过60MB，请拍摄短视频", code="file_too_large", errors=_file_error("视频不能超过60MB")
            )
        attachment = Attachment(
            uploaded_by=acting_user, kind="video", name=name, content_type=VIDEO_TYPES[kind], size=size
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
        attachment.save()
        return attachment
    if size > MAX_IMAGE_BYTES:
        raise TooLarge("图片不能超过15MB", code="file_too_large", errors=_file_error("图片不能超过15MB"))
    try:
        image: Image.Image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidInput.field("file", "图片已损坏或无法识别", code="file_broken") from exc
    position = _gps(image)
    image = ImageOps.exif_transpose(image)
    body = _jpeg(image, MAX_EDGE)
    thumb = _jpeg(image, THUMB_EDGE)
    stem = uuid.uuid4().hex
    attachment = Attachment(
        uploaded_by=acting_user,
        kind="image",
        name=name,
        content_type="image/jpeg",
        size=len(body),
        position=position,
    )
    attachment.file.save(f"{stem}.jpg", ContentFile(body), save=False)
    attachment.thumbnail.save(f"{stem}.jpg", ContentFile(thumb), save=False)
    with Image.open(io.BytesIO(body)) as stored:
        attachment.width, attachment.height = stored.size
    attachment.save()
    return attachment


def _store_document(acting_user: User, upload: UploadedFile, name: str, document: str) -> Attachment:
    size = upload.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise TooLarge("文件不能超过30MB", code="file_too_large", errors=_file_error("文件不能超过30MB"))
    attachment = Attachment(
        uploaded_by=acting_user, kind="document", name=name, content_type=DOCUMENT_TYPES[document], size=size
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{document}", upload, save=False)
    attachment.save()
    return attachment


def attach(*, acting_user: User, ids: list[int], case: Case, action: CaseAction | None) -> list[Attachment]:
    """Attach the user's own, not yet attached uploads to a case (and a timeline step)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if len(ids) > MAX_PER_SUBMISSION:
        raise InvalidInput.field("attachment_ids", f"每次最多{MAX_PER_SUBMISSION}个附件", code="too_many_files")
    with transaction.atomic():
        rows = list(
            Attachment.objects.select_for_update().filter(pk__in=ids, uploaded_by=acting_user, case__isnull=True)
        )
        if len(rows) != len(ids):
            raise InvalidInput.field("attachment_ids", "附件不存在或已被使用，请重新上传", code="attachment_invalid")
        Attachment.objects.filter(pk__in=ids).update(case=case, action=action)
    return rows
