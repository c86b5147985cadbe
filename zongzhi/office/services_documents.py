"""Documents and notices (公文流转): issue to units below, sign for (签收), read, reply with
material (材料报送), remind, withdraw; the late receipts (超时收文) the assessment counts.

Plain functions taking the acting user; api_documents.py validates, calls these and serializes.

Who sees a document: whoever sees its issuing unit (its `path` in their view scope) and its
recipients (`attachments.document_visible`), nothing else. Who acts on it:

- the sender: a user with `office.send` whose capture scope holds the issuing unit; reminds the
  unsigned recipients (催签) and withdraws it (撤回, with a reason);
- a recipient: with `office.write`, a user of the receiving unit (no department) for a unit row,
  of the department for a department row, or the named person; signs once (签收) and replies
  (材料报送) when the document asks for material. Opening the detail sets the first reading.

文件类别 (`issuer_label`) is derived from the issuing unit, never typed: a 文件 of a township or
above is "<unit>综治委文件" (e.g. 沿江街道综治委文件), of a village "<unit>文件"; a notice, briefing
or experience is "<unit>通知" / "<unit>简报" / "<unit>经验交流".

Late (超时) is computed from timestamps: signed after `sign_due_at`, or unsigned and now past it
(a withdrawn document's unsigned rows are not late). A receipt belongs to the month its signing
was due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Forbidden, InvalidInput, NotFound, check_all, required_text
from zongzhi.core.fields import limit_of
from zongzhi.core.months import month_range
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.notify.services import notify_users
from zongzhi.units.models import Department, Unit, User

from .attachments import attach_files, document_visible
from .models import Document, DocumentCategory, DocumentKind, DocumentRecipient, OfficeAttachment
from .services_common import SEND, WRITE, rule

AUDIT_LABELS: dict[str, str] = {
    "office.document_issued": "发送公文",
    "office.document_signed": "签收公文",
    "office.document_replied": "报送公文材料",
    "office.document_reminded": "公文催签",
    "office.document_withdrawn": "撤回公文",
}

READ = "records.read"
# Documents older than this are not entered (a ledger of paper documents goes back years, not decades).
EARLIEST_ISSUED_ON = dt.date(2000, 1, 1)
DESCRIPTION_LIMIT = 4000
NOTE_LIMIT = 1000
MAX_RECIPIENTS = 1000
UPPER_LEVELS = ("province", "city", "county", "township")


# --- visibility and roles ---------------------------------------------------------------------


def require_reader(user: User) -> None:
    require_cap(user, READ, "没有查看公文的权限")


def visible_documents(user: User) -> QuerySet[Document]:
    """Documents under the user's view scope, or sent to them: their unit's row (officers without
    a department), their department's, or their own as a named person (`my_rows`)."""
    received = my_rows(user).values("document_id")
    return Document.objects.filter(subtree_q(user.view_paths) | Q(pk__in=received))


def get_document(user: User, document_id: int) -> Document:
    """The document if the user may read it, else 404 (audited when it exists)."""
    document: Document | None = (
        Document.objects.select_related("sender_unit", "sender_user").filter(pk=document_id).first()
    )
    if document is None:
        raise NotFound("公文不存在")
    if not document_visible(user, document):
        raise NotFound("公文不存在", audit=AuditNote("scope.denied", document, {"mode": "read", "user_id": user.pk}))
    require_cap(user, READ, "没有查看公文的权限", document)
    return document


def sees_status(user: User, document: Document) -> bool:
    """The sender's side (its scope) reads every recipient's row; a recipient only its own."""
    return path_within(document.path, user.view_paths)


def is_sender(user: User, document: Document) -> bool:
    return user.has_cap(SEND) and path_within(document.path, user.capture_paths)


def require_sender(user: User, document: Document) -> None:
    if not is_sender(user, document):
        raise Forbidden(
            "只有发文单位可以执行此操作",
            code="document_not_sender",
            audit=AuditNote("permission.denied", document, {"capability": SEND}),
        )


def my_rows(user: User) -> QuerySet[DocumentRecipient]:
    """The recipient rows that are the user's: their unit's own (no department), their
    department's, and their own as a named person."""
    if user.unit_id is None:
        return DocumentRecipient.objects.filter(user=user)
    # One unit for every branch, so the (unit, -document) indexes serve the in-tray's order.
    own = (
        Q(department_id=user.department_id, user__isnull=True)
        if user.department_id
        else Q(department__isnull=True, user__isnull=True)
    )
    return DocumentRecipient.objects.filter(Q(unit_id=user.unit_id) & (own | Q(user=user)))


