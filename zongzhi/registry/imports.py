"""Excel and CSV import of residents, and the comparison of a department's file with the registry.

The file is read as a stream (csv, or openpyxl in read-only mode), validated row by row with
the same rules as the form, and written in batches of BATCH rows, each batch one transaction:
on PostgreSQL with COPY (ids taken from the sequence first, so the name index can be written
the same way), on SQLite with executemany. Memory stays flat however large the file: only the
ID numbers seen so far are kept, to find duplicate rows.

- A row whose ID number is already registered is skipped, so running the same file again (or
  the rest of a file after an import was stopped) changes nothing twice.
- Rejected rows go to an Excel file of their own, with the reason in Chinese beside each.
- An import can be cancelled between two batches; a batch is never left half written.
"""

from __future__ import annotations

import array
import csv
import dataclasses
import datetime as dt
import functools
import io
import itertools
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.units.models import Unit, User
from zongzhi.units.services import PHONE_RE

from . import crypto
from .idcard import is_valid_id_number, normalize_id_number, parse_id_number
from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks
from .import_reader import RowStream, fork_server, open_rows
from .models import ImportJob, NameToken, Resident, ResidentKind
from .names import name_tokens

logger = logging.getLogger("zongzhi.registry.imports")

BATCH = 5000
MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    table: str | None = None  # a code table: the cell holds the code or its label
    kind: str = "text"  # text | date | kind
    max_length: int = 100
    example: str = ""


COLUMNS: list[Column] = [
    Column("姓名", "name", required=True, max_length=50, example="王建国"),
    Column("证件类型", "id_type_code", table="id_type", example="居民身份证"),
    Column("证件号码", "id_number", required=True, max_length=40, example="32011119850312123X"),
    Column("人口类别", "kind", required=True, kind="kind", example="户籍人口"),
    Column("性别", "sex_code", table="sex", example="（居民身份证由号码推出）"),
    Column("出生日期", "birth_date", kind="date", example="（居民身份证由号码推出）"),
    Column("曾用名", "former_name", max_length=50),
    Column("民族", "ethnicity_code", table="ethnicity", example="汉族"),
    Column("籍贯", "native_place"),
    Column("婚姻状况", "marital_code", table="marital_status", example="已婚"),
    Column("政治面貌", "political_code", table="political_status", example="群众"),
    Column("学历", "education_code", table="education"),
    Column("宗教信仰", "religion_code", table="religion"),
    Column("职业", "occupation", max_length=60),
    Column("联系电话", "phone", max_length=20, example="13812345678"),
    Column("户籍地址", "household_address", max_length=200),
    Column("现住地址", "current_address", max_length=200, example="南京市浦口区沿江街道冯墙路1号"),
    Column("户号", "household_number", max_length=30),
    Column("与户主关系", "relation_code", table="household_relation", example="户主"),
    Column("所属网格代码", "unit_code", max_length=15, example="320111003001001"),
    Column("居住证类型", "permit_type", max_length=20),
    Column("居住证号码", "permit_number", max_length=40),
    Column("发证日期", "permit_issued_on", kind="date"),
    Column("有效期至", "permit_expires_on", kind="date"),
    Column("住所类型", "residence_type", max_length=20),
    Column("流入原因", "reason_for_moving", max_length=100),
    Column("外文姓名", "foreign_name"),
    Column("国籍（地区）", "nationality_code", table="nationality"),
    Column("来华目的", "purpose"),
    Column("抵达日期", "arrived_on", kind="date"),
    Column("预计离开日期", "leaves_on", kind="date"),
]
KINDS = {"户籍人口": "registered", "流动人口": "floating", "境外人员": "overseas", "境外人口": "overseas"}
KINDS.update({v: v for v in KINDS.values()})
FLOATING_ONLY = (
    "permit_type",
    "permit_number",
    "permit_issued_on",
    "permit_expires_on",
    "residence_type",
    "reason_for_moving",
)
OVERSEAS_ONLY = ("foreign_name", "nationality_code", "purpose", "arrived_on", "leaves_on")


def quoted(raw: str) -> str:
    """A cell's text as a reason quotes it: “…”, cut short, so a reason stays one line however
    long the cell (a 300 KB cell is refused for its length, not copied into the reason)."""
    return f"“{raw[:20]}…”" if len(raw) > 20 else f"“{raw}”"


