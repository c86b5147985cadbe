"""Department files, as exported by other systems, import without being retyped: the header
found below a title row, the department's own headers matched through the dictionary, a
column the file lacks given one value, and every common form of dates, phones and ID numbers
brought to one form before it is checked. A row is refused only for a real defect."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zongzhi.core import crypto
from zongzhi.people.models import Resident
from zongzhi.transfers import imports
from zongzhi.transfers.models import ImportJob
from zongzhi.units.demo import GRID_1

from . import messy

pytestmark = pytest.mark.django_db

KIND = json.dumps({"kind": "户籍人口"}, ensure_ascii=False)


def _run(api: Any, content: bytes, name: str, who: str = "village_officer", **form: Any) -> ImportJob:
    client = api(who)
    r = client.client.post(
        "/api/registry/imports", {"file": SimpleUploadedFile(name, content), **form}, headers=client._headers()
    )
    assert r.status_code == 201, r.json()
    imports.run_job(r.json()["id"])
    return ImportJob.objects.get(pk=r.json()["id"])


def _stored_as_given(persons: list[messy.Person]) -> None:
    for p in persons:
        index = crypto.blind_index(p.id_number, "id_number")
        r = Resident.objects.get(id_number_index=index, is_retired=False)
        assert (r.name, r.birth_date, r.kind, r.current_address) == (p.name, p.birth, "registered", p.address)
        assert crypto.unseal(r.phone_sealed) == p.phone
        assert r.sex_code == ("1" if int(p.id_number[16]) % 2 else "2")


@pytest.mark.parametrize("variant", range(4))
def test_a_department_register_imports_every_good_row_whatever_its_shape(api: Any, variant: int) -> None:
    persons = messy.people(36, seed=variant)
    rows = messy.department_rows(persons, variant, grid=GRID_1)
    job = _run(api, messy.as_xlsx(rows), f"户籍人口{variant}.xlsx", fixed=KIND)
    assert job.status == "done", job.error
    assert (job.imported, job.rejected) == (36, 0)
    _stored_as_given(persons)


def test_a_gbk_csv_with_a_title_row_and_full_width_numbers_imports(api: Any) -> None:
    persons = messy.people(27, seed=11)
    job = _run(api, messy.as_csv(messy.department_rows(persons, 1, grid=GRID_1)), "户籍.csv", fixed=KIND)
    assert job.status == "done", job.error
    assert (job.imported, job.rejected) == (27, 0)
    _stored_as_given(persons)


def test_rows_with_real_defects_are_refused_with_the_line_of_the_file_and_the_reason(api: Any) -> None:
    persons = messy.people(4, seed=3)
    rows = messy.department_rows(persons, 1, grid=GRID_1)  # title, a blank row, then the header (line 3)
    first = 3
    rows[first + 1][4] = "1969年13月1日"  # no such month
    rows[first + 2][6] = "1381234"  # too short for a phone
    rows[first + 3][2] = persons[2].id_number[:-1] + ("1" if persons[2].id_number[-1] != "1" else "2")
    job = _run(api, messy.as_xlsx(rows), "有误.xlsx", fixed=KIND)
    assert (job.imported, job.rejected) == (1, 3), job.error
    r = api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    reasons = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(reasons) == {5, 6, 7}  # the file's own line numbers, title rows counted
    assert "1969年13月1日" in reasons[5] and "不是日期" in reasons[5]
    assert "联系电话" in reasons[6]
    assert "校验位" in reasons[7]


def test_a_file_without_a_population_kind_column_says_how_to_go_on(api: Any) -> None:
    rows = messy.department_rows(messy.people(2), 0, grid=GRID_1)
    job = _run(api, messy.as_xlsx(rows), "户籍.xlsx")
    assert job.status == "failed" and "人口类别" in job.error and "指定一个值" in job.error
    assert Resident.objects.count() == 0


def test_the_uploader_maps_an_unknown_header_and_an_administrator_adds_a_synonym(api: Any) -> None:
    persons = messy.people(3, seed=5)
    rows = messy.department_rows(persons, 0, grid=GRID_1)
    header_at = 1
    rows[header_at][2] = "身份证明号"  # nobody's synonym yet
    content = messy.as_xlsx(rows)
    job = _run(api, content, "户籍.xlsx", fixed=KIND)
    assert job.status == "failed" and "证件号码" in job.error

    mapped = _run(api, content, "户籍.xlsx", fixed=KIND, columns=json.dumps({"身份证明号": "id_number"}))
    assert (mapped.imported, mapped.rejected) == (3, 0), mapped.error

    r = api("sysadmin").post(
        f"/api/dictionary/tables/{imports.ALIAS_TABLE}/items",
        {"code": "idnumber99", "label": "身份证明号", "parent_code": "idnumber"},
    )
    assert r.status_code == 201, r.json()
    persons = messy.people(3, seed=6)
    rows = messy.department_rows(persons, 0, grid=GRID_1)
    rows[header_at][2] = "身份证明号"
    again = _run(api, messy.as_xlsx(rows), "户籍.xlsx", fixed=KIND)
    assert (again.imported, again.rejected) == (3, 0), again.error


def test_bad_column_choices_are_refused_before_the_file_is_kept(api: Any) -> None:
    client = api("village_officer")

    def upload(**form: str) -> Any:
        return client.client.post(
            "/api/registry/imports",
            {"file": SimpleUploadedFile("a.csv", b"x,y\n1,2\n"), **form},
            headers=client._headers(),
        )

    for form, code in (
        ({"fixed": "{not json"}, "invalid_json"),
        ({"fixed": json.dumps(["kind"])}, "invalid_json"),
        ({"fixed": json.dumps({"id_number": "320111198503121234"})}, "unknown_field"),
        ({"fixed": json.dumps({"kind": "  "})}, "required"),
        ({"columns": json.dumps({"号码": "salary"})}, "unknown_field"),
        ({"columns": json.dumps({"甲": "name", "乙": "name"})}, "duplicate_field"),
    ):
        r = upload(**form)
        assert r.status_code == 400 and r.json()["code"] == code, (form, r.json())
    assert ImportJob.objects.count() == 0


def test_the_import_refuses_what_the_form_refuses(api: Any, unit: Any) -> None:
    """One set of rules: each of these residents is refused by the form and by the import."""
    from zongzhi.dictionary.models import CodeItem
    from zongzhi.dictionary.services import set_item_retired
    from zongzhi.people.tests.test_residents import _body, id_number
    from zongzhi.units.models import User

    item = CodeItem.objects.get(table__code="ethnicity", code="02")
    set_item_retired(acting_user=User.objects.get(username="sysadmin"), item=item, retired=True)
    overseas = {"kind": "overseas", "id_type_code": "414", "id_number": "E12345678", "sex_code": "1"}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("retired ethnicity", {"ethnicity_code": "02"}),
        ("name too long", {"name": "王" * 51}),
        (
            "leaves before arriving",
            {
                **overseas,
                "birth_date": "1990-01-01",
                "nationality_code": "840",
                "arrived_on": "2026-05-01",
                "leaves_on": "2026-04-01",
            },
        ),
        ("overseas without nationality", {**overseas, "birth_date": "1990-01-01"}),
        (
            "permit expires before issued",
            {"kind": "floating", "permit_issued_on": "2026-05-01", "permit_expires_on": "2025-05-01"},
        ),
        ("bad phone", {"phone": "1381234"}),
        ("born tomorrow", {**overseas, "nationality_code": "840", "birth_date": "2099-01-01"}),
    ]
    headers = {
        "name": "姓名",
        "id_type_code": "证件类型",
        "id_number": "证件号码",
        "kind": "人口类别",
        "sex_code": "性别",
        "birth_date": "出生日期",
        "ethnicity_code": "民族",
        "phone": "联系电话",
        "nationality_code": "国籍（地区）",
        "arrived_on": "抵达日期",
        "leaves_on": "预计离开日期",
        "permit_issued_on": "发证日期",
        "permit_expires_on": "有效期至",
    }
    kinds = {"registered": "户籍人口", "floating": "流动人口", "overseas": "境外人员"}
    rows = []
    for i, (label, extra) in enumerate(cases):
        body = _body(unit, **{"id_number": id_number(seq=f"{500 + i}"), **extra})
        form = api("village_officer").post("/api/registry/residents", body)
        assert form.status_code in (400, 422), (label, form.json())  # the schema or the rules
        rows.append([kinds.get(body.get(f, ""), body.get(f, "")) if f == "kind" else body.get(f, "") for f in headers])
    header = list(headers.values())
    rows = [[*r, GRID_1] for r in rows]
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*header, "所属网格代码"])
    writer.writerows(rows)
    job = _run(api, out.getvalue().encode("utf-8"), "同一规则.csv")
    assert (job.imported, job.rejected) == (0, len(cases)), job.error
    reasons = list(
        load_workbook(
            io.BytesIO(api("village_officer").get(f"/api/registry/imports/{job.pk}/rejects").content)
        ).active.iter_rows(min_row=2, values_only=True)  # type: ignore[union-attr]
    )
    by_line = {r[0]: r[1] for r in reasons}
    assert "已停用" in by_line[2] and "不能超过50个字" in by_line[3] and "预计离开日期不能早于抵达日期" in by_line[4]
    assert "须填写国籍" in by_line[5] and "有效期至不能早于发证日期" in by_line[6] and "联系电话" in by_line[7]
    assert "不能晚于今天" in by_line[8]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("（025）12345678", "025-12345678"),
        ("025 12345678", "025-12345678"),
        ("025-1234567-1", None),  # an extension: not a phone the checks take
        ("1234-5678-901", None),  # eleven digits, but not grouped as a mobile
    ],
)
def test_a_phone_is_brought_to_one_form_only_when_its_grouping_is_known(written: str, stored: str | None) -> None:
    from zongzhi.people import normalize
    from zongzhi.units.services import PHONE_RE

    value = normalize.phone(written)
    assert (value if PHONE_RE.match(value) else None) == stored
