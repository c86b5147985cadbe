"""Warnings (预警): issue, acknowledge, report measures, raise or lower, lift; the .docx report.

Plain functions taking the acting user; API handlers validate, call these and serialize.

Who sees a warning: whoever sees the sending unit (its `path`), and whoever sees one of its
recipients (a recipient's `path`): the village that received it, the township above that village
(told when the village lets it lapse), and nothing else of the sender's. Who acts on it:

- the sender (a user with `alerts.warn` of the sending unit, or whose capture scope holds it)
  changes its level, adds recipients, reminds and lifts it, and makes its 预警报告;
- a recipient (a user with `alerts.report` of the recipient unit, or of the recipient
  department) acknowledges it once (签收) and reports measures (落实情况) until it is lifted.
  A grid worker is the front line of the village holding their grids (seed 003: warnings acted
  on at once): a warning sent to that village is theirs to acknowledge too
  (`front_line_villages`). The recipient row stays the village's; the action and the row's
  `acknowledged_by` record who did it, and the sender is told "已由冯墙社区（张伟）签收".

Every write locks the warning row first (`select_for_update`): two senders, or a sender lifting
while a recipient acknowledges, take turns, and the second sees the first's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound, check_all, required_text
from zongzhi.core.fields import limit_of
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.notify.models import Notification
from zongzhi.notify.services import notify_users
from zongzhi.notify.sms import send_sms_task
from zongzhi.units.models import Department, Level, Unit, User

from .models import (
    WARNING_RANK,
    EarlyWarning,
    InformationReport,
    RecipientStatus,
    WarningAction,
    WarningLevel,
    WarningLimit,
    WarningRecipient,
    WarningStatus,
)
from .queries import claim_due
from .services_duty import notify_on_duty

# Longest texts typed into the forms (TextFields have no column limit of their own).
BODY_LIMIT = 2000
COMMENT_LIMIT = 1000
MAX_RECIPIENTS = 200
# Units that may send warnings (seed 001: the township and the county, or above).
SENDER_LEVELS = ("province", "city", "county", "township")
LEVEL_HELP = {
    WarningLevel.RED: "事态紧急或已经发生上（集）访事件，特别是可能发生赴省以上集体上访或赴京个人上访的群体性事件",
    WarningLevel.YELLOW: "可能发生赴市集体上访或个人赴省上访",
    WarningLevel.BLUE: "发现不稳定因素或上访苗头，要及时通过电话报告，同时采取有力措施加以防范、防止事态扩大",
}
READ_CAPS = ("alerts.report", "alerts.warn")


# --- visibility -------------------------------------------------------------------------------


def visible_warnings(user: User) -> QuerySet[EarlyWarning]:
    """The warnings the user may read: under their view scope, or sent to a recipient there."""
    received = WarningRecipient.objects.filter(subtree_q(user.view_paths)).values("warning_id")
    return EarlyWarning.objects.filter(subtree_q(user.view_paths) | Q(pk__in=received))


def shows(user: User, warning: EarlyWarning, recipient_paths: Iterable[str] | None = None) -> bool:
    if path_within(warning.path, user.view_paths):
        return True
    paths = (
        recipient_paths
        if recipient_paths is not None
        else WarningRecipient.objects.filter(warning=warning).values_list("path", flat=True)
    )
    return any(path_within(p, user.view_paths) for p in paths)


def require_reader(user: User, obj: Any = None) -> None:
    """Warnings are read by those who report (recipients) or warn (senders, leaders)."""
    if not any(user.has_cap(c) for c in READ_CAPS):
        require_cap(user, "alerts.report", "没有查看预警的权限", obj)


def get_warning(user: User, warning_id: int, *, lock: bool = False) -> EarlyWarning:
    """The warning if the user may see it, else 404 (audited when it exists); locked for a
    write when `lock`."""
    qs = EarlyWarning.objects.all()
    if lock:
        qs = qs.select_for_update()
    warning: EarlyWarning | None = qs.filter(pk=warning_id).first()
    if warning is None:
        raise NotFound("预警不存在")
    # a front-line grid worker whose view scope stops at their grids still opens their inbox
    if not shows(user, warning) and not recipient_of(user, warning.pk).exists():
        raise NotFound("预警不存在", audit=AuditNote("scope.denied", warning, {"mode": "read", "user_id": user.pk}))
    require_reader(user, warning)
    return warning


def is_sender(user: User, warning: EarlyWarning) -> bool:
    if not user.has_cap("alerts.warn"):
        return False
    return user.unit_id == warning.sender_unit_id or path_within(warning.path, user.capture_paths)


def require_sender(user: User, warning: EarlyWarning) -> None:
    if not is_sender(user, warning):
        raise Forbidden(
            "只有发布预警的单位可以执行此操作",
            code="warning_not_sender",
            audit=AuditNote("permission.denied", warning, {"capability": "alerts.warn"}),
        )


def front_line_villages(user: User) -> list[int]:
    """The villages whose grids lie in the user's capture scope (a grid worker's village), other
    than the user's own unit: their warnings are the user's to acknowledge too. One query."""
    villages = front_line_villages_of([user.pk]).get(user.pk, set())
    return sorted(v for v in villages if v != user.unit_id)


def front_line_villages_of(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """The rule of `front_line_villages` for many users at once (the must-do list's workers):
    the parents of the active grids in each one's capture scope; none for a department's user.
    One query per thousand users."""
    through = User.capture_scope.through
    ids = sorted(set(user_ids))
    out: dict[int, set[int]] = {}
    for i in range(0, len(ids), 1000):
        rows = through.objects.filter(
            user_id__in=ids[i : i + 1000],
            user__department__isnull=True,
            unit__level=Level.GRID,
            unit__is_retired=False,
            unit__parent__isnull=False,
        ).values_list("user_id", "unit__parent_id")
        for user_id, village_id in rows:
            if village_id is not None:  # filtered above; the type does not know it
                out.setdefault(user_id, set()).add(village_id)
    return out


@dataclass(frozen=True)
class Mine:
    """Which recipient rows are the user's: their department's, or (no department) those of
    their own unit and of the villages they are the front line of."""

    department_id: int | None
    unit_ids: frozenset[int]

    def holds(self, unit_id: int | None, department_id: int | None) -> bool:
        if self.department_id:
            return department_id == self.department_id
        return department_id is None and unit_id in self.unit_ids

    def q(self) -> Q:
        if self.department_id:
            return Q(department_id=self.department_id)
        return Q(unit_id__in=sorted(self.unit_ids), department__isnull=True)


def mine(user: User) -> Mine:
    if user.department_id:
        return Mine(user.department_id, frozenset())
    return Mine(None, frozenset([user.unit_id or 0, *front_line_villages(user)]))


def my_recipient_rows(user: User) -> QuerySet[WarningRecipient]:
    """The recipient rows that are the user's (`Mine`)."""
    return WarningRecipient.objects.filter(mine(user).q())


def recipient_of(user: User, warning_id: int) -> QuerySet[WarningRecipient]:
    return my_recipient_rows(user).filter(warning_id=warning_id)


def _require_active(warning: EarlyWarning) -> None:
    if warning.status != WarningStatus.ACTIVE:
        raise InvalidInput("该预警已解除，不能再执行此操作", code="warning_lifted")


def _check_version(warning: EarlyWarning, version: int | None) -> None:
    if version is not None and version != warning.version:
        raise Conflict("预警已被他人修改，请刷新后重试")


def _bump(warning: EarlyWarning, **changes: Any) -> None:
    for name, value in changes.items():
        setattr(warning, name, value)
    warning.version += 1
    warning.save(update_fields=[*changes, "version", "updated_at"])


# --- limits -----------------------------------------------------------------------------------


def ack_hours() -> dict[str, Decimal]:
    hours = dict(WarningLimit.objects.values_list("level", "ack_hours"))
    return {level: hours.get(level, Decimal("24")) for level in WarningLevel.values}


def ack_due(level: str, at: datetime, hours: dict[str, Decimal] | None = None) -> datetime:
    hours = hours or ack_hours()
    return at + timedelta(hours=float(hours[level]))


@transaction.atomic
def update_limit(*, acting_user: User, level: str, hours: Decimal) -> WarningLimit:
    """Change the hours a recipient has to acknowledge a warning of `level` (new warnings, and
    pending recipients when a warning's level changes, use it)."""
    require_cap(acting_user, "alerts.configure", "没有修改签收时限的权限")
    if level not in WarningLevel.values:
        raise InvalidInput.field("level", "预警级别不正确", code="invalid_level")
    if not (Decimal("0.25") <= hours <= Decimal("720")):
        raise InvalidInput.field("ack_hours", "签收时限应在0.25至720小时之间", code="invalid_hours")
    limit, _ = WarningLimit.objects.select_for_update().get_or_create(level=level, defaults={"ack_hours": hours})
    old = limit.ack_hours
    limit.ack_hours = hours
    limit.save()
    record_event("warning.limit_changed", obj=limit, detail={"level": level, "from": str(old), "to": str(hours)})
    return limit


# --- recipients and subjects ------------------------------------------------------------------


def recipient_units(user: User) -> QuerySet[Unit]:
    """Units the user's unit may warn: in their view scope, below their own unit, not grids."""
    own = user.unit.path if user.unit else ""
    return (
        Unit.objects.active()
        .filter(subtree_q(user.view_paths))
        .filter(path__startswith=own)
        .exclude(path=own)
        .exclude(level="grid")
    )


def recipient_departments(user: User) -> QuerySet[Department]:
    return Department.objects.filter(subtree_q(user.view_paths), is_retired=False)


@dataclass(frozen=True)
class Subject:
    type: str = ""
    id: int | None = None


def _resolve_subject(user: User, subject: Subject) -> tuple[str, int | None, str, InformationReport | None]:
    """(type, id, label, report) of a subject the user can see; refused otherwise."""
    if not subject.type:
        return "", None, "", None
    from zongzhi.cases.models import Case
    from zongzhi.people.models import Resident
    from zongzhi.places.models import KeyPlace, Organisation

    models: dict[str, Any] = {
        EarlyWarning.Subject.INFO: InformationReport,
        EarlyWarning.Subject.CASE: Case,
        EarlyWarning.Subject.RESIDENT: Resident,
        EarlyWarning.Subject.PLACE: KeyPlace,
        EarlyWarning.Subject.ORGANISATION: Organisation,
    }
    model = models.get(subject.type)
    if model is None:
        raise InvalidInput.field("subject_type", "预警对象类型不正确", code="invalid_subject")
    obj = model.objects.visible_to(user).filter(pk=subject.id).first() if subject.id else None
    secret = obj is not None and model is InformationReport and obj.classification == "secret"
    if secret and not user.has_cap("alerts.secret"):
        obj = None
    if obj is None:
        raise InvalidInput.field("subject_id", "预警对象不存在或不在您的管辖范围内", code="warning_subject_not_visible")
    if model is InformationReport or model is Case:
        label = f"{obj.number or obj.pk} {obj.title}"
    elif model is Resident:
        label = obj.audit_label()
    else:
        label = obj.name
    limit = limit_of(EarlyWarning, "subject_label")
    return subject.type, obj.pk, label[:limit], obj if model is InformationReport else None


def _resolve_recipients(
    user: User, unit_ids: Sequence[int], department_ids: Sequence[int], existing: Iterable[WarningRecipient] = ()
) -> tuple[list[Unit], list[Department]]:
    """The units and departments named, each checked against the user's scope; refused with one
    error per kind of mistake (none, duplicates, out of scope)."""
    if not unit_ids and not department_ids:
        raise InvalidInput.field("recipients", "请至少选择一个责任单位或部门", code="warning_no_recipient")
    if len(set(unit_ids)) != len(unit_ids) or len(set(department_ids)) != len(department_ids):
        raise InvalidInput.field("recipients", "责任单位或部门重复", code="warning_recipient_duplicate")
    if len(unit_ids) + len(department_ids) > MAX_RECIPIENTS:
        raise InvalidInput.field("recipients", f"一次最多选择{MAX_RECIPIENTS}个责任单位", code="too_many")
    units = list(recipient_units(user).filter(pk__in=unit_ids))
    depts = list(recipient_departments(user).select_related("unit").filter(pk__in=department_ids))
    if len(units) != len(unit_ids) or len(depts) != len(department_ids):
        raise InvalidInput.field(
            "recipients", "责任单位或部门不在您的管辖范围内", code="warning_recipient_out_of_scope"
        )
    have_units = {r.unit_id for r in existing if r.department_id is None}
    have_depts = {r.department_id for r in existing if r.department_id is not None}
    if any(u.pk in have_units for u in units) or any(d.pk in have_depts for d in depts):
        raise InvalidInput.field("recipients", "所选单位已是该预警的责任单位", code="warning_recipient_duplicate")
    return units, depts


# --- notices ----------------------------------------------------------------------------------

SMS_TEXTS = {
    "warning": "您单位收到一条{level}，请登录综治信息系统签收",
    "warning_level": "您单位收到的预警级别已调整为{level}，请登录综治信息系统查看",
    "warning_remind": "您单位有预警尚未签收或落实，请登录综治信息系统查看",
    "warning_overdue": "有{count}条预警逾期未签收，请登录综治信息系统查看",
}


def _staff(
    targets: set[tuple[int, int | None]], caps: tuple[str, ...] = READ_CAPS, *, front_line: bool = True
) -> list[User]:
    """Active users of each (unit, department) who work with warnings, and the front-line grid
    workers of each unit (`front_line_villages`), in one query."""
    unit_ids = {u for u, d in targets if d is None}
    dept_ids = {d for _u, d in targets if d is not None}
    if not unit_ids and not dept_ids:
        return []
    who = Q(unit_id__in=unit_ids, department__isnull=True) | Q(department_id__in=dept_ids)
    if front_line and unit_ids:
        who |= Q(
            department__isnull=True,
            capture_scope__parent_id__in=unit_ids,
            capture_scope__level=Level.GRID,
            capture_scope__is_retired=False,
        )
    users = User.objects.filter(is_active=True).filter(who).distinct().prefetch_related("roles")
    return [u for u in users if any(u.has_cap(c) for c in caps)]


def tell(
    targets: set[tuple[int, int | None]],
    kind: str,
    title: str,
    body: str,
    link: str,
    *,
    sms: str = "",
    exclude: User | None = None,
) -> int:
    """In-app notices to the staff of `targets` (in the caller's transaction) and one SMS to
    their phones once it commits. Titles name no person (SMS passes the operator)."""
    users = [u for u in _staff(targets) if exclude is None or u.pk != exclude.pk]
    return notify_users(users, kind, title, body, link=link, sms=sms)


def link_of(warning_id: int) -> str:
    return f"/alerts/warnings/{warning_id}"


def _targets(recipients: Iterable[WarningRecipient]) -> set[tuple[int, int | None]]:
    return {(r.unit_id, r.department_id) for r in recipients}


def _level_label(level: str) -> str:
    return str(WarningLevel(level).label)


# --- issue ------------------------------------------------------------------------------------


@dataclass
class NewWarning:
    title: str
    body: str
    level: str
    unit_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    subject: Subject = field(default_factory=Subject)
    addressee: str = ""


def _action(
    warning: EarlyWarning,
    kind: str,
    user: User | None,
    *,
    recipient: WarningRecipient | None = None,
    comment: str = "",
    from_level: str = "",
    to_level: str = "",
    at: datetime | None = None,
) -> WarningAction:
    return WarningAction.objects.create(
        warning=warning,
        recipient=recipient,
        kind=kind,
        actor_user=user,
        actor_unit_id=user.unit_id if user else None,
        actor_department_id=user.department_id if user else None,
        comment=comment,
        from_level=from_level,
        to_level=to_level,
        created_at=at or timezone.now(),
    )


def _recipient_rows(
    warning: EarlyWarning, units: list[Unit], depts: list[Department], now: datetime
) -> list[WarningRecipient]:
    due = ack_due(warning.level, now)
    rows = [
        WarningRecipient(warning=warning, unit=u, path=u.path, level=warning.level, ack_due_at=due) for u in units
    ] + [
        WarningRecipient(
            warning=warning, unit_id=d.unit_id, department=d, path=d.unit.path, level=warning.level, ack_due_at=due
        )
        for d in depts
    ]
    return WarningRecipient.objects.bulk_create(rows)


def issue_warning(*, acting_user: User, data: NewWarning) -> EarlyWarning:
    """Send a warning to its recipients: each gets `ack_due_at` from the level's limit."""
    require_cap(acting_user, "alerts.warn", "没有发布预警的权限")
    sender = acting_user.unit
    if sender is None or sender.level not in SENDER_LEVELS:
        raise Forbidden("只有乡镇（街道）及以上单位可以发布预警", code="warning_sender_level")
    out: dict[str, Any] = {}

    def text() -> None:
        out["title"] = required_text(data.title, field="title", limit=limit_of(EarlyWarning, "title"), what="标题")
        out["body"] = required_text(data.body, field="body", limit=BODY_LIMIT, what="预警内容")

    def level() -> None:
        if data.level not in WarningLevel.values:
            raise InvalidInput.field("level", "请选择预警级别（红色、黄色或蓝色）", code="invalid_level")

    def addressee() -> None:
        limit = limit_of(EarlyWarning, "addressee")
        if len(data.addressee.strip()) > limit:
            raise InvalidInput.field("addressee", f"主送单位不能超过{limit}个字", code="too_long")

    def recipients() -> None:
        out["recipients"] = _resolve_recipients(acting_user, data.unit_ids, data.department_ids)

    def subject() -> None:
        out["subject"] = _resolve_subject(acting_user, data.subject)

    check_all(text, level, addressee, recipients, subject)
    units, depts = out["recipients"]
    subject_type, subject_id, subject_label, report = out["subject"]
    now = timezone.now()
    with transaction.atomic():
        warning = EarlyWarning.objects.create(
            path=sender.path,
            title=out["title"],
            body=out["body"],
            level=data.level,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label,
            report=report,
            addressee=data.addressee.strip(),
            sender_unit=sender,
            sender_user=acting_user,
            created_at=now,
        )
        warning.number = f"YJ{timezone.localtime(now):%Y%m%d}{warning.pk:05d}"
        warning.save(update_fields=["number"])
        rows = _recipient_rows(warning, units, depts, now)
        names = "、".join([u.name for u in units] + [d.name for d in depts])
        _action(
            warning, WarningAction.Kind.ISSUE, acting_user, comment=f"责任单位：{names}", to_level=data.level, at=now
        )
        record_event("warning.issued", obj=warning, detail={"level": data.level, "recipients": len(rows)})
        label = _level_label(data.level)
        tell(
            _targets(rows),
            "warning",
            f"收到{label}",
            f"{sender.name}发布{label}「{warning.title}」，请及时签收",
            link_of(warning.pk),
            sms=SMS_TEXTS["warning"].format(level=label),
        )
        # Out of hours, the duty officer of each recipient unit hears of it at once.
        for unit in units:
            notify_on_duty(unit.pk, f"收到{label}", f"{sender.name}发布{label}「{warning.title}」", link_of(warning.pk))
    return warning


# --- recipients' acts -------------------------------------------------------------------------


def _own_recipient(user: User, warning: EarlyWarning, prefer: str) -> WarningRecipient:
    """The user's recipient row of the warning, locked; of several (a grid worker whose grids
    lie in two villages that both received it), one in the state `prefer` first."""
    rows = (
        list(recipient_of(user, warning.pk).select_for_update().order_by("id")) if user.has_cap("alerts.report") else []
    )
    row = next((r for r in rows if r.status == prefer), rows[0] if rows else None)
    if row is None:
        raise Forbidden(
            "您的单位不是该预警的责任单位，不能签收或报告落实情况",
            code="warning_not_recipient",
            audit=AuditNote("permission.denied", warning, {"capability": "alerts.report"}),
        )
    return row


@transaction.atomic
def acknowledge(*, acting_user: User, warning_id: int, comment: str = "") -> WarningRecipient:
    """签收: once per recipient, while the warning is active."""
    warning = get_warning(acting_user, warning_id, lock=True)
    row = _own_recipient(acting_user, warning, RecipientStatus.PENDING)
    _require_active(warning)
    if row.status == RecipientStatus.ACKNOWLEDGED:
        raise InvalidInput("您的单位已签收该预警", code="warning_already_acknowledged")
    comment = _comment(comment, required=False)
    now = timezone.now()
    row.status, row.acknowledged_at, row.acknowledged_by = RecipientStatus.ACKNOWLEDGED, now, acting_user
    row.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _bump(warning)
    _action(warning, WarningAction.Kind.ACKNOWLEDGE, acting_user, recipient=row, comment=comment, at=now)
    front_line = row.department_id is None and row.unit_id != acting_user.unit_id
    record_event(
        "warning.acknowledged",
        obj=warning,
        detail={"recipient_id": row.pk, "late": now > row.ack_due_at, "front_line": front_line},
    )
    who = acting_user.full_name or acting_user.username
    tell(
        {(warning.sender_unit_id, None)},
        "warning_ack",
        "预警已签收",
        f"「{warning.title}」已由{_recipient_name(row)}（{who}）签收",
        link_of(warning.pk),
    )
    return row


def _comment(text: str, *, required: bool, what: str = "内容") -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput.field("comment", f"请填写{what}", code="required")
    if len(text) > COMMENT_LIMIT:
        raise InvalidInput.field("comment", f"{what}不能超过{COMMENT_LIMIT}个字", code="too_long")
    return text


def _recipient_name(row: WarningRecipient) -> str:
    if row.department_id:
        return Department.objects.filter(pk=row.department_id).values_list("name", flat=True).first() or ""
    return Unit.objects.filter(pk=row.unit_id).values_list("name", flat=True).first() or ""


@transaction.atomic
def report_measure(*, acting_user: User, warning_id: int, text: str) -> WarningAction:
    """落实情况: a recipient that has acknowledged reports what it did, as often as it needs."""
    warning = get_warning(acting_user, warning_id, lock=True)
    row = _own_recipient(acting_user, warning, RecipientStatus.ACKNOWLEDGED)
    _require_active(warning)
    if row.status != RecipientStatus.ACKNOWLEDGED:
        raise InvalidInput("请先签收该预警，再报告落实情况", code="warning_not_acknowledged")
    text = _comment(text, required=True, what="落实情况")
    now = timezone.now()
    row.measures_count += 1
    row.last_measure_at = now
    row.save(update_fields=["measures_count", "last_measure_at"])
    _bump(warning)
    action = _action(warning, WarningAction.Kind.MEASURE, acting_user, recipient=row, comment=text, at=now)
    record_event("warning.measure_reported", obj=warning, detail={"recipient_id": row.pk})
    tell(
        {(warning.sender_unit_id, None)},
        "warning_measure",
        "预警落实情况",
        f"{_recipient_name(row)}报告了「{warning.title}」的落实情况",
        link_of(warning.pk),
    )
    return action


# --- sender's acts ----------------------------------------------------------------------------


def _sender_warning(acting_user: User, warning_id: int, version: int | None) -> EarlyWarning:
    warning = get_warning(acting_user, warning_id, lock=True)
    require_sender(acting_user, warning)
    _require_active(warning)
    _check_version(warning, version)
    return warning


@transaction.atomic
def change_level(
    *, acting_user: User, warning_id: int, level: str, comment: str = "", version: int | None = None
) -> EarlyWarning:
    """Raise or lower the level: recipients still to acknowledge get the new level's limit,
    counted from now (an escalated one may lapse, and be escalated, again)."""
    warning = _sender_warning(acting_user, warning_id, version)
    if level not in WarningLevel.values:
        raise InvalidInput.field("level", "请选择预警级别（红色、黄色或蓝色）", code="invalid_level")
    if level == warning.level:
        raise InvalidInput.field("level", "新级别与当前级别相同", code="warning_same_level")
    comment = _comment(comment, required=False, what="说明")
    old, now = warning.level, timezone.now()
    kind = WarningAction.Kind.RAISE if WARNING_RANK[level] > WARNING_RANK[old] else WarningAction.Kind.LOWER  # type: ignore[index]
    _bump(warning, level=level)
    rows = WarningRecipient.objects.filter(warning=warning)
    rows.update(level=level)
    rows.filter(status=RecipientStatus.PENDING).update(ack_due_at=ack_due(level, now), escalated_at=None)
    _action(warning, kind, acting_user, comment=comment, from_level=old, to_level=level, at=now)
    record_event("warning.level_changed", obj=warning, detail={"from": old, "to": level})
    label = _level_label(level)
    verb = "提升" if kind == WarningAction.Kind.RAISE else "降低"
    tell(
        _targets(rows),
        "warning_level",
        f"预警级别{verb}为{label}",
        f"「{warning.title}」的级别已由{_level_label(old)}{verb}为{label}",
        link_of(warning.pk),
        sms=SMS_TEXTS["warning_level"].format(level=label),
    )
    return warning


@transaction.atomic
def add_recipients(
    *, acting_user: User, warning_id: int, unit_ids: Sequence[int], department_ids: Sequence[int]
) -> list[WarningRecipient]:
    warning = _sender_warning(acting_user, warning_id, None)
    existing = list(WarningRecipient.objects.filter(warning=warning))
    units, depts = _resolve_recipients(acting_user, unit_ids, department_ids, existing)
    now = timezone.now()
    rows = _recipient_rows(warning, units, depts, now)
    _bump(warning)
    names = "、".join([u.name for u in units] + [d.name for d in depts])
    _action(warning, WarningAction.Kind.ISSUE, acting_user, comment=f"增加责任单位：{names}", at=now)
    record_event("warning.recipients_added", obj=warning, detail={"recipients": len(rows)})
    label = _level_label(warning.level)
    tell(
        _targets(rows),
        "warning",
        f"收到{label}",
        f"{warning.sender_unit.name}发布{label}「{warning.title}」，请及时签收",
        link_of(warning.pk),
        sms=SMS_TEXTS["warning"].format(level=label),
    )
    return rows


@transaction.atomic
def remind(*, acting_user: User, warning_id: int, comment: str = "") -> int:
    """催办: tell the recipients still to acknowledge (or, when all have, all of them)."""
    warning = _sender_warning(acting_user, warning_id, None)
    comment = _comment(comment, required=False, what="催办内容")
    rows = list(WarningRecipient.objects.filter(warning=warning, status=RecipientStatus.PENDING))
    if not rows:
        rows = list(WarningRecipient.objects.filter(warning=warning))
    _bump(warning)
    _action(warning, WarningAction.Kind.REMIND, acting_user, comment=comment)
    record_event("warning.reminded", obj=warning, detail={"recipients": len(rows)})
    return tell(
        _targets(rows),
        "warning_remind",
        "预警催办",
        f"请抓紧签收并落实「{warning.title}」{('：' + comment) if comment else ''}",
        link_of(warning.pk),
        sms=SMS_TEXTS["warning_remind"],
    )


@transaction.atomic
def lift(*, acting_user: User, warning_id: int, note: str, version: int | None = None) -> EarlyWarning:
    """解除: no more acknowledgements or measures; every recipient is told."""
    warning = get_warning(acting_user, warning_id, lock=True)
    require_sender(acting_user, warning)
    if warning.status == WarningStatus.LIFTED:
        raise InvalidInput("该预警已解除", code="warning_lifted")
    _check_version(warning, version)
    note = required_text(note, field="note", limit=limit_of(EarlyWarning, "lift_note"), what="解除说明")
    now = timezone.now()
    _bump(warning, status=WarningStatus.LIFTED, lifted_at=now, lifted_by=acting_user, lift_note=note)
    rows = WarningRecipient.objects.filter(warning=warning)
    rows.update(warning_status=WarningStatus.LIFTED)
    _action(warning, WarningAction.Kind.LIFT, acting_user, comment=note, at=now)
    record_event("warning.lifted", obj=warning, detail={"note": note})
    tell(
        _targets(rows),
        "warning_lifted",
        "预警已解除",
        f"「{warning.title}」已解除：{note}",
        link_of(warning.pk),
    )
    return warning


# --- escalation sweep -------------------------------------------------------------------------

SWEEP_BATCH = 5000


def due_recipients(now: datetime) -> QuerySet[WarningRecipient]:
    """Recipients past their limit, still to acknowledge an active warning, not yet escalated
    (the partial index `recipient_due_idx`)."""
    return WarningRecipient.objects.filter(
        status=RecipientStatus.PENDING,
        warning_status=WarningStatus.ACTIVE,
        escalated_at__isnull=True,
        ack_due_at__lt=now,
    )


def sweep(now: datetime | None = None) -> int:
    """Escalate the recipients whose limit has passed: stamp `escalated_at` (a batch in one
    UPDATE … RETURNING, checked again per row, so two sweeps never escalate one twice), one
    ESCALATE step per recipient, notices to the sender's staff and to the staff of the unit
    above the recipient (a department's: its own unit), and one SMS per person."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            claimed = claim_due(due_recipients(now), SWEEP_BATCH, now)
            if not claimed:
                return total
            _escalate(claimed, now)
            total += len(claimed)


def _escalate(ids: list[int], now: datetime) -> None:
    rows = list(
        WarningRecipient.objects.filter(pk__in=ids).values_list(
            "id",
            "warning_id",
            "unit_id",
            "department_id",
            "unit__parent_id",
            "unit__name",
            "department__name",
            "warning__sender_unit_id",
            "warning__title",
        )
    )
    WarningAction.objects.bulk_create(
        [
            WarningAction(
                warning_id=wid,
                recipient_id=rid,
                kind=WarningAction.Kind.ESCALATE,
                comment=f"{dname or uname}逾期未签收",
                created_at=now,
            )
            for rid, wid, _u, _d, _p, uname, dname, _s, _t in rows
        ],
        batch_size=2000,
    )
    by_target: dict[tuple[int, int | None], list[tuple[int, str, str]]] = {}
    for _rid, wid, unit_id, dept_id, parent_id, uname, dname, sender_id, title in rows:
        name = dname or uname
        by_target.setdefault((sender_id, None), []).append((wid, title, name))
        above = unit_id if dept_id else parent_id
        if above and above != sender_id:
            by_target.setdefault((above, None), []).append((wid, title, name))
    staff = _staff(set(by_target), front_line=False)  # overdue notices go to the unit above only
    notes: list[Notification] = []
    sms_counts: dict[str, int] = {}
    for user in staff:
        key = (user.unit_id, user.department_id)
        for wid, title, name in by_target.get(key, []):  # type: ignore[arg-type]
            notes.append(
                Notification(
                    user=user,
                    kind="warning_overdue",
                    title="预警逾期未签收",
                    body=f"{name}未在时限内签收「{title}」，请督促",
                    link=link_of(wid),
                    created_at=now,
                )
            )
            if user.phone:
                sms_counts[user.phone] = sms_counts.get(user.phone, 0) + 1
    Notification.objects.bulk_create(notes, batch_size=2000)
    by_text: dict[str, list[str]] = {}
    for phone, count in sorted(sms_counts.items()):
        by_text.setdefault(SMS_TEXTS["warning_overdue"].format(count=count), []).append(phone)
    for text, phones in by_text.items():
        transaction.on_commit(partial(send_sms_task.delay, phones, text))
    EarlyWarning.objects.filter(pk__in={r[1] for r in rows}).update(updated_at=now)
