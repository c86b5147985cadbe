"""Reading an uploaded file into rows of text: CSV in this process; .xlsx with calamine (fast) or
openpyxl (formulas, very large files) in a child process, behind a guard.

Every reader returns (rows including the header, an estimate of the number of data rows);
what cannot be read at all raises ImportFileError with the reason in Chinese.

An .xlsx is a zip of XML parts, and a file of a few kilobytes can ask its reader for anything:
a sheet with a cell at XFD1048576 beside A1 makes calamine allocate a grid of 2**34 cells (512
GB: the process aborts), a part can inflate a thousandfold (a zip bomb), a shared-string table
can hold more strings than there is memory. Two defences, each enough to keep the web and
Celery workers alive, and together giving the user a reason beginning 文件结构异常:

1. The guard reads what the workbook declares and what its first sheet references, as a
   stream, and refuses what no register looks like. `inspect` reads the zip's directory, the
   head of the shared strings and the first block of the sheet before any parser starts;
   `scan` reads the whole sheet in this process while the parser reads it in its own, and
   takes less time than the parse, so it costs the import no time (it replaces the formula
   scan, which ran in a thread beside calamine and slowed it by holding the GIL).
2. The parser runs in a child process forked from the import fork server, its address space
   limited to IMPORT_PARSER_MEMORY_MB beyond what it starts with, and sends its rows back over
   a pipe, pickled, a batch at a time and in order (`RowStream`); the import hands the batches
   to its worker processes unopened. Whatever the guard lets through can at worst end that
   child: the job then fails at once with 文件结构异常, never after the ten minutes that mark
   a job whose process died.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import logging
import os
import pickle
import posixpath
import re
import resource
import struct
import weakref
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger("zongzhi.transfers.imports")


class ImportFileError(Exception):
    """The file cannot be read at all (not an Excel file, no header, missing columns)."""


MALFORMED = "文件结构异常"  # how the reason begins when the file's structure is refused
NOT_EXCEL = "文件不是有效的 Excel（.xlsx）文件，请使用系统提供的模板"


# The longest column of a register takes 200 characters, so any longer cell is refused on its
# own row, with its column named; csv's default limit (131,072 characters) would instead fail
# the whole job on a 300 KB cell. A field of more than a million characters is not a cell but
# the rest of the file behind an unpaired quote: the job fails with 文件结构异常. A field at
# the limit holds 4 MB in the reader (4 bytes a character). csv has no per-reader limit, so
# this is set for the process: `Rejects` reads its own temporary CSV back under it too.
CSV_FIELD_LIMIT = 1 << 20
csv.field_size_limit(CSV_FIELD_LIMIT)

# Rows a message of an xlsx parser process carries: the import's batch, 1 MB pickled in the
# template's 31 columns.
ROWS_PER_MESSAGE = 5_000


def _sniff_text(head: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # Decoded as the start of a stream: a character cut at the end of the sample waits
            # for its other bytes instead of failing. (Checking the error's position did not
            # work with a byte-order mark, which Excel's "CSV UTF-8" writes: utf-8-sig counts
            # positions after it, so such a file was refused, or taken for GBK, whenever the
            # sample ended inside a character.)
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV，或使用 Excel 模板")


def open_rows(path: Path, filename: str, batch: int = ROWS_PER_MESSAGE) -> tuple[Iterator[list[str]], int]:
    """(rows including the header, an estimate of the number of data rows). An .xlsx's rows
    come as a `RowStream`, `batch` rows to a message of its parser process."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    is_zip = head[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xlsx", ".xlsm")) or is_zip:
        if not is_zip:
            raise ImportFileError(NOT_EXCEL)
        return read_xlsx(path, settings.IMPORT_PARSER_MEMORY_MB, batch)
    if filename.lower().endswith(".xls") or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入")
    if b"\x00" in head:
        raise ImportFileError("文件不是 CSV 或 Excel 文件")
    encoding = _sniff_text(head)
    with open(path, "rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))

    def rows() -> Iterator[list[str]]:
        with open(path, encoding=encoding, errors="replace", newline="") as text:
            reader = csv.reader(text)
            try:
                yield from reader
            except csv.Error as exc:
                problem = (
                    f"有超过{CSV_FIELD_LIMIT:,}个字符的单元格（可能是引号没有配对）"
                    if "field limit" in str(exc)
                    else "不是有效的 CSV 格式"
                )
                raise ImportFileError(f"{MALFORMED}：第{reader.line_num}行附近{problem}，无法读取") from exc

    return rows(), max(0, lines - 1)


# --- .xlsx: the guard ---------------------------------------------------------------------------
# What the guard refuses: far beyond a register, far below what hurts a reader. A register's
# sheet in the template's 31 columns takes 127 MB of XML per 100,000 rows as the benchmark's
# openpyxl writes it (empty cells included; 65 MB without them) and compresses about 10:1; the
# most repetitive sheet we could make (every cell the same, or empty and styled) compresses
# 17:1. Deflate itself cannot pass 1,032:1.
MAX_PARTS = 1_000  # Excel writes about ten parts, and a few more a sheet or picture
MAX_DIRECTORY_BYTES = 1 << 20  # the zip's directory: a hundred bytes or so a part
MAX_PART_BYTES = 2 << 30  # inflated; Excel's 1,048,576 rows in 31 columns take 1.3 GB at most
MAX_TOTAL_BYTES = 4 << 30
# Inflated ÷ compressed, for parts inflating to more than RATIO_FROM_BYTES: a smaller part
# inflates in a tenth of a second whatever its ratio (one 300 KB cell of a repeated character
# compresses 700:1, and is refused on its row, not as a file).
MAX_RATIO = 100
RATIO_FROM_BYTES = 32 << 20
# calamine and openpyxl both load the whole shared-string table. A register has 2.7 distinct
# texts a row (measured on the benchmark's 100,000 rows: 270,000 strings, 7.4 MB of XML), so
# Excel's 1,048,576 rows need about 2.8 million strings and 80 MB.
MAX_SHARED_STRINGS_BYTES = 256 << 20
MAX_SHARED_STRINGS = 16_000_000
# calamine builds the sheet as a dense grid from the first to the last cell referenced, 32
# bytes a cell, before handing over a row: a cell at XFD1048576 asks for 512 GB. A register has
# 31 columns; Excel has 1,048,576 rows. 40 million cells (1.3 GB in calamine) is a full Excel
# sheet of the template with a few columns to spare. The declared dimension is held to all
# three (openpyxl pads every row to it); the cells referenced, by their last row and any
# column past AZ (see `SheetScan`).
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 40_000_000
BLOCK = 1 << 20  # the sheet is read this much at a time; the first block is checked before parsing
# What reading a part's content raises on a broken file; zipfile raises NotImplementedError for
# a compression method it does not support (a hostile or exotic workbook), not as a stub.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
UNREADABLE = "压缩内容与文件目录不符、已损坏，或使用了不支持的压缩方式"

_DIMENSION = re.compile(rb"""<dimension\s+ref\s*=\s*["']([^"']{1,40})["']""")
_FORMULA = re.compile(rb"<f[ >]")
# Rows and cell references as Excel and openpyxl write them (r first), each search starting
# with a literal, which the regular-expression engine finds fast. Only columns past AZ are
# taken out of the text (a register's 31 columns end at AE, so normally none): taking out all
# 3.1 million references of 100,000 rows would cost more than the rest of the scan together.
# A cell written otherwise, or placed outside its row, escapes these counts, not the memory
# limit of the parser process.
_ROW_NUMBER = re.compile(rb"""<row r=["']([0-9]{1,8})""")
_WIDE_COLUMN = re.compile(rb"""<c r=["']([A-Z]{3,4}|[B-Z][A-Z])""")
_REFERENCE = re.compile(r"([A-Z]{0,4})([0-9]{0,8})")
_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_RELATIONSHIP_ID = re.compile(rb"""\s(?:\w+:)?id\s*=\s*["']([^"']+)""")
_ID = re.compile(rb"""\sId\s*=\s*["']([^"']+)""")
_TARGET = re.compile(rb"""\sTarget\s*=\s*["']([^"']+)""")
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']([0-9]{1,20})""")


def _malformed(problem: str) -> ImportFileError:
    return ImportFileError(f"{MALFORMED}：{problem}")


def _column_number(letters: str | bytes) -> int:
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def _check_extent(rows: int, columns: int, what: str) -> None:
    """Refuse a sheet whose extent (its dimension, or the cells it references) no register has."""
    if rows > MAX_SHEET_ROWS:
        raise _malformed(f"工作表{what}第{rows:,}行，超过 Excel 的最大行数{MAX_SHEET_ROWS:,}")
    if columns > MAX_SHEET_COLUMNS:
        raise _malformed(f"工作表{what}第{columns:,}列，超过{MAX_SHEET_COLUMNS:,}列，不是登记表的格式")
    if rows * columns > MAX_SHEET_CELLS:
        raise _malformed(
            f"工作表{what}{rows:,}行×{columns:,}列的范围，超过{MAX_SHEET_CELLS:,}个单元格，不是登记表的格式"
        )


@dataclass
class SheetScan:
    """What the first sheet's XML holds, fed a block at a time: its last row, its last column
    if past AZ (0 if not), and whether a cell holds a formula (<f>). Refuses as soon as these
    pass the limits. Three searches of each block: 0.48 s for the 127 MB sheet of 100,000
    rows, inflating included, where the formula scan it replaces took 0.34 s."""

    rows: int = 0
    columns: int = 0
    formulas: bool = False
    _tail: bytes = b""

    def feed(self, block: bytes) -> None:
        data = self._tail + block  # a reference cut between two blocks is read whole here
        self._tail = block[-64:]
        if not self.formulas and _FORMULA.search(data):
            self.formulas = True
        rows = _ROW_NUMBER.findall(data)
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        wide = _WIDE_COLUMN.findall(data)
        if wide:
            self.columns = max(self.columns, max(map(_column_number, set(wide))))
        _check_extent(self.rows, self.columns, "引用了")


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise _malformed(f"文件中的 {name} 过大")
    return data


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part holding the workbook's first sheet, the one calamine and openpyxl read: the
    first <sheet> of xl/workbook.xml through its relationship (sheets can be reordered, so not
    always sheet1.xml); the first worksheet part by name when that cannot be followed."""
    names = set(archive.namelist())
    try:
        first = _SHEET_ELEMENT.search(_read_part(archive, "xl/workbook.xml", 16 << 20))
        wanted = _RELATIONSHIP_ID.search(first.group(0)) if first else None
        for element in _RELATIONSHIP.finditer(_read_part(archive, "xl/_rels/workbook.xml.rels", 16 << 20)):
            rid, target = _ID.search(element.group(0)), _TARGET.search(element.group(0))
            if wanted and rid and target and rid.group(1) == wanted.group(1):
                link = target.group(1).decode()
                name = link.lstrip("/") if link.startswith("/") else posixpath.normpath(f"xl/{link}")
                if name in names:
                    return name
    except KeyError:  # no workbook part or relationships: take the first by name
        pass
    except _BROKEN as exc:
        raise _malformed(UNREADABLE) from exc
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
    if not sheets:
        raise ImportFileError(NOT_EXCEL)
    return sheets[0]


def _check_directory(path: Path) -> None:
    """The zip's end record, read before zipfile reads the directory it points to: zipfile would
    make an object of every entry the directory lists, and a 300 MB upload can list millions."""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - 22 - 65535))  # the record, and a comment of at most 64 KB
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise ImportFileError(NOT_EXCEL)
        parts, directory = struct.unpack_from("<HI", tail, at + 10)
        if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
            # A ZIP64 end record, which zipfile reads instead: the counts are in it.
            (record,) = struct.unpack_from("<Q", tail, at - 12)
            fh.seek(record)
            zip64 = fh.read(56)
            if len(zip64) < 56 or zip64[:4] != b"PK\x06\x06":
                raise ImportFileError(NOT_EXCEL)
            parts, directory = struct.unpack_from("<QQ", zip64, 32)
    if parts > MAX_PARTS:
        raise _malformed(f"压缩包中有{parts:,}个文件，超过{MAX_PARTS:,}个")
    if directory > MAX_DIRECTORY_BYTES:
        raise _malformed(f"压缩包的文件目录有{directory / 2**20:,.1f} MB，超过{MAX_DIRECTORY_BYTES >> 20} MB")


def inspect(path: Path) -> str:
    """Check what the workbook declares, before any parser reads it; the first sheet's part.

    1. The zip's end record: how many parts, how large the directory (`_check_directory`).
    2. Every part's inflated size as declared, the total, the compression ratio, and the
       shared strings: their size and the number of strings declared (`_check_parts`).
    3. The first block of the first sheet: its declared dimension, and the cells referenced
       there (a small file is checked whole before it is parsed).
    Reading a part stops at its declared size (zipfile then checks the CRC), so a part that
    inflates beyond what the directory says is refused when reading reaches that size.
    """
    _check_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(NOT_EXCEL) from exc
    with archive:
        _check_parts(archive)
        sheet = _first_sheet(archive)
        try:
            with archive.open(sheet) as stream:
                head = stream.read(BLOCK)
        except _BROKEN as exc:
            raise _malformed(UNREADABLE) from exc
    dimension = _DIMENSION.search(head)
    if dimension:
        last = _REFERENCE.fullmatch(dimension.group(1).decode("ascii", "replace").rsplit(":", 1)[-1])
        if last and last.group(1) and last.group(2):
            _check_extent(int(last.group(2)), _column_number(last.group(1)), "声明的范围到")
    SheetScan().feed(head)
    return sheet


def _check_parts(archive: zipfile.ZipFile) -> None:
    total = 0
    for info in archive.infolist():
        name, size = info.filename, info.file_size
        total += size
        if size > MAX_PART_BYTES:
            raise _malformed(f"文件中的 {name} 解压后有{size / 2**30:.1f} GB")
        if name.lower().endswith("sharedstrings.xml"):
            if size > MAX_SHARED_STRINGS_BYTES:
                raise _malformed(f"共享字符串表有{size / 2**20:,.0f} MB，超过{MAX_SHARED_STRINGS_BYTES >> 20} MB")
            try:
                with archive.open(info) as strings:
                    declared = _UNIQUE_COUNT.search(strings.read(4096))
            except _BROKEN as exc:
                raise _malformed(UNREADABLE) from exc
            if declared and int(declared.group(1)) > MAX_SHARED_STRINGS:
                raise _malformed(f"共享字符串表声明了{int(declared.group(1)):,}个字符串，超过{MAX_SHARED_STRINGS:,}个")
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(1, info.compress_size):
            ratio = size // max(1, info.compress_size)
            raise _malformed(f"文件中的 {name} 解压后是压缩时的{ratio:,}倍（表格一般不超过20倍），可能是恶意构造的文件")
    if total > MAX_TOTAL_BYTES:
        raise _malformed(f"文件解压后共有{total / 2**30:.1f} GB")


def scan(path: Path, sheet: str) -> bool:
    """Read the first sheet whole, as a stream, refusing what `SheetScan` refuses; whether a
    cell holds a formula. Runs while the parser process reads the same sheet."""
    found = SheetScan()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(sheet) as stream:
            for block in iter(lambda: stream.read(BLOCK), b""):
                found.feed(block)
                if found.formulas:
                    return True  # openpyxl will read it: it streams, whatever the extent
    except _BROKEN as exc:
        raise _malformed(UNREADABLE) from exc
    return False


# --- .xlsx: the parser process ------------------------------------------------------------------
CALAMINE_MAX_BYTES = 60 * 1024 * 1024  # larger workbooks are streamed with openpyxl
# The longest a parser may go without sending anything: calamine parses the largest workbook it
# is given (60 MB) in about ten seconds. Shorter than the ten minutes after which a job without
# progress is settled as failed.
PARSE_TIMEOUT = 300
DIED = (
    f"{MALFORMED}：读取文件时所需内存超过上限，或读取进程意外退出，文件可能已损坏，或含有超出范围的单元格、"
    "过多的内容。请用 Excel 打开检查，另存为新文件后导入"
)


def read_xlsx(path: Path, memory_mb: int, batch: int = ROWS_PER_MESSAGE) -> tuple[RowStream, int]:
    """Rows of the first sheet, parsed in a child process behind the guard.

    calamine (fast) reads workbooks up to CALAMINE_MAX_BYTES; openpyxl (read-only, streaming)
    reads larger ones and those with formulas (it shows the formula itself, which the checks
    refuse; calamine would hand over its last computed value). Whether there are formulas is
    known once `scan` has read the sheet, which it does while calamine parses; a workbook with
    formulas is then parsed again with openpyxl, as before.
    """
    sheet = inspect(path)
    calamine = path.stat().st_size <= CALAMINE_MAX_BYTES
    parser = _Parser(path, "calamine" if calamine else "openpyxl", memory_mb, batch)
    try:
        if calamine and scan(path, sheet):
            parser.stop()
            parser = _Parser(path, "openpyxl", memory_mb, batch)
        _start, estimate = parser.receive()
    except BaseException:
        parser.stop()
        raise
    return RowStream(parser), estimate


class RowStream(Iterator[list[str]]):
    """The rows a parser process sends, in order: iterated one by one, or the rest taken with
    `batches()` as the parser pickled them, to be handed to a worker process unopened (this
    process then spends nothing on them: 0.3 s saved for 100,000 rows, about what sending them
    here costs). Stops the parser when the rows run out, and when dropped or closed before."""

    def __init__(self, parser: _Parser) -> None:
        self._parser = parser
        self._rows: list[list[str]] = []
        self._at = 0
        self._stop = weakref.finalize(self, parser.stop)

    def __next__(self) -> list[str]:
        while self._at >= len(self._rows):
            received = self._receive()
            if received is None:
                raise StopIteration
            self._rows, self._at = pickle.loads(received[0]), 0
        self._at += 1
        return self._rows[self._at - 1]

    def put_back(self, rows: list[list[str]]) -> None:
        """Rows taken to look at (the header search reads a few) come first again."""
        self._rows, self._at = rows + self._rows[self._at :], 0

    def batches(self) -> Iterator[tuple[bytes, int]]:
        """The rows not taken yet: (a pickled list of rows, how many), a message at a time."""
        if self._at < len(self._rows):
            rest, self._rows = self._rows[self._at :], []
            yield pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL), len(rest)
        while (received := self._receive()) is not None:
            yield received

    def close(self) -> None:
        self._stop()

    def _receive(self) -> tuple[bytes, int] | None:
        if not self._stop.alive:
            return None
        kind, payload = self._parser.receive()
        if kind == "end":
            self.close()
            return None
        return payload  # type: ignore[no-any-return]


class _Parser:
    """The parent's side of a parser process: its messages, in order; ImportFileError when it
    refuses the file, dies or stalls. The pipe's only writer is the child (this end is closed
    at start), so its death is seen at once as the end of the pipe."""

    def __init__(self, path: Path, engine: str, memory_mb: int, batch: int) -> None:
        context = fork_server()
        self._pipe, child_end = context.Pipe(duplex=False)
        self._process = context.Process(
            target=parse_in_child,
            args=(str(path), engine, child_end, memory_mb, batch),
            name=f"zongzhi-xlsx-{engine}",
            daemon=True,
        )
        self._process.start()
        child_end.close()

    def receive(self) -> tuple[str, Any]:
        if not self._pipe.poll(PARSE_TIMEOUT):
            raise _malformed(f"读取文件超过{PARSE_TIMEOUT // 60}分钟没有进展，文件可能已损坏或内容过多")
        try:
            kind, payload = self._pipe.recv()
        except (EOFError, OSError):
            self._process.join(10)
            logger.warning("xlsx parser %s stopped with exit code %s", self._process.name, self._process.exitcode)
            raise ImportFileError(DIED) from None
        if kind == "refused":
            raise ImportFileError(payload)
        return kind, payload

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._pipe.close()


def parse_in_child(path: str, engine: str, pipe: Any, memory_mb: int, batch: int) -> None:
    """The parser process: limit its own address space, parse, and send ("start", estimate),
    then ("rows", (pickled list of `batch` rows, how many)) until ("end", None); or
    ("refused", reason) for a workbook that cannot be read."""
    _limit_memory(memory_mb)
    try:
        rows, estimate = _calamine_rows(Path(path)) if engine == "calamine" else _openpyxl_rows(Path(path))
        pipe.send(("start", estimate))
        while chunk := list(itertools.islice(rows, batch)):
            pipe.send(("rows", (pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL), len(chunk))))
        pipe.send(("end", None))
    except ImportFileError as exc:
        pipe.send(("refused", str(exc)))
    finally:
        pipe.close()


def _limit_memory(memory_mb: int) -> None:
    """At most `memory_mb` of address space more than the process holds now (Django and the
    readers, loaded by the fork server: about 300 MB). Past it an allocation fails: calamine
    aborts, Python raises MemoryError; either way only this process ends."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: no limit (production runs on Linux)
        return
    held = next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:"))
    limit = held + memory_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # a limit set for the whole service stays the bound
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# Excel keeps 15 significant digits of a number; a double keeps about 16. A number cell of 16
# digits or more has lost the rest (an 18-digit ID number typed into a number cell is stored as
# 3.20111198503121E+17). It is passed on in that scientific form, the way Excel shows it, so
# that the checks refuse it (import_columns.PRECISION_LOST) instead of taking the digits a double
# happens to hold, which once gave two people ID numbers that were not theirs.
_EXACT_LIMIT = 10**15


