"""Field capture from the phone: registrations sent twice arrive once, the duplicate check by
ID number before saving (scope, masked, audited), and changes made on a stale copy refused
with the record's current values."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zongzhi.people.models import Resident
from zongzhi.people.tests.test_residents import id_number
from zongzhi.units.demo import GRID_1, GRID_2

pytestmark = pytest.mark.django_db
BASE = "/api/registry/residents"


def _body(unit: Any, **extra: Any) -> dict[str, Any]:
    return {"kind": "registered", "name": "王建国", "id_number": id_number(), "unit_id": unit(GRID_1).pk, **extra}


def test_the_same_offline_registration_sent_twice_makes_one_resident(api: Any, unit: Any) -> None:
    client_id = str(uuid.uuid4())
    worker = api("grid_worker")
    first = worker.post(BASE, _body(unit, client_id=client_id))
    assert first.status_code == 201, first.json()
    again = worker.post(BASE, _body(unit, client_id=client_id))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Resident.objects.filter(name="王建国").count() == 1
    # without a client id the same person is a duplicate, refused with a link to the record
    dup = worker.post(BASE, _body(unit))
    assert dup.status_code == 409 and dup.json()["code"] == "id_number_taken"
    assert dup.json()["data"] == {"resident_id": first.json()["id"]}
    assert dup.json()["errors"][0]["field"] == "id_number"


def test_a_client_id_outside_the_callers_scope_is_not_reused(api: Any, unit: Any, officer: Any) -> None:
    client_id = str(uuid.uuid4())
    assert api("grid_worker").post(BASE, _body(unit, client_id=client_id)).status_code == 201
    other = officer("other_village", "320111004001")
    body = {**_body(unit, client_id=client_id), "unit_id": unit("320111004001").pk, "id_number": id_number(seq="555")}
    r = other.post(BASE, body)
    assert r.status_code == 409 and r.json()["code"] == "client_id_taken"
    assert "王建国" not in str(r.json())


def test_the_phone_gets_the_consoles_messages_beside_each_field(api: Any, unit: Any) -> None:
    wrong = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    r = api("grid_worker").post(BASE, _body(unit, id_number=wrong, phone="123", client_id=str(uuid.uuid4())))
    assert r.status_code == 400
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "校验" in fields["id_number"] and fields["phone"].startswith("联系电话格式不正确")


def test_a_grid_worker_registers_only_in_their_grids(api: Any, unit: Any) -> None:
    r = api("grid_worker").post(BASE, _body(unit, unit_id=unit("320111003001").pk, client_id=str(uuid.uuid4())))
    assert r.status_code == 403
    assert not Resident.objects.exists()


def test_the_duplicate_check_answers_in_scope_masked_and_is_audited(
    api: Any, unit: Any, officer: Any, audit_since: Any
) -> None:
    number = id_number()
    created = api("grid_worker").post(BASE, _body(unit, phone="13812345678")).json()
    r = api("grid_worker").post(f"{BASE}/lookup", {"id_number": number})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "here" and body["resident"]["id"] == created["id"]
    assert body["resident"]["name"] == "王**" and body["resident"]["can_edit"] is True
    assert number not in str(body) and "13812345678" not in str(body)
    entry = audit_since("pii.lookup")[-1]
    assert entry.username == "grid_worker" and entry.detail["shown"] == created["id_number_mask"]
    # another village's officer learns only that it exists elsewhere
    other = officer("other_village", "320111004001")
    r = other.post(f"{BASE}/lookup", {"id_number": number})
    assert r.json() == {"status": "elsewhere", "resident": None}
    # a number nobody has
    assert api("grid_worker").post(f"{BASE}/lookup", {"id_number": id_number(seq="777")}).json()["status"] == "none"
    # a retired resident is no duplicate
    api("village_officer").post(f"{BASE}/{created['id']}/retire", {"reason": "迁出"})
    assert api("grid_worker").post(f"{BASE}/lookup", {"id_number": number}).json()["status"] == "none"


def test_the_duplicate_check_needs_the_right_to_register(api: Any, audit_since: Any) -> None:
    r = api("auditor").post(f"{BASE}/lookup", {"id_number": id_number()})
    assert r.status_code == 403
    assert audit_since("permission.denied")


def test_a_change_made_on_a_stale_copy_is_refused_with_the_current_values(api: Any, unit: Any) -> None:
    created = api("grid_worker").post(BASE, _body(unit, phone="13812345678")).json()
    seen = created["updated_at"]
    # the village officer changes the address meanwhile
    officer_body = {
        **_body(unit),
        "id_number": created["id_number_mask"],
        "phone": created["phone_mask"],
        "current_address": "冯墙路1号",
    }
    assert api("village_officer").put(f"{BASE}/{created['id']}", officer_body).status_code == 200
    r = api("grid_worker").patch(f"{BASE}/{created['id']}", {"phone": "13900001111", "seen_updated_at": seen})
    assert r.status_code == 409, r.json()
    body = r.json()
    assert body["code"] == "stale_record"
    assert body["message"] == "该记录在您离线期间已被他人修改，请核对后重新提交"
    current = body["data"]["current"]
    assert current["current_address"] == "冯墙路1号" and current["phone_mask"] == "138****5678"
    assert "13812345678" not in str(body)
    # resent on top of the current record, it goes through
    r = api("grid_worker").patch(
        f"{BASE}/{created['id']}", {"phone": "13900001111", "seen_updated_at": current["updated_at"]}
    )
    assert r.status_code == 200 and r.json()["phone_mask"] == "139****1111"
    assert r.json()["current_address"] == "冯墙路1号"  # the other change is kept
    # the same change sent again after a lost answer is no conflict
    again = api("grid_worker").patch(
        f"{BASE}/{created['id']}", {"phone": "13900001111", "seen_updated_at": current["updated_at"]}
    )
    assert again.status_code == 200


def test_the_phones_changes_use_the_consoles_validator(api: Any, unit: Any) -> None:
    created = api("grid_worker").post(BASE, _body(unit)).json()
    r = api("grid_worker").patch(f"{BASE}/{created['id']}", {"phone": "12", "seen_updated_at": created["updated_at"]})
    assert r.status_code == 400
    assert r.json()["errors"][0] == {
        "field": "phone",
        "message": "联系电话格式不正确（11位手机号或带区号的固定电话）",
        "code": "phone_invalid",
    }


def test_a_resident_moves_to_the_workers_other_grid_and_out(api: Any, unit: Any, audit_since: Any) -> None:
    created = api("grid_worker").post(BASE, _body(unit)).json()
    r = api("grid_worker").patch(
        f"{BASE}/{created['id']}",
        {"unit_id": unit(GRID_2).pk, "current_address": "冯墙二组", "seen_updated_at": created["updated_at"]},
    )
    assert r.status_code == 200 and r.json()["path"] == GRID_2
    assert audit_since("resident.moved")
    # not out of the worker's grids
    r = api("grid_worker").patch(f"{BASE}/{created['id']}", {"unit_id": unit("320111003001").pk})
    assert r.status_code == 403
    # moved out of the village: the existing retire, with a reason, sent twice
    seen = api("grid_worker").get(f"{BASE}/{created['id']}").json()["updated_at"]
    for _ in range(2):
        r = api("grid_worker").post(f"{BASE}/{created['id']}/retire", {"reason": "迁出", "seen_updated_at": seen})
        assert r.status_code == 200 and r.json()["is_retired"] is True
    assert len(audit_since("resident.retired")) == 1
    # the console's retire still refuses a second one
    r = api("village_officer").post(f"{BASE}/{created['id']}/retire", {"reason": "迁出"})
    assert r.status_code == 409 and r.json()["code"] == "retired"


def test_the_console_update_without_seen_updated_at_is_unchanged(api: Any, unit: Any) -> None:
    created = api("village_officer").post(BASE, _body(unit)).json()
    body = {**_body(unit), "id_number": created["id_number_mask"], "occupation": "教师"}
    assert api("village_officer").put(f"{BASE}/{created['id']}", body).status_code == 200
    stale = {**body, "occupation": "医生", "seen_updated_at": created["updated_at"]}
    r = api("village_officer").put(f"{BASE}/{created['id']}", stale)
    assert r.status_code == 409 and r.json()["code"] == "stale_record"
