"""Services of the grid worker's day: logins on duty (在岗), seed 003 第九条 1 (少一部移动终端未登录扣0.2分).

Every successful login counts on a `DutyLogin` row of (user, local day, client, device): the
phone app (a token login from /m/) is "phone", the console "pc". The first login of the day
creates the row, later ones add to its count and move `last_at`; two logins at the same moment
never make two rows (the unique constraint, `get_or_create`, then an `F()` update).

The township's (or village's) view: for one day, every grid worker and every issued phone
terminal of the units below, logged in or not (not first); for one month, on how many of its
working days (the working-day calendar) each worker logged in on the phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from zongzhi.calendar import workdays
from zongzhi.core.access import require_cap
from zongzhi.core.months import month_end, month_of
from zongzhi.core.scope import subtree_q
from zongzhi.units.models import LoginSession, Unit, User

from .models import DutyLogin, Terminal
from .services_terminals import terminal_of_phone

AUDIT_LABELS: dict[str, str] = {}

GRID_WORKER = "grid_worker"


def client_of(login_kind: str) -> str:
    """The phone app logs in with a token, the console with a session cookie."""
    return DutyLogin.Client.PHONE if login_kind == LoginSession.Kind.TOKEN else DutyLogin.Client.PC


def record_login(*, user: User, client: str, device_id: str = "", at: dt.datetime | None = None) -> DutyLogin | None:
    """Count one login on the user's duty row of the day (race-safe). A phone login binds the
    holder's unbound phone terminal. Users without a unit (none in practice) are not counted."""
    if user.unit_id is None or user.unit is None:
        return None
    now = at or timezone.now()
    day = workdays.local_date(now)
    device = device_id if client == DutyLogin.Client.PHONE else ""
    terminal = terminal_of_phone(user, device) if device else None
    key = {"user": user, "day": day, "client": client, "device_id": device}
    try:
        with transaction.atomic():
            row, created = DutyLogin.objects.get_or_create(
                **key,
                defaults={"path": user.unit.path, "first_at": now, "last_at": now, "count": 1, "terminal": terminal},
            )
    except IntegrityError:  # created by a concurrent login between the get and the create
        row, created = DutyLogin.objects.get(**key), False
    if not created:
        DutyLogin.objects.filter(pk=row.pk).update(count=F("count") + 1, last_at=now)
        if terminal is not None and row.terminal_id != terminal.pk:
            DutyLogin.objects.filter(pk=row.pk).update(terminal=terminal)
    return row


def on_logged_in(request: HttpRequest, user: User, login_session: LoginSession) -> None:
    """Login hook (units.auth.LOGGED_IN_HOOKS)."""
    record_login(
        user=user, client=client_of(login_session.kind), device_id=login_session.device_id, at=login_session.created_at
    )


# ---------------------------------------------------------------- the day


@dataclass
class WorkerDay:
    user: User
    logged_in: bool
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    count: int
    pc: bool
    terminal: Terminal | None


@dataclass
class TerminalDay:
    terminal: Terminal
    logged_in: bool
    first_at: dt.datetime | None
    last_at: dt.datetime | None


@dataclass
class DutyDay:
    unit: Unit
    day: dt.date
    is_workday: bool
    workers: list[WorkerDay] = field(default_factory=list)
    terminals: list[TerminalDay] = field(default_factory=list)


def _require_read(user: User, unit: Unit) -> None:
    require_cap(user, "records.read", "没有查看在岗情况的权限", unit)


def grid_workers(unit: Unit) -> list[User]:
    """The active grid workers of the unit and below."""
    return list(
        User.objects.filter(is_active=True, roles__code=GRID_WORKER)
        .filter(subtree_q([unit.path], "unit__path"))
        .select_related("unit")
        .defer("unit__boundary")
        .distinct()
        .order_by("unit__path", "id")
    )


