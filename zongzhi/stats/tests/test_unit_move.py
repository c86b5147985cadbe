"""A unit moved in the tree: after the 10-second refresh job (no nightly rebuild), the old and
the new township's figures, the county's and the moved village's own equal the raw counts, in
every month the village has cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.cases.models import Case
from zongzhi.core.months import add_months, month_range, this_month
from zongzhi.core.scope import subtree_q
from zongzhi.stats import figures
from zongzhi.stats.models import CaseRollup
from zongzhi.stats.rollups import rebuild_cases, refresh
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db

GRID_1 = "320111003001001"


def _report(api: Any) -> int:
    ring = Unit.objects.get(code=GRID_1).boundary["coordinates"][0]
    body = {
        "kind": "event",
        "title": "两户邻里纠纷",
        "category_code": "0101",
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "people_count": 2,
        "latitude": sum(p[1] for p in ring[:4]) / 4,
        "longitude": sum(p[0] for p in ring[:4]) / 4,
    }
    r = api("village_officer").post("/api/cases", body)
    assert r.status_code == 201, r.json()
    return int(r.json()["case"]["id"])


def _raw(path: str, month: dt.date) -> int:
    start, end = month_range(month)
    return (
        Case.objects.filter(subtree_q([path]), created_at__gte=start, created_at__lt=end)
        .exclude(status="cancelled")
        .count()
    )


def test_moving_a_village_with_cases_corrects_both_townships_after_the_refresh(api: Any, unit: Any) -> None:
    village, old_town, new_town, county = unit("320111003001"), unit("320111003"), unit("320111004"), unit("320111")
    ids = [_report(api) for _ in range(3)]
    last_month = add_months(this_month(), -1)
    Case.objects.filter(pk=ids[0]).update(created_at=month_range(last_month)[0] + dt.timedelta(days=3))
    rebuild_cases()
    months = [last_month, this_month()]
    before = {m: figures.case_summary(new_town, m)["reported"] for m in months}
    assert figures.case_summary(old_town, last_month)["reported"] == _raw(old_town.path, last_month) >= 1

    r = api("sysadmin").post(f"/api/units/{village.pk}/move", {"parent_id": new_town.pk, "code": "320111004091"})
    assert r.status_code == 200, r.json()
    refresh()

    village.refresh_from_db()
    for m in months:
        for u in (old_town, new_town, county, village):
            assert figures.case_summary(u, m)["reported"] == _raw(u.path, m), (u.name, m)
        assert figures.case_summary(new_town, m)["reported"] > before[m]
        assert figures.case_summary(old_town, m)["reported"] == _raw(old_town.path, m)
    assert figures.case_summary(village, this_month())["reported"] == 2
    # nothing is left at the village's old paths
    assert not CaseRollup.objects.filter(path__startswith="320111003001").exists()