EXCEL_CELL_CHARS = 32_767  # the most text one Excel cell holds


def cut_for_excel(text: str) -> str:
    """Text longer than an Excel cell holds, cut with a note of its length (openpyxl would
    cut it silently)."""
    if len(text) <= EXCEL_CELL_CHARS:
        return text
    note = f"……（已截断，原文共{len(text):,}字）"
    return text[: EXCEL_CELL_CHARS - len(note) - 1] + note  # room for the apostrophe of excel_text


def excel_text(value: Any) -> Any:
    """A value of a file handed back to users: text that looks like a formula is written as text
    (a leading apostrophe), never evaluated; text too long for a cell is cut, saying so."""
    if not isinstance(value, str):
        return value
    value = cut_for_excel(value)
    return ("'" + value) if value.startswith(("=", "+", "-", "@")) else value


def _norm_header(text: str) -> str:
    return str(text or "").replace("*", "").replace("＊", "").replace(" ", "").replace("\u3000", "").strip()


# --- validating ------------------------------------------------------------------------------
class RowChecker:
    """Turns one row into the values of a Resident, or the reason it is refused.

    Everything it needs (code tables, the units, the user's scope) is read when it is made:
    checking a row touches no database, so it can run in a worker process.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.positions: dict[str, int] = state["positions"]
        self.codes: dict[str, dict[str, str]] = state["codes"]
        self.units: dict[str, tuple[str, bool]] = state["units"]
        self.capture: list[str] = state["capture"]
        self.default_path: str | None = state["default_path"]
        self.root: str = state["root"]
        self.today: dt.date = state["today"]
        # The columns of this file in the order of COLUMNS, with what checking each needs;
        # the values of the columns the file does not have (none of them required).
        self._plan = [
            (c.field, self.positions[c.field], c.required, self.codes[c.table] if c.table else None, c.kind, c)
            for c in COLUMNS
            if c.field in self.positions
        ]
        self._absent = {c.field: None if c.kind == "date" else "" for c in COLUMNS if c.field not in self.positions}

    @staticmethod
    def state(header: list[str], user: User, job: ImportJob) -> dict[str, Any]:
        positions: dict[str, int] = {}
        known = {_norm_header(c.header): c for c in COLUMNS}
        for i, raw in enumerate(header):
            col = known.get(_norm_header(raw))
            if col is not None and col.field not in positions:
                positions[col.field] = i
        missing = [c.header for c in COLUMNS if c.required and c.field not in positions]
        if missing:
            raise ImportFileError(f"缺少必填列：{'、'.join(missing)}（请使用系统提供的模板）")
        codes: dict[str, dict[str, str]] = {}
        for c in COLUMNS:
            if c.table:
                table = labels(c.table)
                codes[c.table] = {**{v: k for k, v in table.items()}, **{k: k for k in table}}
        units = {
            code: (path, retired) for code, path, retired in Unit.objects.values_list("code", "path", "is_retired")
        }
        return {
            "positions": positions,
            "codes": codes,
            "units": units,
            "capture": list(user.capture_paths),
            "default_path": job.default_unit.path if job.default_unit else None,
            "root": job.path,
            "today": timezone.localdate(),
        }

    def _unit_path(self, code: str) -> str:
        if not code:
            if self.default_path is None:
                raise ValueError("请填写所属网格代码")
            return self.default_path
        unit = self.units.get(code.ljust(12, "0") if len(code) < 12 else code)
        if unit is None:
            raise ValueError(f"所属网格代码 {code} 不存在")
        path, retired = unit
        if retired:
            raise ValueError(f"所属网格 {code} 已撤销")
        if not path_within(path, self.capture) or not path.startswith(self.root):
            raise ValueError(f"所属网格 {code} 不在您的录入范围内")
        return path

    def check(self, cells: list[str]) -> tuple[dict[str, Any], str, str]:
        """(values, normalised ID number, phone); raises ValueError with the reason."""
        values: dict[str, Any] = dict(self._absent)
        problems: list[str] = []
        width = len(cells)
        for field, i, required, codes, kind, c in self._plan:
            raw = cells[i] if i < width else ""
            if raw:
                raw = raw.strip()
            if not raw:
                if required:
                    problems.append(f"{c.header}为必填")
                values[field] = None if kind == "date" else ""
                continue
            if raw[0] in "=+@" and field != "phone":
                problems.append(f"{c.header}不能是公式")
                continue
            if codes is not None:
                code = codes.get(raw)
                if code is None:
                    problems.append(f"{c.header}{quoted(raw)}不在代码表中")
                    continue
                values[field] = code
            elif kind == "text":
                if len(raw) > c.max_length:
                    problems.append(f"{c.header}不能超过{c.max_length}个字")
                    continue
                values[field] = raw
            elif kind == "kind":
                resident_kind = KINDS.get(raw)
                if resident_kind is None:
                    problems.append(f"人口类别应为户籍人口、流动人口或境外人员，不能是{quoted(raw)}")
                    continue
                values[field] = resident_kind
            else:  # a date
                try:
                    values[field] = dt.date.fromisoformat(raw.replace("/", "-").replace(".", "-")[:10])
                except ValueError:
                    problems.append(f"{c.header}{quoted(raw)}不是日期（如 2026-01-31）")
                    continue
        if problems:
            raise ValueError("；".join(problems))
        id_type = values["id_type_code"] or "111"
        values["id_type_code"] = id_type
        number = normalize_id_number(values.pop("id_number"))
        if id_type == "111":
            if not is_valid_id_number(number):
                try:
                    parse_id_number(number)
                except Exception as exc:  # the InvalidInput's message says what is wrong
                    raise ValueError(getattr(exc, "message", str(exc))) from None
            values["birth_date"] = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            values["sex_code"] = "1" if int(number[16]) % 2 else "2"
        else:
            if values["sex_code"] not in ("0", "1", "2", "9"):
                raise ValueError("证件不是居民身份证时须填写性别")
            if values["birth_date"] is None:
                raise ValueError("证件不是居民身份证时须填写出生日期")
        if values["birth_date"] > self.today:
            raise ValueError("出生日期不能晚于今天")
        phone = values.pop("phone")
        if phone and not PHONE_RE.match(phone):
            raise ValueError(f"联系电话{quoted(phone)}格式不正确")
        kind = values["kind"]
        if kind == ResidentKind.OVERSEAS and not values["nationality_code"]:
            raise ValueError("境外人员须填写国籍（地区）")
        if kind != ResidentKind.FLOATING:
            for name in FLOATING_ONLY:
                values[name] = None if name.endswith("_on") else ""
        elif (
            values["permit_issued_on"]
            and values["permit_expires_on"]
            and values["permit_expires_on"] < values["permit_issued_on"]
        ):
            raise ValueError("有效期至不能早于发证日期")
        if kind != ResidentKind.OVERSEAS:
            for name in OVERSEAS_ONLY:
                values[name] = None if name.endswith("_on") else ""
        values["path"] = self._unit_path(values.pop("unit_code"))
        return values, number, phone


# --- writing ---------------------------------------------------------------------------------
RESIDENT_FIELDS = [f for f in Resident._meta.concrete_fields]
RESIDENT_COLUMNS = [f.column for f in RESIDENT_FIELDS]
TOKEN_COLUMNS = ["token", "resident_id", "path"]


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


def _allocate_ids(n: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Resident._meta.db_table, n],
            )
            return [r[0] for r in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so nobody else takes these.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Resident._meta.db_table}")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + n))


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
}


def _binary_types(fields: list[Any]) -> list[str]:
    """The types of the columns; a model field of a type not listed is a programming error."""
    return [_BINARY_TYPES[f.get_internal_type()] for f in fields]


RESIDENT_TYPES = _binary_types(RESIDENT_FIELDS)
TOKEN_TYPES = ["int8", "int8", "text"]


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


class _CopyRecords:
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


COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\0" + b"\0\0\0\0" + b"\0\0\0\0"
COPY_TRAILER = b"\xff\xff"
_encoders: dict[str, _CopyRecords] = {}


def _encoder(name: str, types: list[str]) -> _CopyRecords:
    if name not in _encoders:
        _encoders[name] = _CopyRecords(types)
    return _encoders[name]


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
    ids: list[int | None] = list(_allocate_ids(len(good))) if postgres else [None] * len(good)
    out: list[Prepared] = []
    block, keys = _TokenBlock(), list[int]()
    resident_encoder = _encoder("resident", RESIDENT_TYPES)
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
        token_encoder, mask = _encoder("token", TOKEN_TYPES), (1 << _OWNER_BITS) - 1
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            records: list[bytes] = [row[3] for row in batch]
            token_records = _token_records(batch)
            for table, columns, data in (
                (Resident._meta.db_table, RESIDENT_COLUMNS, records),
                (NameToken._meta.db_table, TOKEN_COLUMNS, token_records),
            ):
                copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
                with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:  # Django's errors
                    copy.write(b"".join([COPY_SIGNATURE, *data, COPY_TRAILER]))
        return len(batch)
    ids = _allocate_ids(len(batch))
    rows: list[tuple[Any, ...]] = []
    tokens: list[tuple[Any, ...]] = []
    for (_line, _number, _idx, values, row_tokens, path), rid in zip(batch, ids, strict=True):
        values[_ID_AT] = rid
        rows.append(tuple(values))
        tokens.extend((t, rid, path) for t in row_tokens)
    with connection.cursor() as cursor:
        for table, columns, values_list in (
            (Resident._meta.db_table, RESIDENT_COLUMNS, rows),
            (NameToken._meta.db_table, TOKEN_COLUMNS, tokens),
        ):
            if values_list:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values_list)
    return len(rows)


def _registered(indexes: list[bytes]) -> set[bytes]:
    """Which of these ID numbers (their blind indexes) are registered already: one query."""
    if not indexes:
        return set()
    table = Resident._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A cursor that binds on the server: the digests go and come back as binary (Django's
            # cursor writes them into the SQL text, escaping every byte).
            import psycopg

            with psycopg.Cursor(connection.connection) as raw:
                raw.execute(
                    f"SELECT id_number_index FROM {table} WHERE id_number_index = ANY(%b) AND NOT is_retired",
                    [indexes],
                    binary=True,
                )
                return {r[0] for r in raw.fetchall()}
        found: set[bytes] = set()
        for i in range(0, len(indexes), 500):  # SQLite: at most 999 parameters a statement
            chunk = indexes[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id_number_index FROM {table} WHERE id_number_index IN ({marks}) AND is_retired = 0", chunk
            )
            found.update(bytes(r[0]) for r in cursor.fetchall())
        return found


# --- running ---------------------------------------------------------------------------------
class Rejects:
    """The refused rows, kept in a temporary CSV and turned into Excel at the end. A cell longer
    than Excel holds is cut when it comes in (the CSV then never holds a field longer than the
    reader's limit)."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.count = 0
        fd, name = tempfile.mkstemp(prefix="zongzhi-rejects-", suffix=".csv")
        self.path = Path(name)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)

    def add(self, line: int, cells: list[str], reason: str) -> None:
        self.count += 1
        self.writer.writerow([line, cut_for_excel(reason), *(cut_for_excel(c) for c in cells)])

    def to_excel(self) -> bytes:
        from openpyxl import Workbook

        self.fh.close()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("有误的行")
        sheet.append(["原行号", "错误原因", *(excel_text(h) for h in self.header)])
        with open(self.path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                sheet.append([int(row[0]), *(excel_text(c) for c in row[1:])])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


class Cancelled(Exception):
    pass


def run_job(job_id: int) -> ImportJob:
    """Run one import or comparison to its end (called by the worker or a thread)."""
    now = timezone.now()
    # Claimed with one conditional update: a task delivered twice runs once.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    job: ImportJob = ImportJob.objects.select_related("created_by", "default_unit").get(pk=job_id)
    if not claimed:
        return job
    from zongzhi.core.context import Actor, reset_actor, set_actor
    from zongzhi.units import grants

    user = job.created_by
    grants.prime(user)
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=job.path))
    try:
        if job.mode == ImportJob.Mode.COMPARE:
            _compare(job, user)
        elif job.kind == "key_persons":
            _import_listings(job, user)
        else:
            _import(job, user)
    except ImportFileError as exc:
        _finish(job, ImportJob.Status.FAILED, error=str(exc))
    except Cancelled:
        _finish(job, ImportJob.Status.CANCELLED)
    except Exception:
        logger.exception("import %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, error="导入过程中发生错误，已导入的批次保留，请稍后重新导入同一文件")
    finally:
        reset_actor(token)
    return job


def _finish(job: ImportJob, status: str, *, error: str = "") -> None:
    job.status, job.error, job.finished_at = status, error[:300], timezone.now()
    # The upload holds ID numbers and phones in clear: it goes once read (its digest stays).
    if job.file:
        job.file.delete(save=False)
    job.save()
    record_event(
        "registry.import_finished" if job.mode == ImportJob.Mode.IMPORT else "registry.compare_finished",
        obj=job,
        detail={
            "status": status,
            "file": job.filename,
            "sha256": job.file_sha256,
            "imported": job.imported,
            "skipped": job.skipped,
            "rejected": job.rejected,
        },
    )


def _local_copy(job: ImportJob) -> Path:
    suffix = ".xlsx" if job.filename.lower().endswith(".xlsx") else ".csv"
    fd, name = tempfile.mkstemp(prefix="zongzhi-import-", suffix=suffix)
    with os.fdopen(fd, "wb") as out, job.file.open("rb") as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            out.write(chunk)
    return Path(name)


def _rows_of(job: ImportJob, user: User, path: Path) -> tuple[Iterator[list[str]], list[str], RowChecker]:
    rows, estimate = open_rows(path, job.filename, batch=BATCH)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise ImportFileError("文件是空的，或第一行不是表头")
    checker = RowChecker(RowChecker.state(header, user, job))
    if estimate > MAX_ROWS:
        raise ImportFileError(f"一次最多导入{MAX_ROWS:,}行，请拆分文件")
    job.total_rows = estimate
    job.save(update_fields=["total_rows"])
    return rows, header, checker


POOL_MIN_ROWS = 20_000


def _blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells if c)


