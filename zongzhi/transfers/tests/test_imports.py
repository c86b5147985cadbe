"""Excel/CSV import: bad rows, re-runs, a crash halfway, cancellation, comparison mode."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


def test_comparison_tells_new_people_an_import_would_refuse_and_people_registered_elsewhere(
    api: Any, officer: Any
) -> None:
    other_village = "320111003002001"
    officer("village2_officer", "320111003002")  # the other village keeps its own residents
    assert _run(api, _csv([good("511", "外村人", other_village)]), who="village2_officer").imported == 1
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
