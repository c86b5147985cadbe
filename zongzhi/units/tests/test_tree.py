"""The jurisdiction tree: adding, renaming, moving and retiring units, and code rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from zongzhi.units.models import Department, LoginSession, Unit

pytestmark = pytest.mark.django_db


def test_demo_is_the_real_pukou_district(unit: Any) -> None:
    county = unit("320111")
    assert county.name == "浦口区"
    townships = list(county.children.values_list("name", flat=True))
    assert "沿江街道" in townships and "江浦街道" in townships and len(townships) == 15
    assert unit("320111003001").name == "冯墙社区居委会"
    # every village is divided into grids with a GeoJSON boundary
    grid = Unit.objects.get(code="320111003001001")
    assert grid.level == "grid" and grid.path == "320111003001001"
    assert grid.boundary["type"] == "Polygon"


def test_county_admin_adds_a_grid_under_a_village(api: Any, unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")
    r = api("sysadmin").post("/api/units", {"parent_id": village.pk, "code": "320111003001009", "name": "冯墙第9网格"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["level"] == "grid" and body["path"] == "320111003001009"
    assert [a["name"] for a in body["ancestors"]][-2:] == ["沿江街道", "冯墙社区居委会"]
    assert audit_since("unit.created")
    assert audit_since("create", object_type="units.unit", object_id=str(body["id"]))


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("32011100300100", "unit_code_invalid"),  # wrong length
        ("32011100300100x", "unit_code_invalid"),  # not digits
        ("320111004001009", "unit_code_prefix"),  # another village's prefix
        ("320111003001000", "unit_code_invalid"),  # own segment all zeros
        ("320111003001001", "unit_code_taken"),  # existing grid
    ],
)
def test_bad_unit_codes_are_refused_with_a_clear_message(api: Any, unit: Any, code: str, error: str) -> None:
    village = unit("320111003001")
    r = api("sysadmin").post("/api/units", {"parent_id": village.pk, "code": code, "name": "新网格"})
    assert r.status_code == 400
    assert r.json()["code"] == error
    assert r.json()["message"]
    assert not Unit.objects.filter(code=code).exists() or code == "320111003001001"


def test_township_code_must_end_in_zeros(api: Any, unit: Any) -> None:
    r = api("sysadmin").post("/api/units", {"parent_id": unit("320111").pk, "code": "320111099001", "name": "新街道"})
    assert r.status_code == 400 and r.json()["code"] == "unit_code_invalid"
    r = api("sysadmin").post("/api/units", {"parent_id": unit("320111").pk, "code": "320111099000", "name": "新街道"})
    assert r.status_code == 201 and r.json()["level"] == "township"


def test_rename_unit_keeps_code_and_records_old_name(api: Any, unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")
    r = api("sysadmin").patch(f"/api/units/{village.pk}", {"name": "冯墙社区"})
    assert r.status_code == 200 and r.json()["name"] == "冯墙社区"
    event = audit_since("unit.renamed")[0]
    assert event.detail == {"from": "冯墙社区居委会", "to": "冯墙社区"}
    change = audit_since("update", object_type="units.unit")[0]
    assert change.changes["name"] == ["冯墙社区居委会", "冯墙社区"]


def test_moving_a_village_rewrites_the_whole_subtree_and_its_records(api: Any, unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")  # 冯墙 under 沿江街道, with grids, a grid worker and users
    target = unit("320111004")  # 江浦街道
    dept = Department.objects.create(unit=village, path=village.path, kind_code="04", name="冯墙调解室")
    r = api("sysadmin").post(f"/api/units/{village.pk}/move", {"parent_id": target.pk, "code": "320111004091"})
    assert r.status_code == 200, r.json()
    assert r.json()["path"] == "320111004091" and r.json()["parent_id"] == target.pk
    grids = Unit.objects.filter(parent_id=village.pk).order_by("code")
    assert [g.code for g in grids][:2] == ["320111004091001", "320111004091002"]
    assert all(g.path == g.code for g in grids)
    dept.refresh_from_db()
    assert dept.path == "320111004091"
    assert not Unit.objects.filter(path__startswith="320111003001").exists()
    moved = audit_since("unit.moved")[0]
    assert moved.detail["from_code"] == "320111003001" and moved.detail["to_code"] == "320111004091"
    # the grid worker's scope follows the move: they still see their grids
    me = api("grid_worker").get("/api/auth/me").json()
    assert {u["code"] for u in me["user"]["capture_scope"]} == {"320111004091001", "320111004091002"}


def test_move_into_own_subtree_is_a_cycle(api: Any, unit: Any) -> None:
    township = unit("320111003")
    village = unit("320111003001")
    r = api("sysadmin").post(f"/api/units/{township.pk}/move", {"parent_id": village.pk, "code": "320111003001"})
    assert r.status_code == 400 and r.json()["code"] == "unit_move_cycle"
    assert "自己" in r.json()["message"]


def test_move_to_an_occupied_code_changes_nothing(api: Any, unit: Any) -> None:
    village = unit("320111003001")
    r = api("sysadmin").post(
        f"/api/units/{village.pk}/move", {"parent_id": unit("320111004").pk, "code": "320111004001"}
    )
    assert r.status_code == 400 and r.json()["code"] == "unit_code_taken"
    village.refresh_from_db()
    assert village.path == "320111003001"
    assert Unit.objects.get(code="320111003001001").parent_id == village.pk


def test_move_a_village_under_a_county_is_a_level_mismatch(api: Any, unit: Any) -> None:
    village = unit("320111003001")
    r = api("sysadmin").post(f"/api/units/{village.pk}/move", {"parent_id": unit("320111").pk, "code": "320111091000"})
    assert r.status_code == 400 and r.json()["code"] == "unit_level_invalid"


def test_retire_needs_an_empty_unit_and_restore_brings_it_back(api: Any, unit: Any) -> None:
    admin = api("sysadmin")
    village = unit("320111003001")
    r = admin.post(f"/api/units/{village.pk}/retire")
    assert r.status_code == 400 and r.json()["code"] == "unit_has_children"
    grid = Unit.objects.get(code="320111003001002")  # no staff
    r = admin.post(f"/api/units/{grid.pk}/retire")
    assert r.status_code == 200 and r.json()["is_retired"] is True
    children = admin.get(f"/api/units/{village.pk}/children").json()
    assert "320111003001002" not in [c["code"] for c in children]
    with_retired = admin.get(f"/api/units/{village.pk}/children", {"include_retired": "true"}).json()
    assert "320111003001002" in [c["code"] for c in with_retired]
    r = admin.post(f"/api/units/{grid.pk}/restore")
    assert r.status_code == 200 and r.json()["is_retired"] is False
    grid1 = Unit.objects.get(code="320111003001001")  # the grid worker's home
    r = admin.post(f"/api/units/{grid1.pk}/retire")
    assert r.status_code == 400 and r.json()["code"] == "unit_has_staff"


def test_unit_map_has_the_grids_of_a_village(api: Any, unit: Any) -> None:
    village = unit("320111003001")
    data = api("village_officer").get(f"/api/units/{village.pk}/map").json()
    assert data["type"] == "FeatureCollection"
    levels = [f["properties"]["level"] for f in data["features"]]
    assert levels[0] == "village" and levels.count("grid") == 2


def test_unit_list_filters_by_subtree_level_and_name(api: Any, unit: Any) -> None:
    client = api("county_officer")
    r = client.get("/api/units", {"under": unit("320111003").pk, "level": "village", "limit": 100}).json()
    assert r["count"] == unit("320111003").children.count()
    assert all(u["path"].startswith("320111003") for u in r["items"])
    r = client.get("/api/units", {"q": "冯墙"}).json()
    assert {u["code"] for u in r["items"]} >= {"320111003001"}


def test_stats_count_the_units_below_by_level(api: Any) -> None:
    stats = api("township_officer").get("/api/units/stats").json()
    assert "township" not in stats["by_level"]  # its own unit is not counted as one below it
    assert stats["by_level"]["grid"] == 2 * stats["by_level"]["village"]
    assert stats["staff"] >= 3  # township officer, village officer, grid worker
    village = api("village_officer").get("/api/units/stats").json()
    assert village["by_level"] == {"grid": 2}  # not "1 村（社区）"


def test_the_home_page_shows_the_login_before_this_one(api: Any, password: str) -> None:
    first = Client().post(
        "/api/auth/login", {"username": "village_officer", "password": password}, content_type="application/json"
    )
    assert first.status_code == 200
    second = (
        Client()
        .post(
            "/api/auth/login",
            {"username": "village_officer", "password": password, "client": "token"},
            content_type="application/json",
        )
        .json()
    )
    me = Client(headers={"Authorization": f"Bearer {second['token']}"}).get("/api/auth/me").json()
    previous = LoginSession.objects.filter(user__username="village_officer").order_by("-created_at")[1]
    assert me["previous_login"] is not None
    assert abs(datetime.fromisoformat(me["previous_login"]) - previous.created_at).total_seconds() < 0.001
    assert me["previous_login"] != me["user"]["last_login"]


def test_me_says_which_administrator_the_user_is(api: Any) -> None:
    # the console shows paths and code keys to administrators only, from this field
    assert api("sysadmin").get("/api/auth/me").json()["admin_kind"] == "system"
    assert api("auditor").get("/api/auth/me").json()["admin_kind"] == "audit"
    assert api("township_officer").get("/api/auth/me").json()["admin_kind"] is None
