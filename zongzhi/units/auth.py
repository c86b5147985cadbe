"""Logging in and out, second factor, sessions and tokens.

Console clients log in with a session cookie (CSRF-protected); API and mobile clients get a
bearer token. Both are backed by a LoginSession row, which is where the idle timeout, the
absolute lifetime and "end this session" are enforced. Password checks go through Django's
`authenticate`, so django-axes counts failures and locks the account after five.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.db import connection, models, transaction
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from zongzhi.audit.services import record_event
from zongzhi.core.context import bind_user
from zongzhi.core.errors import DomainError, Forbidden, InvalidInput

from . import grants
from .models import LoginSession, User

CHALLENGE_SALT = "zongzhi.auth.challenge"
CHALLENGE_MAX_AGE = 300
MAX_OTP_TRIES = 5
SESSION_ID_KEY = "zz_login_session"


class AccountLocked(DomainError):
    status = 403
    code = "account_locked"
    message = "连续登录失败次数过多，账号已锁定30分钟，请稍后再试或联系系统管理员解锁"


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"
    message = "页面已过期，请刷新后重试"


def require_csrf_for_session(request: HttpRequest, client: str) -> None:
    """Console logins set a session cookie, so they are CSRF-checked like every change."""
    if client == "session" and check_csrf(request) is not None:
        raise CsrfFailed()


# Apps that keep something per login, or hold a user back until they have done something, plug
# in here (units imports no app; see field/apps.py):
# - LOGIN_HOOKS: called with (request, user, client, device_id) before the session opens; may
#   refuse the login with a DomainError (a phone reported lost);
# - LOGGED_IN_HOOKS: called with (request, user, login session) once it is open (the day's duty login);
# - REQUEST_GATES: called with the user on every authenticated request, and `pending` True on
#   the endpoints a held-back user may still call (/me, logout, password, the gate's own): raises
#   a DomainError (403 with its own code) when the request must wait, as PasswordChangeRequired.
LOGIN_HOOKS: list[Callable[[HttpRequest, User, str, str], None]] = []
LOGGED_IN_HOOKS: list[Callable[[HttpRequest, User, LoginSession], None]] = []
REQUEST_GATES: list[Callable[[User, bool], None]] = []


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"
    message = "请先修改密码"


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """django-axes' lockout response, in the API's error shape."""
    return JsonResponse(AccountLocked().payload(), status=403)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- audit receivers -------------------------------------------------------------------------
@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    record_event(
        "auth.login_failed",
        obj=user,
        username=username,
        user_id=user.pk if user else None,
        detail={"reason": "locked" if locked else "bad_credentials"},
    )


def _on_locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw: Any
) -> None:
    user = User.objects.filter(username=username or "").first()
    record_event(
        "auth.locked",
        obj=user,
        username=username or "",
        user_id=user.pk if user else None,
        detail={"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), "ip": ip_address},
    )


from axes.signals import user_locked_out  # noqa: E402  (after the receivers it connects to)

user_locked_out.connect(_on_locked_out, dispatch_uid="zongzhi_locked_out")


# --- login steps -----------------------------------------------------------------------------
@dataclass
class LoginResult:
    status: str  # "ok" | "otp_required" | "otp_setup_required"
    user: User
    challenge: str | None = None
    token: str | None = None


def has_totp(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def _make_challenge(user: User, stage: str) -> str:
    return signing.dumps({"uid": user.pk, "stage": stage, "n": secrets.token_hex(8)}, salt=CHALLENGE_SALT)


def _read_challenge(challenge: str, stage: str) -> tuple[User, str]:
    try:
        data = signing.loads(challenge, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidInput("登录已超时，请重新输入用户名和密码", code="challenge_expired") from exc
    if data.get("stage") != stage:
        raise InvalidInput("登录步骤不正确，请重新登录", code="challenge_invalid")
    user = User.objects.filter(pk=data.get("uid"), is_active=True).first()
    if user is None:
        raise InvalidInput("账号不可用", code="challenge_invalid")
    return user, str(data.get("n"))


def login_with_password(
    request: HttpRequest, *, username: str, password: str, client: str, device_id: str = ""
) -> LoginResult:
    """Step 1: check the password (axes counts failures). May ask for a second factor."""
    require_csrf_for_session(request, client)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise AccountLocked()
    if user is None or not isinstance(user, User):
        raise InvalidInput("用户名或密码错误", code="bad_credentials")
    if has_totp(user):
        return LoginResult("otp_required", user, challenge=_make_challenge(user, "otp"))
    if user.admin_kind is not None:
        # The three administrators must have a second factor: bind one before going on.
        return LoginResult("otp_setup_required", user, challenge=_make_challenge(user, "setup"))
    return complete_login(request, user, client=client, device_id=device_id)


def _count_otp_try(nonce: str) -> None:
    key = f"zz:otp-tries:{nonce}"
    tries = cache.get(key, 0) + 1
    cache.set(key, tries, CHALLENGE_MAX_AGE)
    if tries > MAX_OTP_TRIES:
        raise InvalidInput("动态口令错误次数过多，请重新登录", code="challenge_expired")


def verify_otp(request: HttpRequest, *, challenge: str, code: str, client: str, device_id: str = "") -> LoginResult:
    """Step 2: check the TOTP code of a user who has a device."""
    require_csrf_for_session(request, client)
    user, nonce = _read_challenge(challenge, "otp")
    _count_otp_try(nonce)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    _check_throttle(device)
    if device is None or not device.verify_token(code.strip()):
        record_event("auth.otp_failed", obj=user, username=user.username, user_id=user.pk)
        raise InvalidInput("动态口令不正确", code="otp_invalid")
    return complete_login(request, user, client=client, device_id=device_id)


def _check_throttle(device: TOTPDevice | None) -> None:
    """django-otp slows down guessing: after a wrong code the device waits 1, 2, 4 … seconds."""
    if device is None:
        return
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise InvalidInput("动态口令错误次数过多，请稍等片刻再试", code="otp_throttled")


def start_totp_setup(user: User) -> TOTPDevice:
    """Create (or reuse) an unconfirmed TOTP device for the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
    return device