def is_late(row: DocumentRecipient | dict[str, Any], now: dt.datetime, withdrawn: bool = False) -> bool:
    signed = row["signed_at"] if isinstance(row, dict) else row.signed_at
    due = row["sign_due_at"] if isinstance(row, dict) else row.sign_due_at
    if signed is not None:
        return bool(signed > due)
    return not withdrawn and now > due


def late_q(now: dt.datetime, prefix: str = "") -> Q:
    """Rows late at `now`: signed after the limit, or unsigned past it (not withdrawn)."""
    return Q(**{f"{prefix}signed_at__gt": F(f"{prefix}sign_due_at")}) | Q(
        **{
            f"{prefix}signed_at__isnull": True,
            f"{prefix}sign_due_at__lt": now,
            f"{prefix}document__withdrawn_at__isnull": True,
        }
    )


# --- the issuer label and the recipients ------------------------------------------------------


def issuer_label(unit: Unit, kind: str) -> str:
    """文件类别, from the issuing unit (see the module)."""
    if kind == DocumentKind.DOCUMENT:
        label = f"{unit.name}综治委文件" if unit.level in UPPER_LEVELS else f"{unit.name}文件"
    else:
        label = f"{unit.name}{DocumentKind(kind).label}"
    return label[: limit_of(Document, "issuer_label")]


def sender_unit_of(user: User) -> Unit:
    unit = user.unit
    if unit is None or not path_within(unit.path, user.capture_paths):
        raise Forbidden(
            "您的单位不在您的录入范围内，不能发文",
            code="document_sender_scope",
            audit=AuditNote("permission.denied", unit, {"capability": SEND}),
        )
    return unit


def recipient_units(user: User, sender: Unit) -> QuerySet[Unit]:
    """Units the sender may send to: below it, in the user's view scope, not grids."""
    return (
        Unit.objects.active()
        .filter(subtree_q(user.view_paths), path__startswith=sender.path)
        .exclude(path=sender.path)
        .exclude(level="grid")
    )


def recipient_departments(user: User, sender: Unit) -> QuerySet[Department]:
    """Departments of the sender's unit or below, in the user's view scope."""
    return Department.objects.filter(subtree_q(user.view_paths), path__startswith=sender.path, is_retired=False)


def recipient_people(user: User, sender: Unit) -> QuerySet[User]:
    """Active people of the sender's unit or below, in the user's view scope."""
    return User.objects.filter(
        subtree_q(user.view_paths, "unit__path"), unit__path__startswith=sender.path, is_active=True
    ).exclude(pk=user.pk)


def _out_of_scope(what: str) -> InvalidInput:
    return InvalidInput.field("recipients", f"{what}不在您的发文范围内", code="recipient_out_of_scope")


def _resolve_recipients(
    user: User, sender: Unit, unit_ids: Sequence[int], department_ids: Sequence[int], user_ids: Sequence[int]
) -> tuple[list[Unit], list[Department], list[User]]:
    """The units, departments and people named, each inside the user's view scope and below the
    sender; the first one outside is named in the refusal."""
    unit_ids, department_ids, user_ids = (list(dict.fromkeys(x)) for x in (unit_ids, department_ids, user_ids))
    if len(unit_ids) + len(department_ids) + len(user_ids) > MAX_RECIPIENTS:
        raise InvalidInput.field("recipients", f"一次最多发送给{MAX_RECIPIENTS}个收文对象", code="too_many")
    units = {u.pk: u for u in recipient_units(user, sender).filter(pk__in=unit_ids)}
    for uid in unit_ids:
        if uid not in units:
            named = Unit.objects.filter(pk=uid).values_list("name", flat=True).first()
            raise _out_of_scope(f"收文单位“{named}”" if named else "所选收文单位")
    depts = {d.pk: d for d in recipient_departments(user, sender).select_related("unit").filter(pk__in=department_ids)}
    for did in department_ids:
        if did not in depts:
            named = Department.objects.filter(pk=did).values_list("name", flat=True).first()
            raise _out_of_scope(f"收文部门“{named}”" if named else "所选收文部门")
    people = {p.pk: p for p in recipient_people(user, sender).filter(pk__in=user_ids)}
    for pid in user_ids:
        if pid not in people:
            named = User.objects.filter(pk=pid).values_list("full_name", flat=True).first()
            raise _out_of_scope(f"收文人“{named}”" if named else "所选收文人")
    return [units[i] for i in unit_ids], [depts[i] for i in department_ids], [people[i] for i in user_ids]


