"""Accounts, grants and the separation of the three administrators (三员分立)."""

from __future__ import annotations

from typing import Any

import pytest

from zongzhi.audit.models import AuditLog
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db


def _new_user(api: Any, unit: Any, username: str = "zhang_san", code: str = "320111003001") -> dict[str, Any]:
    r = api("sysadmin").post(
        "/api/users",
        {
            "username": username,
            "full_name": "张三",
            "phone": "13812345678",
            "unit_id": unit(code).pk,
            "password": "Start#2026pw",
        },
    )
    assert r.status_code == 201, r.json()
    return dict(r.json())


def test_system_admin_opens_an_account_without_roles(api: Any, unit: Any) -> None:
    body = _new_user(api, unit)
    assert body["roles"] == [] and body["view_scope"] == [] and body["must_change_password"] is True
    assert body["phone_masked"] == "138****5678"
    assert "13812345678" not in str(body)


def test_security_admin_grants_roles_and_scopes_within_their_own(api: Any, unit: Any, audit_since: Any) -> None:
    body = _new_user(api, unit)
    village = unit("320111003001")
    grids = list(village.children.order_by("code").values_list("pk", flat=True))
    r = api("secadmin").put(
        f"/api/users/{body['id']}/grants",
        {"role_codes": ["grid_worker"], "view_scope_ids": [village.pk], "capture_scope_ids": grids},
    )
    assert r.status_code == 200, r.json()
    assert [x["code"] for x in r.json()["roles"]] == ["grid_worker"]
    assert {x["level"] for x in r.json()["capture_scope"]} == {"grid"}
    event = audit_since("user.grants_changed")[0]
    assert event.detail["after"]["roles"] == ["grid_worker"] and event.username == "secadmin"


def test_system_admin_cannot_grant_roles(api: Any, unit: Any) -> None:
    body = _new_user(api, unit)
    r = api("sysadmin").put(
        f"/api/users/{body['id']}/grants", {"role_codes": ["leader"], "view_scope_ids": [], "capture_scope_ids": []}
    )
    assert r.status_code == 403 and "授予" in r.json()["message"]


def test_grants_cannot_exceed_the_granters_scope(api: Any, unit: Any) -> None:
    body = _new_user(api, unit)
    r = api("secadmin").put(
        f"/api/users/{body['id']}/grants",
        {"role_codes": ["leader"], "view_scope_ids": [unit("320100").pk], "capture_scope_ids": []},
    )
    assert r.status_code == 403 and r.json()["code"] == "grant_exceeds_own"
    assert User.objects.get(pk=body["id"]).view_scope.count() == 0


def test_capture_scope_must_lie_inside_view_scope(api: Any, unit: Any) -> None:
    body = _new_user(api, unit)
    r = api("secadmin").put(
        f"/api/users/{body['id']}/grants",
        {
            "role_codes": ["village_officer"],
            "view_scope_ids": [unit("320111003001").pk],
            "capture_scope_ids": [unit("320111004001").pk],
        },
    )
    assert r.status_code == 400 and r.json()["code"] == "capture_outside_view"


def test_the_three_administrators_never_meet_in_one_account(api: Any, unit: Any) -> None:
    body = _new_user(api, unit, code="320111")
    r = api("secadmin").put(
        f"/api/users/{body['id']}/grants",
        {"role_codes": ["sec_admin", "auditor"], "view_scope_ids": [], "capture_scope_ids": []},
    )
    assert r.status_code == 400 and r.json()["code"] == "separation_of_duties"
    # nor can one administrator hand out another's powers
    r = api("secadmin").put(
        f"/api/users/{body['id']}/grants", {"role_codes": ["auditor"], "view_scope_ids": [], "capture_scope_ids": []}
    )
    assert r.status_code == 403 and r.json()["code"] == "grant_exceeds_own"
    r = api("secadmin").post(
        "/api/roles", {"code": "super", "name": "全能", "capabilities": ["users.manage", "audit.read"]}
    )
    assert r.status_code == 400 and r.json()["code"] == "separation_of_duties"


def test_nobody_changes_their_own_grants(api: Any) -> None:
    me = User.objects.get(username="secadmin")
    r = api("secadmin").put(
        f"/api/users/{me.pk}/grants", {"role_codes": [], "view_scope_ids": [], "capture_scope_ids": []}
    )
    assert r.status_code == 403 and r.json()["code"] == "grant_self"


def test_system_admin_cannot_read_the_audit_log(api: Any) -> None:
    r = api("sysadmin").get("/api/audit")
    assert r.status_code == 403
    assert api("auditor").get("/api/audit").status_code == 200


def test_revealing_a_phone_is_audited(api: Any) -> None:
    target = User.objects.get(username="village_officer")
    r = api("township_officer").get(f"/api/users/{target.pk}/phone")
    assert r.status_code == 200 and r.json() == {"phone": "13905140002"}
    event = AuditLog.objects.filter(action="pii.unmask", username="township_officer").latest("id")
    assert event.object_id == str(target.pk) and "13905140002" not in str(event.detail)
    # the grid worker may not unmask others
    r = api("grid_worker").get(f"/api/users/{target.pk}/phone")
    assert r.status_code == 403


def test_bad_account_input_is_refused_clearly(api: Any, unit: Any) -> None:
    admin = api("sysadmin")
    base = {"full_name": "李四", "unit_id": unit("320111003").pk, "password": "Start#2026pw"}
    r = admin.post("/api/users", {**base, "username": "a b", "phone": ""})
    assert r.status_code == 400 and r.json()["code"] == "username_invalid"
    r = admin.post("/api/users", {**base, "username": "village_officer", "phone": ""})
    assert r.status_code == 400 and r.json()["code"] == "username_taken"
    r = admin.post("/api/users", {**base, "username": "li_si", "phone": "12345"})
    assert r.status_code == 400 and r.json()["code"] == "phone_invalid"
    r = admin.post("/api/users", {**base, "username": "li_si", "phone": "", "password": "weak"})
    assert r.status_code == 400 and r.json()["code"] == "password_weak"
    r = admin.post("/api/users", {"username": "x"})
    assert r.status_code == 422 and r.json()["errors"]
    assert not User.objects.filter(username="li_si").exists()


def test_every_mistake_of_the_account_form_is_told_at_once(api: Any, unit: Any) -> None:
    body = {"username": "a b", "full_name": " ", "phone": "12345", "unit_id": unit("320111003").pk, "password": "weak"}
    r = api("sysadmin").post("/api/users", body)
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"username", "full_name", "phone", "password"} <= fields
    assert not User.objects.filter(username="a b").exists()


def test_user_list_filters_and_stays_in_scope(api: Any, unit: Any) -> None:
    r = api("township_officer").get("/api/users", {"limit": 100}).json()
    assert {u["username"] for u in r["items"]} == {"township_officer", "village_officer", "grid_worker"}
    r = api("county_officer").get("/api/users", {"role": "sys_admin"}).json()
    assert [u["username"] for u in r["items"]] == ["sysadmin"]
    r = api("county_officer").get("/api/users", {"q": "张"}).json()
    assert [u["full_name"] for u in r["items"]] == ["张伟"]


def test_user_list_query_count_does_not_grow_with_rows(api: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("county_officer")
    client.get("/api/auth/me")  # the first call of a process loads the caller's grants
    counts = []
    for limit in (2, 10):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/users", {"limit": limit})
        assert len(r.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 11, counts
