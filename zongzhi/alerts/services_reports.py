"""Information reports (维稳信息报送): report, screen, forward, return, follow up, convert, close.

Plain functions taking the acting user; API handlers validate, call these and serialize.

A report is held by one unit at a time (`holder_unit`): the reporter's own unit, or a grid's
village. The holder screens it and passes it up (forward), sends it back down to the unit it
came from (return), turns it into a case or closes it. Nothing of a report is edited once it is
written: news and corrections are follow-ups (续报), every step an immutable `InfoAction`.

Time limits (seed 001): a 重大 or 重要 report must reach the unit above within the hours of its
`InfoLimit`, counted from when it reached the holder (`received_at`; the first holder's clock
starts at `learned_at`). Passing it up after `due_at` marks the step late and records an
`InfoLapse` (迟报) against the late unit. A holder without a parent owes nobody: no due.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.cases.attachments import MAX_PER_SUBMISSION
from zongzhi.cases.models import Attachment, Case
from zongzhi.core import clientids
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound, OutOfScope, check_all
from zongzhi.core.fields import limit_of
from zongzhi.core.months import month_of
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.dictionary.services import require_active_code
from zongzhi.notify.services import notify_users
from zongzhi.units.models import Unit, User

from .models import (
    OPEN_INFO_STATUSES,
    Classification,
    InfoAction,
    InfoAttachment,
    InfoLapse,
    InfoLimit,
    InformationReport,
    InfoSource,
    InfoStatus,
    InfoUrgency,
    LapseKind,
)
from .services_duty import notify_on_duty

Kind = InfoAction.Kind

TITLE_MAX = limit_of(InformationReport, "title")
ADDRESS_MAX = limit_of(InformationReport, "address")
NATURE_MAX = limit_of(InformationReport, "nature")
REASON_MAX = limit_of(InfoLapse, "reason")
WITHDRAW_MAX = limit_of(InfoLapse, "withdrawn_reason")
TEXT_MAX = 5000  # description, involved, measures, comments
MAX_LINKS = 20
MAX_PEOPLE = 1_000_000
LIMIT_HOURS = (Decimal("0.25"), Decimal("72"))
# A case made from a report: stability information is a 治安隐患 in the case engine's categories.
CASE_CATEGORY = "02"


# --- visibility ------------------------------------------------------------------------------------
def visible_q(user: User) -> Q:
    """The reports a user sees: where they happened under the user's view scope, and those the
    user's unit holds or held (a report forwarded to a township from another township's
    village is still seen by the township it reached)."""
    q = subtree_q(user.view_paths)
    if user.unit_id is not None:
        reached = InfoAction.objects.filter(to_unit_id=user.unit_id).values("report_id")
        q |= Q(holder_unit_id=user.unit_id) | Q(reporter_unit_id=user.unit_id) | Q(pk__in=reached)
    return q


def visible_reports(user: User) -> QuerySet[InformationReport]:
    return InformationReport.objects.filter(visible_q(user))


def can_read_secret(user: User, report: InformationReport) -> bool:
    return report.classification != Classification.SECRET or user.has_cap("alerts.secret")


def masked(user: User, report: InformationReport) -> bool:
    """Whether the user sees the report only as a masked 秘密信息 row."""
    return not can_read_secret(user, report) and report.reporter_user_id != user.pk


def get_report(user: User, report_id: int, *, lock: bool = False) -> InformationReport:
    """The report if the user may see it: 404 if missing or out of sight (audited), 403 for a
    秘密 report the user is not cleared for (audited)."""
    qs = InformationReport.objects.select_related("holder_unit", "reporter_unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    report: InformationReport | None = qs.filter(pk=report_id).first()
    if report is None:
        raise NotFound("维稳信息不存在")
    if not visible_reports(user).filter(pk=report.pk).exists():
        raise NotFound("维稳信息不存在", audit=AuditNote("scope.denied", report, {"mode": "read", "user_id": user.pk}))
    if masked(user, report):
        raise Forbidden(
            "该信息为秘密级，您没有查看秘密信息的权限",
            code="secret_denied",
            audit=AuditNote("permission.denied", report, {"capability": "alerts.secret"}),
        )
    return report


@transaction.atomic
def open_report(user: User, report_id: int) -> InformationReport:
    """Open a report's page. Every open of a 秘密 report is audited and kept on its timeline."""
    report = get_report(user, report_id)
    if report.classification == Classification.SECRET:
        record_event("info.secret_opened", obj=report, detail={"number": report.number})
        InfoAction.objects.create(
            report=report,
            kind=Kind.OPEN,
            actor_user=user,
            actor_unit=user.unit or report.holder_unit,
            actor_department=user.department,
        )
    return report


