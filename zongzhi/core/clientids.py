"""Client ids: the phone's offline queue sends each create with an id it made (`client_id`), so
that sending it again returns the first record instead of writing a second one.

A client id belongs to the user whose create used it first. Another user sending the same id
(a copied queue, a guessed or replayed id) gets 409 `client_id_taken` and nothing is written:
never the first user's record, which may hold what the second may not read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from django.db import models

from .errors import Conflict

M = TypeVar("M", bound=models.Model)

TAKEN_MESSAGE = "该离线提交的编号已被其他记录使用，本条未保存，请重新填写后提交"


def taken() -> Conflict:
    return Conflict(TAKEN_MESSAGE, code="client_id_taken")


def resent(
    model: type[M],
    client_id: uuid.UUID | None,
    user: Any,
    *,
    owner: str,
    same: Callable[[M], bool] | None = None,
    queryset: models.QuerySet[M] | None = None,
) -> M | None:
    """The record an earlier send of this create made (same `client_id`), or None when the id
    is new. `owner` names the attribute holding the id of the user who made it ("visitor_id",
    "patrol.worker_id"); `same` adds what else must match (the same house, the same facility).
    A record of another user, or not `same`: 409 `client_id_taken`. A record whose maker is
    not known (written before the column existed, where no audit entry named its maker) is
    judged by `same` alone, as before: the resend of a change made before an upgrade is not
    refused."""
    if client_id is None:
        return None
    qs = queryset if queryset is not None else model._default_manager.all()
    first = qs.filter(client_id=client_id).first()
    if first is None:
        return None
    maker = attrgetter(owner)(first)
    if (maker is not None and maker != user.pk) or (same is not None and not same(first)):
        raise taken()
    return first
