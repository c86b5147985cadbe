"""The hand-written SQL of transfers: the import's bulk writes into people's tables, one function
per need, with the measured reason in its docstring. Each writes or returns what its ORM form
would (`tests/test_queries.py` checks it, and pins its query count).

They live here, not in `people/queries.py`, because only the import writes people's tables in
bulk, and the records they take are made by the import's worker processes
(`import_writer.prepare`) in the column order declared here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from zongzhi.people.models import NameToken, Resident

RESIDENT_FIELDS = list(Resident._meta.concrete_fields)
RESIDENT_COLUMNS = [f.column for f in RESIDENT_FIELDS]
TOKEN_COLUMNS = ["token", "resident_id", "path"]

# PostgreSQL types of the columns, for COPY in binary format (no text encoding of the sealed
# bytes, dates and numbers on either side).
_BINARY_TYPES = {
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "ForeignKey": "int8",
    "BinaryField": "bytea",
    "BooleanField": "bool",
    "CharField": "text",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "FloatField": "float8",
    "PositiveIntegerField": "int4",
    "PositiveSmallIntegerField": "int2",
    "UUIDField": "uuid",
}


def _binary_types(fields: list[Any]) -> list[str]:
    """The types of the columns; a model field of a type not listed is a programming error."""
    return [_BINARY_TYPES[f.get_internal_type()] for f in fields]


RESIDENT_TYPES = _binary_types(RESIDENT_FIELDS)
TOKEN_TYPES = ["int8", "int8", "text"]
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\0" + b"\0\0\0\0" + b"\0\0\0\0"
COPY_TRAILER = b"\xff\xff"


class CopyRecords:
    """Rows in PostgreSQL's binary COPY format, one `bytes` per row, made by psycopg's own
    encoder (its C implementation where installed) with the given column types."""

    def __init__(self, types: list[str]) -> None:
        from psycopg import adapters, pq
        from psycopg._copy_base import format_row_binary  # psycopg's encoder of one COPY row
        from psycopg.adapt import Transformer

        self._format = format_row_binary
        self._tx = Transformer()
        self._tx.set_dumper_types([adapters.types.get_oid(t) for t in types], pq.Format.BINARY)

    def encode(self, row: Any) -> bytes:
        out = bytearray()
        self._format(row, self._tx, out)
        return bytes(out)

    def append(self, row: Any, out: bytearray) -> None:
        self._format(row, self._tx, out)


_encoders: dict[str, CopyRecords] = {}


def encoder(name: str) -> CopyRecords:
    """The COPY encoder of the resident ("resident") or name-token ("token") rows."""
    if name not in _encoders:
        _encoders[name] = CopyRecords(RESIDENT_TYPES if name == "resident" else TOKEN_TYPES)
    return _encoders[name]


def allocate_resident_ids(n: int) -> list[int]:
    """Ids for `n` new residents, drawn before they are written so that their name-index rows
    can be made beside them (in the worker processes, on PostgreSQL). The ORM form,
    `bulk_create`, learns the ids only by writing. On SQLite the caller's transaction holds
    the write lock (IMMEDIATE), so nobody else takes these."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Resident._meta.db_table, n],
            )
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Resident._meta.db_table}")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + n))


def copy_residents(records: Sequence[bytes], token_records: Iterable[bytes | bytearray]) -> None:
    """PostgreSQL: residents and their name-index rows, encoded by `encoder`, written with two
    binary COPYs (inside the caller's transaction); what `bulk_create` of the same residents
    and `NameToken`s would store.

    Why: loading 1M residents took 6.0 s this way and 74.5 s with `bulk_create` (DESIGN.md,
    measured facts), and the records are encoded in the worker processes, so the importing
    process only joins bytes. Each COPY is logged like a query (Django's debug log and query
    counts do not see COPY otherwise)."""
    with connection.cursor() as cursor:
        for table, columns, data in (
            (Resident._meta.db_table, RESIDENT_COLUMNS, records),
            (NameToken._meta.db_table, TOKEN_COLUMNS, token_records),
        ):
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
            start = time.monotonic()
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:  # Django's errors
                copy.write(b"".join([COPY_SIGNATURE, *data, COPY_TRAILER]))
            if connection.queries_logged:
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})


def insert_residents(rows: Sequence[tuple[Any, ...]], tokens: Sequence[tuple[Any, ...]]) -> None:
    """SQLite: residents (the values of `RESIDENT_FIELDS`, ids given) and their name-index rows,
    with one executemany each; what `bulk_create` of the same objects would store.

    Why: the values come already adapted from the worker processes (`import_writer.prepare`),
    with the ids drawn first, so the name-index rows are made beside them; `bulk_create` would
    adapt every value again. Not timed against `bulk_create` on SQLite yet (the PostgreSQL
    figures are in `copy_residents`): if it saves under a millisecond a batch, drop it."""
    with connection.cursor() as cursor:
        for table, columns, values in (
            (Resident._meta.db_table, RESIDENT_COLUMNS, rows),
            (NameToken._meta.db_table, TOKEN_COLUMNS, tokens),
        ):
            if values:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)


def registered(indexes: list[bytes]) -> set[bytes]:
    """Which of these ID numbers (their blind indexes) are registered already, among residents
    not retired: `set(Resident.objects.filter(id_number_index__in=indexes, is_retired=False)
    .values_list("id_number_index", flat=True))`, in one query on PostgreSQL.

    Why: on PostgreSQL a cursor that binds on the server sends the 5,000 digests of a batch and
    gets them back as binary; Django's cursor writes them into the SQL text, escaping every
    byte (not re-timed since it was written). On SQLite, chunks of 500 (at most 999 parameters
    a statement)."""
    if not indexes:
        return set()
    table = Resident._meta.db_table
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        sql = f"SELECT id_number_index FROM {table} WHERE id_number_index = ANY(%b) AND NOT is_retired"
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, [indexes], binary=True)
            if connection.queries_logged:
                connection.queries_log.append({"sql": sql, "time": "0.000"})
            return {r[0] for r in raw.fetchall()}
    found: set[bytes] = set()
    with connection.cursor() as cursor:
        for i in range(0, len(indexes), 500):
            chunk = indexes[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id_number_index FROM {table} WHERE id_number_index IN ({marks}) AND is_retired = 0", chunk
            )
            found.update(bytes(r[0]) for r in cursor.fetchall())
    return found
