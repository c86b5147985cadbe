"""The case rollups agree with the raw rows: after a random sequence of case actions (report,
accept, hand over, complete, archive, cancel, the overdue sweep) and the refresh job, every
figure equals the count from the cases table, at every level; and the nightly rebuild writes
the same rows the incremental refresh kept."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from zongzhi.cases.models import OPEN_STATUSES, Case, Status
from zongzhi.cases.sweep import sweep
from zongzhi.core.months import month_of, month_range
from zongzhi.core.scope import subtree_q
from zongzhi.stats import figures
from zongzhi.stats.models import CaseRollup, DirtyCell
from zongzhi.stats.rollups import rebuild_cases, refresh, source_of
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db

GRID_1 = "320111003001001"
VILLAGE = "320111003001"
TOWNSHIP = "320111003"
COUNTY = "320111"
CATEGORIES = ["0108", "0101", "0201", "0301"]


def _center(code: str) -> tuple[float, float]:
    ring = Unit.objects.get(code=code).boundary["coordinates"][0]
    return sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4


def _report(api: Any, who: str, category: str, located: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "event",
        "title": "王某某与黄某某的劳资纠纷",
        "category_code": category,
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "people_count": 2,
    }
    if located:
        body["latitude"], body["longitude"] = _center(GRID_1)
    r = api(who).post("/api/cases", body)
    assert r.status_code == 201, r.json()
    return dict(r.json()["case"])


def _raw(path: str, month: dt.date) -> Any:
    start, end = month_range(month)
    return Case.objects.filter(subtree_q([path]), created_at__gte=start, created_at__lt=end).exclude(
        status=Status.CANCELLED
    )


def _raw_summary(path: str, month: dt.date) -> dict[str, Any]:
    qs = _raw(path, month)
    disputes = qs.filter(kind="event", category_code__startswith="01")
    resolved = disputes.filter(status__in=[Status.COMPLETED, Status.ARCHIVED]).count()
    done = [
        (c - r).total_seconds()
        for r, c in qs.filter(completed_at__isnull=False).values_list("created_at", "completed_at")
    ]
    return {
        "reported": qs.count(),
        "open": qs.filter(status__in=OPEN_STATUSES).count(),
        "completed": qs.filter(status__in=[Status.COMPLETED, Status.ARCHIVED]).count(),
        "overdue": qs.filter(overdue_level__gt=0).count(),
        "yellow": qs.filter(overdue_level=2).count(),
        "red": qs.filter(overdue_level=3).count(),
        "disputes": disputes.count(),
        "disputes_resolved": resolved,
        "resolved_share": round(resolved / disputes.count(), 4) if disputes.count() else None,
        "avg_handling_hours": round(sum(int(s) for s in done) / len(done) / 3600, 1) if done else None,
    }


def _raw_breakdown(path: str, month: dt.date, by: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, category, status, dept, level in _raw(path, month).values_list(
        "kind", "category_code", "status", "initiator_department_id", "initiator_unit__level"
    ):
        key = {"kind": kind, "category": category[:2], "status": status, "source": source_of(dept, level)}[by]
        out[key] = out.get(key, 0) + 1
    return out


def _assert_agree(month: dt.date) -> None:
    for path in (GRID_1, VILLAGE, TOWNSHIP, COUNTY):
        unit = Unit.objects.get(path=path)
        assert figures.case_summary(unit, month) == _raw_summary(path, month), path
        for by in figures.BREAKDOWNS:
            got = {r["key"]: r["count"] for r in figures.case_breakdown(unit, month, by)}
            assert got == _raw_breakdown(path, month, by), (path, by)
        for row in figures.children_summary(unit, month):
            raw = _raw_summary(row["path"], month)
            assert {k: row[k] for k in ("reported", "open", "completed", "overdue", "resolved_share")} == {
                k: raw[k] for k in ("reported", "open", "completed", "overdue", "resolved_share")
            }, row["path"]
        grids = dict(
            _raw(path, month)
            .filter(path__in=Unit.objects.filter(level="grid").values("path"))
            .values_list("path")
            .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        )
        assert figures.grid_counts(unit, month) == grids, path
        trend = figures.case_trend(unit, month)
        assert len(trend) == 12 and trend[-1]["month"] == f"{month:%Y-%m}"
        assert trend[-1]["reported"] == _raw_summary(path, month)["reported"]


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        CaseRollup.objects.values_list(
            "path", "level", "month", "kind", "category", "status", "overdue_level", "source", "count", "handled"
        )
    )


def test_rollups_equal_raw_counts_after_random_case_actions(api: Any) -> None:
    rng = random.Random(18)
    cases = [
        _report(api, rng.choice(["grid_worker", "village_officer"]), rng.choice(CATEGORIES), rng.random() < 0.6)
        for _ in range(14)
    ]
    assert DirtyCell.objects.exists()  # the reports marked their cells
    who_for = {"village_officer", "township_officer", "county_officer", "grid_worker"}
    for _ in range(60):
        case = rng.choice(cases)
        fresh = None
        for who in rng.sample(sorted(who_for), len(who_for)):
            detail = api(who).get(f"/api/cases/{case['id']}")
            if detail.status_code != 200:
                continue
            allowed = [a for a in detail.json()["allowed_actions"] if a not in ("request_extension", "supervise")]
            if not allowed:
                continue
            action = rng.choice(allowed)
            body: dict[str, Any] = {"version": detail.json()["version"], "comment": "处理意见"}
            if action == "dispatch":
                body["target_unit_id"] = Unit.objects.get(path=GRID_1).pk if who == "village_officer" else None
                if body["target_unit_id"] is None:
                    continue
            if action == "complete":
                body["result"] = "已调解"
            if action == "follow_up":
                body["satisfaction"] = "满意"
            r = api(who).post(f"/api/cases/{case['id']}/actions/{action}", body)
            if r.status_code == 200:
                fresh = r.json()
                break
        if fresh is not None:
            cases[cases.index(case)] = fresh
    # the overdue sweep (yellow cards, then red ones after the grace) finds some cases still running
    for _ in range(3):
        _report(api, "grid_worker", rng.choice(CATEGORIES), True)
    sweep(timezone.now() + dt.timedelta(days=20))
    sweep(timezone.now() + dt.timedelta(days=40))
    month = month_of(timezone.now())
    refresh()
    assert not DirtyCell.objects.exists()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert len(statuses) >= 3, statuses  # the sequence moved cases through several states
    assert Case.objects.filter(overdue_level__gt=0).exists()
    _assert_agree(month)
    # the nightly reconcile writes what the refresh kept
    kept = _rows()
    rebuild_cases()
    assert _rows() == kept


def test_a_month_loaded_in_bulk_counts_after_the_rebuild_and_in_the_trend(api: Any) -> None:
    _report(api, "grid_worker", "0108", True)
    refresh()
    case = Case.objects.get()
    earlier = month_of(timezone.now() - dt.timedelta(days=62))
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=62))
    rebuild_cases()
    county = Unit.objects.get(path=COUNTY)
    now_month = month_of(timezone.now())
    assert figures.case_summary(county, now_month)["reported"] == 0
    assert figures.case_summary(county, earlier)["reported"] == 1
    trend = {r["month"]: r["reported"] for r in figures.case_trend(county, now_month)}
    assert trend[f"{earlier:%Y-%m}"] == 1 and sum(trend.values()) == 1
    _assert_agree(earlier)


def test_a_village_rollup_counts_only_its_subtree(api: Any) -> None:
    _report(api, "grid_worker", "0108", True)
    refresh()
    month = month_of(timezone.now())
    sibling = Unit.objects.get(path="320111004")
    assert figures.case_summary(sibling, month)["reported"] == 0
    assert figures.case_summary(Unit.objects.get(path=TOWNSHIP), month)["reported"] == 1
    assert (
        CaseRollup.objects.filter(~Q(path__startswith=TOWNSHIP), ~Q(path=COUNTY))
        .exclude(path__in=["32", "3201"])
        .count()
        == 0
    )