def _chunks(rows: Iterator[list[str]]) -> Iterator[tuple[list[tuple[int, list[str]]], int]]:
    """Non-empty rows with their line numbers, BATCH at a time, and the last line read."""
    chunk: list[tuple[int, list[str]]] = []
    line = 1
    for cells in rows:
        line += 1
        if _blank(cells):
            continue
        chunk.append((line, cells))
        if len(chunk) >= BATCH:
            yield chunk, line
            chunk = []
    yield chunk, line


def numbered(rows: list[list[str]], line: int) -> list[tuple[int, list[str]]]:
    """The rows that are not blank with their line numbers, the first row being on `line`."""
    return [(n, cells) for n, cells in enumerate(rows, line) if not _blank(cells)]


def _pickled_chunks(rows: Iterator[list[str]]) -> Iterator[tuple[bytes, int, int]]:
    """The rows after the header, BATCH at a time, pickled for a worker process: (the pickled
    rows, the line of the first, the line of the last). An xlsx parser process has pickled
    them already, and they pass through this process unopened (`RowStream.batches`)."""
    line = 2
    if isinstance(rows, RowStream):
        for raw, count in rows.batches():
            yield raw, line, line + count - 1
            line += count
        return
    while batch := list(itertools.islice(rows, BATCH)):
        yield pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL), line, line + len(batch) - 1
        line += len(batch)


