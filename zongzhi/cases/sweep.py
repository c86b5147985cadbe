"""The deadline sweep: reminders before a deadline, yellow then red cards after it.

Runs every minute (Celery beat in production, a thread in the embedded default). Each step
claims its rows with one conditional UPDATE that stamps a fresh claim token, then reads back
the rows carrying its token: two workers sweeping at once never act on the same case twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zongzhi.notify.models import Notification
from zongzhi.notify.services import REASONS, SMS_REASONS, holder_staff
from zongzhi.notify.tasks import send_sms_task
from zongzhi.units.models import User

from .models import RUNNING_STATUSES, Case, CaseAction

BATCH = 5000


def _claim(qs: Any, **updates: Any) -> list[Case]:
    token = uuid.uuid4().hex
    ids = list(qs.order_by("due_at").values_list("id", flat=True)[:BATCH])
    if not ids:
        return []
    qs.filter(pk__in=ids).update(sweep_claim=token, **updates)
    return list(Case.objects.filter(sweep_claim=token).select_related("holder_unit__parent", "holder_department__unit"))


def _notify(cases: list[Case], reason: str, *, parent: bool = False) -> None:
    """One staff lookup per holder and one INSERT for all notifications, however many cases
    are due; one text message per person per sweep."""
    groups: dict[tuple[int, int | None], list[Case]] = defaultdict(list)
    for case in cases:
        groups[(case.holder_unit_id, case.holder_department_id)].append(case)
    title, template = REASONS[reason]
    notes: list[Notification] = []
    texting: dict[int, tuple[User, int]] = {}
    for group in groups.values():
        staff = holder_staff(group[0], parent=parent)
        for case in group:
            holder = str(case.holder_department or case.holder_unit.name)
            body = template.format(number=case.number or case.pk, title=case.title, holder=holder)
            notes.extend(Notification(user=u, kind=reason, title=title, body=body, case_id=case.pk) for u in staff)
        if reason in SMS_REASONS:
            for user in staff:
                texting[user.pk] = (user, texting.get(user.pk, (user, 0))[1] + len(group))
    Notification.objects.bulk_create(notes, batch_size=2000)
    for user, count in texting.values():
        if user.phone:
            text = f"您有{count}件办件{title.removeprefix('办件').removeprefix('下级办件')}，请登录综治信息系统查看"
            transaction.on_commit(partial(send_sms_task.delay, [user.phone], text))


def _timeline(cases: list[Case], action: str, level: int) -> None:
    CaseAction.objects.bulk_create(
        [
            CaseAction(
                case=c,
                action=action,
                actor_name="系统",
                from_status=c.status,
                to_status=c.status,
                data={"level": level, "due_at": c.due_at.isoformat() if c.due_at else None},
            )
            for c in cases
        ]
    )


def sweep(now: datetime | None = None) -> dict[str, int]:
    """1. remind holders of deadlines within the lead time; 2. yellow-card the newly overdue
    and tell the holder and the unit above; 3. red-card those still overdue after the grace."""
    from zongzhi.core.calendar import add_working_days

    now = now or timezone.now()
    running = Case.objects.filter(status__in=RUNNING_STATUSES, due_at__isnull=False)
    red_at = add_working_days(now, settings.CASES_RED_CARD_GRACE_WORKDAYS)
    steps: list[tuple[str, Any, dict[str, Any]]] = [
        (
            "due_soon",
            running.filter(
                due_soon_notified=False,
                due_at__gt=now,
                due_at__lte=now + timedelta(hours=settings.CASES_DUE_SOON_HOURS),
            ),
            {"due_soon_notified": True},
        ),
        (
            "yellow",
            running.filter(overdue_level=0, due_at__lt=now),
            {"overdue_level": 2, "overdue_since": now, "red_card_at": red_at},
        ),
        ("red", running.filter(overdue_level=2, red_card_at__lt=now), {"overdue_level": 3}),
    ]
    counts = {}
    for name, due, updates in steps:
        counts[name] = 0
        while True:  # one transaction per batch of BATCH rows
            with transaction.atomic():
                claimed = _claim(due, **updates)
                if not claimed:
                    break
                if name == "due_soon":
                    _notify(claimed, "due_soon")
                else:
                    _timeline(claimed, f"overdue_{name}", updates["overdue_level"])
                    _notify(claimed, "overdue")
                    _notify(claimed, "overdue_parent", parent=True)
                counts[name] += len(claimed)
    return counts
