"""The registry rollups agree with the raw rows after registrations, an import and
retirements (迁出, 注销), once the refresh job has run; a village reads only its own figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from zongzhi.core.months import month_of
from zongzhi.core.scope import subtree_q
from zongzhi.people.models import Resident
from zongzhi.people.tests.test_residents import id_number
from zongzhi.places.models import Facility
from zongzhi.stats import figures
from zongzhi.stats.models import DirtyCell
from zongzhi.stats.rollups import rebuild_all, refresh
from zongzhi.transfers.import_writer import prepare, write_residents
from zongzhi.transfers.imports import numbered
from zongzhi.transfers.tests.test_queries import COLUMNS, ROWS, _checker
from zongzhi.units.demo import GRID_1
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

LEVELS = (GRID_1, "320111003001", "320111003", "320111")


def _raw_residents(path: str) -> dict[str, int]:
    rows = Resident.objects.filter(subtree_q([path]), is_retired=False).values_list("kind").annotate(n=Count("id"))
    return {k: n for k, n in rows}


def _rolled(path: str) -> dict[str, int]:
    data = figures.population_summary(Unit.objects.get(path=path))
    return {r["key"]: r["count"] for r in data["residents"] if r["count"]}


def _register(api: Any, seq: str, kind: str = "registered") -> dict[str, Any]:
    body = {
        "kind": kind,
        "name": "张三丰",
        "id_number": id_number(seq=seq),
        "unit_id": Unit.objects.get(path=GRID_1).pk,
        "ethnicity_code": "01",
        "household_address": "南京市浦口区沿江街道冯墙社区1号",
    }
    if kind == "floating":
        body["permit_type"] = "居住证"
    r = api("village_officer").post("/api/registry/residents", body)
    assert r.status_code in (200, 201), r.json()
    return dict(r.json())


def test_registry_rollups_equal_raw_counts_after_registrations_imports_and_retirements(api: Any) -> None:
    rebuild_all()  # whatever the fixtures hold, counted once
    for level in LEVELS:
        assert _rolled(level) == _raw_residents(level)
    first = _register(api, "701")
    _register(api, "702", kind="floating")
    user = User.objects.get(username="village_officer")
    cells = [[row.get(c.field, "") for c in COLUMNS] for row in ROWS]
    prepared, _ = prepare(numbered(cells, 2), _checker(user), connection.vendor, timezone.now())
    with transaction.atomic():
        write_residents(prepared, timezone.now())
    r = api("village_officer").post(f"/api/registry/residents/{first['id']}/retire", {"reason": "迁出"})
    assert r.status_code == 200, r.json()
    assert DirtyCell.objects.filter(area="registry").exists()
    refresh()
    assert not DirtyCell.objects.exists()
    for level in LEVELS:
        assert _rolled(level) == _raw_residents(level), level
    assert _rolled(GRID_1).get("floating", 0) >= 1


def test_inspections_count_in_the_month_coverage(api: Any) -> None:
    rebuild_all()
    village = Unit.objects.get(path="320111003001")
    month = month_of(timezone.now())
    before = figures.coverage(village, month)
    facilities = Facility.objects.filter(subtree_q([village.path]), is_retired=False).count()
    assert before["facilities"] == facilities
    inspected = (
        Facility.objects.filter(subtree_q([village.path]), inspections__inspected_on__gte=month)
        .values("id")
        .distinct()
        .count()
    )
    assert before["inspected"] == inspected
    assert month <= dt.date.today()


def test_a_village_cannot_read_a_sibling_units_figures(api: Any) -> None:
    sibling = Unit.objects.get(path="320111003002")
    for path in ("/api/stats/cases", "/api/stats/population"):
        r = api("village_officer").get(path, {"unit": sibling.pk})
        assert r.status_code == 404, r.json()
        r = api("township2_officer").get(path, {"unit": Unit.objects.get(path="320111003").pk})
        assert r.status_code == 404
        own = api("village_officer").get(path)
        assert own.status_code == 200 and own.json()["unit"]["path"] == "320111003001"


def test_case_figures_link_to_the_filtered_case_list_with_the_same_count(api: Any) -> None:
    lat_lng = Unit.objects.get(code=GRID_1).boundary["coordinates"][0][:4]
    body = {
        "kind": "event",
        "title": "邻里噪音纠纷",
        "category_code": "0101",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "latitude": sum(p[1] for p in lat_lng) / 4,
        "longitude": sum(p[0] for p in lat_lng) / 4,
    }
    assert api("grid_worker").post("/api/cases", body).status_code == 201
    refresh()
    page = api("township_officer").get("/api/stats/cases")
    assert page.status_code == 200
    data = page.json()
    assert data["summary"]["reported"]["value"] == 1
    assert [r["name"] for r in data["children"]]  # the township's villages
    assert len(data["trend"]) == 12
    for figure in ("reported", "open"):
        link = data["summary"][figure]["link"]
        listed = api("township_officer").get("/api/cases", link["query"]).json()["items"]
        assert len(listed) == data["summary"][figure]["value"], figure
    source = data["by_source"][0]
    assert source["label"] == "网格上报"
    listed = api("township_officer").get("/api/cases", source["link"]["query"]).json()["items"]
    assert len(listed) == source["count"]
    r = api("township_officer").get("/api/stats/cases", {"month": "2099-01"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_month"
