"""Demo residents, key persons, care recipients and visits for the demo jurisdiction.

Names, ID numbers (valid check digits, birth dates from 1940 to 2020) and phones are made up;
the ID numbers use the district's own region code so they look like the real thing. A third of
the people live in the two grids of the grid-worker persona, so every persona sees some.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.people.models import Group, NameToken, PersonCategory, Resident, ResidentKind, Visit, VisitMethod
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit, User

from .categories import KEY, validate_details, visit_every_days
from .idcard import check_digit
from .names import index_rows

TZ = ZoneInfo("Asia/Shanghai")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰萍红梅鹏飞志强海燕雪梅春生晓东文斌丹婷宇浩然子涵欣怡雨轩梓萱俊杰佳怡思远家豪"
STREETS = ["冯墙路", "沿江大道", "浦珠路", "江浦大街", "龙华路", "文德路", "象山路", "新华路"]
REGIONS = ["320111", "320111", "320111", "320106", "341122", "320923", "510104", "420106"]


def id_number(rng: random.Random, region: str, birth: dt.date, sex: str) -> str:
    seq = rng.randrange(0, 99) * 10 + int(rng.choice("13579") if sex == "1" else rng.choice("02468"))
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


@transaction.atomic
def build_residents(count: int, seed: int = 2026) -> dict[str, int]:
    """Add `count` residents (and their listings and visits); returns what was added."""
    rng = random.Random(seed)
    grids = list(Unit.objects.filter(level="grid", is_retired=False).values_list("path", flat=True))
    if not grids:
        return {"residents": 0, "categories": 0, "visits": 0}
    home = [p for p in grids if p in (GRID_1, GRID_2)] or grids[:2]
    today = timezone.localdate()
    taken = set(Resident.objects.values_list("id_number_mask", flat=True))
    people: list[tuple[Resident, str, str]] = []
    while len(people) < count:
        sex = rng.choice("12")
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 80 * 365))
        region = rng.choice(REGIONS)
        number = id_number(rng, region, birth, sex)
        if mask_value(number) in taken:
            continue
        taken.add(mask_value(number))
        kind = ResidentKind.REGISTERED if region == "320111" else ResidentKind.FLOATING
        if rng.random() < 0.01:
            kind = ResidentKind.OVERSEAS
        phone = f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}"
        path = rng.choice(home) if rng.random() < 0.33 else rng.choice(grids)
        r = Resident(
            path=path,
            kind=kind,
            name=person_name(rng),
            sex_code=sex,
            birth_date=birth,
            ethnicity_code="01" if rng.random() < 0.95 else rng.choice(["03", "08", "11"]),
            marital_code=rng.choice(["10", "20", "20", "20", "30", "40"]) if birth.year < 2000 else "10",
            political_code=rng.choice(["13", "13", "13", "01", "03"]),
            current_address=f"南京市浦口区{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            household_address=f"南京市浦口区{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
            if kind == ResidentKind.REGISTERED
            else "",
            id_number_mask=mask_value(number),
            phone_mask=mask_value(phone),
        )
        if kind == ResidentKind.FLOATING:
            r.permit_type, r.reason_for_moving = "居住证", rng.choice(["务工", "经商", "投亲靠友", "学习"])
            r.permit_issued_on = today - dt.timedelta(days=rng.randrange(30, 700))
            r.permit_expires_on = r.permit_issued_on + dt.timedelta(days=365 * 3)
        if kind == ResidentKind.OVERSEAS:
            r.id_type_code, r.nationality_code, r.purpose = "511", "158", "探亲"
            number = f"T{rng.randrange(10**7, 10**8)}"
            r.id_number_mask = mask_value(number)
        people.append((r, number, phone))
    numbers = [n for _r, n, _p in people]
    phones = [p for _r, _n, p in people]
    for (r, _n, _p), sealed, index, psealed, pindex in zip(
        people,
        crypto.seal_many(numbers),
        crypto.blind_index_many(numbers, "id_number"),
        crypto.seal_many(phones),
        crypto.blind_index_many(phones, "phone"),
        strict=True,
    ):
        r.id_number_sealed, r.id_number_index, r.phone_sealed, r.phone_index = sealed, index, psealed, pindex
    residents = Resident.objects.bulk_create([r for r, _n, _p in people], batch_size=2000)
    tokens: list[NameToken] = []
    for r in residents:
        tokens.extend(index_rows(r.pk, r.path, [r.name]))
    NameToken.objects.bulk_create(tokens, batch_size=5000)
    categories, visits = _listings(rng, residents, today)
    return {"residents": len(residents), "categories": categories, "visits": visits}


DETAILS: dict[str, dict[str, Any]] = {
    "01": {"original_crime": "盗窃罪", "sentence": "三年", "released_on": "2024-06-30"},
    "02": {"correction_type": "缓刑", "crime": "危险驾驶罪", "starts_on": "2026-03-01", "ends_on": "2027-02-28"},
    "03": {"diagnosis": "精神分裂症", "guardian_name": "家属", "treatment": "门诊治疗"},
    "04": {"control_status": "社区康复", "drug_type": "冰毒"},
    "06": {"guardian_name": "家属", "school_status": "辍学"},
    "07": {"matter": "征地拆迁补偿", "petition_level": "县（区）"},
}
CARE_DETAILS: dict[str, dict[str, Any]] = {
    "01": {"allowance_type": "城市低保", "monthly_amount": 850},
    "05": {"lives_alone": True, "health": "高血压"},
    "07": {"disability_type": "肢体", "disability_grade": "三级"},
}


def _visit_days(rng: random.Random, listed: dt.date, today: dt.date, every: int, *, late: bool) -> list[dt.date]:
    """The days someone listed on `listed` was visited over the last year: about every `every`
    days, now and then later than due (a gap); the `late` ones are overdue today."""
    days: list[dt.date] = []
    day = max(listed, today - dt.timedelta(days=365)) + dt.timedelta(days=rng.randrange(0, min(every, 30)))
    while day <= today:
        days.append(day)
        gap = rng.randrange(5, max(6, every // 2 + 5)) if rng.random() < 0.1 else rng.randrange(-2, 3)
        day += dt.timedelta(days=max(1, every + gap))
    if late:  # the last visits did not happen: due some days ago
        cut = today - dt.timedelta(days=every + rng.randrange(1, 15))
        days = [d for d in days if d <= cut]
    elif days and days[-1] + dt.timedelta(days=every) < today:
        days.append(today - dt.timedelta(days=rng.randrange(0, min(every, 5))))
    return days


def _listings(rng: random.Random, residents: list[Resident], today: dt.date) -> tuple[int, int]:
    visitor = User.objects.filter(username="grid_worker").first()
    rows: list[PersonCategory] = []
    schedule: list[list[dt.date]] = []
    for r in residents:
        roll = rng.random()
        if roll < 0.04:
            group, code = Group.KEY, rng.choice([c for c in KEY if c in DETAILS])
            details = dict(DETAILS[code])
        elif roll < 0.07:
            group, code = Group.CARE, rng.choice(list(CARE_DETAILS))
            details = dict(CARE_DETAILS[code])
        else:
            continue
        risk = rng.randrange(0, 4) if group == Group.KEY and code == "03" else None
        every = visit_every_days(group, code, risk)
        listed = today - dt.timedelta(days=rng.randrange(20, 400))
        days = _visit_days(rng, listed, today, every, late=rng.random() < 0.15)
        last = days[-1] if days else None
        category = PersonCategory(
            resident=r,
            path=r.path,
            group=group,
            category_code=code,
            risk_level=risk,
            details=validate_details(group, code, details),
            team=[{"name": "张伟", "role": "网格员"}],
            listed_on=listed,
            visit_every_days=every,
            next_visit_on=(last or listed) + dt.timedelta(days=every),
            last_visit_on=last,
            visit_count=len(days),
        )
        rows.append(category)
        schedule.append(days)
    created = PersonCategory.objects.bulk_create(rows, batch_size=2000)
    visits = []
    for c, days in zip(created, schedule, strict=True):
        for day in days:
            visits.append(
                Visit(
                    category=c,
                    path=c.path,
                    visited_on=day,
                    method=rng.choice([VisitMethod.HOME, VisitMethod.HOME, VisitMethod.PHONE]),
                    content=rng.choice(
                        ["上门走访，情况稳定。", "电话联系，本人及家属情况正常。", "入户了解生活情况，宣传政策。"]
                    ),
                    next_visit_on=day + dt.timedelta(days=c.visit_every_days),
                    visitor=visitor,
                    visitor_name=visitor.full_name if visitor else "",
                    created_at=dt.datetime.combine(day, dt.time(16, 30), tzinfo=TZ),
                )
            )
    if visitor is None:
        visits = []
    Visit.objects.bulk_create(visits, batch_size=2000)
    return len(created), len(visits)