def _cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= _EXACT_LIMIT:
        return format(value, ".15G")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _calamine_rows(path: Path) -> tuple[Iterator[list[str]], int]:
    from python_calamine import CalamineWorkbook

    sheet: Any  # its cells are typed as a union that `.__class__ is str` does not narrow
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own errors for broken workbooks
        raise ImportFileError(NOT_EXCEL) from exc

    def rows() -> Iterator[list[str]]:
        # Most cells of a register are text: they pass as they are (a call per cell would cost
        # a second per hundred thousand rows).
        for row in sheet.iter_rows():
            yield [v if v.__class__ is str else _cell_text(v) for v in row]

    return rows(), max(0, sheet.height - 1)


def _openpyxl_rows(path: Path) -> tuple[Iterator[list[str]], int]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(NOT_EXCEL) from exc
    sheet = book.worksheets[0]
    estimate = max(0, (sheet.max_row or 1) - 1)

    def rows() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_cell_text(v) for v in row]
        finally:
            book.close()

    return rows(), estimate


def fork_server() -> Any:
    """Workers are forked from a fork server: a clean process (no threads, no connections, so
    safe to fork, which this one is not) started with the first import of this process and
    kept, with Django set up (`import_preload`). Workers then start at once rather than after
    setting up Django each."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["zongzhi.transfers.import_preload"])
    return context
