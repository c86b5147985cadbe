"""The login red light: 3 logins a week, 12 a month (seed 000), from the duty-login records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.assess import services_logins as logins
from zongzhi.assess import services_rubric as rubric
from zongzhi.field import services_duty as duty
from zongzhi.field.models import DutyLogin
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db


def _logins(user: User, days: list[dt.date], per_day: int = 1) -> None:
    for d in days:
        for i in range(per_day):
            at = timezone.make_aware(dt.datetime(d.year, d.month, d.day, 8 + i, 0))
            duty.record_login(user=user, client="pc", at=at)


def _me(name: str) -> User:
    return User.objects.select_related("unit").get(username=name)


# A closed week and a closed month, well in the past.
MONDAY = dt.date(2026, 6, 1)


def _worker(lights: logins.Lights, name: str) -> logins.Row:
    return next(r for r in lights.workers if r.name == name)


def test_three_logins_in_a_closed_week_are_green_two_are_red(unit: Any) -> None:
    worker, officer = _me("grid_worker"), _me("village_officer")
    DutyLogin.objects.filter(user__in=[worker, officer]).delete()
    _logins(worker, [MONDAY, MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=6)])
    _logins(officer, [MONDAY, MONDAY + dt.timedelta(days=1)])
    _logins(officer, [MONDAY + dt.timedelta(days=7)])  # next week: not counted
    lights = logins.login_lights(
        acting_user=_me("township_officer"), unit=unit("320111003"), kind="week", day=MONDAY + dt.timedelta(days=3)
    )
    assert lights.columns[0].start == MONDAY and lights.columns[0].state == "closed"
    assert _worker(lights, "张伟").cells == [(3, "green")]
    assert _worker(lights, "李娜").cells == [(2, "red")]
    village = next(r for r in lights.units if r.name == "冯墙社区居委会")
    # A unit is red when any of its workers is.
    assert village.cells[0] == (1, "red") and village.light == "red"


def test_twelve_logins_in_a_month_are_green_eleven_red(unit: Any) -> None:
    worker, officer = _me("grid_worker"), _me("village_officer")
    DutyLogin.objects.filter(user__in=[worker, officer]).delete()
    june = [dt.date(2026, 6, d) for d in range(1, 31)]
    _logins(worker, june[:12])
    _logins(officer, june[:11])
    lights = logins.login_lights(
        acting_user=_me("village_officer"), unit=unit("320111003001"), kind="month", day=dt.date(2026, 6, 15)
    )
    assert lights.columns[-1].kind == "month" and lights.columns[-1].label == "6月"
    # June 2026's weeks are those whose Monday is in June: 1, 8, 15, 22, 29.
    assert [c.start.day for c in lights.columns[:-1]] == [1, 8, 15, 22, 29]
    assert _worker(lights, "张伟").cells[-1] == (12, "green")
    assert _worker(lights, "李娜").cells[-1] == (11, "red")
    # Weeks 3 to 5 had no logins for either of them: red weeks.
    assert _worker(lights, "张伟").cells[2] == (0, "red") and _worker(lights, "张伟").light == "red"


def test_the_running_week_is_pending_not_red_until_it_ends(unit: Any) -> None:
    worker = _me("grid_worker")
    DutyLogin.objects.filter(user=worker).delete()
    today = timezone.localdate()
    _logins(worker, [today])
    lights = logins.login_lights(acting_user=_me("village_officer"), unit=unit("320111003001"), kind="week", day=today)
    assert _worker(lights, "张伟").cells == [(1, "pending")]


def test_the_thresholds_come_from_the_years_rubric(unit: Any) -> None:
    county = unit("320111")
    r = rubric.copy_rubric(acting_user=_me("sysadmin"), unit=county, year=2026)
    rubric.update_rubric(acting_user=_me("sysadmin"), rubric=r, title=r.title, login_week_min=2, login_month_min=8)
    officer = _me("village_officer")
    DutyLogin.objects.filter(user=officer).delete()
    _logins(officer, [MONDAY, MONDAY + dt.timedelta(days=1)])
    lights = logins.login_lights(acting_user=_me("township_officer"), unit=unit("320111003"), kind="week", day=MONDAY)
    assert lights.week_min == 2 and _worker(lights, "李娜").cells == [(2, "green")]


def test_year_view_has_twelve_months_and_several_logins_a_day_count(unit: Any) -> None:
    worker = _me("grid_worker")
    DutyLogin.objects.filter(user=worker).delete()
    _logins(worker, [dt.date(2026, 3, d) for d in range(2, 8)], per_day=2)
    lights = logins.login_lights(acting_user=_me("county_officer"), unit=unit("320111"), kind="year", day=MONDAY)
    assert len(lights.columns) == 12
    assert _worker(lights, "张伟").cells[2] == (12, "green")
    assert _worker(lights, "张伟").cells[1] == (0, "red")


def test_a_village_does_not_see_its_siblings_lights(unit: Any) -> None:
    from zongzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        logins.login_lights(acting_user=_me("village_officer"), unit=unit("320111003002"), kind="week", day=MONDAY)
    with pytest.raises(NotFound):
        logins.login_lights(acting_user=_me("village_officer"), unit=unit("320111003"), kind="week", day=MONDAY)
