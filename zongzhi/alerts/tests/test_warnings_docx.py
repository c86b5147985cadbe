"""The 预警报告 (.docx): generated from the shipped template or an uploaded replacement, kept,
downloaded and marked sent; every step audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zongzhi.units.models import Unit

from ..docx import DEFAULT_TEMPLATE, chinese_date
from ..models import WarningDocument

pytestmark = pytest.mark.django_db
BASE = "/api/alerts/warnings"


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _warning(api: Any) -> dict[str, Any]:
    village = Unit.objects.get(code="320111003001")
    r = api("township_officer").post(
        BASE,
        {
            "title": "冯墙社区拆迁群众反映不按意愿拆迁",
            "body": "冯墙社区村民等人对拆迁方案有异议，有越级上访苗头。",
            "level": "yellow",
            "unit_ids": [village.pk],
            "addressee": "浦口区信访局",
        },
    )
    assert r.status_code == 201
    return dict(r.json())


def _upload(api: Any, who: str, name: str, data: bytes) -> Any:
    client = api(who)
    return client.client.post(f"{BASE}/template", {"file": SimpleUploadedFile(name, data)}, headers=client._headers())


def test_chinese_date() -> None:
    import datetime as dt

    assert chinese_date(dt.date(2026, 12, 4)) == "二〇二六年十二月四日"
    assert chinese_date(dt.date(2010, 3, 25)) == "二〇一〇年三月二十五日"
    assert chinese_date(dt.date(2026, 10, 10)) == "二〇二六年十月十日"


def test_generate_from_the_default_template_download_and_mark_sent(api: Any, audit_since: Any) -> None:
    w = _warning(api)
    r = api("township_officer").post(f"{BASE}/{w['id']}/documents", {})
    assert r.status_code == 201, r.json()
    doc = r.json()
    r = api("township_officer").get(doc["url"])
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(r.streaming_content) if r.streaming else r.content
    text = _text(data)
    assert "关于冯墙社区拆迁群众反映不按意愿拆迁的预警报告" in text
    assert "浦口区信访局：" in text and "达到黄色预警级别" in text and "特此报告。" in text
    assert "沿江街道" in text and "年" in text and "月" in text
    import hashlib

    assert hashlib.sha256(data).hexdigest() == WarningDocument.objects.get(pk=doc["id"]).sha256
    # the recipient may read the document too; another township may not
    assert api("village_officer").get(doc["url"]).status_code == 200
    assert api("township2_officer").get(doc["url"]).status_code == 404
    # 报送
    r = api("township_officer").post(f"{BASE}/documents/{doc['id']}/sent", {"sent_to": "浦口区信访局"})
    assert r.status_code == 200 and r.json()["sent_to"] == "浦口区信访局" and r.json()["sent_at"]
    assert api("village_officer").post(f"{BASE}/documents/{doc['id']}/sent", {"sent_to": "x"}).status_code == 403
    assert api("township_officer").post(f"{BASE}/documents/{doc['id']}/sent", {"sent_to": " "}).status_code == 400
    actions = [e.action for e in audit_since() if e.action.startswith("warning.document")]
    assert actions == [
        "warning.document_generated",
        "warning.document_downloaded",
        "warning.document_downloaded",
        "warning.document_sent",
    ]
    detail = api("township_officer").get(f"{BASE}/{w['id']}").json()
    assert detail["documents"][0]["sent_to"] == "浦口区信访局"
    assert detail["timeline"][-1]["kind"] == "document"
    # only the sender generates
    assert api("village_officer").post(f"{BASE}/{w['id']}/documents", {}).status_code == 403


def test_an_uploaded_template_replaces_the_default(api: Any, audit_since: Any) -> None:
    doc = Document(str(DEFAULT_TEMPLATE))
    doc.add_paragraph("（本单位自定义模板）{{ level }}")
    out = io.BytesIO()
    doc.save(out)
    assert _upload(api, "township_officer", "mine.docx", out.getvalue()).status_code == 403
    r = _upload(api, "sysadmin", "mine.docx", out.getvalue())
    assert r.status_code == 200, r.json()
    assert r.json()["custom"] is True and r.json()["uploaded_by"] == "周涛"
    assert [e.action for e in audit_since("warning.template_uploaded")]
    current = api("sysadmin").get(f"{BASE}/template/file")
    assert "本单位自定义模板" in _text(current.content)
    w = _warning(api)
    made = api("township_officer").post(f"{BASE}/{w['id']}/documents", {"addressee": "浦口区委政法委"}).json()
    text = _text(api("township_officer").get(made["url"]).content)
    assert "（本单位自定义模板）黄色预警" in text and "浦口区委政法委：" in text


def test_bad_templates_are_refused_and_the_old_one_kept(api: Any) -> None:
    r = _upload(api, "sysadmin", "notes.txt", b"hello")
    assert r.status_code == 400 and r.json()["code"] == "template_not_docx"
    r = _upload(api, "sysadmin", "fake.docx", b"PK not really a zip")
    assert r.status_code == 400 and r.json()["code"] == "template_not_docx"
    doc = Document(str(DEFAULT_TEMPLATE))
    doc.add_paragraph("{{ broken ")
    out = io.BytesIO()
    doc.save(out)
    r = _upload(api, "sysadmin", "broken.docx", out.getvalue())
    assert r.status_code == 400 and r.json()["code"] == "template_invalid" and "占位符" in r.json()["message"]
    info = api("sysadmin").get(f"{BASE}/template").json()
    assert info["custom"] is False
    assert "{{ title }}" in _text(api("sysadmin").get(f"{BASE}/template/file").content)
