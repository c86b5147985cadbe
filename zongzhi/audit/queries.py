"""The audit chain's SQL written by hand (PostgreSQL only), one function per need.

The sealing job (`chain.py`) needs three things the ORM has no words for: a transaction-scoped
advisory lock, the transaction ids PostgreSQL hands out, and whether a transaction below an id
is still running. `tests/test_queries.py` checks the one with an ORM form (the newest entry's
id) against it and pins each function's number of queries.
"""

from __future__ import annotations

from django.db import connection

# pg_advisory_xact_lock's key: one sealing run at a time, held until its transaction ends.
SEALING_LOCK = 0x7A7A_A0D1_7C4A_0001


def take_sealing_lock() -> None:
    """Wait for, then hold until commit, the one sealing run's lock (no lock on SQLite, which
    has a single writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALING_LOCK])


def newest_entry_and_own_xid() -> tuple[int, int]:
    """The highest committed audit entry id (0 if none), then this transaction's id.

    Two statements in this order on purpose: the transaction id, drawn after the look at the
    entries, is above every id handed out before it (see `chain.py`). The ORM has no form for
    `pg_current_xact_id()`; the first is `AuditLog.objects.aggregate(Max("id"))`.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM audit_auditlog")
        newest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT pg_current_xact_id()::text")
        own = int(cursor.fetchone()[0])
    return int(newest), own


def transaction_running_below(bound: int) -> bool:
    """Whether a transaction other than this one, with an id below `bound`, is running: the
    snapshot lists those below its xmax; ids from xmax up are asked one by one
    (`pg_xact_status`), and are few (those begun since the mark was set)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmax(s)::text, ARRAY(SELECT x::text FROM pg_snapshot_xip(s) AS x),"
            " pg_current_xact_id()::text FROM pg_current_snapshot() AS s"
        )
        xmax_text, running, own_text = cursor.fetchone()
        xmax, own = int(xmax_text), int(own_text)
        if any(int(x) < bound and int(x) != own for x in running):
            return True
        if bound <= xmax:
            return False
        # Ids at or above xmax are not listed in the snapshot.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM generate_series(%s::bigint, %s::bigint) AS g"
            " WHERE g <> %s AND pg_xact_status(g::text::xid8) = 'in progress')",
            [xmax, bound - 1, own],
        )
        return bool(cursor.fetchone()[0])
