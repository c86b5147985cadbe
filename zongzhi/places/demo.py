"""Demo places and organisations in the grid worker's village: compounds, houses with their
occupants, key places, cameras with a year of monthly inspections, organisations with members."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.people.models import Resident
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit, User

from .uscc import uscc_check_char

TZ = ZoneInfo("Asia/Shanghai")


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "913201117" + "".join(rng.choice(alphabet) for _ in range(8))
    return first17 + uscc_check_char(first17)


def _spot(rng: random.Random, path: str) -> tuple[float | None, float | None]:
    """A random position inside the grid (the demo's grids are rectangles), away from its edges."""
    grid = Unit.objects.filter(path=path).only("boundary").first()
    if grid is None or not grid.boundary:
        return None, None
    ring = grid.boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    lng = west + (east - west) * rng.uniform(0.15, 0.85)
    lat = south + (north - south) * rng.uniform(0.15, 0.85)
    return round(lat, 6), round(lng, 6)


def _written(day: dt.date) -> dt.datetime:
    """When an inspection of `day` was entered: that afternoon, or now if that is still to come."""
    return min(dt.datetime.combine(day, dt.time(15, 0), tzinfo=TZ), timezone.now())


def _past_inspections(rng: random.Random, camera: Any, worker: User, today: dt.date, skip: set[int]) -> None:
    """Monthly inspections over the last eleven months, but for the months in `skip` (months
    back from this one); now and then a fault, repaired the month after."""
    from zongzhi.places.models import Facility, Inspection

    fault = False
    last: tuple[dt.date, str] | None = None
    for back in range(11, 0, -1):
        if back in skip:
            continue
        first = (today.replace(day=1) - dt.timedelta(days=30 * back - 15)).replace(day=1)
        day = first + dt.timedelta(days=rng.randrange(0, 25))
        result = "repaired" if fault else ("fault" if rng.random() < 0.08 else "normal")
        fault = result == "fault"
        note = {"normal": "画面清晰", "fault": "夜间画面模糊，已报修", "repaired": "已更换镜头，画面正常"}[result]
        Inspection.objects.create(
            facility=camera,
            inspected_on=day,
            result=result,
            note=note,
            inspector=worker,
            inspector_name=worker.full_name,
            created_at=_written(day),
        )
        last = day, result
    if last is not None:
        Facility.objects.filter(pk=camera.pk).update(last_inspected_on=last[0], last_result=last[1])


@transaction.atomic
def build_places(seed: int = 2026) -> dict[str, int]:
    """Compounds, houses with their occupants, key places, cameras with inspections and
    organisations in the grid worker's village (the rest of the district stays empty), most of
    them with a position in their grid."""
    from zongzhi.places.models import (
        Compound,
        Facility,
        House,
        HouseOccupant,
        Inspection,
        KeyPlace,
        Organisation,
        OrgMember,
    )

    rng = random.Random(seed)
    village = Unit.objects.filter(code="320111003001").first()
    worker = User.objects.filter(username="grid_worker").first()
    if village is None or worker is None or Compound.objects.exists():
        return {"places": 0}
    grids = [GRID_1, GRID_2]
    today = timezone.localdate()
    spots = {g: _spot(random.Random(g), g) for g in grids}  # a compound's houses stand around it
    compounds = [
        Compound.objects.create(
            path=g,
            name=name,
            address=f"南京市浦口区冯墙路{n}号",
            property_company="浦口物业",
            households=h,
            latitude=spots[g][0],
            longitude=spots[g][1],
        )
        for g, name, n, h in ((GRID_1, "冯墙花园", 18, 420), (GRID_2, "江岸小区", 66, 310))
    ]
    houses = 0
    people = list(Resident.objects.filter(path__in=grids, is_retired=False).order_by("id")[:60])
    for i in range(0, len(people) - 1, 3):
        owner, other = people[i], people[i + 1]
        compound = compounds[i % 2]
        use = "rental" if i % 9 == 0 else "self"
        near = compound.latitude, compound.longitude
        house = House.objects.create(
            latitude=round(near[0] + rng.uniform(-0.0008, 0.0008), 6) if near[0] is not None else None,
            longitude=round(near[1] + rng.uniform(-0.0008, 0.0008), 6) if near[1] is not None else None,
            path=compound.path,
            name=f"{i // 3 % 12 + 1}栋{i % 3 + 1}单元{rng.randrange(1, 18):02d}0{rng.randrange(1, 4)}",
            address=compound.address,
            compound=compound,
            use=use,
            area=round(rng.uniform(55, 140), 1),
            owner=owner,
            rental_registered_on=today - dt.timedelta(days=rng.randrange(30, 400)) if use == "rental" else None,
        )
        HouseOccupant.objects.create(house=house, resident=owner, relation="owner")
        HouseOccupant.objects.create(house=house, resident=other, relation="tenant" if use == "rental" else "family")
        houses += 1
    places = [
        ("冯墙加油站", "9902", "周某"),
        ("冯墙小学", "0403", "钱校长"),
        ("冯墙农贸市场", "0309", "孙某"),
        ("江岸建筑工地", "0102", "李某"),
        ("好运来宾馆", "0304", "吴某"),
    ]
    for i, (name, kind, person) in enumerate(places):
        phone = f"139{rng.randrange(10**7, 10**8)}"
        lat, lng = _spot(rng, grids[i % 2])
        KeyPlace.objects.create(
            path=grids[i % 2],
            latitude=lat,
            longitude=lng,
            name=name,
            kind_code=kind,
            address=f"南京市浦口区冯墙路{rng.randrange(1, 200)}号",
            legal_person=person,
            security_contact=person,
            contact_phone_sealed=crypto.seal(phone),
            contact_phone_mask=mask_value(phone),
            employees=rng.randrange(5, 80),
        )
    for i in range(8):
        lat, lng = _spot(rng, grids[i % 2]) if i != 7 else (None, None)  # one not yet placed on the map
        camera = Facility.objects.create(
            path=grids[i % 2],
            latitude=lat,
            longitude=lng,
            name=f"冯墙路口{i + 1}号探头",
            kind_code="01",
            serial_number=f"CAM-{320111003001:d}-{i + 1:03d}",
            managed_by="浦口公安分局",
            installed_on=today - dt.timedelta(days=400 + i),
        )
        _past_inspections(rng, camera, worker, today, skip={3, 4} if i == 2 else ({6} if i % 4 == 1 else set()))
        if i % 3:  # a third of them are still to be inspected this month
            day = today.replace(day=1) if today.day == 1 else today - dt.timedelta(days=rng.randrange(0, today.day - 1))
            Inspection.objects.create(
                facility=camera,
                inspected_on=day,
                result="normal",
                note="画面清晰",
                inspector=worker,
                inspector_name=worker.full_name,
                created_at=_written(day),
            )
            Facility.objects.filter(pk=camera.pk).update(last_inspected_on=day, last_result="normal")
    lat, lng = _spot(rng, GRID_1)
    team = Organisation.objects.create(
        path=village.path,
        name="冯墙社区治安巡防队",
        kind_code="0401",
        employees=12,
        address="南京市浦口区冯墙路1号",
        latitude=lat,
        longitude=lng,
    )
    for n, person in enumerate(people[:5]):
        role = "队长" if n == 0 else "队员"
        OrgMember.objects.create(organisation=team, resident=person, name=person.name, role=role, since=today)
    OrgMember.objects.create(organisation=team, user=worker, name=worker.full_name, role="网格员", since=today)
    OrgMember.objects.create(organisation=team, name="志愿者周某", role="志愿者", since=today)
    Organisation.objects.create(path=village.path, name="冯墙社区人民调解委员会", kind_code="0303", employees=5)
    Organisation.objects.create(
        path=GRID_1,
        name="南京冯墙新材料有限公司",
        kind_code="0802",
        credit_code=_credit_code(rng),
        legal_person="郑某",
        employees=85,
    )
    return {"places": 2 + houses + len(places) + 8 + 3}
