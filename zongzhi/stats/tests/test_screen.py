"""The big screen's payload: the live feed, the units and workers on duty, the map, and scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.field.services_duty import record_login
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

COUNTY = "320111000000"
TOWNSHIP = "320111003000"
VILLAGE = "320111003001"
SIBLING = "320111003002"
ID_NUMBER = "320111198001010018"
PHONE = "13912345678"


def _report(api: Any, who: str, title: str, **extra: Any) -> dict[str, Any]:
    body = {
        "kind": "event",
        "title": title,
        "category_code": "0108",
        "description": f"当事人身份证号{ID_NUMBER}，电话{PHONE}",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "parties": [{"name": "王某某", "role": "申请人", "phone": PHONE}],
        **extra,
    }
    r = api(who).post("/api/cases", body)
    assert r.status_code == 201, r.json()
    return r.json()["case"]  # type: ignore[no-any-return]


def _screen(api: Any, who: str, code: str) -> Any:
    unit = Unit.objects.get(code=code)
    return api(who).get("/api/stats/screen", {"unit": unit.pk})


def test_feed_shows_the_newest_case_by_title_unit_and_time_without_personal_data(api: Any) -> None:
    case = _report(api, "village_officer", "冯墙社区邻里漏水纠纷")
    r = _screen(api, "county_officer", COUNTY)
    assert r.status_code == 200, r.json()
    data = r.json()
    first = data["feed"][0]
    assert first["type"] == "case" and first["id"] == case["id"]
    assert first["title"] == "冯墙社区邻里漏水纠纷"
    assert first["unit_name"] == Unit.objects.get(code=VILLAGE).name
    text = json.dumps(data, ensure_ascii=False)
    assert ID_NUMBER not in text and PHONE not in text and "王某某" not in text


def test_feed_carries_warnings_sent_to_the_unit(api: Any) -> None:
    village = Unit.objects.get(code=VILLAGE)
    r = api("township_officer").post(
        "/api/alerts/warnings",
        {
            "title": "冯墙社区拆迁群众有越级上访苗头",
            "body": "村民对拆迁方案有异议。",
            "level": "yellow",
            "unit_ids": [village.pk],
            "department_ids": [],
        },
    )
    assert r.status_code == 201, r.json()
    feed = _screen(api, "village_officer", VILLAGE).json()["feed"]
    warning = next(i for i in feed if i["type"] == "warning")
    assert warning["title"] == "冯墙社区拆迁群众有越级上访苗头" and warning["level"] == "yellow"


def test_feed_of_a_village_leaves_out_its_siblings_cases(api: Any, officer: Any) -> None:
    _report(api, "village_officer", "冯墙社区的事件")
    sibling = officer("sibling_officer", SIBLING, role="village_officer")
    _report(lambda _who: sibling, "sibling", "隔壁社区的事件")
    titles = [i["title"] for i in _screen(api, "village_officer", VILLAGE).json()["feed"]]
    assert "冯墙社区的事件" in titles and "隔壁社区的事件" not in titles


def test_workers_on_duty_count_todays_phone_logins(api: Any) -> None:
    worker = User.objects.get(username="grid_worker")
    before = _screen(api, "township_officer", TOWNSHIP).json()["workers"]
    record_login(user=worker, client="phone", device_id="dev-1")
    record_login(user=worker, client="phone", device_id="dev-1")
    after = _screen(api, "township_officer", TOWNSHIP).json()["workers"]
    assert after["grid_workers"] >= 1
    assert after["on_phone"] == before["on_phone"] + (
        0 if any(r["name"] == worker.full_name for r in before["recent"]) else 1
    )
    assert after["recent"][0]["name"] == worker.full_name
    assert after["recent"][0]["unit_name"] == Unit.objects.get(code=worker.unit.code).name  # type: ignore[union-attr]


def test_units_on_duty_name_the_officer_on_the_roster_now(api: Any) -> None:
    township = Unit.objects.get(code=TOWNSHIP)
    me = User.objects.get(username="township_officer")
    start = timezone.now() - dt.timedelta(hours=1)
    r = api("township_officer").post(
        "/api/alerts/duty/shifts",
        {
            "unit_id": township.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=24)).isoformat(),
            "officer_id": me.pk,
            "duty_phone": "025-58881234",
        },
    )
    assert r.status_code == 201, r.json()
    duty = _screen(api, "county_officer", COUNTY).json()["duty"]
    row = next(d for d in duty if d["unit"]["id"] == township.pk)
    assert row["officer"] == me.full_name
    # the county's other townships are listed too, with nobody on the roster
    assert any(d["officer"] == "" for d in duty)
    assert "025-58881234" not in json.dumps(duty)


def test_map_has_the_grids_of_a_village(api: Any) -> None:
    village = Unit.objects.get(code=VILLAGE)
    r = api("village_officer").get("/api/stats/screen/map", {"unit": village.pk})
    assert r.status_code == 200
    props = [f["properties"] for f in r.json()["features"]]
    grids = Unit.objects.filter(parent=village, level="grid", is_retired=False, boundary__isnull=False)
    assert {p["path"] for p in props if p["role"] == "grid"} == set(grids.values_list("path", flat=True))


def test_a_village_asking_for_its_sibling_is_refused(api: Any, audit_since: Any) -> None:
    r = _screen(api, "village_officer", SIBLING)
    assert r.status_code == 404
    assert set(r.json()) <= {"code", "message", "errors"}
    assert audit_since(action="scope.denied")


def test_without_records_read_the_screen_is_refused(api: Any) -> None:
    r = api("sysadmin").get("/api/stats/screen")
    assert r.status_code == 403


def test_screen_counts_and_grid_density_follow_the_reports(api: Any) -> None:
    from zongzhi.stats.rollups import refresh

    refresh()
    county = Unit.objects.get(code=COUNTY)
    grid = Unit.objects.get(code="320111003001001")
    ring = grid.boundary["coordinates"][0]  # type: ignore[index]
    lat, lng = sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4
    before = _screen(api, "county_officer", COUNTY).json()
    for i in range(2):
        _report(api, "grid_worker", f"网格纠纷{i}", latitude=lat, longitude=lng)
    refresh()
    after = _screen(api, "county_officer", COUNTY).json()
    assert after["unit"]["id"] == county.pk
    assert after["summary"]["reported"] == before["summary"]["reported"] + 2
    assert after["grids"][grid.path] == before["grids"].get(grid.path, 0) + 2
    township = next(c for c in after["children"] if c["path"] == "320111003")
    old_township = next(c for c in before["children"] if c["path"] == "320111003")
    assert township["reported"] == old_township["reported"] + 2


def test_an_id_number_or_phone_typed_into_a_title_is_masked_in_the_feed(api: Any) -> None:
    _report(api, "village_officer", f"张三{PHONE} 身份证{ID_NUMBER} 纠纷")
    data = _screen(api, "county_officer", COUNTY).json()
    text = json.dumps(data, ensure_ascii=False)
    assert ID_NUMBER not in text and PHONE not in text
    assert data["feed"][0]["title"] == "张三139****5678 身份证3201**********0018 纠纷"
