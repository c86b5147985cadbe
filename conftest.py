"""Test fixtures shared by every app: the demo jurisdiction and one API client per persona.

The demo (南京市浦口区, small size) is built once per test session with the same code that
`manage.py demo` runs; every test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from zongzhi.audit.models import AuditLog
from zongzhi.units.auth import complete_login
from zongzhi.units.demo import DEMO_PASSWORD, build_jurisdiction, build_personas
from zongzhi.units.models import Unit, User

# A fixed key for personal data, on SQLite and PostgreSQL alike (no key file in var/); the
# personas' phones are sealed with it too.
TEST_DATA_KEY = "5a" * 32


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock(), override_settings(DATA_KEY=TEST_DATA_KEY):
        build_jurisdiction("small")
        build_personas()


class Api:
    """A JSON client logged in with a bearer token, as the mobile app and API clients are."""

    def __init__(self, user: User) -> None:
        self.user = user
        request = RequestFactory().post("/api/auth/login", REMOTE_ADDR="127.0.0.1")
        result = complete_login(request, user, client="token")
        assert result.token
        self.token = result.token
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self._headers())

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body) if body is not None else None
        return getattr(self.client, method.lower())(
            path, data=data, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self.send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self.send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.send("put", path, body)

    def delete(self, path: str) -> Any:
        return self.send("delete", path)


@pytest.fixture
def api(db: Any) -> Callable[[str], Api]:
    """`api("county_officer")` → a client logged in as that demo persona; `fresh=True` logs in
    again (a change of the user's roles ends their sessions)."""
    cache: dict[str, Api] = {}

    def make(username: str, fresh: bool = False) -> Api:
        if fresh or username not in cache:
            cache[username] = Api(User.objects.get(username=username))
        return cache[username]

    return make


@pytest.fixture
def officer(db: Any, api: Callable[[str], Api]) -> Callable[..., Api]:
    """`officer("village2_officer", "320111003002")` → a client for a new account at that unit,
    opened by the system administrator and granted by the security administrator (the real
    services), with the unit as view and capture scope and `role`'s capabilities."""
    from zongzhi.units import accounts
    from zongzhi.units.models import Role

    def make(username: str, code: str, role: str = "village_officer") -> Api:
        home = Unit.objects.get(code=code if len(code) >= 12 else code.ljust(12, "0"))
        user = accounts.create_user(
            acting_user=User.objects.get(username="sysadmin"),
            username=username,
            full_name=username,
            phone="",
            unit=home,
            department=None,
            password=DEMO_PASSWORD,
        )
        accounts.set_grants(
            acting_user=User.objects.get(username="secadmin"),
            user=user,
            roles=Role.objects.filter(code=role),
            view_scope=[home],
            capture_scope=[home],
        )
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        return api(username)

    return make


@pytest.fixture
def unit(db: Any) -> Callable[[str], Unit]:
    """`unit("320111003001")` → the unit with that code (short codes are padded to 12)."""

    def get(code: str) -> Unit:
        return Unit.objects.get(code=code if len(code) >= 12 else code.ljust(12, "0"))

    return get


@pytest.fixture
def audit_since(db: Any) -> Iterator[Callable[..., list[AuditLog]]]:
    """Entries written after the fixture was created, optionally filtered by action."""
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def entries(action: str | None = None, **filters: Any) -> list[AuditLog]:
        qs = AuditLog.objects.filter(id__gt=last, **filters).order_by("id")
        if action:
            qs = qs.filter(action=action)
        return list(qs)

    yield entries


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    """Production settings redirect to HTTPS; the test client speaks plain HTTP."""
    settings.SECURE_SSL_REDIRECT = False
    # Each test starts with empty process caches: ids are reused after a test's rollback.
    from zongzhi.core.cache import clear_all

    clear_all()
    # A fixed key for personal data, on SQLite and PostgreSQL alike (no key file in var/).
    settings.DATA_KEY = TEST_DATA_KEY
    # And for the audit chain (audit/chain.py).
    settings.AUDIT_KEY = "6b" * 32
