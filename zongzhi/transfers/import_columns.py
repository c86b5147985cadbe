"""The import template's columns, and how a file's header and cells are read as them: the
headers (with the synonyms departments use), the cells' text, and the template itself."""

from __future__ import annotations

import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zongzhi.dictionary.services import labels
from zongzhi.people import normalize
from zongzhi.people.validation import ID_NUMBER_LIMIT, PHONE_LIMIT, TEXT_LIMITS

from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks
from .import_reader import RowStream

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


_OTHER_LIMITS = {"id_number": ID_NUMBER_LIMIT, "phone": PHONE_LIMIT, "unit_code": 15}
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


HEADERS = {c.field: c.header for c in COLUMNS}


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