def _workers(estimate: int) -> int:
    """Worker processes for checking and sealing: the cores, for large files (starting them
    costs a second or two); none for small ones."""
    if estimate < POOL_MIN_ROWS:
        return 0
    return min(int(getattr(settings, "IMPORT_WORKERS", os.cpu_count() or 1)), 4)


def _import_listings(job: ImportJob, user: User) -> None:
    from . import import_listings

    path = _local_copy(job)
    rejects: Rejects | None = None
    try:
        rows, estimate = open_rows(path, job.filename)
        header = next(rows, None)
        if not header or not any(h.strip() for h in header):
            raise ImportFileError("文件是空的，或第一行不是表头")
        job.total_rows = estimate
        job.save(update_fields=["total_rows"])
        rejects = Rejects(header)
        import_listings.run(job, user, rows, header, rejects)
        job.total_rows = job.processed_rows
        _store_rejects(job, rejects)
        _finish(job, ImportJob.Status.DONE)
    finally:
        if rejects is not None:
            rejects.close()
        path.unlink(missing_ok=True)


def _import(job: ImportJob, user: User) -> None:
    path = _local_copy(job)
    rejects: Rejects | None = None
    try:
        rows, header, checker = _rows_of(job, user, path)
        rejects = Rejects(header)
        seen: dict[str, int] = {}
        vendor = connection.vendor
        now = timezone.now()
        workers = _workers(job.total_rows)
        if workers:
            _import_in_pool(job, rows, checker, rejects, seen, vendor, now, workers)
        else:
            for chunk, line in _chunks(rows):
                prepared, refused = prepare(chunk, checker, vendor, now)
                _flush(job, functools.partial(list, chunk), prepared, refused, rejects, seen, line)
        job.total_rows = job.processed_rows
        _store_rejects(job, rejects)
        _finish(job, ImportJob.Status.DONE)
    finally:
        if rejects is not None:
            rejects.close()
        path.unlink(missing_ok=True)


