"""The deadline sweep: reminders before a deadline, yellow then red cards after it.

Runs every minute (Celery beat in production, a thread in the embedded default). Each step
claims a batch with one `UPDATE … WHERE id IN (due rows) AND <still due> RETURNING id`: the
predicate is checked again on every row it locks, so two workers sweeping at once never act
on the same case twice, and each learns exactly which rows it claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, QuerySet
from django.utils import timezone

from zongzhi.notify.models import Notification
from zongzhi.notify.services import REASONS, SMS_REASONS, HolderKey, staff_for
from zongzhi.notify.tasks import send_sms_task
from zongzhi.units.models import User

from .models import RUNNING_STATUSES, Case, CaseAction

BATCH = 5000


@dataclass(frozen=True)
class Due:
    """What the sweep needs of a claimed case (no model instances: thousands per batch)."""

    id: int
    number: str
    title: str
    status: str
    due_at: datetime | None
    holder: HolderKey
    parent: HolderKey | None
    holder_name: str


def _claim(due: QuerySet[Case], **updates: Any) -> list[Due]:
    """Stamp `updates` on up to BATCH due rows and return those this worker claimed."""
    qn = connection.ops.quote_name
    inner_sql, inner_params = due.order_by("due_at").values("id")[:BATCH].query.sql_with_params()
    compiler = due.query.get_compiler(connection=connection)
    where_sql, where_params = compiler.compile(due.query.where)
    sets, set_params = [], []
    for name, value in updates.items():
        field = Case._meta.get_field(name)
        assert isinstance(field, Field)
        sets.append(f"{qn(field.column)} = %s")
        set_params.append(field.get_db_prep_save(value, connection))
    table = qn(Case._meta.db_table)
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {qn('id')} IN ({inner_sql}) AND {where_sql} RETURNING {qn('id')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*set_params, *inner_params, *where_params])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    rows = Case.objects.filter(pk__in=ids).values_list(
        "id",
        "number",
        "title",
        "status",
        "due_at",
        "holder_unit_id",
        "holder_department_id",
        "holder_unit__name",
        "holder_unit__parent_id",
        "holder_department__name",
        "holder_department__unit_id",
    )
    out = []
    for cid, number, title, status, due_at, unit_id, dept_id, unit_name, parent_id, dept_name, dept_unit in rows:
        parent: HolderKey | None = (dept_unit, None) if dept_id else ((parent_id, None) if parent_id else None)
        out.append(
            Due(cid, number or str(cid), title, status, due_at, (unit_id, dept_id), parent, dept_name or unit_name)
        )
    return out


def _notify(cases: list[Due], reason: str, *, parent: bool = False) -> None:
    """One staff query and one INSERT for all notifications, however many cases are due; one
    text message per person per sweep."""
    keys = {c.id: (c.parent if parent else c.holder) for c in cases}
    staff = staff_for({k for k in keys.values() if k is not None})
    title, template = REASONS[reason]
    notes: list[Notification] = []
    texting: dict[int, tuple[User, int]] = {}
    for case in cases:
        key = keys[case.id]
        people = staff.get(key, []) if key is not None else []
        body = template.format(number=case.number, title=case.title, holder=case.holder_name)
        notes.extend(Notification(user=u, kind=reason, title=title, body=body, case_id=case.id) for u in people)
        if reason in SMS_REASONS:
            for user in people:
                texting[user.pk] = (user, texting.get(user.pk, (user, 0))[1] + 1)
    Notification.objects.bulk_create(notes, batch_size=2000)
    for user, count in texting.values():
        if user.phone:
            text = f"您有{count}件办件{title.removeprefix('办件').removeprefix('下级办件')}，请登录综治信息系统查看"
            transaction.on_commit(partial(send_sms_task.delay, [user.phone], text))


def _timeline(cases: list[Due], action: str, level: int, now: datetime) -> None:
    """One system entry per claimed case, written by the database in one statement."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        data = "json_build_object('level', %s::int, 'due_at', due_at)"
    else:
        data = "json_object('level', %s, 'due_at', due_at)"
    ids = [c.id for c in cases]
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"INSERT INTO {qn(CaseAction._meta.db_table)} "
        "(case_id, action, actor_name, from_status, to_status, comment, data, created_at) "
        f"SELECT id, %s, %s, status, status, '', {data}, %s FROM {qn(Case._meta.db_table)} WHERE id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [action, "系统", level, now, *ids])


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
                    _notify(claimed, "due_soon")
                else:
                    _timeline(claimed, f"overdue_{name}", updates["overdue_level"], now)
                    _notify(claimed, "overdue")
                    _notify(claimed, "overdue_parent", parent=True)
                counts[name] += len(claimed)
    return counts
