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
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.people import normalize
from zongzhi.people.idcard import is_valid_id_number, normalize_id_number
from zongzhi.people.models import NameToken, Resident
from zongzhi.people.names import name_tokens
from zongzhi.people.validation import CODE_TABLES, ID_CARD, ID_NUMBER_LIMIT, TEXT_LIMITS, Codes, check_resident
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import Unit, User

from . import sealed_files
from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks
from .import_reader import RowStream, fork_server, open_rows

logger = logging.getLogger("zongzhi.transfers.imports")

BATCH = 5000
MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    table: str | None = None  # a code table: the cell holds the code or its label
    kind: str = "text"  # text | date | kind | phone
    example: str = ""
    # A long code (ID number, phone, household number …): a spreadsheet that keeps it in a
    # number cell has kept only 15 significant digits of it, so such a value is refused.
    long_code: bool = False

    @property
    def max_length(self) -> int:
        """The longest value: the model's column for text fields (validation.TEXT_LIMITS)."""
        return TEXT_LIMITS.get(self.field) or _OTHER_LIMITS.get(self.field, 20)


_OTHER_LIMITS = {"id_number": ID_NUMBER_LIMIT, "phone": 20, "unit_code": 15}
COLUMNS: list[Column] = [
    Column("姓名", "name", required=True, example="王建国"),
    Column("证件类型", "id_type_code", table="id_type", example="居民身份证"),
    Column("证件号码", "id_number", required=True, long_code=True, example="32011119850312123X"),
    Column("人口类别", "kind", required=True, kind="kind", example="户籍人口"),
    Column("性别", "sex_code", table="sex", example="（居民身份证由号码推出）"),
    Column("出生日期", "birth_date", kind="date", example="（居民身份证由号码推出）"),
    Column("曾用名", "former_name"),
    Column("民族", "ethnicity_code", table="ethnicity", example="汉族"),
    Column("籍贯", "native_place"),
    Column("婚姻状况", "marital_code", table="marital_status", example="已婚"),
    Column("政治面貌", "political_code", table="political_status", example="群众"),
    Column("学历", "education_code", table="education"),
    Column("宗教信仰", "religion_code", table="religion"),
    Column("职业", "occupation"),
    Column("联系电话", "phone", kind="phone", long_code=True, example="13812345678"),
    Column("户籍地址", "household_address"),
    Column("现住地址", "current_address", example="南京市浦口区沿江街道冯墙路1号"),
    Column("户号", "household_number", long_code=True),
    Column("与户主关系", "relation_code", table="household_relation", example="户主"),
    Column("所属网格代码", "unit_code", long_code=True, example="320111003001001"),
    Column("居住证类型", "permit_type"),
    Column("居住证号码", "permit_number", long_code=True),
    Column("发证日期", "permit_issued_on", kind="date"),
    Column("有效期至", "permit_expires_on", kind="date"),
    Column("住所类型", "residence_type"),
    Column("流入原因", "reason_for_moving"),
    Column("外文姓名", "foreign_name"),
    Column("国籍（地区）", "nationality_code", table="nationality"),
    Column("来华目的", "purpose"),
    Column("抵达日期", "arrived_on", kind="date"),
    Column("预计离开日期", "leaves_on", kind="date"),
]
KINDS = {
    **dict.fromkeys(("户籍人口", "户籍", "户籍人员", "常住户籍人口"), "registered"),
    **dict.fromkeys(("流动人口", "流动", "流动人员", "外来人口"), "floating"),
    **dict.fromkeys(("境外人员", "境外人口", "境外", "外籍人员"), "overseas"),
}
KINDS.update({v: v for v in KINDS.values()})


# A number in scientific notation (3.20111E+17, 1.38123E+10): what a number cell holding a long
# code turns into, in the cell itself or in a CSV saved from it. The digits are gone.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
PRECISION_LOST = "{header}“{raw}”精度丢失（Excel 数字单元格只保留15位有效数字），请将该列设置为文本格式后重新导出"


def precision_lost(header: str, raw: str) -> str | None:
    """The reason to refuse a long code that came out of a number cell, or None."""
    return PRECISION_LOST.format(header=header, raw=raw) if _SCIENTIFIC.match(raw) else None


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


def norm_header(text: str) -> str:
    """A header as compared: NFKC, no spaces, no required-marks (*, （必填）)."""
    header = "".join(normalize.text(str(text or "")).split()).replace("*", "")
    return header.removesuffix("(必填)")


ALIAS_TABLE = "import_header_alias"
HEADER_SCAN_ROWS = 10  # title rows above the header: a department's file rarely has more than two


