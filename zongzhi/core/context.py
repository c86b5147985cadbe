"""Who is acting, carried in a ContextVar.

The request middleware and the API authentication set it for web requests; background tasks
set it from the user that queued them. The audit log reads it, so work done anywhere is
attributed to a person and a request.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    unit_path: str = ""
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


_actor: ContextVar[Actor] = ContextVar("zongzhi_actor", default=Actor())  # noqa: B039  (frozen dataclass)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> Token[Actor]:
    return _actor.set(actor)


def reset_actor(token: Token[Actor]) -> None:
    _actor.reset(token)


def bind_user(user: Any) -> None:
    """Attach an authenticated user to the current context (keeps ip and request id)."""
    unit = getattr(user, "unit", None)
    _actor.set(
        replace(
            _actor.get(),
            user_id=user.pk,
            username=user.get_username(),
            unit_path=unit.path if unit is not None else "",
        )
    )


def new_request_id() -> str:
    return uuid.uuid4().hex
