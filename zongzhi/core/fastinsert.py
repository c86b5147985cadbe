"""Plain INSERTs for the rows every request writes.

The ORM compiles the statement anew for each `create()`, which on these small rows costs more
than the database's work. `Inserter` builds the statement once per model and database, and
adapts the values with the fields' own `get_db_prep_save`, so what is stored is what `create()`
would store. No signals are sent: use it only for models nothing listens to, or send what the
listeners would have written yourself (`audit.services.record_created`).

A row written without RETURNING (its primary key given, or `insert_values`) needs no answer:
inside `core.db.atomic_writes()` on PostgreSQL it is sent without waiting for one.

Rows that are written together, and that nothing reads before they are all written, can be
handed to a `Batch` (the `batch` argument) and go in one statement (`Batch.send`).

This is the one place outside the apps' `queries.py` that writes SQL by hand: it serves every
app's audit entries, timeline steps and notices, for any model. core/tests/test_db.py checks
that its rows equal what `create()` stores, and pins its statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)


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

    def insert(self, obj: M, *, read_pk: bool = True, batch: Batch | None = None) -> M:
        """Write `obj` (a new instance; its primary key may be given) and set its primary key.

        With `read_pk=False` a row without a given primary key is written without RETURNING
        (no answer to wait for in a pipeline) and the object keeps no primary key; such a row,
        or one whose key is given, goes into `batch` when there is one.
        """
        with_pk = obj.pk is not None
        params: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        if with_pk:
            params.insert(0, self.pk.get_db_prep_save(obj.pk, connection))
        returning = not with_pk and read_pk
        if batch is not None and not returning:
            batch.add(self, params, with_pk=with_pk)
            pk = None
        else:
            pk = self._write(params, with_pk=with_pk, returning=returning)
        if returning:
            obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        return obj

    def insert_values(self, values: dict[str, Any], *, batch: Batch | None = None) -> None:
        """Write one row from values by field attname (a missing one takes the field's default)
        without making an instance: for rows nothing reads back as they are written (audit).
        With a `batch`, the row waits in it."""
        params = [
            f.get_db_prep_save(values[f.attname] if f.attname in values else f.get_default(), connection)
            for f in self.fields
        ]
        if batch is not None:
            batch.add(self, params, with_pk=False)
        else:
            self._write(params, with_pk=False, returning=False)

    def _write(self, params: list[Any], *, with_pk: bool, returning: bool) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(self._statement(with_pk, returning), params)
            if not returning:
                return None
            return cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid


class Batch:
    """Rows written together in one statement: `send()`.

    A report writes its case, the case's creation record, its first timeline step, its
    `case.created` event and the holder's notice. Sent as one statement they cost what one
    INSERT costs, where five statements cost four times as much of the web process's time
    (measured on PostgreSQL here: five rows as one statement 0.11 ms CPU and 0.41 ms wall; as
    five statements in a pipelined transaction 0.40–0.45 ms CPU and 0.72–0.76 ms wall; a
    report's whole time is about 2.3 ms CPU).

    On PostgreSQL the statement is one INSERT with the other tables' rows in data-modifying
    WITH clauses (rows of one table share one VALUES list): one statement, so all of it or
    nothing, and a refusal raises that INSERT's own error (its table and constraint in
    `__cause__.diag`). SQLite has no INSERT in WITH: there each table's rows are one INSERT,
    in the order they were added. Nothing of a batch is in the database before `send()`: put
    in it only rows nothing reads before then; work that needs them waits for it (`after`).
    `core.db.writes_together()` opens one and sends it.
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[int, bool], tuple[Inserter[Any], bool, list[list[Any]]]] = {}
        self._after: list[Callable[[], Any]] = []

    def after(self, work: Callable[[], Any]) -> None:
        """Run `work` once the batch is written (writes that refer to its rows)."""
        self._after.append(work)

    def add(self, inserter: Inserter[Any], params: list[Any], *, with_pk: bool) -> None:
        key = (id(inserter), with_pk)
        if key not in self._groups:
            self._groups[key] = (inserter, with_pk, [])
        self._groups[key][2].append(params)

    def send(self) -> None:
        """Write the rows waiting in the batch (nothing when it is empty) and empty it; then the
        work waiting for them."""
        self._run(None, [])

    def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Write the waiting rows and run the query `sql` (a SELECT) after them, returning its
        rows: on PostgreSQL one statement, the rows in WITH clauses in front of the query (if
        they are refused the query does not run); on SQLite the rows, then the query, in one
        transaction."""
        return self._run(sql, params)

    def _run(self, query: str | None, params: list[Any]) -> list[tuple[Any, ...]]:
        statements, after = self._take()
        rows: list[tuple[Any, ...]] = []
        if statements or query is not None:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    if query is None:  # the last INSERT is the statement, the others its WITH clauses
                        *statements, (query, params) = statements
                    cursor.execute(_with(statements, query, params))
                else:
                    with transaction.atomic(savepoint=False):
                        for insert, values in statements:
                            cursor.execute(insert, values)
                        if query is not None:
                            cursor.execute(query, params)
                if cursor.description is not None:
                    rows = cursor.fetchall()
        for work in after:
            work()
        return rows

    def _take(self) -> tuple[list[tuple[str, list[Any]]], list[Callable[[], Any]]]:
        """The waiting rows as INSERT statements (one per table), and the work waiting for
        them; the batch is empty afterwards."""
        groups, self._groups = list(self._groups.values()), {}
        after, self._after = self._after, []
        statements = []
        for inserter, with_pk, rows in groups:
            sql = inserter._statement(with_pk, returning=False)
            if len(rows) > 1:
                values = sql[sql.index(" VALUES ") + 8 :]
                sql = sql + ", " + ", ".join([values] * (len(rows) - 1))
            statements.append((sql, [p for row in rows for p in row]))
        return statements, after


def _with(writes: list[tuple[str, list[Any]]], sql: str, params: list[Any]) -> str:
    """`sql` with the `writes` as data-modifying WITH clauses in front of it (PostgreSQL), as
    one text with the values merged in.

    Each part gets its values on its own (`mogrify`, psycopg's own quoting): psycopg keeps
    the parse of a short statement with few values, but parses one of over 50 values anew on
    every call. A report's batch has about 90: parsed whole it cost 0.3 ms of the report's
    2.5 ms CPU (measured here with cProfile, 20% more Python calls per report).
    """
    with connection.connection.cursor() as client:  # a client-side cursor: nothing is sent
        text = client.mogrify(sql, params)
        if not writes:
            return text
        ctes = ", ".join(f"w{i} AS ({client.mogrify(insert, values)})" for i, (insert, values) in enumerate(writes))
    return f"WITH {ctes} {text}"
