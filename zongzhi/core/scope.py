"""The one scope mechanism.

Every record that belongs somewhere in the jurisdiction tree stores the `path` of its lowest
unit. "Everything under unit P" is the range `path >= P AND path < P'` where P' is P with its
last character incremented: one indexed range test, the same on SQLite and PostgreSQL. (A LIKE
or `startswith` carries an ESCAPE clause that stops SQLite from using the index.)

A user has a view scope and a capture scope, each a set of unit subtrees (DHIS2's
distinction): they read what lies under their view scope and change what lies under their
capture scope. Reads go through `Model.objects.visible_to(user)`, writes are checked with
`require_capture(user, obj)`; out-of-scope attempts are refused, and the refusal carries an
audit note that the API's error handler writes once the transaction has rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q

from .access import require_cap
from .errors import AuditNote, NotFound, OutOfScope
from .fields import PathField

if TYPE_CHECKING:
    from django.db.models import QuerySet


class ScopedUser(Protocol):
    pk: Any

    @property
    def view_paths(self) -> Sequence[str]: ...

    @property
    def capture_paths(self) -> Sequence[str]: ...


def path_upper_bound(path: str) -> str:
    """The smallest string greater than every string that starts with `path`."""
    if not path:
        raise ValueError("empty path has no upper bound")
    return path[:-1] + chr(ord(path[-1]) + 1)


def minimal_roots(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies under another path of the set."""
    roots: list[str] = []
    for path in sorted(set(p for p in paths if p)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def _ranges(paths: Iterable[str]) -> list[tuple[str, str]]:
    return [(root, path_upper_bound(root)) for root in minimal_roots(paths)]


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    """A Q matching rows whose `field` lies under any of `paths`; matches nothing if empty."""
    ranges = _ranges(paths)
    if not ranges:
        return Q(pk__in=[])
    q = Q()
    for low, high in ranges:
        q |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return q


def subtree_sql(paths: Iterable[str], column: str) -> tuple[str, list[str]]:
    """`subtree_q` as an SQL condition on `column` with its parameters, for the few hot queries
    written by hand."""
    ranges = _ranges(paths)
    if not ranges:
        return "1 = 0", []
    sql = " OR ".join(f"({column} >= %s AND {column} < %s)" for _ in ranges)
    return f"({sql})", [bound for pair in ranges for bound in pair]


def path_within(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(root) for root in roots if root)


def _on_view_path(user: Any, obj: Any) -> bool:
    path = getattr(obj, "path", None)
    return path is not None and path_within(path, user.view_paths)


class ScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """QuerySet of a model with a `path`: the scope filters every list goes through."""

    def visible_to(self, user: ScopedUser) -> ScopedQuerySet:
        return self.filter(subtree_q(user.view_paths))

    def shows(self, user: Any, obj: Any) -> bool:
        """Whether `visible_to(user)` holds this loaded object, answered without a query (a
        queryset that widens `visible_to` widens this alike)."""
        return _on_view_path(user, obj)

    def restrict(self, user: Any, capability: str, message: str = "") -> ScopedQuerySet:
        """What `user` may see of these records for work needing `capability`: refused (403,
        audited) without it, else the records under their view scope (NetBox's `restrict`)."""
        require_cap(user, capability, message)
        return self.visible_to(user)

    def capturable_by(self, user: ScopedUser) -> ScopedQuerySet:
        return self.filter(subtree_q(user.capture_paths))

    def under(self, path: str) -> ScopedQuerySet:
        return self.filter(subtree_q([path]))


class ScopedModel(models.Model):
    """Abstract base for every record that belongs to a unit of the tree.

    Moving a unit rewrites `path` on every concrete subclass (units.services.move_unit).
    """

    path = PathField(db_index=True, verbose_name="所属辖区路径")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_visible_to(self, user: ScopedUser) -> bool:
        return path_within(self.path, user.view_paths)

    def is_capturable_by(self, user: ScopedUser) -> bool:
        return path_within(self.path, user.capture_paths)


M = TypeVar("M", bound=models.Model)


def _denial(user: ScopedUser, obj: models.Model, mode: str) -> AuditNote:
    return AuditNote("scope.denied", obj, {"mode": mode, "user_id": user.pk})


def get_visible(
    queryset: QuerySet[M], user: Any, pk: Any, capability: str = "", message: str = "", *, missing: str = ""
) -> M:
    """Fetch one object the user may read: 404 if missing or outside the view scope (the
    queryset's own `visible_to`, through `shows`), then, with `capability`, 403 if their roles do
    not allow it (`access.require_cap`). `missing` is the 404's message.

    An out-of-scope attempt is answered like a missing object (it reveals nothing) and is
    written to the audit log.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(missing or None)
    if not (queryset.shows(user, obj) if isinstance(queryset, ScopedQuerySet) else _on_view_path(user, obj)):
        raise NotFound(missing or None, audit=_denial(user, obj, "read"))
    if capability:
        require_cap(user, capability, message, obj)
    return obj


def require_capture(user: ScopedUser, obj: models.Model, path: str | None = None) -> None:
    """Refuse (403, audited) a change to an object outside the user's capture scope."""
    target = path if path is not None else getattr(obj, "path", "")
    if not target or not path_within(target, user.capture_paths):
        raise OutOfScope("该数据不在您的录入和维护范围内，只能查看不能修改", audit=_denial(user, obj, "write"))


def scoped_models() -> list[type[ScopedModel]]:
    """Every concrete model that stores a `path` (used when a unit moves)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, ScopedModel) and not m._meta.abstract and not m._meta.proxy]
