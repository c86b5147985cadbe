"""Who is acting and what they may do: the acting user of an API request and the capability
check every service makes. Scope (where they may do it) is in scope.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from .capabilities import CAPABILITIES
from .errors import AuditNote, Forbidden

if TYPE_CHECKING:  # the user model is the units app's; core only names it for the type checker
    from zongzhi.units.models import User


def acting(request: HttpRequest) -> User:
    """The user the API authenticated for this request (every router requires a login)."""
    user = request.auth  # type: ignore[attr-defined]
    assert user is not None and user.is_authenticated
    return user


def require_cap(user: User, code: str, message: str = "", obj: Any = None) -> None:
    """Refuse (403, audited, naming `obj` if given) an action the user's roles do not allow;
    `message` says what they tried, in place of the capability's name.

    Scope and permission together: `Model.objects.restrict(user, code)` for lists and
    `get_visible(queryset, user, pk, capability=code)` for one record (core/scope.py)."""
    if not user.has_cap(code):
        raise Forbidden(
            message or f"没有“{CAPABILITIES[code].label}”的权限",
            audit=AuditNote("permission.denied", obj, {"capability": code}),
        )
