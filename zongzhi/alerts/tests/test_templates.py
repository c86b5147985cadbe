"""The 文书模板 page: the three Word templates listed together, downloaded (current and
default), replaced through each document's own check, and restored to the default."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zongzhi.assess.services_bulletins import DEFAULT_TEMPLATE as BULLETIN_DEFAULT
from zongzhi.audit.services import ACTION_LABELS

from ..services_templates import specs, variables

pytestmark = pytest.mark.django_db
BASE = "/api/templates"
CODES = ["warning_report", "analysis_report", "bulletin"]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _upload(api: Any, who: str, code: str, name: str, data: bytes) -> Any:
    client = api(who)
    return client.client.post(f"{BASE}/{code}", {"file": SimpleUploadedFile(name, data)}, headers=client._headers())


def _bulletin_with(line: str) -> bytes:
    doc = Document(str(BULLETIN_DEFAULT))
    doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_the_administrator_sees_the_three_templates_with_their_variables(api: Any) -> None:
    r = api("sysadmin").get(BASE)
    assert r.status_code == 200
    rows = r.json()
    assert [t["code"] for t in rows] == CODES
    assert [t["name"] for t in rows] == ["预警报告", "研判报告", "督查通报"]
    assert all(t["custom"] is False and t["changed_by"] is None for t in rows)
    bulletin = {v["name"]: v for v in rows[2]["variables"]}
    assert bulletin["title"]["kind"] == "text" and bulletin["title"]["label"].startswith("标题")
    assert bulletin["ranking"]["kind"] == "list"
    assert {"name": "ranking.rank", "label": "名次"} in bulletin["ranking"]["fields"]
    assert {"name": "topics.units.score", "label": "得分"} in bulletin["topics"]["fields"]
    analysis = {v["name"]: v for v in rows[1]["variables"]}
    assert analysis["findings"]["kind"] == "texts" and analysis["key_persons_shown"]["kind"] == "flag"


def test_every_variable_of_every_sample_has_a_chinese_label() -> None:
    """A new key in a document's sample context needs its line on the page."""
    for spec in specs():
        for v in variables(spec):
            assert v["label"], f"{spec.code}: {v['name']}"
            assert all(f["label"] for f in v["fields"]), f"{spec.code}: {v['fields']}"


def test_only_alerts_configure_manages_templates(api: Any, audit_since: Any) -> None:
    for who in ("township_officer", "county_officer", "auditor"):
        assert api(who).get(BASE).status_code == 403
        assert api(who).get(f"{BASE}/bulletin/file").status_code == 403
        assert _upload(api, who, "bulletin", "a.docx", _bulletin_with("x")).status_code == 403
        assert api(who).send("DELETE", f"{BASE}/bulletin").status_code == 403
    assert [e.username for e in audit_since("permission.denied")]
    assert api("sysadmin").get(f"{BASE}/nothing/file").status_code == 404
    assert api("sysadmin").send("DELETE", f"{BASE}/nothing").status_code == 404
    assert api("sysadmin").get(f"{BASE}/bulletin/file?version=other").status_code == 400


def test_upload_replaces_download_and_restore_the_default(api: Any, audit_since: Any) -> None:
    admin = api("sysadmin")
    r = admin.send("DELETE", f"{BASE}/bulletin")
    assert r.status_code == 409 and r.json()["message"] == "该文书已在使用默认模板"
    r = _upload(api, "sysadmin", "bulletin", "ours.docx", _bulletin_with("（本办模板）{{ month_label }}"))
    assert r.status_code == 200, r.json()
    assert r.json()["custom"] is True and r.json()["changed_by"] == "周涛" and r.json()["changed_at"]
    assert [e.action for e in audit_since("bulletin.template_uploaded")]
    assert "（本办模板）" in _text(admin.get(f"{BASE}/bulletin/file").content)
    assert "（本办模板）" not in _text(admin.get(f"{BASE}/bulletin/file?version=default").content)
    # the other two are untouched
    assert [t["custom"] for t in admin.get(BASE).json()] == [False, False, True]
    # restore the default: audited with the replaced file named
    r = admin.send("DELETE", f"{BASE}/bulletin")
    assert r.status_code == 200 and r.json()["custom"] is False and r.json()["changed_by"] == "周涛"
    (event,) = audit_since("template.reset")
    assert event.detail["code"] == "bulletin" and event.detail["previous"].startswith("templates/")
    assert ACTION_LABELS["template.reset"] == "恢复默认文书模板"
    assert "（本办模板）" not in _text(admin.get(f"{BASE}/bulletin/file").content)


def test_a_broken_template_is_refused_with_its_reason_and_the_old_one_kept(api: Any) -> None:
    r = _upload(api, "sysadmin", "warning_report", "notes.txt", b"hello")
    assert r.status_code == 400 and r.json()["message"] == "模板必须是 Word 文档（.docx）"
    r = _upload(api, "sysadmin", "analysis_report", "broken.docx", _bulletin_with("{% for x in %}"))
    assert r.status_code == 400 and r.json()["code"] == "template_invalid" and "占位符" in r.json()["message"]
    assert [t["custom"] for t in api("sysadmin").get(BASE).json()] == [False, False, False]


def test_the_default_is_restored_when_the_uploaded_file_is_gone(api: Any, audit_since: Any) -> None:
    from zongzhi.alerts.models import DocumentTemplate

    r = _upload(api, "sysadmin", "bulletin", "ours.docx", _bulletin_with("（本办模板）"))
    assert r.status_code == 200, r.json()
    row = DocumentTemplate.objects.get(code="bulletin")
    row.file.storage.delete(row.file.name)  # lost from the disk
    r = api("sysadmin").send("DELETE", f"{BASE}/bulletin")
    assert r.status_code == 200 and r.json()["custom"] is False
    (event,) = audit_since("template.reset")
    assert event.detail["sha256"] is None and event.detail["previous"].startswith("templates/")
