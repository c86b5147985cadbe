"""The assessment demo: a year of logins of the workers the field demo gave none (the officers on
the console, the grid workers outside its villages on the phone), the county's rubric for this year and last, hand scores of the last
three months by 沿江街道 for its villages and by the county for its townships, then every
assessed unit's scores for the last 12 months up to today.

Runs once: it does nothing when the county already has a rubric for this year."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zongzhi.calendar import workdays
from zongzhi.cases.demo_flow import acting
from zongzhi.core.months import add_months, month_of
from zongzhi.field.models import DutyLogin
from zongzhi.units.demo import COUNTY_CODE
from zongzhi.units.models import Unit, User

from . import services_rubric as engine
from .models import HandScore, Rubric, RubricItem
from .services_logins import WORKING_ROLES

TOWNSHIP = "320111003000"
# officer → how often they log in on a working day (the township's second officer slacks)
OFFICERS = {
    "village_officer": 0.8,
    "township_officer": 0.9,
    "township2_officer": 0.45,
    "county_officer": 0.85,
}
NOTES = [
    ("专人负责落实到位", ""),
    ("培训记录不全，缺少第二季度集中培训", "街道培训签到表"),
    ("领导带头推动，应用良好", ""),
    ("督查考核记录不完整", "督查记录第{n}号"),
    ("附件上传不规范，部分记录无图片", "抽查记录第{n}号"),
]


def _unit(code: str) -> Unit:
    found: Unit = Unit.objects.defer("boundary").get(code=code)
    return found


def _worker_logins(since: dt.date, today: dt.date, rng: random.Random) -> int:
    """Logins on past working days of every worker the field demo gave no history (the officers
    on the console, the other grid workers on the phone), in bulk as the login hook keeps them;
    some log in rarely, so the red light has something to show."""
    rows: list[DutyLogin] = []
    have = set(DutyLogin.objects.filter(day__lt=today).values_list("user_id", flat=True).distinct())
    users = [
        u
        for u in User.objects.select_related("unit")
        .filter(is_active=True, roles__code__in=WORKING_ROLES, unit__isnull=False)
        .distinct()
        .order_by("id")
        if u.pk not in have
    ]
    habits = {u.pk: OFFICERS.get(u.username, rng.choice([0.95, 0.9, 0.8, 0.5, 0.35, 0.25])) for u in users}
    phone = {u.pk for u in users if u.roles.filter(code="grid_worker").exists()}
    d = since
    while d < today:
        if workdays.is_workday(d):
            for u in users:
                if u.unit is None or rng.random() > habits[u.pk]:
                    continue
                first = timezone.make_aware(dt.datetime.combine(d, dt.time(8, 10))) + dt.timedelta(
                    minutes=rng.randint(0, 60)
                )
                on_phone = u.pk in phone
                rows.append(
                    DutyLogin(
                        path=u.unit.path,
                        user=u,
                        day=d,
                        client=DutyLogin.Client.PHONE if on_phone else DutyLogin.Client.PC,
                        device_id=f"demo-{u.username}" if on_phone else "",
                        first_at=first,
                        last_at=first + dt.timedelta(hours=rng.randint(0, 8)),
                        count=rng.randint(1, 2),
                    )
                )
        d += dt.timedelta(days=1)
    DutyLogin.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _months(today: dt.date, n: int) -> list[dt.date]:
    return [add_months(month_of(today), -i) for i in range(n - 1, -1, -1)]


def _hand_scores(scorer: User, units: list[Unit], months: list[dt.date], rng: random.Random) -> int:
    n = 0
    for month in months:
        rubric = engine.rubric_for(units[0], month.year)
        items = list(RubricItem.objects.filter(rubric=rubric, is_active=True, measure="").order_by("sort")[:5])
        with acting(scorer):
            for u in units:
                for item in items:
                    if rng.random() < 0.3:
                        continue  # not every item is scored every month
                    note, evidence = NOTES[rng.randrange(len(NOTES))]
                    full = rng.random() < 0.6
                    score = item.points if full else max(Decimal(0), item.points - Decimal(rng.choice([0.5, 1, 1.5])))
                    engine.set_hand_score(
                        acting_user=scorer,
                        unit=u,
                        item=item,
                        month=month,
                        score=score,
                        note="" if full else note,
                        evidence="" if full else evidence.format(n=rng.randint(1, 40)),
                        rescore=False,  # the twelve months are scored once below
                    )
                    n += 1
    return n


def build_assess_demo(now: dt.datetime | None = None) -> dict[str, int]:
    """Build the demo (see the module docstring); returns counts by kind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    county = _unit(COUNTY_CODE)
    if Rubric.objects.filter(unit=county, year=today.year).exists():
        return {"logins": 0, "rubrics": 0, "hand_scores": HandScore.objects.count(), "unit_months": 0}
    rng = random.Random(18)
    admin = User.objects.get(username="sysadmin")
    with transaction.atomic():
        logins = _worker_logins(today - dt.timedelta(days=365), today, rng)
        with acting(admin):
            last = engine.copy_rubric(acting_user=admin, unit=county, year=today.year - 1)
            engine.update_rubric(
                acting_user=admin,
                rubric=last,
                title=f"浦口区{today.year - 1}年度综治信息系统应用管理考评办法",
                login_week_min=3,
                login_month_min=12,
            )
            this = engine.copy_rubric(acting_user=admin, unit=county, year=today.year)
            engine.update_rubric(
                acting_user=admin,
                rubric=this,
                title=f"浦口区{today.year}年度综治信息系统应用管理考评办法",
                login_week_min=3,
                login_month_min=12,
            )
        recent = _months(today, 3)
        township = _unit(TOWNSHIP)
        hand = _hand_scores(
            User.objects.get(username="township_officer"), engine.assessed_children(township), recent, rng
        )
        hand += _hand_scores(User.objects.get(username="county_officer"), engine.assessed_children(county), recent, rng)
    units = engine.all_assessed_units()
    scored = 0
    for month in _months(today, 12):
        scored += len(engine.score_units(units, month))
    return {"logins": logins, "rubrics": 2, "hand_scores": hand, "unit_months": scored}
