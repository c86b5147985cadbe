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
from zongzhi.registry import imports
from zongzhi.registry.models import ImportJob, ImportMapping, Resident
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
    assert not any(p.id_number in s or p.phone in s for p in persons for s in str(preview))
    assert Resident.objects.count() == 0
    assert ImportJob.objects.get(pk=job["id"]).file  # kept until confirmed


def test_confirming_the_columns_and_one_value_for_a_missing_column_imports_the_file(api: Any) -> None:
    persons = messy.people(8, seed=22)
    job = _upload(api, _department_file(persons), "户籍登记表.xlsx")
    client = api("village_officer")
    url = f"/api/registry/imports/{job['id']}/confirm"

    r = client.post(url, {"columns": {"身份证明号": "id_number"}})
    assert r.status_code == 400 and r.json()["code"] == "missing_column" and "人口类别" in r.json()["message"]
    r = client.post(url, {"columns": {"身份证明号": "id_number", "姓名": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 400 and r.json()["code"] == "duplicate_field"
    r = client.post(url, {"columns": {"不存在的列": "name"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 400 and r.json()["code"] == "unknown_column"
    assert Resident.objects.count() == 0

    r = client.post(url, {"columns": {"身份证明号": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "queued" and r.json()["preview"] is None
    imports.run_job(job["id"])
    done = ImportJob.objects.get(pk=job["id"])
    assert done.status == "done" and (done.imported, done.rejected) == (8, 0), done.error
    assert set(Resident.objects.values_list("kind", flat=True)) == {"registered"}
    assert AuditLog.objects.filter(action="registry.import_confirmed", object_id=str(job["id"])).exists()
    again = client.post(url, {"columns": {"身份证明号": "id_number"}, "fixed": {"kind": "户籍人口"}})
    assert again.status_code == 409 and again.json()["code"] == "not_in_review"


def test_the_units_choices_come_back_for_the_next_file_of_the_same_shape(api: Any) -> None:
    first = _upload(api, _department_file(messy.people(3, seed=23)), "公安户籍导出-10月.xlsx")
    r = api("village_officer").post(
        f"/api/registry/imports/{first['id']}/confirm",
        {"columns": {"身份证明号": "id_number"}, "fixed": {"kind": "户籍人口"}, "remember": True},
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
        {"columns": {"身份证明号": "id_number"}, "fixed": {"kind": "户籍人口"}},
    )
    assert r.status_code == 200
    imports.run_job(job["id"])
    done = ImportJob.objects.get(pk=job["id"])
    assert done.status == "done" and done.report["in_file"] == 4 and done.report["new"] == 4
