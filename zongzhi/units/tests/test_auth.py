"""Logging in: console sessions with CSRF, tokens, lockout, password policy, TOTP, sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zongzhi.audit.models import AuditLog
from zongzhi.units.models import LoginSession, User

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(path, body, content_type="application/json", headers={"X-CSRFToken": token})


def _console() -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/auth/csrf").status_code == 204
    return client


def _login_token(username: str, password: str) -> Any:
    return Client().post(
        "/api/auth/login",
        {"username": username, "password": password, "client": "token"},
        content_type="application/json",
    )


def _forget_failures(user: User) -> None:
    """django-otp throttles after a wrong code; a person would wait a moment, the test resets."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None, last_t=-1
    )


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(device.digits)


def test_console_login_uses_a_session_cookie_and_csrf(password: str) -> None:
    client = _console()
    r = client.post(
        "/api/auth/login", {"username": "county_officer", "password": password}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    r = _post(client, "/api/auth/login", {"username": "county_officer", "password": password})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["token"] is None
    assert body["me"]["user"]["username"] == "county_officer"
    assert body["me"]["user"]["phone_masked"] == "139****0005"
    assert client.get("/api/units/roots").json()[0]["name"] == "浦口区"
    # a change without the (rotated) CSRF token is refused
    r = client.post("/api/auth/logout", content_type="application/json", headers={"X-CSRFToken": "stale"})
    assert r.status_code == 403
    assert _post(client, "/api/auth/logout", {}).status_code == 204
    assert client.get("/api/units/roots").status_code == 401
    assert AuditLog.objects.filter(action="auth.logout", username="county_officer").exists()


def test_wrong_password_is_refused_and_audited(password: str) -> None:
    r = _login_token("county_officer", "wrong-password")
    assert r.status_code == 400 and r.json() == {"code": "bad_credentials", "message": "用户名或密码错误"}
    assert AuditLog.objects.filter(action="auth.login_failed", username="county_officer").count() == 1


def test_five_bad_logins_lock_the_account_for_thirty_minutes(api: Any, password: str) -> None:
    for _ in range(5):
        _login_token("village_officer", "Wrong#pass1")
    r = _login_token("village_officer", password)
    assert r.status_code == 403 and r.json()["code"] == "account_locked"
    assert "30分钟" in r.json()["message"]
    assert AuditLog.objects.filter(action="auth.login_failed", username="village_officer").count() == 6
    assert AuditLog.objects.filter(action="auth.locked", username="village_officer").exists()
    target = User.objects.get(username="village_officer")
    listed = api("sysadmin").get(f"/api/users/{target.pk}").json()
    assert listed["is_locked"] is True
    # the system administrator unlocks; the right password works again
    assert api("sysadmin").post(f"/api/users/{target.pk}/unlock").status_code == 200
    assert _login_token("village_officer", password).json()["status"] == "ok"
    assert AuditLog.objects.filter(action="user.unlocked", object_id=str(target.pk)).exists()


def test_passwords_are_hashed_with_argon2() -> None:
    assert User.objects.get(username="leader").password.startswith("argon2")


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ("Ab1!", "太短"),
        ("abcdefgh12", "三类"),
        ("Leader@2026x", "用户名"),
        ("Password1!", "常见"),
    ],
)
def test_password_policy(api: Any, password: str, new: str, fragment: str) -> None:
    r = api("leader").post("/api/auth/password", {"old_password": password, "new_password": new})
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "password_weak"
    assert fragment in r.json()["message"]


