"""A comparison's missing people are an export the unit above approves; the files kept at rest
are sealed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import imports
from zongzhi.transfers.models import ExportRequest, ImportJob

from .test_imports import _csv, _run, good

pytestmark = pytest.mark.django_db

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