def _import_in_pool(
    job: ImportJob,
    rows: Iterator[list[str]],
    checker: RowChecker,
    rejects: Rejects,
    seen: dict[str, int],
    vendor: str,
    now: dt.datetime,
    workers: int,
) -> None:
    """Workers check and seal the next chunks while this process writes the current one; at
    most two chunks per worker wait, so memory stays flat however long the file. A chunk goes
    to its worker pickled, and is unpickled here only if it holds a duplicate row."""
    from collections import deque

    state = {
        name: getattr(checker, name)
        for name in ("positions", "codes", "units", "capture", "default_path", "root", "today")
    }
    database = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    context = fork_server()
    from . import import_worker

    with context.Pool(workers, initializer=import_worker.init, initargs=(state, crypto.master_key(), database)) as pool:
        waiting: deque[tuple[Any, bytes, int, int]] = deque()
        chunks = _pickled_chunks(rows)
        exhausted = False
        while True:
            while not exhausted and len(waiting) < workers * 2:
                try:
                    raw, first, last = next(chunks)
                except StopIteration:
                    exhausted = True
                    break
                waiting.append((pool.apply_async(import_worker.prepare, (raw, first, vendor, now)), raw, first, last))
            if not waiting:
                break
            result, raw, first, last = waiting.popleft()
            prepared, refused = result.get(timeout=600)  # a worker that cannot start must not hang the job
            _flush(job, functools.partial(_unpickled, raw, first), prepared, refused, rejects, seen, last)


