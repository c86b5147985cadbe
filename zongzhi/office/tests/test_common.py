"""What every office part shares: the rules an administrator changes, and uploads of photos and
office files (checked by content) served only to those who may see the record."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from zongzhi.audit.models import AuditLog
from zongzhi.office.attachments import attach_files
from zongzhi.office.models import Meeting, OfficeRule
from zongzhi.office.services_common import RULES, rule, set_rule
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


# ---------------------------------------------------------------- rules


def test_set_rule_changes_the_value_and_is_audited(api: Any) -> None:
    r = api("sysadmin").put("/api/office/rules/meeting_entry_days", {"value": 20})
    assert r.status_code == 200, r.content
    assert next(x for x in r.json() if x["key"] == "meeting_entry_days")["value"] == 20
    assert rule("meeting_entry_days") == 20
    event = AuditLog.objects.filter(action="office.rule_changed").latest("id")
    assert event.detail == {"key": "meeting_entry_days", "value": 20}
    assert event.username == "sysadmin"


def test_rule_out_of_range_is_refused_with_the_range(api: Any) -> None:
    r = api("sysadmin").put("/api/office/rules/meeting_entry_days", {"value": 91})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "rule_out_of_range"
    assert "1到90" in body["message"] or "1到90" in str(body["errors"])
    assert not OfficeRule.objects.filter(key="meeting_entry_days").exists()
    assert rule("meeting_entry_days") == RULES["meeting_entry_days"].default


def test_unknown_rule_is_refused(api: Any) -> None:
    r = api("sysadmin").put("/api/office/rules/no_such_rule", {"value": 1})
    assert r.status_code == 400 and r.json()["code"] == "unknown_rule"


def test_only_configure_capability_changes_rules(api: Any) -> None:
    r = api("county_officer").put("/api/office/rules/sign_hours", {"value": 48})
    assert r.status_code == 403
    assert rule("sign_hours") == 24
    assert AuditLog.objects.filter(username="county_officer", action="permission.denied").exists()
    with pytest.raises(Exception):  # noqa: B017 - the service refuses as well
        set_rule(User.objects.get(username="village_officer"), "sign_hours", 48)


def test_everyone_reads_the_rules_with_help(api: Any) -> None:
    body = api("village_officer").get("/api/office/rules").json()
    assert {r["key"] for r in body} == set(RULES)
    assert all(r["help"] and r["label"] for r in body)


# ---------------------------------------------------------------- uploads


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("会议纪要")
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["名单"])
    wb.save(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not an office file")
    return out.getvalue()


def _upload(client: Any, name: str, content: bytes, content_type: str) -> Any:
    return client.client.post(
        "/api/office/uploads",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        headers=client._headers(),
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kind"),
    [
        ("photo.jpg", _jpeg(), "image/jpeg", "image"),
        ("notice.pdf", _pdf(), "application/pdf", "document"),
        (
            "minutes.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
        ),
        ("list.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
    ],
)
def test_upload_accepts_photos_and_office_files(
    api: Any, name: str, content: bytes, content_type: str, kind: str
) -> None:
    r = _upload(api("village_officer"), name, content, content_type)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == kind
    assert body["url"] == f"/api/attachments/{body['id']}/file"
    if kind == "image":
        assert body["thumbnail_url"]  # photos are re-encoded, with a thumbnail


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64), ("archive.docx", _zip())],
)
def test_upload_refuses_files_by_content(api: Any, name: str, content: bytes) -> None:
    r = _upload(api("village_officer"), name, content, "application/pdf")
    assert r.status_code == 400
    assert r.json()["code"] == "file_type"


def test_upload_needs_office_write(api: Any) -> None:
    r = _upload(api("auditor"), "notice.pdf", _pdf(), "application/pdf")
    assert r.status_code == 403


def test_attached_file_is_served_only_to_those_who_see_the_record(api: Any) -> None:
    village = Unit.objects.get(code="320111003001")
    officer = User.objects.get(username="village_officer")
    client = api("village_officer")
    uploaded = _upload(client, "minutes.docx", _docx(), "application/octet-stream").json()
    meeting = Meeting.objects.create(
        unit=village,
        path=village.path,
        kind="regular",
        name="带附件的例会",
        held_at=timezone.now(),
        location="会议室",
        attendees="全体",
        topic="部署",
        created_by=officer,
    )
    attach_files(officer, [uploaded["id"]], "meeting", meeting.pk)
    url = uploaded["url"]
    assert client.client.get(url, headers=client._headers()).status_code == 200
    township = api("township_officer")
    assert township.client.get(url, headers=township._headers()).status_code == 200
    other = api("township2_officer")
    assert other.client.get(url, headers=other._headers()).status_code == 404
    assert Client().get(url).status_code in (401, 403)
