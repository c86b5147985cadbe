"""The terminals register (终端管理) and the confidentiality agreement (保密协议): register, issue
(one phone per person), hand over, return, lost (its sessions end at once), found, retire; who
manages what; the agreement gate before first use and again after a new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zongzhi.audit.models import AuditLog
from zongzhi.field.models import AgreementSignature, Terminal, TerminalEvent
from zongzhi.units.models import LoginSession, User

pytestmark = pytest.mark.django_db

BASE = "/api/field/terminals"
VILLAGE = "320111003001"  # 冯墙社区 (village_officer, grid_worker)


def _register(client: Any, unit: Any, asset: str = "YJ-SJ-001", kind: str = "phone", **extra: Any) -> Any:
    return client.post(BASE, {"unit_id": unit.pk, "kind": kind, "asset_number": asset, **extra})


def _issued_phone(api: Any, unit: Any, holder: str = "grid_worker", asset: str = "YJ-SJ-001") -> int:
    village = api("village_officer")
    r = _register(village, unit(VILLAGE), asset, model_name="华为 nova", sim_number="13800001111")
    assert r.status_code == 201, r.json()
    tid = r.json()["id"]
    r = village.post(f"{BASE}/{tid}/issue", {"user_id": User.objects.get(username=holder).pk, "note": "配发"})
    assert r.status_code == 200, r.json()
    return int(tid)


def _phone_login(username: str, password: str, device: str = "dev-abc") -> Any:
    return Client().post(
        "/api/auth/login",
        {"username": username, "password": password, "client": "token", "device_id": device},
        content_type="application/json",
    )


def _sign_current(client: Any) -> Any:
    text = client.get(f"{BASE}/agreement/current").json()
    return client.post(f"{BASE}/agreement/sign", {"text_id": text["id"], "client": "phone"})


def test_village_registers_issues_and_the_history_shows_each_step(api: Any, unit: Any, audit_since: Any) -> None:
    tid = _issued_phone(api, unit)
    village = api("village_officer")
    detail = village.get(f"{BASE}/{tid}").json()
    assert detail["status"] == "issued" and detail["holder"]["full_name"] == "张伟"
    assert detail["holder"]["phone_mask"] == "139****0001"  # the holder's own phone, masked
    assert detail["sim_number"] == "13800001111"  # the unit's work number, shown
    assert [e["action"] for e in detail["events"]] == ["register", "issue"]
    assert {e.action for e in audit_since()} >= {"terminal.registered", "terminal.issued"}
    listed = village.get(BASE, {"status": "issued", "kind": "phone"}).json()
    assert [t["asset_number"] for t in listed["items"]] == ["YJ-SJ-001"] and listed["count"] == 1


def test_asset_number_is_unique_and_bad_input_is_named(api: Any, unit: Any) -> None:
    village = api("village_officer")
    assert _register(village, unit(VILLAGE)).status_code == 201
    r = _register(village, unit(VILLAGE))
    assert r.status_code == 400 and r.json()["code"] == "asset_number_taken"
    assert r.json()["errors"][0]["field"] == "asset_number"
    r = _register(village, unit(VILLAGE), "YJ-PC-9", kind="pc", sim_number="abc")
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {"sim_number"}


def test_a_person_holds_one_phone_at_a_time(api: Any, unit: Any) -> None:
    _issued_phone(api, unit)
    village = api("village_officer")
    second = _register(village, unit(VILLAGE), "YJ-SJ-002").json()["id"]
    r = village.post(f"{BASE}/{second}/issue", {"user_id": User.objects.get(username="grid_worker").pk})
    assert r.status_code == 409 and r.json()["code"] == "one_phone_each"
    assert "YJ-SJ-001" in r.json()["message"]
    # a PC may go to the same person
    pc = _register(village, unit(VILLAGE), "YJ-PC-001", kind="pc").json()["id"]
    assert (
        village.post(f"{BASE}/{pc}/issue", {"user_id": User.objects.get(username="grid_worker").pk}).status_code == 200
    )


def test_hand_over_needs_a_note_and_moves_the_terminal(api: Any, unit: Any) -> None:
    tid = _issued_phone(api, unit)
    village = api("village_officer")
    officer = User.objects.get(username="village_officer")
    r = village.post(f"{BASE}/{tid}/handover", {"user_id": officer.pk, "note": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "note"
    r = village.post(f"{BASE}/{tid}/handover", {"user_id": officer.pk, "note": "张伟调岗，交李娜"})
    assert r.status_code == 200
    events = r.json()["events"]
    assert events[-1]["action"] == "handover" and events[-1]["from_user"] == "张伟" and events[-1]["to_user"] == "李娜"
    # now holding a terminal, the village officer signs the agreement before going on
    assert village.post(f"{BASE}/{tid}/return", {}).json()["code"] == "agreement_required"
    _sign_current(village)
    assert village.post(f"{BASE}/{tid}/return", {"note": ""}).json()["status"] == "in_stock"
    assert village.post(f"{BASE}/{tid}/retire", {"note": "屏幕损坏"}).json()["status"] == "retired"
    assert Terminal.objects.filter(pk=tid).exists()  # kept in the register


def test_first_phone_login_binds_the_holders_phone(api: Any, unit: Any, password: str) -> None:
    tid = _issued_phone(api, unit)
    assert _phone_login("grid_worker", password, "dev-1").status_code == 200
    t = Terminal.objects.get(pk=tid)
    assert t.device_id == "dev-1"
    assert TerminalEvent.objects.filter(terminal=t, action="bind").count() == 1
    assert LoginSession.objects.filter(user__username="grid_worker", device_id="dev-1").exists()
    # a later login on the same phone does not bind again
    _phone_login("grid_worker", password, "dev-1")
    assert TerminalEvent.objects.filter(terminal=t, action="bind").count() == 1


def test_lost_phone_ends_its_sessions_at_once_and_cannot_log_in(
    api: Any, unit: Any, password: str, audit_since: Any
) -> None:
    tid = _issued_phone(api, unit)
    login = _phone_login("grid_worker", password, "dev-lost").json()
    _sign = Client()
    headers = {"Authorization": f"Bearer {login['token']}"}
    sign = _sign.get(f"{BASE}/agreement/current", headers=headers).json()
    _sign.post(f"{BASE}/agreement/sign", {"text_id": sign["id"]}, content_type="application/json", headers=headers)
    assert Client().get("/api/auth/me", headers=headers).status_code == 200
    r = api("village_officer").post(f"{BASE}/{tid}/lost", {"note": "下乡途中遗失"})
    assert r.status_code == 200 and r.json()["status"] == "lost"
    r = Client().get("/api/auth/me", headers=headers)
    assert r.status_code == 401 and "已挂失" in r.json()["message"]
    event = next(e for e in audit_since() if e.action == "terminal.lost")
    assert event.detail["sessions_ended"] == 1 and event.detail["device_bound"] is True
    assert [e.detail["reason"] for e in audit_since() if e.action == "auth.session_ended"] == ["terminal_lost"]
    # the lost phone does not log in again, even with the right password
    r = _phone_login("grid_worker", password, "dev-lost")
    assert r.status_code == 403 and r.json()["code"] == "terminal_lost"
    # found: back in stock, unbound
    assert api("village_officer").post(f"{BASE}/{tid}/found", {"note": "群众拾到送回"}).json()["status"] == "in_stock"
    assert _phone_login("grid_worker", password, "dev-lost").status_code == 200


def test_lost_unbound_phone_ends_the_holders_token_sessions(api: Any, unit: Any, password: str) -> None:
    tid = _issued_phone(api, unit)
    token = _phone_login("grid_worker", password, "").json()["token"]  # an old app: no device id
    assert Terminal.objects.get(pk=tid).device_id == ""
    api("village_officer").post(f"{BASE}/{tid}/lost", {"note": "遗失"})
    assert Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_lost_phone_also_ends_the_holders_sessions_under_another_device_id(api: Any, unit: Any, password: str) -> None:
    tid = _issued_phone(api, unit)
    _phone_login("grid_worker", password, "dev-first")  # binds the phone
    assert Terminal.objects.get(pk=tid).device_id == "dev-first"
    reinstalled = _phone_login("grid_worker", password, "dev-reinstalled").json()["token"]
    api("village_officer").post(f"{BASE}/{tid}/lost", {"note": "遗失"})
    assert Client().get("/api/auth/me", headers={"Authorization": f"Bearer {reinstalled}"}).status_code == 401
    assert _phone_login("grid_worker", password, "dev-first").status_code == 403  # the lost phone


def test_township_reads_its_villages_terminals_but_does_not_manage_them(api: Any, unit: Any) -> None:
    tid = _issued_phone(api, unit)
    township = api("township_officer")
    assert township.get(f"{BASE}/{tid}").json()["can_manage"] is False
    r = township.post(f"{BASE}/{tid}/lost", {"note": "代为挂失"})
    assert r.status_code == 403 and r.json()["code"] == "terminal_out_of_scope"
    # the neighbouring township sees nothing
    assert api("township2_officer").get(f"{BASE}/{tid}").status_code == 404
    assert api("township2_officer").get(BASE).json()["count"] == 0
    # the township registers its own; the county cannot register one for the township
    r = _register(township, unit("320111003"), "YJ-PC-100", kind="pc")
    assert r.status_code == 201
    r = _register(api("county_officer"), unit("320111003"), "YJ-PC-101", kind="pc")
    assert r.status_code == 403


def test_issue_only_within_the_terminals_unit(api: Any, unit: Any) -> None:
    r = _register(api("village_officer"), unit(VILLAGE), "YJ-SJ-050")
    r = api("village_officer").post(
        f"{BASE}/{r.json()['id']}/issue", {"user_id": User.objects.get(username="township_officer").pk}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "user_id"


# --- the agreement --------------------------------------------------------------------------


def test_a_terminal_holder_must_sign_before_using_the_system(api: Any, unit: Any) -> None:
    worker = api("grid_worker")
    assert worker.get("/api/auth/me").json()["agreement_required"] is False  # no terminal yet
    assert worker.get("/api/units/roots").status_code == 200
    _issued_phone(api, unit)
    assert worker.get("/api/auth/me").json()["agreement_required"] is True
    r = worker.get("/api/units/roots")
    assert r.status_code == 403 and r.json()["code"] == "agreement_required"
    text = worker.get(f"{BASE}/agreement/current").json()
    assert text["required"] is True and "专人管理" in text["body"]
    r = worker.post(f"{BASE}/agreement/sign", {"text_id": text["id"], "client": "phone"})
    assert r.status_code == 200 and r.json()["signed_at"] and r.json()["required"] is False
    sig = AgreementSignature.objects.get(user__username="grid_worker")
    assert sig.client == "phone" and sig.ip == "127.0.0.1"
    assert worker.get("/api/units/roots").status_code == 200
    assert worker.get("/api/auth/me").json()["agreement_required"] is False
    # logging out stays possible for someone not signed (another holder)
    assert AuditLog.objects.filter(action="agreement.signed", username="grid_worker").exists()


def test_a_new_version_asks_every_holder_again(api: Any, unit: Any) -> None:
    _issued_phone(api, unit)
    worker = api("grid_worker")
    _sign_current(worker)
    assert worker.get("/api/units/roots").status_code == 200
    admin = api("sysadmin")
    r = admin.post(f"{BASE}/agreement", {"title": "保密协议（2027版）", "body": "一、……\n二、……"})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert worker.get("/api/units/roots").json()["code"] == "agreement_required"
    # signing the old version is refused: the new one must be read first
    old = AgreementSignature.objects.get(user__username="grid_worker").text_id
    r = worker.post(f"{BASE}/agreement/sign", {"text_id": old})
    assert r.status_code == 409 and r.json()["code"] == "agreement_outdated"
    _sign_current(worker)
    assert worker.get("/api/units/roots").status_code == 200
    signers = admin.get(f"{BASE}/agreement/signers").json()
    assert signers["version"] == 2 and [i["full_name"] for i in signers["items"] if i["current"]] == ["张伟"]


def test_only_the_administrator_publishes_and_bad_input_is_named(api: Any) -> None:
    r = api("village_officer").post(f"{BASE}/agreement", {"title": "x", "body": "y"})
    assert r.status_code == 403
    r = api("sysadmin").post(f"{BASE}/agreement", {"title": " ", "body": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "title"


def test_who_has_not_signed_is_listed_first(api: Any, unit: Any) -> None:
    _issued_phone(api, unit)
    rows = api("village_officer").get(f"{BASE}/agreement/signers", {"state": "unsigned"}).json()
    assert [r["full_name"] for r in rows["items"]] == ["张伟"] and rows["items"][0]["terminals"] == ["YJ-SJ-001"]
    assert api("township2_officer").get(f"{BASE}/agreement/signers").json()["items"] == []


def test_the_demo_holds_back_only_the_newcomer(api: Any) -> None:
    from zongzhi.field import demo_terminals
    from zongzhi.field.services_terminals import agreement_required
    from zongzhi.units.demo import PERSONAS

    counts = demo_terminals.load()
    assert counts["terminals"] >= 15 and counts["duty_logins"] > 1000
    for p in PERSONAS:
        assert agreement_required(User.objects.get(username=p.username)) is False, p.username
    assert agreement_required(User.objects.get(username="grid_new")) is True
    kinds = set(TerminalEvent.objects.values_list("action", flat=True))
    assert {"register", "issue", "handover", "return", "lost", "retire"} <= kinds
    # the township sees who has not logged in today
    day = api("township_officer").get("/api/field/duty/day").json()
    assert day["worker_count"]["total"] >= 8 and day["worker_count"]["logged_in"] < day["worker_count"]["total"]
    assert demo_terminals.load()["terminals"] == counts["terminals"]  # idempotent


def test_the_list_takes_the_same_queries_for_one_terminal_or_many(api: Any, unit: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village = api("village_officer")
    _issued_phone(api, unit)
    village.get(BASE)  # the caller's grants and the agreement state are now cached
    with CaptureQueriesContext(connection) as one:
        assert village.get(BASE).json()["count"] == 1
    for i in range(4):
        _register(village, unit(VILLAGE), f"YJ-PC-2{i}", kind="pc")
    with CaptureQueriesContext(connection) as many:
        assert village.get(BASE).json()["count"] == 5
    assert len(many) == len(one)
