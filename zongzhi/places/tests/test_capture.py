"""Field capture of places from the phone: houses with their occupants, places and facility
inspections with photos, each arriving once however often the offline queue sends it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.cases.tests.test_attachments import _media, _photo_with_gps, _upload  # noqa: F401
from zongzhi.people.tests.test_residents import id_number
from zongzhi.places.models import Facility, House, HouseOccupant, Inspection, KeyPlace
from zongzhi.units.demo import GRID_1

pytestmark = pytest.mark.django_db
BASE = "/api/registry/places"


def _facility(api: Any, unit: Any) -> int:
    r = api("village_officer").post(
        f"{BASE}/facilities", {"name": "冯墙路口探头", "unit_id": unit(GRID_1).pk, "extra": {"kind_code": "01"}}
    )
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


def _inspection(client_id: str, ids: list[int]) -> dict[str, Any]:
    return {
        "inspected_on": timezone.localdate().isoformat(),
        "result": "normal",
        "note": "画面清晰",
        "attachment_ids": ids,
        "client_id": client_id,
    }


def test_an_inspection_with_a_photo_sent_twice_arrives_once(api: Any, unit: Any, audit_since: Any) -> None:
    facility = _facility(api, unit)
    photo = _upload(api, "grid_worker", "探头.jpg", _photo_with_gps()).json()
    client_id = str(uuid.uuid4())
    url = f"{BASE}/facilities/{facility}/inspections"
    first = api("grid_worker").post(url, _inspection(client_id, [photo["id"]]))
    assert first.status_code == 201, first.json()
    again = api("grid_worker").post(url, _inspection(client_id, [photo["id"]]))
    assert again.status_code == 200, again.json()
    assert Inspection.objects.filter(facility_id=facility).count() == 1
    assert len(audit_since("facility.inspected")) == 1
    shown = again.json()["inspections"][0]
    assert [p["id"] for p in shown["photos"]] == [photo["id"]] and shown["photos"][0]["thumbnail_url"]
    assert again.json()["missing_inspection"] is False
    # the village officer (the console) sees the photo on the facility's page, and may open it
    page = api("village_officer").get(f"{BASE}/facilities/{facility}").json()
    assert page["inspections"][0]["photos"][0]["id"] == photo["id"]
    assert api("village_officer").get(f"/api/attachments/{photo['id']}/file").status_code == 200
    assert api("township_officer").get(f"/api/attachments/{photo['id']}/thumbnail").status_code == 200
    # the next township's officer does not
    assert api("township2_officer").get(f"/api/attachments/{photo['id']}/file").status_code == 404


def test_an_inspection_takes_only_the_inspectors_own_unused_photos(api: Any, unit: Any) -> None:
    facility = _facility(api, unit)
    url = f"{BASE}/facilities/{facility}/inspections"
    theirs = _upload(api, "village_officer", "a.jpg", _photo_with_gps()).json()
    r = api("grid_worker").post(url, _inspection(str(uuid.uuid4()), [theirs["id"]]))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "attachment_ids"
    mine = _upload(api, "grid_worker", "b.jpg", _photo_with_gps()).json()
    assert api("grid_worker").post(url, _inspection(str(uuid.uuid4()), [mine["id"]])).status_code == 201
    # already used by the first inspection
    r = api("grid_worker").post(url, _inspection(str(uuid.uuid4()), [mine["id"]]))
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
    assert Inspection.objects.filter(facility_id=facility).count() == 1


def test_a_refused_inspection_keeps_the_consoles_messages(api: Any, unit: Any) -> None:
    facility = _facility(api, unit)
    body = {**_inspection(str(uuid.uuid4()), []), "result": "fault", "note": ""}
    r = api("grid_worker").post(f"{BASE}/facilities/{facility}/inspections", body)
    assert r.status_code == 400 and r.json()["errors"][0] == {"field": "note", "message": "发现故障时请填写情况"}
    assert not Inspection.objects.exists()


def test_a_house_with_its_occupants_registered_offline_arrives_once(api: Any, unit: Any) -> None:
    worker = api("grid_worker")
    resident_cid = str(uuid.uuid4())
    body = {"kind": "registered", "name": "周小芳", "id_number": id_number(), "unit_id": unit(GRID_1).pk}
    # the occupant's registration is still on its way: the house waits for it
    house_cid = str(uuid.uuid4())
    house = {
        "name": "3栋2单元501",
        "unit_id": unit(GRID_1).pk,
        "extra": {"use": "rental", "owner_name": "吴某"},
        "client_id": house_cid,
        "occupants": [{"resident_client_id": resident_cid, "relation": "tenant"}],
    }
    r = worker.post(f"{BASE}/houses", house)
    assert r.status_code == 400 and r.json()["code"] == "resident_pending"
    assert not House.objects.exists()  # nothing half-made
    assert worker.post("/api/registry/residents", {**body, "client_id": resident_cid}).status_code == 201
    first = worker.post(f"{BASE}/houses", house)
    assert first.status_code == 201, first.json()
    assert [(o["name"], o["relation"]) for o in first.json()["occupants"]] == [("周小芳", "tenant")]
    again = worker.post(f"{BASE}/houses", house)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert House.objects.count() == 1 and HouseOccupant.objects.count() == 1


def test_an_occupant_added_offline_arrives_once(api: Any, unit: Any) -> None:
    worker = api("grid_worker")
    house = worker.post(
        f"{BASE}/houses", {"name": "5号", "unit_id": unit(GRID_1).pk, "extra": {"owner_name": "吴某"}}
    ).json()
    resident = worker.post(
        "/api/registry/residents",
        {"kind": "registered", "name": "周小芳", "id_number": id_number(), "unit_id": unit(GRID_1).pk},
    ).json()
    body = {"resident_id": resident["id"], "relation": "family", "client_id": str(uuid.uuid4())}
    url = f"{BASE}/houses/{house['id']}/occupants"
    assert worker.post(url, body).status_code == 201
    assert worker.post(url, body).status_code == 200
    assert HouseOccupant.objects.filter(house_id=house["id"]).count() == 1
    # the console's rule stays: the same person twice without a client id is refused
    r = worker.post(url, {"resident_id": resident["id"], "relation": "family"})
    assert r.status_code == 409 and r.json()["code"] == "already_listed"


def test_a_place_registered_offline_arrives_once_in_the_workers_grid(api: Any, unit: Any) -> None:
    body = {"name": "冯墙加油站", "unit_id": unit(GRID_1).pk, "extra": {"kind_code": "9902"}}
    client_id = str(uuid.uuid4())
    first = api("grid_worker").post(f"{BASE}/key-places", {**body, "client_id": client_id})
    assert first.status_code == 201, first.json()
    assert api("grid_worker").post(f"{BASE}/key-places", {**body, "client_id": client_id}).status_code == 200
    assert KeyPlace.objects.count() == 1
    # not in the village itself (the village officer's), nor with a taken client id elsewhere
    r = api("grid_worker").post(f"{BASE}/key-places", {**body, "unit_id": unit("320111003001").pk})
    assert r.status_code == 403
    r = api("grid_worker").post(f"{BASE}/facilities", {**body, "client_id": client_id, "extra": {"kind_code": "01"}})
    assert r.status_code == 201  # another kind keeps its own client ids
    assert Facility.objects.count() == 1
