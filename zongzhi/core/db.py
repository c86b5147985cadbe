"""Writes that belong together: one explicit transaction, and on PostgreSQL no wait per statement.

`atomic_writes()` is `transaction.atomic()`. On PostgreSQL the block also runs in psycopg 3's
pipeline mode: a statement whose answer nobody reads (an INSERT without RETURNING, an UPDATE)
is sent without waiting for its answer; the answers are collected when a query's rows are read,
and at the end of the block (one round trip for everything still unanswered). On a busy 2-core
server the database's share of a report is mostly the cost of round trips (waking, parsing the
message, answering), not of its few rows: a report's BEGIN and five INSERTs cost one round trip
here instead of six.

A refused statement raises its own error (a duplicate key names its table and constraint,
`__cause__.diag`), as a Django `DatabaseError` like any other, out of the block and before its
transaction ends; nothing of the block is written. In pipeline mode the error is raised when
its answer is collected: at a later statement of the block (whose answer came back meanwhile)
or at the block's end, never after it. So a block reads what it needs first and writes
afterwards, and does nothing but write after its first write. Server-side cursors
(`QuerySet.iterator()`) and COPY cannot run in a block on PostgreSQL (psycopg refuses them in
pipeline mode). On SQLite (no network between the server and its database) the block is
`transaction.atomic()` alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction

from .fastinsert import Batch


@contextlib.contextmanager
def atomic_writes() -> Iterator[None]:
    """One transaction; on PostgreSQL, pipelined (see the module)."""
    with transaction.atomic(), pipelined():
        yield


@contextlib.contextmanager
def writes_together() -> Iterator[Batch]:
    """A block whose writes wait in one `core.fastinsert.Batch`, written at its end.

    On PostgreSQL the batch is one statement, all or nothing by itself: no transaction is
    opened (a report's BEGIN and COMMIT cost more of the web process's time than its writes:
    2.42 ms CPU and 3.6 ms per report without, 2.7 ms and 4.05 ms with, measured here). On
    SQLite the batch is several statements (and a case's number an UPDATE after its INSERT):
    the block is `transaction.atomic()`, as it is inside a caller's transaction (a savepoint,
    so that a refused batch leaves the caller's transaction usable). Writes made in the block
    outside the batch need a transaction of the caller's (`atomic_writes`).
    """
    batch = Batch()
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    with contextlib.nullcontext() if alone else transaction.atomic():
        yield batch
        batch.send()


@contextlib.contextmanager
def pipelined() -> Iterator[None]:
    """psycopg's pipeline mode for this block, on PostgreSQL (nested blocks join the outer one).

    Inside a transaction (`atomic_writes`) the pipeline ends, and every error is raised, before
    the transaction commits or rolls back. Outside one each statement is its own transaction,
    still sent without waiting: a resident number search sends its audit entry with its query
    (one round trip), and if the entry is refused the query after it is not run.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    pg = connection.connection
    assert pg is not None
    # Errors raised when the pipeline collects its answers come from psycopg directly, not
    # through a Django cursor: translate them as Django's cursors do (IntegrityError …).
    with connection.wrap_database_errors, pg.pipeline():
        yield