def header_fields() -> dict[str, str]:
    """Normalised column header → field: the template's headers, and the synonyms that
    administrators keep in the dictionary's table import_header_alias (an item per template
    column, labelled with its header; below it, an item per header that departments' files use
    for it)."""
    from zongzhi.dictionary.models import CodeItem

    ours = {norm_header(c.header): c.field for c in COLUMNS}
    fields = dict(ours)
    synonyms = CodeItem.objects.filter(
        table__code=ALIAS_TABLE, is_retired=False, parent__isnull=False, parent__is_retired=False
    ).values_list("label", "parent__label")
    for alias, header in synonyms:
        field = ours.get(norm_header(header))
        if field:
            fields.setdefault(norm_header(alias), field)
    return fields


def find_header(rows: Iterator[list[str]], fields: dict[str, str]) -> tuple[list[str], int, Iterator[list[str]]]:
    """(the header, its line number, the rows after it). The header is the row among the first
    HEADER_SCAN_ROWS that names the most known columns: a merged title row (…登记表（2026年11
    月）) or a blank line above it is passed over. A file whose rows name no known column
    keeps its first row as the header (the missing columns are then reported)."""
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    if not head:
        return [], 1, rows
    scores = [len({fields.get(norm_header(cell)) for cell in row if cell} - {None}) for row in head]
    best = scores.index(max(scores)) if max(scores) else 0
    if isinstance(rows, RowStream):  # stays one, so its rows can pass to the workers unopened
        rows.put_back(head[best + 1 :])
        return head[best], best + 1, rows
    return head[best], best + 1, itertools.chain(head[best + 1 :], rows)


_nfkc = functools.partial(unicodedata.normalize, "NFKC")


