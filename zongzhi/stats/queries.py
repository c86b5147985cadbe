"""The statistics' SQL written by hand, one function per need."""

from __future__ import annotations

from django.db import connection

# Any fixed number: the key of the refresh's advisory lock.
_REFRESH_LOCK = 180_001


def lock_refresh() -> None:
    """Hold the rollup refresh lock until the transaction ends (PostgreSQL).

    Two workers (Celery, or the in-process scheduler of two web processes) rewriting one unit's
    rollup rows at once would each delete the rows and insert their own, leaving both sets. The
    ORM has no lock that is not a row's: `pg_advisory_xact_lock` serialises the refreshes with
    no table of its own, and is released by the commit. SQLite serialises writers itself (one
    writer at a time), so nothing is sent there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
