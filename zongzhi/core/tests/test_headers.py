"""Security headers on every kind of answer, and the 413 a too-large body gets everywhere."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from zongzhi.settings import tile_origin

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _assert_secure(response: Any) -> None:
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]  # no inline scripts, no eval
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]
    assert csp["worker-src"] == ["'self'"]
    policy = dict(p.split("=", 1) for p in response["Permissions-Policy"].split(", "))
    assert policy["geolocation"] == "(self)" and policy["camera"] == "(self)"
    assert policy["microphone"] == "()" and policy["payment"] == "()"


def test_console_phone_pages_api_and_downloads_carry_csp_and_permissions_policy(api: Any) -> None:
    client = Client()
    for page in ("/", "/units", "/m/", "/m/report"):
        _assert_secure(client.get(page))
    _assert_secure(client.get("/api/system/config"))
    _assert_secure(client.get("/api/users"))  # an error answer too (401)
    export = api("auditor").get("/api/audit/export", {"action": "auth.login"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    _assert_secure(export)


def test_the_api_docs_page_loads_its_scripts_from_this_server() -> None:
    r = Client().get("/api/docs")
    assert r.status_code == 200
    _assert_secure(r)
    html = r.content.decode()
    assert "<script>" not in html.replace('<script type="application/json"', "")  # nothing inline runs
    assert "cdn" not in html.lower()


def test_the_tile_server_is_allowed_for_images_only_where_configured() -> None:
    assert tile_origin("http://{s}.tiles.gov.lan:8080/{z}/{x}/{y}.png") == "http://*.tiles.gov.lan:8080"
    assert tile_origin("https://map.lan/wmts/{z}/{x}/{y}") == "https://map.lan"
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None  # this server: 'self' covers it
    assert tile_origin(None) is None


# --- 413 -----------------------------------------------------------------------------------------
def test_a_ten_megabyte_json_body_is_refused_with_413_in_chinese(api: Any) -> None:
    body = json.dumps({"title": "x" * (10 * 1024 * 1024)})
    client = api("grid_worker")
    r = client.client.post("/api/cases", data=body, content_type="application/json", headers=client._headers())
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "message": "提交的内容过大（不能超过5MB），请减少内容后重试"}
    _assert_secure(r)
    # without logging in, and on a login form, the same
    r = Client().post("/api/auth/login", data=body, content_type="application/json")
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_a_large_form_posted_to_a_page_is_413_not_a_server_error() -> None:
    from urllib.parse import urlencode

    client = Client(enforce_csrf_checks=True)  # the CSRF check reads the form
    form = urlencode({"field": "x" * (6 * 1024 * 1024)})
    r = client.post("/", form, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    # a multipart form passes the first check (it may carry a file) and fails when read
    client.get("/")  # the CSRF cookie: the check then reads the form for its token
    r = client.post("/", {"field": "x" * (6 * 1024 * 1024)})
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_a_body_within_the_limit_still_reaches_the_endpoint(api: Any) -> None:
    body = json.dumps({"username": "nobody", "password": "x" * (4 * 1024 * 1024), "client": "token"})
    r = Client().post("/api/auth/login", data=body, content_type="application/json")
    assert r.status_code in (400, 422) and r.json()["code"] != "too_large"


def test_an_upload_beyond_every_limit_is_refused_before_it_is_read(api: Any) -> None:
    client = api("grid_worker")
    with override_settings(MAX_UPLOAD_BYTES=1024 * 1024):
        big = SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (3 * 1024 * 1024))
        r = client.client.post("/api/attachments", {"file": big}, headers=client._headers())
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "message": "上传的文件过大（不能超过1MB）"}


def test_a_photo_over_its_own_limit_is_413_and_names_the_limit(api: Any, tmp_path: Any) -> None:
    client = api("grid_worker")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * (15 * 1024 * 1024 + 1)
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        r = client.client.post(
            "/api/attachments", {"file": SimpleUploadedFile("大图.png", png)}, headers=client._headers()
        )
    assert r.status_code == 413
    assert r.json()["code"] == "file_too_large" and r.json()["message"] == "图片不能超过15MB"


def test_too_many_form_fields_are_413(api: Any) -> None:
    client = api("grid_worker")
    fields = {f"f{i}": "1" for i in range(1200)}
    fields_file = {"file": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n")}
    r = client.client.post("/api/attachments", {**fields, **fields_file}, headers=client._headers())
    assert r.status_code == 413 and r.json()["message"] == "提交的字段或文件过多"
