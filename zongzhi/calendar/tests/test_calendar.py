"""The working-day calendar: the package's holidays and 调休, years without data, administrators'
edits, the process cache, and who may edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from zongzhi.audit.models import AuditLog
from zongzhi.calendar import workdays
from zongzhi.calendar.holidays import load_from_package, package_exceptions
from zongzhi.calendar.models import CalendarDay, CalendarYear
from zongzhi.calendar.workdays import TZ, add_hours, add_working_days, is_workday, missing_years, working_days_between

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=TZ)


def package_deadline(start: dt.date, days: int) -> dt.date:
    """The same count made with the package itself, as an independent oracle."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


# --- reading --------------------------------------------------------------------------------
def test_holiday_on_a_weekday_is_not_a_workday() -> None:
    assert is_workday(dt.date(2026, 10, 5)) is False  # Monday, 国庆节
    assert is_workday(dt.date(2026, 2, 16)) is False  # Monday, 春节


def test_makeup_saturday_is_a_workday() -> None:
    assert is_workday(dt.date(2026, 10, 10)) is True  # Saturday, 国庆节调休上班
    assert is_workday(dt.date(2026, 2, 14)) is True  # Saturday, 春节调休上班
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).name == "国庆节调休上班"


def test_plain_weekend_and_weekday() -> None:
    assert is_workday(dt.date(2026, 11, 28)) is False  # Saturday
    assert is_workday(dt.date(2026, 11, 29)) is False  # Sunday
    assert is_workday(dt.date(2026, 11, 23)) is True  # Monday


def test_every_day_the_package_knows_matches_it() -> None:
    day = dt.date(2004, 1, 1)
    while day.year <= 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert workdays.known_years() == list(range(2004, 2027))


def test_only_exceptions_are_stored_with_chinese_names() -> None:
    rows = CalendarDay.objects.all()
    assert rows.count() == len(package_exceptions())
    assert all((r.date.weekday() < 5) != r.is_workday for r in rows)
    names = set(rows.values_list("name", flat=True))
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "国庆节", "中秋节", "抗战胜利纪念日"} <= names
    assert "春节调休上班" in names
    assert not any(c.isascii() and c.isalpha() for n in names for c in n)


def test_deadline_across_national_day_2026() -> None:
    # Sep 25–27 中秋节, Oct 1–7 国庆节: Sep 28, 29, 30, Oct 8, Oct 9.
    due = add_working_days(at(2026, 9, 24), 5)
    assert due == end_of(2026, 10, 9)
    assert due.date() == package_deadline(dt.date(2026, 9, 24), 5)
    assert due.utcoffset() == dt.timedelta(hours=8)
    # The make-up Saturday Oct 10 counts: 7 working days → Oct 10, not Oct 12.
    assert add_working_days(at(2026, 9, 24), 7) == end_of(2026, 10, 12)
    assert add_working_days(at(2026, 9, 24), 6) == end_of(2026, 10, 10)
    for n in range(1, 15):
        assert add_working_days(at(2026, 9, 24), n).date() == package_deadline(dt.date(2026, 9, 24), n)


def test_deadline_across_spring_festival_2026() -> None:
    # Feb 13 Friday, Feb 14 make-up Saturday, Feb 15–23 春节, Feb 24 Tuesday.
    assert add_working_days(at(2026, 2, 12), 3) == end_of(2026, 2, 24)
    for n in range(1, 15):
        assert add_working_days(at(2026, 2, 12), n).date() == package_deadline(dt.date(2026, 2, 12), n)


def test_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert add_working_days(at(2026, 10, 3), 1) == end_of(2026, 10, 8)
    assert add_working_days(at(2026, 10, 3), 2) == end_of(2026, 10, 9)


def test_the_start_is_taken_in_china_time() -> None:
    # 17:30 UTC on Sep 24 is 01:30 on Friday Sep 25 in Beijing (中秋节).
    late = dt.datetime(2026, 9, 24, 17, 30, tzinfo=dt.UTC)
    assert add_working_days(late, 1) == end_of(2026, 9, 28)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(at(2026, 9, 24), 0)
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 9, 24, 10), 1)  # naive
    with pytest.raises(ValueError):
        add_hours(dt.datetime(2026, 9, 24, 10), 1)


