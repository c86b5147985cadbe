"""Activities (活动台账): the work activities a unit records, with photos, and the monthly count
the unit above watches (at least `activity_monthly_minimum` a month, seed 003 第八条 1), with the
quarterly 村务公开 of every village (seed 000 五 三、活动).

A unit's count is its own records; a village's include those of its grids (a grid is part of
the village's work). Withdrawn records are listed (tagged) but never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import month_of, months_back
from zongzhi.core.scope import require_capture, subtree_q
from zongzhi.units.models import Unit, User

from .attachments import attach_files
from .models import Activity, ActivityKind, OfficeAttachment
from .services_common import WRITE, month_bounds, rule

AUDIT_LABELS: dict[str, str] = {
    "office.activity_created": "录入活动",
    "office.activity_updated": "修改活动",
    "office.activity_withdrawn": "撤回活动",
}

VILLAGE_PATH_LENGTH = 12  # a village's path (and its grids' below it)
MAX_MONTHS = 12


@dataclass(frozen=True)
class ActivityData:
    kind: str
    name: str
    held_on: dt.date
    location: str
    topic: str
    content: str = ""


def _clean(data: ActivityData, was_held_on: dt.date | None = None) -> ActivityData:
    """The cleaned fields; the entry window applies to a new date (an edit keeping the date may
    correct an older activity's text and add photos)."""
    if data.kind not in ActivityKind.values:
        raise InvalidInput.field("kind", "请选择活动类别", code="kind_invalid")
    name, location, topic = data.name.strip(), data.location.strip(), data.topic.strip()
    if not name:
        raise InvalidInput.field("name", "请填写活动名称", code="required")
    if not location:
        raise InvalidInput.field("location", "请填写活动地点", code="required")
    if not topic:
        raise InvalidInput.field("topic", "请填写活动主题", code="required")
    if data.held_on > timezone.localdate():
        raise InvalidInput.field("held_on", "活动时间不能晚于今天", code="held_in_future")
    days = rule("record_entry_days")
    if data.held_on != was_held_on and (timezone.localdate() - data.held_on).days > days:
        raise InvalidInput.field(
            "held_on",
            f"活动须在{days}天内录入（日常办公规则），该活动已过去{(timezone.localdate() - data.held_on).days}天",
            code="activity_entry_late",
        )
    return ActivityData(data.kind, name, data.held_on, location, topic, data.content.strip())


def _check_unit(user: User, unit: Unit) -> None:
    require_cap(user, WRITE, "没有录入活动的权限", unit)
    require_capture(user, unit)
    if unit.is_retired:
        raise InvalidInput.field("unit_id", "该单位已撤销，不能录入活动", code="unit_retired")


def create_activity(
    user: User,
    unit: Unit,
    data: ActivityData,
    attachment_ids: list[int] | None = None,
    *,
    at: dt.datetime | None = None,
) -> Activity:
    """Record one activity of `unit` (in the user's capture scope) with its photos. `at` is the
    moment of entry (the demo writes its history at past moments); default now."""
    _check_unit(user, unit)
    data = _clean(data)
    with transaction.atomic():
        activity = Activity.objects.create(
            path=unit.path,
            unit=unit,
            kind=data.kind,
            name=data.name,
            held_on=data.held_on,
            location=data.location,
            topic=data.topic,
            content=data.content,
            created_by=user,
            created_at=at or timezone.now(),
        )
        attach_files(user, attachment_ids, OfficeAttachment.Owner.ACTIVITY, activity.pk)
        record_event("office.activity_created", obj=activity, detail={"kind": data.kind, "held_on": str(data.held_on)})
    return activity


def record_patrol_activity(user: User, unit: Unit, data: ActivityData) -> Activity:
    """The 治安巡逻 record an ended patrol writes (services_patrols.end_patrol): the patrol's
    start already checked the worker (`office.patrol`, their route or their unit), so neither
    `office.write` nor the capture scope is asked here; the fields are checked as any activity's."""
    data = _clean(data)
    with transaction.atomic():
        activity = Activity.objects.create(
            path=unit.path,
            unit=unit,
            kind=data.kind,
            name=data.name,
            held_on=data.held_on,
            location=data.location,
            topic=data.topic,
            content=data.content,
            created_by=user,
            created_at=timezone.now(),
        )
        record_event("office.activity_created", obj=activity, detail={"kind": data.kind, "from": "patrol"})
    return activity


def _check_editable(user: User, activity: Activity) -> None:
    require_cap(user, WRITE, "没有修改活动的权限", activity)
    require_capture(user, activity)
    if activity.is_withdrawn:
        raise InvalidInput("该活动已撤回，不能修改", code="activity_withdrawn")


def update_activity(
    user: User, activity: Activity, data: ActivityData, attachment_ids: list[int] | None = None
) -> Activity:
    """Change an activity's fields; `attachment_ids` are photos added to it."""
    _check_editable(user, activity)
    data = _clean(data, was_held_on=activity.held_on)
    with transaction.atomic():
        locked: Activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.is_withdrawn:
            raise InvalidInput("该活动已撤回，不能修改", code="activity_withdrawn")
        for field in ("kind", "name", "held_on", "location", "topic", "content"):
            setattr(locked, field, getattr(data, field))
        locked.save()
        attach_files(user, attachment_ids, OfficeAttachment.Owner.ACTIVITY, locked.pk)
        record_event("office.activity_updated", obj=locked, detail={"files_added": len(attachment_ids or [])})
    return locked


def withdraw_activity(user: User, activity: Activity, reason: str) -> Activity:
    """撤回: the record stays, tagged, with who, when and why; it no longer counts."""
    _check_editable(user, activity)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写撤回原因", code="required")
    with transaction.atomic():
        locked: Activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.is_withdrawn:
            raise InvalidInput("该活动已撤回", code="activity_withdrawn")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user
        locked.withdrawn_reason = reason
        locked.save()
        record_event("office.activity_withdrawn", obj=locked, detail={"reason": reason})
    return locked


@dataclass(frozen=True)
class ActivityFilter:
    root: Unit | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    kind: str = ""
    q: str = ""
    withdrawn: str = "active"  # active | withdrawn | all


def activity_list(user: User, f: ActivityFilter) -> QuerySet[Activity]:
    """The activities the user may read that the filters select (newest first)."""
    require_cap(user, "records.read", "没有查看活动台账的权限")
    qs = Activity.objects.visible_to(user)
    if f.root is not None:
        qs = qs.filter(subtree_q([f.root.path]))
    if f.since:
        qs = qs.filter(held_on__gte=f.since)
    if f.until:
        qs = qs.filter(held_on__lte=f.until)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q.strip():
        text = f.q.strip()
        qs = qs.filter(Q(name__contains=text) | Q(topic__contains=text) | Q(location__contains=text))
    if f.withdrawn == "active":
        qs = qs.filter(withdrawn_at__isnull=True)
    elif f.withdrawn == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    return qs.order_by("-held_on", "-id")


# --- keyset cursor: (held_on, id) packed in one integer the console can hold ---------------

_ID_SPAN = 10**9


def cursor_of(activity: Activity) -> int:
    return activity.held_on.toordinal() * _ID_SPAN + activity.pk


def after_cursor(qs: QuerySet[Activity], cursor: int) -> QuerySet[Activity]:
    day = dt.date.fromordinal(cursor // _ID_SPAN)
    pk = cursor % _ID_SPAN
    return qs.filter(Q(held_on__lt=day) | Q(held_on=day, pk__lt=pk))


# --- counts -----------------------------------------------------------------------------------


def _counted(unit: Unit) -> Q:
    """The activities that count for `unit`: its own, and for a village its grids'."""
    if len(unit.path) >= VILLAGE_PATH_LENGTH:
        return subtree_q([unit.path])
    return Q(path=unit.path)


def _owner_of(path: str, units: Iterable[Unit]) -> Unit | None:
    for u in units:
        if path == u.path or (len(u.path) >= VILLAGE_PATH_LENGTH and path.startswith(u.path)):
            return u
    return None


def _tallies(units: list[Unit], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date, str], int]:
    """{(unit id, first of month, kind): count} of the units' counted activities in the days."""
    if not units:
        return {}
    q = Q()
    for u in units:
        q |= _counted(u)
    rows = (
        Activity.objects.filter(q, held_on__gte=first, held_on__lte=last, withdrawn_at__isnull=True)
        .annotate(month=TruncMonth("held_on"))
        .values("path", "month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[tuple[int, dt.date, str], int] = {}
    by_path: dict[str, Unit | None] = {}
    for row in rows:
        path = row["path"]
        if path not in by_path:
            by_path[path] = _owner_of(path, units)
        owner = by_path[path]
        if owner is None:
            continue
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        key = (owner.pk, month, row["kind"])
        out[key] = out.get(key, 0) + row["n"]
    return out


def activity_counts(unit_ids: list[int], month: dt.date) -> dict[int, int]:
    """How many activities each unit recorded in the month holding `month` (withdrawn ones not
    counted; a village's include its grids'). For the assessment (seed 003 第八条 1)."""
    units = list(Unit.objects.filter(pk__in=unit_ids).only("id", "path"))
    first, last = month_bounds(month)
    counts = dict.fromkeys(unit_ids, 0)
    for (unit_id, _m, _k), n in _tallies(units, first, last).items():
        counts[unit_id] += n
    return counts


def _months_back(month: dt.date, n: int) -> list[dt.date]:
    return months_back(month, n)


def _quarter_of(month: dt.date) -> tuple[int, int]:
    return month.year, (month.month - 1) // 3 + 1


def _quarter_label(q: tuple[int, int]) -> str:
    return f"{q[0]}年第{q[1]}季度"


def monthly_table(user: User, root: Unit, month: dt.date, months: int = 4) -> dict[str, Any]:
    """The unit and its direct subordinate units (not grids) × the `months` months ending with
    `month`: the count of each, below the minimum marked, and each village's 村务公开 per
    quarter of those months (missing quarters marked; the current quarter is still open)."""
    require_cap(user, "records.read", "没有查看活动台账的权限")
    months = max(1, min(months, MAX_MONTHS))
    minimum = rule("activity_monthly_minimum")
    today = timezone.localdate()
    columns = _months_back(min(month, today), months)
    children = list(
        Unit.objects.filter(parent=root, is_retired=False)
        .exclude(level="grid")
        .defer("boundary")
        .order_by("sort", "code")
    )
    units = [root, *children]
    first = columns[0]
    _f, last = month_bounds(columns[-1])
    quarters = list(dict.fromkeys(_quarter_of(m) for m in columns))
    q_first = dt.date(quarters[0][0], 3 * quarters[0][1] - 2, 1)
    q_last = month_bounds(dt.date(quarters[-1][0], 3 * quarters[-1][1], 1))[1]
    tallies = _tallies(units, min(first, q_first), max(last, q_last))
    current_q = _quarter_of(today)
    rows = []
    for u in units:
        cells = []
        for m in columns:
            n = sum(v for (uid, mm, _k), v in tallies.items() if uid == u.pk and mm == m)
            cells.append({"month": m, "count": n, "below": n < minimum and m <= today, "current": m == month_of(today)})
        village_affairs = []
        if u.level == "village":
            for q in quarters:
                n = sum(
                    v
                    for (uid, mm, k), v in tallies.items()
                    if uid == u.pk and k == ActivityKind.VILLAGE_AFFAIRS and _quarter_of(mm) == q
                )
                status = "done" if n else ("open" if q == current_q else "missing")
                village_affairs.append({"quarter": _quarter_label(q), "count": n, "status": status})
        rows.append(
            {
                "unit": u,
                "is_root": u.pk == root.pk,
                "months": cells,
                "village_affairs": village_affairs,
                "below_months": sum(1 for c in cells if c["below"] and not c["current"]),
            }
        )
    return {
        "unit": root,
        "minimum": minimum,
        "months": columns,
        "quarters": [_quarter_label(q) for q in quarters],
        "rows": rows,
    }