def _unpickled(raw: bytes, line: int) -> list[tuple[int, list[str]]]:
    return numbered(pickle.loads(raw), line)


def _flush(
    job: ImportJob,
    chunk: Callable[[], list[tuple[int, list[str]]]],
    prepared: list[Prepared],
    refused: list[tuple[int, list[str], str]],
    rejects: Rejects,
    seen: dict[str, int],
    line: int,
) -> None:
    """Take the duplicates out of one checked chunk and write it (the rows as read come from
    `chunk()`, asked for only to show a duplicate: the prepared ones do not carry them back)."""
    for bad_line, cells, reason in refused:
        rejects.add(bad_line, cells, reason)
    unique: list[Prepared] = []
    cells_of: dict[int, list[str]] | None = None
    for row in prepared:
        first = seen.get(row[1])
        if first is not None:
            cells_of = cells_of or dict(chunk())
            rejects.add(row[0], cells_of[row[0]], f"与第{first}行的证件号码重复")
            continue
        seen[row[1]] = row[0]
        unique.append(row)
    _write_batch(job, unique, rejects.count, line)


def _write_batch(job: ImportJob, unique: list[Prepared], rejected: int, line: int) -> None:
    """Write one chunk as one transaction, with the job's counters."""
    if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
        raise Cancelled()
    postgres = connection.vendor == "postgresql"
    # On PostgreSQL the batch is written at once: in a new file nobody is registered yet, and
    # looking up five thousand people per batch would cost the database more than writing
    # them. When the unique index refuses the batch (a re-run, or people registered
    # already), the registered ones are looked up and left out, and the rest is written.
    fresh = unique
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                if postgres:
                    # A batch lost to a crash of the database server is written again by the
                    # re-run (its counters are in the same transaction): no need to wait for
                    # the disk at each of a million-row import's two hundred commits.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                if attempt == 2 or not postgres:
                    existing = _registered([row[2] for row in fresh])
                    fresh = [row for row in fresh if row[2] not in existing]
                imported = write_residents(fresh, timezone.now())
                job.imported += imported
                job.skipped += len(unique) - len(fresh)
                job.rejected = rejected
                job.processed_rows = max(job.processed_rows, line - 1)
                job.total_rows = max(job.total_rows, job.processed_rows)
                job.heartbeat_at = timezone.now()
                job.save(
                    update_fields=["imported", "skipped", "rejected", "processed_rows", "total_rows", "heartbeat_at"]
                )
            return
        except IntegrityError:
            if attempt == 2 or not postgres:
                raise


