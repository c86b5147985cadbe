"""What the site answers outside the API: the icon, the pages' titles, and missing files."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_favicon_is_an_icon_not_the_console_page() -> None:
    r = Client().get("/favicon.ico")
    assert r.status_code == 200
    assert r["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(r.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header
    svg = Client().get("/favicon.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/robots.txt", "/apple-touch-icon.png", "/assets/index-x.js", "/m/missing.js"])
def test_a_missing_file_is_not_found_instead_of_a_page(path: str) -> None:
    r = Client().get(path)
    assert r.status_code == 404
    assert b'<div id="app">' not in r.content and "综治信息系统".encode() not in r.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/cases/42", "/units"])
def test_console_pages_carry_the_chinese_title(path: str) -> None:
    r = Client().get(path)
    # 200 with the built console, 503 with the "not built yet" page: both titled in Chinese.
    assert r.status_code in (200, 503)
    assert "<title>综治信息系统</title>".encode() in r.content


@pytest.mark.django_db
def test_phone_pages_carry_the_chinese_title() -> None:
    r = Client().get("/m/tasks")
    if r.status_code == 503:
        pytest.skip("the front end is not built")
    assert "<title>综治网格通</title>".encode() in r.content
