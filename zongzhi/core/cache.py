"""Values read from the database and kept in each process: the one way the apps cache.

Unit names, grid boundaries, dictionary labels, deadline rules, the working-day calendar and the
callers' grants are read on nearly every request and change a few times a year. Each is a
`ProcessCache`: a loader (key → value) and a dictionary of loaded values in this process.

One rule keeps the copies true. Code that writes to a cached source calls `changed()` in the
writing transaction. On commit a new version token goes to Django's cache (Redis in production),
and this process drops its copies at once. Every process compares its copies' token with the
shared one at most every `check_seconds`, so a lookup normally touches neither the database nor
Redis, and another process sees a change within that time. While the writing transaction is
open, lookups on its connection read the database directly: the change is visible inside it and
never leaks out if it rolls back.

Where Django's cache is private to each process (the embedded default's LocMemCache) a token
cannot reach the other workers: there the cache's `fingerprint` (a small query telling whether
the source changed) stands in for the token, or, without one, a copy is kept at most
`check_seconds`.

A cache whose freshness travels with each request (the grants: the user row carries a stamp that
every change renews) passes it as `stamp`: an entry is used only while its stamp is the one given.
`max_age`, where set, is a safety net for writes made past the ORM: an older entry is read again.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_all: list[ProcessCache] = []  # type: ignore[type-arg]


def _private_cache() -> bool:
    return isinstance(caches["default"], (LocMemCache, DummyCache))


class ProcessCache(Generic[K, V]):
    """`load(key)` kept per process; see the module docstring for when it is read again."""

    def __init__(
        self,
        name: str,
        load: Callable[[K], V],
        *,
        check_seconds: float = 2.0,
        fingerprint: Callable[[], str] | None = None,
        max_age: float | None = None,
    ) -> None:
        self.name = name
        self.load = load
        self.check_seconds = check_seconds
        self.fingerprint = fingerprint
        self.max_age = max_age
        self._entries: dict[K, tuple[V, str | None, float]] = {}
        self._version: str | None = None  # the shared version the entries were loaded under
        self._checked_at = float("-inf")
        self._generation = 0
        # Changes registered (`changed`) and not yet committed in this process: while there are
        # none, a lookup skips looking for one in its connection (a thread-local lookup, most
        # of a cached read's time). A rolled-back change is never counted off: the lookups stay
        # on the careful path, as correct and a microsecond slower.
        self._uncommitted = 0
        self._lock = threading.Lock()
        _all.append(self)

    @property
    def version_key(self) -> str:
        return f"zongzhi:cache:{self.name}"

    # --- reading ---------------------------------------------------------------------------
    def get(self, key: K, stamp: str | None = None, load: Callable[[], V] | None = None) -> V:
        """The value for `key`: this process's copy while it is current, else loaded anew (by
        `load` where the caller holds what the value is made from, else by the cache's loader)."""

        def fresh() -> V:
            return load() if load is not None else self.load(key)

        if self._uncommitted and self._pending_change():
            return fresh()
        now = time.monotonic()
        self._check(now)
        entry = self._entries.get(key)
        if entry is not None and entry[1] == stamp and (self.max_age is None or now - entry[2] < self.max_age):
            return entry[0]
        generation = self._generation
        value = fresh()
        with self._lock:
            if generation == self._generation:  # no change committed while we were loading
                self._entries[key] = (value, stamp, now)
        return value

    def _check(self, now: float) -> None:
        if now - self._checked_at < self.check_seconds:
            return
        if _private_cache():
            version = self.fingerprint() if self.fingerprint is not None else uuid.uuid4().hex
        else:
            version = cache.get(self.version_key)
            if version is None:  # first process after a flush or an eviction: any token will do
                cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
                version = cache.get(self.version_key) or ""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = str(version)
            self._checked_at = now

    # --- changing --------------------------------------------------------------------------
    def changed(self) -> None:
        """Call in the transaction that changed the source (or after a write outside one):
        until it commits, this connection reads the source directly; on commit every process's
        copy is dropped (this one at once, the others within `check_seconds`)."""
        with self._lock:
            self._uncommitted += 1
        transaction.on_commit(self._committed)

    def _committed(self) -> None:
        with self._lock:
            self._uncommitted = max(0, self._uncommitted - 1)
        self.invalidate()

    def invalidate(self) -> None:
        """Drop every process's copies now: a new shared token, and this process's copies."""
        if not _private_cache():
            cache.set(self.version_key, uuid.uuid4().hex, timeout=None)
        self.clear()

    def _pending_change(self) -> bool:
        if not connection.in_atomic_block:
            return False
        # Entries are (savepoint ids, callback, robust); a rolled-back savepoint drops its own.
        return any(getattr(entry[1], "__self__", None) is self for entry in connection.run_on_commit)

    def clear(self) -> None:
        """Drop this process's copies (the next lookup loads and checks the version again)."""
        with self._lock:
            self._entries.clear()
            self._version = None
            self._checked_at = float("-inf")
            self._generation += 1


def clear_all() -> None:
    """Drop every cache's copies in this process and forget changes not committed (tests, whose
    transactions roll back; after a restore of the database)."""
    for c in _all:
        c.clear()
        c._uncommitted = 0
