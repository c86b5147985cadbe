"""Prepared rows of an import, written: checked, sealed and indexed in `prepare` (in a worker
process for large files), then written by `write_residents` in the importing process.

On PostgreSQL `prepare` also draws the ids from the sequence and encodes the rows for binary
COPY, so the writing process only joins bytes; on SQLite the rows go in with executemany. The
SQL of both is in `queries.py`.
"""

from __future__ import annotations

import array
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from zongzhi.core import crypto
from zongzhi.core.changes import changed
from zongzhi.core.masking import mask_value
from zongzhi.people.names import name_tokens

from . import queries
from .import_checker import RowChecker
from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks
from .queries import RESIDENT_FIELDS


def _defaults(now: dt.datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in RESIDENT_FIELDS:
        if f.name in ("created_at", "updated_at"):
            out[f.attname] = now
        elif f.null:
            out[f.attname] = None
        elif f.has_default():
            out[f.attname] = f.get_default()
        else:
            out[f.attname] = ""
    return out


# A prepared row: (line, ID number, its blind index, row, tokens, path).
# Made without writing anything, in a worker process for large files. On SQLite `row` is the
# column values (id left None) and `tokens` the name tokens. On PostgreSQL `row` is already the
# record of a binary COPY, with the id drawn from the sequence, and `tokens` is (the chunk's
# _TokenBlock, the row's position in the chunk): the process that writes only joins bytes.
Prepared = tuple[int, str, bytes, Any, Any, str]
_OWNER_BITS = 24  # a chunk has fewer rows than 2**24


@dataclass
class _TokenBlock:
    """A chunk's name-index rows as binary COPY records in key order, one run of bytes; where
    each record ends, and the position in the chunk of its resident (to leave out the rows of
    residents not written)."""

    data: bytearray = dataclasses.field(default_factory=bytearray)
    ends: array.array[int] = dataclasses.field(default_factory=lambda: array.array("I"))
    owners: array.array[int] = dataclasses.field(default_factory=lambda: array.array("I"))
    size: int = 0


def _token_records(batch: list[Prepared]) -> list[bytes | bytearray]:
    """The name-index records of the residents of `batch`, in each chunk's key order."""
    blocks: dict[int, tuple[_TokenBlock, set[int]]] = {}
    for row in batch:
        block, position = row[4]
        blocks.setdefault(id(block), (block, set()))[1].add(position)
    records: list[bytes | bytearray] = []
    for block, positions in blocks.values():
        if len(positions) == block.size:
            records.append(block.data)
            continue
        view, start = memoryview(block.data), 0
        for end, owner in zip(block.ends, block.owners, strict=True):
            if owner in positions:
                records.append(bytes(view[start:end]))
            start = end
    return records


_ID_AT = [f.attname for f in RESIDENT_FIELDS].index("id")


def prepare(
    chunk: list[tuple[int, list[str]]], checker: RowChecker, vendor: str, now: dt.datetime
) -> tuple[list[Prepared], list[tuple[int, list[str], str]]]:
    """Check, seal and index a chunk of rows: (rows ready to write, refused rows).

    On PostgreSQL it also draws the ids from the sequence (safe from any connection) and
    encodes the rows for COPY. Whether a person is registered already is left to the writing:
    the unique index tells, and only a batch it refuses is looked at (see _write_batch)."""
    good: list[tuple[int, dict[str, Any], str, str, list[str]]] = []
    refused: list[tuple[int, list[str], str]] = []
    for line, cells in chunk:
        try:
            values, number, phone = checker.check(cells)
        except ValueError as exc:
            refused.append((line, cells, str(exc)))
            continue
        good.append((line, values, number, phone, cells))
    numbers = [g[2] for g in good]
    indexes = crypto.blind_index_many(numbers, "id_number")
    postgres = vendor == "postgresql"
    sealed = crypto.seal_many(numbers)
    with_phone = [g[3] for g in good if g[3]]
    phone_sealed = iter(crypto.seal_many(with_phone))
    phone_index = iter(crypto.blind_index_many(with_phone, "phone"))
    base = _defaults(now)
    if not postgres:
        # SQLite keeps times as text in Django's own form ("2026-12-04 06:00:00.123456", UTC);
        # isoformat's "T" would sort after every time Django writes, and filters on
        # created_at would miss the imported residents.
        base = {
            k: connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v for k, v in base.items()
        }
    ids: list[int | None] = list(queries.allocate_resident_ids(len(good))) if postgres else [None] * len(good)
    out: list[Prepared] = []
    block, keys = _TokenBlock(), list[int]()
    resident_encoder = queries.encoder("resident")
    for (line, values, number, phone, _cells), s, idx, rid in zip(good, sealed, indexes, ids, strict=True):
        row = dict(base)
        row.update(values)
        row["id"] = rid
        row["id_number_sealed"], row["id_number_index"], row["id_number_mask"] = s, idx, mask_value(number)
        if phone:
            row["phone_sealed"], row["phone_index"], row["phone_mask"] = (
                next(phone_sealed),
                next(phone_index),
                mask_value(phone),
            )
        tokens = sorted(name_tokens(values["name"], values["former_name"]))
        path = values["path"]
        if postgres:
            record: Any = resident_encoder.encode([row[f.attname] for f in RESIDENT_FIELDS])
            position = len(out)
            keys.extend((t << _OWNER_BITS) | position for t in tokens)
            out.append((line, number, idx, record, (block, position), path))
        else:
            record = [
                row[f.attname].isoformat() if isinstance(row[f.attname], dt.date) else row[f.attname]
                for f in RESIDENT_FIELDS
            ]
            out.append((line, number, idx, record, tokens, path))
    if postgres:
        # The name index takes its rows much faster in key order (neighbouring rows land on
        # the same pages): a third less database time for a million residents' tokens.
        keys.sort()
        token_encoder, mask = queries.encoder("token"), (1 << _OWNER_BITS) - 1
        data, ends, owners = block.data, block.ends, block.owners
        for key in keys:
            position = key & mask
            token_encoder.append((key >> _OWNER_BITS, ids[position], out[position][5]), data)
            ends.append(len(data))
            owners.append(position)
        block.size = len(out)
    return out, refused


def write_residents(batch: list[Prepared], now: dt.datetime) -> int:
    """Write prepared residents and their name tokens (inside the caller's transaction)."""
    if not batch:
        return 0
    changed("registry", {(row[5], None) for row in batch})  # the statistics' cells, same transaction
    if connection.vendor == "postgresql":
        queries.copy_residents([row[3] for row in batch], _token_records(batch))
        return len(batch)
    ids = queries.allocate_resident_ids(len(batch))
    rows: list[tuple[Any, ...]] = []
    tokens: list[tuple[Any, ...]] = []
    for (_line, _number, _idx, values, row_tokens, path), rid in zip(batch, ids, strict=True):
        values[_ID_AT] = rid
        rows.append(tuple(values))
        tokens.extend((t, rid, path) for t in row_tokens)
    queries.insert_residents(rows, tokens)
    return len(rows)
