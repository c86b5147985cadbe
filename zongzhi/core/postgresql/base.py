"""Django's PostgreSQL backend, with a health check that costs no round trip.

Connections live across requests (CONN_MAX_AGE), and Django checks one before each request
uses it, so that a connection the server has closed (a restart, a terminated backend, an idle
timeout) is replaced instead of failing the request. Django checks by running `SELECT 1`: one
more round trip on every request, a tenth of the database's work for a report. A connection
between requests has nothing to read; when the server closes it, its goodbye (an error message,
then the end of the stream) makes the socket readable. So the check here looks at the socket
without waiting: anything to read, or a connection libpq already knows is broken, and Django
opens a new one.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
            return False
        if conn.pgconn.transaction_status in (pq.TransactionStatus.INERROR, pq.TransactionStatus.UNKNOWN):
            return False  # a failed transaction left open: start afresh, as SELECT 1 would have
        try:
            readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
        except (OSError, ValueError, psycopg.Error):
            return False
        return not readable
