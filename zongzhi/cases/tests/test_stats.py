"""The monthly statistics page of a unit, and its Excel export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zongzhi.cases.models import Case

pytestmark = pytest.mark.django_db


def _event(api: Any, title: str, category: str) -> dict[str, Any]:
    r = api("village_officer").post(
        "/api/cases",
        {
            "kind": "event",
            "title": title,
            "category_code": category,
            "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        },
    )
    assert r.status_code == 201, r.json()
    return dict(r.json()["case"])


def test_monthly_statistics_count_resolution_and_overdue(api: Any, unit: Any) -> None:
    a = _event(api, "张某某与李某某的邻里纠纷", "0102")
    _event(api, "王某某与赵某某的婚姻家庭纠纷", "0101")
    _event(api, "某小区消防通道堵塞", "0301")
    api("village_officer").post(f"/api/cases/{a['id']}/actions/complete", {"version": a["version"], "result": "已调解"})
    Case.objects.filter(title__contains="消防").update(overdue_level=2, overdue_since=timezone.now())
    month = timezone.localdate().strftime("%Y-%m")
    stats = api("township_officer").get("/api/cases/stats", {"unit": unit("320111003").pk, "month": month}).json()
    assert stats["total"] == 3 and stats["disputes"] == 2 and stats["disputes_resolved"] == 1
    assert stats["resolved_share"] == 0.5 and stats["overdue"] == 1
    assert {r["label"]: r["count"] for r in stats["by_category"]} == {"矛盾纠纷": 2, "安全隐患": 1}
    assert stats["average_handling_hours"] is not None
    # the neighbouring township's statistics do not include them, and ours are not theirs to read
    other = api("township2_officer").get("/api/cases/stats", {"month": month}).json()
    assert other["total"] == 0
    assert api("township2_officer").get("/api/cases/stats", {"unit": unit("320111003").pk}).status_code == 404
    r = api("township_officer").get("/api/cases/stats", {"month": "2026-13"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_month"


def test_monthly_statistics_export_to_excel(api: Any, unit: Any) -> None:
    _event(api, "张某某与李某某的邻里纠纷", "0102")
    r = api("township_officer").get("/api/cases/stats/export", {"unit": unit("320111003").pk})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["办件总数"] == 1 and rows["矛盾纠纷"] == 1