def duty_day(*, acting_user: User, unit: Unit, day: dt.date) -> DutyDay:
    """Who logged in on `day` under `unit`: grid workers (phone logins) and issued phone
    terminals, the ones not logged in first."""
    _require_read(acting_user, unit)
    rows = list(DutyLogin.objects.filter(subtree_q([unit.path]), day=day))
    workers = grid_workers(unit)
    phones = list(
        Terminal.objects.under(unit.path)
        .filter(kind=Terminal.Kind.PHONE, status=Terminal.Status.ISSUED)
        .select_related("holder", "unit")
        .defer("unit__boundary")
    )
    phone_rows: dict[int, list[DutyLogin]] = {}
    pc_users: set[int] = set()
    by_terminal: dict[int, list[DutyLogin]] = {}
    for r in rows:
        if r.client == DutyLogin.Client.PHONE:
            phone_rows.setdefault(r.user_id, []).append(r)
            if r.terminal_id is not None:
                by_terminal.setdefault(r.terminal_id, []).append(r)
        else:
            pc_users.add(r.user_id)
    held = {t.holder_id: t for t in phones if t.holder_id is not None}
    out = DutyDay(unit=unit, day=day, is_workday=workdays.is_workday(day))
    for w in workers:
        mine = phone_rows.get(w.pk, [])
        out.workers.append(
            WorkerDay(
                user=w,
                logged_in=bool(mine),
                first_at=min((r.first_at for r in mine), default=None),
                last_at=max((r.last_at for r in mine), default=None),
                count=sum(r.count for r in mine),
                pc=w.pk in pc_users,
                terminal=held.get(w.pk),
            )
        )
    for t in phones:
        mine = by_terminal.get(t.pk, [])
        out.terminals.append(
            TerminalDay(
                terminal=t,
                logged_in=bool(mine),
                first_at=min((r.first_at for r in mine), default=None),
                last_at=max((r.last_at for r in mine), default=None),
            )
        )
    out.workers.sort(key=lambda w: (w.logged_in, w.user.unit.path if w.user.unit else "", w.user.pk))
    out.terminals.sort(key=lambda t: (t.logged_in, t.terminal.path, t.terminal.asset_number))
    return out


# ---------------------------------------------------------------- the month


@dataclass
class WorkerMonth:
    user: User
    working_days: int
    days_logged_in: int
    missed: list[dt.date]


@dataclass
class DutyMonth:
    unit: Unit
    month: dt.date
    working_days: list[dt.date]
    workers: list[WorkerMonth]


def month_working_days(month: dt.date, today: dt.date) -> list[dt.date]:
    """The working days of the month up to today (a month to come has none)."""
    first = month_of(month)
    last = min(month_end(first), today)
    days: list[dt.date] = []
    d = first
    while d <= last:
        if workdays.is_workday(d):
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def duty_month(*, acting_user: User, unit: Unit, month: dt.date) -> DutyMonth:
    """Per grid worker under `unit`: the month's working days (so far) with a phone login."""
    _require_read(acting_user, unit)
    days = month_working_days(month, timezone.localdate())
    workers = grid_workers(unit)
    logged: dict[int, set[dt.date]] = {}
    if days:
        pairs = (
            DutyLogin.objects.filter(subtree_q([unit.path]))
            .filter(day__gte=days[0], day__lte=days[-1], client=DutyLogin.Client.PHONE)
            .values_list("user_id", "day")
            .distinct()
        )
        for user_id, day in pairs:
            logged.setdefault(user_id, set()).add(day)
    workday_set = set(days)
    rows = []
    for w in workers:
        mine = logged.get(w.pk, set()) & workday_set
        rows.append(
            WorkerMonth(
                user=w, working_days=len(days), days_logged_in=len(mine), missed=[d for d in days if d not in mine]
            )
        )
    rows.sort(key=lambda r: (r.days_logged_in - r.working_days, r.user.pk))
    return DutyMonth(unit=unit, month=month_of(month), working_days=days, workers=rows)


def summary(rows: list[Any]) -> dict[str, int]:
    return {"total": len(rows), "logged_in": sum(1 for r in rows if r.logged_in)}