# --- validating ------------------------------------------------------------------------------
class RowChecker:
    """Turns one row into the values of a Resident, or the reason it is refused.

    Everything it needs (code tables, the units, the user's scope) is read when it is made:
    checking a row touches no database, so it can run in a worker process.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.positions: dict[str, int] = state["positions"]
        self.fixed: dict[str, str] = state["fixed"]
        self.codes: dict[str, dict[str, str]] = state["codes"]
        self.lookups: Codes = state["lookups"]
        self.units: dict[str, tuple[str, bool]] = state["units"]
        self.capture: list[str] = state["capture"]
        self.default_path: str | None = state["default_path"]
        self.root: str = state["root"]
        self.today: dt.date = state["today"]
        # The columns of this file in the order of COLUMNS, with what checking each needs and
        # the value a short row stands for; a field given one value for the whole file has no
        # column (its position is past every row's end) and is checked as if every row held it;
        # the values of the other columns the file does not have (none of them required).
        beyond = 1 << 30
        self._plan = [
            (
                c.field,
                self.positions.get(c.field, beyond),
                c.required,
                self.codes[c.table] if c.table else None,
                c.kind,
                c,
                self.fixed.get(c.field, ""),
            )
            for c in COLUMNS
            if c.field in self.positions or c.field in self.fixed
        ]
        self._absent = {
            c.field: None if c.kind == "date" else ""
            for c in COLUMNS
            if c.field not in self.positions and c.field not in self.fixed
        }

    @staticmethod
    def state(header: list[str], user: User, job: ImportJob, fields: dict[str, str] | None = None) -> dict[str, Any]:
        """What checking needs, read once: where each field is in the file (the detected
        headers, then the uploader's own choices in `job.mapping["columns"]`), the values the
        uploader gave for columns the file lacks (`job.mapping["fixed"]`), the code tables,
        the units and the uploader's scope."""
        fields = header_fields() if fields is None else fields
        chosen: dict[str, str] = (job.mapping or {}).get("columns", {})
        fixed: dict[str, str] = (job.mapping or {}).get("fixed", {})
        by_index: dict[str, str] | None = (job.mapping or {}).get("by_index")  # confirmed in the wizard
        positions: dict[str, int] = {}
        for i, raw in enumerate(header):
            if by_index is not None:
                field = by_index.get(str(i), "")
            else:
                text = str(raw or "").strip()
                field = chosen[text] if text in chosen else fields.get(norm_header(text), "")
            if not field or field in positions:
                continue
            if field in fixed:
                raise ImportFileError(f"文件中已有“{_HEADERS[field]}”列，不能再为它指定统一的值")
            positions[field] = i
        missing = [c.header for c in COLUMNS if c.required and c.field not in positions and c.field not in fixed]
        if missing:
            raise ImportFileError(
                f"缺少必填列：{'、'.join(missing)}（请对应到文件中的列，或为整个文件指定一个值；也可使用系统提供的模板）"
            )
        # A cell names a code or its label; whether the code may be used is the rules' to say.
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
            "fixed": fixed,
            "codes": codes,
            "lookups": Codes.load(),
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
        for field, i, required, codes, kind, c, constant in self._plan:
            raw = cells[i] if i < width else constant
            if raw:
                # normalize.text, inlined: a Python call per cell cost 0.3 s per 100k rows
                raw = raw.strip() if raw.isascii() else _nfkc(raw).strip()
            if not raw:
                if required:
                    problems.append(f"{c.header}为必填")
                values[field] = None if kind == "date" else ""
                continue
            if raw[0] in "=+@" and kind != "phone":
                problems.append(f"{c.header}不能是公式")
                continue
            if c.long_code and ("E" in raw or "e" in raw) and (lost := precision_lost(c.header, raw)):
                problems.append(lost)
                continue
            if codes is not None:
                code = codes.get(raw)
                if code is None:
                    problems.append(f"{c.header}{quoted(raw)}不在代码表中")
                    continue
                values[field] = code
            elif kind == "text":
                values[field] = raw
            elif kind == "phone":
                values[field] = raw if raw.isdigit() else normalize.phone(raw)
            elif kind == "kind":
                resident_kind = KINDS.get(raw)
                if resident_kind is None:
                    problems.append(f"人口类别应为户籍人口、流动人口或境外人员，不能是{quoted(raw)}")
                    continue
                values[field] = resident_kind
            else:  # a date
                try:
                    values[field] = normalize.date(raw)
                except ValueError:
                    problems.append(f"{c.header}{quoted(raw)}不是日期（如 2026-01-31）")
                    continue
        if problems:
            raise ValueError("；".join(problems))
        # The cells are values now: the rules are the form's (validation.check_resident).
        values["id_type_code"] = values["id_type_code"] or ID_CARD
        unit_code = values.pop("unit_code")
        checked = check_resident(
            values,
            normalize_id_number(values.pop("id_number")),
            values.pop("phone"),
            self.lookups,
            today=self.today,
            file_values=True,
        )
        if checked.errors:
            raise ValueError("；".join(map(_reason, checked.errors)))
        values["path"] = self._unit_path(unit_code)
        return values, checked.id_number, checked.phone


_HEADERS = {c.field: c.header for c in COLUMNS}


def fixed_value_problem(column: Column, value: str) -> str | None:
    """Why one value given to a whole file's column would be refused on every row, told once
    when it is given: the same conversions as a cell, then the code's rules."""
    raw = normalize.text(value)
    if column.table:
        table = labels(column.table)
        code = {**{v: k for k, v in table.items()}, **{k: k for k in table}}.get(raw)
        if code is None:
            return f"{column.header}“{raw}”不在代码表中"
        problem = Codes.load().problem(column.field, code) if column.field in CODE_TABLES else None
        return f"{column.header}：{problem['message']}" if problem else None
    if column.kind == "kind":
        return None if raw in KINDS else f"人口类别应为户籍人口、流动人口或境外人员，不能是“{raw}”"
    if column.kind == "date":
        try:
            normalize.date(raw)
        except ValueError:
            return f"{column.header}“{raw}”不是日期（如 2026-01-31）"
        return None
    return f"{column.header}不能超过{column.max_length}个字" if len(raw) > column.max_length else None


def _reason(error: dict[str, str]) -> str:
    """A rule's message as a row's reason: with the column's header unless it names it."""
    header, message = _HEADERS.get(error["field"], ""), error["message"]
    if not header or message.startswith(header):
        return message
    return f"{header}{message}" if error.get("code") == "too_long" else f"{header}：{message}"


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
    if not postgres:
        # SQLite keeps times as text in Django's own form ("2026-12-04 06:00:00.123456", UTC);
        # isoformat's "T" would sort after every time Django writes, and filters on
        # created_at would miss the imported residents.
        base = {
            k: connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v for k, v in base.items()
        }
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
        if job.needs_review:
            from .import_review import inspect

            inspect(job)
        elif job.mode == ImportJob.Mode.COMPARE:
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
    job.preview = {}  # its samples are people's data
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


def local_copy(job: ImportJob) -> Path:
    suffix = ".xlsx" if job.filename.lower().endswith(".xlsx") else ".csv"
    fd, name = tempfile.mkstemp(prefix="zongzhi-import-", suffix=suffix)
    with os.fdopen(fd, "wb") as out, job.file.open("rb") as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            out.write(chunk)
    return Path(name)


def _rows_of(job: ImportJob, user: User, path: Path) -> tuple[Iterator[list[str]], list[str], int, RowChecker]:
    """(the rows after the header, the header, its line number, the checker)."""
    rows, estimate = open_rows(path, job.filename, batch=BATCH)
    fields = header_fields()
    header, header_line, rows = find_header(rows, fields)
    if not header or not any(h.strip() for h in header if h):
        raise ImportFileError("文件是空的，或找不到表头")
    checker = RowChecker(RowChecker.state(header, user, job, fields))
    if estimate > MAX_ROWS:
        raise ImportFileError(f"一次最多导入{MAX_ROWS:,}行，请拆分文件")
    job.total_rows = max(0, estimate - header_line + 1)
    job.save(update_fields=["total_rows"])
    return rows, header, header_line, checker


POOL_MIN_ROWS = 20_000


def _blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells if c)


