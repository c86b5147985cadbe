"""Plain INSERTs for the rows every request writes, and writes that travel in one round trip.

The ORM compiles the statement anew for each `create()`, which on these small rows costs more
than the database's work. `Inserter` builds the statement once per model and database, and
adapts the values with the fields' own `get_db_prep_save`, so what is stored is what `create()`
would store. No signals are sent: use it only for models nothing listens to, or send what the
listeners would have written yourself (`audit.services.record_created`).

On PostgreSQL each statement is a round trip, and on a busy 2-core server the database's share
of a request is mostly the cost of those trips (waking, parsing the message, answering), not of
the rows. Inside `one_round_trip()`, the writes made with `Inserter` or `write()` wait, and go
in front of the block's next query, in the same message, or on their own at the end of the
block. PostgreSQL runs the statements of one message in order and, outside a transaction block,
as one implicit transaction: they are all written or none is. So a block should read what it
needs first and write afterwards; a query between two writes splits them into two messages.
Open a block inside a transaction, never a transaction inside a block: COMMIT and ROLLBACK do
not pass through the block, so writes waiting in it would miss the transaction's end.
On SQLite (no network between the server and its database) the writes run at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

# The writes waiting in the current `one_round_trip()` block (None outside one).
_waiting: ContextVar[list[tuple[str, Sequence[Any]]] | None] = ContextVar("fastinsert_waiting", default=None)


class Inserter(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.pk = model._meta.pk
        self._sql: dict[tuple[str, bool], str] = {}

    def _statement(self, with_pk: bool, returning: bool) -> str:
        key = (connection.vendor, with_pk)
        sql = self._sql.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            fields = [self.pk, *self.fields] if with_pk else self.fields
            columns = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({marks})"
            self._sql[key] = sql
        if returning and connection.features.can_return_columns_from_insert:
            return f"{sql} RETURNING {connection.ops.quote_name(self.pk.column)}"
        return sql

    def insert(self, obj: M) -> M:
        """Write `obj` (a new instance; its primary key may be given) and set its primary key.

        Inside `one_round_trip()` on PostgreSQL the row is written later, at the block's next
        query or its end: an object without a given primary key then has none.
        """
        with_pk = obj.pk is not None
        params: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        if with_pk:
            params.insert(0, self.pk.get_db_prep_save(obj.pk, connection))
        pk = self._write(params, with_pk=with_pk, returning=not with_pk)
        if not with_pk:
            obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        return obj

    def insert_values(self, values: dict[str, Any]) -> None:
        """Write one row from values by field attname (a missing one takes the field's default)
        without making an instance: for rows nothing reads back as they are written (audit)."""
        params = [
            f.get_db_prep_save(values[f.attname] if f.attname in values else f.get_default(), connection)
            for f in self.fields
        ]
        self._write(params, with_pk=False, returning=False)

    def _write(self, params: list[Any], *, with_pk: bool, returning: bool) -> Any:
        if not returning or _held() is not None:  # a held row gets no id back
            write(self._statement(with_pk, returning=False), params)
            return None
        with connection.cursor() as cursor:
            cursor.execute(self._statement(with_pk, returning=True), params)
            return cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid


def _held() -> list[tuple[str, Sequence[Any]]] | None:
    """The writes waiting in the current `one_round_trip()` block, on PostgreSQL."""
    return _waiting.get() if connection.vendor == "postgresql" else None


def write(sql: str, params: Sequence[Any]) -> None:
    """Run a statement that returns nothing; inside `one_round_trip()` it waits with the others."""
    waiting = _held()
    if waiting is not None:
        waiting.append((sql, params))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def one_round_trip() -> Iterator[None]:
    """Send this block's writes together with its next query, or at its end (see the module)."""
    if connection.vendor != "postgresql" or _waiting.get() is not None:
        yield
        return
    waiting: list[tuple[str, Sequence[Any]]] = []
    token = _waiting.set(waiting)
    try:
        with connection.execute_wrapper(_carry(waiting)):
            yield
            if waiting:
                with connection.cursor() as cursor:
                    cursor.execute(_merged(waiting))
    finally:
        waiting.clear()  # after an error nothing left waiting is written
        _waiting.reset(token)


def _carry(waiting: list[tuple[str, Sequence[Any]]]) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if not waiting:
            return execute(sql, params, many, context)
        cursor = context["cursor"].cursor
        if many or isinstance(params, dict) or getattr(cursor, "name", None):
            # executemany, named parameters and server-side cursors (DECLARE … FOR one query)
            # cannot carry the writes: they go first, alone
            _send(waiting)
            return execute(sql, params, many, context)
        count = len(waiting)
        message = _merged(waiting) + "; " + (cursor.mogrify(sql, params) if params is not None else sql)
        result = execute(message, None, many, context)
        for _ in range(count):  # the caller reads the result of its own query, the message's last
            cursor.nextset()
        return result

    return wrapper


def _merged(waiting: list[tuple[str, Sequence[Any]]]) -> str:
    """The waiting statements with their values merged in, one by one: psycopg keeps the parse
    of each (short, repeated) statement, where it would parse a long joined one every time."""
    with connection.connection.cursor() as cursor:  # a client-side cursor: nothing is sent
        text = "; ".join(cursor.mogrify(sql, params) for sql, params in waiting)
    waiting.clear()
    return text


def _send(waiting: list[tuple[str, Sequence[Any]]]) -> None:
    message = _merged(waiting)
    with connection.wrap_database_errors:
        connection.connection.execute(message)
