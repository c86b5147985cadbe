"""The import wizard: upload, see the header found and the columns proposed, correct them, give
a value to a column the file lacks, then import; nothing is written before the confirmation,
and a unit's choices come back for the next file of the same shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.people.models import Resident
from zongzhi.transfers import imports
from zongzhi.transfers.models import ImportJob, ImportMapping
from zongzhi.units.demo import GRID_1

from . import messy

pytestmark = pytest.mark.django_db


def _upload(api: Any, content: bytes, name: str, who: str = "village_officer", **form: Any) -> dict[str, Any]:
    client = api(who)
    r = client.client.post(
        "/api/registry/imports",
        {"file": SimpleUploadedFile(name, content), "review": "true", **form},
        headers=client._headers(),
    )
    assert r.status_code == 201, r.json()
    imports.run_job(r.json()["id"])  # the background step: read the head of the file
    job = api(who).get(f"/api/registry/imports/{r.json()['id']}")
    assert job.status_code == 200
    return dict(job.json())


def _department_file(persons: list[messy.Person], variant: int = 1) -> bytes:
    rows = messy.department_rows(persons, variant, grid=GRID_1)
    header = rows.index(next(r for r in rows if r and r[0] == "序号"))
    rows[header][2] = "身份证明号"  # a header nobody's synonym names
    return messy.as_xlsx(rows)


def test_an_upload_waits_with_the_header_found_and_masked_samples_and_writes_nothing(api: Any) -> None:
    persons = messy.people(8, seed=21)
    job = _upload(api, _department_file(persons), "户籍登记表.xlsx")
    assert job["status"] == "review" and job["status_label"] == "待确认列"
    preview = job["preview"]
    assert preview["header_line"] == 3  # a merged title row and a blank row above it
    by_header = {c["header"]: c for c in preview["columns"]}
    assert by_header["序号"]["field"] == "" and by_header["备注"]["field"] == ""
    assert by_header["姓名"]["field"] == "name" and by_header["联系电话"]["field"] == "phone"
    assert by_header["现住址"]["field"] == "current_address" and by_header["网格代码"]["field"] == "unit_code"
    assert by_header["身份证明号"]["field"] == ""  # not recognised: the user chooses
    samples = by_header["身份证明号"]["samples"]
    assert len(samples) == 5 and all("*" in s for s in samples)
    shown = str(preview)
    assert not any(p.id_number in shown or p.phone in shown for p in persons)
    assert Resident.objects.count() == 0
    assert ImportJob.objects.get(pk=job["id"]).file  # kept until confirmed


def test_confirming_the_columns_and_one_value_for_a_missing_column_imports_the_file(api: Any) -> None:
    persons = messy.people(8, seed=22)
    job = _upload(api, _department_file(persons), "户籍登记表.xlsx")
    client = api("village_officer")
    url = f"/api/registry/imports/{job['id']}/confirm"

    r = client.post(url, {"columns": {"2": "id_number"}})
    assert r.status_code == 400 and r.json()["code"] == "missing_column" and "人口类别" in r.json()["message"]
    r = client.post(url, {"columns": {"2": "id_number", "1": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 400 and r.json()["code"] == "duplicate_field"
    r = client.post(url, {"columns": {"99": "name"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 400 and r.json()["code"] == "unknown_column"
    r = client.post(url, {"columns": {"2": "id_number"}, "fixed": {"kind": "本地人"}})
    assert r.status_code == 400 and r.json()["code"] == "invalid_value" and "本地人" in r.json()["message"]
    r = client.post(url, {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口", "sex_code": "男"}})
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"
    assert Resident.objects.count() == 0

    r = client.post(url, {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "queued" and r.json()["preview"] is None
    assert ImportJob.objects.get(pk=job["id"]).preview == {}  # the samples are people's data
    imports.run_job(job["id"])
    done = ImportJob.objects.get(pk=job["id"])
    assert done.status == "done" and (done.imported, done.rejected) == (8, 0), done.error
    assert set(Resident.objects.values_list("kind", flat=True)) == {"registered"}
    confirmed = AuditLog.objects.get(action="registry.import_confirmed", object_id=str(job["id"]))
    assert confirmed.detail["columns"]["2"] == "id_number" and confirmed.detail["fixed"] == ["kind"]
    again = client.post(url, {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert again.status_code == 409 and again.json()["code"] == "not_in_review"


def test_the_units_choices_come_back_for_the_next_file_of_the_same_shape(api: Any) -> None:
    first = _upload(api, _department_file(messy.people(3, seed=23)), "公安户籍导出-10月.xlsx")
    r = api("village_officer").post(
        f"/api/registry/imports/{first['id']}/confirm",
        {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口"}, "remember": True},
    )
    assert r.status_code == 200, r.json()
    assert ImportMapping.objects.count() == 1

    # the next month's file, uploaded by a colleague of the same village
    nxt = _upload(api, _department_file(messy.people(3, seed=24)), "公安户籍导出-11月.xlsx", who="grid_worker")
    preview = nxt["preview"]
    assert preview["remembered"] == "公安户籍导出-10月.xlsx" and preview["fixed"] == {"kind": "户籍人口"}
    assert {c["header"]: c["field"] for c in preview["columns"]}["身份证明号"] == "id_number"

    # a file of another shape is matched afresh
    other = _upload(api, _department_file(messy.people(3, seed=25), variant=2), "民政名单.xlsx")
    assert other["preview"]["remembered"] == ""


def test_an_upload_waiting_for_review_is_cancelled_by_its_uploader_or_after_a_day(api: Any) -> None:
    job = _upload(api, _department_file(messy.people(2, seed=26)), "a.xlsx")
    assert api("township_officer").post(f"/api/registry/imports/{job['id']}/confirm", {}).status_code == 404
    r = api("village_officer").post(f"/api/registry/imports/{job['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert not ImportJob.objects.get(pk=job["id"]).file

    waiting = _upload(api, _department_file(messy.people(2, seed=27)), "b.xlsx")
    assert imports.expire_reviews(timezone.now() + dt.timedelta(hours=23)) == 0
    assert imports.expire_reviews(timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    expired = ImportJob.objects.get(pk=waiting["id"])
    assert expired.status == "cancelled" and not expired.file and "一天" in expired.error


def test_the_fields_list_offers_the_choices_for_one_value(api: Any) -> None:
    r = api("village_officer").get("/api/registry/imports/fields")
    assert r.status_code == 200
    fields = {f["field"]: f for f in r.json()}
    assert fields["kind"]["required"] and fields["kind"]["fixable"]
    assert fields["kind"]["choices"] == ["户籍人口", "流动人口", "境外人员"]
    assert "汉族" in fields["ethnicity_code"]["choices"]
    assert not fields["id_number"]["fixable"] and not fields["name"]["fixable"]


def test_a_comparison_goes_through_the_same_review(api: Any) -> None:
    persons = messy.people(4, seed=28)
    job = _upload(api, _department_file(persons), "民政比对.xlsx", mode="compare")
    assert job["status"] == "review"
    r = api("village_officer").post(
        f"/api/registry/imports/{job['id']}/confirm",
        {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口"}},
    )
    assert r.status_code == 200
    imports.run_job(job["id"])
    done = ImportJob.objects.get(pk=job["id"])
    assert done.status == "done" and done.report["in_file"] == 4 and done.report["new"] == 4


def test_columns_are_chosen_by_position_so_twin_and_unnamed_headers_can_be_mapped(api: Any) -> None:
    persons = messy.people(3, seed=29)
    rows = messy.department_rows(persons, 0, grid=GRID_1, title=False)
    rows[0][9] = rows[0][6]  # 备注 renamed: two columns called 手机号码, the second empty
    rows[0][3] = None  # 性别 without a header
    job = _upload(api, messy.as_xlsx(rows), "两列同名.xlsx")
    columns = job["preview"]["columns"]
    assert [c["field"] for c in columns if c["header"] == rows[0][6]] == ["phone", ""]
    assert columns[3]["header"] == "" and columns[3]["field"] == ""
    r = api("village_officer").post(
        f"/api/registry/imports/{job['id']}/confirm", {"columns": {"3": "sex_code"}, "fixed": {"kind": "户籍人口"}}
    )
    assert r.status_code == 200, r.json()
    imports.run_job(job["id"])
    done = ImportJob.objects.get(pk=job["id"])
    assert (done.imported, done.rejected) == (3, 0), done.error
    assert Resident.objects.filter(phone_index__isnull=False).count() == 3  # the first 联系电话 was kept


def test_a_file_without_a_header_row_shows_its_first_row_masked_and_says_so(api: Any) -> None:
    persons = messy.people(3, seed=30)
    rows = messy.department_rows(persons, 0, grid=GRID_1, title=False)[1:]  # no header at all
    job = _upload(api, messy.as_xlsx(rows), "无表头.xlsx")
    preview = job["preview"]
    assert preview["header_found"] is False and preview["header_line"] == 1
    shown = str(preview)
    assert not any(p.id_number in shown or p.phone in shown for p in persons)
    first = persons[0]
    assert any(c["header"].startswith(first.id_number[:4]) and "*" in c["header"] for c in preview["columns"])


def test_phones_written_with_spaces_or_dashes_are_masked_in_the_samples(api: Any) -> None:
    persons = messy.people(6, seed=31)
    rows = messy.department_rows(persons, 0, grid=GRID_1, title=False)
    rows[0][6] = "备用号码"  # a header nobody knows: masked by its look, not its field
    job = _upload(api, messy.as_xlsx(rows), "电话.xlsx")
    samples = next(c for c in job["preview"]["columns"] if c["header"] == "备用号码")["samples"]
    digits = ["".join(ch for ch in s if ch.isdigit()) for s in samples]
    assert all("*" in s for s in samples) and not any(p.phone in d for p in persons for d in digits)


def test_cancelling_while_the_head_is_read_or_after_a_confirmation_stays_consistent(api: Any) -> None:
    from zongzhi.transfers import services
    from zongzhi.units.models import User

    client = api("village_officer")
    r = client.client.post(
        "/api/registry/imports",
        {"file": SimpleUploadedFile("a.xlsx", _department_file(messy.people(2, seed=32))), "review": "true"},
        headers=client._headers(),
    )
    ImportJob.objects.filter(pk=r.json()["id"]).update(cancel_requested=True)  # asked while it reads
    imports.run_job(r.json()["id"])
    assert ImportJob.objects.get(pk=r.json()["id"]).status == "cancelled"

    job = _upload(api, _department_file(messy.people(2, seed=33)), "b.xlsx")
    stale = ImportJob.objects.get(pk=job["id"])  # loaded while it waited for review
    r = client.post(
        f"/api/registry/imports/{job['id']}/confirm", {"columns": {"2": "id_number"}, "fixed": {"kind": "户籍人口"}}
    )
    assert r.status_code == 200
    services.cancel_import(acting_user=User.objects.get(username="village_officer"), job=stale)
    after = ImportJob.objects.get(pk=job["id"])
    assert after.status == "cancelled" and after.mapping["by_index"]["2"] == "id_number"


def test_one_value_for_a_column_the_file_has_is_refused_and_review_is_for_residents_only(api: Any) -> None:
    from .test_imports import _csv, good

    client = api("village_officer")
    r = client.client.post(
        "/api/registry/imports",
        {"file": SimpleUploadedFile("a.csv", _csv([good("601", "甲")])), "fixed": '{"kind": "流动人口"}'},
        headers=client._headers(),
    )
    imports.run_job(r.json()["id"])
    failed = ImportJob.objects.get(pk=r.json()["id"])
    assert failed.status == "failed" and "已有“人口类别”列" in failed.error and Resident.objects.count() == 0
    r = client.client.post(
        "/api/registry/imports",
        {"file": SimpleUploadedFile("a.csv", b"x"), "review": "true", "kind": "key_persons"},
        headers=client._headers(),
    )
    assert r.status_code in (400, 403)
