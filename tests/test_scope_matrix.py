"""The scope matrix: every API endpoint × every persona, in scope and out of scope.

The expected outcome comes from an oracle written independently of the product's scope code:
the personas' scopes as the demo defines them (unit codes) and the capabilities of the
built-in roles as the migration defines them. Out-of-scope requests must get 403/404 with no
data, and leave an audit event. Registry writes follow the write rule (`Oracle.writes`): the
township and the county read the target village's records but their changes are refused;
tests/test_scope_upper_levels.py covers the rest of the registry's writes and the correction
capability.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from zongzhi.alerts.models import (
    DutyHandover,
    DutyShift,
    GroupSms,
    InfoAction,
    InfoLapse,
    Informant,
    InformationReport,
    SensitivePeriod,
)
from zongzhi.api import api as ninja_api
from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Case, DeadlineRule
from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.office.models import Activity, StaffMember
from zongzhi.people.idcard import check_digit
from zongzhi.people.models import PersonCategory, Resident
from zongzhi.places.models import Facility, House, KeyPlace
from zongzhi.units.auth import complete_login
from zongzhi.units.demo import PERSONAS
from zongzhi.units.models import Department, LoginSession, Unit, User

pytestmark = pytest.mark.django_db

ROLE_CAPS: dict[str, set[str]] = {
    code: set(caps)
    for code, _n, _d, caps in importlib.import_module("zongzhi.units.migrations.0002_builtin_roles").ROLES
}
# Capabilities later migrations grant to built-in roles.
for _migration in (
    "zongzhi.units.migrations.0003_calendar_capability",
    "zongzhi.cases.migrations.0004_configure_capability",
    "zongzhi.registry.migrations.0003_sensitive_capability",
):
    for _code, _caps in importlib.import_module(_migration).GRANTS.items():
        ROLE_CAPS[_code] |= set(_caps)
# The alerts app's migration grants its capabilities with a map of its own.
for _app in ("alerts", "office", "field"):
    for _code, _caps in importlib.import_module(f"zongzhi.{_app}.migrations.0002_defaults").ROLE_CAPS.items():
        ROLE_CAPS[_code] |= set(_caps)
PERSONA_NAMES = [p.username for p in PERSONAS]


def _unit_path(code: str) -> str:
    return Unit.objects.get(code=code if len(code) >= 12 else code.ljust(12, "0")).path


@dataclass
class Oracle:
    username: str
    caps: set[str]
    view: list[str]
    capture: list[str]
    home: str = ""  # the path of the persona's own unit

    def sees(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.view)

    def captures(self, path: str) -> bool:
        """Administering units and accounts: the whole subtree of a capture unit."""
        return any(path.startswith(p) for p in self.capture)

    def writes(self, path: str) -> bool:
        """Registry records (seed 003 第九条, 上级可以调阅查看下级数据但不得修改): a capture unit's
        own records, a village's (12-digit path) including its grids'; anything in sight with
        the correction capability."""
        own = any(path == p or (len(p) >= 12 and path.startswith(p)) for p in self.capture)
        return own or ("registry.correct" in self.caps and self.sees(path))

    def above(self, path: str) -> bool:
        """Strictly below one of the capture units (the unit above records 漏报/瞒报)."""
        return any(path.startswith(p) and path != p for p in self.capture)


def oracle(username: str) -> Oracle:
    p = next(p for p in PERSONAS if p.username == username)
    return Oracle(
        username,
        ROLE_CAPS[p.role],
        [_unit_path(c) for c in p.view],
        [_unit_path(c) for c in p.capture],
        _unit_path(p.unit),
    )


@dataclass
class Target:
    """One place in the tree with one object of each kind."""

    name: str
    village: Unit  # a unit of this place (village, or the city for the out-of-county target)
    spare_grid: Unit  # active, no staff: can be retired
    retired_grid: Unit  # retired: can be restored
    department: Department
    user: User
    session: LoginSession
    case: Case
    resident: Resident
    category: PersonCategory
    place: KeyPlace
    info: dict[str, InformationReport]  # screen/forward, return, convert, close
    lapse: InfoLapse
    path: str = field(init=False)

    def __post_init__(self) -> None:
        self.path = self.village.path


def _make_target(name: str, village: Unit) -> Target:
    sub_level = "grid" if village.level == "village" else "county"

    def child(suffix: str, retired: bool) -> Unit:
        code = (village.path + suffix).ljust(15 if sub_level == "grid" else 12, "0")
        return Unit.objects.create(
            code=code,
            name=f"测试{suffix}",
            level=sub_level,
            parent=village,
            path=code[: len(village.path) + len(suffix)],
            is_retired=retired,
        )

    spare = child("097" if sub_level == "grid" else "97", False)
    retired = child("096" if sub_level == "grid" else "96", True)
    dept = Department.objects.create(unit=village, path=village.path, kind_code="01", name=f"{name}警务室")
    user = User.objects.create(
        username=f"target_{name}", full_name="目标用户", phone="13700000000", unit=village, must_change_password=False
    )
    request = RequestFactory().post("/api/auth/login", REMOTE_ADDR="127.0.0.1")
    complete_login(request, user, client="token")
    session = LoginSession.objects.filter(user=user).latest("id")
    case = Case.objects.create(
        kind="event",
        title=f"{name}的测试事件",
        status="pending",
        path=village.path,
        initiator_unit=village,
        holder_unit=village,
    )
    number = _id_number(village.pk)
    resident = Resident.objects.create(
        path=village.path,
        kind="registered",
        name=f"{name}居民",
        id_number_sealed=crypto.seal(number),
        id_number_index=crypto.blind_index(number, "id_number"),
        id_number_mask=mask_value(number),
        sex_code="1",
    )
    guardian_phone = {"mask": "139****1111", "sealed": base64.b64encode(crypto.seal("13900001111")).decode()}
    category = PersonCategory.objects.create(
        resident=resident,
        path=village.path,
        group="key",
        category_code="03",
        risk_level=1,
        details={"diagnosis": "测试", "guardian_name": "监护人", "guardian_phone": guardian_phone},
        listed_on=timezone.localdate() - dt.timedelta(days=30),
        visit_every_days=30,
        next_visit_on=timezone.localdate(),
    )
    place = KeyPlace.objects.create(
        path=village.path,
        name=f"{name}加油站",
        kind_code="9902",
        contact_phone_sealed=crypto.seal("13912345678"),
        contact_phone_mask="139****5678",
    )
    info = {k: _info_report(village, f"{name}{k}") for k in ("flow", "return", "convert", "close")}
    InfoAction.objects.create(report=info["return"], kind="forward", actor_unit=spare, to_unit=village)
    lapse = InfoLapse.objects.create(path=village.path, unit=village, kind="missing", month=timezone.localdate())
    return Target(name, village, spare, retired, dept, user, session, case, resident, category, place, info, lapse)


def _info_report(village: Unit, title: str) -> InformationReport:
    return InformationReport.objects.create(
        path=village.path,
        title=f"{title}的维稳信息",
        description="测试",
        category_code="07",
        source="public",
        urgency="major",
        learned_at=timezone.now(),
        occurred_at=timezone.now(),
        reporter_unit=village,
        holder_unit=village,
    )


def _id_number(seed: int) -> str:
    first17 = f"32011119800101{seed % 1000:03d}"
    return first17 + check_digit(first17)


def _facility_at(t: Target) -> Facility:
    """A security facility of the target's unit (field capture's inspections)."""
    facility, _ = Facility.objects.get_or_create(
        path=t.village.path, name=f"{t.name}探头", defaults={"kind_code": "01"}
    )
    return facility


def _house_at(t: Target) -> House:
    """A house of the target's unit (field capture's occupants)."""
    house, _ = House.objects.get_or_create(path=t.village.path, name=f"{t.name}1号", defaults={"owner_name": "房主"})
    return house


def _resident_body(t: Target) -> dict[str, Any]:
    return {"kind": "registered", "name": "目标居民", "id_number": _id_number(t.village.pk), "unit_id": _u(t)}


@pytest.fixture
def targets(db: Any) -> dict[str, Target]:
    return {
        "in": _make_target("in", Unit.objects.get(code="320111003001")),  # 沿江街道冯墙社区
        "other_township": _make_target("other", Unit.objects.get(code="320111004001")),  # 江浦街道
        "outside_county": _make_target("city", Unit.objects.get(code="320100000000")),  # 南京市
    }


@dataclass(frozen=True)
class Spec:
    method: str
    route: str  # as in the OpenAPI schema
    kind: str  # "read" | "write" | "list"
    url: Callable[[Target], str]
    body: Callable[[Target], Any] | None = None
    cap: frozenset[str] = frozenset()  # any one of these is enough
    target: str = "unit"  # which object's path decides: unit | department | user | session
    ok: tuple[int, ...] = (200, 201, 204)
    needs: frozenset[str] = frozenset()  # all of these are needed as well (special populations)


def _u(t: Target) -> int:
    return t.village.pk


def _duty_day(days: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(8, 30)))


def _duty_shift(t: Target, days: int = 0) -> DutyShift:
    """A shift of the target's unit (today's by default), its officer the target user."""
    start = _duty_day(days)
    shift, _ = DutyShift.objects.get_or_create(
        unit=t.village,
        starts_at=start,
        defaults={
            "path": t.village.path,
            "ends_at": start + dt.timedelta(hours=24),
            "officer": t.user,
            "created_by": t.user,
        },
    )
    return shift


def _handed_over(t: Target) -> DutyShift:
    """Yesterday's shift, handed over to today's (both the target user's)."""
    shift = _duty_shift(t, -1)
    DutyHandover.objects.get_or_create(
        from_shift=shift, defaults={"to_shift": _duty_shift(t), "notes": "无", "handed_by": t.user}
    )
    return shift


DUTY_READ = frozenset({"records.read", "alerts.duty"})
DUTY_WRITE = frozenset({"alerts.duty"})


SPECS: list[Spec] = [
    # first: deactivating the target user later ends their sessions
    Spec(
        "POST",
        "/api/sessions/{session_id}/end",
        "session",
        lambda t: f"/api/sessions/{t.session.pk}/end",
        None,
        frozenset({"sessions.manage"}),
        "session",
    ),
    Spec("GET", "/api/units/{unit_id}", "read", lambda t: f"/api/units/{_u(t)}"),
    Spec("GET", "/api/units/{unit_id}/children", "read", lambda t: f"/api/units/{_u(t)}/children"),
    Spec("GET", "/api/units/{unit_id}/staff", "read", lambda t: f"/api/units/{_u(t)}/staff"),
    Spec("GET", "/api/units/{unit_id}/map", "read", lambda t: f"/api/units/{_u(t)}/map"),
    Spec("GET", "/api/units", "read", lambda t: f"/api/units?under={_u(t)}"),
    Spec("GET", "/api/units/stats", "read", lambda t: f"/api/units/stats?under={_u(t)}"),
    Spec(
        "POST",
        "/api/units",
        "write",
        lambda t: "/api/units",
        lambda t: {
            "parent_id": t.village.pk,
            "code": (t.village.path + "095").ljust(15, "0") if t.village.level == "village" else "329500000000",
            "name": "新单位",
        },
        frozenset({"units.manage"}),
    ),
    Spec(
        "PATCH",
        "/api/units/{unit_id}",
        "write",
        lambda t: f"/api/units/{_u(t)}",
        lambda t: {"name": "更名后"},
        frozenset({"units.manage"}),
    ),
    Spec(
        "POST",
        "/api/units/{unit_id}/move",
        "write",
        lambda t: f"/api/units/{t.spare_grid.pk}/move",
        lambda t: {
            "parent_id": t.village.pk,
            "code": t.spare_grid.code[:-3] + "094" if t.village.level == "village" else "329400000000",
        },
        frozenset({"units.manage"}),
    ),
    Spec(
        "POST",
        "/api/units/{unit_id}/retire",
        "write",
        lambda t: f"/api/units/{t.spare_grid.pk}/retire",
        None,
        frozenset({"units.manage"}),
    ),
    Spec(
        "POST",
        "/api/units/{unit_id}/restore",
        "write",
        lambda t: f"/api/units/{t.retired_grid.pk}/restore",
        None,
        frozenset({"units.manage"}),
    ),
    Spec("GET", "/api/departments", "read", lambda t: f"/api/departments?unit={_u(t)}"),
    Spec("GET", "/api/cases/{case_id}", "read", lambda t: f"/api/cases/{t.case.pk}"),
    Spec("GET", "/api/cases", "read", lambda t: f"/api/cases?box=all&under={_u(t)}"),
    Spec(
        "GET", "/api/cases/stats", "read", lambda t: f"/api/cases/stats?unit={_u(t)}", cap=frozenset({"records.read"})
    ),
    Spec(
        "GET",
        "/api/cases/stats/export",
        "read",
        lambda t: f"/api/cases/stats/export?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/departments",
        "write",
        lambda t: "/api/departments",
        lambda t: {"unit_id": t.village.pk, "kind_code": "04", "name": "新调解室"},
        frozenset({"units.manage"}),
    ),
    Spec(
        "PATCH",
        "/api/departments/{department_id}",
        "write",
        lambda t: f"/api/departments/{t.department.pk}",
        lambda t: {"name": "改名警务室"},
        frozenset({"units.manage"}),
        "department",
    ),
    Spec(
        "POST",
        "/api/departments/{department_id}/retire",
        "write",
        lambda t: f"/api/departments/{t.department.pk}/retire",
        None,
        frozenset({"units.manage"}),
        "department",
    ),
    Spec("GET", "/api/users", "read", lambda t: f"/api/users?unit={_u(t)}"),
    Spec("GET", "/api/users/{user_id}", "read", lambda t: f"/api/users/{t.user.pk}", target="user"),
    Spec(
        "POST",
        "/api/users",
        "write",
        lambda t: "/api/users",
        lambda t: {
            "username": f"new_{t.name}",
            "full_name": "新用户",
            "phone": "",
            "unit_id": t.village.pk,
            "password": "Fresh#2026pw",
        },
        frozenset({"users.manage"}),
    ),
    Spec(
        "PATCH",
        "/api/users/{user_id}",
        "write",
        lambda t: f"/api/users/{t.user.pk}",
        lambda t: {"full_name": "改名"},
        frozenset({"users.manage"}),
        "user",
    ),
    Spec(
        "PUT",
        "/api/users/{user_id}/grants",
        "write",
        lambda t: f"/api/users/{t.user.pk}/grants",
        lambda t: {"role_codes": ["leader"], "view_scope_ids": [t.village.pk], "capture_scope_ids": []},
        frozenset({"roles.assign"}),
        "user",
    ),
    Spec(
        "POST",
        "/api/users/{user_id}/reset-password",
        "write",
        lambda t: f"/api/users/{t.user.pk}/reset-password",
        lambda t: {"new_password": "Reset#2026pw"},
        frozenset({"users.manage"}),
        "user",
    ),
    Spec(
        "POST",
        "/api/users/{user_id}/deactivate",
        "write",
        lambda t: f"/api/users/{t.user.pk}/deactivate",
        None,
        frozenset({"users.manage"}),
        "user",
    ),
    Spec(
        "POST",
        "/api/users/{user_id}/activate",
        "write",
        lambda t: f"/api/users/{t.user.pk}/activate",
        None,
        frozenset({"users.manage"}),
        "user",
    ),
    Spec(
        "POST",
        "/api/users/{user_id}/unlock",
        "write",
        lambda t: f"/api/users/{t.user.pk}/unlock",
        None,
        frozenset({"users.manage"}),
        "user",
    ),
    Spec(
        "GET",
        "/api/registry/residents",
        "read",
        lambda t: f"/api/registry/residents?under={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/registry/residents/total",
        "read",
        lambda t: f"/api/registry/residents/total?under={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/registry/residents/{resident_id}",
        "read",
        lambda t: f"/api/registry/residents/{t.resident.pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/registry/residents",
        "write",
        lambda t: "/api/registry/residents",
        lambda t: {**_resident_body(t), "id_number": _id_number(999)},
        frozenset({"records.write"}),
    ),
    Spec(
        "PUT",
        "/api/registry/residents/{resident_id}",
        "write",
        lambda t: f"/api/registry/residents/{t.resident.pk}",
        _resident_body,
        frozenset({"records.write"}),
    ),
    Spec(
        "POST",
        "/api/registry/residents/{resident_id}/reveal",
        "reveal",
        lambda t: f"/api/registry/residents/{t.resident.pk}/reveal",
        lambda t: {"field": "id_number"},
        frozenset({"pii.unmask"}),
    ),
    Spec(
        "GET",
        "/api/registry/categories",
        "read",
        lambda t: f"/api/registry/categories?group=key&under={_u(t)}",
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "GET",
        "/api/registry/categories/total",
        "read",
        lambda t: f"/api/registry/categories/total?group=key&under={_u(t)}",
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "GET",
        "/api/registry/categories/{category_id}",
        "read",
        lambda t: f"/api/registry/categories/{t.category.pk}",
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "GET",
        "/api/registry/service-stats",
        "read",
        lambda t: f"/api/registry/service-stats?unit={_u(t)}",
        cap=frozenset({"records.read"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "POST",
        "/api/registry/residents/{resident_id}/categories",
        "write",
        lambda t: f"/api/registry/residents/{t.resident.pk}/categories",
        lambda t: {"group": "key", "category_code": "07", "details": {"matter": "征地补偿"}},
        frozenset({"records.write"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "PUT",
        "/api/registry/categories/{category_id}",
        "write",
        lambda t: f"/api/registry/categories/{t.category.pk}",
        lambda t: {
            "group": "key",
            "category_code": "03",
            "risk_level": 2,
            "details": {"diagnosis": "测试", "guardian_name": "监护人", "guardian_phone": "139****1111"},
        },
        frozenset({"records.write"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "POST",
        "/api/registry/categories/{category_id}/visits",
        "write",
        lambda t: f"/api/registry/categories/{t.category.pk}/visits",
        lambda t: {"visited_on": timezone.localdate().isoformat(), "method": "home", "content": "上门走访，情况稳定。"},
        frozenset({"records.write"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "POST",
        "/api/registry/categories/{category_id}/retire",
        "write",
        lambda t: f"/api/registry/categories/{t.category.pk}/retire",
        lambda t: {"reason": "解除"},
        frozenset({"records.write"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "POST",
        "/api/registry/categories/{category_id}/reveal",
        "reveal",
        lambda t: f"/api/registry/categories/{t.category.pk}/reveal",
        lambda t: {"field": "guardian_phone"},
        frozenset({"pii.unmask"}),
        needs=frozenset({"records.sensitive"}),
    ),
    Spec(
        "GET",
        "/api/registry/places/{kind}",
        "read",
        lambda t: f"/api/registry/places/key-places?under={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/registry/places/{kind}/total",
        "read",
        lambda t: f"/api/registry/places/key-places/total?under={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/registry/places/{kind}/map",
        "read",
        lambda t: f"/api/registry/places/key-places/map?under={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/registry/places/{kind}/{place_id}",
        "read",
        lambda t: f"/api/registry/places/key-places/{t.place.pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/registry/places/{kind}",
        "write",
        lambda t: "/api/registry/places/key-places",
        lambda t: {"name": "新场所", "unit_id": _u(t), "extra": {"kind_code": "9901"}},
        frozenset({"records.write"}),
    ),
    Spec(
        "PUT",
        "/api/registry/places/{kind}/{place_id}",
        "write",
        lambda t: f"/api/registry/places/key-places/{t.place.pk}",
        lambda t: {"name": "改名加油站", "contact_phone": "139****5678", "extra": {"kind_code": "9902"}},
        frozenset({"records.write"}),
    ),
    Spec(
        "POST",
        "/api/registry/places/{kind}/{place_id}/reveal",
        "reveal",
        lambda t: f"/api/registry/places/key-places/{t.place.pk}/reveal",
        None,
        frozenset({"pii.unmask"}),
    ),
    Spec(
        "POST",
        "/api/registry/places/{kind}/{place_id}/retire",
        "write",
        lambda t: f"/api/registry/places/key-places/{t.place.pk}/retire",
        lambda t: {"reason": "停业"},
        frozenset({"records.write"}),
    ),
    # field capture from the phone (issue 17)
    Spec(
        "PATCH",
        "/api/registry/residents/{resident_id}",
        "write",
        lambda t: f"/api/registry/residents/{t.resident.pk}",
        lambda t: {"current_address": "矩阵路1号"},
        frozenset({"records.write"}),
    ),
    Spec(
        "POST",
        "/api/registry/places/houses/{place_id}/occupants",
        "write",
        lambda t: f"/api/registry/places/houses/{_house_at(t).pk}/occupants",
        lambda t: {"resident_id": t.resident.pk, "relation": "family", "client_id": str(uuid.uuid4())},
        frozenset({"records.write"}),
    ),
    Spec(
        "POST",
        "/api/registry/places/facilities/{place_id}/inspections",
        "write",
        lambda t: f"/api/registry/places/facilities/{_facility_at(t).pk}/inspections",
        lambda t: {
            "inspected_on": timezone.localdate().isoformat(),
            "result": "normal",
            "client_id": str(uuid.uuid4()),
        },
        frozenset({"records.write"}),
    ),
    # last of the registry: a retired resident takes no more changes
    Spec(
        "POST",
        "/api/registry/residents/{resident_id}/retire",
        "write",
        lambda t: f"/api/registry/residents/{t.resident.pk}/retire",
        lambda t: {"reason": "迁出"},
        frozenset({"records.write"}),
    ),
    Spec("GET", "/api/alerts/reports", "read", lambda t: f"/api/alerts/reports?box=all&under={_u(t)}"),
    Spec("GET", "/api/alerts/reports/total", "read", lambda t: f"/api/alerts/reports/total?box=all&under={_u(t)}"),
    Spec("GET", "/api/alerts/reports/lapses", "read", lambda t: f"/api/alerts/reports/lapses?unit={_u(t)}"),
    Spec("GET", "/api/alerts/reports/by-case/{case_id}", "read", lambda t: f"/api/alerts/reports/by-case/{t.case.pk}"),
    Spec("GET", "/api/alerts/reports/{report_id}", "read", lambda t: f"/api/alerts/reports/{t.info['flow'].pk}"),
    Spec(
        "POST",
        "/api/alerts/reports",
        "write",
        lambda t: "/api/alerts/reports",
        lambda t: {
            "title": "矩阵测试信息",
            "description": "内容",
            "category_code": "07",
            "source": "public",
            "unit_id": _u(t),
        },
        frozenset({"alerts.report"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/screen",
        "holder",
        lambda t: f"/api/alerts/reports/{t.info['flow'].pk}/screen",
        lambda t: {"verified": True, "nature": "聚集"},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/follow-ups",
        "involved",
        lambda t: f"/api/alerts/reports/{t.info['flow'].pk}/follow-ups",
        lambda t: {"comment": "续报内容"},
        frozenset({"alerts.report", "alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/forward",
        "holder",
        lambda t: f"/api/alerts/reports/{t.info['flow'].pk}/forward",
        lambda t: {},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/return",
        "holder",
        lambda t: f"/api/alerts/reports/{t.info['return'].pk}/return",
        lambda t: {"comment": "请核实"},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/convert",
        "holder",
        lambda t: f"/api/alerts/reports/{t.info['convert'].pk}/convert",
        lambda t: {},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/{report_id}/close",
        "holder",
        lambda t: f"/api/alerts/reports/{t.info['close'].pk}/close",
        lambda t: {"comment": "已办结"},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/lapses",
        "above",
        lambda t: "/api/alerts/reports/lapses",
        lambda t: {"unit_id": _u(t), "kind": "concealed", "reason": "矩阵测试"},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "POST",
        "/api/alerts/reports/lapses/{lapse_id}/withdraw",
        "above",
        lambda t: f"/api/alerts/reports/lapses/{t.lapse.pk}/withdraw",
        lambda t: {"reason": "登记有误"},
        frozenset({"alerts.screen"}),
    ),
    Spec(
        "GET",
        "/api/users/{user_id}/phone",
        "reveal",
        lambda t: f"/api/users/{t.user.pk}/phone",
        None,
        frozenset({"users.manage", "pii.unmask"}),
        "user",
    ),
    # zero reports, sensitive periods and the informant network (alerts/api_zero.py)
    Spec(
        "GET",
        "/api/alerts/zero/completeness",
        "read",
        lambda t: f"/api/alerts/zero/completeness?unit={_u(t)}",
        cap=frozenset({"alerts.screen", "alerts.warn"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/remind",
        "write",
        lambda t: "/api/alerts/zero/remind",
        lambda t: {"unit_id": _u(t), "kind": "monthly", "start": timezone.localdate().isoformat()},
        frozenset({"alerts.screen"}),
    ),
    Spec("GET", "/api/alerts/zero/periods", "read", lambda t: f"/api/alerts/zero/periods?unit={_u(t)}"),
    Spec(
        "POST",
        "/api/alerts/zero/periods",
        "write",
        lambda t: "/api/alerts/zero/periods",
        lambda t: {"unit_id": _u(t), "name": "测试敏感期", "starts_on": _day(1), "ends_on": _day(3)},
        frozenset({"alerts.configure", "alerts.warn"}),
    ),
    Spec(
        "PUT",
        "/api/alerts/zero/periods/{period_id}",
        "write",
        lambda t: f"/api/alerts/zero/periods/{_period_at(t).pk}",
        lambda t: {"name": "改名敏感期", "starts_on": _day(1), "ends_on": _day(4)},
        frozenset({"alerts.configure", "alerts.warn"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/periods/{period_id}/cancel",
        "write",
        lambda t: f"/api/alerts/zero/periods/{_period_at(t).pk}/cancel",
        None,
        frozenset({"alerts.configure", "alerts.warn"}),
    ),
    Spec(
        "GET",
        "/api/alerts/zero/informants",
        "read",
        lambda t: f"/api/alerts/zero/informants?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/alerts/zero/informants/coverage",
        "read",
        lambda t: f"/api/alerts/zero/informants/coverage?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/alerts/zero/informants/{informant_id}",
        "read",
        lambda t: f"/api/alerts/zero/informants/{_informant_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/informants",
        "write",
        lambda t: "/api/alerts/zero/informants",
        lambda t: {"unit_id": _u(t), "role_code": "02", "name": "新中心户长", "phone": "13811112222"},
        frozenset({"alerts.network"}),
    ),
    Spec(
        "PUT",
        "/api/alerts/zero/informants/{informant_id}",
        "write",
        lambda t: f"/api/alerts/zero/informants/{_informant_at(t).pk}",
        lambda t: {"unit_id": _u(t), "role_code": "01", "name": "改名信息员"},
        frozenset({"alerts.network"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/informants/{informant_id}/reveal",
        "reveal",
        lambda t: f"/api/alerts/zero/informants/{_informant_at(t).pk}/reveal",
        None,
        frozenset({"pii.unmask"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/informants/{informant_id}/account",
        "write",
        lambda t: f"/api/alerts/zero/informants/{_informant_at(t).pk}/account",
        lambda t: {"username": f"xxy_{t.name}", "password": "Info#2026pass"},
        frozenset({"alerts.network"}),
    ),
    Spec(
        "PUT",
        "/api/alerts/zero/informants/quota",
        "write",
        lambda t: "/api/alerts/zero/informants/quota",
        lambda t: {"unit_id": _u(t), "required": 10},
        frozenset({"alerts.network"}),
    ),
    Spec(
        "GET",
        "/api/alerts/zero/informants/sms",
        "read",
        lambda t: f"/api/alerts/zero/informants/sms?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/alerts/zero/informants/sms/{sms_id}",
        "read",
        lambda t: f"/api/alerts/zero/informants/sms/{_sms_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/alerts/zero/informants/sms",
        "write",
        lambda t: "/api/alerts/zero/informants/sms",
        lambda t: {"unit_id": _u(_with_informant(t)), "text": "测试群发"},
        frozenset({"alerts.network"}),
    ),
    # last of the network: a retired informant takes no more changes
    Spec(
        "POST",
        "/api/alerts/zero/informants/{informant_id}/retire",
        "write",
        lambda t: f"/api/alerts/zero/informants/{_informant_at(t).pk}/retire",
        None,
        frozenset({"alerts.network"}),
    ),
    Spec(
        "GET", "/api/alerts/stats", "read", lambda t: f"/api/alerts/stats?unit={_u(t)}", cap=frozenset({"records.read"})
    ),
    Spec(
        "GET",
        "/api/alerts/stats/export",
        "read",
        lambda t: f"/api/alerts/stats/export?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec("GET", "/api/alerts/duty/roster", "read", lambda t: f"/api/alerts/duty/roster?unit={_u(t)}", cap=DUTY_READ),
    Spec("GET", "/api/alerts/duty/gaps", "read", lambda t: f"/api/alerts/duty/gaps?unit={_u(t)}", cap=DUTY_READ),
    Spec(
        "GET",
        "/api/alerts/duty/shifts/{shift_id}",
        "read",
        lambda t: f"/api/alerts/duty/shifts/{_duty_shift(t).pk}",
        cap=DUTY_READ,
    ),
    Spec(
        "POST",
        "/api/alerts/duty/shifts",
        "write",
        lambda t: "/api/alerts/duty/shifts",
        lambda t: {
            "unit_id": _u(t),
            "starts_at": _duty_day(100).isoformat(),
            "ends_at": _duty_day(101).isoformat(),
            "officer_id": t.user.pk,
        },
        DUTY_WRITE,
    ),
    Spec(
        "POST",
        "/api/alerts/duty/rotations",
        "write",
        lambda t: "/api/alerts/duty/rotations",
        lambda t: {
            "unit_id": _u(t),
            "first_day": _duty_day(110).date().isoformat(),
            "last_day": _duty_day(111).date().isoformat(),
            "officer_ids": [t.user.pk],
        },
        DUTY_WRITE,
    ),
    Spec(
        "POST",
        "/api/alerts/duty/shifts/{shift_id}/log",
        "write",
        lambda t: f"/api/alerts/duty/shifts/{_duty_shift(t, -1).pk}/log",
        lambda t: {
            "kind": "call",
            "content": "来电咨询",
            "occurred_at": (_duty_day(-1) + dt.timedelta(hours=2)).isoformat(),
        },
        DUTY_WRITE,
    ),
    Spec(
        "POST",
        "/api/alerts/duty/shifts/{shift_id}/cancel",
        "write",
        lambda t: f"/api/alerts/duty/shifts/{_duty_shift(t, 1).pk}/cancel",
        None,
        DUTY_WRITE,
    ),
    # the shift's own officer (handover) or the next one (receipt) only: no persona is either
    Spec(
        "POST",
        "/api/alerts/duty/shifts/{shift_id}/handover",
        "nobody",
        lambda t: f"/api/alerts/duty/shifts/{_duty_shift(t, 2).pk}/handover",
        lambda t: {"notes": "无"},
    ),
    Spec(
        "POST",
        "/api/alerts/duty/shifts/{shift_id}/receive",
        "nobody",
        lambda t: f"/api/alerts/duty/shifts/{_handed_over(t).pk}/receive",
    ),
    # --- office: ledgers (the unit's ledgers, the monthly ledger and the calendar: view scope)
    Spec(
        "GET",
        "/api/office/ledgers",
        "read",
        lambda t: f"/api/office/ledgers?kind=meetings&unit={_u(t)}&from={_day(-30)}&to={_day(0)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/ledgers/export",
        "read",
        lambda t: f"/api/office/ledgers/export?kind=activities&unit={_u(t)}&from={_day(-30)}&to={_day(0)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/ledgers/monthly",
        "read",
        lambda t: f"/api/office/ledgers/monthly?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/ledgers/monthly/export",
        "read",
        lambda t: f"/api/office/ledgers/monthly/export?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/calendar",
        "read",
        lambda t: f"/api/office/calendar?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    # --- end office: ledgers
    # --- office: meetings
    Spec(
        "GET",
        "/api/office/meetings",
        "read",
        lambda t: f"/api/office/meetings?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/meetings/total",
        "read",
        lambda t: f"/api/office/meetings/total?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/meetings/regular",
        "read",
        lambda t: f"/api/office/meetings/regular?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/meetings/{meeting_id}",
        "read",
        lambda t: f"/api/office/meetings/{_meeting_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/office/meetings",
        "write",
        lambda t: "/api/office/meetings",
        lambda t: {**_meeting_body(), "unit_id": _u(t)},
        frozenset({"office.write"}),
    ),
    Spec(
        "PUT",
        "/api/office/meetings/{meeting_id}",
        "write",
        lambda t: f"/api/office/meetings/{_meeting_at(t).pk}",
        lambda t: {**_meeting_body(), "name": "改名后的例会"},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/meetings/{meeting_id}/withdraw",
        "write",
        lambda t: f"/api/office/meetings/{_meeting_at(t).pk}/withdraw",
        lambda t: {"reason": "重复录入"},
        frozenset({"office.write"}),
    ),
    Spec(
        "GET",
        "/api/office/work-logs",
        "read",
        lambda t: f"/api/office/work-logs?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/work-logs/total",
        "read",
        lambda t: f"/api/office/work-logs/total?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/work-logs/{log_id}",
        "read",
        lambda t: f"/api/office/work-logs/{_work_log_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/office/work-logs",
        "write",
        lambda t: "/api/office/work-logs",
        lambda t: {"unit_id": _u(t), "title": "走访独居老人", "content": "上门了解生活情况"},
        frozenset({"office.write"}),
    ),
    # a work log is changed and withdrawn by its author only (the target user, no persona):
    # office/tests/test_worklogs.py covers the author
    Spec(
        "PUT",
        "/api/office/work-logs/{log_id}",
        "nobody",
        lambda t: f"/api/office/work-logs/{_work_log_at(t).pk}",
        lambda t: {"title": "改", "content": "改"},
    ),
    Spec(
        "POST",
        "/api/office/work-logs/{log_id}/withdraw",
        "nobody",
        lambda t: f"/api/office/work-logs/{_work_log_at(t).pk}/withdraw",
        lambda t: {"reason": "误录"},
    ),
    # turned into a case by an officer of the log's own unit
    Spec(
        "POST",
        "/api/office/work-logs/{log_id}/convert",
        "involved",
        lambda t: f"/api/office/work-logs/{_work_log_at(t).pk}/convert",
        lambda t: {"category_code": "0199"},
        frozenset({"office.write"}),
    ),
    # --- end office: meetings
    # --- office: activities
    Spec(
        "GET",
        "/api/office/activities",
        "read",
        lambda t: f"/api/office/activities?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/activities/total",
        "read",
        lambda t: f"/api/office/activities/total?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/activities/monthly",
        "read",
        lambda t: f"/api/office/activities/monthly?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/activities/{activity_id}",
        "read",
        lambda t: f"/api/office/activities/{_activity_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/office/activities",
        "write",
        lambda t: "/api/office/activities",
        lambda t: {**_activity_body(), "unit_id": _u(t)},
        frozenset({"office.write"}),
    ),
    Spec(
        "PUT",
        "/api/office/activities/{activity_id}",
        "write",
        lambda t: f"/api/office/activities/{_activity_at(t).pk}",
        lambda t: _activity_body(),
        frozenset({"office.write"}),
    ),
    # last of the activities: a withdrawn one takes no more changes
    Spec(
        "POST",
        "/api/office/activities/{activity_id}/withdraw",
        "write",
        lambda t: f"/api/office/activities/{_activity_at(t).pk}/withdraw",
        lambda t: {"reason": "重复录入"},
        frozenset({"office.write"}),
    ),
    # --- office: profile
    Spec(
        "GET",
        "/api/office/profile",
        "read",
        lambda t: f"/api/office/profile?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/profile/teams",
        "read",
        lambda t: f"/api/office/profile/teams?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/profile/accounts",
        "write",  # the accounts a team member may be linked to: for those who keep the unit's teams
        lambda t: f"/api/office/profile/accounts?unit={_u(t)}",
        None,
        frozenset({"office.write"}),
    ),
    Spec(
        "PUT",
        "/api/office/profile/units/{unit_id}",
        "write",
        lambda t: f"/api/office/profile/units/{_u(t)}",
        lambda t: {"description": "测试辖区", "households": 100},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/profile/staff",
        "write",
        lambda t: "/api/office/profile/staff",
        lambda t: {"unit_id": _u(t), "group": "centre", "name": "新专干", "phone": "13811114444"},
        frozenset({"office.write"}),
    ),
    Spec(
        "PUT",
        "/api/office/profile/staff/{staff_id}",
        "write",
        lambda t: f"/api/office/profile/staff/{_staff_at(t).pk}",
        lambda t: {"unit_id": _u(t), "group": "leadership", "name": "改名书记"},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/profile/staff/{staff_id}/reveal",
        "reveal",
        lambda t: f"/api/office/profile/staff/{_staff_at(t).pk}/reveal",
        None,
        frozenset({"pii.unmask"}),
    ),
    # last of the profile: one who left takes no more changes
    Spec(
        "POST",
        "/api/office/profile/staff/{staff_id}/leave",
        "write",
        lambda t: f"/api/office/profile/staff/{_staff_at(t).pk}/leave",
        lambda t: {},
        frozenset({"office.write"}),
    ),
]


# --- office: meetings (helpers)
def _meeting_body() -> dict[str, Any]:
    return {
        "kind": "regular",
        "name": "综治工作例会",
        "held_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "location": "会议室",
        "attendees": "综治中心全体成员",
        "topic": "研判本月矛盾纠纷",
    }


def _meeting_at(t: Target) -> Any:
    from zongzhi.office.models import Meeting

    meeting, _ = Meeting.objects.get_or_create(
        path=t.village.path,
        name=f"{t.name}例会",
        defaults={
            "unit": t.village,
            "kind": "regular",
            "held_at": timezone.now() - dt.timedelta(days=1),
            "location": "会议室",
            "attendees": "全体成员",
            "topic": "研判",
            "created_by": t.user,
        },
    )
    return meeting


def _work_log_at(t: Target) -> Any:
    from zongzhi.office.models import WorkLog

    log, _ = WorkLog.objects.get_or_create(
        path=t.village.path,
        title=f"{t.name}日志",
        defaults={"unit": t.village, "author": t.user, "logged_on": timezone.localdate(), "content": "调解邻里纠纷"},
    )
    return log


# --- end office: meetings (helpers)


def _day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def _period_at(t: Target) -> SensitivePeriod:
    period, _ = SensitivePeriod.objects.get_or_create(
        path=t.village.path,
        name=f"{t.name}敏感期",
        defaults={
            "unit": t.village,
            "starts_on": timezone.localdate() + dt.timedelta(days=1),
            "ends_on": timezone.localdate() + dt.timedelta(days=3),
            "created_by": t.user,
        },
    )
    return period


def _informant_at(t: Target) -> Informant:
    informant, _ = Informant.objects.get_or_create(
        path=t.village.path,
        name=f"{t.name}信息员",
        defaults={
            "unit": t.village,
            "role_code": "01",
            "phone_sealed": crypto.seal("13811113333"),
            "phone_mask": "138****3333",
        },
    )
    return informant


def _with_informant(t: Target) -> Target:
    _informant_at(t)
    return t


def _sms_at(t: Target) -> GroupSms:
    sms, _ = GroupSms.objects.get_or_create(
        sender_unit=t.village, text=f"{t.name}短信", defaults={"sender_user": t.user}
    )
    return sms


# --- office: activities and profile helpers
def _activity_body() -> dict[str, Any]:
    return {
        "kind": "patrol",
        "name": "治安巡逻",
        "held_on": timezone.localdate().isoformat(),
        "location": "路口",
        "topic": "正常",
    }


def _activity_at(t: Target) -> Activity:
    activity, _ = Activity.objects.get_or_create(
        path=t.village.path,
        name=f"{t.name}活动",
        defaults={
            "unit": t.village,
            "kind": "special",
            "held_on": timezone.localdate(),
            "location": "会议室",
            "topic": "测试",
            "created_by": t.user,
        },
    )
    return activity


def _staff_at(t: Target) -> StaffMember:
    staff, _ = StaffMember.objects.get_or_create(
        path=t.village.path,
        name=f"{t.name}书记",
        defaults={
            "unit": t.village,
            "group": "leadership",
            "phone_sealed": crypto.seal("13811115555"),
            "phone_mask": "138****5555",
        },
    )
    return staff


# --- office: disputes (office/api_disputes.py; behaviour in office/tests/test_disputes.py)
def _dispute_at(t: Target) -> Any:
    """A draft report of the target's unit for the month before last (the POST spec opens last month's)."""
    from zongzhi.office import services_disputes as disputes
    from zongzhi.office.models import DisputeReport

    p = disputes.recent_periods("month", 2)[1]
    report, _ = DisputeReport.objects.get_or_create(
        unit=t.village,
        period_kind="month",
        period_start=p.start,
        defaults={"path": t.village.path, "period_end": p.end, "due_on": p.due_on, "created_by": t.user},
    )
    return report


def _last_month() -> str:
    from zongzhi.office import services_disputes as disputes

    return disputes.recent_periods("month", 1)[0].start.isoformat()


SPECS += [
    Spec(
        "GET",
        "/api/office/disputes/periods",
        "read",
        lambda t: f"/api/office/disputes/periods?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/disputes/overview",
        "read",
        lambda t: f"/api/office/disputes/overview?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/disputes/reports/{report_id}",
        "read",
        lambda t: f"/api/office/disputes/reports/{_dispute_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/office/disputes/reports",
        "write",
        lambda t: "/api/office/disputes/reports",
        lambda t: {"unit_id": _u(t), "kind": "month", "period_start": _last_month()},
        frozenset({"office.write"}),
    ),
    Spec(
        "PUT",
        "/api/office/disputes/reports/{report_id}",
        "write",
        lambda t: f"/api/office/disputes/reports/{_dispute_at(t).pk}",
        lambda t: {"notes": "矩阵测试"},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/disputes/reports/{report_id}/submit",
        "write",
        lambda t: f"/api/office/disputes/reports/{_dispute_at(t).pk}/submit",
        None,
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/disputes/remind",
        "write",
        lambda t: "/api/office/disputes/remind",
        lambda t: {"unit_id": _u(t), "kind": "month", "start": _last_month()},
        frozenset({"office.write"}),
    ),
]


# --- office: risks (office/api_risks.py; behaviour in office/tests/test_risks.py)
def _risk_at(t: Target) -> Any:
    from zongzhi.office.models import RiskAssessment

    a, _ = RiskAssessment.objects.get_or_create(
        unit=t.village,
        title=f"{t.name}的风险评估",
        defaults={"path": t.village.path, "subject": "project", "created_by": t.user},
    )
    return a


SPECS += [
    Spec(
        "GET",
        "/api/office/risks/assessments",
        "read",
        lambda t: f"/api/office/risks/assessments?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/risks/assessments/{assessment_id}",
        "read",
        lambda t: f"/api/office/risks/assessments/{_risk_at(t).pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/office/risks/counts",
        "read",
        lambda t: f"/api/office/risks/counts?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "POST",
        "/api/office/risks/assessments",
        "write",
        lambda t: "/api/office/risks/assessments",
        lambda t: {"unit_id": _u(t), "subject": "decision", "title": "矩阵测试评估"},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/risks/assessments/{assessment_id}/steps",
        "write",
        lambda t: f"/api/office/risks/assessments/{_risk_at(t).pk}/steps",
        lambda t: {"step": "define", "note": "矩阵测试", "done_on": timezone.localdate().isoformat()},
        frozenset({"office.write"}),
    ),
    Spec(
        "POST",
        "/api/office/risks/assessments/{assessment_id}/withdraw",
        "write",
        lambda t: f"/api/office/risks/assessments/{_risk_at(t).pk}/withdraw",
        lambda t: {"reason": "矩阵测试"},
        frozenset({"office.write"}),
    ),
]
# --- end office: risks


# --- field: terminals and duty logins (field/api_terminals.py, api_duty.py; behaviour in
# field/tests/test_terminals.py and test_duty.py). A unit's own officers manage its terminals;
# upper levels read them (the write rule of registry records, without correction).
TERMINALS = "/api/field/terminals"
TERMINALS_MANAGE = frozenset({"terminals.manage"})


def _matrix_user(t: Target, n: int) -> User:
    user, _ = User.objects.get_or_create(
        username=f"target_{t.name}_{n}",
        defaults={"full_name": f"目标用户{n}", "unit": t.village, "must_change_password": False},
    )
    return user


def _terminal_at(t: Target, state: str) -> Any:
    """A PC terminal of the target's unit in `state` ("in_stock", "issued", "lost"), one per
    state and step so that each step finds it in the state it needs."""
    from zongzhi.field.models import Terminal

    terminal, created = Terminal.objects.get_or_create(
        asset_number=f"MX-{t.name}-{state}",
        defaults={"unit": t.village, "path": t.village.path, "kind": "pc"},
    )
    if created and state != "in_stock":
        Terminal.objects.filter(pk=terminal.pk).update(status=state, holder=_matrix_user(t, 1))
    return terminal


SPECS += [
    Spec("GET", TERMINALS, "read", lambda t: f"{TERMINALS}?unit={_u(t)}", cap=frozenset({"records.read"})),
    Spec(
        "GET",
        TERMINALS + "/{terminal_id}",
        "read",
        lambda t: f"{TERMINALS}/{_terminal_at(t, 'in_stock').pk}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET", TERMINALS + "/candidates", "read", lambda t: f"{TERMINALS}/candidates?unit={_u(t)}", cap=TERMINALS_MANAGE
    ),
    Spec(
        "GET",
        TERMINALS + "/agreement/signers",
        "read",
        lambda t: f"{TERMINALS}/agreement/signers?unit={_u(t)}",
        cap=frozenset({"terminals.manage", "field.configure"}),
    ),
    Spec(
        "POST",
        TERMINALS,
        "write",
        lambda t: TERMINALS,
        lambda t: {"unit_id": _u(t), "kind": "pc", "asset_number": f"MX-{t.name}-new"},
        TERMINALS_MANAGE,
    ),
    Spec(
        "POST",
        TERMINALS + "/{terminal_id}/issue",
        "write",
        lambda t: f"{TERMINALS}/{_terminal_at(t, 'in_stock').pk}/issue",
        lambda t: {"user_id": t.user.pk},
        TERMINALS_MANAGE,
    ),
    Spec(
        "POST",
        TERMINALS + "/{terminal_id}/handover",
        "write",
        lambda t: f"{TERMINALS}/{_terminal_at(t, 'issued').pk}/handover",
        lambda t: {"user_id": _matrix_user(t, 2).pk, "note": "矩阵测试交接"},
        TERMINALS_MANAGE,
    ),
    Spec(
        "POST",
        TERMINALS + "/{terminal_id}/{step}",
        "write",
        lambda t: f"{TERMINALS}/{_terminal_at(t, 'issued').pk}/lost",
        lambda t: {"note": "矩阵测试挂失"},
        TERMINALS_MANAGE,
    ),
    Spec(
        "POST",
        TERMINALS + "/{terminal_id}/{step}",
        "write",
        lambda t: f"{TERMINALS}/{_terminal_at(t, 'lost').pk}/found",
        lambda t: {"note": "矩阵测试找回"},
        TERMINALS_MANAGE,
    ),
    Spec(
        "GET",
        "/api/field/duty/day",
        "read",
        lambda t: f"/api/field/duty/day?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
    Spec(
        "GET",
        "/api/field/duty/month",
        "read",
        lambda t: f"/api/field/duty/month?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
]

# The statistics pages (stats/api.py): a unit's figures, only for units in the view scope.
SPECS += [
    Spec(
        "GET", "/api/stats/cases", "read", lambda t: f"/api/stats/cases?unit={_u(t)}", cap=frozenset({"records.read"})
    ),
    Spec(
        "GET",
        "/api/stats/population",
        "read",
        lambda t: f"/api/stats/population?unit={_u(t)}",
        cap=frozenset({"records.read"}),
    ),
]
# --- end field: terminals


def _path_of(spec: Spec, t: Target) -> str:
    return t.department.path if spec.target == "department" else t.path


def expected(o: Oracle, spec: Spec, t: Target) -> str:
    """'ok', 'hidden' (404) or 'denied' (403)."""
    path = _path_of(spec, t)
    if spec.kind == "session":  # looked up by id, then checked by capability and capture scope
        return "ok" if spec.cap & o.caps and o.captures(path) else "denied"
    if not o.sees(path):
        return "hidden"
    if not spec.needs <= o.caps:
        return "denied"
    if spec.kind == "read":
        return "ok" if not spec.cap or spec.cap & o.caps else "denied"
    if spec.kind == "reveal":
        return "ok" if spec.cap & o.caps else "denied"
    if spec.kind == "holder":  # the officers of the unit holding an information report
        return "ok" if spec.cap & o.caps and o.home == path else "denied"
    if spec.kind == "involved":  # the reporter's unit and the units a report passed through
        return "ok" if spec.cap & o.caps and o.home == path else "denied"
    if spec.kind == "above":
        return "ok" if spec.cap & o.caps and o.above(path) else "denied"
    if spec.kind == "nobody":
        return "denied"
    if spec.cap == TERMINALS_MANAGE and spec.kind == "write":  # a unit's own terminals
        return "ok" if spec.cap & o.caps and o.writes(path) else "denied"
    if spec.cap == DUTY_WRITE:  # a unit keeps its own roster; upper levels only read it
        return "ok" if spec.cap & o.caps and path in o.capture else "denied"
    if not (spec.cap & o.caps):
        return "denied"
    if "records.write" in spec.cap:
        return "ok" if o.writes(path) else "denied"
    return "ok" if o.captures(path) else "denied"


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township", "outside_county"])
def test_scope_matrix(api: Any, targets: dict[str, Target], username: str, where: str) -> None:
    o = oracle(username)
    client = api(username)
    t = targets[where]
    for spec in SPECS:
        before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = spec.url(t)
        if spec.method == "GET":
            r = client.get(url)
        else:
            r = client.send(spec.method, url, spec.body(t) if spec.body else {})
        want = expected(o, spec, t)
        label = f"{username} {spec.method} {spec.route} @ {where}"
        body = r.json() if r.content and r["Content-Type"].startswith("application/json") else None
        if want == "ok":
            assert r.status_code in spec.ok, f"{label}: expected success, got {r.status_code} {body}"
            if spec.method == "GET" and spec.route in (
                "/api/units",
                "/api/users",
                "/api/departments",
                "/api/cases",
                "/api/registry/residents",
                "/api/alerts/reports",
            ):
                paths = [i["path"] if "path" in i else (i["unit"] or {}).get("path", "") for i in body["items"]]
                assert all(o.sees(p) for p in paths), f"{label}: list leaks out-of-scope rows"
            if spec.kind in ("write", "session", "holder", "involved", "above") and spec.method != "GET":
                written = AuditLog.objects.filter(id__gt=before, username=username)
                assert written.exists(), f"{label}: the write left no audit record"
        else:
            status = 404 if want == "hidden" else 403
            assert r.status_code == status, f"{label}: expected {status}, got {r.status_code} {body}"
            assert set(body) <= {"code", "message", "errors"}, f"{label}: error leaks data"
            denials = AuditLog.objects.filter(
                id__gt=before, username=username, action__in=["scope.denied", "permission.denied"]
            )
            assert denials.exists(), f"{label}: refusal not audited"


GLOBAL_SPECS: list[tuple[str, str, Any, frozenset[str]]] = [
    ("GET", "/api/roles", None, frozenset()),
    ("GET", "/api/roles/capabilities", None, frozenset()),
    (
        "POST",
        "/api/roles",
        {"code": "matrix_role", "name": "测试角色", "capabilities": ["records.read"]},
        frozenset({"roles.manage"}),
    ),
    ("PATCH", "/api/roles/{role_id}", {"description": "改"}, frozenset({"roles.manage"})),
    ("GET", "/api/dictionary/tables", None, frozenset()),
    ("GET", "/api/dictionary/tables/{code}/items", None, frozenset()),
    ("POST", "/api/dictionary/tables/{code}/items", {"code": "Z1", "label": "本地"}, frozenset({"dictionary.manage"})),
    ("PATCH", "/api/dictionary/items/{item_id}", {"label": "改"}, frozenset({"dictionary.manage"})),
    ("POST", "/api/dictionary/items/{item_id}/retire", None, frozenset({"dictionary.manage"})),
    ("POST", "/api/dictionary/items/{item_id}/restore", None, frozenset({"dictionary.manage"})),
    ("DELETE", "/api/dictionary/items/{item_id}", None, frozenset({"dictionary.manage"})),
    ("GET", "/api/audit", None, frozenset({"audit.read"})),
    ("GET", "/api/audit/export", None, frozenset({"audit.export"})),
    ("POST", "/api/audit/verify", {}, frozenset({"audit.read"})),
    ("GET", "/api/sessions", None, frozenset({"sessions.manage"})),
    ("GET", "/api/units/roots", None, frozenset()),
    ("GET", "/api/registry/category-specs", None, frozenset()),
    ("GET", "/api/registry/imports/template", None, frozenset()),
    ("GET", "/api/registry/imports", None, frozenset()),
    ("GET", "/api/registry/imports/fields", None, frozenset()),
    ("GET", "/api/registry/exports", None, frozenset()),
    ("GET", "/api/registry/place-specs", None, frozenset()),
    # the duplicate check before registering: answers from the caller's read scope only
    # (people/tests/test_capture.py), audited as a search by ID number
    ("POST", "/api/registry/residents/lookup", {"id_number": "320111198001010019"}, frozenset({"records.write"})),
    ("GET", "/api/cases/deadline-rules", None, frozenset()),
    (
        "PATCH",
        "/api/cases/deadline-rules/{rule_id}",
        {"amount": 2, "measure": "workdays"},
        frozenset({"cases.configure"}),
    ),
    ("GET", "/api/alerts/reports/limits", None, frozenset()),
    ("PUT", "/api/alerts/reports/limits/{urgency}", {"hours": 3}, frozenset({"alerts.configure"})),
    ("GET", "/api/auth/me", None, frozenset()),
    ("GET", "/api/system/config", None, frozenset()),
    ("GET", "/api/calendar", None, frozenset()),
    ("GET", "/api/calendar/status", None, frozenset()),
    ("PUT", "/api/calendar/days/{date}", {"is_workday": False, "name": "测试假日"}, frozenset({"calendar.manage"})),
    ("DELETE", "/api/calendar/days/{date}", None, frozenset({"calendar.manage"})),
    ("POST", "/api/calendar/years/{year}/complete", None, frozenset({"calendar.manage"})),
    ("GET", "/api/alerts/warnings/limits", None, frozenset()),
    ("PUT", "/api/alerts/warnings/limits/{level}", {"ack_hours": "1.5"}, frozenset({"alerts.configure"})),
    ("GET", "/api/alerts/warnings/template", None, frozenset({"alerts.configure"})),
    ("GET", "/api/alerts/warnings/template/file", None, frozenset({"alerts.configure"})),
    ("GET", "/api/alerts/warnings/recipient-options", None, frozenset({"alerts.warn"})),
    ("GET", "/api/alerts/warnings/counts", None, frozenset({"alerts.report", "alerts.warn"})),
    ("GET", "/api/office/rules", None, frozenset()),
    ("PUT", "/api/office/rules/{key}", {"value": 15}, frozenset({"office.configure"})),
    # --- office: ledgers
    ("GET", "/api/office/ledgers/kinds", None, frozenset()),
    # --- office: meetings
    ("GET", "/api/office/meetings/options", None, frozenset()),
    # --- field: the confidentiality agreement
    ("GET", "/api/field/terminals/agreement/current", None, frozenset()),
    ("GET", "/api/field/terminals/agreement/versions", None, frozenset({"terminals.manage", "field.configure"})),
    (
        "POST",
        "/api/field/terminals/agreement",
        {"title": "矩阵测试协议", "body": "正文"},
        frozenset({"field.configure"}),
    ),
    # --- office: patrols (the phone's own page)
    ("GET", "/api/office/patrols/mine", None, frozenset({"office.patrol"})),
]


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_capability_gated_endpoints(api: Any, username: str) -> None:
    from zongzhi.dictionary.models import CodeItem, CodeTable
    from zongzhi.units.models import Role

    o = oracle(username)
    client = api(username)
    table = CodeTable.objects.get(code="facility_kind")
    local = CodeItem.objects.create(table=table, code="Y9", label="临时", is_local=True, is_retired=False)
    retired = CodeItem.objects.create(table=table, code="Y8", label="停用", is_local=True, is_retired=True)
    role = Role.objects.get(code="leader")
    rule = DeadlineRule.objects.get(kind="event", stage="accept", category_prefix="", urgency="")
    for method, route, body, cap in GLOBAL_SPECS:
        item = retired if route.endswith("/restore") else local
        url = route.format(
            role_id=role.pk,
            code=table.code,
            item_id=item.pk,
            date="2027-01-04",
            year=2027,
            rule_id=rule.pk,
            urgency="important",
            level="red",
            key="meeting_entry_days",
        )
        r = client.get(url) if method == "GET" else client.send(method, url, body or {})
        label = f"{username} {method} {route}"
        if not cap or cap & o.caps:
            assert r.status_code in (200, 201, 204), f"{label}: {r.status_code} {r.content[:200]!r}"
        else:
            assert r.status_code == 403, f"{label}: expected 403, got {r.status_code}"
            assert AuditLog.objects.filter(username=username, action="permission.denied").exists()


# Endpoints outside the matrix, and why.
UPPER = (
    "same check as PUT; every registry write by upper levels, with and without correction: test_scope_upper_levels.py"
)
EXEMPT = {
    ("GET", "/api/auth/csrf"): "sets a cookie, no data",
    ("POST", "/api/auth/login"): "before login: tested in units/tests/test_auth.py",
    ("POST", "/api/auth/otp/verify"): "before login",
    ("POST", "/api/auth/otp/setup"): "before login",
    ("POST", "/api/auth/otp/confirm"): "before login",
    ("POST", "/api/auth/logout"): "acts on the caller only",
    ("POST", "/api/auth/denied"): "records the caller's own refused page in the audit log",
    ("POST", "/api/auth/password"): "acts on the caller only",
    ("POST", "/api/field/terminals/agreement/sign"): "the caller's own signature: field/tests/test_terminals.py",
    ("GET", "/api/auth/otp/devices"): "acts on the caller only",
    ("POST", "/api/auth/otp/devices"): "acts on the caller only",
    ("POST", "/api/auth/otp/devices/confirm"): "acts on the caller only",
    ("DELETE", "/api/auth/otp/devices"): "acts on the caller only",
    ("GET", "/api/notifications"): "the caller's own notifications",
    ("GET", "/api/alerts/zero/current"): "the caller's own unit or informant: alerts/tests/test_zero.py",
    ("POST", "/api/alerts/zero/reports"): "files for the caller's own unit or informant: alerts/tests/test_zero.py",
    ("GET", "/api/alerts/zero/reports"): "the caller's own zero reports: alerts/tests/test_zero.py",
    ("GET", "/api/alerts/zero/periods/active"): "the periods covering the caller's own unit (the banner)",
    ("GET", "/api/alerts/duty/now"): "who is on duty at the caller's own unit and those above it (whom to call)",
    ("GET", "/api/alerts/duty/upcoming"): "the caller's own unit and the one above: alerts/tests/test_duty.py",
    ("GET", "/api/notifications/unread"): "the caller's own notifications",
    ("POST", "/api/notifications/read"): "the caller's own notifications",
    ("GET", "/api/cases/counts"): "counts of the caller's own boxes; lists are in SPECS",
    ("GET", "/api/cases/total"): "the list's own filters and visibility (_filtered): cases/tests/test_list.py",
    ("POST", "/api/cases"): "creates in the caller's own unit: cases/tests/test_engine.py (targets below only)",
    ("POST", "/api/cases/{case_id}/actions/{action}"): "holder-based rules: cases/tests/test_engine.py",
    ("POST", "/api/attachments"): "uploads are the caller's own until attached",
    ("POST", "/api/office/uploads"): "uploads are the caller's own until attached: office/tests/test_common.py",
    ("GET", "/api/alerts/reports/counts"): "counts of the caller's own boxes; the lists are in SPECS",
    ("GET", "/api/attachments/{attachment_id}/file"): "follows the case's visibility: cases/tests/test_attachments.py",
    (
        "GET",
        "/api/attachments/{attachment_id}/thumbnail",
    ): "follows the case's visibility: cases/tests/test_attachments.py",
    ("POST", "/api/registry/imports"): "multipart upload: test_imports.py; upper levels: test_scope_upper_levels.py",
    ("GET", "/api/registry/imports/{job_id}"): "the uploader's own: registry/tests/test_imports.py",
    ("POST", "/api/registry/imports/{job_id}/cancel"): "the uploader's own: registry/tests/test_imports.py",
    ("POST", "/api/registry/imports/{job_id}/confirm"): "the uploader's own: registry/tests/test_import_wizard.py",
    ("GET", "/api/registry/imports/{job_id}/rejects"): "the uploader's own: registry/tests/test_imports.py",
    ("GET", "/api/registry/imports/{job_id}/report"): "the uploader's own: registry/tests/test_imports.py",
    ("POST", "/api/registry/imports/{job_id}/missing-list"): "the uploader's own: registry/tests/test_imports.py",
    ("POST", "/api/registry/places/houses/{place_id}/occupants/{occupant_id}/end"): UPPER,
    ("POST", "/api/registry/places/organisations/{place_id}/members"): UPPER,
    ("POST", "/api/registry/places/organisations/{place_id}/members/{member_id}/remove"): UPPER,
    ("GET", "/api/registry/place-grid"): "a position, answered from the caller's capture scope: test_places.py",
    ("POST", "/api/registry/exports"): "unit in view scope, approver above: registry/tests/test_exports.py",
    ("POST", "/api/registry/exports/{request_id}/approve"): "the unit above only: registry/tests/test_exports.py",
    ("POST", "/api/registry/exports/{request_id}/refuse"): "the unit above only: registry/tests/test_exports.py",
    ("POST", "/api/registry/exports/{request_id}/withdraw"): "the requester's own: registry/tests/test_exports.py",
    ("GET", "/api/registry/exports/{request_id}/file"): "the requester's own: registry/tests/test_exports.py",
    ("POST", "/api/alerts/warnings/template"): "multipart upload, alerts.configure: "
    "alerts/tests/test_warnings_docx.py (refused to others, bad files refused)",
    ("POST", "/api/units/divisions/preview"): "multipart upload, units.manage, every change in capture scope: "
    "units/tests/test_division_updates.py",
    ("POST", "/api/units/divisions/apply"): "multipart upload, units.manage, every change in capture scope: "
    "units/tests/test_division_updates.py",
}


def test_every_endpoint_is_in_the_matrix() -> None:
    schema = ninja_api.get_openapi_schema()
    routes = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    covered = {(s.method, s.route) for s in SPECS} | {(m, r) for m, r, _b, _c in GLOBAL_SPECS} | set(EXEMPT)
    covered |= {(s.method, s.route) for s in WARNING_SPECS}
    missing = sorted(routes - covered)
    assert not missing, f"endpoints without a scope test: {missing}"


def test_out_of_scope_read_returns_no_data_and_is_audited(api: Any, targets: dict[str, Target]) -> None:
    other = targets["other_township"]
    r = api("township_officer").get(f"/api/units/{other.village.pk}")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "数据不存在或已被撤销"}
    event = AuditLog.objects.filter(action="scope.denied", username="township_officer").latest("id")
    assert event.object_id == str(other.village.pk) and event.detail["mode"] == "read"
    assert event.at <= timezone.now()


# --- warnings (预警) ------------------------------------------------------------------------
# A warning is seen by whoever sees its sender (its path) or one of its recipients; the sender
# (alerts.warn, of the sending unit or capturing it) changes it; only the recipient unit's own
# users with alerts.report, and the grid workers whose grids it holds, acknowledge it and report
# measures.


@dataclass
class WarningTarget:
    warning: Any
    sender: Unit
    recipient: Unit
    department: Department
    document: Any


def _warning_target(t: Target) -> WarningTarget:
    from django.core.files.base import ContentFile

    from zongzhi.alerts.models import EarlyWarning, WarningDocument, WarningRecipient

    sender = t.village.parent or t.village
    author = User.objects.get(username="county_officer")
    w = EarlyWarning.objects.create(
        path=sender.path,
        title=f"{t.name}的预警",
        body="有越级上访苗头",
        level="yellow",
        sender_unit=sender,
        sender_user=author,
    )
    due = timezone.now() + dt.timedelta(hours=2)
    WarningRecipient.objects.create(warning=w, unit=t.village, path=t.village.path, level="yellow", ack_due_at=due)
    doc = WarningDocument(warning=w, sha256="0" * 64, generated_by=author)
    doc.file.save(f"matrix-{t.name}.docx", ContentFile(b"PK"), save=False)
    doc.save()
    return WarningTarget(w, sender, t.village, t.department, doc)


@dataclass(frozen=True)
class WarningSpec:
    method: str
    route: str
    kind: str  # read | list | sender | recipient | issue
    url: Callable[[WarningTarget], str]
    body: Callable[[WarningTarget], Any] | None = None
    ok: tuple[int, ...] = (200, 201)


W = "/api/alerts/warnings"
WARNING_SPECS: list[WarningSpec] = [
    WarningSpec("GET", W, "list", lambda w: f"{W}?box=all&under={w.recipient.pk}"),
    WarningSpec("GET", W + "/total", "list", lambda w: f"{W}/total?box=all&under={w.recipient.pk}"),
    WarningSpec("GET", W + "/{warning_id}", "read", lambda w: f"{W}/{w.warning.pk}"),
    WarningSpec("GET", W + "/documents/{document_id}/file", "read", lambda w: f"{W}/documents/{w.document.pk}/file"),
    WarningSpec(
        "POST",
        W,
        "issue",
        lambda w: W,
        lambda w: {"title": "预警", "body": "内容", "level": "blue", "unit_ids": [w.recipient.pk]},
    ),
    WarningSpec("POST", W + "/{warning_id}/acknowledge", "recipient", lambda w: f"{W}/{w.warning.pk}/acknowledge"),
    WarningSpec(
        "POST",
        W + "/{warning_id}/measures",
        "recipient",
        lambda w: f"{W}/{w.warning.pk}/measures",
        lambda w: {"text": "已落实"},
    ),
    WarningSpec(
        "POST", W + "/{warning_id}/level", "sender", lambda w: f"{W}/{w.warning.pk}/level", lambda w: {"level": "red"}
    ),
    WarningSpec(
        "POST",
        W + "/{warning_id}/recipients",
        "sender",
        lambda w: f"{W}/{w.warning.pk}/recipients",
        lambda w: {"department_ids": [w.department.pk]},
    ),
    WarningSpec("POST", W + "/{warning_id}/remind", "sender", lambda w: f"{W}/{w.warning.pk}/remind"),
    WarningSpec("POST", W + "/{warning_id}/documents", "sender", lambda w: f"{W}/{w.warning.pk}/documents"),
    WarningSpec(
        "POST",
        W + "/documents/{document_id}/sent",
        "sender",
        lambda w: f"{W}/documents/{w.document.pk}/sent",
        lambda w: {"sent_to": "信访局"},
    ),
    # last: a lifted warning takes no more changes
    WarningSpec(
        "POST", W + "/{warning_id}/lift", "sender", lambda w: f"{W}/{w.warning.pk}/lift", lambda w: {"note": "已化解"}
    ),
]


def expected_warning(o: Oracle, user: User, spec: WarningSpec, w: WarningTarget) -> str:
    """'ok', 'hidden' (404), 'denied' (403) or 'invalid' (400: a recipient outside the scope)."""
    reads = bool({"alerts.report", "alerts.warn"} & o.caps)
    if spec.kind == "issue":
        if "alerts.warn" not in o.caps or user.unit is None or user.unit.level not in ("county", "township"):
            return "denied"
        below = w.recipient.path.startswith(user.unit.path) and w.recipient.path != user.unit.path
        return "ok" if o.sees(w.recipient.path) and below else "invalid"
    if not (o.sees(w.sender.path) or o.sees(w.recipient.path)):
        return "hidden"
    if not reads:
        return "denied"
    if spec.kind in ("read", "list"):
        return "ok"
    if spec.kind == "recipient":
        # the recipient unit's own users, and the grid workers of its grids (its front line)
        front_line = user.capture_scope.filter(level="grid", parent=w.recipient, is_retired=False).exists()
        own = (user.unit_id == w.recipient.pk or front_line) and user.department_id is None
        return "ok" if own and "alerts.report" in o.caps else "denied"
    sender = user.unit_id == w.sender.pk or o.captures(w.sender.path)
    return "ok" if "alerts.warn" in o.caps and sender else "denied"


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township", "outside_county"])
def test_warning_scope_matrix(
    api: Any, targets: dict[str, Target], username: str, where: str, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    o = oracle(username)
    client = api(username)
    user = User.objects.select_related("unit").get(username=username)
    w = _warning_target(targets[where])
    for spec in WARNING_SPECS:
        before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = spec.url(w)
        if spec.method == "GET":
            r = client.get(url)
        else:
            r = client.send(spec.method, url, spec.body(w) if spec.body else {})
        want = expected_warning(o, user, spec, w)
        label = f"{username} {spec.method} {spec.route} @ {where}"
        body = r.json() if r.content and r["Content-Type"].startswith("application/json") else None
        if want == "ok":
            assert r.status_code in spec.ok, f"{label}: expected success, got {r.status_code} {body}"
            if spec.route == W and spec.method == "GET":
                assert body["items"], f"{label}: the warning is missing from the list"
                for item in body["items"]:
                    assert o.sees(item["path"]) or item["id"] == w.warning.pk, f"{label}: list leaks"
            if spec.method == "POST":
                written = AuditLog.objects.filter(id__gt=before, username=username)
                assert written.exists(), f"{label}: the write left no audit record"
        elif want == "invalid":
            assert r.status_code == 400, f"{label}: expected 400, got {r.status_code} {body}"
            assert body["code"] == "warning_recipient_out_of_scope", label
        else:
            status = 404 if want == "hidden" else 403
            assert r.status_code == status, f"{label}: expected {status}, got {r.status_code} {body}"
            assert set(body) <= {"code", "message", "errors"}, f"{label}: error leaks data"
            denials = AuditLog.objects.filter(
                id__gt=before, username=username, action__in=["scope.denied", "permission.denied"]
            )
            assert denials.exists(), f"{label}: refusal not audited"


# --- office: documents ----------------------------------------------------------------------
# A document is seen by whoever sees its issuing unit (its path) and by its recipients (users of
# a recipient unit); the sign-off status page by the sender's side only; the sender (office.send,
# capture scope over the issuing unit) reminds and withdraws; only the recipient unit's own
# users with office.write sign and reply. These specs run in test_document_scope_matrix below.


@dataclass
class DocumentTarget:
    document: Any
    sender: Unit
    recipient: Unit


def _document_target(t: Target) -> DocumentTarget:
    from zongzhi.office.models import Document, DocumentRecipient

    sender = t.village.parent or t.village
    author = User.objects.get(username="county_officer")
    now = timezone.now()
    d = Document.objects.create(
        path=sender.path,
        sender_unit=sender,
        sender_user=author,
        kind="notice",
        issuer_label=f"{sender.name}通知",
        year=now.year,
        issued_on=now.date(),
        title=f"{t.name}的通知",
        reply_required=True,
        reply_due_at=now + dt.timedelta(days=3),
        recipient_count=1,
    )
    DocumentRecipient.objects.create(document=d, unit=t.village, sign_due_at=now + dt.timedelta(hours=24))
    return DocumentTarget(d, sender, t.village)


@dataclass(frozen=True)
class DocumentSpec:
    method: str
    route: str
    kind: str  # list | read | status | sender | recipient | issue | send
    url: Callable[[DocumentTarget], str]
    body: Callable[[DocumentTarget], Any] | None = None


OD = "/api/office/documents"
DOCUMENT_SPECS: list[DocumentSpec] = [
    DocumentSpec("GET", OD, "list", lambda d: f"{OD}?box=all&unit={d.sender.pk}"),
    DocumentSpec("GET", OD + "/total", "list", lambda d: f"{OD}/total?box=all&unit={d.sender.pk}"),
    DocumentSpec("GET", OD + "/receipts", "list", lambda d: f"{OD}/receipts?unit={d.sender.pk}"),
    DocumentSpec("GET", OD + "/recipient-options", "send", lambda d: f"{OD}/recipient-options"),
    DocumentSpec("GET", OD + "/{document_id}", "read", lambda d: f"{OD}/{d.document.pk}"),
    DocumentSpec("GET", OD + "/{document_id}/recipients", "status", lambda d: f"{OD}/{d.document.pk}/recipients"),
    DocumentSpec(
        "POST", OD, "issue", lambda d: OD, lambda d: {"kind": "notice", "title": "通知", "unit_ids": [d.recipient.pk]}
    ),
    # before signing: a reminder needs an unsigned recipient
    DocumentSpec("POST", OD + "/{document_id}/remind", "sender", lambda d: f"{OD}/{d.document.pk}/remind"),
    DocumentSpec("POST", OD + "/{document_id}/sign", "recipient", lambda d: f"{OD}/{d.document.pk}/sign"),
    DocumentSpec(
        "POST",
        OD + "/{document_id}/reply",
        "recipient",
        lambda d: f"{OD}/{d.document.pk}/reply",
        lambda d: {"note": "材料已报送"},
    ),
    # last: a withdrawn document takes no more signing
    DocumentSpec(
        "POST",
        OD + "/{document_id}/withdraw",
        "sender",
        lambda d: f"{OD}/{d.document.pk}/withdraw",
        lambda d: {"reason": "重发"},
    ),
]
EXEMPT.update({(s.method, s.route): "office documents: test_document_scope_matrix" for s in DOCUMENT_SPECS})


def expected_document(o: Oracle, user: User, spec: DocumentSpec, d: DocumentTarget) -> str:
    """'ok', 'hidden' (404), 'denied' (403) or 'invalid' (400: a recipient outside the scope)."""
    reads = "records.read" in o.caps
    if spec.kind in ("send", "issue"):
        if "office.send" not in o.caps:
            return "denied"
        if spec.kind == "send":
            return "ok"
        below = d.recipient.path.startswith(o.home) and d.recipient.path != o.home
        return "ok" if o.sees(d.recipient.path) and below else "invalid"
    if spec.kind == "list":
        if not reads:
            return "denied"
        return "ok" if o.sees(d.sender.path) else "hidden"
    if not (o.sees(d.sender.path) or user.unit_id == d.recipient.pk):
        return "hidden"
    if not reads:
        return "denied"
    if spec.kind == "read":
        return "ok"
    if spec.kind == "status":
        return "ok" if o.sees(d.sender.path) else "denied"
    if spec.kind == "recipient":
        own = user.unit_id == d.recipient.pk and user.department_id is None
        return "ok" if own and "office.write" in o.caps else "denied"
    return "ok" if "office.send" in o.caps and o.captures(d.sender.path) else "denied"


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township", "outside_county"])
def test_document_scope_matrix(api: Any, targets: dict[str, Target], username: str, where: str) -> None:
    o = oracle(username)
    client = api(username)
    user = User.objects.select_related("unit").get(username=username)
    d = _document_target(targets[where])
    for spec in DOCUMENT_SPECS:
        before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = spec.url(d)
        r = (
            client.get(url)
            if spec.method == "GET"
            else client.send(spec.method, url, spec.body(d) if spec.body else {})
        )
        want = expected_document(o, user, spec, d)
        label = f"{username} {spec.method} {spec.route} @ {where}"
        body = r.json() if r.content and r["Content-Type"].startswith("application/json") else None
        if want == "ok":
            assert r.status_code in (200, 201), f"{label}: expected success, got {r.status_code} {body}"
            if spec.route == OD and spec.method == "GET":
                assert d.document.pk in [i["id"] for i in body["items"]], f"{label}: the document is missing"
                for item in body["items"]:
                    assert o.sees(item["path"]), f"{label}: list leaks"
            if spec.method == "POST":
                written = AuditLog.objects.filter(id__gt=before, username=username)
                assert written.exists(), f"{label}: the write left no audit record"
        elif want == "invalid":
            assert r.status_code == 400, f"{label}: expected 400, got {r.status_code} {body}"
            assert body["code"] == "recipient_out_of_scope", label
        else:
            status = 404 if want == "hidden" else 403
            assert r.status_code == status, f"{label}: expected {status}, got {r.status_code} {body}"
            assert set(body) <= {"code", "message", "errors"}, f"{label}: error leaks data"
            denials = AuditLog.objects.filter(
                id__gt=before, username=username, action__in=["scope.denied", "permission.denied"]
            )
            assert denials.exists(), f"{label}: refusal not audited"


# --- office: patrols ------------------------------------------------------------------------
# A route is read in the view scope and written by the officers (office.write) of its own unit
# (a township reads its villages' routes, write rule as the registry's); a patrol is started by
# a worker (office.patrol) on a route that is theirs (member, or their own unit: the target's
# route has no members) and only its worker checks in, tracks and ends it (the target user's
# patrol here: every persona is refused). These specs run in test_patrol_scope_matrix below.


@dataclass
class PatrolTarget:
    route: Any
    patrol: Any
    village: Unit


def _patrol_target(t: Target) -> PatrolTarget:
    import uuid

    from zongzhi.office.models import Patrol, PatrolPoint, PatrolRoute

    route = PatrolRoute.objects.create(
        path=t.village.path,
        unit=t.village,
        name=f"{t.name}巡逻线",
        line=[[118.63, 32.06], [118.63, 32.062]],
        weekdays="1234567",
        created_by=t.user,
    )
    PatrolPoint.objects.create(route=route, name="路口", latitude=32.06, longitude=118.63)
    patrol = Patrol.objects.create(
        path=t.village.path,
        route=route,
        unit=t.village,
        worker=t.user,
        started_at=timezone.now() - dt.timedelta(minutes=10),
        client_id=uuid.uuid4(),
    )
    return PatrolTarget(route, patrol, t.village)


def _patrol_route_body(p: PatrolTarget, name: str) -> dict[str, Any]:
    return {
        "unit_id": p.village.pk,
        "name": name,
        "line": [[118.63, 32.06], [118.63, 32.062]],
        "points": [{"name": "路口", "latitude": 32.06, "longitude": 118.63}],
        "weekdays": "12345",
    }


@dataclass(frozen=True)
class PatrolSpec:
    method: str
    route: str
    kind: str  # read | route_write | start | worker
    url: Callable[[PatrolTarget], str]
    body: Callable[[PatrolTarget], Any] | None = None


OP = "/api/office/patrols"
PATROL_SPECS: list[PatrolSpec] = [
    PatrolSpec("GET", OP + "/routes", "read", lambda p: f"{OP}/routes?unit={p.village.pk}"),
    PatrolSpec("GET", OP + "/routes/{route_id}", "read", lambda p: f"{OP}/routes/{p.route.pk}"),
    PatrolSpec(
        "GET", OP + "/routes/member-options", "route_write", lambda p: f"{OP}/routes/member-options?unit={p.village.pk}"
    ),
    PatrolSpec(
        "POST", OP + "/routes", "route_write", lambda p: f"{OP}/routes", lambda p: _patrol_route_body(p, "新线")
    ),
    PatrolSpec(
        "PUT",
        OP + "/routes/{route_id}",
        "route_write",
        lambda p: f"{OP}/routes/{p.route.pk}",
        lambda p: _patrol_route_body(p, "改名线"),
    ),
    PatrolSpec("GET", OP, "read", lambda p: f"{OP}?unit={p.village.pk}"),
    PatrolSpec("GET", OP + "/total", "read", lambda p: f"{OP}/total?unit={p.village.pk}"),
    PatrolSpec("GET", OP + "/{patrol_id}", "read", lambda p: f"{OP}/{p.patrol.pk}"),
    PatrolSpec(
        "POST",
        OP,
        "start",
        lambda p: OP,
        lambda p: {"client_id": "6f0e4a4e-0000-4000-8000-00000000000" + str(p.village.pk % 10), "route_id": p.route.pk},
    ),
    PatrolSpec(
        "POST",
        OP + "/by-client/{client_id}/check-ins",
        "worker",
        lambda p: f"{OP}/by-client/{p.patrol.client_id}/check-ins",
        lambda p: {"client_id": "6f0e4a4e-0000-4000-8000-000000000101"},
    ),
    PatrolSpec(
        "POST",
        OP + "/by-client/{client_id}/track",
        "worker",
        lambda p: f"{OP}/by-client/{p.patrol.client_id}/track",
        lambda p: {"points": [[32.06, 118.63, timezone.now().timestamp()]]},
    ),
    PatrolSpec(
        "POST",
        OP + "/by-client/{client_id}/end",
        "worker",
        lambda p: f"{OP}/by-client/{p.patrol.client_id}/end",
        lambda p: {},
    ),
    # last: a withdrawn route takes no more changes
    PatrolSpec(
        "POST",
        OP + "/routes/{route_id}/withdraw",
        "route_write",
        lambda p: f"{OP}/routes/{p.route.pk}/withdraw",
        lambda p: {"reason": "线路调整"},
    ),
]
EXEMPT.update({(s.method, s.route): "office patrols: test_patrol_scope_matrix" for s in PATROL_SPECS})


def expected_patrol(o: Oracle, spec: PatrolSpec, p: PatrolTarget) -> str:
    """'ok', 'hidden' (404) or 'denied' (403)."""
    if not o.sees(p.route.path):
        return "hidden"
    own = any(p.route.path == c or (len(c) >= 12 and p.route.path.startswith(c)) for c in o.capture)
    if spec.kind == "read":
        return "ok" if "records.read" in o.caps else "denied"
    if spec.kind == "route_write":
        return "ok" if "office.write" in o.caps and own else "denied"
    if spec.kind == "start":
        return "ok" if "office.patrol" in o.caps and own else "denied"
    return "denied"  # the target user's patrol: nobody else acts on it


# --- field: the daily must-do list (每日必办) ----------------------------------------------------
# The completion board and a worker's list follow the view scope (records.read); the rules need
# field.configure; a worker's own list and the manual tick act on the caller's own items only.
MD = "/api/field/must-do"
SPECS.extend(
    [
        Spec(
            "GET",
            MD + "/completion",
            "read",
            lambda t: f"{MD}/completion?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            MD + "/completion/month",
            "read",
            lambda t: f"{MD}/completion/month?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            MD + "/workers/{worker_id}",
            "read",
            lambda t: f"{MD}/workers/{t.user.pk}",
            cap=frozenset({"records.read"}),
            target="user",
        ),
    ]
)
GLOBAL_SPECS.append(("GET", MD + "/rules", None, frozenset({"field.configure"})))
EXEMPT.update(
    {
        ("GET", MD + "/mine"): "the caller's own list: test_mustdo_own_items_matrix",
        ("POST", MD + "/items/{item_id}/tick"): "the caller's own items only: test_mustdo_own_items_matrix",
        ("PUT", MD + "/rules/{kind}"): "field.configure: test_mustdo_own_items_matrix",
    }
)


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township", "outside_county"])
def test_patrol_scope_matrix(api: Any, targets: dict[str, Target], username: str, where: str) -> None:
    o = oracle(username)
    client = api(username)
    p = _patrol_target(targets[where])
    for spec in PATROL_SPECS:
        before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = spec.url(p)
        r = (
            client.get(url)
            if spec.method == "GET"
            else client.send(spec.method, url, spec.body(p) if spec.body else {})
        )
        want = expected_patrol(o, spec, p)
        label = f"{username} {spec.method} {spec.route} @ {where}"
        body = r.json() if r.content and r["Content-Type"].startswith("application/json") else None
        if want == "ok":
            assert r.status_code in (200, 201), f"{label}: expected success, got {r.status_code} {body}"
            if spec.route == OP and spec.method == "GET":
                assert p.patrol.pk in [i["id"] for i in body["items"]], f"{label}: the patrol is missing"
                for item in body["items"]:
                    assert o.sees(item["unit"]["path"]), f"{label}: list leaks"
            if spec.method in ("POST", "PUT"):
                written = AuditLog.objects.filter(id__gt=before, username=username)
                assert written.exists(), f"{label}: the write left no audit record"
        else:
            status = 404 if want == "hidden" else 403
            assert r.status_code == status, f"{label}: expected {status}, got {r.status_code} {body}"
            assert set(body) <= {"code", "message", "errors"}, f"{label}: error leaks data"
            denials = AuditLog.objects.filter(
                id__gt=before, username=username, action__in=["scope.denied", "permission.denied"]
            )
            assert denials.exists(), f"{label}: refusal not audited"


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township", "outside_county"])
def test_mustdo_own_items_matrix(api: Any, targets: dict[str, Target], username: str, where: str) -> None:
    from zongzhi.field.models import MustDoItem

    o = oracle(username)
    client = api(username)
    t = targets[where]
    theirs = MustDoItem.objects.create(
        worker=t.user, day=timezone.localdate(), kind="document", ref_id=1, title="通知", path=t.village.path
    )
    label = f"{username} @ {where}"
    r = client.get(f"{MD}/mine")
    assert r.status_code == 200, f"{label}: {r.status_code}"
    assert all(i["id"] != theirs.pk for i in r.json()["items"]), f"{label}: another worker's item leaks"
    before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    r = client.post(f"{MD}/items/{theirs.pk}/tick", {"note": "代勾"})
    assert r.status_code == 404, f"{label}: ticking another worker's item: {r.status_code}"
    assert set(r.json()) <= {"code", "message", "errors"}
    assert AuditLog.objects.filter(id__gt=before, username=username, action="scope.denied").exists()
    theirs.refresh_from_db()
    assert theirs.done_at is None
    r = client.put(f"{MD}/rules/visit", {"enabled": True, "lead_days": 3, "note": ""})
    if "field.configure" in o.caps:
        assert r.status_code == 200, f"{label}: {r.status_code}"
    else:
        assert r.status_code == 403, f"{label}: expected 403, got {r.status_code}"
        assert AuditLog.objects.filter(username=username, action="permission.denied").exists()


# --- assess: the login red light, scores, rankings, hand scores --------------------------------
# Reads follow the view scope (records.read); a ranking lists the units below the unit asked
# for; the unit above scores by hand and recomputes (assess.score, "above": strictly below one of
# its capture units; recomputing the units below a unit in its capture scope). The rubric
# endpoints are tested apart (test_assess_rubric_matrix).
for _code, _caps in importlib.import_module("zongzhi.assess.migrations.0001_capabilities").ROLE_CAPS.items():
    ROLE_CAPS[_code] |= set(_caps)
AS = "/api/assess"


def _assess_hand_item() -> int:
    from zongzhi.assess.services_rubric import default_rubric

    return default_rubric().items.get(number="6.1").pk


SPECS.extend(
    [
        Spec("GET", AS + "/logins", "read", lambda t: f"{AS}/logins?unit={_u(t)}", cap=frozenset({"records.read"})),
        Spec(
            "GET",
            AS + "/scores/ranking",
            "read",
            lambda t: f"{AS}/scores/ranking?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            AS + "/hand",
            "read",
            lambda t: f"{AS}/hand?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "POST",
            AS + "/scores/recompute",
            "write",
            lambda t: f"{AS}/scores/recompute",
            body=lambda t: {"unit_id": _u(t), "month": timezone.localdate().isoformat()},
            cap=frozenset({"assess.score"}),
        ),
    ]
)
GLOBAL_SPECS.extend(
    [
        ("GET", AS + "/measures", None, frozenset()),
        ("GET", AS + "/rubrics", None, frozenset()),
    ]
)
EXEMPT.update(
    {
        # The sheet and the drill-down refuse the matrix's targets as not assessed (a village's
        # grids, a city): covered per persona in test_assess_sheet_matrix.
        # Only the unit directly above scores, and only townships and villages: narrower than the
        # matrix's "above"; refusals per case in assess/tests/test_rubric.py.
        ("PUT", AS + "/hand"): "test_only_the_unit_directly_above_scores_by_hand_and_only_assessed_units",
        ("POST", AS + "/hand/uploads"): "multipart upload, assess.score; the file opens for readers of the "
        "unit's sheet: assess/tests/test_evidence.py",
        ("GET", AS + "/scores/sheet"): "assessed units only: test_assess_sheet_matrix",
        ("GET", AS + "/scores/shortfalls"): "assessed units only: test_assess_sheet_matrix",
        ("GET", AS + "/rubrics/{rubric_id}"): "test_assess_rubric_matrix",
        ("POST", AS + "/rubrics"): "test_assess_rubric_matrix",
        ("PATCH", AS + "/rubrics/{rubric_id}"): "test_assess_rubric_matrix",
        ("POST", AS + "/rubrics/{rubric_id}/items"): "test_assess_rubric_matrix",
        ("PUT", AS + "/rubrics/{rubric_id}/items/{item_id}"): "test_assess_rubric_matrix",
    }
)


@pytest.mark.parametrize("username", PERSONA_NAMES)
@pytest.mark.parametrize("where", ["in", "other_township"])
def test_assess_sheet_matrix(api: Any, username: str, where: str) -> None:
    """A unit's sheet and drill-down: whoever sees the village with records.read, nobody else."""
    o = oracle(username)
    client = api(username)
    village = Unit.objects.get(code="320111003001" if where == "in" else "320111004001")
    item = _assess_hand_item()
    for url in (
        f"{AS}/scores/sheet?unit={village.pk}",
        f"{AS}/scores/shortfalls?unit={village.pk}&item={item}",
    ):
        before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        r = client.get(url)
        label = f"{username} {url} @ {where}"
        if not o.sees(village.path):
            assert r.status_code == 404, f"{label}: {r.status_code}"
        elif "records.read" not in o.caps:
            assert r.status_code == 403, f"{label}: {r.status_code}"
        else:
            assert r.status_code == 200, f"{label}: {r.status_code} {r.content[:200]!r}"
            continue
        assert set(r.json()) <= {"code", "message", "errors"}, f"{label}: error leaks data"
        assert AuditLog.objects.filter(
            id__gt=before, username=username, action__in=["scope.denied", "permission.denied"]
        ).exists(), f"{label}: refusal not audited"


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_assess_rubric_matrix(api: Any, username: str) -> None:
    """The rubric: every user reads the default and the rules above them; only assess.configure
    makes and edits a year's rubric, of a unit in its capture scope; the default is read only."""
    from zongzhi.assess.models import Rubric

    o = oracle(username)
    client = api(username)
    county = Unit.objects.get(code="320111000000")
    city = Unit.objects.get(code="320100000000")
    default = Rubric.objects.get(path="", year__isnull=True)
    r = client.get(f"{AS}/rubrics/{default.pk}")
    assert r.status_code == 200
    item = r.json()["items"][0]
    item_body = {k: item[k] for k in ("section_id", "number", "text", "measure", "params")} | {"points": "2"}
    allowed = "assess.configure" in o.caps
    r = client.post(f"{AS}/rubrics", {"unit_id": county.pk, "year": 2027})
    if allowed and o.captures(county.path):
        assert r.status_code == 201, f"{username}: {r.status_code} {r.content[:200]!r}"
        made = r.json()
        mine = made["items"][0]
        body = {k: mine[k] for k in ("section_id", "number", "text", "measure", "params")} | {"points": "2"}
        assert (
            client.patch(
                f"{AS}/rubrics/{made['id']}", {"title": "改", "login_week_min": 3, "login_month_min": 12}
            ).status_code
            == 200
        )
        assert client.put(f"{AS}/rubrics/{made['id']}/items/{mine['id']}", body).status_code == 200
        assert (
            client.post(f"{AS}/rubrics/{made['id']}/items", body | {"number": "12", "is_active": False}).status_code
            == 201
        )
    else:
        assert r.status_code in (403, 404), f"{username}: {r.status_code}"
        assert AuditLog.objects.filter(username=username, action__in=["scope.denied", "permission.denied"]).exists()
    # nobody edits the default
    r = client.put(f"{AS}/rubrics/{default.pk}/items/{item['id']}", item_body)
    assert r.status_code == 403, f"{username}: {r.status_code}"
    # a rubric of a unit outside every persona's scope is not found
    other = Rubric.objects.create(unit=city, path=city.path, year=2027, title="市细则")
    assert client.get(f"{AS}/rubrics/{other.pk}").status_code in (200, 404)
    r = client.patch(f"{AS}/rubrics/{other.pk}", {"title": "改", "login_week_min": 3, "login_month_min": 12})
    assert r.status_code in (403, 404), f"{username}: {r.status_code}"


# --- end assess


# --- dashboard and big screen: a unit's figures follow the view scope and need records.read
SPECS.extend(
    [
        Spec(
            "GET",
            "/api/stats/dashboard",
            "read",
            lambda t: f"/api/stats/dashboard?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            "/api/stats/screen",
            "read",
            lambda t: f"/api/stats/screen?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            "/api/stats/screen/map",
            "read",
            lambda t: f"/api/stats/screen/map?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
    ]
)
# --- end dashboard and big screen


# --- stats: the monthly analysis report (研判报告) ----------------------------------------------
# A unit in the view scope (404 otherwise) and records.read; the template is alerts.configure.
SPECS.extend(
    [
        Spec(
            "GET",
            "/api/stats/analysis",
            "read",
            lambda t: f"/api/stats/analysis?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
        Spec(
            "GET",
            "/api/stats/analysis/docx",
            "read",
            lambda t: f"/api/stats/analysis/docx?unit={_u(t)}",
            cap=frozenset({"records.read"}),
        ),
    ]
)
GLOBAL_SPECS.extend(
    [
        ("GET", "/api/stats/analysis/template", None, frozenset({"alerts.configure"})),
        ("GET", "/api/stats/analysis/template/file", None, frozenset({"alerts.configure"})),
    ]
)
EXEMPT.update(
    {
        ("POST", "/api/stats/analysis/template"): "multipart upload, alerts.configure: "
        "stats/tests/test_analysis.py (bad files refused, others refused)",
    }
)


# --- assess: the monthly bulletin (督查通报) ----------------------------------------------------
# Generated by a county or township for its own units (assess.score, own unit); read by users
# who see the issuing unit; issued once. Tested persona by persona in assess/tests/test_bulletins.py.
GLOBAL_SPECS.extend(
    [
        ("GET", "/api/assess/bulletins", None, frozenset({"records.read"})),
        ("GET", "/api/assess/bulletins/template", None, frozenset({"alerts.configure"})),
    ]
)
EXEMPT.update(
    {
        ("POST", "/api/assess/bulletins"): "the caller's own county or township: test_bulletin_scope_matrix",
        ("GET", "/api/assess/bulletins/{bulletin_id}"): "the issuing unit in view scope: test_bulletin_scope_matrix",
        ("GET", "/api/assess/bulletins/{bulletin_id}/docx"): "as the detail: test_bulletin_scope_matrix",
        ("POST", "/api/assess/bulletins/{bulletin_id}/issue"): "the issuing unit's own officers: "
        "test_bulletin_scope_matrix",
        ("POST", "/api/assess/bulletins/template"): "multipart upload, alerts.configure (as the analysis report's)",
    }
)


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_bulletin_scope_matrix(api: Any, username: str) -> None:
    """Each persona against the township's bulletin (沿江街道) and generating one of their own."""
    from zongzhi.assess.models import Bulletin

    o = oracle(username)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    r = api("township_officer").post("/api/assess/bulletins", {"month": month})
    assert r.status_code == 201, r.content
    bulletin = Bulletin.objects.get(pk=r.json()["id"])
    client = api(username)
    label = f"{username} bulletin"
    for url in (f"/api/assess/bulletins/{bulletin.pk}", f"/api/assess/bulletins/{bulletin.pk}/docx"):
        r = client.get(url)
        if not o.sees(bulletin.path):
            assert r.status_code == 404, f"{label} {url}: {r.status_code}"
            assert AuditLog.objects.filter(username=username, action="scope.denied").exists()
        elif "records.read" in o.caps:
            assert r.status_code == 200, f"{label} {url}: {r.status_code}"
        else:
            assert r.status_code == 403, f"{label} {url}: {r.status_code}"
    listed = client.get("/api/assess/bulletins")
    if "records.read" in o.caps:
        assert all(o.sees(b["unit"]["path"]) for b in listed.json()), f"{label}: the list leaks"
    user = User.objects.select_related("unit").get(username=username)
    r = client.post("/api/assess/bulletins", {"month": month})
    own_level = user.unit is not None and user.unit.level in ("county", "township") and o.captures(user.unit.path)
    if "assess.score" in o.caps and own_level:
        assert r.status_code == 201, f"{label} generate: {r.status_code}"
        assert Bulletin.objects.get(pk=r.json()["id"]).unit_id == user.unit_id
    else:
        assert r.status_code == 403, f"{label} generate: {r.status_code}"
    r = client.post(f"/api/assess/bulletins/{bulletin.pk}/issue")
    if username == "township_officer":
        assert r.status_code == 200, f"{label} issue: {r.status_code} {r.content[:200]!r}"
    else:
        assert r.status_code in (403, 404), f"{label} issue: {r.status_code}"
    if username != "township_officer":
        assert api("township_officer").post(f"/api/assess/bulletins/{bulletin.pk}/issue").status_code == 200
    # issued: the units directly below (its recipients) read it too, read only; nobody else more
    received = user.unit is not None and user.unit.parent_id == bulletin.unit_id and user.unit.level != "grid"
    r = client.get(f"/api/assess/bulletins/{bulletin.pk}")
    if not (o.sees(bulletin.path) or received):
        assert r.status_code == 404, f"{label} issued: {r.status_code}"
    elif "records.read" in o.caps:
        assert r.status_code == 200, f"{label} issued: {r.status_code}"
        assert r.json()["received"] is (not o.sees(bulletin.path))
    else:
        assert r.status_code == 403, f"{label} issued: {r.status_code}"
    if "records.read" in o.caps:
        listed = client.get("/api/assess/bulletins").json()
        assert all(o.sees(b["unit"]["path"]) or (received and b["id"] == bulletin.pk) for b in listed), label


# --- the document templates page (文书模板): alerts.configure, like the three upload endpoints
GLOBAL_SPECS.append(("GET", "/api/templates", None, frozenset({"alerts.configure"})))
EXEMPT.update(
    {
        ("GET", "/api/templates/{code}/file"): "a code, not a unit: test_templates_scope_matrix",
        ("POST", "/api/templates/{code}"): "multipart upload: test_templates_scope_matrix",
        ("DELETE", "/api/templates/{code}"): "a code, not a unit: test_templates_scope_matrix",
    }
)


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_templates_scope_matrix(api: Any, username: str) -> None:
    """Every persona downloads, uploads and restores the bulletin's template: alerts.configure only."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zongzhi.assess.services_bulletins import DEFAULT_TEMPLATE

    o = oracle(username)
    client = api(username)
    allowed = "alerts.configure" in o.caps
    upload = client.client.post(
        "/api/templates/bulletin",
        {"file": SimpleUploadedFile("t.docx", DEFAULT_TEMPLATE.read_bytes())},
        headers=client._headers(),
    )
    responses = [
        upload,
        client.get("/api/templates/bulletin/file"),
        client.get("/api/templates/bulletin/file?version=default"),
        client.send("DELETE", "/api/templates/bulletin"),
    ]
    for r in responses:
        if allowed:
            assert r.status_code == 200, f"{username}: {r.status_code} {r.content[:200]!r}"
        else:
            assert r.status_code == 403, f"{username}: {r.status_code}"
            assert set(r.json()) <= {"code", "message", "errors"}
    if not allowed:
        assert AuditLog.objects.filter(username=username, action="permission.denied").exists()
