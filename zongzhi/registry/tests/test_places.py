"""Places and organisations: kinds' own fields, sealed contact phones, occupants, monthly
inspections, members, placement by position, scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from zongzhi.registry.models import Facility
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit

from .test_residents import id_number

pytestmark = pytest.mark.django_db
BASE = "/api/registry/places"


def _center(code: str) -> tuple[float, float]:
    ring = Unit.objects.get(code=code).boundary["coordinates"][0]
    return sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4


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
    resident = (
        api("village_officer")
        .post(
            "/api/registry/residents",
            {"kind": "registered", "name": "陈队员", "id_number": id_number(seq="801"), "unit_id": unit(GRID_1).pk},
        )
        .json()["id"]
    )
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
    owner = (
        api("village_officer")
        .post(
            "/api/registry/residents",
            {"kind": "registered", "name": "房东", "id_number": id_number(seq="811"), "unit_id": unit(GRID_1).pk},
        )
        .json()["id"]
    )
    tenant = (
        api("village_officer")
        .post(
            "/api/registry/residents",
            {
                "kind": "floating",
                "name": "租客",
                "id_number": id_number(seq="812", region="510104"),
                "unit_id": unit(GRID_1).pk,
            },
        )
        .json()["id"]
    )
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
    from zongzhi.registry.demo import build_places, build_residents
    from zongzhi.registry.models import Organisation
    from zongzhi.registry.uscc import is_valid_uscc

    build_residents(200, seed=3)
    assert build_places()["places"] > 10
    enterprise = Organisation.objects.get(kind_code="0802")
    assert is_valid_uscc(enterprise.credit_code)
    facilities = api("village_officer").get(f"{BASE}/facilities", {"limit": 50}).json()["items"]
    assert 0 < sum(f["missing_inspection"] for f in facilities) < len(facilities)
    houses = api("village_officer").get(f"{BASE}/houses", {"limit": 50}).json()["items"]
    assert houses and api("village_officer").get(f"{BASE}/houses/{houses[0]['id']}").json()["occupants"]