def setup_otp_for_challenge(challenge: str) -> TOTPDevice:
    user, _ = _read_challenge(challenge, "setup")
    return start_totp_setup(user)


def confirm_totp(user: User, code: str) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise InvalidInput("请先获取动态口令二维码", code="otp_not_started")
    _check_throttle(device)
    if not device.verify_token(code.strip()):
        raise InvalidInput("动态口令不正确，请核对手机上的6位数字", code="otp_invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        record_event("auth.otp_enabled", obj=user, username=user.username, user_id=user.pk)


def confirm_otp_for_challenge(
    request: HttpRequest, *, challenge: str, code: str, client: str, device_id: str = ""
) -> LoginResult:
    require_csrf_for_session(request, client)
    user, nonce = _read_challenge(challenge, "setup")
    _count_otp_try(nonce)
    confirm_totp(user, code)
    return complete_login(request, user, client=client, device_id=device_id)


def disable_totp(user: User) -> None:
    if user.admin_kind is not None:
        raise Forbidden("管理员账号必须启用动态口令", code="otp_required_for_admin")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event("auth.otp_disabled", obj=user)


def complete_login(request: HttpRequest, user: User, *, client: str, device_id: str = "") -> LoginResult:
    """Open a session (cookie) or issue a token, and record the login (`device_id`: the phone
    app's own id, kept on the session so a phone reported lost ends its sessions)."""
    device_id = device_id.strip()[:64]
    for hook in LOGIN_HOOKS:
        hook(request, user, client, device_id)
    now = timezone.now()
    expires = now + timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    meta = {
        "ip": _client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "created_at": now,
        "last_seen_at": now,
        "expires_at": expires,
        "device_id": device_id,
    }
    token: str | None = None
    if client == "session":
        django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        session_key = request.session.session_key or ""
        login_session = LoginSession.objects.create(
            user=user, kind=LoginSession.Kind.SESSION, key_hash=_hash(session_key), session_key=session_key, **meta
        )
        request.session[SESSION_ID_KEY] = login_session.pk
    else:
        token = secrets.token_urlsafe(32)
        login_session = LoginSession.objects.create(
            user=user, kind=LoginSession.Kind.TOKEN, key_hash=_hash(token), **meta
        )
        user_logged_in.send(sender=user.__class__, request=request, user=user)
    bind_user(user)
    record_event("auth.login", obj=user, detail={"client": client, "session": login_session.pk})
    for after in LOGGED_IN_HOOKS:
        after(request, user, login_session)
    return LoginResult("ok", user, token=token)


# What the user reads at the next request after a session was ended for them, by ended_reason.
SESSION_END_MESSAGES = {
    "grants_changed": "登录状态已失效：您的权限已变更，请重新登录",
    "ended_by_admin": "登录状态已失效：管理员已结束您的会话，请重新登录",
    "deactivated": "登录状态已失效：账号已停用",
    "terminal_lost": "登录状态已失效：该手机终端已挂失，请联系本单位终端管理人员",
}
SESSION_END_ATTR = "zz_session_end_reason"


def session_end_message(request: HttpRequest) -> str | None:
    """The Chinese reason a request's session was ended for its user, if it was (see the auths)."""
    return SESSION_END_MESSAGES.get(getattr(request, SESSION_END_ATTR, ""))


def _note_ended(request: HttpRequest, login_session: LoginSession | None) -> None:
    if login_session is not None and login_session.ended_at is not None:
        setattr(request, SESSION_END_ATTR, login_session.ended_reason)


def end_login_session(login_session: LoginSession, reason: str) -> None:
    """End a session or token; a cookie session is also removed from the session store."""
    if login_session.ended_at is not None:
        return
    LoginSession.objects.filter(pk=login_session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_reason=reason
    )
    if login_session.session_key:
        from importlib import import_module

        from django.contrib.sessions.backends.base import SessionBase

        engine = import_module(settings.SESSION_ENGINE)
        store: SessionBase = engine.SessionStore(session_key=login_session.session_key)
        store.delete()


def logout(request: HttpRequest) -> None:
    user = getattr(request, "auth", None) or request.user
    login_session = getattr(request, "login_session", None)
    if login_session is not None:
        end_login_session(login_session, "logout")
    if isinstance(user, User):
        record_event("auth.logout", obj=user)
    django_logout(request)


def _check_live(request: HttpRequest, login_session: LoginSession | None) -> LoginSession | None:
    """Return the session if it is live; end it (and audit why) if it has lapsed."""
    if login_session is None:
        return None
    now = timezone.now()
    if login_session.is_live(now):
        if (now - login_session.last_seen_at).total_seconds() > 60:
            LoginSession.objects.filter(pk=login_session.pk).update(last_seen_at=now)
        return login_session
    if login_session.ended_at is None:
        reason = "absolute" if now >= login_session.expires_at else "idle"
        end_login_session(login_session, reason)
        record_event(
            "auth.session_expired",
            obj=login_session.user,
            username=login_session.user.username,
            user_id=login_session.user_id,
            detail={"reason": reason, "kind": login_session.kind},
        )
    return None


def session_login_session(request: HttpRequest) -> LoginSession | None:
    """The live LoginSession behind this request's cookie session, if any."""
    ls_id = request.session.get(SESSION_ID_KEY)
    if ls_id is None:
        return None
    ls = LoginSession.objects.select_related("user").filter(pk=ls_id).first()
    _note_ended(request, ls)
    return _check_live(request, ls)


def _gate(request: HttpRequest, user: User, *, allow_pending: bool) -> User:
    grants.prime(user)
    bind_user(user)
    if not allow_pending and (user.must_change_password or user.password_expired()):
        raise PasswordChangeRequired()
    for gate in REQUEST_GATES:
        gate(user, allow_pending)
    return user


class ConsoleSessionAuth(SessionAuth):
    """Session cookie + CSRF, checked against the LoginSession (idle and absolute limits)."""

    def __init__(self, *, allow_pending: bool = False) -> None:
        super().__init__(csrf=True)
        self.allow_pending = allow_pending

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User) or not user.is_active:
            if key:
                # The session store forgot an ended session: its LoginSession says why.
                _note_ended(
                    request, LoginSession.objects.filter(key_hash=_hash(key)).only("ended_at", "ended_reason").first()
                )
            return None
        login_session = session_login_session(request)
        if login_session is None:
            django_logout(request)
            return None
        request.login_session = login_session  # type: ignore[attr-defined]
        return _gate(request, user, allow_pending=self.allow_pending)