def _store_rejects(job: ImportJob, rejects: Rejects) -> None:
    job.rejected = rejects.count
    if rejects.count:
        stem = Path(job.filename).stem[:60]
        job.rejects_file.save(f"{stem}-有误的行.xlsx", File(io.BytesIO(rejects.to_excel())), save=False)


# --- comparing -------------------------------------------------------------------------------
def _compare(job: ImportJob, user: User) -> None:
    """New people (in the file, not registered anywhere), changed (name, address or phone
    differ), missing (registered under the unit, not in the file), and people of the file
    registered in another jurisdiction. A new person whose row an import would refuse is
    listed with the reason, so the counts say what an import of the file would do."""
    path = _local_copy(job)
    try:
        rows, _header, checker = _rows_of(job, user, path)
        pos = checker.positions
        in_file: dict[bytes, tuple[int, str, str, str, str, str]] = {}
        bad = 0
        line = 1
        for cells in rows:
            line += 1
            if not any(c.strip() for c in cells if c):
                continue

            def cell(field: str, cells: list[str] = cells) -> str:
                i = pos.get(field)
                return cells[i].strip() if i is not None and i < len(cells) and cells[i] else ""

            number = normalize_id_number(cell("id_number"))
            if not number or (len(number) == 18 and not is_valid_id_number(number)):
                bad += 1
                continue
            try:
                checker.check(cells)
                refusal = ""
            except ValueError as exc:
                refusal = str(exc)
            in_file[crypto.blind_index(number, "id_number")] = (
                line,
                mask_value(number),
                cell("name"),
                cell("current_address"),
                cell("phone"),
                refusal,
            )
            if line % BATCH == 0:
                job.processed_rows, job.heartbeat_at = line - 1, timezone.now()
                job.save(update_fields=["processed_rows", "heartbeat_at"])
                if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    raise Cancelled()
        job.processed_rows = job.total_rows = line - 1
        registered = Resident.objects.filter(subtree_q([job.path]), is_retired=False).values_list(
            "id_number_index", "name", "current_address", "phone_index", "id_number_mask", "path"
        )
        new, changed, missing = [], [], []
        units = dict(Unit.objects.filter(subtree_q([job.path])).values_list("path", "name"))
        matched: set[bytes] = set()
        for index, name, address, phone_index, masked, rpath in registered.iterator(chunk_size=5000):
            key = bytes(index)
            entry = in_file.get(key)
            if entry is None:
                missing.append([masked, name, units.get(rpath, "")])
                continue
            matched.add(key)
            _line, _m, fname, faddress, fphone, _refusal = entry
            diffs = []
            if fname and fname != name:
                diffs.append(f"姓名：{name} → {fname}")
            if faddress and faddress != address:
                diffs.append(f"现住地址：{address} → {faddress}")
            if fphone and (phone_index is None or crypto.blind_index(fphone, "phone") != bytes(phone_index)):
                diffs.append("联系电话不同")
            if diffs:
                changed.append([masked, name, units.get(rpath, ""), "；".join(diffs)])
        unmatched = [key for key in in_file if key not in matched]
        elsewhere_keys: set[bytes] = set()
        for i in range(0, len(unmatched), BATCH):  # registered, but not under this unit
            elsewhere_keys |= _registered(unmatched[i : i + BATCH])
        elsewhere: list[list[Any]] = []
        new_invalid = 0
        for key in unmatched:
            fline, masked, fname, faddress, _p, refusal = in_file[key]
            if key in elsewhere_keys:
                elsewhere.append([fline, masked, fname])
                continue
            new_invalid += bool(refusal)
            new.append([fline, masked, fname, faddress, refusal or "可导入"])
        job.report = {
            "in_file": len(in_file),
            "registered": len(matched) + len(missing),
            "new": len(new),
            "new_invalid": new_invalid,
            "changed": len(changed),
            "missing": len(missing),
            "elsewhere": len(elsewhere),
            "unreadable": bad,
        }
        job.rejected = bad
        _store_report(job, new, changed, missing, elsewhere)
        _finish(job, ImportJob.Status.DONE)
    finally:
        path.unlink(missing_ok=True)


