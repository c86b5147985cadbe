"""Files made to hurt the import (huge cells, broken quoting, zip bombs, parsers that die) fail
at once and leave the worker and what was written sound."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from zongzhi.people.models import Resident
from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import imports

from .test_imports import (
    SHARED_STRINGS,
    _csv,
    _declare_size,
    _failed_as_malformed,
    _run,
    _sheet,
    _sheet_head,
    _still_imports,
    _workbook,
    good,
)

pytestmark = pytest.mark.django_db


def test_a_300_kb_cell_refuses_its_row_naming_the_column_and_the_other_rows_import(api: Any) -> None:
    huge = "长" * 300_000
    for name, make, first in (("人口.csv", _csv, 800), ("人口.xlsx", lambda rows: _workbook(_sheet(rows)), 810)):
        rows = [
            good(f"{first}", "甲"),
            [*good(f"{first + 1}", "乙")[:9], huge],  # 现住地址, at most 200 characters
            [*good(f"{first + 2}", "丙")[:6], huge, *good(f"{first + 2}", "丙")[7:]],  # 民族, a code
            good(f"{first + 3}", "丁"),
        ]
        job = _run(api, make(rows), name=name)
        assert (job.status, job.imported, job.rejected) == ("done", 2, 2), job.error
        sheet = load_workbook(
            io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects").content)
        ).active
        refused = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert refused[3][1] == "现住地址不能超过200个字"
        assert refused[4][1].startswith("民族“长长长") and "不在代码表中" in refused[4][1] and len(refused[4][1]) < 60
        # the cell handed back is cut to what Excel holds, saying so
        assert len(refused[3][-1]) <= 32_767 and refused[3][-1].endswith("（已截断，原文共300,000字）")
    _still_imports(api, "819")


def test_a_csv_whose_unpaired_quote_swallows_the_file_fails_at_once_as_malformed(api: Any) -> None:
    content = _csv([good("820", "甲")]) + b'"' + "长".encode() * 1_100_000
    job = _run(api, content)
    assert job.status == "failed" and job.finished_at is not None
    assert job.error.startswith("文件结构异常") and "引号" in job.error and "重新导入" not in job.error
    _still_imports(api, "821", name="人口.csv")


def test_a_sheet_with_a_cell_at_xfd1048576_fails_at_once_and_the_worker_survives(api: Any) -> None:
    # The cell calamine would build a grid of 2**34 cells for (512 GB), beside A1.
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    filler = [good("832", "填充")] * 1600  # more than the first megabyte
    for sheet, detail in (
        (_sheet([good("830", "甲")], dimension="A1:XFD1048576", more=far), "声明的范围"),  # as Excel writes it
        (_sheet([good("830", "甲")], more=far), "引用了第16,384列"),  # no dimension
        (_sheet(filler, dimension="A1:J1601", more=far), ""),  # a false one, the cell past the first block
    ):
        started = time.monotonic()
        job = _run(api, _workbook(sheet), name="人口.xlsx")
        _failed_as_malformed(job, detail)
        assert time.monotonic() - started < 20
    _still_imports(api, "831")


def test_a_zip_bomb_fails_at_once_without_being_inflated(api: Any) -> None:
    def spaces() -> Iterator[bytes]:
        yield _sheet_head([good("840", "甲")]).encode()
        for _ in range(200):
            yield b" " * (1 << 20)  # 200 MB of blanks between two rows: 200 KB compressed
        yield b"</sheetData></worksheet>"

    bomb = _workbook(spaces())
    assert len(bomb) < 300_000
    # refused from what the zip declares: nothing inflated
    _failed_as_malformed(_run(api, bomb, name="人口.xlsx"), "倍")
    # the directory hides the size: reading stops where it says the part ends (2 MB)
    hidden = _declare_size(bomb, "xl/worksheets/sheet1.xml", 2 << 20)
    _failed_as_malformed(_run(api, hidden, name="人口.xlsx"), "不符")
    _still_imports(api, "841")


def test_a_huge_shared_string_table_fails_at_once(api: Any) -> None:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )

    def strings() -> Iterator[bytes]:
        yield head.encode()
        for _ in range(260):
            yield "<si><t>长</t></si>".encode() * ((1 << 20) // 19)  # 260 MB, 14 million strings
        yield b"</sst>"

    _failed_as_malformed(_run(api, _workbook(_sheet([good("850", "甲")]), strings()), name="人口.xlsx"), "共享字符串表")
    # a small table that declares fifty million strings
    declared = SHARED_STRINGS.replace('uniqueCount="0"', 'uniqueCount="50000000"')
    job = _run(api, _workbook(_sheet([good("850", "甲")]), declared), name="人口.xlsx")
    _failed_as_malformed(job, "50,000,000")
    _still_imports(api, "851")


def test_a_parser_that_runs_out_of_memory_fails_the_job_at_once_and_the_worker_survives(api: Any) -> None:
    # Within every limit of the guard (200,000 rows × 30 columns), but calamine's grid of six
    # million cells (190 MB) is more than the parser process may take here.
    wide = '<row r="200000"><c r="AD200000" t="inlineStr"><is><t>x</t></is></c></row>'
    with override_settings(IMPORT_PARSER_MEMORY_MB=16):
        job = _run(api, _workbook(_sheet([good("860", "甲")], more=wide)), name="人口.xlsx")
    _failed_as_malformed(job, "内存")
    _still_imports(api, "861")


def test_a_parser_that_dies_halfway_through_the_file_fails_the_job_at_once_keeping_the_written_batches(
    api: Any, monkeypatch: Any
) -> None:
    # A formula sends the file to openpyxl, which streams: 2,000 rows reach the import before
    # a cell of 30 million characters (under the size past which the ratio is checked) is more
    # than the parser may take here.
    monkeypatch.setattr(imports, "BATCH", 1000)
    rows = [
        [
            *good("870", f"甲{i}")[:2],
            id_number(birth=f"19{60 + i // 900}0101", seq=f"{100 + i % 900}"),
            *good("870", "")[3:],
        ]
        for i in range(3000)
    ]
    more = (
        '<row r="3500"><c r="B3500"><f>1+1</f><v>2</v></c></row>'
        '<row r="4000"><c r="A4000" t="inlineStr"><is><t>' + "x" * 30_000_000 + "</t></is></c></row>"
    )
    with override_settings(IMPORT_PARSER_MEMORY_MB=48):
        job = _run(api, _workbook(_sheet(rows, more=more)), name="人口.xlsx")
    assert job.status == "failed" and job.error.startswith("文件结构异常：") and "内存" in job.error, job.error
    assert 1000 <= job.imported < 3000 and Resident.objects.count() == job.imported
    _still_imports(api, "871")
