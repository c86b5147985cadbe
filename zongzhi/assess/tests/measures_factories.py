"""Records for the measures' tests, written straight to the database at past dates (the apps'
services refuse a date long gone, as they should), in the shape the services write them; the
accounts are opened through the real account services. One helper per kind, sensible defaults.

The jurisdiction is the demo's (conftest): V1 冯墙社区 with its grids G1 and G2, V2 its
sibling in the same township T (沿江街道)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from zongzhi.assess.measures import MEASURES, Measured, Period, Run
from zongzhi.assess.measures_all import MEASURES as ALL
from zongzhi.core import crypto
from zongzhi.field.models import DutyLogin, Terminal
from zongzhi.office.models import StaffMember
from zongzhi.people.models import PersonCategory, Resident, Visit
from zongzhi.places.models import Facility, Inspection
from zongzhi.units import accounts
from zongzhi.units.demo import DEMO_PASSWORD
from zongzhi.units.models import Role, Unit, User

assert ALL is MEASURES

T, V1, V2, G1, G2 = "320111003000", "320111003001", "320111003002", "320111003001001", "320111003001002"
_seq = itertools.count(1)


def get(code: str) -> Unit:
    return Unit.objects.get(code=code)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def last_month() -> Period:
    """The month before today's: over, so every day of it counts."""
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following, f"{first.year}年{first.month}月")


def this_month() -> Period:
    first = timezone.localdate().replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following, f"{first.year}年{first.month}月")


def run(code: str, unit: Unit, period: Period, **params: Any) -> Measured:
    """The measure as the engine calls it: its defaults merged with the year's values."""
    m = MEASURES[code]
    return m.fn(unit, period, {"points": 5, **m.params, **params}, Run([unit]))


def user(username: str, home: Unit, role: str = "grid_worker", joined: dt.datetime | None = None) -> User:
    """An account opened by the system administrator and granted by the security administrator."""
    u = accounts.create_user(
        acting_user=User.objects.get(username="sysadmin"),
        username=username,
        full_name=username,
        phone="",
        unit=home,
        department=None,
        password=DEMO_PASSWORD,
    )
    accounts.set_grants(
        acting_user=User.objects.get(username="secadmin"),
        user=u,
        roles=Role.objects.filter(code=role),
        view_scope=[home],
        capture_scope=[home],
    )
    if joined is not None:
        User.objects.filter(pk=u.pk).update(date_joined=joined)
        u.refresh_from_db()
    return u


def login(u: User, day: dt.date, client: str = "phone", terminal: Terminal | None = None) -> DutyLogin:
    """The duty row a login of that day writes (field.services_duty.record_login)."""
    assert u.unit is not None
    return DutyLogin.objects.create(
        user=u,
        day=day,
        client=client,
        device_id=f"dev-{u.pk}" if client == "phone" else "",
        terminal=terminal,
        path=u.unit.path,
        first_at=at(day),
        last_at=at(day),
    )


def resident(home: Unit, name: str = "孙某某") -> Resident:
    n = next(_seq)
    number = f"320111199001{n:05d}X"
    return Resident.objects.create(
        path=home.path,
        kind="registered",
        name=name,
        id_number_sealed=crypto.seal(number),
        id_number_index=crypto.blind_index(number + "measures", "id_number"),
        id_number_mask=f"3201**********{n:04d}",
        sex_code="1",
    )


def listing(
    home: Unit,
    code: str = "01",
    *,
    group: str = "key",
    name: str = "孙某某",
    listed_on: dt.date,
    every: int = 30,
    team: list[dict[str, str]] | None = None,
) -> PersonCategory:
    r = resident(home, name)
    return PersonCategory.objects.create(
        resident=r,
        path=r.path,
        group=group,
        category_code=code,
        team=[{"name": "张伟", "role": "网格员"}] if team is None else team,
        listed_on=listed_on,
        visit_every_days=every,
        next_visit_on=listed_on + dt.timedelta(days=every),
    )


def visit(category: PersonCategory, day: dt.date) -> Visit:
    worker = User.objects.get(username="grid_worker")
    return Visit.objects.create(
        category=category,
        path=category.path,
        visited_on=day,
        method="home",
        content="上门了解近况",
        next_visit_on=day + dt.timedelta(days=category.visit_every_days),
        visitor=worker,
        visitor_name=worker.full_name,
    )


def facility(home: Unit, name: str, created: dt.date) -> Facility:
    return Facility.objects.create(path=home.path, name=name, kind_code="01", created_at=at(created))


def inspection(f: Facility, day: dt.date) -> Inspection:
    worker = User.objects.get(username="grid_worker")
    return Inspection.objects.create(
        facility=f, inspected_on=day, result="normal", inspector=worker, inspector_name=worker.full_name
    )


def staff(grid: Unit, role: str, name: str, left_on: dt.date | None = None) -> StaffMember:
    return StaffMember.objects.create(unit=grid, path=grid.path, grid_role=role, name=name, left_on=left_on)


def terminal(home: Unit, asset: str, holder: User | None, issued: dt.date, kind: str = "phone") -> Terminal:
    return Terminal.objects.create(
        unit=home,
        path=home.path,
        kind=kind,
        asset_number=asset,
        holder=holder,
        status=Terminal.Status.ISSUED if holder else Terminal.Status.IN_STOCK,
        issued_at=at(issued) if holder else None,
    )


def texts(measured: Measured) -> list[str]:
    return [s.text for s in measured.shortfalls]
