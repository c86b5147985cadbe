"""Who is told what: new cases, returns, supervision, approaching deadlines, overdue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zongzhi.core.fastinsert import write
from zongzhi.units.models import User

from .models import Notification, PendingNotice
from .tasks import send_sms_task

REASONS = {
    "new": ("新的待办", "{number}「{title}」已送达，请及时受理"),
    "returned": ("办件被退回", "{number}「{title}」被退回，请查看"),
    "supervised": ("办件被督办", "{number}「{title}」被上级督办，请抓紧办理"),
    "completed": ("办件待确认", "{number}「{title}」已办结，请确认"),
    "due_soon": ("办件即将到期", "{number}「{title}」即将到期，请抓紧办理"),
    "overdue": ("办件已超期", "{number}「{title}」已超期"),
    "overdue_parent": ("下级办件超期", "{holder}的{number}「{title}」已超期，请督促"),
}
# Reasons that also go out by SMS (the seeds: the system sends a phone reminder). The text names
# no case: titles carry parties' names, and SMS passes through the operator's platform.
SMS_REASONS = {"new", "supervised", "overdue"}
SMS_TEXTS = {
    "new": "您有新的待办办件，请登录综治信息系统查看",
    "supervised": "您办理的办件被上级督办，请登录综治信息系统查看",
    "overdue": "您有办件已超期，请登录综治信息系统查看",
}


HolderKey = tuple[int, int | None]  # (unit id, department id or None)


def holder_key(case: Any, *, parent: bool = False) -> HolderKey | None:
    """Who acts for the case now (or, with parent, the unit above the holder)."""
    if not parent:
        return (case.holder_unit_id, case.holder_department_id)
    if case.holder_department_id:
        return (case.holder_department.unit_id, None)
    parent_id = case.holder_unit.parent_id
    return (parent_id, None) if parent_id else None


def staff_for(keys: set[HolderKey]) -> dict[HolderKey, list[User]]:
    """Active users who handle cases for each holder, in one query however many holders."""
    unit_ids = {u for u, d in keys if d is None}
    dept_ids = {d for _u, d in keys if d is not None}
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(unit_id__in=unit_ids, department__isnull=True) | Q(department_id__in=dept_ids))
        .prefetch_related("roles")
    )
    by_unit: dict[int, list[User]] = {}
    by_dept: dict[int, list[User]] = {}
    for user in users:
        if not user.has_cap("cases.handle"):
            continue
        if user.department_id is None:
            by_unit.setdefault(user.unit_id, []).append(user)  # type: ignore[arg-type]
        else:
            by_dept.setdefault(user.department_id, []).append(user)
    return {key: (by_dept.get(key[1], []) if key[1] is not None else by_unit.get(key[0], [])) for key in keys}


def notify_users(users: list[User], kind: str, title: str, body: str, *, case_id: int | None, sms: bool) -> int:
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title, body=body, case_id=case_id) for u in users]
    )
    phones = [u.phone for u in users if u.phone]
    if sms and phones:
        # SMS leaves only once the change that caused it is committed.
        _send_later(phones, SMS_TEXTS.get(kind, "您有新的办件消息，请登录综治信息系统查看"))
    return len(users)


def notify_case_holder(case: Any, reason: str, *, parent: bool = False) -> None:
    """Tell the staff of the case's current holder (or of the unit above it).

    The holder and the text are fixed now, in the action's transaction. With a broker
    (production) they go to the outbox and the delivery job writes the notices within seconds;
    the embedded default writes them at once.
    """
    key = holder_key(case, parent=parent)
    if key is None:
        return
    title, template = REASONS[reason]
    holder = str(case.holder_department or case.holder_unit.name)
    body = template.format(number=case.number or case.pk, title=case.title, holder=holder)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        notify_users(staff_for({key})[key], reason, title, body, case_id=case.pk, sms=reason in SMS_REASONS)
        return
    # A plain insert: this runs inside every report and action (and waits with the report's
    # other writes, `fastinsert.one_round_trip`).
    write(
        f'INSERT INTO {PendingNotice._meta.db_table} (unit, department, reason, title, body, "case", created_at)'
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [*key, reason, title, body, case.pk, connection.ops.adapt_datetimefield_value(timezone.now())],
    )


def deliver_notices(batch: int = 2000) -> int:
    """Write the waiting notices (and send their SMS) in batches; returns how many were sent.

    Each batch is claimed with SKIP LOCKED on PostgreSQL, so two workers never send one twice.
    """
    done = 0
    while True:
        with transaction.atomic():
            rows = list(PendingNotice.objects.select_for_update(skip_locked=True).order_by("id")[:batch])
            if not rows:
                return done
            staff = staff_for({(r.unit, r.department) for r in rows})
            Notification.objects.bulk_create(
                [
                    Notification(user=u, kind=r.reason, title=r.title, body=r.body, case_id=r.case)
                    for r in rows
                    for u in staff[(r.unit, r.department)]
                ]
            )
            # One SMS per person and reason in a batch, not one per case.
            phones: dict[str, set[str]] = {}
            for r in rows:
                if r.reason in SMS_REASONS:
                    phones.setdefault(r.reason, set()).update(u.phone for u in staff[(r.unit, r.department)] if u.phone)
            for reason, numbers in phones.items():
                if numbers:
                    _send_later(sorted(numbers), SMS_TEXTS[reason])
            PendingNotice.objects.filter(pk__in=[r.pk for r in rows]).delete()
            done += len(rows)


def _send_later(phones: list[str], text: str) -> None:
    transaction.on_commit(lambda: send_sms_task.delay(phones, text))


def unread_count(user: User) -> int:
    return int(Notification.objects.filter(user=user, read_at__isnull=True).count())


def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(Q(pk__in=ids))
    return int(qs.update(read_at=timezone.now()))