# --- limits --------------------------------------------------------------------------------------
def limit_hours(urgency: str) -> Decimal | None:
    row = InfoLimit.objects.filter(urgency=urgency).first()
    return row.hours if row is not None else None


def due_from(report: InformationReport, holder: Unit, start: datetime) -> datetime | None:
    """When `holder` must have passed the report up: none for 一般, none at the top."""
    if holder.parent_id is None:
        return None
    hours = limit_hours(report.urgency)
    if hours is None:
        return None
    return start + timedelta(seconds=int(hours * 3600))


@transaction.atomic
def update_limit(*, acting_user: User, urgency: str, hours: Decimal, note: str | None = None) -> InfoLimit:
    require_cap(acting_user, "alerts.configure")
    if urgency not in (InfoUrgency.MAJOR, InfoUrgency.IMPORTANT):
        raise InvalidInput.field("urgency", "只有重大和重要信息设有报送时限", code="invalid_input")
    low, high = LIMIT_HOURS
    if not low <= hours <= high:
        raise InvalidInput.field("hours", f"报送时限须在{low}到{high}小时之间", code="invalid_input")
    row = InfoLimit.objects.select_for_update().filter(urgency=urgency).first()
    before = str(row.hours) if row else None
    if row is None:
        row = InfoLimit(urgency=urgency, hours=hours)
    row.hours = hours
    if note is not None:
        row.note = note.strip()[: limit_of(InfoLimit, "note")]
    row.save()
    record_event("info.limit_changed", obj=row, detail={"urgency": urgency, "before": before, "after": str(hours)})
    return row


# --- reporting -----------------------------------------------------------------------------------
@dataclass
class NewReport:
    title: str
    description: str
    category_code: str
    source: str
    classification: str = Classification.NORMAL
    urgency: str = InfoUrgency.NORMAL
    people_count: int = 0
    involved: str = ""
    links: list[dict[str, Any]] = field(default_factory=list)
    occurred_at: datetime | None = None
    learned_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    unit: Unit | None = None  # where it happened: one of the reporter's capture units
    attachment_ids: list[int] = field(default_factory=list)
    client_id: uuid.UUID | None = None


LINK_MODELS = {
    "resident": ("people", "Resident"),
    "place": ("places", "KeyPlace"),
    "organisation": ("places", "Organisation"),
}


def _clean_links(user: User, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Registered records the report names: each must be one the reporter can see; stored with
    its name as the label (never an ID number)."""
    from django.apps import apps

    if len(links) > MAX_LINKS:
        raise InvalidInput.field("links", f"关联对象最多{MAX_LINKS}个", code="too_many_links")
    out: list[dict[str, Any]] = []
    for i, link in enumerate(links):
        kind = str(link.get("type") or "")
        if kind not in LINK_MODELS:
            raise InvalidInput.field(f"links.{i}.type", "关联对象类型不正确", code="link_invalid")
        model = apps.get_model(*LINK_MODELS[kind])
        obj = model.objects.visible_to(user).filter(pk=link.get("id")).first()
        if obj is None:
            raise InvalidInput.field(f"links.{i}.id", "关联对象不存在或不在您的管辖范围内", code="link_out_of_scope")
        entry = {"type": kind, "id": obj.pk, "label": str(obj.name)[:60]}
        if entry not in out:
            out.append(entry)
    return out


def office_of(unit: Unit) -> Unit:
    """Who screens what a unit reports: a grid's village, else the unit itself."""
    if unit.level == "grid" and unit.parent is not None:
        return unit.parent
    return unit


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)  # a phone's local time: Asia/Shanghai
    return value


