"""The informant network (信息员网络), informant phone accounts, group SMS and sensitive periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from zongzhi.alerts import services_zero as zero
from zongzhi.alerts.models import GroupSmsRecipient, Informant, SensitivePeriod
from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Case
from zongzhi.core import crypto
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
TOWNSHIP = "320111003000"


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def enrol(client: Any, **extra: Any) -> Any:
    body = {"unit_id": unit(VILLAGE).pk, "role_code": "02", "name": "周建国", "phone": "13812345678", **extra}
    return client.post("/api/alerts/zero/informants", body)


def test_informant_phone_is_sealed_masked_and_unmask_is_audited(api: Any) -> None:
    r = enrol(api("village_officer"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phone_mask"] != "13812345678" and "****" in body["phone_mask"]
    assert body["role_label"] == "中心户长"
    row = Informant.objects.get(pk=body["id"])
    assert b"13812345678" not in bytes(row.phone_sealed) and crypto.unseal(bytes(row.phone_sealed)) == "13812345678"
    listed = api("township_officer").get(f"/api/alerts/zero/informants?unit={unit(TOWNSHIP).pk}").json()
    assert listed["count"] == 1 and "13812345678" not in str(listed)
    shown = api("village_officer").post(f"/api/alerts/zero/informants/{row.pk}/reveal")
    assert shown.json()["value"] == "13812345678"
    event = AuditLog.objects.filter(action="pii.unmask", username="village_officer").latest("id")
    assert event.object_id == str(row.pk) and "13812345678" not in str(event.detail)
    # the grid worker (no pii.unmask) is refused, and the refusal is audited
    refused = api("grid_worker").post(f"/api/alerts/zero/informants/{row.pk}/reveal")
    assert refused.status_code == 403
    assert AuditLog.objects.filter(action="permission.denied", username="grid_worker").exists()


def test_informant_form_reports_every_mistake_at_once(api: Any) -> None:
    r = enrol(api("village_officer"), name="", role_code="99", phone="12345")
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"name", "role_code", "phone"} <= fields
    assert not Informant.objects.exists()


def test_informant_retired_not_deleted_and_upper_level_cannot_enrol_elsewhere(api: Any) -> None:
    informant_id = enrol(api("village_officer")).json()["id"]
    r = api("village_officer").post(f"/api/alerts/zero/informants/{informant_id}/retire")
    assert r.json()["is_retired"] is True
    assert Informant.objects.filter(pk=informant_id, is_retired=True).exists()
    again = api("village_officer").post(f"/api/alerts/zero/informants/{informant_id}/retire")
    assert again.json()["code"] == "informant_retired"
    other = Unit.objects.get(code="320111004001")
    refused = enrol(api("village_officer"), unit_id=other.pk)
    assert refused.status_code == 404  # another township's village is not even visible


def test_central_household_share_per_village(api: Any) -> None:
    village = unit(VILLAGE)
    client = api("village_officer")
    enrol(client)
    enrol(client, name="孙桂英", phone="")
    enrol(client, name="吴老板", role_code="11", organisation="江滨旅馆")
    rows = api("township_officer").get(f"/api/alerts/zero/informants/coverage?unit={unit(TOWNSHIP).pk}").json()
    mine = next(r for r in rows if r["unit"]["id"] == village.pk)
    assert mine == {**mine, "enrolled": 2, "required": None, "share": None}
    r = client.put("/api/alerts/zero/informants/quota", {"unit_id": village.pk, "required": 4})
    assert r.status_code == 200, r.content
    assert r.json()["share"] == 50.0
    assert client.put(
        "/api/alerts/zero/informants/quota", {"unit_id": unit(TOWNSHIP).pk, "required": 4}
    ).status_code in (
        403,
        404,
    )


def test_informant_account_is_limited_to_reporting(api: Any) -> None:
    informant_id = enrol(api("village_officer"), role_code="01", name="何军").json()["id"]
    r = api("village_officer").post(
        f"/api/alerts/zero/informants/{informant_id}/account", {"username": "xxy_hejun", "password": "Info#2026pass"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["account"] == "xxy_hejun"
    account = User.objects.get(username="xxy_hejun")
    account.must_change_password = False
    account.save()
    assert set(account.capabilities) == {"alerts.report"}
    client = api("xxy_hejun")
    Case.objects.create(
        kind="event",
        title="冯墙社区的事件",
        status="pending",
        path=VILLAGE,
        initiator_unit=unit(VILLAGE),
        holder_unit=unit(VILLAGE),
    )
    assert api("village_officer").get("/api/cases?box=all").json()["items"]  # the village sees it
    cases = client.get("/api/cases?box=all")
    assert cases.status_code == 403 or cases.json()["items"] == []
    assert client.get(f"/api/registry/residents?under={unit(VILLAGE).pk}").status_code in (403, 404)
    filed = client.post("/api/alerts/zero/reports", {})
    assert filed.status_code == 201, filed.content
    state = client.get("/api/alerts/zero/current").json()
    assert state["informant_id"] == informant_id and state["current"]["zero"]["id"] == filed.json()["id"]
    # the informant's report is theirs, not the village's: the village still owes its own
    assert api("village_officer").get("/api/alerts/zero/current").json()["current"]["zero"] is None
    table = api("township_officer").get(f"/api/alerts/zero/completeness?unit={unit(TOWNSHIP).pk}").json()
    row = next(r for r in table["rows"] if r["informant_id"] == informant_id)
    assert row["status"] == "zero"


@override_settings(SMS_BACKEND="http", SMS_URL="http://127.0.0.1:9/unreachable", SMS_TEMPLATE="{}")
def test_group_sms_records_failed_and_no_phone(api: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = api("village_officer")
    enrol(client)
    enrol(client, name="孙桂英", phone="")
    enrol(client, name="吴老板", role_code="11", phone="13900001111")
    with django_capture_on_commit_callbacks() as callbacks:
        r = client.post(
            "/api/alerts/zero/informants/sms",
            {"unit_id": unit(VILLAGE).pk, "text": "国庆期间请每日报送零报告", "role_codes": ["02"]},
        )
    assert r.status_code == 201, r.content
    assert len(callbacks) == 1  # the delivery job is queued once the texts are committed
    assert {x["status"] for x in r.json()["recipients"]} == {"queued", "no_phone"}
    zero.deliver(r.json()["id"])  # what the job does
    detail = client.get(f"/api/alerts/zero/informants/sms/{r.json()['id']}").json()
    statuses = {x["name"]: x["status"] for x in detail["recipients"]}
    assert statuses == {"周建国": "failed", "孙桂英": "no_phone"}  # the 旅店业 contact was not selected
    failed = next(x for x in detail["recipients"] if x["status"] == "failed")
    assert failed["error"] and "****" in failed["phone_mask"]
    assert AuditLog.objects.filter(action="group_sms.sent", username="village_officer").exists()


def test_group_sms_sent_through_the_gateway(api: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = api("village_officer")
    enrol(client)
    with django_capture_on_commit_callbacks() as callbacks:
        r = client.post("/api/alerts/zero/informants/sms", {"unit_id": unit(VILLAGE).pk, "text": "请注意防汛"})
    assert len(callbacks) == 1
    zero.deliver(r.json()["id"])
    assert GroupSmsRecipient.objects.get(group_id=r.json()["id"]).status == "sent"
    listed = client.get(f"/api/alerts/zero/informants/sms?unit={unit(VILLAGE).pk}").json()
    assert listed[0]["counts"] == {"sent": 1}
    too_long = client.post("/api/alerts/zero/informants/sms", {"unit_id": unit(VILLAGE).pk, "text": "长" * 301})
    assert too_long.status_code in (400, 422)


def test_sensitive_period_validation_edit_and_cancel(api: Any) -> None:
    today = timezone.localdate()
    county = Unit.objects.get(code="320111000000")
    client = api("county_officer")
    bad = client.post(
        "/api/alerts/zero/periods",
        {
            "unit_id": county.pk,
            "name": "",
            "starts_on": (today + dt.timedelta(days=5)).isoformat(),
            "ends_on": (today + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "ends_on"}
    r = client.post(
        "/api/alerts/zero/periods",
        {
            "unit_id": county.pk,
            "name": "国庆",
            "starts_on": (today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "note": "每日零报告，领导带班",
        },
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    edited = client.put(
        f"/api/alerts/zero/periods/{pid}",
        {"name": "国庆节", "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=7)).isoformat()},
    )
    assert edited.status_code == 200 and edited.json()["is_active"] is True
    # now started: the village sees the banner, and the start can no longer move
    banner = api("village_officer").get("/api/alerts/zero/periods/active").json()
    assert [p["name"] for p in banner] == ["国庆节"]
    moved = client.put(
        f"/api/alerts/zero/periods/{pid}",
        {
            "name": "国庆节",
            "starts_on": (today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert moved.json()["code"] == "period_started"
    assert client.post(f"/api/alerts/zero/periods/{pid}/cancel").json()["is_cancelled"] is True
    assert SensitivePeriod.objects.filter(pk=pid).exists()  # cancelled, not deleted
    assert api("village_officer").get("/api/alerts/zero/periods/active").json() == []


def test_sensitive_period_scope_and_permission(api: Any) -> None:
    today = timezone.localdate()
    body = {"name": "本地活动", "starts_on": today.isoformat(), "ends_on": today.isoformat()}
    other = Unit.objects.get(code="320111004000")
    assert api("township_officer").post("/api/alerts/zero/periods", {**body, "unit_id": other.pk}).status_code == 404
    county = Unit.objects.get(code="320111000000")
    # a township may not set one for the whole county it can not see
    assert api("township_officer").post("/api/alerts/zero/periods", {**body, "unit_id": county.pk}).status_code == 404
    # the village officer has neither alerts.configure nor alerts.warn
    village = unit(VILLAGE)
    assert api("village_officer").post("/api/alerts/zero/periods", {**body, "unit_id": village.pk}).status_code == 403
    ok = api("township_officer").post("/api/alerts/zero/periods", {**body, "unit_id": unit(TOWNSHIP).pk})
    assert ok.status_code == 201
    past = {**body, "starts_on": (today - dt.timedelta(days=1)).isoformat()}
    assert (
        api("township_officer").post("/api/alerts/zero/periods", {**past, "unit_id": unit(TOWNSHIP).pk}).json()["code"]
        == "starts_in_past"
    )
