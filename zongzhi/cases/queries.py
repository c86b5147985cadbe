"""The case engine's SQL written by hand, one function per need.

Each function says why the ORM form was not enough; `tests/test_queries.py` checks that each
returns (or writes) what its ORM form does, and pins its number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Field, QuerySet

from zongzhi.core.fastinsert import Batch, Inserter

from .models import Case, CaseAction

# The row is written without the ORM's save (its creation record is written by hand): the ORM
# compiles the statement anew for every create().
_insert_case = Inserter(Case)


def insert_case(case: Case, number: Callable[[Case], str], batch: Batch | None = None) -> None:
    """Write a new case with its number, which is made from its id (`number(case)`).

    On PostgreSQL the id is drawn first (`nextval`) so that the number goes in with the row:
    the ORM form (insert, then save the number) is an UPDATE of an indexed column, which writes
    a new version of the row and an entry in every index of the table a second time, and its
    INSERT … RETURNING waits for an answer as the `nextval` does. SQLite has no sequence to
    draw from: the row is written, then its number. On PostgreSQL the row may wait in `batch`.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))")
            case.pk = cursor.fetchone()[0]
        case.number = number(case)
        _insert_case.insert(case, batch=batch)
        return
    _insert_case.insert(case)
    case.number = number(case)
    Case.objects.filter(pk=case.pk).update(number=case.number)


def claim_due(due: QuerySet[Case], limit: int, **updates: Any) -> list[int]:
    """Stamp `updates` on up to `limit` of the `due` cases (earliest deadline first) and return
    the ids of those this call claimed.

    One `UPDATE … WHERE id IN (due rows) AND <still due> RETURNING id`: the predicate is checked
    again on every row it locks, so two workers sweeping at once never claim one case twice, and
    each learns exactly which rows it claimed. The ORM's `update()` returns a count, not the
    rows: its form (select the ids, then update them) needs a second query and a lock of its own
    to be safe against a second worker.
    """
    qn = connection.ops.quote_name
    inner_sql, inner_params = due.order_by("due_at").values("id")[:limit].query.sql_with_params()
    where_sql, where_params = due.query.get_compiler(connection=connection).compile(due.query.where)
    sets, set_params = [], []
    for name, value in updates.items():
        field = Case._meta.get_field(name)
        assert isinstance(field, Field)
        sets.append(f"{qn(field.column)} = %s")
        set_params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"UPDATE {qn(Case._meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {qn('id')} IN ({inner_sql}) AND {where_sql} RETURNING {qn('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*set_params, *inner_params, *where_params])
        return [row[0] for row in cursor.fetchall()]


def add_overdue_steps(ids: list[int], action: str, level: int, now: datetime) -> None:
    """One system timeline step per case (`data`: the card's level and the deadline missed).

    One `INSERT … SELECT` written by the database, where the ORM form reads the cases back and
    sends their steps (`bulk_create`): a sweep claims up to 5,000 cases a batch.
    """
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        data = "json_build_object('level', %s::int, 'due_at', due_at)"
    else:
        data = "json_object('level', %s, 'due_at', due_at)"
    column = {f.name: f.column for f in CaseAction._meta.concrete_fields}
    names = ("case", "action", "actor_name", "from_status", "to_status", "comment", "data", "created_at")
    columns = ", ".join(qn(column[name]) for name in names)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"INSERT INTO {qn(CaseAction._meta.db_table)} ({columns}) "
        f"SELECT id, %s, %s, status, status, '', {data}, %s FROM {qn(Case._meta.db_table)} WHERE id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [action, "系统", level, now, *ids])
