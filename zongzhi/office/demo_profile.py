"""Demo unit profiles (辖区概况), written through the services at a past moment:

- the figures of 沿江街道 and each of its villages;
- leadership (with photos for the township and 冯墙社区) and centre staff of each;
- grid teams (一长四员) for every grid of 沿江街道's villages, complete except a few roles: 冯墙
  社区's second grid has no 网格督导员, and another village's first grid has no 网格民警 nor
  兼职网格员 (gaps the township sees). 冯墙社区's full-time grid worker is the `grid_worker` account.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from zongzhi.cases.attachments import store_upload
from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.units.models import Unit, User

from . import services_profile as services
from .models import GridRole, StaffGroup, StaffMember

TOWNSHIP_CODE = "320111003000"  # 沿江街道
VILLAGE_CODE = "320111003001"  # 冯墙社区
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "桂英", "秀兰", "志强", "海燕", "国庆", "玉珍", "德明", "红梅", "春生", "立新", "晓东"]
LEADERSHIP_POSTS = ["党委书记", "主任", "分管综治副主任"]
VILLAGE_LEADERSHIP_POSTS = ["党总支书记", "居委会主任", "综治副主任"]
CENTRE_POSTS = ["综治中心主任", "综治专干", "调解员"]
COLOURS = [(64, 112, 176), (90, 140, 100), (160, 96, 72), (120, 100, 160), (70, 130, 150), (150, 120, 60)]


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def _phone(i: int) -> str:
    return f"139{(51400000 + i * 7919) % 100000000:08d}"


def _portrait(user: User, i: int) -> int:
    """A plain generated portrait (a silhouette on a coloured ground), stored as an upload."""
    image = Image.new("RGB", (240, 320), COLOURS[i % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 60, 165, 150), fill=(238, 238, 238))
    draw.ellipse((35, 170, 205, 380), fill=(238, 238, 238))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    upload = SimpleUploadedFile(f"portrait{i}.jpg", buffer.getvalue(), content_type="image/jpeg")
    return int(store_upload(acting_user=user, upload=upload).pk)


def build_demo() -> dict[str, int]:
    """Write the profiles once; returns how many of each (nothing when they exist already)."""
    township = Unit.objects.filter(code=TOWNSHIP_CODE).first()
    if township is None or StaffMember.objects.filter(unit=township).exists():
        return {"profiles": 0, "staff": 0, "grid_members": 0}
    officer = User.objects.get(username="township_officer")
    grid_account = User.objects.filter(username="grid_worker").first()
    villages = list(Unit.objects.filter(parent=township, level="village", is_retired=False).order_by("code"))
    fengqiang = next((v for v in villages if v.code == VILLAGE_CODE), None)
    short_village = next((v for v in villages if v.code != VILLAGE_CODE), None)
    start = timezone.now() - dt.timedelta(days=100)
    counts = {"profiles": 0, "staff": 0, "grid_members": 0}
    n = 0
    with transaction.atomic(), simulated_clock(start), acting(officer):
        for index, unit in enumerate([township, *villages]):
            is_township = unit.pk == township.pk
            households = 18000 if is_township else 900 + index * 137
            services.save_profile(
                officer,
                unit,
                services.ProfileData(
                    description=(
                        f"{unit.name}位于浦口区东南部，濒临长江，交通便利。"
                        + ("辖" + str(len(villages)) + "个社区（村）。" if is_township else "辖区内设有网格若干。")
                    ),
                    area_km2=Decimal("56.30") if is_township else Decimal(f"{2 + index * 0.7:.2f}"),
                    households=households,
                    registered_population=households * 3 - 120,
                    floating_population=households // 2 + 60,
                    economy="以现代物流、先进制造和都市农业为主，集体经济稳步增长。",
                    key_projects="滨江大道拓宽工程；老旧小区改造；智慧安防小区建设。",
                ),
            )
            counts["profiles"] += 1
            posts = LEADERSHIP_POSTS if is_township else VILLAGE_LEADERSHIP_POSTS
            with_photo = is_township or unit.pk == getattr(fengqiang, "pk", None)
            for order, post in enumerate(posts, start=1):
                n += 1
                services.save_staff(
                    officer,
                    services.StaffData(
                        unit=unit,
                        group=StaffGroup.LEADERSHIP,
                        name=_name(n),
                        post=post,
                        phone=_phone(n),
                        photo_id=_portrait(officer, n) if with_photo else None,
                        order=order,
                        joined_on=timezone.localdate() - dt.timedelta(days=700 + n * 11),
                    ),
                )
                counts["staff"] += 1
            for order, post in enumerate(CENTRE_POSTS, start=1):
                n += 1
                services.save_staff(
                    officer,
                    services.StaffData(
                        unit=unit,
                        group=StaffGroup.CENTRE,
                        name=_name(n),
                        post=post,
                        phone=_phone(n),
                        order=order,
                        joined_on=timezone.localdate() - dt.timedelta(days=400 + n * 7),
                    ),
                )
                counts["staff"] += 1
            if is_township:
                continue
            grids = list(Unit.objects.filter(parent=unit, level="grid", is_retired=False).order_by("code"))
            for g_index, grid in enumerate(grids):
                missing: set[str] = set()
                if unit.pk == getattr(fengqiang, "pk", None) and g_index == 1:
                    missing = {GridRole.SUPERVISOR}
                if unit.pk == getattr(short_village, "pk", None) and g_index == 0:
                    missing = {GridRole.POLICE, GridRole.PART_TIME}
                for order, role in enumerate(GridRole, start=1):
                    if role in missing:
                        continue
                    n += 1
                    linked = (
                        grid_account.pk
                        if grid_account is not None
                        and role == GridRole.FULL_TIME
                        and grid.path.startswith(VILLAGE_CODE)
                        else None
                    )
                    name = grid_account.full_name if linked and grid_account is not None else _name(n)
                    services.save_staff(
                        officer,
                        services.StaffData(
                            unit=grid,
                            grid_role=role,
                            name=name,
                            post=role.label,
                            phone=_phone(n),
                            user_id=linked,
                            order=order,
                            joined_on=timezone.localdate() - dt.timedelta(days=300 + n),
                        ),
                    )
                    counts["grid_members"] += 1
        # one leader of the township left last year: kept on record
        former = StaffMember.objects.filter(unit=township, group=StaffGroup.LEADERSHIP).order_by("order").last()
        if former is not None:
            services.save_staff(
                officer,
                services.StaffData(
                    unit=township,
                    group=StaffGroup.LEADERSHIP,
                    name=_name(n + 1),
                    post="原分管综治副主任",
                    phone=_phone(n + 1),
                    order=9,
                    joined_on=timezone.localdate() - dt.timedelta(days=2000),
                ),
            )
            left = StaffMember.objects.filter(unit=township, order=9).first()
            if left is not None:
                services.leave_staff(officer, left, timezone.localdate() - dt.timedelta(days=5))
            counts["staff"] += 1
    return counts
