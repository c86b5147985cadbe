"""Logins on duty (在岗): one row per user, day, client and phone, counted; the township's view
of who has not logged in today; the month's working days with a phone login."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zongzhi.field import services_duty as duty
from zongzhi.field.models import DutyLogin
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db

BASE = "/api/field/duty"
TERMINALS = "/api/field/terminals"


def _phone_login(username: str, password: str, device: str = "dev-1") -> Any:
    r = Client().post(
        "/api/auth/login",
        {"username": username, "password": password, "client": "token", "device_id": device},
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    return r


def _console_login(username: str, password: str) -> None:
    client = Client()
    client.get("/api/auth/csrf")
    r = client.post(
        "/api/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert r.status_code == 200


def test_each_login_counts_on_the_days_row_per_client(password: str) -> None:
    DutyLogin.objects.filter(user__username="grid_worker").delete()
    _phone_login("grid_worker", password)
    _phone_login("grid_worker", password)
    _console_login("grid_worker", password)
    rows = {r.client: r for r in DutyLogin.objects.filter(user__username="grid_worker", day=timezone.localdate())}
    assert set(rows) == {"phone", "pc"}
    assert rows["phone"].count == 2 and rows["phone"].device_id == "dev-1"
    assert rows["phone"].last_at >= rows["phone"].first_at
    assert rows["pc"].count == 1 and rows["pc"].device_id == ""
    assert rows["phone"].path == User.objects.get(username="grid_worker").unit.path


def test_logins_on_different_days_make_different_rows() -> None:
    user = User.objects.select_related("unit").get(username="grid_worker")
    DutyLogin.objects.filter(user=user).delete()
    morning = timezone.make_aware(dt.datetime(2026, 11, 2, 8, 0))
    duty.record_login(user=user, client="phone", device_id="d", at=morning)
    duty.record_login(user=user, client="phone", device_id="d", at=morning + dt.timedelta(hours=9))
    duty.record_login(user=user, client="phone", device_id="d", at=morning + dt.timedelta(days=1))
    assert list(DutyLogin.objects.filter(user=user).order_by("day").values_list("day", "count")) == [
        (dt.date(2026, 11, 2), 2),
        (dt.date(2026, 11, 3), 1),
    ]


def test_township_sees_who_has_not_logged_in_today_first(api: Any, unit: Any, password: str) -> None:
    # a second grid worker of the village who does not log in
    from zongzhi.units import accounts
    from zongzhi.units.models import Role

    home = unit("320111003001")
    other = accounts.create_user(
        acting_user=User.objects.get(username="sysadmin"),
        username="gw_absent",
        full_name="缺勤网格员",
        phone="",
        unit=home,
        department=None,
        password=password,
    )
    accounts.set_grants(
        acting_user=User.objects.get(username="secadmin"),
        user=other,
        roles=Role.objects.filter(code="grid_worker"),
        view_scope=[home],
        capture_scope=[home],
    )
    village = api("village_officer")
    tid = village.post(TERMINALS, {"unit_id": home.pk, "kind": "phone", "asset_number": "SJ-1"}).json()["id"]
    village.post(f"{TERMINALS}/{tid}/issue", {"user_id": User.objects.get(username="grid_worker").pk})
    _phone_login("grid_worker", password, "dev-zw")
    day = api("township_officer").get(f"{BASE}/day", {"unit": unit("320111003").pk}).json()
    names = [(w["full_name"], w["logged_in"]) for w in day["workers"]]
    assert names == [("缺勤网格员", False), ("张伟", True)]
    assert day["worker_count"] == {"total": 2, "logged_in": 1}
    assert day["workers"][1]["terminal"] == "SJ-1" and day["workers"][1]["first_at"]
    assert [(t["asset_number"], t["logged_in"], t["bound"]) for t in day["terminals"]] == [("SJ-1", True, True)]
    # the neighbouring township sees neither
    assert api("township2_officer").get(f"{BASE}/day", {"unit": unit("320111003").pk}).status_code == 404


def test_month_counts_working_days_with_a_phone_login(api: Any, unit: Any) -> None:
    user = User.objects.select_related("unit").get(username="grid_worker")
    DutyLogin.objects.filter(user=user).delete()
    # November 2026: Mon 2 and Tue 3 are working days, Sat 7 is not
    for d in (2, 3, 7):
        duty.record_login(user=user, client="phone", device_id="d", at=timezone.make_aware(dt.datetime(2026, 11, d, 9)))
    duty.record_login(user=user, client="pc", at=timezone.make_aware(dt.datetime(2026, 11, 4, 9)))
    m = api("village_officer").get(f"{BASE}/month", {"month": "2026-11"}).json()
    row = next(w for w in m["workers"] if w["full_name"] == "张伟")
    assert row["working_days"] == len(m["working_days"]) == 21
    assert row["days_logged_in"] == 2  # the Saturday and the PC login do not count
    assert "2026-11-04" in row["missed"] and "2026-11-02" not in row["missed"]
    r = api("village_officer").get(f"{BASE}/month", {"month": "2026-13"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "month"


def test_reading_duty_needs_records_read(api: Any) -> None:
    assert api("sysadmin").get(f"{BASE}/day").status_code == 403


def test_the_day_view_takes_the_same_queries_for_few_workers_or_more(api: Any, unit: Any, password: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zongzhi.field import demo_terminals

    township = api("township_officer")
    township.get(f"{BASE}/day")
    with CaptureQueriesContext(connection) as few:
        township.get(f"{BASE}/day")
    demo_terminals.load()  # nine grid workers with phones and a year of logins
    township.get(f"{BASE}/day")
    with CaptureQueriesContext(connection) as more:
        day = township.get(f"{BASE}/day").json()
    assert day["worker_count"]["total"] >= 8
    assert len(more) == len(few)
