"""Who is told what: new cases, returns, supervision, approaching deadlines, overdue."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zongzhi.units.models import User

from .models import Notification
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
# Reasons that also go out by SMS (the seeds: the system sends a phone reminder).
SMS_REASONS = {"new", "supervised", "overdue"}


def holder_staff(case: object, *, parent: bool = False) -> list[User]:
    """Active users who act for the case's holder (or for the unit above it) and handle cases."""
    from zongzhi.cases.models import Case

    assert isinstance(case, Case)
    if parent:
        unit = (
            case.holder_department.unit
            if case.holder_department_id and case.holder_department
            else case.holder_unit.parent
        )
        if unit is None:
            return []
        qs = User.objects.filter(unit=unit, department__isnull=True)
    elif case.holder_department_id:
        qs = User.objects.filter(department_id=case.holder_department_id)
    else:
        qs = User.objects.filter(unit_id=case.holder_unit_id, department__isnull=True)
    users = qs.filter(is_active=True).prefetch_related("roles")
    return [u for u in users if u.has_cap("cases.handle")]


def notify_users(users: list[User], kind: str, title: str, body: str, *, case_id: int | None, sms: bool) -> int:
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title, body=body, case_id=case_id) for u in users]
    )
    phones = [u.phone for u in users if u.phone]
    if sms and phones:
        # SMS leaves only once the change that caused it is committed.
        transaction.on_commit(lambda: send_sms_task.delay(phones, body))
    return len(users)


def notify_case_holder(case: Any, reason: str, *, parent: bool = False) -> int:
    """Notify the staff of the case's current holder (or of the unit above it)."""
    title, template = REASONS[reason]
    holder = str(case.holder_department or case.holder_unit.name)
    body = template.format(number=case.number or case.pk, title=case.title, holder=holder)
    return notify_users(
        holder_staff(case, parent=parent), reason, title, body, case_id=case.pk, sms=reason in SMS_REASONS
    )


def unread_count(user: User) -> int:
    return int(Notification.objects.filter(user=user, read_at__isnull=True).count())


def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(Q(pk__in=ids))
    return int(qs.update(read_at=timezone.now()))
