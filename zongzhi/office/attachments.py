"""Photos and files on office records: the case engine's checked uploads (`cases.Attachment`,
documents allowed) named by an `OfficeAttachment` row. One place decides who may open one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count

from zongzhi.cases.attachments import MAX_PER_SUBMISSION
from zongzhi.cases.models import Attachment
from zongzhi.core.errors import AuditNote, InvalidInput, NotFound
from zongzhi.core.scope import path_within
from zongzhi.units.models import User

from .models import (
    Activity,
    DisputeReport,
    Document,
    DocumentRecipient,
    Meeting,
    OfficeAttachment,
    PatrolCheckIn,
    RiskAssessment,
    StaffMember,
    WorkLog,
)

Owner = OfficeAttachment.Owner

SCOPED_OWNERS: dict[str, Any] = {
    Owner.MEETING: Meeting,
    Owner.ACTIVITY: Activity,
    Owner.WORK_LOG: WorkLog,
    Owner.RISK: RiskAssessment,
    Owner.DISPUTE_REPORT: DisputeReport,
    Owner.STAFF: StaffMember,
}


def attach_files(user: User, ids: list[int] | None, owner: str, owner_id: int, *, step: str = "") -> list[Attachment]:
    """Name the user's own unused uploads as files of one office record. Call inside the
    transaction that writes the record, so a refused file leaves nothing half-written."""
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return []
    if len(ids) > MAX_PER_SUBMISSION:
        raise InvalidInput.field("attachment_ids", f"每次最多{MAX_PER_SUBMISSION}个附件", code="too_many_files")
    with transaction.atomic():
        rows = list(
            Attachment.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, uploaded_by=user, case__isnull=True)
            .filter(info_use__isnull=True, office_use__isnull=True, assess_use__isnull=True)
        )
        if len(rows) != len(ids):
            raise InvalidInput.field("attachment_ids", "附件不存在或已被使用，请重新上传", code="attachment_invalid")
        OfficeAttachment.objects.bulk_create(
            [OfficeAttachment(owner=owner, owner_id=owner_id, step=step, attachment=a) for a in rows]
        )
    return rows


def files_of(owner: str, owner_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The files of many records of one kind, in one query: {owner_id: [file, ...]}."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in owner_ids}
    rows = (
        OfficeAttachment.objects.filter(owner=owner, owner_id__in=owner_ids).select_related("attachment").order_by("id")
    )
    for row in rows:
        out.setdefault(row.owner_id, []).append(file_out(row.attachment, row.step))
    return out


def file_counts(owner: str, owner_ids: list[int]) -> dict[int, int]:
    """How many files each of many records of one kind has, in one query (lists and ledgers)."""
    if not owner_ids:
        return {}
    rows = (
        OfficeAttachment.objects.filter(owner=owner, owner_id__in=owner_ids)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    return dict(rows)


def file_out(a: Attachment, step: str = "") -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "step": step,
        "url": f"/api/attachments/{a.pk}/file",
        "thumbnail_url": f"/api/attachments/{a.pk}/thumbnail" if a.thumbnail else None,
    }


def document_visible(user: User, document: Document) -> bool:
    """A document is visible to its sender's scope and to its recipients: the unit's officers
    for a unit's row, a department's members for its row, a named person for theirs."""
    from .services_documents import my_rows

    if path_within(document.path, user.view_paths):
        return True
    return my_rows(user).filter(document=document).exists()


def check_visible(user: User, use: OfficeAttachment) -> None:
    """404 (audited) unless the user may read the record the file belongs to: `records.read`
    and the record's visibility."""
    from .services_documents import my_rows

    if not user.has_cap("records.read"):
        raise NotFound("附件不存在", audit=AuditNote("scope.denied", use.attachment, {"mode": "read"}))
    if use.owner in SCOPED_OWNERS:
        record = SCOPED_OWNERS[use.owner].objects.filter(pk=use.owner_id).only("path").first()
        if record is not None and path_within(record.path, user.view_paths):
            return
    elif use.owner == Owner.CHECK_IN:  # a patrol check-in's photo follows its patrol
        path = PatrolCheckIn.objects.filter(pk=use.owner_id).values_list("patrol__path", flat=True).first()
        if path is not None and path_within(path, user.view_paths):
            return
    elif use.owner == Owner.DOCUMENT:
        document = Document.objects.filter(pk=use.owner_id).first()
        if document is not None and document_visible(user, document):
            return
    elif use.owner == Owner.REPLY:
        recipient = DocumentRecipient.objects.filter(pk=use.owner_id).select_related("document").first()
        if recipient is not None and (
            path_within(recipient.document.path, user.view_paths) or my_rows(user).filter(pk=recipient.pk).exists()
        ):
            return
    raise NotFound("附件不存在", audit=AuditNote("scope.denied", use.attachment, {"mode": "read"}))
