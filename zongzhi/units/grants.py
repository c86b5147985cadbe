"""A per-process cache of the users who call the API, with their grants (capabilities, view
scope and capture scope).

Every API call needs the caller's account, unit, department and grants: four queries and most
of a small request's time. Entries are keyed by the user's id and `User.grants_stamp`, which is
renewed by `User.save` and by the receivers below whenever a user's roles or scope, a role's
capabilities, a unit (its name, path, retirement) or a department change. The stamp is read with
the login session on every request, so a change made in another process is seen at once.
Entries also expire after GRANTS_CACHE_SECONDS, a safety net for changes written past the ORM.
Both are `core.cache.ProcessCache`s used with a stamp.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from zongzhi.core.cache import ProcessCache

from .models import Department, Role, Unit, User, new_grants_stamp

_SECONDS = float(getattr(settings, "GRANTS_CACHE_SECONDS", 300))


def _load_user(user_id: int) -> User | None:
    user = User.objects.select_related("unit", "department").defer("unit__boundary").filter(pk=user_id).first()
    if user is not None:
        prime(user)
    return user


# user id → the user (unit and department loaded, grants primed), and user id → the grants;
# both used with the user's grants_stamp.
USERS: ProcessCache[int, User | None] = ProcessCache("users", _load_user, check_seconds=_SECONDS, max_age=_SECONDS)
GRANTS: ProcessCache[int, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]] = ProcessCache(
    "grants", lambda user_id: _grants_of(User.objects.get(pk=user_id)), check_seconds=_SECONDS, max_age=_SECONDS
)


def _grants_of(user: User) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    user.forget_cached_grants()  # a copy of a cached user carries the old values: read them anew
    return user.capabilities, tuple(user.view_paths), tuple(user.capture_paths)


def cached_user(user_id: int, stamp: str) -> User | None:
    """The user (unit and department loaded, grants primed) as of `stamp`: a private copy."""
    cached = USERS.get(user_id, stamp)
    if cached is None:
        return None
    mine = copy.copy(cached)  # callers may change their copy; the cached one stays as read
    prime(mine)
    return mine


def prime(user: User) -> None:
    """Fill the user's grants from the cache, or compute them once and remember them."""
    if not user.is_active:
        return
    caps, view, capture = GRANTS.get(user.pk, user.grants_stamp, load=lambda: _grants_of(user))
    user.__dict__.update(capabilities=caps, view_paths=list(view), capture_paths=list(capture))


def renew(user_ids: Iterable[int] | None = None) -> None:
    """Give these users (all users when None) a new stamp: their cached grants are stale."""
    qs = User.objects.all() if user_ids is None else User.objects.filter(pk__in=list(user_ids))
    qs.update(grants_stamp=new_grants_stamp())


def clear() -> None:
    USERS.clear()
    GRANTS.clear()


def _on_scope_or_roles(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kw: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, User):
        stamp = new_grants_stamp()
        User.objects.filter(pk=instance.pk).update(grants_stamp=stamp)
        instance.grants_stamp = stamp
        instance.forget_cached_grants()
    else:  # changed from the role's or the unit's side: pk_set holds users (None after a clear)
        renew(pk_set)


for _through in (User.roles.through, User.view_scope.through, User.capture_scope.through):
    m2m_changed.connect(_on_scope_or_roles, sender=_through, dispatch_uid=f"grants-{_through.__name__}")


@receiver(post_save, sender=Role, dispatch_uid="grants-role")
def _on_role(sender: Any, instance: Role, created: bool, **kw: Any) -> None:
    if not created:
        renew(User.objects.filter(roles=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Unit, dispatch_uid="grants-unit")
@receiver(post_save, sender=Department, dispatch_uid="grants-department")
def _on_unit(sender: Any, instance: Unit | Department, created: bool, raw: bool = False, **kw: Any) -> None:
    # A moved, renamed, retired or restored unit can change anybody's scope paths or unit.
    if not created and not raw:
        renew()
