"""What a review of the office found and the fixes hold: documents to one person or department
stay theirs, files need `records.read`, a 文号 is the same however it is spaced or bracketed,
records are not backdated past the entry window, and bad input is a 400, never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.units.models import Department, Role, Unit, User

from .test_meetings import _media, _upload, body  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.django_db

D = "/api/office/documents"


def _colleague(username: str, unit_code: str, *, department: Department | None = None, role: str) -> User:
    unit = Unit.objects.get(code=unit_code)
    user = User.objects.create(username=username, full_name="同事", phone="", unit=unit, department=department)
    user.must_change_password = False
    user.save()
    user.roles.set(Role.objects.filter(code=role))
    user.view_scope.set([unit])
    return user


def test_a_document_to_one_person_or_department_is_not_the_whole_units(api: Callable[..., Any]) -> None:
    _colleague("township_clerk", "320111003000", role="township_officer")
    township_officer = User.objects.get(username="township_officer")
    station = Department.objects.get(unit__code="320111003000", name__endswith="派出所")
    office = Department.objects.filter(unit__code="320111003000").exclude(pk=station.pk).first()
    assert office is not None
    _colleague("other_dept", "320111003000", department=office, role="department_user")
    to_person = api("county_officer").post(
        D, {"kind": "notice", "title": "致王强的通知", "user_ids": [township_officer.pk]}
    )
    to_station = api("county_officer").post(
        D, {"kind": "notice", "title": "致派出所的通知", "department_ids": [station.pk]}
    )
    assert to_person.status_code == 201 and to_station.status_code == 201, (to_person.content, to_station.content)
    assert api("township_officer").get(f"{D}/{to_person.json()['id']}").status_code == 200
    # a colleague of the same township, and a user of another department, see neither
    for who, doc in (("township_clerk", to_person), ("other_dept", to_station), ("township_clerk", to_station)):
        assert api(who).get(f"{D}/{doc.json()['id']}").status_code == 404
        titles = [d["title"] for d in api(who).get(D, {"box": "all"}).json()["items"]]
        assert doc.json()["title"] not in titles


@pytest.mark.usefixtures("_media")
def test_office_files_need_records_read(api: Callable[..., Any]) -> None:
    photo = _upload(api, "village_officer")
    assert api("village_officer").post("/api/office/meetings", body(attachment_ids=[photo])).status_code == 201
    assert api("township_officer").get(f"/api/attachments/{photo}/file").status_code == 200
    # the system administrator's view scope covers the county, but not the records
    assert api("sysadmin").get(f"/api/attachments/{photo}/file").status_code == 404


def test_document_number_is_one_however_spaced_or_bracketed(api: Callable[..., Any]) -> None:
    township = api("township_officer")
    assert township.post(D, {"kind": "document", "title": "甲", "number": "沿综〔2026〕9号"}).status_code == 201
    for variant in ("沿综〔2026〕 9号", "沿综[2026]9号", "沿综【2026】９号"):
        r = township.post(D, {"kind": "document", "title": "乙", "number": variant})
        assert r.status_code == 400 and r.json()["code"] == "document_number_exists", variant
    r = township.post(D, {"kind": "document", "title": "丙", "number": "沿综〔1999〕9号", "issued_on": "1999-05-01"})
    assert r.status_code == 400 and r.json()["code"] == "issued_too_early"


def test_reply_deadline_without_a_time_zone_is_read_as_local_time(api: Callable[..., Any]) -> None:
    due = (timezone.localtime() + dt.timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    r = api("township_officer").post(
        D, {"kind": "notice", "title": "报送材料的通知", "reply_required": True, "reply_due_at": due.isoformat()}
    )
    assert r.status_code == 201, r.content


def test_activities_and_work_logs_are_not_backdated_past_the_window(api: Callable[..., Any]) -> None:
    village = Unit.objects.get(code="320111003001")
    old = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    activity = {
        "unit_id": village.pk,
        "kind": "publicity",
        "name": "宣传",
        "held_on": old,
        "location": "广场",
        "topic": "平安宣传",
    }
    r = api("village_officer").post("/api/office/activities", activity)
    assert r.status_code == 400 and r.json()["code"] == "activity_entry_late"
    assert "31天内录入（日常办公规则）" in r.json()["errors"][0]["message"]
    log = {"unit_id": village.pk, "title": "走访", "content": "上门了解情况", "logged_on": old}
    r = api("village_officer").post("/api/office/work-logs", log)
    assert r.status_code == 400 and r.json()["code"] == "log_entry_late"
    # within the window it is taken; a later edit keeping the date is still allowed after it
    recent = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    r = api("village_officer").post("/api/office/activities", {**activity, "held_on": recent})
    assert r.status_code == 201, r.content


def test_nul_characters_and_bad_ranges_are_refused(api: Callable[..., Any]) -> None:
    r = api("township_officer").post(D, {"kind": "notice", "title": "abc\u0000def"})
    assert r.status_code == 400 and r.json()["code"] == "control_character"
    r = api("township_officer").get("/api/office/meetings", {"q": "a\x00b"})
    assert r.status_code == 400 and r.json()["code"] == "control_character"
    r = api("township_officer").get("/api/office/activities/monthly", {"months": -5})
    assert r.status_code == 400 and r.json()["code"] == "months_out_of_range"


def test_grid_team_accounts_are_the_villages_and_a_townships_its_own(api: Callable[..., Any]) -> None:
    township = Unit.objects.get(code="320111003000")
    accounts = api("township_officer").get("/api/office/profile/accounts", {"unit": township.pk})
    assert accounts.status_code == 200, accounts.content
    ids = {a["id"] for a in accounts.json()}
    assert ids and ids <= set(User.objects.filter(unit=township).values_list("id", flat=True))
    # a village's are those of the village and its grids (the grid worker among them)
    village = Unit.objects.get(code="320111003001")
    ids = {a["id"] for a in api("village_officer").get("/api/office/profile/accounts", {"unit": village.pk}).json()}
    assert User.objects.get(username="grid_worker").pk in ids
    assert not ids & set(User.objects.filter(unit=township).values_list("id", flat=True))