def _check_new(user: User, data: NewReport, now: datetime) -> dict[str, Any]:
    """Every field error of a new report at once (`check_all`); the cleaned values."""
    out: dict[str, Any] = {}

    def title() -> None:
        text = (data.title or "").strip()
        if not 2 <= len(text) <= TITLE_MAX:
            raise InvalidInput.field("title", f"标题为2-{TITLE_MAX}个字", code="title_invalid")
        out["title"] = text

    def description() -> None:
        text = (data.description or "").strip()
        if not text:
            raise InvalidInput.field("description", "请填写信息内容", code="required")
        if len(text) > TEXT_MAX:
            raise InvalidInput.field("description", f"内容不能超过{TEXT_MAX}字", code="too_long")
        out["description"] = text

    def category() -> None:
        if not data.category_code:
            raise InvalidInput.field("category_code", "请选择报送类别", code="required")
        require_active_code("info_category", data.category_code, field="category_code")

    def source() -> None:
        if data.source not in InfoSource.values:
            raise InvalidInput.field("source", "请选择信息来源", code="required")

    def classification() -> None:
        if data.classification not in Classification.values:
            raise InvalidInput.field("classification", "密级不正确", code="invalid_input")

    def urgency() -> None:
        if data.urgency not in InfoUrgency.values:
            raise InvalidInput.field("urgency", "紧急程度不正确", code="invalid_input")

    def people() -> None:
        if not 0 <= data.people_count <= MAX_PEOPLE:
            raise InvalidInput.field("people_count", "涉及人数不正确", code="invalid_input")

    def involved() -> None:
        if len(data.involved or "") > TEXT_MAX:
            raise InvalidInput.field("involved", f"涉及人员不能超过{TEXT_MAX}字", code="too_long")

    def learned() -> None:
        learned_at = _aware(data.learned_at) or now
        if learned_at > now + timedelta(minutes=5):
            raise InvalidInput.field("learned_at", "获知时间不能晚于现在", code="learned_in_future")
        out["learned_at"] = learned_at

    def occurred() -> None:
        occurred_at = _aware(data.occurred_at)
        if occurred_at is not None and occurred_at > now + timedelta(minutes=5):
            raise InvalidInput.field("occurred_at", "发生时间不能晚于现在", code="occurred_in_future")
        out["occurred_at"] = occurred_at

    def position() -> None:
        if (data.latitude is None) != (data.longitude is None):
            raise InvalidInput.field("latitude", "位置须同时有经度和纬度", code="position_invalid")
        lat, lng = data.latitude, data.longitude
        if lat is not None and lng is not None and not (3 <= lat <= 54 and 73 <= lng <= 136):
            raise InvalidInput.field("latitude", "位置不在我国境内，请检查定位", code="position_invalid")
        if len(data.address or "") > ADDRESS_MAX:
            raise InvalidInput.field("address", f"地点不能超过{ADDRESS_MAX}个字", code="too_long")

    def links() -> None:
        out["links"] = _clean_links(user, data.links or [])

    check_all(
        title, description, category, source, classification, urgency, people, involved, learned, occurred,
        position, links,
    )  # fmt: skip
    return out


