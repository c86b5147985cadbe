"""The case lists: one row shape (declared by `CaseListOut`), read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zongzhi.cases.schemas import CaseListOut

pytestmark = pytest.mark.django_db


def _report(api: Any, title: str) -> dict[str, Any]:
    body = {
        "kind": "event",
        "title": title,
        "category_code": "0108",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "people_count": 2,
    }
    r = api("grid_worker").post("/api/cases", body)
    assert r.status_code == 201, r.json()
    return dict(r.json()["case"])


def _same_times(row: dict[str, Any]) -> dict[str, Any]:
    return {k: dt.datetime.fromisoformat(v) if k.endswith("_at") and v else v for k, v in row.items()}


def test_a_list_row_is_the_head_of_the_case_and_of_the_report(api: Any) -> None:
    reported = _report(api, "王某某与黄某某的劳资纠纷")
    village = api("village_officer")
    row = next(c for c in village.get("/api/cases", {"box": "todo"}).json()["items"] if c["id"] == reported["id"])
    detail = village.get(f"/api/cases/{reported['id']}").json()
    assert set(row) == set(CaseListOut.model_fields)
    assert row == {name: detail[name] for name in row}
    # the same instants (the report's answer writes its times with the local offset)
    assert _same_times(row) == _same_times({name: reported[name] for name in row})
    assert row["kind_label"] == "事件" and row["status_label"] == "待受理" and row["category_label"]
    assert row["holder_name"] and row["initiator_name"]


def test_the_todo_list_takes_the_same_queries_for_one_case_or_many(api: Any) -> None:
    village = api("village_officer")
    _report(api, "王某某与黄某某的劳资纠纷")
    village.get("/api/cases", {"box": "todo"})  # the dictionary's labels are now cached
    with CaptureQueriesContext(connection) as one:
        assert len(village.get("/api/cases", {"box": "todo"}).json()["items"]) == 1
    for i in range(3):
        _report(api, f"李某某与赵某某的邻里纠纷{i}")
    with CaptureQueriesContext(connection) as many:
        assert len(village.get("/api/cases", {"box": "todo"}).json()["items"]) == 4
    # the login check and the page
    assert len(one.captured_queries) == len(many.captured_queries) == 2


def test_a_list_says_how_many_cases_its_filters_select(api: Any, monkeypatch: Any) -> None:
    """共 N 条 beside a keyset list: the same filters as the list, counted up to a cap."""
    for i in range(4):
        _report(api, f"甲某某与乙某某的第{i}起劳资纠纷")
    village = api("village_officer")
    filters = {"box": "todo", "q": "劳资纠纷"}
    pages, cursor = [], None
    while True:
        page = village.get("/api/cases", {**filters, "limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        pages += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert village.get("/api/cases/total", filters).json() == {"count": len(pages), "capped": False}
    assert api("grid_worker").get("/api/cases/total", filters).json()["count"] == 0  # not in his to-do box
    monkeypatch.setattr("zongzhi.core.pagination.TOTAL_CAP", 2)
    assert village.get("/api/cases/total", filters).json() == {"count": 2, "capped": True}
