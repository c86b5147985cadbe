"""A user's sessions end when their roles change, so new powers (an administrator's above all,
which needs the second factor) start with a new login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zongzhi.units.models import Role, User

pytestmark = pytest.mark.django_db

ENDED = "登录状态已失效：您的权限已变更，请重新登录"


def _console(username: str, password: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/api/auth/csrf")
    r = client.post(
        "/api/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert r.json()["status"] == "ok"
    return client


def _grants(api: Any, user: User, roles: list[str], view: list[int] | None = None) -> Any:
    current = api("secadmin").get(f"/api/users/{user.pk}").json()
    body = {
        "role_codes": roles,
        "view_scope_ids": view if view is not None else [u["id"] for u in current["view_scope"]],
        "capture_scope_ids": [u["id"] for u in current["capture_scope"]],
    }
    return api("secadmin").put(f"/api/users/{user.pk}/grants", body)


def test_granting_an_administrator_role_ends_earlier_sessions_and_the_next_login_asks_for_totp(
    api: Any, password: str, audit_since: Any
) -> None:
    leader = User.objects.get(username="leader")
    console = _console("leader", password)
    phone = api("leader")
    assert console.get("/api/units/roots").status_code == 200 and phone.get("/api/auth/me").status_code == 200

    r = _grants(api, leader, ["leader", "sec_admin"])
    assert r.status_code == 200, r.json()

    for answer in (console.get("/api/units/roots"), phone.get("/api/auth/me")):
        assert answer.status_code == 401
        assert answer.json() == {"code": "session_ended", "message": ENDED}
    ended = audit_since("auth.session_ended")
    assert len(ended) == 2 and {e.detail["reason"] for e in ended} == {"grants_changed"}
    assert {e.username for e in ended} == {"secadmin"} and {e.object_id for e in ended} == {str(leader.pk)}
    # the new powers come with a new login, and that login asks for the second factor
    r = Client().post(
        "/api/auth/login", {"username": "leader", "password": password, "client": "token"}, "application/json"
    )
    assert r.json()["status"] == "otp_setup_required"


def test_changing_only_the_scope_keeps_the_session(api: Any, unit: Any) -> None:
    leader = User.objects.get(username="leader")
    phone = api("leader")
    r = _grants(api, leader, ["leader"], view=[unit("320111003").pk])
    assert r.status_code == 200, r.json()
    assert phone.get("/api/auth/me").status_code == 200


def test_a_refused_grant_ends_nothing(api: Any) -> None:
    leader = User.objects.get(username="leader")
    phone = api("leader")
    r = _grants(api, leader, ["leader", "sec_admin", "auditor"])  # two administrator kinds
    assert r.status_code == 400 and r.json()["code"] == "separation_of_duties"
    assert phone.get("/api/auth/me").status_code == 200


def test_a_role_gaining_a_capability_ends_its_holders_sessions_but_losing_one_does_not(api: Any) -> None:
    role = Role.objects.get(code="leader")
    phone = api("leader")
    assert "pii.unmask" in role.capabilities
    fewer = [c for c in role.capabilities if c != "pii.unmask"]
    r = api("secadmin").patch(f"/api/roles/{role.pk}", {"capabilities": fewer})
    assert r.status_code == 200, r.json()
    assert phone.get("/api/auth/me").status_code == 200
    r = api("secadmin").patch(f"/api/roles/{role.pk}", {"capabilities": [*fewer, "pii.unmask"]})
    assert r.status_code == 200, r.json()
    answer = phone.get("/api/auth/me")
    assert answer.status_code == 401 and answer.json()["message"] == ENDED


def test_a_session_ended_by_an_administrator_says_so(api: Any, password: str) -> None:
    console = _console("county_officer", password)
    sessions = api("sysadmin").get("/api/sessions", {"limit": 100}).json()["items"]
    mine = next(s for s in sessions if s["user"]["username"] == "county_officer" and s["kind"] == "session")
    assert api("sysadmin").post(f"/api/sessions/{mine['id']}/end").status_code == 204
    answer = console.get("/api/units/roots")
    assert answer.status_code == 401 and answer.json()["code"] == "session_ended"
    assert "管理员已结束您的会话" in answer.json()["message"]
