"""The home dashboard per role: figures that agree with the cases reported, the units below
compared, the caller's to-dos, and scope (a village never sees a sibling's figures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.stats.rollups import refresh
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db

COUNTY = "320111000000"
TOWNSHIP = "320111003000"
VILLAGE = "320111003001"
SIBLING = "320111003002"
GRID_1 = "320111003001001"


def _center(code: str) -> tuple[float, float]:
    ring = Unit.objects.get(code=code).boundary["coordinates"][0]
    return sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4


def _report(api: Any, who: str, title: str, category: str = "0108", in_grid: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "event",
        "title": title,
        "category_code": category,
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
    }
    if in_grid:
        body["latitude"], body["longitude"] = _center(GRID_1)
    r = api(who).post("/api/cases", body)
    assert r.status_code == 201, r.json()
    return dict(r.json()["case"])


def _dashboard(api: Any, who: str, code: str | None = None, **params: Any) -> Any:
    if code is not None:
        params["unit"] = Unit.objects.get(code=code).pk
    return api(who).get("/api/stats/dashboard", params)


def test_village_dashboard_counts_agree_with_the_cases_reported(api: Any) -> None:
    refresh()
    before = _dashboard(api, "village_officer").json()
    for i in range(3):
        _report(api, "village_officer", f"冯墙社区纠纷{i}", category="0108")
    _report(api, "village_officer", "冯墙社区治安隐患", category="0201")
    refresh()
    r = _dashboard(api, "village_officer")
    assert r.status_code == 200, r.json()
    after = r.json()
    assert after["unit"]["code"] == VILLAGE
    assert after["summary"]["reported"] == before["summary"]["reported"] + 4
    assert after["summary"]["open"] == before["summary"]["open"] + 4
    this_month = timezone.localdate().strftime("%Y-%m")
    assert after["trend"][-1]["month"] == this_month and len(after["trend"]) == 12
    assert after["trend"][-1]["reported"] == after["summary"]["reported"]
    categories = {c["key"]: c["count"] for c in after["by_category"]}
    old = {c["key"]: c["count"] for c in before["by_category"]}
    assert categories["01"] == old.get("01", 0) + 3 and categories["02"] == old.get("02", 0) + 1
    assert after["since"] == f"{this_month}-01"


def test_township_dashboard_compares_its_villages(api: Any) -> None:
    refresh()
    before = {c["path"]: c for c in _dashboard(api, "township_officer").json()["children"]}
    _report(api, "village_officer", "冯墙社区纠纷")
    _report(api, "village_officer", "冯墙社区另一纠纷")
    refresh()
    data = _dashboard(api, "township_officer").json()
    assert data["unit"]["code"] == TOWNSHIP
    rows = {c["path"]: c for c in data["children"]}
    village = Unit.objects.get(code=VILLAGE)
    assert set(rows) == set(Unit.objects.filter(parent__code=TOWNSHIP, is_retired=False).values_list("path", flat=True))
    assert rows[village.path]["reported"] == before[village.path]["reported"] + 2
    assert sum(c["reported"] for c in data["children"]) <= data["summary"]["reported"]


def test_county_dashboard_compares_its_townships(api: Any) -> None:
    data = _dashboard(api, "county_officer").json()
    assert data["unit"]["code"] == COUNTY
    assert {c["level"] for c in data["children"]} == {"township"}


def test_a_village_asking_for_its_siblings_figures_is_refused(api: Any, audit_since: Any) -> None:
    r = _dashboard(api, "village_officer", SIBLING)
    assert r.status_code == 404
    assert set(r.json()) <= {"code", "message", "errors"}
    assert audit_since(action="scope.denied")


def test_grid_worker_sees_their_own_grid_by_default(api: Any) -> None:
    _report(api, "grid_worker", "网格内的纠纷", in_grid=True)
    refresh()
    data = _dashboard(api, "grid_worker").json()
    assert data["unit"]["code"] == GRID_1
    assert data["summary"]["reported"] >= 1
    assert _dashboard(api, "grid_worker", TOWNSHIP).status_code == 404


def test_todos_count_what_the_unit_holds(api: Any) -> None:
    before = _dashboard(api, "township_officer").json()["todo"]
    # a village escalates nothing here: the township reports a case of its own, which it holds
    _report(api, "township_officer", "街道受理的纠纷")
    after = _dashboard(api, "township_officer").json()["todo"]
    assert after["cases"] == before["cases"] + 1


def test_month_must_be_a_month(api: Any) -> None:
    r = _dashboard(api, "village_officer", month="2026-13")
    assert r.status_code == 400 and r.json()["code"] == "invalid_month"


def test_without_records_read_the_dashboard_is_refused(api: Any) -> None:
    assert _dashboard(api, "auditor").status_code in (400, 403)