def create_report(*, acting_user: User, data: NewReport) -> tuple[InformationReport, bool]:
    """Report a piece of stability information. Returns (report, created). The same
    `client_id` sent again (the phone's offline queue) returns the first report."""
    existing = clientids.resent(InformationReport, data.client_id, acting_user, owner="reporter_user_id")
    if existing is not None:
        return existing, False
    try:
        return _create(acting_user, data), True
    except IntegrityError:
        existing = clientids.resent(InformationReport, data.client_id, acting_user, owner="reporter_user_id")
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def _create(user: User, data: NewReport) -> InformationReport:
    if data.unit is not None and not path_within(data.unit.path, user.view_paths):
        raise NotFound("单位不存在", audit=AuditNote("scope.denied", data.unit, {"mode": "read", "user_id": user.pk}))
    require_cap(user, "alerts.report", "没有报送维稳信息的权限")
    if user.unit is None:
        raise Forbidden("账号没有所属单位，不能报送信息", code="no_unit")
    if data.unit is not None and not path_within(data.unit.path, user.capture_paths):
        raise OutOfScope(
            "只能报送本人负责辖区内的信息",
            code="unit_out_of_scope",
            audit=AuditNote("scope.denied", data.unit, {"mode": "write", "user_id": user.pk}),
        )
    now = timezone.now()
    clean = _check_new(user, data, now)
    unit: Unit = data.unit or user.unit
    holder = office_of(unit)
    report = InformationReport(
        path=unit.path,
        title=clean["title"],
        description=clean["description"],
        category_code=data.category_code,
        source=data.source,
        classification=data.classification,
        urgency=data.urgency,
        people_count=data.people_count,
        involved=(data.involved or "").strip(),
        links=clean["links"],
        occurred_at=clean["occurred_at"],
        learned_at=clean["learned_at"],
        latitude=data.latitude,
        longitude=data.longitude,
        address=(data.address or "").strip(),
        reporter_user=user,
        reporter_unit=user.unit,
        reporter_department=user.department,
        holder_unit=holder,
        status=InfoStatus.PENDING,
        received_at=now,
        client_id=data.client_id,
        created_at=now,
    )
    # The first holder's clock starts when the information was learned.
    report.due_at = due_from(report, holder, clean["learned_at"])
    with transaction.atomic():  # a savepoint: a duplicate client id leaves the caller usable
        report.save()
    report.number = f"XX{timezone.localtime(now):%Y%m%d}{report.pk:06d}"
    InformationReport.objects.filter(pk=report.pk).update(number=report.number)
    step = _step(report, user, Kind.REPORT, to_unit=holder, created_at=now)
    _attach(user, report, step, data.attachment_ids)
    record_event(
        "info.reported",
        obj=report,
        detail={"urgency": report.urgency, "classification": report.classification, "holder": holder.pk},
    )
    _tell_holder(report, "new")
    return report


def _step(
    report: InformationReport,
    user: User,
    kind: str,
    *,
    to_unit: Unit | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    is_late: bool = False,
    created_at: datetime | None = None,
) -> InfoAction:
    return InfoAction.objects.create(
        report=report,
        kind=kind,
        actor_user=user,
        actor_unit=user.unit or report.holder_unit,
        actor_department=user.department,
        to_unit=to_unit,
        comment=comment,
        data=data or {},
        is_late=is_late,
        created_at=created_at or timezone.now(),
    )


def _attach(user: User, report: InformationReport, step: InfoAction, ids: list[int]) -> None:
    """The user's own uploads, not yet used by a case or a report, named by this step."""
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return
    if len(ids) > MAX_PER_SUBMISSION:
        raise InvalidInput.field("attachment_ids", f"每次最多{MAX_PER_SUBMISSION}个附件", code="too_many_files")
    rows = list(
        Attachment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, uploaded_by=user, case__isnull=True)
        .filter(info_use__isnull=True)
    )
    if len(rows) != len(ids):
        raise InvalidInput.field("attachment_ids", "附件不存在或已被使用，请重新上传", code="attachment_invalid")
    InfoAttachment.objects.bulk_create([InfoAttachment(report=report, action=step, attachment=a) for a in rows])


# --- notices ---------------------------------------------------------------------------------------
NOTICES = {
    "new": ("新的维稳信息", "{number}「{title}」已送达，请及时研判{urgency}"),
    "returned": ("维稳信息被退回", "{number}「{title}」被上级退回，请查看反馈"),
    "follow_up": ("维稳信息有续报", "{number}「{title}」有新的续报"),
    "overdue": ("维稳信息超时未报", "{number}「{title}」已超过报送时限，请立即上报"),
    "overdue_parent": ("下级维稳信息超时未报", "{holder}的{number}「{title}」已超过报送时限，请督促"),
}
SMS_KINDS = {"new": "info_major"}


def screeners(unit_ids: set[int]) -> dict[int, list[User]]:
    """The officers of each unit (not its departments) who screen its information."""
    users = User.objects.filter(is_active=True, unit_id__in=unit_ids, department__isnull=True).prefetch_related("roles")
    out: dict[int, list[User]] = {uid: [] for uid in unit_ids}
    for u in users:
        if u.has_cap("alerts.screen"):
            out[u.unit_id].append(u)  # type: ignore[index]
    return out


def link_of(report_id: int) -> str:
    return f"/alerts/reports/{report_id}"


def _message(reason: str, *, number: str, title: str, urgency: str = "", holder: str = "") -> tuple[str, str]:
    heading, template = NOTICES[reason]
    return heading, template.format(number=number, title=title, urgency=urgency, holder=holder)


def _shown_title(report: InformationReport) -> str:
    return "秘密信息" if report.classification == Classification.SECRET else report.title


