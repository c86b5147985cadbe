"""The demo jurisdiction: 南京市浦口区 with its real townships and villages, synthetic grids
with GeoJSON boundaries, member departments and one account per persona.

Used by `manage.py demo` and by the test suite, so tests run against the same shapes a user
sees. Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .divisions import import_divisions, read_shipped
from .models import Department, Role, Unit, User

DEMO_PASSWORD = "Zongzhi@2026"
COUNTY_CODE = "320111000000"
# Rough extent of 浦口区 (WGS84), split into synthetic rectangles per township, village, grid.
EXTENT = (118.40, 31.95, 118.80, 32.25)  # west, south, east, north
GRIDS_PER_VILLAGE = {"small": 2, "large": 8}


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    role: str
    unit: str  # code of the home unit
    view: tuple[str, ...]
    capture: tuple[str, ...]
    phone: str
    department: str | None = None
    note: str = ""


GRID_1 = "320111003001001"
GRID_2 = "320111003001002"
PERSONAS: list[Persona] = [
    Persona(
        "grid_worker",
        "张伟",
        "grid_worker",
        GRID_1,
        ("320111003001",),
        (GRID_1, GRID_2),
        "13905140001",
        note="冯墙社区的网格员，负责两个网格（手机端 /m/）",
    ),
    Persona(
        "village_officer",
        "李娜",
        "village_officer",
        "320111003001",
        ("320111003001",),
        ("320111003001",),
        "13905140002",
        note="沿江街道冯墙社区综治专干",
    ),
    Persona(
        "township_officer",
        "王强",
        "township_officer",
        "320111003000",
        ("320111003000",),
        ("320111003000",),
        "13905140003",
        note="沿江街道综治办",
    ),
    Persona(
        "township2_officer",
        "赵敏",
        "township_officer",
        "320111004000",
        ("320111004000",),
        ("320111004000",),
        "13905140004",
        note="江浦街道综治办（相邻街道）",
    ),
    Persona(
        "county_officer",
        "陈静",
        "county_officer",
        COUNTY_CODE,
        (COUNTY_CODE,),
        (COUNTY_CODE,),
        "13905140005",
        note="浦口区综治中心",
    ),
    Persona(
        "dept_police",
        "刘洋",
        "department_user",
        COUNTY_CODE,
        (COUNTY_CODE,),
        (),
        "13905140006",
        department="浦口公安分局",
        note="成员单位：公安",
    ),
    Persona("leader", "杨明", "leader", COUNTY_CODE, (COUNTY_CODE,), (), "13905140007", note="区领导（查看、督办）"),
    Persona(
        "sysadmin",
        "周涛",
        "sys_admin",
        COUNTY_CODE,
        (COUNTY_CODE,),
        (COUNTY_CODE,),
        "13905140008",
        note="系统管理员（首次登录须绑定动态口令）",
    ),
    Persona(
        "secadmin",
        "吴磊",
        "sec_admin",
        COUNTY_CODE,
        (COUNTY_CODE,),
        (COUNTY_CODE,),
        "13905140009",
        note="安全管理员（首次登录须绑定动态口令）",
    ),
    Persona(
        "auditor",
        "郑丽",
        "auditor",
        COUNTY_CODE,
        (COUNTY_CODE,),
        (COUNTY_CODE,),
        "13905140010",
        note="审计管理员（首次登录须绑定动态口令）",
    ),
]

COUNTY_DEPARTMENTS = [
    ("01", "浦口公安分局"),
    ("04", "浦口区司法局"),
    ("05", "浦口区信访局"),
    ("06", "浦口区民政局"),
    ("07", "浦口区人社局"),
    ("08", "浦口区住建局"),
    ("09", "浦口区市场监管局"),
    ("10", "浦口区应急管理局"),
]
TOWNSHIP_DEPARTMENTS = [("01", "派出所"), ("04", "司法所")]


def _rect(west: float, south: float, east: float, north: float) -> dict[str, object]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _split(box: tuple[float, float, float, float], n: int) -> list[tuple[float, float, float, float]]:
    """Split a box into n cells, row by row, in a near-square layout."""
    west, south, east, north = box
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    width, height = (east - west) / cols, (north - south) / rows
    cells = []
    for i in range(n):
        r, c = divmod(i, cols)
        cells.append((west + c * width, north - (r + 1) * height, west + (c + 1) * width, north - r * height))
    return cells


@transaction.atomic
def build_jurisdiction(size: str = "small") -> dict[str, int]:
    """Divisions of 浦口区, boundaries, grids and departments."""
    created, _ = import_divisions(read_shipped())
    county = Unit.objects.get(code=COUNTY_CODE)
    if county.boundary is None:
        county.boundary = _rect(*EXTENT)
        county.save(update_fields=["boundary"])
    townships = list(county.children.order_by("code"))
    grids = 0
    for township, tbox in zip(townships, _split(EXTENT, len(townships)), strict=True):
        if township.boundary is None:
            township.boundary = _rect(*tbox)
            township.save(update_fields=["boundary"])
        villages = list(township.children.order_by("code"))
        for village, vbox in zip(villages, _split(tbox, len(villages)), strict=False):
            if village.boundary is None:
                village.boundary = _rect(*vbox)
                village.save(update_fields=["boundary"])
            n = GRIDS_PER_VILLAGE[size]
            existing = set(village.children.values_list("code", flat=True))
            for i, gbox in enumerate(_split(vbox, n), start=1):
                code = f"{village.code}{i:03d}"
                if code in existing:
                    continue
                Unit.objects.create(
                    code=code,
                    name=f"{village.name.removesuffix('居委会').removesuffix('村委会')}第{i}网格",
                    level="grid",
                    parent=village,
                    path=code,
                    sort=i,
                    boundary=_rect(*gbox),
                )
                grids += 1
    for kind, name in COUNTY_DEPARTMENTS:
        Department.objects.get_or_create(unit=county, name=name, defaults={"kind_code": kind, "path": county.path})
    for township in townships[:9]:
        for kind, suffix in TOWNSHIP_DEPARTMENTS:
            short = township.name.removesuffix("街道").removesuffix("镇")
            Department.objects.get_or_create(
                unit=township, name=f"{short}{suffix}", defaults={"kind_code": kind, "path": township.path}
            )
    return {"units": created, "grids": grids}


@transaction.atomic
def build_personas(password: str = DEMO_PASSWORD) -> list[tuple[Persona, User]]:
    """One account per persona. Business accounts may log in at once; the three
    administrators must bind a TOTP second factor at first login."""
    out = []
    units = {u.code: u for u in Unit.objects.all()}
    roles = {r.code: r for r in Role.objects.all()}

    def unit(code: str) -> Unit:
        found: Unit = units[code if len(code) >= 12 else code.ljust(12, "0")]
        return found

    for p in PERSONAS:
        user = User.objects.filter(username=p.username).first()
        if user is None:
            home = unit(p.unit)
            dept = Department.objects.get(name=p.department) if p.department else None
            user = User(
                username=p.username,
                full_name=p.full_name,
                unit=home,
                department=dept,
                must_change_password=False,
                password_changed_at=timezone.now(),
            )
            user.phone = p.phone
            user.set_password(password)
            user.save()
            user.roles.set([roles[p.role]])
            user.view_scope.set([unit(c) for c in p.view])
            user.capture_scope.set([unit(c) for c in p.capture])
        out.append((p, user))
    return out