def _chunks(rows: Iterator[list[str]], line: int = 1) -> Iterator[tuple[list[tuple[int, list[str]]], int]]:
    """Non-empty rows with their line numbers (the header is on `line`), BATCH at a time, and
    the last line read."""
    chunk: list[tuple[int, list[str]]] = []
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


def _pickled_chunks(rows: Iterator[list[str]], line: int) -> Iterator[tuple[bytes, int, int]]:
    """The rows after the header (the first on `line`), BATCH at a time, pickled for a worker
    process: (the pickled rows, the line of the first, the line of the last). An xlsx parser
    process has pickled them already, and they pass through this process unopened
    (`RowStream.batches`)."""
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

    path = local_copy(job)
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
    path = local_copy(job)
    rejects: Rejects | None = None
    try:
        rows, header, header_line, checker = _rows_of(job, user, path)
        rejects = Rejects(header)
        seen: dict[str, int] = {}
        vendor = connection.vendor
        now = timezone.now()
        workers = _workers(job.total_rows)
        if workers:
            _import_in_pool(job, rows, header_line, checker, rejects, seen, vendor, now, workers)
        else:
            for chunk, line in _chunks(rows, header_line):
                prepared, refused = prepare(chunk, checker, vendor, now)
                _flush(job, functools.partial(list, chunk), prepared, refused, rejects, seen, line - header_line)
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
    header_line: int,
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
        for name in ("positions", "fixed", "codes", "lookups", "units", "capture", "default_path", "root", "today")
    }
    database = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    context = fork_server()
    from . import import_worker

    with context.Pool(workers, initializer=import_worker.init, initargs=(state, crypto.master_key(), database)) as pool:
        waiting: deque[tuple[Any, bytes, int, int]] = deque()
        chunks = _pickled_chunks(rows, header_line + 1)
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
            _flush(job, functools.partial(_unpickled, raw, first), prepared, refused, rejects, seen, last - header_line)


def _unpickled(raw: bytes, line: int) -> list[tuple[int, list[str]]]:
    return numbered(pickle.loads(raw), line)


def _flush(
    job: ImportJob,
    chunk: Callable[[], list[tuple[int, list[str]]]],
    prepared: list[Prepared],
    refused: list[tuple[int, list[str], str]],
    rejects: Rejects,
    seen: dict[str, int],
    read: int,
) -> None:
    """Take the duplicates out of one checked chunk and write it (the rows as read come from
    `chunk()`, asked for only to show a duplicate: the prepared ones do not carry them back);
    `read` rows below the header are done."""
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
    _write_batch(job, unique, rejects.count, read)


def _write_batch(job: ImportJob, unique: list[Prepared], rejected: int, read: int) -> None:
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
                job.processed_rows = max(job.processed_rows, read)
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
        sealed_files.save(job.rejects_file, f"{stem}-有误的行.xlsx", rejects.to_excel())


