"""Export only with the approval of the unit above: watermark, time limit, audit trail."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import exports
from zongzhi.transfers.models import ExportRequest
from zongzhi.units.demo import GRID_1

pytestmark = pytest.mark.django_db


def _residents(api: Any, unit: Any) -> None:
    for seq, name in (("701", "王建国"), ("702", "李秀英")):
        r = api("village_officer").post(
            "/api/registry/residents",
            {
                "kind": "registered",
                "name": name,
                "id_number": id_number(seq=seq),
                "unit_id": unit(GRID_1).pk,
                "phone": "13812345678",
            },
        )
        assert r.status_code == 201, r.json()


def _ask(api: Any, unit: Any, **extra: Any) -> Any:
    body = {"unit_id": unit("320111003001").pk, "reason": "核对辖区人口底数", **extra}
    return api("village_officer").post("/api/registry/exports", body)


def test_the_unit_above_approves_and_the_requester_downloads_a_watermarked_file(api: Any, unit: Any) -> None:
    _residents(api, unit)
    start = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    r = _ask(api, unit)
    assert r.status_code == 201, r.json()
    req = r.json()
    assert req["status"] == "pending" and req["approver_unit"] == unit("320111003000").name
    assert Notification.objects.filter(user__username="township_officer", kind="export").exists()
    # nothing to download yet; the requester cannot approve their own request
    assert api("village_officer").get(f"/api/registry/exports/{req['id']}/file").status_code == 409
    assert api("village_officer").post(f"/api/registry/exports/{req['id']}/approve", {}).status_code == 403
    # the neighbouring township does not even see it
    assert api("township2_officer").post(f"/api/registry/exports/{req['id']}/approve", {}).status_code == 404
    waiting = api("township_officer").get("/api/registry/exports", {"box": "approve"}).json()
    assert [w["id"] for w in waiting] == [req["id"]] and waiting[0]["can_decide"]

    r = api("township_officer").post(f"/api/registry/exports/{req['id']}/approve", {"note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    exports.build(req["id"])  # the background job
    mine = api("village_officer").get("/api/registry/exports").json()[0]
    assert mine["status"] == "ready" and mine["rows"] == 2 and mine["can_download"]

    r = api("village_officer").get(f"/api/registry/exports/{req['id']}/file")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    mark = sheet["A1"].value
    assert "导出人：李娜（village_officer）" in mark and "仅限工作使用" in mark
    assert sheet.oddHeader.center.text == mark and sheet.oddFooter.center.text == mark
    cells = [c for row in sheet.iter_rows(min_row=3, values_only=True) for c in row]
    assert "王建国" in cells and id_number(seq="701") not in cells  # masked by default
    assert any(str(c).startswith("3201**") for c in cells)
    # somebody else cannot download it
    assert api("township_officer").get(f"/api/registry/exports/{req['id']}/file").status_code == 404
    actions = list(
        AuditLog.objects.filter(id__gt=start, action__startswith="export.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["export.requested", "export.approved", "export.ready", "export.downloaded"]


def test_full_id_numbers_only_when_asked_and_approved(api: Any, unit: Any) -> None:
    _residents(api, unit)
    req = _ask(api, unit, full_id_numbers=True).json()
    api("township_officer").post(f"/api/registry/exports/{req['id']}/approve", {})
    exports.build(req["id"])
    r = api("village_officer").get(f"/api/registry/exports/{req['id']}/file")
    cells = [c for row in load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True) for c in row]
    assert id_number(seq="701") in cells and "13812345678" in cells


def test_refusal_needs_a_reason_and_the_file_expires(api: Any, unit: Any) -> None:
    _residents(api, unit)
    req = _ask(api, unit).json()
    assert api("township_officer").post(f"/api/registry/exports/{req['id']}/refuse", {"note": ""}).status_code == 400
    r = api("township_officer").post(f"/api/registry/exports/{req['id']}/refuse", {"note": "用途不明确"})
    assert r.json()["status"] == "refused"
    assert api("township_officer").post(f"/api/registry/exports/{req['id']}/approve", {}).status_code == 409

    req = _ask(api, unit).json()
    api("township_officer").post(f"/api/registry/exports/{req['id']}/approve", {})
    exports.build(req["id"])
    ExportRequest.objects.filter(pk=req["id"]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    r = api("village_officer").get(f"/api/registry/exports/{req['id']}/file")
    assert r.status_code == 409 and r.json()["code"] == "expired"
    assert not ExportRequest.objects.get(pk=req["id"]).file


def test_who_may_ask(api: Any, unit: Any) -> None:
    assert _ask(api, unit, reason="短").status_code == 400
    r = api("dept_police").post(
        "/api/registry/exports", {"kind": "key_persons", "unit_id": unit("320111003001").pk, "reason": "核对重点人员"}
    )
    assert r.status_code == 403
    r = api("township2_officer").post(
        "/api/registry/exports", {"unit_id": unit("320111003001").pk, "reason": "核对辖区人口"}
    )
    assert r.status_code == 404
    assert (
        api("village_officer").post(f"/api/registry/exports/{_ask(api, unit).json()['id']}/withdraw").json()["status"]
        == "withdrawn"
    )
