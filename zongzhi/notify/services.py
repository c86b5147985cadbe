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


def holder_staff(case: Any, *, parent: bool = False) -> list[User]:
    """Active users who act for the case's holder (or for the unit above it) and handle cases."""
    key = holder_key(case, parent=parent)
    return staff_for({key})[key] if key is not None else []


def notify_users(users: list[User], kind: str, title: str, body: str, *, case_id: int | None, sms: bool) -> int:
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title, body=body, case_id=case_id) for u in users]
    )
    phones = [u.phone for u in users if u.phone]
    if sms and phones:
        # SMS leaves only once the change that caused it is committed.
        text = SMS_TEXTS.get(kind, "您有新的办件消息，请登录综治信息系统查看")
        transaction.on_commit(lambda: send_sms_task.delay(phones, text))
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
