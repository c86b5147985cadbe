"""The deadline sweep: reminders before a deadline, yellow then red cards after it.

Runs every minute (Celery beat in production, a thread in the embedded default). Each step
claims a batch (`queries.claim_due`: two workers sweeping at once never act on the same case
twice), writes the cards' timeline steps, and tells the holders and the units above through the
outbox, in the batch's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zongzhi.core.changes import changed
from zongzhi.notify.services import Notice, Staff, notify_staff

from . import queries
from .models import RUNNING_STATUSES, Case
from .notices import notice

BATCH = 5000


@dataclass(frozen=True)
class Due:
    """What the sweep needs of a claimed case (no model instances: thousands per batch)."""

    id: int
    number: str
    title: str
    holder: Staff
    parent: Staff | None
    holder_name: str


def _claim(due: QuerySet[Case], **updates: Any) -> list[Due]:
    """Stamp `updates` on up to BATCH due rows and return those this worker claimed."""
    ids = queries.claim_due(due, BATCH, **updates)
    if not ids:
        return []
    rows = Case.objects.filter(pk__in=ids).values_list(
        "id",
        "number",
        "title",
        "holder_unit_id",
        "holder_department_id",
        "holder_unit__name",
        "holder_unit__parent_id",
        "holder_department__name",
        "holder_department__unit_id",
    )
    out = []
    for cid, number, title, unit_id, dept_id, unit_name, parent_id, dept_name, dept_unit in rows:
        # the unit above a department's holder is the department's own unit
        parent = Staff(dept_unit) if dept_id else (Staff(parent_id) if parent_id else None)
        out.append(Due(cid, number or str(cid), title, Staff(unit_id, dept_id), parent, dept_name or unit_name))
    return out


def _notices(cases: list[Due], reason: str, *, parent: bool = False) -> list[Notice]:
    """One notice per case to its holder (or to the unit above it); the outbox sends one text
    message per person and reason, however many cases."""
    out = []
    for case in cases:
        to = case.parent if parent else case.holder
        if to is not None:
            out.append(
                notice(to, reason, case_id=case.id, number=case.number, title=case.title, holder=case.holder_name)
            )
    return out


def sweep(now: datetime | None = None) -> dict[str, int]:
    """1. remind holders of deadlines within the lead time; 2. yellow-card the newly overdue
    and tell the holder and the unit above; 3. red-card those still overdue after the grace."""
    from zongzhi.calendar.workdays import add_working_days

    now = now or timezone.now()
    running = Case.objects.filter(status__in=RUNNING_STATUSES, due_at__isnull=False)
    red_at = add_working_days(now, settings.CASES_RED_CARD_GRACE_WORKDAYS)
    steps: list[tuple[str, QuerySet[Case], dict[str, Any]]] = [
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
                    notify_staff(_notices(claimed, "due_soon"))
                else:
                    ids = [c.id for c in claimed]
                    queries.add_overdue_steps(ids, f"overdue_{name}", updates["overdue_level"], now)
                    # the statistics' cells of the carded cases
                    changed("case", Case.objects.filter(pk__in=ids).values_list("path", "created_at"))
                    notify_staff(_notices(claimed, "overdue") + _notices(claimed, "overdue_parent", parent=True))
                counts[name] += len(claimed)
    return counts