def test_new_account_must_change_password_at_first_login(api: Any, unit: Any) -> None:
    r = api("sysadmin").post(
        "/api/users",
        {
            "username": "new_officer",
            "full_name": "孙芳",
            "phone": "13800001111",
            "unit_id": unit("320111003").pk,
            "password": "Start#2026pw",
        },
    )
    assert r.status_code == 201, r.json()
    login = _login_token("new_officer", "Start#2026pw").json()
    assert login["status"] == "ok" and login["me"]["password_change_required"] is True
    headers = {"Authorization": f"Bearer {login['token']}"}
    client = Client()
    r = client.get("/api/units/roots", headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
    r = client.post(
        "/api/auth/password",
        {"old_password": "Start#2026pw", "new_password": "Better#2026pw"},
        content_type="application/json",
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["password_change_required"] is False
    assert client.get("/api/auth/me", headers=headers).status_code == 200


def test_administrators_change_password_every_90_days(api: Any) -> None:
    User.objects.filter(username="auditor").update(password_changed_at=timezone.now() - timedelta(days=91))
    r = api("auditor").get("/api/audit")
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
    User.objects.filter(username="leader").update(password_changed_at=timezone.now() - timedelta(days=400))
    assert api("leader").get("/api/units/roots").status_code == 200  # business users: no 90-day rule


def test_administrator_must_bind_totp_then_use_it(password: str) -> None:
    first = _login_token("sysadmin", password).json()
    assert first["status"] == "otp_setup_required" and first["token"] is None and first["me"] is None
    client = Client()
    setup = client.post(
        "/api/auth/otp/setup", {"challenge": first["challenge"]}, content_type="application/json"
    ).json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/") and "<svg" in setup["qr_svg"]
    user = User.objects.get(username="sysadmin")
    r = client.post(
        "/api/auth/otp/confirm",
        {"challenge": first["challenge"], "code": "000000", "client": "token"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "otp_invalid"
    r = client.post(
        "/api/auth/otp/confirm",
        {"challenge": first["challenge"], "code": _code(user), "client": "token"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "otp_throttled"
    _forget_failures(user)
    r = client.post(
        "/api/auth/otp/confirm",
        {"challenge": first["challenge"], "code": _code(user), "client": "token"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["token"]
    # from now on the password alone is not enough
    second = _login_token("sysadmin", password).json()
    assert second["status"] == "otp_required" and second["token"] is None
    r = client.post(
        "/api/auth/otp/verify",
        {"challenge": second["challenge"], "code": "123456", "client": "token"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "otp_invalid"
    assert AuditLog.objects.filter(action="auth.otp_failed", username="sysadmin").exists()
    _forget_failures(user)
    r = client.post(
        "/api/auth/otp/verify",
        {"challenge": second["challenge"], "code": _code(user), "client": "token"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_a_forged_or_expired_challenge_is_refused() -> None:
    r = Client().post(
        "/api/auth/otp/verify", {"challenge": "forged", "code": "123456"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "challenge_expired"


def test_any_user_may_enable_totp_and_admins_may_not_disable_it(api: Any, password: str) -> None:
    client = api("leader")
    setup = client.post("/api/auth/otp/devices").json()
    assert setup["secret"]
    user = User.objects.get(username="leader")
    assert client.post("/api/auth/otp/devices/confirm", {"code": _code(user)}).json() == {"enabled": True}
    assert _login_token("leader", password).json()["status"] == "otp_required"
    assert client.delete("/api/auth/otp/devices").status_code == 204
    assert _login_token("leader", password).json()["status"] == "ok"
    r = api("auditor").delete("/api/auth/otp/devices")
    assert r.status_code == 403 and r.json()["code"] == "otp_required_for_admin"


def test_idle_session_times_out_after_thirty_minutes(api: Any) -> None:
    client = api("township_officer")
    assert client.get("/api/auth/me").status_code == 200
    LoginSession.objects.filter(user__username="township_officer").update(
        last_seen_at=timezone.now() - timedelta(minutes=31)
    )
    r = client.get("/api/auth/me")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    assert AuditLog.objects.filter(action="auth.session_expired", username="township_officer").exists()


def test_session_has_an_absolute_lifetime(api: Any) -> None:
    client = api("township_officer")
    LoginSession.objects.filter(user__username="township_officer").update(expires_at=timezone.now())
    assert client.get("/api/auth/me").status_code == 401


def test_admin_sees_and_ends_active_sessions(api: Any, password: str) -> None:
    console = _console()
    assert _post(console, "/api/auth/login", {"username": "county_officer", "password": password}).status_code == 200
    admin = api("sysadmin")
    sessions = admin.get("/api/sessions", {"limit": 100}).json()["items"]
    mine = [s for s in sessions if s["user"]["username"] == "county_officer" and s["kind"] == "session"]
    assert len(mine) == 1 and mine[0]["ip"] == "127.0.0.1"
    assert admin.post(f"/api/sessions/{mine[0]['id']}/end").status_code == 204
    assert console.get("/api/units/roots").status_code == 401
    assert AuditLog.objects.filter(action="auth.session_ended", username="sysadmin").exists()
    assert api("county_officer").get("/api/sessions").status_code == 403


def test_deactivated_account_cannot_log_in_and_its_sessions_end(api: Any, password: str) -> None:
    victim = api("leader")
    target = User.objects.get(username="leader")
    assert api("sysadmin").post(f"/api/users/{target.pk}/deactivate").json()["is_active"] is False
    assert victim.get("/api/auth/me").status_code == 401
    assert _login_token("leader", password).status_code == 400


def test_no_superuser_in_production_settings() -> None:
    with pytest.raises(RuntimeError):
        User.objects.create_superuser("root", password="Whatever#2026")
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_page_the_console_refuses_is_written_to_the_audit_log(api: Any, audit_since: Any) -> None:
    """The system administrator opens the audit page: the console shows 无权访问 and tells the
    server, which writes the refused attempt for the auditor."""
    r = api("sysadmin").post("/api/auth/denied", {"path": "/audit"})
    assert r.status_code == 204
    [entry] = audit_since("permission.denied")
    assert entry.username == "sysadmin" and entry.detail == {"page": "/audit"}
    r = api("sysadmin").post("/api/auth/denied", {"path": "x" * 301})
    assert r.status_code in (400, 422) and r.json()["code"]