def _officers(rows: Sequence[DocumentRecipient]) -> list[User]:
    """Whom a row's notice reaches: a unit row its users without department, a department row
    the department's users, a person row the person; active users with `office.write` or
    `records.read`."""
    unit_ids = {r.unit_id for r in rows if r.user_id is None and r.department_id is None}
    dept_ids = {r.department_id for r in rows if r.user_id is None and r.department_id is not None}
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    if not (unit_ids or dept_ids or user_ids):
        return []
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(unit_id__in=unit_ids, department__isnull=True) | Q(department_id__in=dept_ids) | Q(pk__in=user_ids))
        .prefetch_related("roles")
    )
    return [u for u in users if u.pk in user_ids or u.has_cap(WRITE) or u.has_cap(READ)]


def link_of(document_id: int) -> str:
    return f"/office/documents/{document_id}"


# --- issue ------------------------------------------------------------------------------------


@dataclass
class NewDocument:
    kind: str
    title: str
    issued_on: dt.date | None = None
    category: str = DocumentCategory.OTHER
    number: str = ""
    keywords: str = ""
    description: str = ""
    sign_hours: int | None = None
    reply_required: bool = False
    reply_due_at: dt.datetime | None = None
    unit_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕"})


def number_key(number: str) -> str:
    """A 文号 as compared for uniqueness: full-width forms folded (NFKC), every space dropped and
    the brackets people type for 〔〕 read as 〔〕, so "沿综[2026] 9号" is "沿综〔2026〕9号"."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", number)
    return "".join(folded.split()).translate(_BRACKETS)


def _number_taken(sender: Unit, year: int, number: str) -> bool:
    """Whether the issuing unit already has this 文号 in the year, however it was spaced or
    bracketed (the unit's numbers of one year are few: compared in Python)."""
    if not number:
        return False
    key = number_key(number)
    taken = Document.objects.filter(sender_unit=sender, year=year).exclude(number="").values_list("number", flat=True)
    return any(number_key(other) == key for other in taken)


def _number_refusal(number: str, year: int) -> InvalidInput:
    return InvalidInput.field("number", f"本单位{year}年已有文号“{number}”的公文", code="document_number_exists")


def issue(user: User, data: NewDocument) -> Document:
    """Issue a document from the user's unit to its recipients (none: a ledger record of the
    unit's own); each recipient gets `sign_due_at` = now + the sign hours and an in-app notice."""
    require_cap(user, SEND, "没有发文的权限")
    sender = sender_unit_of(user)
    now = timezone.now()
    issued_on = data.issued_on or timezone.localdate()
    out: dict[str, Any] = {}

    def text() -> None:
        out["title"] = required_text(data.title, field="title", limit=limit_of(Document, "title"), what="文件名称")

    def kind() -> None:
        if data.kind not in DocumentKind.values:
            raise InvalidInput.field("kind", "请选择公文类型（文件、通知、简报或经验交流）", code="invalid_kind")
        if data.category not in DocumentCategory.values:
            raise InvalidInput.field("category", "请选择台账类别", code="invalid_category")

    def limits() -> None:
        for name, what in (("number", "文号"), ("keywords", "主题词")):
            limit = limit_of(Document, name)
            if len(getattr(data, name).strip()) > limit:
                raise InvalidInput.field(name, f"{what}不能超过{limit}个字", code="too_long")
        if len(data.description) > DESCRIPTION_LIMIT:
            raise InvalidInput.field("description", f"描述不能超过{DESCRIPTION_LIMIT}个字", code="too_long")

    def issued() -> None:
        if issued_on > timezone.localdate():
            raise InvalidInput.field("issued_on", "发文时间不能晚于今天", code="issued_in_future")
        if issued_on < EARLIEST_ISSUED_ON:
            raise InvalidInput.field("issued_on", "发文时间不能早于2000年1月1日", code="issued_too_early")

    def hours() -> None:
        out["hours"] = data.sign_hours if data.sign_hours is not None else rule("sign_hours")
        if not 1 <= out["hours"] <= 720:
            raise InvalidInput.field("sign_hours", "签收时限应在1到720小时之间", code="invalid_sign_hours")

    def reply() -> None:
        if data.reply_due_at is not None and timezone.is_naive(data.reply_due_at):
            data.reply_due_at = timezone.make_aware(data.reply_due_at)
        if data.reply_required and data.reply_due_at is None:
            raise InvalidInput.field("reply_due_at", "需报送材料时请填写报送截止时间", code="reply_due_required")
        if data.reply_required and data.reply_due_at is not None and data.reply_due_at <= now:
            raise InvalidInput.field("reply_due_at", "报送截止时间应晚于现在", code="reply_due_past")

    def number() -> None:
        if _number_taken(sender, issued_on.year, data.number.strip()):
            raise _number_refusal(data.number.strip(), issued_on.year)

    def recipients() -> None:
        out["recipients"] = _resolve_recipients(user, sender, data.unit_ids, data.department_ids, data.user_ids)

    check_all(text, kind, limits, issued, hours, reply, number, recipients)
    units, depts, people = out["recipients"]
    due = now + dt.timedelta(hours=out["hours"])
    try:
        with transaction.atomic():
            document = Document.objects.create(
                path=sender.path,
                sender_unit=sender,
                sender_user=user,
                kind=data.kind,
                category=data.category,
                issuer_label=issuer_label(sender, data.kind),
                number=data.number.strip(),
                year=issued_on.year,
                issued_on=issued_on,
                title=out["title"],
                keywords=data.keywords.strip(),
                description=data.description.strip(),
                sign_hours=out["hours"],
                reply_required=data.reply_required,
                reply_due_at=data.reply_due_at if data.reply_required else None,
                recipient_count=len(units) + len(depts) + len(people),
                sent_at=now,
            )
            rows = DocumentRecipient.objects.bulk_create(
                [DocumentRecipient(document=document, unit=u, sign_due_at=due) for u in units]
                + [
                    DocumentRecipient(document=document, unit_id=d.unit_id, department=d, sign_due_at=due)
                    for d in depts
                ]
                + [DocumentRecipient(document=document, unit_id=p.unit_id, user=p, sign_due_at=due) for p in people]
            )
            attach_files(user, data.attachment_ids, OfficeAttachment.Owner.DOCUMENT, document.pk)
            record_event(
                "office.document_issued",
                obj=document,
                detail={"kind": data.kind, "number": document.number, "recipients": len(rows)},
            )
            label = DocumentKind(data.kind).label
            notify_users(
                _officers(rows),
                "office_document",
                f"收到{label}：{document.title}",
                f"{sender.name}发来{label}「{document.title}」，请在{out['hours']}小时内签收",
                link=link_of(document.pk),
            )
    except IntegrityError as exc:  # two senders took the same 文号 at once
        if "number" in str(exc) or "document_number_once" in str(exc):
            raise _number_refusal(data.number.strip(), issued_on.year) from exc
        raise
    return document


# --- the recipient's side ---------------------------------------------------------------------


def own_row(user: User, document: Document, *, lock: bool = False) -> DocumentRecipient | None:
    rows = my_rows(user).filter(document=document)
    if lock:
        rows = rows.select_for_update()
    # The unit's (or department's) row first, then the person's.
    return rows.order_by(F("user_id").asc(nulls_first=True), "id").first()


def _require_own_row(user: User, document: Document) -> DocumentRecipient:
    row = own_row(user, document, lock=True) if user.has_cap(WRITE) else None
    if row is None:
        raise Forbidden(
            "您不是该公文的收文单位或收文人，不能签收或报送",
            code="document_not_recipient",
            audit=AuditNote("permission.denied", document, {"capability": WRITE}),
        )
    return row


def _require_active(document: Document) -> None:
    if document.is_withdrawn:
        raise InvalidInput("该公文已撤回，不能再签收或报送", code="document_withdrawn")


def mark_read(user: User, document: Document) -> None:
    """The first opening by a user of the recipient sets the reading time (once, by the system)."""
    if user.unit_id is None:
        return
    my_rows(user).filter(document=document, first_read_at__isnull=True).update(
        first_read_at=timezone.now(), read_by=user
    )


@transaction.atomic
def sign(user: User, document_id: int) -> DocumentRecipient:
    """签收: once per recipient row, while the document is not withdrawn; the time is now."""
    document = get_document(user, document_id)
    row = _require_own_row(user, document)
    _require_active(document)
    if row.signed_at is not None:
        raise InvalidInput("该公文已签收", code="already_signed")
    now = timezone.now()
    row.signed_at, row.signed_by = now, user
    if row.first_read_at is None:
        row.first_read_at, row.read_by = now, user
    row.save(update_fields=["signed_at", "signed_by", "first_read_at", "read_by"])
    Document.objects.filter(pk=document.pk).update(signed_count=F("signed_count") + 1)
    record_event(
        "office.document_signed",
        obj=document,
        detail={"recipient_id": row.pk, "unit_id": row.unit_id, "late": is_late(row, now)},
    )
    return row


@transaction.atomic
def reply(user: User, document_id: int, note: str, attachment_ids: list[int]) -> DocumentRecipient:
    """材料报送: a note and files, once, when the document asks for material; after the deadline
    it is still taken and shows as 逾期报送."""
    document = get_document(user, document_id)
    row = _require_own_row(user, document)
    _require_active(document)
    if not document.reply_required:
        raise InvalidInput("该公文不需要报送材料", code="reply_not_required")
    if row.replied_at is not None:
        raise InvalidInput("本单位已报送过材料", code="already_replied")
    text = note.strip()
    if len(text) > NOTE_LIMIT:
        raise InvalidInput.field("note", f"报送说明不能超过{NOTE_LIMIT}个字", code="too_long")
    if not text and not attachment_ids:
        raise InvalidInput.field("note", "请填写报送说明或上传材料", code="reply_empty")
    now = timezone.now()
    row.replied_at, row.replied_by, row.reply_note = now, user, text
    row.save(update_fields=["replied_at", "replied_by", "reply_note"])
    attach_files(user, attachment_ids, OfficeAttachment.Owner.REPLY, row.pk)
    late = document.reply_due_at is not None and now > document.reply_due_at
    record_event("office.document_replied", obj=document, detail={"recipient_id": row.pk, "late": late})
    notify_users(
        [document.sender_user],
        "office_document",
        f"收到报送材料：{document.title}",
        f"{row.unit.name}报送了「{document.title}」的材料" + ("（逾期）" if late else ""),
        link=link_of(document.pk),
    )
    return row


# --- the sender's side ------------------------------------------------------------------------


@transaction.atomic
def remind(user: User, document_id: int) -> int:
    """催签: an in-app notice to every recipient that has not signed; returns how many rows."""
    document = get_document(user, document_id)
    require_sender(user, document)
    _require_active(document)
    rows = list(DocumentRecipient.objects.filter(document=document, signed_at__isnull=True))
    if not rows:
        raise InvalidInput("所有收文单位均已签收", code="nothing_to_remind")
    notify_users(
        _officers(rows),
        "office_document",
        f"催签：{document.title}",
        f"{document.sender_unit.name}提醒您签收「{document.title}」",
        link=link_of(document.pk),
    )
    record_event("office.document_reminded", obj=document, detail={"unsigned": len(rows)})
    return len(rows)


@transaction.atomic
def withdraw(user: User, document_id: int, reason: str) -> Document:
    """撤回 with a reason; the recipients then see it as withdrawn and cannot sign it."""
    document = get_document(user, document_id)
    require_sender(user, document)
    locked: Document = Document.objects.select_for_update().get(pk=document.pk)
    if locked.is_withdrawn:
        raise InvalidInput("该公文已撤回", code="document_withdrawn")
    text = required_text(reason, field="reason", limit=limit_of(Document, "withdrawn_reason"), what="撤回原因")
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = timezone.now(), user, text
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    record_event("office.document_withdrawn", obj=locked, detail={"reason": text})
    rows = list(DocumentRecipient.objects.filter(document=locked))
    notify_users(
        _officers(rows),
        "office_document",
        f"公文已撤回：{locked.title}",
        f"{locked.sender_unit.name}撤回了「{locked.title}」：{text}",
        link=link_of(locked.pk),
    )
    return locked


# --- late receipts for the assessment ---------------------------------------------------------


def _unit_rows(unit_ids: Sequence[int], month: dt.date) -> QuerySet[DocumentRecipient]:
    start, end = month_range(month)
    return DocumentRecipient.objects.filter(
        unit_id__in=list(unit_ids),
        department__isnull=True,
        user__isnull=True,
        sign_due_at__gte=start,
        sign_due_at__lt=end,
    )


def late_receipts(unit_ids: Sequence[int], month: dt.date) -> dict[int, int]:
    """超时收文 of each unit in the month (its own rows whose signing was due that month):
    signed after the limit, or unsigned and past it. Units with none count 0."""
    now = timezone.now()
    counts = dict(
        _unit_rows(unit_ids, month)
        .filter(late_q(now))
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    return {uid: counts.get(uid, 0) for uid in unit_ids}


def receipt_counts(unit_ids: Sequence[int], month: dt.date) -> dict[int, dict[str, int]]:
    """Received, signed and late of each unit in the month, in one query."""
    now = timezone.now()
    rows = (
        _unit_rows(unit_ids, month)
        .values("unit_id")
        .annotate(
            received=Count("id"),
            signed=Count("id", filter=Q(signed_at__isnull=False)),
            late=Count("id", filter=late_q(now)),
        )
    )
    out = {uid: {"received": 0, "signed": 0, "late": 0} for uid in unit_ids}
    for r in rows:
        out[r["unit_id"]] = {"received": r["received"], "signed": r["signed"], "late": r["late"]}
    return out