class TokenAuth(HttpBearer):
    """Bearer tokens for API and mobile clients."""

    def __init__(self, *, allow_pending: bool = False) -> None:
        super().__init__()
        self.allow_pending = allow_pending

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # One plain query on every API call: the session and its user's stamp; the user comes
        # from the per-process cache while the stamp is unchanged.
        with connection.cursor() as cursor:
            cursor.execute(_TOKEN_SQL, [_hash(token)])
            row = cursor.fetchone()
        if row is None:
            return None
        found = LoginSession.from_db(connection.alias, _SESSION_COLUMNS, _session_values(row))
        user = grants.cached_user(found.user_id, row[-1])
        if user is None:
            return None
        found.user = user
        _note_ended(request, found)
        ls = _check_live(request, found)
        if ls is None or not user.is_active:
            return None
        request.login_session = ls  # type: ignore[attr-defined]
        request.user = user
        return _gate(request, user, allow_pending=self.allow_pending)


_SESSION_COLUMNS = [f.attname for f in LoginSession._meta.concrete_fields]
_SESSION_TIMES = [i for i, f in enumerate(LoginSession._meta.concrete_fields) if isinstance(f, models.DateTimeField)]


def _session_values(row: tuple[Any, ...]) -> list[Any]:
    """The session's columns of a token query row. SQLite gives its times without a zone (the
    ORM's converters would add UTC, as it stores them)."""
    values = list(row[:-1])
    if connection.vendor == "sqlite":
        for i in _SESSION_TIMES:
            if values[i] is not None and timezone.is_naive(values[i]):
                values[i] = values[i].replace(tzinfo=dt.UTC)
    return values


_TOKEN_SQL = (
    f"SELECT {', '.join('s.' + f.column for f in LoginSession._meta.concrete_fields)}, u.grants_stamp "
    f"FROM {LoginSession._meta.db_table} s JOIN {User._meta.db_table} u ON u.id = s.user_id "
    "WHERE s.key_hash = %s AND s.kind = 'token'"
)


api_auth = [TokenAuth(), ConsoleSessionAuth()]
# For the endpoints a user with a pending password change may still call.
pending_auth = [TokenAuth(allow_pending=True), ConsoleSessionAuth(allow_pending=True)]
