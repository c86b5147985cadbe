"""The 预警报告 (.docx) of a warning, in the shape of seed 001's 第一篇: the title 关于……的
预警报告, the addressee (县信访局：), the body, the level statement, 特此报告, the issuing unit
and the date in Chinese, rendered with docxtpl from a template.

The shipped default is `templates_docx/warning_report.docx` (made by `make_default.py`); an
administrator with `alerts.configure` may upload a replacement (`DocumentTemplate` code
`warning_report`): it must be a .docx that renders with a sample context. Generated documents
are kept as generated (`WarningDocument`, with their sha256); generating, downloading and
marking one sent are audited.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import InvalidInput, NotFound, TooLarge, required_text
from zongzhi.core.fields import limit_of
from zongzhi.units.models import User

from .models import DocumentTemplate, EarlyWarning, WarningAction, WarningDocument, WarningLevel
from .services_warnings import _action, get_warning, require_sender

TEMPLATE_CODE = "warning_report"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "warning_report.docx"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DIGITS = "〇一二三四五六七八九"


def chinese_date(day: date) -> str:
    """二〇二六年十二月四日: the year digit by digit, month and day as numbers."""

    def number(n: int) -> str:
        if n < 10:
            return DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")

    year = "".join(DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def title_of(warning: EarlyWarning) -> str:
    subject = warning.title.removesuffix("的预警报告").removesuffix("预警报告").removeprefix("关于")
    return f"关于{subject}的预警报告"


def default_addressee(warning: EarlyWarning) -> str:
    if warning.addressee:
        return warning.addressee
    parent = warning.sender_unit.parent
    return parent.name if parent else ""


def context_of(warning: EarlyWarning, addressee: str, day: date) -> dict[str, Any]:
    level = str(WarningLevel(warning.level).label)
    return {
        "number": warning.number or "",
        "title": title_of(warning),
        "addressee": addressee,
        "body": warning.body,
        "level": level,
        "level_statement": f"经研判，该情况达到{level}级别。",
        "sender": warning.sender_unit.name,
        "date": chinese_date(day),
    }


SAMPLE_CONTEXT = {
    "number": "YJ2026010100001",
    "title": "关于某社区拆迁群众反映不按意愿拆迁的预警报告",
    "addressee": "县信访局",
    "body": "某镇某村村民某某等人对某工程拆迁方案有异议，有越级上访苗头。",
    "level": "黄色预警",
    "level_statement": "经研判，该情况达到黄色预警级别。",
    "sender": "某镇人民政府",
    "date": "二〇二六年一月一日",
}


def render(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate, Listing

    doc = DocxTemplate(io.BytesIO(template))
    values = {k: Listing(v) if isinstance(v, str) and "\n" in v else v for k, v in context.items()}
    doc.render(values, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def stored_template(code: str, default: Path) -> tuple[bytes, DocumentTemplate | None]:
    """The uploaded replacement of template `code` if there is one, else the shipped `default`
    (the warning report's, the analysis report's and the bulletin's templates all work so)."""
    row = DocumentTemplate.objects.filter(code=code).first()
    if row is not None and row.file:
        with row.file.open("rb") as f:
            return f.read(), row
    return default.read_bytes(), row


def validate_template(data: bytes, sample: dict[str, Any]) -> None:
    """Refuse anything but a .docx that renders with the `sample` context (clear messages)."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TooLarge("模板文件不能超过5MB", code="template_too_large")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        raise InvalidInput.field("file", "模板必须是 Word 文档（.docx）", code="template_not_docx") from None
    if "word/document.xml" not in names:
        raise InvalidInput.field("file", "模板必须是 Word 文档（.docx）", code="template_not_docx")
    try:
        render(data, sample)
    except Exception as exc:  # a template's syntax errors come in many types
        raise InvalidInput.field(
            "file", f"模板无法生成文书，请检查其中的占位符：{str(exc)[:120]}", code="template_invalid"
        ) from None


def current_template() -> tuple[bytes, DocumentTemplate | None]:
    """The 预警报告's template: the uploaded replacement if there is one, else the default."""
    return stored_template(TEMPLATE_CODE, DEFAULT_TEMPLATE)


@transaction.atomic
def save_template(
    *, acting_user: User, code: str, title: str, name: str, data: bytes, sample: dict[str, Any], event: str
) -> DocumentTemplate:
    """Replace stored template `code` (the warning report's, the analysis report's, the
    bulletin's): template managers only, a .docx that renders with `sample`; the old file stays
    in storage and is named in the `event` audited with the new file's digest."""
    require_cap(acting_user, "alerts.configure", "没有管理文书模板的权限")
    if not name.lower().endswith(".docx"):
        raise InvalidInput.field("file", "模板必须是 Word 文档（.docx）", code="template_not_docx")
    validate_template(data, sample)
    row, _ = DocumentTemplate.objects.select_for_update().get_or_create(code=code, defaults={"name": title})
    old = row.file.name if row.file else ""
    row.file.save(f"{code}.docx", ContentFile(data), save=False)
    row.uploaded_by, row.uploaded_at = acting_user, timezone.now()
    row.save()
    record_event(event, obj=row, detail={"previous": old, "sha256": hashlib.sha256(data).hexdigest()})
    return row


def upload_template(*, acting_user: User, name: str, data: bytes) -> DocumentTemplate:
    """Replace the 预警报告's template."""
    return save_template(
        acting_user=acting_user,
        code=TEMPLATE_CODE,
        title="预警报告",
        name=name,
        data=data,
        sample=SAMPLE_CONTEXT,
        event="warning.template_uploaded",
    )


@transaction.atomic
def generate(*, acting_user: User, warning_id: int, addressee: str = "", at: datetime | None = None) -> WarningDocument:
    """Make and keep the 预警报告 of a warning (its sender only)."""
    warning = get_warning(acting_user, warning_id, lock=True)
    require_sender(acting_user, warning)
    limit = limit_of(EarlyWarning, "addressee")
    addressee = addressee.strip() or default_addressee(warning)
    addressee = required_text(addressee, field="addressee", limit=limit, what="主送单位")
    now = at or timezone.now()
    template, _row = current_template()
    data = render(template, context_of(warning, addressee, timezone.localtime(now).date()))
    digest = hashlib.sha256(data).hexdigest()
    doc = WarningDocument(warning=warning, sha256=digest, generated_by=acting_user, generated_at=now)
    doc.file.save(f"warning-{warning.pk}-{digest[:8]}.docx", ContentFile(data), save=False)
    doc.save()
    _action(warning, WarningAction.Kind.DOCUMENT, acting_user, comment=f"主送：{addressee}", at=now)
    record_event("warning.document_generated", obj=warning, detail={"document_id": doc.pk, "sha256": digest})
    return doc


def get_document(user: User, document_id: int) -> WarningDocument:
    doc = WarningDocument.objects.filter(pk=document_id).first()
    if doc is None:
        raise NotFound("预警报告不存在")
    get_warning(user, doc.warning_id)
    return doc


def download(*, acting_user: User, document_id: int) -> tuple[bytes, WarningDocument]:
    doc = get_document(acting_user, document_id)
    with doc.file.open("rb") as f:
        data = f.read()
    record_event("warning.document_downloaded", obj=doc.warning, detail={"document_id": doc.pk})
    return data, doc


@transaction.atomic
def mark_sent(*, acting_user: User, document_id: int, sent_to: str, sent_at: datetime | None) -> WarningDocument:
    """报送: to whom and when the document went (the sender only)."""
    doc = get_document(acting_user, document_id)
    warning = get_warning(acting_user, doc.warning_id, lock=True)
    require_sender(acting_user, warning)
    doc = WarningDocument.objects.select_for_update().get(pk=doc.pk)
    sent_to = required_text(sent_to, field="sent_to", limit=limit_of(WarningDocument, "sent_to"), what="报送对象")
    now = timezone.now()
    if sent_at is not None and sent_at > now:
        raise InvalidInput.field("sent_at", "报送时间不能晚于现在", code="invalid_time")
    doc.sent_to, doc.sent_at = sent_to, sent_at or now
    doc.save(update_fields=["sent_to", "sent_at"])
    record_event("warning.document_sent", obj=warning, detail={"document_id": doc.pk, "sent_to": sent_to})
    return doc