# --- comparing -------------------------------------------------------------------------------
def _compare(job: ImportJob, user: User) -> None:
    """New people (in the file, not registered anywhere), changed (name, address or phone
    differ), missing (registered under the unit, not in the file), and people of the file
    registered in another jurisdiction. A new person whose row an import would refuse is
    listed with the reason, so the counts say what an import of the file would do.

    The report lists only people the file brought. Of the missing people it gives the count:
    listing them would hand out the unit's registry for a one-row file, so their ids are kept
    apart (`missing_file`) and their list is an export the unit above approves
    (exports.request_missing_list)."""
    path = local_copy(job)
    try:
        rows, _header, header_line, checker = _rows_of(job, user, path)
        line = header_line
        pos = checker.positions
        in_file: dict[bytes, tuple[int, str, str, str, str, str]] = {}
        bad = 0
        for cells in rows:
            line += 1
            if not any(c.strip() for c in cells if c):
                continue

            def cell(field: str, cells: list[str] = cells) -> str:
                i = pos.get(field)
                return normalize.text(cells[i]) if i is not None and i < len(cells) and cells[i] else ""

            # Compared in the form an import would store: a full-width number or a phone
            # written with +86 is the same person's.
            try:
                values, number, phone = checker.check(cells)
                name, address, refusal = values["name"], values["current_address"], ""
            except ValueError as exc:
                refusal = str(exc)
                number = normalize_id_number(cell("id_number"))
                name, address, phone = cell("name"), cell("current_address"), normalize.phone(cell("phone"))
            if not number or (len(number) == 18 and not is_valid_id_number(number)):
                bad += 1
                continue
            in_file[crypto.blind_index(number, "id_number")] = (line, mask_value(number), name, address, phone, refusal)
            if line % BATCH == 0:
                job.processed_rows, job.heartbeat_at = line - header_line, timezone.now()
                job.save(update_fields=["processed_rows", "heartbeat_at"])
                if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    raise Cancelled()
        job.processed_rows = job.total_rows = line - header_line
        registered = Resident.objects.filter(subtree_q([job.path]), is_retired=False).values_list(
            "id", "id_number_index", "name", "current_address", "phone_index", "id_number_mask", "path"
        )
        new, changed = [], []
        missing = array.array("q")
        units = dict(Unit.objects.filter(subtree_q([job.path])).values_list("path", "name"))
        matched: set[bytes] = set()
        for rid, index, name, address, phone_index, masked, rpath in registered.iterator(chunk_size=5000):
            key = bytes(index)
            entry = in_file.get(key)
            if entry is None:
                missing.append(rid)
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


MISSING_NOTE = "名单不在本报告中：请在“数据导入”页点“申请导出名单”，经上级单位批准后下载（带水印，记入审计日志）"


def _store_report(
    job: ImportJob,
    new: list[list[Any]],
    changed: list[list[Any]],
    missing: array.array[int],
    elsewhere: list[list[Any]],
) -> None:
    """The report (people of the file; of the missing ones the count only), and the ids of the
    missing residents, both sealed."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, head, rows in (
        ("新增人员", ["原行号", "证件号码", "姓名", "现住地址", "导入检查"], new),
        ("信息变化", ["证件号码", "姓名（系统）", "所属网格", "变化"], changed),
        ("系统有、文件无", ["人数", "说明"], [[len(missing), MISSING_NOTE if missing else ""]]),
        ("已在其他辖区登记", ["原行号", "证件号码", "姓名"], elsewhere),
    ):
        sheet = book.create_sheet(title)
        sheet.append(head)
        for row in rows:
            sheet.append([excel_text(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    stem = Path(job.filename).stem[:60]
    sealed_files.save(job.report_file, f"{stem}-比对结果.xlsx", out.getvalue())
    if missing:
        sealed_files.save_ids(job.missing_file, f"{stem}-系统有文件无.ids", missing)


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
    """Rejected rows, comparison reports and the ids of the residents missing from a compared
    file are kept (sealed) only while the user may need them: deleted a week after the job
    ended. A request for the missing list not decided by then fails; comparing again helps."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(finished_at__lt=now - dt.timedelta(days=IMPORT_FILES_DAYS)).exclude(
        rejects_file="", report_file="", missing_file=""
    )
    count = 0
    for job in old:
        for stored in (job.rejects_file, job.report_file, job.missing_file):
            if stored:
                stored.delete(save=False)
        job.save(update_fields=["rejects_file", "report_file", "missing_file"])
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


REVIEW_KEPT = dt.timedelta(days=1)


def cancel_review(job: ImportJob, *, error: str = "") -> bool:
    """An upload waiting for its columns to be confirmed, cancelled: nothing was written, the
    file goes at once. False when it was confirmed meanwhile (one conditional update decides)."""
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.REVIEW).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
    ):
        return False
    job.refresh_from_db()
    _finish(job, ImportJob.Status.CANCELLED, error=error)
    return True


def expire_reviews(now: dt.datetime | None = None) -> int:
    """Uploads left waiting for their columns to be confirmed are cancelled after a day: the
    file holds personal data and nobody is going to import it."""
    now = now or timezone.now()
    count = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.REVIEW, heartbeat_at__lt=now - REVIEW_KEPT):
        count += cancel_review(job, error="上传后一天内未确认列的对应，已自动取消，文件已删除")
    return count