def test_hours_run_through_holidays() -> None:
    start = dt.datetime(2026, 9, 30, 20, tzinfo=TZ)
    assert add_hours(start, 24) == dt.datetime(2026, 10, 1, 20, tzinfo=TZ)
    assert add_hours(dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC), 2).tzinfo == TZ


def test_working_days_between_agrees_with_add_working_days() -> None:
    a = dt.date(2026, 9, 24)
    for n in (1, 5, 7, 20):
        assert working_days_between(a, workdays.local_date(add_working_days(at(2026, 9, 24), n))) == n
    assert working_days_between(a, a) == 0
    assert working_days_between(dt.date(2026, 10, 9), a) == -5


def test_lookups_do_no_query(django_assert_num_queries: Any, monkeypatch: Any) -> None:
    # Within one check interval (a loaded machine can take longer than the real 2 s for this loop).
    monkeypatch.setattr(workdays.CALENDAR, "check_seconds", 3600.0)
    is_workday(dt.date(2026, 1, 1))  # warm the process copy
    with django_assert_num_queries(0):
        for _ in range(100):
            is_workday(dt.date(2026, 10, 1))
            add_working_days(at(2026, 9, 24), 5)
            working_days_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
            missing_years([2026, 2027])


# --- a year the package does not know -------------------------------------------------------
def test_2027_counts_weekends_only_and_the_console_warns(api: Any, monkeypatch: Any) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2027, 1, 1))
    assert missing_years([2026, 2027, 2027]) == [2027]
    assert is_workday(dt.date(2027, 1, 1)) is True  # Friday; 元旦 not entered yet
    assert add_working_days(at(2026, 12, 31), 1) == end_of(2027, 1, 1)
    assert add_working_days(at(2027, 1, 1), 1) == end_of(2027, 1, 4)

    warning = "尚未录入2027年的节假日安排，截止日期将只按周末计算，请尽快录入"
    assert workdays.status(dt.date(2026, 11, 23)).warning == warning
    assert workdays.status(dt.date(2026, 12, 31)).warning == warning
    assert workdays.status(dt.date(2026, 6, 1)).warning is None  # too early to expect 2027
    assert "2027年" in (workdays.status(dt.date(2027, 3, 1)).warning or "")  # the current year

    monkeypatch.setattr(workdays, "today", lambda: dt.date(2026, 11, 23))
    r = api("county_officer").get("/api/calendar/status")
    assert r.status_code == 200
    body = r.json()
    assert body["current_year_known"] is True and body["next_year_known"] is False
    assert body["warning"] == warning and 2026 in body["known_years"] and 2027 not in body["known_years"]

    r = api("county_officer").get("/api/calendar", {"year": 2027})
    assert r.json() == {"year": 2027, "known": False, "source": None, "days": []}


def test_admin_enters_2027_and_deadlines_change_at_once(api: Any, monkeypatch: Any) -> None:
    assert add_working_days(at(2026, 12, 31), 1) == end_of(2027, 1, 1)
    admin = api("sysadmin")
    r = admin.put("/api/calendar/days/2027-01-01", {"is_workday": False, "name": "元旦"})
    assert r.status_code == 200, r.json()
    assert r.json() == {"date": "2027-01-01", "is_workday": False, "name": "元旦", "source": "admin"}
    assert is_workday(dt.date(2027, 1, 1)) is False
    assert add_working_days(at(2026, 12, 31), 1) == end_of(2027, 1, 4)

    r = admin.put("/api/calendar/days/2027-02-06", {"is_workday": True, "name": "春节调休上班"})  # a Saturday
    assert r.status_code == 200
    assert add_working_days(at(2027, 2, 5), 1) == end_of(2027, 2, 6)

    r = admin.post("/api/calendar/years/2027/complete")
    assert r.status_code == 200 and r.json() == {"year": 2027, "known": True, "source": "admin"}
    assert missing_years([2027]) == []
    assert workdays.status(dt.date(2026, 11, 23)).warning is None
    assert admin.post("/api/calendar/years/2027/complete").json()["code"] == "calendar_year_known"

    events = list(AuditLog.objects.filter(username="sysadmin", action__startswith="calendar.").order_by("id"))
    assert [e.action for e in events] == ["calendar.day_set", "calendar.day_set", "calendar.year_completed"]
    assert events[0].detail == {
        "date": "2027-01-01",
        "before": None,
        "after": {"is_workday": False, "name": "元旦", "source": "admin"},
    }
    assert AuditLog.objects.filter(layer="change", object_type="core.calendarday", username="sysadmin").exists()

    r = api("county_officer").get("/api/calendar", {"year": 2027})
    assert r.json()["known"] is True and [d["date"] for d in r.json()["days"]] == ["2027-01-01", "2027-02-06"]


