"""The one scope mechanism.

Every record that belongs somewhere in the jurisdiction tree stores the `path` of its lowest
unit. "Everything under unit P" is the range `path >= P AND path < P'` where P' is P with its
last character incremented: one indexed range test, the same on SQLite and PostgreSQL. (A LIKE
or `startswith` carries an ESCAPE clause that stops SQLite from using the index.)

A user has a view scope and a capture scope, each a set of units (DHIS2's distinction). They
read everything under their view scope. What they may change depends on the kind of record:

- Registry records (residents, listings, visits, places, organisations, imports) follow the
  seeds' rule 上级可以调阅查看下级数据但不得修改；本级只负责本辖区: a record is writable when it
  belongs to one of the user's capture units themselves, a village's records including those
  of its grids (`WriteScope`, `require_write`). A county or township reads its villages' records
  but does not change them, unless a security administrator granted it the correction
  capability (`CORRECT`): then it may change any record it sees, and the service audits the
  change as a correction.
- Administering the tree and its accounts (units, departments, users, sessions) covers the
  whole subtree of the capture units: a county's system administrator opens the villages'
  accounts (`require_capture`).

Reads go through `Model.objects.visible_to(user)`; out-of-scope attempts are refused, and the
refusal carries an audit note that the API's error handler writes once the transaction has
rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from django.db import models
from django.db.models import Q

from .access import require_cap
from .errors import AuditNote, InvalidInput, NotFound, OutOfScope
from .fields import PathField

if TYPE_CHECKING:
    from django.db.models import QuerySet


class ScopedUser(Protocol):
    pk: Any

    @property
    def view_paths(self) -> Sequence[str]: ...

    @property
    def capture_paths(self) -> Sequence[str]: ...

    def has_cap(self, code: str) -> bool: ...


# The capability that lets an upper level change a lower level's registry records (data-quality
# work). Granted explicitly by a security administrator; every change made with it is audited.
CORRECT = "registry.correct"
# A village's path is 12 characters (GB/T 2260 2+2+2+3+3); its grids add 3. A village keeps its
# grids' records, every other unit only its own (a grid has nothing below it).
VILLAGE_PATH_LENGTH = 12


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
        """Under the user's capture units: the reach of administering the tree, not of writing
        registry records (`writable_by`)."""
        return self.filter(subtree_q(user.capture_paths))

    def writable_by(self, user: ScopedUser) -> ScopedQuerySet:
        """The registry records the user keeps themselves (correction not included)."""
        return self.filter(write_scope(user).own_q())

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

    def is_writable_by(self, user: ScopedUser) -> bool:
        return write_scope(user).allows(self.path)


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


UNIT_MISSING = "单位不存在或不在您的管辖范围内"


def require_visible(
    user: Any, obj: models.Model, capability: str = "", message: str = "", *, missing: str = ""
) -> None:
    """`get_visible`'s checks on an object already loaded (a service handed a unit): 404,
    audited, outside the view scope, then 403 without `capability`."""
    if not _on_view_path(user, obj):
        raise NotFound(missing or UNIT_MISSING, audit=_denial(user, obj, "read"))
    if capability:
        require_cap(user, capability, message, obj)


def unit_in_view(units: QuerySet[M], user: Any, unit_id: int | None, capability: str = "", message: str = "") -> M:
    """The unit a page's `?unit=` names, for reading: the one asked for, else the user's own
    unit, else the first root of their view scope (none: 400 `required`). Outside the view scope
    it is a 404 as if missing (audited `scope.denied`), then 403 without `capability`. `units`
    is the unit queryset to load from (core imports no app)."""
    if unit_id is None:
        own = getattr(user, "unit", None)
        if own is not None and path_within(own.path, user.view_paths):
            unit_id = own.pk
        elif user.view_paths:
            unit_id = units.filter(path=minimal_roots(user.view_paths)[0]).values_list("pk", flat=True).first()
        if unit_id is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
    return get_visible(units, user, unit_id, capability, message, missing=UNIT_MISSING)


WriteMode = Literal["own", "correction", "lower_level", "none"]


@dataclass(frozen=True)
class WriteScope:
    """Where a user may change registry records: the seeds' 本级只负责本辖区.

    `units` are the paths of the user's capture units; a record belongs to one of them when its
    path is that unit's, or, for a village or grid, lies under it (a village's records include
    its grids'). `correct` are the view roots under which the user may correct other units'
    records (empty without the `CORRECT` capability). Plain data: it goes to an import's
    worker processes as is.
    """

    units: tuple[str, ...]
    correct: tuple[str, ...] = ()

    def mode(self, path: str) -> WriteMode:
        """How the user may change a record at `path`:

        1. "own": it belongs to one of their units;
        2. "correction": it does not, but they hold the correction capability and see it;
        3. "lower_level": it lies below one of their units (a township's village): read only;
        4. "none": anything else.
        """
        if not path:
            return "none"
        if path in self.units or path_within(path, self._with_grids()):
            return "own"
        if path_within(path, self.correct):
            return "correction"
        if path_within(path, self.units):
            return "lower_level"
        return "none"

    def allows(self, path: str) -> bool:
        return self.mode(path) in ("own", "correction")

    def _with_grids(self) -> list[str]:
        return [p for p in self.units if len(p) >= VILLAGE_PATH_LENGTH]

    def own_q(self, field: str = "path") -> Q:
        """A Q matching the records that belong to the user's own units."""
        exact = [p for p in self.units if len(p) < VILLAGE_PATH_LENGTH]
        q = subtree_q(self._with_grids(), field)
        return q | Q(**{f"{field}__in": exact}) if exact else q


def write_scope(user: ScopedUser) -> WriteScope:
    """The user's `WriteScope`, from the grants already loaded with them (no query)."""
    correct = tuple(user.view_paths) if user.has_cap(CORRECT) else ()
    return WriteScope(units=tuple(sorted(set(user.capture_paths))), correct=correct)


def write_mode(user: ScopedUser, path: str) -> WriteMode:
    return write_scope(user).mode(path)


def edit_fields(user: ScopedUser, path: str, retired: bool, capability: str = "records.write") -> dict[str, Any]:
    """What a record's page needs to offer editing or to say why not, with no query:
    `can_edit`, and `write_mode` (`WriteScope.mode`), from which the console shows 上级单位只能
    查看下级数据 on a lower level's record, or that a change will be recorded as a correction."""
    mode = write_mode(user, path)
    allowed = user.has_cap(capability) and mode in ("own", "correction") and not retired
    return {"can_edit": allowed, "write_mode": mode}


def require_write(user: ScopedUser, obj: models.Model, path: str | None = None) -> bool:
    """Refuse (403, audited) a change to a registry record that is not the user's to change;
    `path` is where the record is or will be (default: where it is). True when the change is
    allowed only as an upper level's correction: the caller then records it as one
    (`people.services.record_correction`)."""
    target = path if path is not None else getattr(obj, "path", "")
    mode = write_mode(user, target)
    if mode == "own":
        return False
    if mode == "correction":
        return True
    if mode == "lower_level":
        raise OutOfScope(
            "上级单位只能查看下级数据，不能修改；确需更正的，请由安全管理员授予“上级更正下级数据”权限",
            code="lower_level_read_only",
            audit=_denial(user, obj, "write"),
        )
    raise OutOfScope("该数据不在您的录入和维护范围内，只能查看不能修改", audit=_denial(user, obj, "write"))


def require_capture(user: ScopedUser, obj: models.Model, path: str | None = None) -> None:
    """Refuse (403, audited) an administrative change (units, departments, accounts) to an
    object outside the subtrees of the user's capture units. Registry records use
    `require_write`."""
    target = path if path is not None else getattr(obj, "path", "")
    if not target or not path_within(target, user.capture_paths):
        raise OutOfScope("该数据不在您的录入和维护范围内，只能查看不能修改", audit=_denial(user, obj, "write"))


def scoped_models() -> list[type[ScopedModel]]:
    """Every concrete model that stores a `path` (used when a unit moves)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, ScopedModel) and not m._meta.abstract and not m._meta.proxy]
