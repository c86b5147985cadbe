"""The documents' benchmark runs (on a few rows) and reports its measures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.client import RequestFactory

from zongzhi.units.auth import complete_login
from zongzhi.units.models import User

from .. import bench_documents
from ..models import Document, DocumentRecipient

pytestmark = pytest.mark.django_db


def test_bench_runs_and_reports(monkeypatch: Any) -> None:
    monkeypatch.setitem(bench_documents.DOCUMENT_SIZES, "small", {"documents": 30, "units": 6})

    def client_for(username: str) -> Client:
        user = User.objects.get(username=username)
        token = complete_login(RequestFactory().post("/"), user, client="token").token
        return Client(headers={"Authorization": f"Bearer {token}"})

    lines: list[str] = []

    def report(name: str, value: float, unit: str, baseline: float | None = None, against: str = "") -> None:
        lines.append(name)

    def p95(fn: Any, n: int) -> float:
        r = fn()
        assert r.status_code == 200, r.content[:200]
        assert r.json()["items"], "the measured page is empty"
        return 1.0

    bench_documents.run("small", 1.0, client_for, report, p95)
    assert {"office.documents_inbox_p95", "office.documents_status_p95"} <= set(lines)
    assert Document.objects.filter(title__startswith="基准测试通知").count() == 30
    assert DocumentRecipient.objects.filter(document__title__startswith="基准测试通知").count() == 180
