"""A plain INSERT for the rows every request writes (audit entries, timeline steps).

The ORM compiles the statement anew for each `create()`, which on these small rows costs more
than the database's work. `Inserter` builds the statement once per model and database, and
adapts the values with the fields' own `get_db_prep_save`, so what is stored is what `create()`
would store. No signals are sent: use it only for models nothing listens to.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


class Inserter(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self._sql: dict[str, str] = {}

    def _statement(self) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in self.fields)
            marks = ", ".join(["%s"] * len(self.fields))
            sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({marks})"
            if connection.features.can_return_columns_from_insert:
                sql += f" RETURNING {quote(self.model._meta.pk.column)}"
            self._sql[connection.vendor] = sql
        return sql

    def insert(self, obj: M) -> M:
        """Write `obj` (a new, unsaved instance) and set its primary key."""
        params: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        sql = self._statement()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        return obj
