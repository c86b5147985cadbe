"""REST endpoints of logging in and the caller's account, of login sessions, and the public
system config. Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Router, Status
from ninja.pagination import paginate

from zongzhi import __version__
from zongzhi.audit.services import record_event
from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import NotFound
from zongzhi.core.pagination import LimitOffset
from zongzhi.core.scope import subtree_q

from . import accounts, auth
from .models import LoginSession, User
from .schemas import (
    LoginIn,
    LoginOut,
    MeOut,
    OtpChallengeIn,
    OtpCodeIn,
    OtpSetupOut,
    OtpStatusOut,
    OtpVerifyIn,
    PageDeniedIn,
    PasswordChangeIn,
    SessionOut,
    SystemConfigOut,
)

# --- to-do providers: later apps register a function counting a user's to-do items ----------
TODO_PROVIDERS: list[Any] = []
# --- flags of the caller's account that later apps add to /me (name → function of the user),
# e.g. the field app's `agreement_required` (the confidentiality agreement not yet signed)
ME_FLAGS: dict[str, Any] = {}


def me_payload(user: User) -> dict[str, Any]:
    user = (
        User.objects.select_related("unit", "department")
        .prefetch_related("roles", "view_scope", "capture_scope")
        .get(pk=user.pk)
    )
    return {
        "user": user,
        "capabilities": sorted(user.capabilities),
        "password_change_required": user.must_change_password or user.password_expired(),
        "otp_required": user.admin_kind is not None,
        "admin_kind": user.admin_kind,
        "todo_count": sum(int(p(user)) for p in TODO_PROVIDERS),
        # the login before this one (`last_login` is this one): what the home page shows
        "previous_login": LoginSession.objects.filter(user=user)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[1:2]
        .first(),
        **{name: bool(flag(user)) for name, flag in ME_FLAGS.items()},
    }


def _login_out(result: auth.LoginResult) -> dict[str, Any]:
    out: dict[str, Any] = {"status": result.status, "challenge": result.challenge, "token": result.token}
    out["me"] = me_payload(result.user) if result.status == "ok" else None
    return out


def _otp_setup_out(device: TOTPDevice, user: User) -> dict[str, Any]:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    uri = device.config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": svg}


# === auth ===================================================================================
auth_router = Router(tags=["登录与账号"])


@auth_router.get("/csrf", auth=None, response={204: None})
def csrf(request: HttpRequest) -> Status[None]:
    """Sets the CSRF cookie the console sends back on every change."""
    get_token(request)
    return Status(204, None)


@auth_router.post("/login", auth=None, response=LoginOut)
def login(request: HttpRequest, payload: LoginIn) -> dict[str, Any]:
    result = auth.login_with_password(
        request,
        username=payload.username.strip(),
        password=payload.password,
        client=payload.client,
        device_id=payload.device_id,
    )
    return _login_out(result)


@auth_router.post("/otp/verify", auth=None, response=LoginOut)
def otp_verify(request: HttpRequest, payload: OtpVerifyIn) -> dict[str, Any]:
    return _login_out(
        auth.verify_otp(
            request, challenge=payload.challenge, code=payload.code, client=payload.client, device_id=payload.device_id
        )
    )


@auth_router.post("/otp/setup", auth=None, response=OtpSetupOut)
def otp_setup(request: HttpRequest, payload: OtpChallengeIn) -> dict[str, Any]:
    device = auth.setup_otp_for_challenge(payload.challenge)
    return _otp_setup_out(device, device.user)


@auth_router.post("/otp/confirm", auth=None, response=LoginOut)
def otp_confirm(request: HttpRequest, payload: OtpVerifyIn) -> dict[str, Any]:
    return _login_out(
        auth.confirm_otp_for_challenge(
            request, challenge=payload.challenge, code=payload.code, client=payload.client, device_id=payload.device_id
        )
    )


@auth_router.get("/me", auth=auth.pending_auth, response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    return me_payload(acting(request))


@auth_router.post("/logout", auth=auth.pending_auth, response={204: None})
def logout(request: HttpRequest) -> Status[None]:
    auth.logout(request)
    return Status(204, None)


@auth_router.post("/password", auth=auth.pending_auth, response=MeOut)
def change_password(request: HttpRequest, payload: PasswordChangeIn) -> dict[str, Any]:
    user = accounts.change_own_password(
        acting_user=acting(request), old_password=payload.old_password, new_password=payload.new_password
    )
    return me_payload(user)


@auth_router.get("/otp/devices", auth=auth.pending_auth, response=OtpStatusOut)
def otp_status(request: HttpRequest) -> dict[str, bool]:
    return {"enabled": auth.has_totp(acting(request))}


@auth_router.post("/otp/devices", auth=auth.pending_auth, response=OtpSetupOut)
def otp_start(request: HttpRequest) -> dict[str, Any]:
    user = acting(request)
    return _otp_setup_out(auth.start_totp_setup(user), user)


@auth_router.post("/otp/devices/confirm", auth=auth.pending_auth, response=OtpStatusOut)
def otp_device_confirm(request: HttpRequest, payload: OtpCodeIn) -> dict[str, bool]:
    auth.confirm_totp(acting(request), payload.code)
    return {"enabled": True}


@auth_router.delete("/otp/devices", auth=auth.pending_auth, response={204: None})
def otp_disable(request: HttpRequest) -> Status[None]:
    auth.disable_totp(acting(request))
    return Status(204, None)


# === units ==================================================================================


@auth_router.post("/denied", response={204: None})
def page_denied(request: HttpRequest, payload: PageDeniedIn) -> Status[None]:
    """The console refused to open a page the user's roles do not allow (its router checks the
    capabilities before any data is asked for): written to the audit log as a refused attempt,
    like the server's own refusals, so the auditor sees who tried to open what."""
    record_event("permission.denied", detail={"page": payload.path})
    return Status(204, None)


sessions_router = Router(tags=["在线会话"])


@sessions_router.get("", response=list[SessionOut])
@paginate(LimitOffset)
def list_sessions(request: HttpRequest, user: int | None = None) -> QuerySet[LoginSession]:
    actor = acting(request)
    require_cap(actor, "sessions.manage")
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    qs = (
        LoginSession.objects.select_related("user")
        .filter(
            ended_at__isnull=True,
            expires_at__gt=now,
            last_seen_at__gt=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS),
        )
        .filter(subtree_q(actor.capture_paths, "user__unit__path"))
    )
    if user is not None:
        qs = qs.filter(user_id=user)
    return qs.order_by("-last_seen_at")


@sessions_router.post("/{session_id}/end", response={204: None})
def end_session(request: HttpRequest, session_id: int) -> Status[None]:
    ls = LoginSession.objects.select_related("user__unit").filter(pk=session_id).first()
    if ls is None:
        raise NotFound("会话不存在")
    accounts.end_session(acting_user=acting(request), login_session=ls)
    return Status(204, None)


# === system =================================================================================
system_router = Router(tags=["系统"])


@system_router.get("/config", auth=None, response=SystemConfigOut)
def system_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "version": __version__,
        "mass_incident_threshold": settings.CASES_MASS_INCIDENT_THRESHOLD,
    }
