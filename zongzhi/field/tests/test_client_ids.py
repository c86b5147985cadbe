"""A client id is its first sender's: the phone's offline queue resends a create with the same id
and gets the first record back, but another user (in the same scope) sending that id gets 409
`client_id_taken`, nothing written and nothing of the first record shown. One test per family of
endpoints that take a client id (core.clientids)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts.models import InformationReport, ZeroReport
from zongzhi.cases.models import Case
from zongzhi.office.models import Patrol, PatrolCheckIn
from zongzhi.people.models import Resident, Visit
from zongzhi.people.tests.test_residents import id_number
from zongzhi.places.models import HouseOccupant, Inspection, KeyPlace
from zongzhi.units.demo import GRID_1, GRID_2

pytestmark = pytest.mark.django_db

PLACES = "/api/registry/places"


def _taken(r: Any, *secrets: str) -> None:
    assert r.status_code == 409, r.json()
    body = r.json()
    assert body["code"] == "client_id_taken" and "编号" in body["message"]
    for secret in secrets:
        assert secret not in str(body)


def _resident(api: Any, unit: Any, who: str = "grid_worker", **extra: Any) -> Any:
    body = {"kind": "registered", "name": "王建国", "id_number": id_number(), "unit_id": unit(GRID_1).pk, **extra}
    return api(who).post("/api/registry/residents", body)


def test_a_residents_client_id_is_not_another_users(api: Any, unit: Any) -> None:
    cid = str(uuid.uuid4())
    first = _resident(api, unit, client_id=cid)
    assert first.status_code == 201, first.json()
    assert Resident.objects.get(pk=first.json()["id"]).created_by.username == "grid_worker"
    # the village officer reads the same grid, but the id is not theirs
    r = _resident(api, unit, "village_officer", client_id=cid, name="李四", id_number=id_number(seq="556"))
    _taken(r, "王建国")
    assert list(Resident.objects.values_list("name", flat=True)) == ["王建国"]
    # a house naming the registration by that id is refused the same way
    house = {
        "name": "3栋501",
        "unit_id": unit(GRID_1).pk,
        "extra": {"owner_name": "吴某"},
        "occupants": [{"resident_client_id": cid, "relation": "tenant"}],
    }
    _taken(api("village_officer").post(f"{PLACES}/houses", house))
    # the first sender's resend still answers with their record
    assert _resident(api, unit, client_id=cid).status_code == 200


def test_a_visits_client_id_is_not_another_users(api: Any, unit: Any) -> None:
    resident = _resident(api, unit).json()
    listed = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    r = api("village_officer").post(
        f"/api/registry/residents/{resident['id']}/categories",
        {
            "group": "key",
            "category_code": "03",
            "risk_level": 1,
            "listed_on": listed,
            "details": {"diagnosis": "精神分裂症", "guardian_name": "孙某", "guardian_phone": "13900001111"},
        },
    )
    assert r.status_code == 201, r.json()
    category = r.json()["id"]
    visit = {
        "visited_on": timezone.localdate().isoformat(),
        "method": "home",
        "content": "上门走访，情绪稳定，监护人在家。",
        "client_id": str(uuid.uuid4()),
    }
    url = f"/api/registry/categories/{category}/visits"
    assert api("grid_worker").post(url, visit).status_code == 201
    _taken(api("village_officer").post(url, {**visit, "content": "电话回访，一切正常。"}), "监护人")
    assert list(Visit.objects.values_list("visitor__username", flat=True)) == ["grid_worker"]


def test_a_places_occupants_and_inspections_client_ids_are_not_another_users(api: Any, unit: Any) -> None:
    cid = str(uuid.uuid4())
    body = {"name": "冯墙加油站", "unit_id": unit(GRID_1).pk, "extra": {"kind_code": "9902"}, "client_id": cid}
    assert api("grid_worker").post(f"{PLACES}/key-places", body).status_code == 201
    _taken(api("village_officer").post(f"{PLACES}/key-places", {**body, "name": "别的加油站"}), "冯墙加油站")
    assert list(KeyPlace.objects.values_list("name", flat=True)) == ["冯墙加油站"]

    worker = api("grid_worker")
    house = worker.post(
        f"{PLACES}/houses", {"name": "5号", "unit_id": unit(GRID_1).pk, "extra": {"owner_name": "吴某"}}
    ).json()
    resident = _resident(api, unit).json()
    occupant = {"resident_id": resident["id"], "relation": "family", "client_id": str(uuid.uuid4())}
    url = f"{PLACES}/houses/{house['id']}/occupants"
    assert worker.post(url, occupant).status_code == 201
    _taken(api("village_officer").post(url, {**occupant, "relation": "tenant"}))
    assert list(HouseOccupant.objects.values_list("relation", flat=True)) == ["family"]

    r = api("village_officer").post(
        f"{PLACES}/facilities", {"name": "路口探头", "unit_id": unit(GRID_1).pk, "extra": {"kind_code": "01"}}
    )
    url = f"{PLACES}/facilities/{r.json()['id']}/inspections"
    inspection = {
        "inspected_on": timezone.localdate().isoformat(),
        "result": "normal",
        "note": "画面清晰",
        "client_id": str(uuid.uuid4()),
    }
    assert worker.post(url, inspection).status_code == 201
    _taken(api("village_officer").post(url, {**inspection, "note": "镜头脏污"}))
    assert list(Inspection.objects.values_list("note", flat=True)) == ["画面清晰"]


def test_a_reports_client_id_is_not_another_users(api: Any, unit: Any) -> None:
    from zongzhi.cases.tests.test_engine import _report

    cid = str(uuid.uuid4())
    assert _report(api, client_id=cid).status_code == 201
    _taken(_report(api, "village_officer", client_id=cid, title="另一件事"), "劳资纠纷")
    assert Case.objects.count() == 1

    from zongzhi.alerts.tests.test_reports import URL, body

    info = body(client_id=str(uuid.uuid4()))
    assert api("grid_worker").post(URL, info).status_code == 201
    _taken(api("village_officer").post(URL, {**info, "title": "另一条信息"}), "村民代表")
    assert InformationReport.objects.count() == 1

    zero = {"client_id": str(uuid.uuid4())}
    assert api("grid_worker").post("/api/alerts/zero/reports", zero).status_code == 201
    _taken(api("village_officer").post("/api/alerts/zero/reports", zero))
    assert ZeroReport.objects.count() == 1  # the village's own report is still to file


def test_a_patrols_and_check_ins_client_ids_are_not_another_users(api: Any, unit: Any, officer: Any) -> None:
    other = officer("gw_second", GRID_2, role="grid_worker")
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    assert worker.post("/api/office/patrols", {"client_id": cid, "unit_id": unit(GRID_1).pk}).status_code == 201
    _taken(other.post("/api/office/patrols", {"client_id": cid, "unit_id": unit(GRID_2).pk}))
    assert Patrol.objects.count() == 1
    # the other worker's own patrol takes no check-in with the first worker's id
    mine = str(uuid.uuid4())
    assert other.post("/api/office/patrols", {"client_id": mine, "unit_id": unit(GRID_2).pk}).status_code == 201
    check = {"client_id": str(uuid.uuid4()), "result": "normal"}
    assert worker.post(f"/api/office/patrols/by-client/{cid}/check-ins", check).status_code == 201
    _taken(other.post(f"/api/office/patrols/by-client/{mine}/check-ins", check))
    assert PatrolCheckIn.objects.count() == 1


def test_a_record_made_before_its_maker_was_kept_answers_its_resend(api: Any, unit: Any) -> None:
    """A registration sent before the upgrade that added the maker (and no audit entry named
    them) has none: its resend is judged as before, by scope, and still answers with the record."""
    cid = str(uuid.uuid4())
    first = _resident(api, unit, client_id=cid)
    assert first.status_code == 201, first.json()
    Resident.objects.filter(pk=first.json()["id"]).update(created_by=None)
    again = _resident(api, unit, client_id=cid)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    # outside the scope it is still refused
    assert _resident(api, unit, "township2_officer", client_id=cid).status_code in (404, 409)
    assert Resident.objects.filter(client_id=cid).count() == 1


def test_the_upgrade_finds_the_maker_of_a_phone_registration_in_the_audit_log(api: Any, unit: Any) -> None:
    from django.apps import apps

    from zongzhi.core.migration_ops import creators_from_audit

    cid = str(uuid.uuid4())
    first = _resident(api, unit, client_id=cid)
    assert first.status_code == 201, first.json()
    Resident.objects.filter(pk=first.json()["id"]).update(created_by=None)  # as before the column
    creators_from_audit([("people", "Resident")]).code(apps, None)
    assert Resident.objects.get(client_id=cid).created_by.username == "grid_worker"