def _store_report(
    job: ImportJob,
    new: list[list[Any]],
    changed: list[list[Any]],
    missing: list[list[Any]],
    elsewhere: list[list[Any]],
) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, head, rows in (
        ("新增人员", ["原行号", "证件号码", "姓名", "现住地址", "导入检查"], new),
        ("信息变化", ["证件号码", "姓名（系统）", "所属网格", "变化"], changed),
        ("系统有、文件无", ["证件号码", "姓名", "所属网格"], missing),
        ("已在其他辖区登记", ["原行号", "证件号码", "姓名"], elsewhere),
    ):
        sheet = book.create_sheet(title)
        sheet.append(head)
        for row in rows:
            sheet.append([excel_text(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    stem = Path(job.filename).stem[:60]
    job.report_file.save(f"{stem}-比对结果.xlsx", File(io.BytesIO(out.getvalue())), save=False)


# --- starting --------------------------------------------------------------------------------
def start(job: ImportJob) -> None:
    """Queue the job once the upload is committed."""
    start_background("registry.run_import", run_job, job.pk)


def start_background(task: str, work: Callable[[int], Any], object_id: int) -> None:
    """Run `work(object_id)` in the background after the current transaction commits: on
    the worker (production, by task name), or in a thread of the web process (the embedded
    default, which has no worker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _thread(work, object_id))
    else:
        from celery import current_app

        transaction.on_commit(lambda: current_app.send_task(task, args=[object_id]))


def _thread(work: Callable[[int], Any], object_id: int) -> None:
    def run() -> None:
        try:
            work(object_id)
        except Exception:
            logger.exception("background work %s(%s) failed", getattr(work, "__name__", work), object_id)
        finally:
            close_old_connections()
            connection.close()

    threading.Thread(target=run, name=f"background-{object_id}", daemon=True).start()


def template(kind: str = "residents") -> bytes:
    """The Excel template users fill in: the columns, an example row, and the code lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "实有人口"
    sheet.append([f"{c.header}*" if c.required else c.header for c in COLUMNS])
    sheet.append([c.example for c in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i, c in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = bold
        if c.required:
            cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = max(12, len(c.header) * 2 + 2)
        sheet.cell(row=2, column=i).number_format = "@"
    notes = book.create_sheet("填写说明")
    for line in (
        "1. 第一行为表头，带 * 的列必填；第二行是示例，导入前请删除。",
        "2. 证件类型为居民身份证时，出生日期和性别由号码推出，可不填。",
        "3. 代码列（民族、婚姻状况等）可填名称（如“汉族”）或代码（如“01”）。",
        "4. 所属网格代码为15位网格代码或12位村（社区）代码；为空时使用导入时选择的辖区。",
        "5. 已登记的证件号码不会重复导入；有误的行会单独列出原因，改正后可再次导入。",
        "6. 请不要在单元格中使用公式。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    codes = book.create_sheet("代码表")
    col = 1
    for c in COLUMNS:
        if not c.table:
            continue
        codes.cell(row=1, column=col, value=c.header).font = bold
        for r, (code, label) in enumerate(labels(c.table).items(), start=2):
            codes.cell(row=r, column=col, value=f"{code} {label}")
        codes.column_dimensions[codes.cell(row=1, column=col).column_letter].width = 22
        col += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


STALLED_AFTER = dt.timedelta(minutes=10)


IMPORT_FILES_DAYS = 7


def expire_files(now: dt.datetime | None = None) -> int:
    """Rejected rows and comparison reports hold personal data in clear: deleted a week after
    the job ended."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(finished_at__lt=now - dt.timedelta(days=IMPORT_FILES_DAYS)).exclude(
        rejects_file="", report_file=""
    )
    count = 0
    for job in old:
        for stored in (job.rejects_file, job.report_file):
            if stored:
                stored.delete(save=False)
        job.save(update_fields=["rejects_file", "report_file"])
        count += 1
    return count


def settle_stalled(now: dt.datetime | None = None) -> int:
    """Jobs that stopped making progress (the process running them died) are marked failed:
    their finished batches stay, and uploading the file again imports the rest."""
    now = now or timezone.now()
    stalled = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
    count = 0
    for job in stalled:
        _finish(job, ImportJob.Status.FAILED, error="导入中断（处理进程已停止），已导入的批次保留，请重新导入同一文件")
        count += 1
    return count
