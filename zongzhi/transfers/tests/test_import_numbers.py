"""Imports never store a number a spreadsheet has mangled, nor a row that contradicts itself.

Excel keeps 15 significant digits of a number cell: an 18-digit ID number typed into one has
lost its last digits. Most such numbers fail the checksum, but about one in eleven passes it,
and would register a person under a number that is not theirs.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zongzhi.people.idcard import is_valid_id_number
from zongzhi.people.models import Resident
from zongzhi.people.tests.test_residents import id_number

from .test_imports import HEADER, _csv, _run, good

pytestmark = pytest.mark.django_db


def _mangled_but_valid() -> tuple[str, float]:
    """A real ID number whose number-cell form passes the checksum: (the real number, the cell)."""
    for seq in range(100, 999):
        real = id_number(birth="19691016", seq=str(seq))
        cell = float(format(int(real[:17] + "0"), ".14e"))  # what Excel keeps of it
        if real.isdigit() and is_valid_id_number(str(int(cell))):
            return real, cell
    raise AssertionError("no such number in the range")


def _xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _reasons(api: Any, job_id: int) -> dict[int, str]:
    r = api("village_officer").get(f"/api/registry/imports/{job_id}/rejects")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_an_id_number_from_a_number_cell_is_refused_even_when_its_mangled_digits_pass_the_checksum(api: Any) -> None:
    real, cell = _mangled_but_valid()
    assert is_valid_id_number(str(int(cell))) and str(int(cell)) != real  # the trap the old import fell into
    rows: list[list[Any]] = [
        good("201", "冯某某"),
        [*good("202", "陈某某")[:2], cell, *good("202", "陈某某")[3:]],
        [*good("203", "褚某某")[:2], int(id_number(seq="203")), *good("203", "褚某某")[3:]],
    ]
    job = _run(api, _xlsx(rows), name="人口.xlsx")
    assert job.status == "done", job.error
    assert (job.imported, job.rejected) == (1, 2)
    assert list(Resident.objects.values_list("name", flat=True)) == ["冯某某"]
    reasons = _reasons(api, job.pk)
    for line in (3, 4):
        assert "证件号码" in reasons[line] and "精度丢失" in reasons[line] and "文本格式" in reasons[line]
        assert "校验位" not in reasons[line]
    assert "E+17" in reasons[3]  # the number as Excel shows it, so the user finds the cell


def test_scientific_notation_in_a_csv_and_long_codes_in_number_cells_are_refused(api: Any) -> None:
    csv_rows = [
        good("211", "甲"),
        [*good("212", "乙")[:2], "3.20111E+17", *good("212", "乙")[3:]],
        [*good("213", "丙")[:7], "1.38123E+10", *good("213", "丙")[8:]],
    ]
    job = _run(api, _csv(csv_rows))
    assert (job.imported, job.rejected) == (1, 2)
    reasons = _reasons(api, job.pk)
    assert "证件号码“3.20111E+17”精度丢失" in reasons[3]
    assert "联系电话“1.38123E+10”精度丢失" in reasons[4]

    header = [*HEADER, "户号"]
    book_rows: list[list[Any]] = [
        [*good("214", "丁"), "3201110030010001"],  # text: kept as it is
        [*good("215", "戊"), 3201110030010002],  # a 16-digit number cell: refused
        [*good("216", "己")[:7], 13900001111, *good("216", "己")[8:], 32011100300],  # short numbers are exact
    ]
    job = _run(api, _xlsx(book_rows, header=header), name="人口.xlsx")
    assert (job.imported, job.rejected) == (2, 1), job.error
    assert "户号" in _reasons(api, job.pk)[3] and "精度丢失" in _reasons(api, job.pk)[3]
    assert set(Resident.objects.filter(name__in=["丁", "己"]).values_list("household_number", flat=True)) == {
        "3201110030010001",
        "32011100300",
    }


def test_a_birth_date_or_sex_that_contradicts_the_id_number_refuses_the_row(api: Any) -> None:
    number = id_number(birth="19691016", seq="221")  # an odd sequence: a man
    rows = [
        [*good("221", "甲")[:4], "男", "1969-10-16", *good("221", "甲")[6:]],
        [*good("222", "乙")[:4], "", "1969-10-17", *good("222", "乙")[6:]],
        [*good("223", "丙")[:4], "女", "", *good("223", "丙")[6:]],
    ]
    rows[0][2] = number
    rows[1][2] = id_number(birth="19691016", seq="222")
    rows[2][2] = id_number(birth="19691016", seq="223")  # odd: a man, but the file says 女
    job = _run(api, _csv(rows))
    assert (job.imported, job.rejected) == (1, 2)
    reasons = _reasons(api, job.pk)
    assert "出生日期与身份证号码不符" in reasons[3] and "1969-10-16" in reasons[3]
    assert "性别与身份证号码不符" in reasons[4]
    stored = Resident.objects.get(name="甲")
    assert str(stored.birth_date) == "1969-10-16" and stored.sex_code == "1"


def test_the_command_lists_residents_an_earlier_import_may_have_taken_from_number_cells(api: Any, unit: Any) -> None:
    from django.core.management import call_command

    from zongzhi.people.tests.test_residents import _body

    _real, cell = _mangled_but_valid()
    mangled = str(int(cell))  # what the import before this fix stored from the number cell
    rows = [good("231", "号码正常"), [*good("232", "号码可疑")[:2], mangled, *good("232", "号码可疑")[3:]]]
    job = _run(api, _csv(rows))
    assert job.imported == 2
    # an import's registration time compares with other times (on SQLite it was once written in
    # another text form, after every time of the same day)
    assert Resident.objects.filter(created_at__gte=job.started_at, created_at__lte=job.finished_at).count() == 2
    # typed in through the form, a number of the same shape (15 digits and zeros, as a CSV saved
    # from a number cell has it): not an import's doing
    typed_number = next(
        n for day in range(10, 29) for seq in range(10) for n in [f"320111197001{day}{seq}000"] if is_valid_id_number(n)
    )
    r = api("village_officer").post("/api/registry/residents", _body(unit, name="手工录入", id_number=typed_number))
    assert r.status_code == 201, r.json()

    out = io.StringIO()
    call_command("find_number_cell_ids", stdout=out)
    listed = out.getvalue()
    assert "号码可疑" in listed and "号码正常" not in listed and "手工录入" not in listed
    assert mangled not in listed and mangled[:6] in listed  # masked
    assert f"\t{job.pk}\t" in f"\t{listed}" or listed.splitlines()[1].startswith(str(job.pk))
    assert "共检查 2 人，1 人" in listed

    out = io.StringIO()
    call_command("find_number_cell_ids", "--all", stdout=out)
    assert "号码可疑" in out.getvalue() and "手工录入" in out.getvalue() and "共检查 3 人，2 人" in out.getvalue()