def _tell_holder(report: InformationReport, reason: str) -> None:
    """Tell the holder's officers (重大 on arrival also by SMS), in the action's transaction."""
    users = screeners({report.holder_unit_id})[report.holder_unit_id]
    urgency = f"（{report.get_urgency_display()}）" if report.urgency != InfoUrgency.NORMAL else ""
    title, body = _message(reason, number=report.number or "", title=_shown_title(report), urgency=urgency)
    sms = reason == "new" and report.urgency == InfoUrgency.MAJOR
    notify_users(users, "info_" + reason, title, body, link=link_of(report.pk), sms=sms)
    if reason == "new":
        # Out of hours, the holder's duty officer hears of a new report at once.
        notify_on_duty(report.holder_unit_id, title, body, link_of(report.pk))


# --- flow actions ----------------------------------------------------------------------------------
def _locked_for_holder(user: User, report_id: int, version: int | None) -> InformationReport:
    """Lock the report for an action of its holder: refused when the user's unit does not hold
    it, it is no longer open, or someone acted since the page was loaded (`version`)."""
    report = get_report(user, report_id, lock=True)
    require_cap(user, "alerts.screen", "没有研判、上报维稳信息的权限", report)
    if version is not None and version != report.version:
        raise Conflict("该信息已被他人处理，请刷新后重试", code="version_conflict")
    if report.status not in OPEN_INFO_STATUSES:
        raise InvalidInput(f"该信息已{report.get_status_display()}，不能再处理", code="report_finished")
    if user.unit_id != report.holder_unit_id or user.department_id is not None:
        raise Forbidden(
            "该信息不在本单位研判，只有当前研判单位可以处理",
            code="not_holder",
            audit=AuditNote("permission.denied", report, {"reason": "not_holder"}),
        )
    return report


def _bump(report: InformationReport, **fields: Any) -> None:
    fields["version"] = report.version + 1
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=[*fields.keys(), "updated_at"])


def _comment(text: str | None, *, required: str = "", field: str = "comment") -> str:
    value = (text or "").strip()
    if required and not value:
        raise InvalidInput.field(field, required, code="required")
    if len(value) > TEXT_MAX:
        raise InvalidInput.field(field, f"内容不能超过{TEXT_MAX}字", code="too_long")
    return value


@transaction.atomic
def screen(
    *,
    acting_user: User,
    report_id: int,
    verified: bool | None,
    nature: str,
    measures: str,
    version: int | None = None,
) -> InformationReport:
    """核实/研判: whether it is true, its nature, the measures proposed."""
    report = _locked_for_holder(acting_user, report_id, version)

    def check_verified() -> None:
        if verified is None:
            raise InvalidInput.field("verified", "请选择是否属实", code="required")

    def check_nature() -> None:
        if len((nature or "").strip()) > NATURE_MAX:
            raise InvalidInput.field("nature", f"性质研判不能超过{NATURE_MAX}字", code="too_long")

    check_all(check_verified, check_nature, lambda: _comment(measures, field="measures"))
    values = {"verified": verified, "nature": (nature or "").strip(), "measures": (measures or "").strip()}
    _step(report, acting_user, Kind.SCREEN, data=values)
    _bump(report, **values)
    record_event("info.screened", obj=report, detail={"verified": verified})
    return report


