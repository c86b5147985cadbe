"""The warnings' benchmark runs (on a few rows) and reports its measures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.client import RequestFactory

from zongzhi.units.auth import complete_login
from zongzhi.units.models import User

from .. import bench_warnings
from ..models import WarningRecipient

pytestmark = pytest.mark.django_db


def test_bench_runs_and_reports(monkeypatch: Any) -> None:
    monkeypatch.setitem(bench_warnings.WARNING_SIZES, "small", {"warnings": 300, "due": 30})

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
        return 1.0

    bench_warnings.run("small", 1.0, client_for, report, p95)
    assert "alerts.warnings_pending_township_0k_p95" in lines
    assert any(name.startswith("alerts.warnings_sweep_0k_open") for name in lines)
    assert WarningRecipient.objects.filter(escalated_at__isnull=False).count() == 30
