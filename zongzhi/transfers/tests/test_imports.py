"""Excel/CSV import: bad rows, re-runs, a crash halfway, cancellation, comparison mode."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from zongzhi.people.models import NameToken, Resident
from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import imports
from zongzhi.transfers.models import ExportRequest, ImportJob
from zongzhi.units.demo import GRID_1, GRID_2

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名*",
    "证件类型",
    "证件号码*",
    "人口类别*",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "所属网格代码",
    "现住地址",
]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _upload(api: Any, content: bytes, name: str = "人口.csv", who: str = "village_officer", **form: Any) -> Any:
    client = api(who)
    return client.client.post(
        "/api/registry/imports", {"file": SimpleUploadedFile(name, content), **form}, headers=client._headers()
    )


def _run(api: Any, content: bytes, name: str = "人口.csv", who: str = "village_officer", **form: Any) -> ImportJob:
    r = _upload(api, content, name, who, **form)
    assert r.status_code == 201, r.json()
    imports.run_job(r.json()["id"])  # what the worker (or the embedded thread) does
    return ImportJob.objects.get(pk=r.json()["id"])


def good(seq: str, name: str, grid: str = GRID_1) -> list[str]:
    return [name, "居民身份证", id_number(seq=seq), "户籍人口", "", "", "汉族", "13812345678", grid, "冯墙路1号"]


# --- workbooks written part by part (openpyxl would refuse, or cut, what these tests need) --
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="实有人口" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        "</Relationships>"
    ),
}
SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>'
)


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet(rows: list[list[str]], *, header: list[str] = HEADER, dimension: str = "", more: str = "") -> str:
    """A first sheet of inline strings, the header in row 1; `more` is XML put after the rows."""
    from xml.sax.saxutils import escape

    body = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{_column(i)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for i, v in enumerate(cells, 1) if v
        )
        + "</row>"
        for r, cells in enumerate([header, *rows], start=1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
        f"<sheetData>{body}{more}</sheetData></worksheet>"
    )


def _workbook(sheet: str | Iterable[bytes], shared_strings: str | Iterable[bytes] = SHARED_STRINGS) -> bytes:
    """An .xlsx of the given sheet and shared strings, each text or blocks of bytes (written as
    a stream: a part of hundreds of MB never sits in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        for name, content in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            if isinstance(content, str):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w") as part:
                for block in content:
                    part.write(block)
    return out.getvalue()


def _declare_size(workbook: bytes, name: str, size: int) -> bytes:
    """The workbook with `name` declaring `size` inflated bytes in the zip's directory and in its
    own header, whatever it really inflates to."""
    data = bytearray(workbook)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                data[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def _sheet_head(rows: list[list[str]] = ()) -> str:  # type: ignore[assignment]
    return _sheet(list(rows)).split("</sheetData>")[0]


def _failed_as_malformed(job: ImportJob, *details: str) -> None:
    """Failed when the job ended, not ten minutes later; why, without advice to run it again."""
    assert job.status == "failed", (job.status, job.error)
    assert job.finished_at is not None and job.imported == 0
    assert job.error.startswith("文件结构异常：") and "重新导入" not in job.error, job.error
    for detail in details:
        assert detail in job.error, job.error


def _still_imports(api: Any, seq: str, name: str = "人口.xlsx") -> None:
    """The process that ran the bad file lives on: the next file it is given is imported."""
    rows = [good(seq, "后来的人")]
    job = _run(api, _workbook(_sheet(rows)) if name.endswith(".xlsx") else _csv(rows), name=name)
    assert (job.status, job.imported) == ("done", 1), job.error


def test_the_template_lists_the_columns_and_the_codes(api: Any) -> None:
    r = api("village_officer").get("/api/registry/imports/template")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in book["实有人口"][1]]
    assert header[:4] == ["姓名*", "证件类型", "证件号码*", "人口类别*"]
    assert "01 汉族" in [c.value for c in book["代码表"]["B"]] or any(
        "汉族" in str(c.value) for row in book["代码表"].iter_rows() for c in row
    )


def test_a_file_full_of_bad_rows_imports_the_good_ones_and_explains_the_rest(api: Any) -> None:
    wrong_check = id_number(seq="103")[:-1] + ("1" if id_number(seq="103")[-1] != "1" else "2")
    rows = [
        good("101", "王建国"),
        [*good("102", "李四")[:2], wrong_check, *good("102", "李四")[3:]],
        ["赵六", "护照", "E12345678", "境外人员", "1", "1990-13-01", "", "", GRID_1, ""],
        [*good("104", "钱七")[:6], "火星族", *good("104", "钱七")[7:]],
        ["", "居民身份证", id_number(seq="105"), "户籍人口", "", "", "", "", GRID_1, ""],
        good("101", "王建国（重复）"),
        ['=HYPERLINK("http://x")', "居民身份证", id_number(seq="106"), "户籍人口", "", "", "", "", GRID_1, ""],
        [*good("107", "孙八")[:8], "320111004001001", "某路"],
        [*good("108", "周九")[:7], "12345", GRID_1, ""],
        good("109", "吴十", GRID_2),
        good("110", "郑十一"),
    ]
    job = _run(api, _csv(rows))
    assert job.status == "done", job.error
    assert (job.imported, job.skipped, job.rejected) == (3, 0, 8)
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["吴十", "王建国", "郑十一"]
    assert NameToken.objects.filter(resident__name="吴十").exists()

    r = api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "校验位" in reasons[3]
    assert "出生日期" in reasons[4] and "不是日期" in reasons[4]
    assert "火星族" in reasons[5] and "代码表" in reasons[5]
    assert "姓名为必填" in reasons[6]
    assert "与第2行" in reasons[7]
    assert "公式" in reasons[8]
    assert "录入范围" in reasons[9] or "不存在" in reasons[9]
    assert "联系电话" in reasons[10]
    # running the same file again changes nothing
    again = _run(api, _csv(rows))
    assert (again.imported, again.skipped, again.rejected) == (0, 3, 8)
    assert Resident.objects.count() == 3


def test_a_utf8_csv_with_a_byte_order_mark_is_read_whatever_character_its_sample_cuts(api: Any) -> None:
    # The encoding is told from the first 64 KB; Excel's "CSV UTF-8" starts with a byte-order mark.
    rows = [[*good(f"{i:03d}", "王建国", GRID_1)[:9], "南京市浦口区沿江街道冯墙路" * 5] for i in range(100, 800)]
    for pad in range(40):
        rows[0][9] = "冯墙路" + "1" * pad
        content = _csv(rows)
        try:
            content[:65536].decode("utf-8-sig")
        except UnicodeDecodeError:
            break  # the sample ends inside a character
    else:
        raise AssertionError("no sample ends inside a character")
    job = _run(api, content)
    assert (job.status, job.imported) == ("done", 700), job.error
    assert Resident.objects.filter(name="王建国").count() == 700


def test_an_xlsx_that_is_not_an_xlsx_fails_cleanly(api: Any) -> None:
    job = _run(api, b"this is not a spreadsheet at all", name="人口.xlsx")
    assert job.status == "failed" and "Excel" in job.error
    job = _run(api, _csv([good("101", "王建国")], header=["名字", "号码"]))
    assert job.status == "failed" and "缺少必填列" in job.error and "证件号码" in job.error
    r = _upload(api, b"x", name="人口.txt")
    assert r.status_code == 400 and r.json()["code"] == "file_type"


def test_a_real_excel_file_imports(api: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(good("201", "冯某某"))
    sheet.append([*good("202", "陈某某")[:5], None, "01", 13900001111, GRID_1, None])  # a number typed as a number
    out = io.BytesIO()
    book.save(out)
    job = _run(api, out.getvalue(), name="人口.xlsx")
    assert job.status == "done" and (job.imported, job.rejected) == (2, 0), job.error
    found = api("village_officer").get("/api/registry/residents", {"q": "13900001111"}).json()["items"]
    assert [x["name"] for x in found] == ["陈某某"]


def test_an_import_killed_halfway_keeps_whole_batches_and_a_rerun_finishes_it(api: Any, monkeypatch: Any) -> None:
    rows = [good(f"{300 + i}", f"测试{i}") for i in range(7)]
    monkeypatch.setattr(imports, "BATCH", 3)
    real = imports.write_residents
    calls = {"n": 0}

    def crash_on_second_batch(batch: Any, now: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            real(batch[:1], now)  # half a batch written, then the process dies
            raise RuntimeError("killed")
        return real(batch, now)

    monkeypatch.setattr(imports, "write_residents", crash_on_second_batch)
    job = _run(api, _csv(rows))
    assert job.status == "failed" and "已导入的批次保留" in job.error
    assert Resident.objects.count() == 3  # the first batch; nothing of the broken one
    monkeypatch.setattr(imports, "write_residents", real)
    again = _run(api, _csv(rows))
    assert (again.status, again.imported, again.skipped) == ("done", 4, 3)
    assert Resident.objects.count() == 7


def test_people_registered_already_in_the_middle_of_a_batch_are_skipped_and_the_others_written(api: Any) -> None:
    # On PostgreSQL the unique index refuses the batch first; the registered person is then
    # looked up and left out, and the others are written in the same run.
    assert _run(api, _csv([good("700", "先登记")])).imported == 1
    job = _run(api, _csv([good("701", "新甲"), good("700", "先登记"), good("702", "新乙")]))
    assert (job.status, job.imported, job.skipped, job.rejected) == ("done", 2, 1, 0), job.error
    assert Resident.objects.filter(name="先登记").count() == 1
    found = api("village_officer").get("/api/registry/residents", {"q": "新乙"}).json()["items"]
    assert [x["name"] for x in found] == ["新乙"]


def test_an_import_can_be_cancelled_between_batches(api: Any, monkeypatch: Any) -> None:
    rows = [good(f"{400 + i}", f"取消{i}") for i in range(6)]
    monkeypatch.setattr(imports, "BATCH", 2)
    real = imports.write_residents

    def cancel_after_first(batch: Any, now: Any) -> int:
        written = real(batch, now)
        ImportJob.objects.update(cancel_requested=True)
        return written

    monkeypatch.setattr(imports, "write_residents", cancel_after_first)
    job = _run(api, _csv(rows))
    assert job.status == "cancelled" and job.imported == 2
    assert Resident.objects.count() == 2
    # a finished job cannot be cancelled; another user does not see the job at all
    r = api("village_officer").post(f"/api/registry/imports/{job.pk}/cancel")
    assert r.status_code == 409
    assert api("township_officer").get(f"/api/registry/imports/{job.pk}").status_code == 404


def test_comparison_mode_reports_new_changed_and_missing_people(api: Any) -> None:
    base = [good("501", "甲"), good("502", "乙"), good("503", "丙")]
    assert _run(api, _csv(base)).imported == 3
    department = [good("501", "甲"), good("502", "乙改名"), good("504", "丁")]
    job = _run(api, _csv(department), mode="compare")
    assert job.status == "done", job.error
    assert {k: job.report[k] for k in ("new", "changed", "missing")} == {"new": 1, "changed": 1, "missing": 1}
    assert Resident.objects.count() == 3  # a comparison changes nothing
    r = api("village_officer").get(f"/api/registry/imports/{job.pk}/report")
    book = load_workbook(io.BytesIO(r.content))
    assert [row[2] for row in book["新增人员"].iter_rows(min_row=2, values_only=True)] == ["丁"]
    assert "乙改名" in str(list(book["信息变化"].iter_rows(values_only=True)))
    # of the registered people missing from the file, the count only (their list is an export)
    assert [row[0] for row in book["系统有、文件无"].iter_rows(min_row=2, values_only=True)] == [1]
    assert "丙" not in str([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets])
    assert id_number(seq="504") not in str(list(book["新增人员"].iter_rows(values_only=True)))  # masked


def test_comparison_tells_new_people_an_import_would_refuse_and_people_registered_elsewhere(api: Any) -> None:
    other_village = "320111003002001"
    assert _run(api, _csv([good("511", "外村人", other_village)]), who="county_officer").imported == 1
    bad_code = good("512", "代码错")
    bad_code[6] = "火星族"
    department = [good("510", "新人"), bad_code, good("511", "外村人")]
    job = _run(api, _csv(department), mode="compare")
    assert job.status == "done", job.error
    report = {k: job.report[k] for k in ("new", "new_invalid", "elsewhere", "missing")}
    assert report == {"new": 2, "new_invalid": 1, "elsewhere": 1, "missing": 0}
    book = load_workbook(io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/report").content))
    checks = {row[2]: row[4] for row in book["新增人员"].iter_rows(min_row=2, values_only=True)}
    assert checks["新人"] == "可导入" and "民族“火星族”不在代码表中" in checks["代码错"]
    # registered elsewhere: named, but nothing of the other jurisdiction's record is shown
    assert [row[2] for row in book["已在其他辖区登记"].iter_rows(min_row=2, values_only=True)] == ["外村人"]
    # what an import of the same file then does: one new person, one refused, one skipped
    job = _run(api, _csv(department))
    assert (job.imported, job.rejected, job.skipped) == (1, 1, 1)


def test_imports_are_scoped(api: Any, unit: Any) -> None:
    r = _upload(api, _csv([good("601", "某")]), unit_id=unit("320111004001").pk)
    assert r.status_code == 404  # a unit out of sight
    r = _upload(api, _csv([good("601", "某")]), who="leader")
    assert r.status_code == 403  # reads, does not write
    r = _upload(api, _csv([good("601", "某")]), who="leader", mode="compare")
    assert r.status_code == 201


@pytest.mark.parametrize("name", ["人口.csv", "人口.xlsx"])
def test_a_large_file_is_checked_and_sealed_by_worker_processes(api: Any, monkeypatch: Any, name: str) -> None:
    from zongzhi.core import crypto

    monkeypatch.setattr(imports, "POOL_MIN_ROWS", 10)
    monkeypatch.setattr(imports, "BATCH", 40)  # the xlsx parser process sends 40 rows a message
    rows = [good(f"{i:03d}", f"并行{i}", GRID_1 if i % 2 else GRID_2) for i in range(100, 250)]
    rows.insert(60, [""] * len(HEADER))  # a blank row: skipped, and counted in the lines after it
    rows.append(good("100", "重复"))  # a duplicate of the first row, found across chunks
    rows.append([*good("251", "错")[:2], "123", *good("251", "错")[3:]])
    job = _run(api, _csv(rows) if name.endswith(".csv") else _workbook(_sheet(rows)), name=name)
    assert job.status == "done", job.error
    assert (job.imported, job.rejected) == (150, 2)
    sheet = load_workbook(
        io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects").content)
    ).active
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert reasons[153] == "与第2行的证件号码重复" and "号码" in reasons[154]
    # sealed in the workers with this process's key: readable here, and findable
    r = Resident.objects.get(name="并行123")
    assert crypto.unseal(bytes(r.id_number_sealed)) == id_number(seq="123")
    found = api("village_officer").get("/api/registry/residents", {"q": id_number(seq="200")}).json()["items"]
    assert [x["name"] for x in found] == ["并行200"]


def test_formulas_in_an_excel_file_are_refused(api: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(good("901", "公式甲"))
    sheet.append(['=CONCATENATE("王","五")', *good("902", "x")[1:]])
    out = io.BytesIO()
    book.save(out)
    job = _run(api, out.getvalue(), name="人口.xlsx")
    assert (job.status, job.imported, job.rejected) == ("done", 1, 1)
    sheet = load_workbook(
        io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects").content)
    ).active
    assert "公式" in next(iter(sheet.iter_rows(min_row=2, values_only=True)))[1]


def test_formulas_are_refused_in_the_sheet_that_is_read_even_when_it_is_not_sheet1(api: Any) -> None:
    # Sheets reordered in Excel: the first sheet (the one read) is kept in sheet2.xml. Its
    # formula carries a computed value, which calamine would hand over as if typed.
    formula = (
        '<row r="3"><c r="A3" t="str"><f>CONCATENATE("王","五")</f><v>王五</v></c>'
        + "".join(
            f'<c r="{_column(i)}3" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(good("912", "")[1:], 2)
            if v
        )
        + "</row>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            if name == "xl/workbook.xml":
                text = text.replace(
                    '<sheet name="实有人口" sheetId="1" r:id="rId1"/>',
                    '<sheet name="实有人口" sheetId="2" r:id="rId3"/><sheet name="说明" sheetId="1" r:id="rId1"/>',
                )
            elif name == "xl/_rels/workbook.xml.rels":
                text = text.replace(
                    "</Relationships>",
                    '<Relationship Id="rId3" Target="worksheets/sheet2.xml" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                    "</Relationships>",
                )
            elif name == "[Content_Types].xml":
                text = text.replace(
                    "</Types>",
                    '<Override PartName="/xl/worksheets/sheet2.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
                )
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", _sheet([], header=["填写说明"]))
        archive.writestr("xl/worksheets/sheet2.xml", _sheet([good("911", "甲")], more=formula))
        archive.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
    job = _run(api, out.getvalue(), name="人口.xlsx")
    assert (job.status, job.imported, job.rejected) == ("done", 1, 1), job.error
    assert not Resident.objects.filter(name="王五").exists()


def test_a_job_whose_process_died_is_marked_failed_and_expired_exports_are_deleted(api: Any, unit: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from zongzhi.transfers import exports
    from zongzhi.transfers.models import ExportRequest
    from zongzhi.transfers.tasks import housekeeping_task

    r = _upload(api, _csv([good("951", "某")]))
    job = ImportJob.objects.get(pk=r.json()["id"])
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now() - dt.timedelta(minutes=30))
    req = (
        api("village_officer")
        .post("/api/registry/exports", {"unit_id": unit("320111003001").pk, "reason": "核对辖区人口底数"})
        .json()
    )
    api("township_officer").post(f"/api/registry/exports/{req['id']}/approve", {})
    exports.build(req["id"])
    ExportRequest.objects.filter(pk=req["id"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert housekeeping_task() == {
        "exports_expired": 1,
        "imports_stalled": 1,
        "import_files_expired": 0,
        "import_reviews_expired": 0,
    }
    job.refresh_from_db()
    assert job.status == "failed" and "中断" in job.error
    assert not ExportRequest.objects.get(pk=req["id"]).file


def test_key_persons_are_imported_from_the_townships_list(api: Any) -> None:
    assert _run(api, _csv([good("961", "甲"), good("962", "乙"), good("963", "丙")])).imported == 3
    r = api("village_officer").get("/api/registry/imports/template", {"kind": "key_persons"})
    header = [c.value for c in load_workbook(io.BytesIO(r.content)).active[1]]
    assert header[:2] == ["证件号码*", "姓名"] and "原罪名" in header and "监护人姓名" in header
    head = [
        "证件号码",
        "姓名",
        "类别组",
        "类别",
        "危险性等级",
        "原罪名",
        "释放日期",
        "诊断",
        "监护人姓名",
        "监护人联系电话",
    ]
    rows = [
        [id_number(seq="961"), "甲", "重点人员", "刑满释放人员", "", "盗窃罪", "2025-06-30", "", "", ""],
        [id_number(seq="962"), "乙", "重点人员", "03", "3级", "", "", "精神分裂症", "乙某", "13900002222"],
        [id_number(seq="963"), "丙", "重点人员", "严重精神障碍患者", "", "", "", "抑郁症", "丙某", ""],
        [id_number(seq="964"), "丁", "重点人员", "吸毒人员", "", "", "", "", "", ""],
        [id_number(seq="961"), "错名", "关怀对象", "低保对象", "", "", "", "", "", ""],
    ]
    job = _run(api, _csv(rows, header=head), kind="key_persons")
    assert job.status == "done", job.error
    assert (job.imported, job.rejected) == (2, 3)
    sheet = load_workbook(
        io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects").content)
    ).active
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "危险性等级" in reasons[4] and "未登记" in reasons[5] and "姓名" in reasons[6]
    listed = api("village_officer").get("/api/registry/categories", {"group": "key"}).json()["items"]
    assert {(c["resident_name"], c["category_label"]) for c in listed} == {
        ("甲", "刑满释放人员"),
        ("乙", "严重精神障碍患者"),
    }
    assert next(c for c in listed if c["resident_name"] == "乙")["visit_every_days"] == 14
    again = _run(api, _csv(rows, header=head), kind="key_persons")
    assert (again.imported, again.skipped) == (0, 2)


def test_review_findings_hold(api: Any, unit: Any) -> None:
    """A number with a tab or a no-break space inside is the same number; the upload is
    deleted once read; a full-number export needs the right to unmask; NaN is not a number."""
    rows = [
        good("971", "甲"),
        [*good("972", "乙")[:2], id_number(seq="971")[:8] + "\t" + id_number(seq="971")[8:], *good("972", "乙")[3:]],
    ]
    job = _run(api, _csv(rows))
    assert (job.imported, job.rejected) == (1, 1) and not job.file
    r = api("grid_worker").post(
        "/api/registry/exports", {"unit_id": unit(GRID_1).pk, "reason": "核对辖区人口底数", "full_id_numbers": True}
    )
    assert r.status_code == 403
    rid = Resident.objects.get(name="甲").pk
    r = api("village_officer").post(
        f"/api/registry/residents/{rid}/categories",
        {"group": "care", "category_code": "01", "details": {"allowance_type": "城市低保", "monthly_amount": "nan"}},
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "details.monthly_amount"


# --- a comparison's missing people are an export; files at rest are sealed ---------------------
REGISTERED = [("801", "甲一"), ("802", "乙二"), ("803", "丙三"), ("804", "丁四")]


def _township_compares_one_row(api: Any) -> ImportJob:
    """Four people registered in the village; the township compares a file naming one of them."""
    assert _run(api, _csv([good(seq, name) for seq, name in REGISTERED])).imported == 4
    job = _run(api, _csv([good("801", "甲一")]), who="township_officer", mode="compare")
    assert job.status == "done", job.error
    return job


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return str([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets])


def _stored_plaintext(stored: Any, needle: str) -> bool:
    """Whether `needle` can be read from the stored bytes as they are, or from the XML inside
    them if they are a workbook (an .xlsx is a zip: its cells are compressed)."""
    with stored.open("rb") as fh:
        raw = fh.read()
    texts = [raw]
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            texts += [archive.read(name) for name in archive.namelist()]
    return any(needle.encode() in text for text in texts)


def test_a_township_comparing_a_one_row_file_gets_the_count_of_missing_people_not_their_names(api: Any) -> None:
    job = _township_compares_one_row(api)
    assert job.report["missing"] == 3 and job.report["in_file"] == 1
    r = api("township_officer").get(f"/api/registry/imports/{job.pk}/report")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert list(book["系统有、文件无"].iter_rows(values_only=True))[:2] == [
        ("人数", "说明"),
        (3, imports.MISSING_NOTE),
    ]
    text = _workbook_text(r.content)
    for seq, name in REGISTERED[1:]:
        assert name not in text and id_number(seq=seq)[-4:] not in text
    shown = api("township_officer").get(f"/api/registry/imports/{job.pk}").json()
    assert shown["report"]["missing"] == 3 and shown["has_missing_list"] and shown["missing_export"] is None


def test_the_missing_list_is_an_export_the_unit_above_approves_and_it_carries_the_watermark(
    api: Any, unit: Any, audit_since: Any
) -> None:
    from zongzhi.notify.models import Notification
    from zongzhi.transfers import exports

    job = _township_compares_one_row(api)
    url = f"/api/registry/imports/{job.pk}/missing-list"
    assert api("township_officer").post(url, {"reason": "短"}).status_code == 400
    r = api("township_officer").post(url, {"reason": "核对公安名单中缺少的人员"})
    assert r.status_code == 201, r.json()
    req = r.json()
    assert (req["kind"], req["status"], req["import_job_id"], req["import_missing"]) == (
        "compare_missing",
        "pending",
        job.pk,
        3,
    )
    assert req["approver_unit"] == unit("320111").name  # the county above the township
    told = Notification.objects.get(user__username="county_officer", kind="export")
    assert "人口.csv" in told.body and "3人" in told.body
    # one open request per comparison; it is shown on the comparison
    assert api("township_officer").post(url, {"reason": "再申请一次看看"}).status_code == 409
    shown = api("township_officer").get(f"/api/registry/imports/{job.pk}").json()
    assert shown["missing_export"]["id"] == req["id"] and shown["missing_export"]["status"] == "pending"
    # the county sees it among the requests it decides on, like any export
    waiting = api("county_officer").get("/api/registry/exports", {"box": "approve"}).json()
    assert [w["id"] for w in waiting] == [req["id"]] and waiting[0]["import_filename"] == "人口.csv"

    assert api("county_officer").post(f"/api/registry/exports/{req['id']}/approve", {"note": "同意"}).status_code == 200
    exports.build(req["id"])  # the background job
    shown = api("township_officer").get("/api/registry/imports").json()[0]["missing_export"]
    assert shown["status"] == "ready" and shown["rows"] == 3 and shown["can_download"]

    r = api("township_officer").get(f"/api/registry/exports/{req['id']}/file")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    mark = sheet["A1"].value
    assert "导出人：王强（township_officer）" in mark and "仅限工作使用" in mark
    assert sheet.oddHeader.center.text == mark and sheet.oddFooter.center.text == mark
    listed = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert listed == ["乙二", "丙三", "丁四"]  # the people of the file are not in it
    assert id_number(seq="802") not in _workbook_text(r.content)  # masked unless asked and approved
    assert [e.action for e in audit_since() if e.action.startswith("export.")] == [
        "export.requested",
        "export.approved",
        "export.ready",
        "export.downloaded",
    ]
    assert audit_since("export.requested")[0].detail["missing"] == 3


def test_the_requester_cannot_approve_their_own_missing_list_request(api: Any, audit_since: Any) -> None:
    job = _township_compares_one_row(api)
    req = api("township_officer").post(f"/api/registry/imports/{job.pk}/missing-list", {"reason": "核对缺少的人员"})
    r = api("township_officer").post(f"/api/registry/exports/{req.json()['id']}/approve", {})
    assert r.status_code == 403 and r.json()["message"] == "不能审批自己的申请"
    assert ExportRequest.objects.get(pk=req.json()["id"]).status == "pending"
    assert audit_since("permission.denied")


def test_out_of_scope_users_cannot_read_request_approve_or_download_a_comparisons_missing_list(api: Any) -> None:
    from zongzhi.transfers import exports

    job = _township_compares_one_row(api)
    for who in ("township2_officer", "county_officer", "village_officer"):  # not the uploader
        assert api(who).get(f"/api/registry/imports/{job.pk}/report").status_code == 404
        r = api(who).post(f"/api/registry/imports/{job.pk}/missing-list", {"reason": "核对缺少的人员"})
        assert r.status_code == 404
    req = api("township_officer").post(f"/api/registry/imports/{job.pk}/missing-list", {"reason": "核对缺少的人员"})
    rid = req.json()["id"]
    # only the unit above decides: not the neighbouring township, not the village below
    assert api("township2_officer").post(f"/api/registry/exports/{rid}/approve", {}).status_code == 404
    assert api("village_officer").post(f"/api/registry/exports/{rid}/approve", {}).status_code == 404
    api("county_officer").post(f"/api/registry/exports/{rid}/approve", {})
    exports.build(rid)
    # only the requester downloads, not even the approver
    for who in ("county_officer", "township2_officer"):
        assert api(who).get(f"/api/registry/exports/{rid}/file").status_code == 404


def test_a_missing_list_cannot_be_asked_for_once_the_comparison_files_are_deleted(api: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from zongzhi.transfers import exports

    job = _township_compares_one_row(api)
    pending = (
        api("township_officer")
        .post(f"/api/registry/imports/{job.pk}/missing-list", {"reason": "核对缺少的人员"})
        .json()
    )
    assert imports.expire_files(timezone.now() + dt.timedelta(days=imports.IMPORT_FILES_DAYS + 1)) == 1
    job.refresh_from_db()
    assert not job.report_file and not job.missing_file
    # approved too late: the file cannot be made, and says so
    api("county_officer").post(f"/api/registry/exports/{pending['id']}/approve", {})
    exports.build(pending["id"])
    assert ExportRequest.objects.get(pk=pending["id"]).status == "failed"
    r = api("township_officer").post(f"/api/registry/imports/{job.pk}/missing-list", {"reason": "核对缺少的人员"})
    assert r.status_code == 409 and r.json()["code"] == "expired"
    assert not api("township_officer").get(f"/api/registry/imports/{job.pk}").json()["has_missing_list"]


def test_stored_rejects_reports_and_exports_hold_no_plaintext_id_number_while_downloads_are_whole(
    api: Any, unit: Any
) -> None:
    from zongzhi.transfers import exports

    bad = [*good("811", "错行")[:6], "火星族", *good("811", "错行")[7:]]  # refused: its number in the rejects
    job = _run(api, _csv([good("810", "好行"), bad]))
    assert (job.imported, job.rejected) == (1, 1)
    assert not _stored_plaintext(job.rejects_file, id_number(seq="811"))
    r = api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects")
    assert id_number(seq="811") in _workbook_text(r.content)

    compared = _run(api, _csv([good("811", "新人"), good("812", "另一新人")]), mode="compare")
    for seq in ("810", "811", "812"):
        assert not _stored_plaintext(compared.report_file, id_number(seq=seq))
        assert not _stored_plaintext(compared.missing_file, id_number(seq=seq))
    r = api("village_officer").get(f"/api/registry/imports/{compared.pk}/report")
    assert "新人" in _workbook_text(r.content)

    req = api("village_officer").post(
        "/api/registry/exports",
        {"unit_id": unit("320111003001").pk, "reason": "核对辖区人口底数", "full_id_numbers": True},
    )
    api("township_officer").post(f"/api/registry/exports/{req.json()['id']}/approve", {})
    exports.build(req.json()["id"])
    stored = ExportRequest.objects.get(pk=req.json()["id"]).file
    assert not _stored_plaintext(stored, id_number(seq="810")) and not _stored_plaintext(stored, "好行")
    r = api("village_officer").get(f"/api/registry/exports/{req.json()['id']}/file")
    assert id_number(seq="810") in _workbook_text(r.content)


def test_a_comparison_report_stored_before_reports_were_sealed_is_not_served(api: Any) -> None:
    from django.core.files.base import ContentFile

    job = _township_compares_one_row(api)
    # What a report of the earlier version was: an unsealed workbook listing the missing people
    # (written by hand: no service writes such a file any more).
    book = Workbook()
    book.active.append(["证件号码", "姓名", "所属网格"])
    book.active.append(["3201**********0001", "乙二", "一网格"])
    out = io.BytesIO()
    book.save(out)
    job.report_file.save("旧-比对结果.xlsx", ContentFile(out.getvalue()))
    r = api("township_officer").get(f"/api/registry/imports/{job.pk}/report")
    assert r.status_code == 409 and r.json()["code"] == "old_file"


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


def test_files_and_audit_rows_keep_the_names_they_were_stored_under_before_the_registry_split(
    api: Any, unit: Any
) -> None:
    """Sealed files are bound to "<record name>:<id>:<field>" and audit rows name their record:
    both were written as "registry.<model>" before the registry became people, places and
    transfers, and must still be read after it."""
    from zongzhi.audit.models import AuditLog
    from zongzhi.core import crypto
    from zongzhi.people.tests.test_residents import _body

    bad = [*good("821", "错行")[:6], "火星族", *good("821", "错行")[7:]]
    job = _run(api, _csv([good("820", "好行"), bad]))
    with job.rejects_file.open("rb") as fh:
        sealed = fh.read()
    assert crypto.unseal_file(sealed, f"registry.importjob:{job.pk}:rejects_file").startswith(b"PK")

    officer = api("village_officer")
    rid = officer.post("/api/registry/residents", _body(unit, id_number=id_number(seq="822"))).json()["id"]
    assert (
        officer.put(
            f"/api/registry/residents/{rid}", _body(unit, id_number=id_number(seq="822"), occupation="教师")
        ).status_code
        == 200
    )
    rows = AuditLog.objects.filter(object_id=str(rid), layer="change", object_type__endswith=".resident")
    assert rows.count() == 2 and set(rows.values_list("object_type", flat=True)) == {"registry.resident"}
    assert len(officer.get(f"/api/registry/residents/{rid}").json()["history"]) == 2
