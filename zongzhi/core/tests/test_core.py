"""Framework pieces: the scope range test, serving the apps and the API docs offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from zongzhi.core.masking import mask_value
from zongzhi.core.scope import minimal_roots, path_upper_bound, subtree_q
from zongzhi.units.models import Unit


def test_path_upper_bound_closes_the_subtree() -> None:
    assert path_upper_bound("320111003") == "320111004"
    assert path_upper_bound("3201110039") == "320111003:"  # ':' sorts right after '9'
    assert "320111003999" < path_upper_bound("320111003") <= "320111004"


def test_minimal_roots_drops_nested_paths() -> None:
    assert minimal_roots(["320111003001", "320111003", "320111004", "", "320111003"]) == ["320111003", "320111004"]


@pytest.mark.django_db
def test_subtree_range_matches_exactly_the_subtree(unit: Any) -> None:
    township = unit("320111003")
    in_range = set(Unit.objects.filter(subtree_q([township.path])).values_list("code", flat=True))
    by_prefix = {u.code for u in Unit.objects.all() if u.path.startswith("320111003")}
    assert in_range == by_prefix and len(in_range) > 10
    assert not Unit.objects.filter(subtree_q([])).exists()


def test_masking_keeps_the_shape() -> None:
    assert mask_value("320111199001011234") == "3201**********1234"
    assert mask_value("13912345678") == "139****5678"
    assert mask_value("") == ""


@pytest.mark.django_db
def test_api_docs_load_nothing_from_a_cdn() -> None:
    page = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # every script and stylesheet from this server (the page's random CSRF token once held "cdn")
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", page) == []
    schema = Client().get("/api/openapi.json").json()
    assert "/api/units/{unit_id}/move" in schema["paths"]


@pytest.mark.django_db
def test_errors_have_a_code_and_a_chinese_message() -> None:
    r = Client().get("/api/units/roots")
    assert r.status_code == 401
    assert r.json() == {"code": "not_authenticated", "message": "请先登录，或登录已超时"}
    r = Client().post("/api/auth/login", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "invalid_input", "message": "请求内容格式不正确，无法解析"}


@pytest.mark.django_db
def test_health_check_and_request_id() -> None:
    r = Client().get("/healthz")
    assert r.json() == {"status": "ok"} and len(r["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_path_columns_use_the_c_collation_on_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares bytes already")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'units_unit' AND column_name = 'path'"
        )
        assert cursor.fetchone() == ("C",)


def test_the_phones_offline_shell_is_served_for_the_phone_app(settings: Any, tmp_path: Any) -> None:
    """The service worker answers at /m/sw.js (its scope is the phone app), as JavaScript that
    browsers check again at every start, and lists the phone app's files for precaching."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "sw.js").write_text('precacheAndRoute([{url:"/static/m/index.html"}])', encoding="utf-8")
    settings.FRONTEND_DIST = tmp_path
    settings.DEBUG = True  # read from the folder now, not from the process's copy
    response = Client().get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert b"/static/m/index.html" in response.content
    (tmp_path / "m" / "sw.js").unlink()
    assert Client().get("/m/sw.js").status_code == 404
