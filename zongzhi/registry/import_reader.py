"""Reading an uploaded file into rows of text: CSV in this process, .xlsx with calamine (fast) or
openpyxl (formulas, very large files).

Every reader returns (rows including the header, an estimate of the number of data rows);
what cannot be read at all raises ImportFileError with the reason in Chinese.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class ImportFileError(Exception):
    """The file cannot be read at all (not an Excel file, no header, missing columns)."""


# The longest column of a register takes 200 characters, so any longer cell is refused on its
# own row, with its column named; csv's default limit (131,072 characters) would instead fail
# the whole job on a 300 KB cell. A field of more than a million characters is not a cell but
# the rest of the file behind an unpaired quote: the job fails with 文件结构异常. A field at
# the limit holds 4 MB in the reader (4 bytes a character). csv has no per-reader limit, so
# this is set for the process: `Rejects` reads its own temporary CSV back under it too.
CSV_FIELD_LIMIT = 1 << 20
csv.field_size_limit(CSV_FIELD_LIMIT)


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


def open_rows(path: Path, filename: str) -> tuple[Iterator[list[str]], int]:
    """(rows including the header, an estimate of the number of data rows)."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    is_zip = head[:4] == b"PK\x03\x04"
    if filename.lower().endswith((".xlsx", ".xlsm")) or is_zip:
        if not is_zip:
            raise ImportFileError("文件不是有效的 Excel（.xlsx）文件，请使用系统提供的模板")
        return _xlsx_rows(path)
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
                raise ImportFileError(f"文件结构异常：第{reader.line_num}行附近{problem}，无法读取") from exc

    return rows(), max(0, lines - 1)


CALAMINE_MAX_BYTES = 60 * 1024 * 1024  # larger workbooks are streamed with openpyxl


def _has_formulas(path: Path) -> bool:
    """Whether the first sheet holds a formula (<f> element), read as a stream."""
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        if not names:
            return False
        tail = b""
        with archive.open(names[0]) as sheet:
            for block in iter(lambda: sheet.read(1 << 20), b""):
                if b"<f>" in tail + block or b"<f " in tail + block:
                    return True
                tail = block[-3:]
    return False


def _cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> tuple[Iterator[list[str]], int]:
    """Rows of the first sheet: read with calamine (fast), or streamed with openpyxl for very
    large files and for files with formulas (openpyxl shows the formula itself, which the
    checks refuse; calamine would hand over its last computed value)."""
    invalid = "文件不是有效的 Excel（.xlsx）文件，请使用系统提供的模板"
    try:
        small = path.stat().st_size <= CALAMINE_MAX_BYTES
    except OSError as exc:
        raise ImportFileError(invalid) from exc
    if small:
        from concurrent.futures import ThreadPoolExecutor

        from python_calamine import CalamineWorkbook

        # calamine parses without holding the GIL: the formula scan (unzipping, also without
        # it) runs beside it rather than before it.
        with ThreadPoolExecutor(1) as scan:
            formulas = scan.submit(_has_formulas, path)
            try:
                sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            except Exception:  # calamine raises its own errors for broken workbooks
                sheet = None
            try:
                has_formulas = formulas.result()
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFileError(invalid) from exc
        if not has_formulas:
            if sheet is None:
                raise ImportFileError(invalid)
            return _calamine_rows(sheet), max(0, sheet.height - 1)
    return _openpyxl_rows(path)


def _calamine_rows(sheet: Any) -> Iterator[list[str]]:
    # Most cells of a register are text: they pass as they are (a call per cell would cost a
    # second per hundred thousand rows).
    for row in sheet.iter_rows():
        yield [v if v.__class__ is str else _cell_text(v) for v in row]


def _openpyxl_rows(path: Path) -> tuple[Iterator[list[str]], int]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("文件不是有效的 Excel（.xlsx）文件，请使用系统提供的模板") from exc
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
    context.set_forkserver_preload(["zongzhi.registry.import_preload"])
    return context
