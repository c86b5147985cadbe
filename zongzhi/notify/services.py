"""Who is told what: messages to users, or to the staff of a unit or department.

Callers say whom to tell (users, or a `Staff` to resolve: a unit's own officers or a
department's, those who may handle cases) and what; notify knows nothing of what the message is
about. Messages to a `Staff` go through the outbox (`PendingNotice`), written in the caller's
transaction: with a broker (production) the delivery job writes them within seconds; the
embedded default delivers them at once, with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from zongzhi.core.fastinsert import Batch, Inserter
from zongzhi.core.fields import limit_of
from zongzhi.units.models import User

from .models import Notification, PendingNotice
from .sms import send_sms_task

# Kinds of message that also go out by SMS (the seeds: the system sends a phone reminder), with
# their text: it names no case (titles carry parties' names, and SMS passes through the
# operator's platform); `{count}` is how many such messages the person has in the batch.
_TITLE_MAX = limit_of(Notification, "title")
_BODY_MAX = limit_of(Notification, "body")

SMS_TEXTS = {
    "new": "您有新的待办办件，请登录综治信息系统查看",
    "supervised": "您办理的办件被上级督办，请登录综治信息系统查看",
    "overdue": "您有{count}件办件已超期，请登录综治信息系统查看",
    # a 重大 information report reached the unit (alerts/services_reports.py); no title either
    "info_new": "您单位收到重大维稳信息，请立即登录综治信息系统研判上报",
}


@dataclass(frozen=True)
class Staff:
    """Those who handle cases for a unit (its own officers, not its departments') or, when
    `department_id` is given, for that department."""

    unit_id: int
    department_id: int | None = None


@dataclass(frozen=True)
class Notice:
    """One message to a `Staff`: `kind` names the message (and its SMS, `SMS_TEXTS`)."""

    to: Staff
    kind: str
    title: str
    body: str
    case_id: int | None = None


def staff_for(staffs: set[Staff]) -> dict[Staff, list[User]]:
    """Active users who handle cases for each staff, in one query however many."""
    unit_ids = {s.unit_id for s in staffs if s.department_id is None}
    dept_ids = {s.department_id for s in staffs if s.department_id is not None}
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
    return {
        s: (by_dept.get(s.department_id, []) if s.department_id is not None else by_unit.get(s.unit_id, []))
        for s in staffs
    }


def notify_users(
    users: list[User],
    kind: str,
    title: str,
    body: str,
    *,
    case_id: int | None = None,
    link: str = "",
    sms: bool | str = False,
) -> int:
    """Tell these users now (in the caller's transaction; SMS after it commits). `link` is the
    console page the notice opens when it is not about a case; `sms` is True for the kind's
    usual text, or the text itself (an SMS never carries the matter's details)."""
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, title=title[:_TITLE_MAX], body=body[:_BODY_MAX], case_id=case_id, link=link)
            for u in users
        ],
        batch_size=2000,
    )
    phones = sorted({u.phone for u in users if u.phone})
    if sms and phones:
        default = SMS_TEXTS.get(kind, "您有新的办件消息，请登录综治信息系统查看").format(count=1)
        _send_later(phones, sms if isinstance(sms, str) else default)
    return len(users)


_insert_pending = Inserter(PendingNotice)


def notify_staff(notices: Sequence[Notice], batch: Batch | None = None) -> None:
    """Tell each notice's staff, through the outbox (see the module); whom it reaches is fixed
    when the notice is delivered. With a `batch`, one notice for the outbox waits in it."""
    if not notices:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if batch is not None:  # the notifications name the case: written once the case is
            batch.after(lambda: _deliver(notices))
        else:
            _deliver(notices)
        return
    now = timezone.now()
    if len(notices) == 1:
        # One plain insert (statement built once): every report and most actions write one.
        _insert_pending.insert_values(_pending_values(notices[0], now), batch=batch)
        return
    PendingNotice.objects.bulk_create([PendingNotice(**_pending_values(n, now)) for n in notices], batch_size=2000)


def _pending_values(n: Notice, now: object) -> dict[str, object]:
    return {
        "unit": n.to.unit_id,
        "department": n.to.department_id,
        "reason": n.kind,
        "title": n.title,
        "body": n.body,
        "case": n.case_id,
        "created_at": now,
    }


def _deliver(notices: Iterable[Notice]) -> None:
    """Write the notices' notifications (one staff query for all) and send their SMS after
    commit: one per person and kind, however many notices of that kind they have."""
    notices = list(notices)
    staff = staff_for({n.to for n in notices})
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=n.kind, title=n.title, body=n.body, case_id=n.case_id)
            for n in notices
            for u in staff[n.to]
        ],
        batch_size=2000,
    )
    counts: dict[tuple[str, str], int] = {}
    for n in notices:
        if n.kind in SMS_TEXTS:
            for phone in {u.phone for u in staff[n.to] if u.phone}:
                counts[(n.kind, phone)] = counts.get((n.kind, phone), 0) + 1
    by_text: dict[str, list[str]] = {}
    for (kind, phone), count in sorted(counts.items()):
        by_text.setdefault(SMS_TEXTS[kind].format(count=count), []).append(phone)
    for text, phones in by_text.items():
        _send_later(phones, text)


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
            _deliver(Notice(Staff(r.unit, r.department), r.reason, r.title, r.body, r.case) for r in rows)
            PendingNotice.objects.filter(pk__in=[r.pk for r in rows]).delete()
            done += len(rows)


def _send_later(phones: list[str], text: str) -> None:
    transaction.on_commit(partial(send_sms_task.delay, phones, text))


def unread_count(user: User) -> int:
    return int(Notification.objects.filter(user=user, read_at__isnull=True).count())


def mark_read(user: User, ids: list[int] | None = None, *, case_id: int | None = None) -> int:
    """Mark `user`'s unread notifications read: those of `ids`, or those about `case_id` (they
    acted on the case: its notices have done their work), or all of them."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(Q(pk__in=ids))
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return int(qs.update(read_at=timezone.now()))


def mark_read_before(moment: object) -> int:
    """For the demo: notices that came before `moment` have been read, within two hours (the
    staff acted on them), so a new user's bell shows only the last days' news."""
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=moment).update(
        read_at=F("created_at") + timedelta(hours=2)
    )
