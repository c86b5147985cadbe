"""The alerts' SQL written by hand, one function per need (see cases/queries.py), each with a
test that it returns what the ORM form returns and a test pinning its query count
(alerts/tests/test_queries.py)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from .models import WarningRecipient


def claim_due(due: QuerySet[WarningRecipient], limit: int, now: datetime) -> list[int]:
    """Stamp `escalated_at = now` on up to `limit` of the `due` recipients (earliest limit
    first) and return the ids this call claimed.

    One `UPDATE … WHERE id IN (due rows) AND <still due> RETURNING id` (PostgreSQL): the
    predicate is checked again on every row it locks, so two sweeps at once never escalate one
    recipient twice, and each learns exactly which rows it claimed; the ORM's `update()`
    returns a count, not the rows (the ORM form, a SELECT of the ids then an UPDATE of them,
    is two statements and lets a concurrent sweep claim the same rows in between).
    """
    qn = connection.ops.quote_name
    inner_sql, inner_params = due.order_by("ack_due_at").values("id")[:limit].query.sql_with_params()
    where_sql, where_params = due.query.get_compiler(connection=connection).compile(due.query.where)
    table = qn(WarningRecipient._meta.db_table)
    sql = (
        f"UPDATE {table} SET {qn('escalated_at')} = %s "
        f"WHERE {qn('id')} IN ({inner_sql}) AND {where_sql} RETURNING {qn('id')}"
    )
    with connection.cursor() as cursor:
        # Adapted as the ORM stores it (SQLite keeps datetimes as text in one format).
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), *inner_params, *where_params])
        return [row[0] for row in cursor.fetchall()]
