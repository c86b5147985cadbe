"""Evidence files on hand scores: the township attaches a photo and a PDF to a village's hand
score, the village's sheet links them, the audit names the files before and after, and the
files open only for those who may read the village's sheet."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zongzhi.assess import services_rubric as engine
from zongzhi.assess.models import HandScoreFile

pytestmark = pytest.mark.django_db
UPLOADS = "/api/assess/hand/uploads"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(api: Any, who: str, name: str, data: bytes) -> Any:
    client = api(who)
    return client.client.post(UPLOADS, {"file": SimpleUploadedFile(name, data)}, headers=client._headers())


def _body(unit: Any) -> dict[str, Any]:
    item = engine.default_rubric().items.get(number="6.1")
    return {
        "unit_id": unit("320111003001").pk,
        "item_id": item.pk,
        "month": dt.date.today().replace(day=1).isoformat(),
        "score": "1.5",
        "note": "专人未明确",
        "evidence": "督查记录第3号",
    }


def test_the_scorer_attaches_files_the_sheet_links_them_and_the_audit_names_them(
    api: Any, unit: Any, audit_since: Any
) -> None:
    photo = _upload(api, "township_officer", "现场.jpg", _jpeg())
    assert photo.status_code == 201, photo.json()
    assert photo.json()["kind"] == "image" and photo.json()["content_type"] == "image/jpeg"
    pdf = _upload(api, "township_officer", "督查记录.pdf", PDF)
    assert pdf.status_code == 201 and pdf.json()["kind"] == "document"
    township = api("township_officer")
    body = _body(unit)
    r = township.put("/api/assess/hand", body | {"attachment_ids": [photo.json()["id"], pdf.json()["id"]]})
    assert r.status_code == 200, r.json()
    assert [f["name"] for f in r.json()["files"]] == ["现场.jpg", "督查记录.pdf"]
    # the hand page shows them on the cell
    hand = township.get("/api/assess/hand", {"unit": unit("320111003").pk, "month": body["month"]}).json()
    cell = next(c for c in hand["cells"] if c["unit_id"] == body["unit_id"] and c["item_id"] == body["item_id"])
    assert [f["id"] for f in cell["files"]] == [photo.json()["id"], pdf.json()["id"]]
    # the village's sheet links them
    sheet = api("village_officer").get("/api/assess/scores/sheet", {"period": "month"}).json()
    line = next(i for s in sheet["sections"] for i in s["items"] if i["id"] == body["item_id"])
    assert [f["name"] for f in line["files"]] == ["现场.jpg", "督查记录.pdf"]
    # scored again without the photo: it is taken off, the audit says which files before and after
    r = township.put("/api/assess/hand", body | {"score": "2", "attachment_ids": [pdf.json()["id"]]})
    assert [f["name"] for f in r.json()["files"]] == ["督查记录.pdf"]
    entries = audit_since("assess.hand_scored")
    assert entries[0].detail["after"]["files"] == [
        {"id": photo.json()["id"], "name": "现场.jpg"},
        {"id": pdf.json()["id"], "name": "督查记录.pdf"},
    ]
    assert [f["name"] for f in entries[1].detail["before"]["files"]] == ["现场.jpg", "督查记录.pdf"]
    assert entries[1].detail["after"]["files"] == [{"id": pdf.json()["id"], "name": "督查记录.pdf"}]
    assert HandScoreFile.objects.get(attachment_id=photo.json()["id"]).removed_at is not None
    # without attachment_ids the files stay as they are
    r = township.put("/api/assess/hand", body | {"score": "1"})
    assert [f["name"] for f in r.json()["files"]] == ["督查记录.pdf"]


def test_an_evidence_file_opens_only_for_readers_of_the_unit_sheet(api: Any, unit: Any, audit_since: Any) -> None:
    pdf = _upload(api, "township_officer", "督查记录.pdf", PDF).json()
    photo = _upload(api, "township_officer", "现场.jpg", _jpeg()).json()
    body = _body(unit)
    r = api("township_officer").put("/api/assess/hand", body | {"attachment_ids": [pdf["id"], photo["id"]]})
    assert r.status_code == 200
    for who in ("township_officer", "village_officer", "county_officer", "leader"):
        r = api(who).get(pdf["url"])
        assert r.status_code == 200, who
        assert r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
        assert api(who).get(photo["thumbnail_url"]).status_code == 200, who
    # the next township and the auditor (no records.read) are refused, audited
    for who in ("township2_officer", "auditor"):
        assert api(who).get(pdf["url"]).status_code == 404, who
    assert audit_since("scope.denied", username="township2_officer")
    # the rule is the sheet's: every persona opens the file exactly when it reads the village's sheet
    from zongzhi.units.demo import PERSONAS

    village = body["unit_id"]
    for p in PERSONAS:
        client = api(p.username)
        sheet = client.get("/api/assess/scores/sheet", {"unit": village, "period": "month"}).status_code
        assert (client.get(pdf["url"]).status_code == 200) is (sheet == 200), p.username


def test_evidence_uploads_are_checked_and_used_once(api: Any, unit: Any) -> None:
    r = _upload(api, "township_officer", "fake.pdf", b"MZ\x90\x00 not a pdf")
    assert r.status_code == 400 and r.json()["message"] == "只能上传图片、视频或PDF、Word、Excel文件"
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
    r = _upload(api, "township_officer", "clip.mp4", video)
    assert r.status_code == 400 and r.json()["message"] == "佐证材料只能是图片或PDF、Word、Excel文件"
    # only scorers upload evidence
    assert _upload(api, "village_officer", "a.pdf", PDF).status_code == 403
    # someone else's upload, or one already used, is refused
    theirs = _upload(api, "county_officer", "a.pdf", PDF).json()
    body = _body(unit)
    r = api("township_officer").put("/api/assess/hand", body | {"attachment_ids": [theirs["id"]]})
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
    mine = _upload(api, "township_officer", "a.pdf", PDF).json()
    assert api("township_officer").put("/api/assess/hand", body | {"attachment_ids": [mine["id"]]}).status_code == 200
    other = body | {"unit_id": unit("320111003002").pk, "attachment_ids": [mine["id"]]}
    r = api("township_officer").put("/api/assess/hand", other)
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
    # ... and an office record cannot take it either
    log = {"title": "走访", "content": "走访", "attachment_ids": [mine["id"]]}
    r = api("township_officer").post("/api/office/work-logs", log)
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
