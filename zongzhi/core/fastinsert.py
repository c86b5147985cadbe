"""Plain INSERTs for the rows every request writes.

The ORM compiles the statement anew for each `create()`, which on these small rows costs more
than the database's work. `Inserter` builds the statement once per model and database, and
adapts the values with the fields' own `get_db_prep_save`, so what is stored is what `create()`
would store. No signals are sent: use it only for models nothing listens to, or send what the
listeners would have written yourself (`audit.services.record_created`).

A row written without RETURNING (its primary key given, or `insert_values`) needs no answer:
inside `core.db.atomic_writes()` on PostgreSQL it is sent without waiting for one.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import connection, models

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

    def insert(self, obj: M, *, read_pk: bool = True) -> M:
        """Write `obj` (a new instance; its primary key may be given) and set its primary key.

        With `read_pk=False` a row without a given primary key is written without RETURNING
        (no answer to wait for in a pipeline) and the object keeps no primary key.
        """
        with_pk = obj.pk is not None
        params: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        if with_pk:
            params.insert(0, self.pk.get_db_prep_save(obj.pk, connection))
        returning = not with_pk and read_pk
        pk = self._write(params, with_pk=with_pk, returning=returning)
        if returning:
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
        with connection.cursor() as cursor:
            cursor.execute(self._statement(with_pk, returning), params)
            if not returning:
                return None
            return cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
