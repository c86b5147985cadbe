"""Evidence files on hand scores (佐证材料): issue 18 says the unit above scores by hand "with a
note and evidence"; besides the evidence text the scorer attaches photos, PDF, Word or Excel files.

1. `upload_evidence`: the case engine's checked upload (`cases.attachments.store_upload` with
   documents allowed, as the office's /api/office/uploads): content-sniffed, images re-encoded
   without EXIF; videos are refused here. The file belongs to nobody until a score names it.
2. `set_files` (inside `services_rubric.set_hand_score`'s transaction): the score's files become
   the named ones: new ones must be the scorer's own unused uploads; files left out are taken
   off (`removed_at`, the row kept). Before and after go into the score's audit entry.
3. `check_visible`: a file opens only for whoever may read the assessed unit's score sheet
   (its unit in view scope and `records.read`), through /api/attachments/{id}/file.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zongzhi.cases.attachments import MAX_PER_SUBMISSION, VIDEO_TYPES, sniff, store_upload
from zongzhi.cases.models import Attachment
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, InvalidInput, NotFound
from zongzhi.core.scope import path_within
from zongzhi.units.models import User

from .models import HandScore, HandScoreFile


def upload_evidence(*, acting_user: User, upload: UploadedFile) -> Attachment:
    """One photo, PDF, Word or Excel file for a hand score (see step 1)."""
    require_cap(acting_user, "assess.score", "没有考核评分的权限")
    head = upload.read(16)
    upload.seek(0)
    if sniff(head) in VIDEO_TYPES:
        raise InvalidInput.field("file", "佐证材料只能是图片或PDF、Word、Excel文件", code="file_type")
    return store_upload(acting_user=acting_user, upload=upload, allow_documents=True)


def file_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "url": f"/api/attachments/{a.pk}/file",
        "thumbnail_url": f"/api/attachments/{a.pk}/thumbnail" if a.thumbnail else None,
    }


def _brief(rows: list[HandScoreFile]) -> list[dict[str, Any]]:
    return [{"id": r.attachment_id, "name": r.attachment.name} for r in rows]


def current_files(score: HandScore) -> list[HandScoreFile]:
    return list(score.files.filter(removed_at__isnull=True).select_related("attachment"))


@transaction.atomic
def set_files(
    user: User, score: HandScore, ids: list[int]
) -> tuple[list[dict[str, str | int]], list[dict[str, str | int]]]:
    """Make the score's files the named ones (step 2); returns (before, after) for the audit."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_PER_SUBMISSION:
        raise InvalidInput.field("attachment_ids", f"每项评分最多{MAX_PER_SUBMISSION}个佐证文件", code="too_many_files")
    current = current_files(score)
    before = _brief(current)
    keep = {r.attachment_id for r in current}
    now = timezone.now()
    HandScoreFile.objects.filter(hand_score=score, removed_at__isnull=True).exclude(attachment_id__in=ids).update(
        removed_at=now
    )
    # a file taken off this score earlier may be named again
    HandScoreFile.objects.filter(hand_score=score, attachment_id__in=ids, removed_at__isnull=False).update(
        removed_at=None
    )
    again = set(
        HandScoreFile.objects.filter(hand_score=score, attachment_id__in=ids).values_list("attachment_id", flat=True)
    )
    new = [i for i in ids if i not in keep and i not in again]
    if new:
        rows = list(
            Attachment.objects.select_for_update(of=("self",))
            .filter(pk__in=new, uploaded_by=user, case__isnull=True)
            .exclude(kind=Attachment.FileKind.VIDEO)
            .filter(
                info_use__isnull=True, office_use__isnull=True, inspection_use__isnull=True, assess_use__isnull=True
            )
        )
        if len(rows) != len(new):
            raise _invalid()
        try:
            # the lock holds the attachment rows, not the link a concurrent score inserts: the
            # one-to-one constraint refuses the second, answered like the check above
            with transaction.atomic():
                HandScoreFile.objects.bulk_create(
                    [HandScoreFile(hand_score=score, attachment=a, added_at=now) for a in rows]
                )
        except IntegrityError:
            raise _invalid() from None
    return before, _brief(current_files(score))


def _invalid() -> InvalidInput:
    return InvalidInput.field("attachment_ids", "佐证文件不存在或已被使用，请重新上传", code="attachment_invalid")


def files_by_score(score_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The current files of many hand scores, in one query: {hand_score_id: [file, ...]}."""
    out: dict[int, list[dict[str, Any]]] = {}
    rows = HandScoreFile.objects.filter(hand_score_id__in=score_ids, removed_at__isnull=True).select_related(
        "attachment"
    )
    for r in rows:
        out.setdefault(r.hand_score_id, []).append(file_out(r.attachment))
    return out


def files_for_items(unit_id: int, months: list[Any]) -> dict[int, list[dict[str, Any]]]:
    """The current files of one unit's hand scores in the months, by item (the unit's sheet)."""
    out: dict[int, list[dict[str, Any]]] = {}
    files = HandScoreFile.objects.filter(
        hand_score__unit_id=unit_id, hand_score__month__in=months, removed_at__isnull=True
    ).select_related("attachment", "hand_score")
    for r in files:
        out.setdefault(r.hand_score.item_id, []).append(file_out(r.attachment))
    return out


def check_visible(user: User, use: HandScoreFile) -> None:
    """404 (audited) unless the user may read the assessed unit's score sheet (step 3)."""
    path = HandScore.objects.filter(pk=use.hand_score_id).values_list("path", flat=True).first()
    if path is None or not path_within(path, user.view_paths) or not user.has_cap("records.read"):
        raise NotFound("附件不存在", audit=AuditNote("scope.denied", use.attachment, {"mode": "read"}))