@transaction.atomic
def forward(*, acting_user: User, report_id: int, comment: str = "", version: int | None = None) -> InformationReport:
    """Pass the report up to the holder's parent unit: it becomes the holder with a new due.
    After `due_at` the step is late and the late unit gets a 迟报 lapse."""
    report = _locked_for_holder(acting_user, report_id, version)
    holder = report.holder_unit
    parent = Unit.objects.filter(pk=holder.parent_id).first() if holder.parent_id else None
    if parent is None:
        raise InvalidInput("本单位已是最高一级，没有上级单位可以上报", code="no_parent")
    text = _comment(comment)
    now = timezone.now()
    late = report.due_at is not None and now > report.due_at
    minutes = int((now - report.due_at).total_seconds() // 60) if late and report.due_at else 0
    _step(report, acting_user, Kind.FORWARD, to_unit=parent, comment=text, is_late=late, data={"from": holder.pk})
    if late:
        InfoLapse.objects.create(
            path=holder.path,
            unit=holder,
            kind=LapseKind.LATE,
            month=month_of(now),
            report=report,
            minutes_late=max(minutes, 1),
            reason=f"超过报送时限{max(minutes, 1)}分钟上报",
            recorded_at=now,
        )
    _bump(
        report,
        holder_unit=parent,
        status=InfoStatus.PENDING,
        received_at=now,
        due_at=due_from(report, parent, now),
        is_overdue=False,
    )
    record_event("info.forwarded", obj=report, detail={"to": parent.pk, "late": late})
    _tell_holder(report, "new")
    return report


@transaction.atomic
def return_down(*, acting_user: User, report_id: int, comment: str, version: int | None = None) -> InformationReport:
    """Send the report back to the unit that passed it up, with feedback; that unit may follow
    it up and forward it again."""
    report = _locked_for_holder(acting_user, report_id, version)
    text = _comment(comment, required="请填写退回的反馈意见")
    came = (
        InfoAction.objects.filter(report=report, kind=Kind.FORWARD, to_unit_id=report.holder_unit_id)
        .select_related("actor_unit")
        .order_by("-id")
        .first()
    )
    if came is None:
        raise InvalidInput("该信息是本单位首报，没有下级单位可以退回", code="nothing_below")
    below = came.actor_unit
    _step(report, acting_user, Kind.RETURN, to_unit=below, comment=text)
    _bump(report, holder_unit=below, status=InfoStatus.RETURNED, received_at=timezone.now(), due_at=None,
          is_overdue=False)  # fmt: skip
    record_event("info.returned", obj=report, detail={"to": below.pk})
    _tell_holder(report, "returned")
    return report


@transaction.atomic
def close(*, acting_user: User, report_id: int, comment: str, version: int | None = None) -> InformationReport:
    report = _locked_for_holder(acting_user, report_id, version)
    text = _comment(comment, required="请填写办结结论")
    now = timezone.now()
    _step(report, acting_user, Kind.CLOSE, comment=text, created_at=now)
    _bump(report, status=InfoStatus.CLOSED, closed_at=now, due_at=None, is_overdue=False)
    record_event("info.closed", obj=report)
    return report


@transaction.atomic
def convert(*, acting_user: User, report_id: int, comment: str = "", version: int | None = None) -> InformationReport:
    """Turn the report into a case of the case engine (kind event), linked both ways."""
    from zongzhi.cases.services import NewCase, create_case

    report = _locked_for_holder(acting_user, report_id, version)
    text = _comment(comment)
    description = report.description
    if report.involved:
        description += f"\n涉及人员：{report.involved}"
    description += f"\n（由维稳信息{report.number}转办）"
    case, _created = create_case(
        acting_user=acting_user,
        data=NewCase(
            kind="event",
            title=report.title,
            description=description[:5000],
            category_code=CASE_CATEGORY,
            occurred_at=report.occurred_at or report.learned_at,
            people_count=report.people_count,
            latitude=report.latitude,
            longitude=report.longitude,
            address=report.address,
            urgency="urgent" if report.urgency == InfoUrgency.MAJOR else "normal",
            is_major=report.urgency == InfoUrgency.MAJOR,
        ),
    )
    _step(report, acting_user, Kind.CONVERT, comment=text, data={"case_id": case.pk, "case_number": case.number})
    _bump(report, status=InfoStatus.CONVERTED, case=case, due_at=None, is_overdue=False)
    record_event("info.converted", obj=report, detail={"case_id": case.pk})
    return report


def passed_units(report: InformationReport) -> set[int]:
    """The units a report reached or came from: its reporter's, every holder's."""
    units = {report.reporter_unit_id, report.holder_unit_id}
    for actor, to in InfoAction.objects.filter(report=report).values_list("actor_unit_id", "to_unit_id"):
        units.add(actor)
        if to:
            units.add(to)
    return units


@transaction.atomic
def follow_up(
    *,
    acting_user: User,
    report_id: int,
    comment: str,
    people_count: int | None = None,
    attachment_ids: list[int] | None = None,
) -> InformationReport:
    """续报: news or a correction, by the reporter's unit or a unit the report passed through,
    until it is closed. The report itself is not changed; the holder is told."""
    report = get_report(acting_user, report_id, lock=True)
    if not (acting_user.has_cap("alerts.report") or acting_user.has_cap("alerts.screen")):
        require_cap(acting_user, "alerts.report", "没有报送维稳信息的权限", report)
    if report.status == InfoStatus.CLOSED:
        raise InvalidInput("该信息已办结，不能再续报", code="report_closed")
    if acting_user.unit_id not in passed_units(report):
        raise Forbidden(
            "只有报送单位和经手单位可以续报",
            code="not_involved",
            audit=AuditNote("permission.denied", report, {"reason": "not_involved"}),
        )
    text = _comment(comment, required="请填写续报内容")
    if people_count is not None and not 0 <= people_count <= MAX_PEOPLE:
        raise InvalidInput.field("people_count", "涉及人数不正确", code="invalid_input")
    data = {"people_count": people_count} if people_count is not None else {}
    step = _step(report, acting_user, Kind.FOLLOW_UP, comment=text, data=data)
    _attach(acting_user, report, step, attachment_ids or [])
    _bump(report, follow_up_count=report.follow_up_count + 1)
    record_event("info.followed_up", obj=report)
    if acting_user.unit_id != report.holder_unit_id:
        _tell_holder(report, "follow_up")
    return report


# --- lapses --------------------------------------------------------------------------------------
def _below(user: User, unit: Unit) -> bool:
    """Whether `unit` lies strictly below one of the user's capture units."""
    return any(unit.path.startswith(p) and unit.path != p for p in user.capture_paths)


@transaction.atomic
def record_lapse(
    *,
    acting_user: User,
    unit_id: int,
    kind: str,
    reason: str,
    month: date | None = None,
    report_id: int | None = None,
    case_id: int | None = None,
) -> InfoLapse:
    """漏报 or 瞒报 of a unit below, recorded by the unit above with a reason."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("单位不存在")
    if not path_within(unit.path, acting_user.view_paths):
        raise NotFound("单位不存在", audit=AuditNote("scope.denied", unit, {"mode": "read", "user_id": acting_user.pk}))
    require_cap(acting_user, "alerts.screen", "没有登记漏报瞒报的权限")
    if not _below(acting_user, unit):
        raise OutOfScope(
            "只能登记本单位下级单位的漏报、瞒报",
            code="lapse_out_of_scope",
            audit=AuditNote("scope.denied", unit, {"mode": "write", "user_id": acting_user.pk}),
        )
    holder: dict[str, Any] = {}

    def check_kind() -> None:
        if kind not in (LapseKind.MISSING, LapseKind.CONCEALED):
            raise InvalidInput.field("kind", "请选择漏报或瞒报", code="invalid_input")

    def check_reason() -> None:
        text = (reason or "").strip()
        if not text:
            raise InvalidInput.field("reason", "请填写原因", code="required")
        if len(text) > REASON_MAX:
            raise InvalidInput.field("reason", f"原因不能超过{REASON_MAX}字", code="too_long")

    def check_report() -> None:
        if report_id is not None:
            report = visible_reports(acting_user).filter(pk=report_id).first()
            if report is None:
                raise InvalidInput.field("report_id", "相关信息不存在或不在您的管辖范围内", code="report_invalid")
            holder["report"] = report

    def check_case() -> None:
        if case_id is not None:
            case = Case.objects.visible_to(acting_user).filter(pk=case_id).first()
            if case is None:
                raise InvalidInput.field("case_id", "相关办件不存在或不在您的管辖范围内", code="case_invalid")
            holder["case"] = case

    check_all(check_kind, check_reason, check_report, check_case)
    now = timezone.now()
    lapse = InfoLapse(
        path=unit.path,
        unit=unit,
        kind=kind,
        month=month_of(month or timezone.localdate()),
        report=holder.get("report"),
        case=holder.get("case"),
        reason=reason.strip(),
        recorded_by=acting_user,
        recorded_at=now,
    )
    try:
        with transaction.atomic():
            lapse.save()
    except IntegrityError:
        raise InvalidInput("该单位的这条信息已登记过同类问题", code="lapse_exists") from None
    record_event("info.lapse_recorded", obj=lapse, detail={"kind": kind, "unit": unit.pk})
    return lapse


@transaction.atomic
def withdraw_lapse(*, acting_user: User, lapse_id: int, reason: str) -> InfoLapse:
    """A wrong lapse is withdrawn with a reason, never deleted."""
    lapse: InfoLapse | None = InfoLapse.objects.select_for_update().select_related("unit").filter(pk=lapse_id).first()
    if lapse is None or not path_within(lapse.path, acting_user.view_paths):
        audit = AuditNote("scope.denied", lapse, {"mode": "read", "user_id": acting_user.pk}) if lapse else None
        raise NotFound("记录不存在", audit=audit)
    require_cap(acting_user, "alerts.screen", "没有撤销漏报瞒报的权限")
    if not _below(acting_user, lapse.unit):
        raise OutOfScope(
            "只有上级单位可以撤销",
            code="lapse_out_of_scope",
            audit=AuditNote("scope.denied", lapse, {"mode": "write", "user_id": acting_user.pk}),
        )
    if lapse.withdrawn_at is not None:
        raise InvalidInput("该记录已撤销", code="lapse_withdrawn")
    text = (reason or "").strip()
    if not text:
        raise InvalidInput.field("reason", "请填写撤销原因", code="required")
    if len(text) > WITHDRAW_MAX:
        raise InvalidInput.field("reason", f"撤销原因不能超过{WITHDRAW_MAX}字", code="too_long")
    lapse.withdrawn_at, lapse.withdrawn_reason = timezone.now(), text
    lapse.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record_event("info.lapse_withdrawn", obj=lapse, detail={"reason": text})
    return lapse


# --- the sweep -----------------------------------------------------------------------------------
SWEEP_BATCH = 2000


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Flag open 重大/重要 reports past their due (one UPDATE per batch, claimed so that two
    workers never flag one twice) and tell the holder and its parent once."""
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            due = InformationReport.objects.filter(status=InfoStatus.PENDING, is_overdue=False, due_at__lte=now)
            ids = list(
                due.order_by("due_at").select_for_update(skip_locked=True).values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            if not ids:
                return {"overdue": flagged}
            InformationReport.objects.filter(pk__in=ids).update(is_overdue=True)
            rows = list(
                InformationReport.objects.filter(pk__in=ids).values_list(
                    "pk", "number", "title", "classification", "holder_unit_id", "holder_unit__name",
                    "holder_unit__parent_id",
                )
            )  # fmt: skip
            units = {r[4] for r in rows} | {r[6] for r in rows if r[6]}
            staff = screeners(units)
            for pk, number, title, classification, holder, holder_name, parent in rows:
                shown = "秘密信息" if classification == Classification.SECRET else title
                heading, body = _message("overdue", number=number or str(pk), title=shown)
                notify_users(staff[holder], "info_overdue", heading, body, link=link_of(pk))
                if parent:
                    heading, body = _message("overdue_parent", number=number or str(pk), title=shown,
                                             holder=holder_name)  # fmt: skip
                    notify_users(staff[parent], "info_overdue_parent", heading, body, link=link_of(pk))
            flagged += len(ids)


# --- lists ---------------------------------------------------------------------------------------
def sent_ids(user: User) -> QuerySet[Any]:
    """已上报: reports the user's unit reported or forwarded."""
    return InfoAction.objects.filter(actor_unit_id=user.unit_id, kind__in=[Kind.REPORT, Kind.FORWARD]).values(
        "report_id"
    )


def box(user: User, name: str) -> QuerySet[InformationReport]:
    qs = visible_reports(user)
    if name == "todo":
        return qs.filter(holder_unit_id=user.unit_id, status__in=OPEN_INFO_STATUSES)
    if name == "sent":
        return qs.filter(pk__in=sent_ids(user))
    if name == "mine":
        return qs.filter(reporter_user_id=user.pk)
    return qs


# The audit actions written here, in the auditor's words (registered in apps.py).
AUDIT_LABELS = {
    "info.reported": "报送维稳信息",
    "info.secret_opened": "查阅秘密级维稳信息",
    "info.screened": "研判维稳信息",
    "info.forwarded": "上报维稳信息",
    "info.returned": "退回维稳信息",
    "info.closed": "办结维稳信息",
    "info.converted": "维稳信息转为办件",
    "info.followed_up": "续报维稳信息",
    "info.lapse_recorded": "登记漏报瞒报",
    "info.lapse_withdrawn": "撤销迟报漏报瞒报记录",
    "info.limit_changed": "修改维稳信息报送时限",
}
