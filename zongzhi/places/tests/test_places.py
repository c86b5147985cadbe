"""Places and organisations: kinds' own fields, sealed contact phones, occupants, monthly
inspections, members, placement by position, scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from zongzhi.people.tests.test_residents import id_number
from zongzhi.places.models import Facility
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db
BASE = "/api/registry/places"


def _center(code: str) -> tuple[float, float]:
    ring = Unit.objects.get(code=code).boundary["coordinates"][0]
    return sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4


def _resident(api: Any, unit: Any, name: str, number: str, kind: str = "registered") -> int:
    body = {"kind": kind, "name": name, "id_number": number, "unit_id": unit(GRID_1).pk}
    r = api("village_officer").post("/api/registry/residents", body)
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


def _create(api: Any, kind: str, who: str = "village_officer", **body: Any) -> Any:
    return api(who).post(f"{BASE}/{kind}", body)


def test_a_key_place_keeps_its_contact_phone_sealed(api: Any, unit: Any, audit_since: Any) -> None:
    r = _create(api, "key-places", name="冯墙加油站", unit_id=unit(GRID_1).pk, extra={})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "kind_code"
    r = _create(
        api,
        "key-places",
        name="冯墙加油站",
        address="冯墙路8号",
        unit_id=unit(GRID_1).pk,
        contact_phone="13912345678",
        extra={
            "kind_code": "9902",
            "legal_person": "周某",
            "security_contact": "吴某",
            "credit_code": "91350100M000100Y44",
        },
    )
    assert r.status_code == 400 and "统一社会信用代码" in r.json()["message"]
    r = _create(
        api,
        "key-places",
        name="冯墙加油站",
        unit_id=unit(GRID_1).pk,
        contact_phone="13912345678",
        extra={"kind_code": "9902", "legal_person": "周某", "credit_code": "91350100m000100y43"},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["category_label"] == "加油站（点）" and body["contact_phone_mask"] == "139****5678"
    assert body["extra"]["credit_code"] == "91350100M000100Y43"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_keyplace WHERE id = %s", [body["id"]])
        assert "13912345678" not in str(cursor.fetchone())
    r = api("village_officer").post(f"{BASE}/key-places/{body['id']}/reveal")
    assert r.json()["value"] == "13912345678"
    assert audit_since("pii.unmask")[-1].detail["field"] == "contact_phone"
    # an edit that sends back the mask keeps the number
    r = api("village_officer").put(
        f"{BASE}/key-places/{body['id']}",
        {"name": "冯墙加油站", "contact_phone": "139****5678", "extra": {"kind_code": "9902"}},
    )
    assert r.status_code == 200, r.json()
    assert api("village_officer").post(f"{BASE}/key-places/{body['id']}/reveal").json()["value"] == "13912345678"


def test_enterprises_need_a_credit_code_and_teams_have_members(api: Any, unit: Any) -> None:
    r = _create(api, "organisations", name="某某化工有限公司", unit_id=unit(GRID_1).pk, extra={"kind_code": "0801"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "credit_code"
    r = _create(api, "organisations", name="冯墙社区治安巡防队", unit_id=unit(GRID_1).pk, extra={"kind_code": "0401"})
    assert r.status_code == 201, r.json()
    team = r.json()["id"]
    resident = _resident(api, unit, "陈队员", id_number(seq="801"))
    r = api("village_officer").post(f"{BASE}/organisations/{team}/members", {"resident_id": resident, "role": "队长"})
    assert r.status_code == 201, r.json()
    r = api("village_officer").post(f"{BASE}/organisations/{team}/members", {"name": "志愿者甲", "role": "队员"})
    members = r.json()["members"]
    assert [(m["name"], m["role"]) for m in members] == [("陈队员", "队长"), ("志愿者甲", "队员")]
    r = api("village_officer").post(f"{BASE}/organisations/{team}/members/{members[1]['id']}/remove")
    assert [m["name"] for m in r.json()["members"]] == ["陈队员"]


def test_a_house_with_owner_and_tenants(api: Any, unit: Any) -> None:
    r = _create(api, "houses", name="3栋2单元501", unit_id=unit(GRID_1).pk, extra={"use": "rental"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "owner"
    owner = _resident(api, unit, "房东", id_number(seq="811"))
    tenant = _resident(api, unit, "租客", id_number(seq="812", region="510104"), kind="floating")
    r = _create(
        api,
        "houses",
        name="3栋2单元501",
        address="冯墙小区3栋",
        unit_id=unit(GRID_1).pk,
        extra={"use": "rental", "owner": owner, "area": 89.5, "rental_registered_on": "2026-03-01"},
    )
    assert r.status_code == 201, r.json()
    house = r.json()
    assert house["category_label"] == "出租" and house["extra"]["owner"] == {"id": owner, "name": "房东"}
    r = api("village_officer").post(
        f"{BASE}/houses/{house['id']}/occupants", {"resident_id": tenant, "relation": "tenant"}
    )
    assert r.status_code == 201 and [o["name"] for o in r.json()["occupants"]] == ["租客"]
    r = api("village_officer").post(
        f"{BASE}/houses/{house['id']}/occupants", {"resident_id": tenant, "relation": "tenant"}
    )
    assert r.status_code == 409
    occupant = api("village_officer").get(f"{BASE}/houses/{house['id']}").json()["occupants"][0]["id"]
    r = api("village_officer").post(f"{BASE}/houses/{house['id']}/occupants/{occupant}/end")
    assert r.json()["occupants"][0]["until"] == timezone.localdate().isoformat()
    rentals = api("village_officer").get(f"{BASE}/houses", {"use": "rental"}).json()["items"]
    assert [h["id"] for h in rentals] == [house["id"]]
    # the tenant's page shows the house they lived in
    lived = api("village_officer").get(f"/api/registry/residents/{tenant}").json()["houses"]
    assert [(h["name"], h["relation_label"]) for h in lived] == [("3栋2单元501", "租户")]


def test_facilities_show_a_missing_monthly_inspection(api: Any, unit: Any) -> None:
    lat, lng = _center(GRID_2)
    r = _create(
        api,
        "facilities",
        name="冯墙路口探头",
        latitude=lat,
        longitude=lng,
        unit_id=unit(GRID_1).pk,
        extra={"kind_code": "01", "serial_number": "CAM-001"},
    )
    assert r.status_code == 201, r.json()
    camera = r.json()
    assert camera["path"] == GRID_2  # placed by its position, not by the unit chosen
    assert camera["missing_inspection"] is True
    missing = api("village_officer").get(f"{BASE}/facilities", {"missing": True}).json()["items"]
    assert [f["id"] for f in missing] == [camera["id"]]
    r = api("grid_worker").post(
        f"{BASE}/facilities/{camera['id']}/inspections",
        {"inspected_on": timezone.localdate().isoformat(), "result": "fault"},
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "note"
    r = api("grid_worker").post(
        f"{BASE}/facilities/{camera['id']}/inspections",
        {"inspected_on": timezone.localdate().isoformat(), "result": "normal", "note": "画面清晰"},
    )
    assert r.status_code == 201 and r.json()["missing_inspection"] is False
    assert r.json()["inspections"][0]["inspector_name"] == "张伟"
    assert api("village_officer").get(f"{BASE}/facilities", {"missing": True}).json()["items"] == []
    # last month's inspection does not count for this month
    Facility.objects.filter(pk=camera["id"]).update(
        last_inspected_on=timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    )
    assert api("village_officer").get(f"{BASE}/facilities/{camera['id']}").json()["missing_inspection"] is True


def test_places_are_scoped_and_retired_softly(api: Any, unit: Any, audit_since: Any) -> None:
    r = _create(api, "compounds", name="冯墙小区", unit_id=unit(GRID_1).pk, extra={"households": 320})
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert api("township2_officer").get(f"{BASE}/compounds/{cid}").status_code == 404
    assert api("township2_officer").get(f"{BASE}/compounds").json()["items"] == []
    assert _create(api, "compounds", who="leader", name="某小区", unit_id=unit(GRID_1).pk).status_code == 403
    assert (
        _create(api, "compounds", who="grid_worker", name="某小区", unit_id=unit("320111003001").pk).status_code == 403
    )
    r = api("village_officer").post(f"{BASE}/compounds/{cid}/retire", {"reason": "拆迁"})
    assert r.status_code == 200 and r.json()["is_retired"]
    assert audit_since("place.retired")[0].detail == {"reason": "拆迁"}
    assert api("village_officer").get(f"{BASE}/compounds").json()["items"] == []
    specs = api("village_officer").get("/api/registry/place-specs").json()
    assert {s["kind"] for s in specs} == {"compounds", "houses", "key-places", "facilities", "organisations"}


def test_demo_places(api: Any) -> None:
    from zongzhi.people.demo import build_residents
    from zongzhi.places.demo import build_places
    from zongzhi.places.models import Organisation
    from zongzhi.places.uscc import is_valid_uscc

    build_residents(200, seed=3)
    assert build_places()["places"] > 10
    enterprise = Organisation.objects.get(kind_code="0802")
    assert is_valid_uscc(enterprise.credit_code)
    facilities = api("village_officer").get(f"{BASE}/facilities", {"limit": 50}).json()["items"]
    assert 0 < sum(f["missing_inspection"] for f in facilities) < len(facilities)
    total = api("village_officer").get(f"{BASE}/facilities/total").json()
    assert total == {"count": len(facilities), "capped": False}  # the list's 共 N 条
    missing = api("village_officer").get(f"{BASE}/facilities/total", {"missing": True}).json()["count"]
    assert missing == sum(f["missing_inspection"] for f in facilities)
    # on the map: all but one camera; a year of inspections with a month or two missed
    assert api("village_officer").get(f"{BASE}/facilities/map").json()["total"] == len(facilities) - 1
    months = api("village_officer").get(f"{BASE}/facilities/{facilities[0]['id']}").json()["inspection_months"]
    assert len(months) == 12 and sum(m["count"] > 0 for m in months[1:]) >= 9
    houses = api("village_officer").get(f"{BASE}/houses", {"limit": 50}).json()["items"]
    assert houses and api("village_officer").get(f"{BASE}/houses/{houses[0]['id']}").json()["occupants"]


def _count_queries(call: Any) -> int:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as ctx:
        response = call()
    assert response.status_code == 200, response.json()
    return len(ctx.captured_queries)


def test_the_map_shows_the_positioned_places_in_scope_and_says_when_capped(
    api: Any, unit: Any, monkeypatch: Any
) -> None:
    lat1, lng1 = _center(GRID_1)
    lat2, lng2 = _center(GRID_2)
    made = []
    for name, position in (("一号探头", (lat1, lng1)), ("无位置探头", None), ("二号探头", (lat2, lng2))):
        where = {"latitude": position[0], "longitude": position[1]} if position else {}
        r = _create(api, "facilities", name=name, unit_id=unit(GRID_1).pk, extra={"kind_code": "01"}, **where)
        assert r.status_code == 201, r.json()
        made.append(r.json()["id"])
    body = api("village_officer").get(f"{BASE}/facilities/map").json()
    assert [p["name"] for p in body["items"]] == ["二号探头", "一号探头"]  # newest first, no position left out
    assert body["total"] == 2 and body["capped"] is False
    assert body["area"]["code"] == unit("320111003001").code  # the village holding both grids
    first = body["items"][1]
    assert (first["latitude"], first["longitude"]) == (lat1, lng1) and first["missing_inspection"] is True
    # the list's filters select the same places
    assert [p["name"] for p in api("village_officer").get(f"{BASE}/facilities/map", {"q": "一号"}).json()["items"]] == [
        "一号探头"
    ]
    api("village_officer").post(
        f"{BASE}/facilities/{made[0]}/inspections",
        {"inspected_on": timezone.localdate().isoformat(), "result": "normal"},
    )
    missing = api("village_officer").get(f"{BASE}/facilities/map", {"missing": True}).json()["items"]
    assert [p["id"] for p in missing] == [made[2]]
    # out of scope: nothing; unknown unit: 404
    assert api("township2_officer").get(f"{BASE}/facilities/map").json() == {
        "items": [],
        "total": 0,
        "limit": 2000,
        "capped": False,
        "area": None,
    }
    assert api("township2_officer").get(f"{BASE}/facilities/map", {"under": unit(GRID_1).pk}).status_code == 404
    # more places than the map shows: the newest, and how many there are
    monkeypatch.setattr("zongzhi.places.api.MAP_LIMIT", 1)
    body = api("village_officer").get(f"{BASE}/facilities/map").json()
    assert [p["name"] for p in body["items"]] == ["二号探头"]
    assert (body["total"], body["limit"], body["capped"]) == (2, 1, True)
    assert body["area"]["code"] == unit(GRID_2).code


def test_lists_and_the_map_ask_the_same_number_of_queries_for_more_rows(api: Any, unit: Any) -> None:
    lat, lng = _center(GRID_1)
    owner = (
        api("village_officer")
        .post(
            "/api/registry/residents",
            {"kind": "registered", "name": "业主", "id_number": id_number(seq="821"), "unit_id": unit(GRID_1).pk},
        )
        .json()["id"]
    )
    compound = _create(api, "compounds", name="冯墙花园", unit_id=unit(GRID_1).pk).json()["id"]

    def add_houses(n: int) -> None:
        for i in range(n):
            r = _create(
                api,
                "houses",
                name=f"{i}栋",
                unit_id=unit(GRID_1).pk,
                latitude=lat,
                longitude=lng,
                extra={"compound": compound, "owner": owner},
            )
            assert r.status_code == 201, r.json()

    client = api("village_officer")
    add_houses(2)
    few = (
        _count_queries(lambda: client.get(f"{BASE}/houses")),
        _count_queries(lambda: client.get(f"{BASE}/houses/map")),
    )
    add_houses(4)
    many = (
        _count_queries(lambda: client.get(f"{BASE}/houses")),
        _count_queries(lambda: client.get(f"{BASE}/houses/map")),
    )
    assert many == few
    assert client.get(f"{BASE}/houses").json()["items"][0]["extra"]["compound"] == {"id": compound, "name": "冯墙花园"}


def test_the_grid_of_a_position_is_one_the_user_may_register_in(api: Any, unit: Any) -> None:
    lat, lng = _center(GRID_2)
    r = api("village_officer").get("/api/registry/place-grid", {"latitude": lat, "longitude": lng})
    assert r.status_code == 200 and r.json()["unit"]["code"] == unit(GRID_2).code
    assert api("village_officer").get("/api/registry/place-grid", {"latitude": 40.0, "longitude": 116.4}).json() == {
        "unit": None
    }
    # another township's grid is not theirs to register in: the form falls back to the unit chosen
    r = api("township2_officer").get("/api/registry/place-grid", {"latitude": lat, "longitude": lng})
    assert r.json() == {"unit": None}


def test_a_place_page_shows_where_it_is_its_changes_and_its_inspections_month_by_month(api: Any, unit: Any) -> None:
    today = timezone.localdate()
    installed = (today.replace(day=1) - dt.timedelta(days=70)).replace(day=15)  # three months before this one
    r = _create(
        api,
        "facilities",
        name="冯墙路口探头",
        unit_id=unit(GRID_1).pk,
        extra={"kind_code": "01", "installed_on": installed.isoformat()},
    )
    camera = r.json()
    assert [u["code"] for u in camera["place"]][-1] == unit(GRID_1).code
    assert [u["level"] for u in camera["place"]][-4:] == ["county", "township", "village", "grid"]
    assert [h["action"] for h in camera["history"]] == ["create"]
    months = camera["inspection_months"]
    assert len(months) == 4 and months[0] == {"month": today.strftime("%Y-%m"), "count": 0}
    assert months[-1]["month"] == installed.strftime("%Y-%m")
    api("village_officer").post(
        f"{BASE}/facilities/{camera['id']}/inspections", {"inspected_on": today.isoformat(), "result": "normal"}
    )
    r = api("village_officer").put(
        f"{BASE}/facilities/{camera['id']}",
        {"name": "冯墙路口1号探头", "extra": {"kind_code": "01", "installed_on": installed.isoformat()}},
    )
    page = r.json()
    assert page["inspection_months"][0]["count"] == 1 and page["last_inspected_on"] == today.isoformat()
    assert page["history"][0]["action"] == "update"
    assert page["history"][0]["changes"]["name"] == ["冯墙路口探头", "冯墙路口1号探头"]
    # lists leave the page's parts out
    row = api("village_officer").get(f"{BASE}/facilities").json()["items"][0]
    assert row["history"] == [] and row["inspection_months"] == [] and row["last_inspected_on"] == today.isoformat()
    # a facility installed long ago: a year of months
    r = _create(
        api,
        "facilities",
        name="老探头",
        unit_id=unit(GRID_1).pk,
        extra={"kind_code": "01", "installed_on": "2020-01-01"},
    )
    assert len(r.json()["inspection_months"]) == 12
