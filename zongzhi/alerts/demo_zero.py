"""Demo data of zero reports, sensitive periods and the informant network, written through the
services at past moments (`core.democlock`):

- informants for every demo village: 中心户长 (some villages short of their quota), a 信息员, a
  旅店业 contact; 冯墙社区's 信息员 has a phone account (`xxy_fengqiang`, the demo password);
- a sensitive period of four days in the past month over the county, and one coming next week;
- zero reports of the villages of 沿江街道 for the last twelve months and for each day of the past
  sensitive period, with gaps: one village never reported last month, 冯墙社区 missed one day;
  the other villages' are recorded by the township as phoned in (电话报送，街道代录);
- a reminder of the township for last month, and two group texts with their delivery statuses.

`manage.py demo` calls `build_zero_demo()` (wired in by the lead).
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.months import month_of, next_month, previous_month
from zongzhi.notify import services as notify_services
from zongzhi.units.demo import COUNTY_CODE, DEMO_PASSWORD
from zongzhi.units.models import Unit, User

from . import services_zero as zero
from .models import GroupSms, Informant, SensitivePeriod, ZeroReminder, ZeroReport

TOWNSHIP_CODE = "320111003000"  # 沿江街道
VILLAGE_CODE = "320111003001"  # 冯墙社区
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "桂英", "秀兰", "志强", "海燕", "国庆", "玉珍", "德明", "红梅", "春生"]
ACCOUNT = "xxy_fengqiang"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_zero_demo() -> dict[str, int]:
    """Write the part's demo records; returns how many of each. Idempotent: nothing is written
    when the demo informants exist already."""
    if Informant.objects.filter(user__username=ACCOUNT).exists():
        return {"informants": 0, "periods": 0, "zero_reports": 0, "group_sms": 0}
    county_officer = User.objects.get(username="county_officer")
    township_officer = User.objects.get(username="township_officer")
    village_officer = User.objects.get(username="village_officer")
    township = Unit.objects.get(code=TOWNSHIP_CODE)
    fengqiang = Unit.objects.get(code=VILLAGE_CODE)
    county = Unit.objects.get(code=COUNTY_CODE)
    today = timezone.localdate()
    now = timezone.now()
    year_ago = month_of(month_of(today) - dt.timedelta(days=330))
    last_month = previous_month(month_of(today))
    villages = list(
        Unit.objects.filter(path__startswith=county.path, level="village", is_retired=False).order_by("path")
    )
    township_villages = [v for v in villages if v.parent_id == township.pk]
    missing_village = next((v for v in township_villages if v.pk != fengqiang.pk), None)
    sensitive_start = today - dt.timedelta(days=20)
    sensitive_end = sensitive_start + dt.timedelta(days=3)

    with (
        transaction.atomic(),
        simulated_clock(_at(year_ago, 9)) as clock,
        mock.patch.object(notify_services, "_send_later", lambda *a: None),
    ):
        # the network, enrolled a year ago
        n = 0
        with acting(village_officer):
            for index, village in enumerate(villages):
                officer = village_officer if village.pk == fengqiang.pk else county_officer
                heads = 3 if index % 3 else 2
                for head in range(heads):
                    n += 1
                    no_phone = n % 4 == 0 or (village.pk == fengqiang.pk and head == 0)
                    _enrol(officer, village, "02", _name(n), "" if no_phone else f"1390514{n:04d}", "")
                n += 1
                _enrol(officer, village, "01", _name(n), f"1380514{n:04d}", "")
                n += 1
                _enrol(officer, village, "11", _name(n), f"1370514{n:04d}", f"{village.name[:4]}宾馆")
                zero.set_quota(acting_user=officer, unit=village, required=4 if index % 2 else heads)
            informant = Informant.objects.filter(unit=fengqiang, role_code="01").first()
            assert informant is not None
            account = zero.open_account(
                acting_user=village_officer, informant=informant, username=ACCOUNT, password=DEMO_PASSWORD
            )
            account.must_change_password = False
            account.save()

        # the sensitive period of last month, declared a week before it began
        clock.set(_at(sensitive_start - dt.timedelta(days=7), 10))
        with acting(county_officer):
            zero.create_period(
                acting_user=county_officer,
                unit=county,
                name="区重点工作专项保障期",
                starts_on=sensitive_start,
                ends_on=sensitive_end,
                note="每日报送零报告，落实领导带班和24小时值班",
            )

        # monthly zero reports for the last twelve months, then the daily ones
        reports = 0
        month = year_ago
        while month <= today:
            for v_index, village in enumerate(township_villages):
                if village.pk == getattr(missing_village, "pk", None) and month == last_month:
                    continue  # never reported last month: the township's table shows the gap
                if village.pk == fengqiang.pk and month == month_of(today):
                    continue  # this month's is left for the village officer to file (one click)
                day = month + dt.timedelta(days=1 + v_index % 5)
                if day > today:
                    continue
                clock.set(_at(day, 9, 10 + v_index))
                reports += _file(village, fengqiang, village_officer, township_officer, zero.month_period(day))
            day = month + dt.timedelta(days=3)
            if day <= today:
                clock.set(_at(day, 20))
                with acting(account):
                    zero.file_zero_report(acting_user=account, kind="monthly")
                reports += 1
            month = next_month(month)
        day = sensitive_start
        while day <= sensitive_end:
            for v_index, village in enumerate(township_villages):
                if village.pk == fengqiang.pk and day == sensitive_start + dt.timedelta(days=2):
                    continue  # 冯墙社区 missed one day
                clock.set(_at(day, 8, 30 + v_index))
                reports += _file(village, fengqiang, village_officer, township_officer, zero.day_period(day))
            day += dt.timedelta(days=1)

        # the township reminded the villages missing last month's report
        clock.set(_at(last_month + dt.timedelta(days=27), 15))
        with acting(township_officer):
            zero.remind(acting_user=township_officer, root=township, period=zero.month_period(last_month))

        # group texts: one delivered (with an informant without a phone), one the gateway refused
        clock.set(_at(sensitive_start - dt.timedelta(days=1), 16))
        with acting(village_officer):
            first = zero.send_group_sms(
                acting_user=village_officer,
                root=fengqiang,
                text="明日起进入专项保障期，请各中心户长每日留意并及时报告异常情况。",
                role_codes=["01", "02"],
            )
        zero.deliver(first.pk)
        clock.set(_at(sensitive_start - dt.timedelta(days=1), 16, 30))
        with acting(village_officer):
            second = zero.send_group_sms(
                acting_user=village_officer,
                root=fengqiang,
                text="请各旅店做好住宿登记，发现可疑情况立即报告社区。",
                role_codes=["11"],
            )
        with override_settings(SMS_BACKEND="http", SMS_URL="http://127.0.0.1:9/sms", SMS_TEMPLATE="{}"):
            zero.deliver(second.pk)
        clock.set(now)

        # next week's period, not yet begun
        with acting(county_officer):
            zero.create_period(
                acting_user=county_officer,
                unit=county,
                name="区重大活动保障期",
                starts_on=today + dt.timedelta(days=7),
                ends_on=today + dt.timedelta(days=9),
                note="活动期间每日报送零报告，落实领导带班",
            )
    return {
        "informants": Informant.objects.count(),
        "periods": SensitivePeriod.objects.count(),
        "zero_reports": ZeroReport.objects.count(),
        "reminders": ZeroReminder.objects.count(),
        "group_sms": GroupSms.objects.count(),
    }


def _enrol(officer: User, village: Unit, role: str, name: str, phone: str, organisation: str) -> Informant:
    data = zero.InformantData(
        unit=village,
        role_code=role,
        name=name,
        phone=phone,
        resident_id=None,
        organisation=organisation,
        enrolled_on=timezone.localdate(),
        note="",
    )
    return zero.save_informant(acting_user=officer, data=data)


def _file(village: Unit, fengqiang: Unit, village_officer: User, township_officer: User, period: zero.Period) -> int:
    """冯墙社区 files its own; the other villages phone theirs in and the township records them."""
    if village.pk == fengqiang.pk:
        with acting(village_officer):
            zero.record_zero_report(zero.Reporter(village, None), period, reported_by=village_officer)
    else:
        with acting(township_officer):
            zero.record_zero_report(
                zero.Reporter(village, None), period, reported_by=township_officer, note="电话报送，街道代录"
            )
    return 1