def test_a_committed_change_reaches_every_process(django_capture_on_commit_callbacks: Any) -> None:
    from zongzhi.calendar import services as calendar_services
    from zongzhi.units.models import User

    assert is_workday(dt.date(2027, 1, 1)) is True  # this process holds a copy
    version = cache.get(workdays.CALENDAR.version_key)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_services.set_day(
            acting_user=User.objects.get(username="sysadmin"), day=dt.date(2027, 1, 1), is_workday=False, name="元旦"
        )
    # The other processes compare this shared token (in Redis) with their copy's.
    if not isinstance(caches["default"], LocMemCache):
        assert callbacks and cache.get(workdays.CALENDAR.version_key) != version
    assert is_workday(dt.date(2027, 1, 1)) is False  # and this process reads the change at once


def test_a_change_committed_by_another_worker_is_seen(monkeypatch: Any) -> None:
    """With a per-process cache (the embedded default) workers compare a table fingerprint."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if not isinstance(caches["default"], LocMemCache):
        pytest.skip("a shared cache carries the version token")
    monkeypatch.setattr(workdays.CALENDAR, "check_seconds", 0.0)
    assert is_workday(dt.date(2027, 1, 1)) is True
    try:
        # Written as another worker would have: committed there, no change hook here.
        CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦", source="admin")
        assert is_workday(dt.date(2027, 1, 1)) is False
    finally:
        workdays.invalidate()  # the row is rolled back with the test: drop the copy holding it


def test_a_rolled_back_change_does_not_stick(api: Any) -> None:
    from zongzhi.calendar import services as calendar_services
    from zongzhi.units.models import User

    sysadmin = User.objects.get(username="sysadmin")
    assert is_workday(dt.date(2027, 1, 1)) is True
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_services.set_day(acting_user=sysadmin, day=dt.date(2027, 1, 1), is_workday=False, name="元旦")
        assert is_workday(dt.date(2027, 1, 1)) is False  # visible inside the transaction
        raise RuntimeError("abandon")
    assert is_workday(dt.date(2027, 1, 1)) is True
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()


# --- administrators' overrides and the loader ----------------------------------------------
def test_admin_override_survives_reloading_the_package(api: Any) -> None:
    admin = api("sysadmin")
    # The make-up Saturday becomes a day off, and a 国庆 weekday becomes a working day.
    assert admin.put("/api/calendar/days/2026-10-10", {"is_workday": False, "name": "国庆节"}).status_code == 200
    assert admin.put("/api/calendar/days/2026-10-07", {"is_workday": True, "name": ""}).status_code == 200
    result = load_from_package()
    assert not result.changed
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).source == "admin"
    assert is_workday(dt.date(2026, 10, 10)) is False and is_workday(dt.date(2026, 10, 7)) is True

    # Clearing the override reverts to the package's value ...
    r = admin.delete("/api/calendar/days/2026-10-10")
    assert r.status_code == 200
    assert r.json() == {"date": "2026-10-10", "is_workday": True, "name": "国庆节调休上班", "source": "package"}
    assert is_workday(dt.date(2026, 10, 10)) is True
    # ... or, where the package says nothing, to the weekday rule.
    admin.put("/api/calendar/days/2027-01-04", {"is_workday": False, "name": "元旦"})
    r = admin.delete("/api/calendar/days/2027-01-04")
    assert r.json() == {"date": "2027-01-04", "is_workday": True, "name": "", "source": "rule"}
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 4)).exists()
    # Nothing left to clear.
    r = admin.delete("/api/calendar/days/2027-01-04")
    assert r.status_code == 404 and r.json()["code"] == "calendar_day_not_set"
    assert [e.action for e in AuditLog.objects.filter(action="calendar.day_cleared")] == ["calendar.day_cleared"] * 2


def test_loader_is_idempotent_and_repairs_package_rows() -> None:
    assert load_from_package() == load_from_package()
    assert not load_from_package().changed
    CalendarDay.objects.filter(date=dt.date(2026, 10, 5)).update(name="tampered")
    CalendarDay.objects.filter(date=dt.date(2026, 10, 6)).delete()
    CalendarDay.objects.create(date=dt.date(2026, 11, 24), is_workday=False, name="x", source="package")
    CalendarYear.objects.filter(year=2005).delete()
    result = load_from_package()
    assert (result.created, result.updated, result.deleted, result.years_added) == (1, 1, 1, 1)
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 5)).name == "国庆节"
    assert CalendarDay.objects.filter(date=dt.date(2026, 10, 6)).exists()
    assert not CalendarDay.objects.filter(date=dt.date(2026, 11, 24)).exists()
    assert CalendarYear.objects.get(year=2005).source == "package"


# --- permissions and bad input --------------------------------------------------------------
def test_county_officer_reads_but_cannot_edit(api: Any) -> None:
    officer = api("county_officer")
    r = officer.get("/api/calendar", {"year": 2026})
    assert r.status_code == 200 and r.json()["known"] is True and r.json()["source"] == "package"
    assert {"date": "2026-10-05", "is_workday": False, "name": "国庆节", "source": "package"} in r.json()["days"]
    for method, url, body in [
        ("put", "/api/calendar/days/2027-01-01", {"is_workday": False, "name": "元旦"}),
        ("delete", "/api/calendar/days/2026-10-05", None),
        ("post", "/api/calendar/years/2027/complete", {}),
    ]:
        r = officer.send(method, url, body)
        assert r.status_code == 403, (method, url)
        assert r.json() == {"code": "forbidden", "message": "没有“维护工作日历”的权限"}
    assert AuditLog.objects.filter(username="county_officer", action="permission.denied").count() == 3
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 5)).source == "package"


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("put", "/api/calendar/days/2027-02-30", {"is_workday": False, "name": "x"}, 422, "invalid_input"),
        ("put", "/api/calendar/days/not-a-date", {"is_workday": False, "name": "x"}, 422, "invalid_input"),
        ("delete", "/api/calendar/days/20270101x", None, 422, "invalid_input"),
        ("put", "/api/calendar/days/1999-12-31", {"is_workday": False, "name": "x"}, 400, "calendar_year_out_of_range"),
        ("put", "/api/calendar/days/2027-01-01", {"is_workday": False, "name": " "}, 400, "calendar_name_required"),
        ("put", "/api/calendar/days/2027-01-01", {"is_workday": "maybe"}, 422, "invalid_input"),
        ("post", "/api/calendar/years/99999/complete", {}, 400, "calendar_year_out_of_range"),
        ("post", "/api/calendar/years/next/complete", {}, 422, "invalid_input"),
        ("get", "/api/calendar?year=1800", None, 400, "calendar_year_out_of_range"),
        ("get", "/api/calendar?year=abc", None, 422, "invalid_input"),
    ],
)
def test_bad_dates_get_a_chinese_message(api: Any, method: str, url: str, body: Any, status: int, code: str) -> None:
    client = api("sysadmin")
    r = client.get(url) if method == "get" else client.send(method, url, body)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert any("\u4e00" <= c <= "\u9fff" for c in r.json()["message"])
