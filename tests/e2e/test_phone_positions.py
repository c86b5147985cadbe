"""Positions on the phone: a photo's GPS offered when the report has none, and shown on the
case map; a position outside the worker's grids asked about before sending and flagged to the
village that receives the case."""

from __future__ import annotations

import io
import re
import urllib.parse
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def _token(server: str, username: str) -> str:
    body = {"username": username, "password": PASSWORD, "client": "token"}
    return str(_api(server, "/api/auth/login", body=body)["token"])


def _center(server: str, token: str, name: str) -> tuple[float, float, dict[str, Any]]:
    unit = _api(server, "/api/units?q=" + urllib.parse.quote(name), token)["items"][0]
    feature = next(
        f
        for f in _api(server, f"/api/units/{unit['id']}/map", token)["features"]
        if f["properties"]["id"] == unit["id"]
    )
    ring = feature["geometry"]["coordinates"][0]
    return sum(p[1] for p in ring[:4]) / 4, sum(p[0] for p in ring[:4]) / 4, unit


def _photo(path: Path, lat: float, lng: float) -> None:
    def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60 * 100)
        return IFDRational(d), IFDRational(m), IFDRational(s, 100)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lng)}
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(buf, "JPEG", exif=exif.tobytes())
    path.write_bytes(buf.getvalue())


def _phone(browser: Any, token: str, **extra: Any) -> tuple[Any, Any]:
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN", **extra
    )
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token}')")
    return ctx, ctx.new_page()


def _fill_report(page: Any, server: str, first: str, second: str) -> None:
    page.goto(server + "/m/")
    expect(page.get_by_text("上报事件").first).to_be_visible(timeout=15000)
    page.get_by_text("上报事件").first.click()
    page.get_by_placeholder("选择事件类别").click()
    page.locator(".van-cascader").get_by_text("矛盾纠纷", exact=True).click()
    page.locator(".van-cascader").get_by_text("邻里纠纷", exact=True).click()
    page.get_by_placeholder("姓名").nth(0).fill(first)
    page.get_by_placeholder("姓名").nth(1).fill(second)
    page.get_by_role("button", name="生成标题").click()


def _sent_case(page: Any, server: str, token: str) -> dict[str, Any]:
    page.wait_for_url(re.compile(r"/m/cases/\d+"), timeout=15000)
    return dict(_api(server, f"/api/cases/{int(page.url.rstrip('/').rsplit('/', 1)[1])}", token))


def test_a_photos_position_is_offered_and_shown_on_the_case_map(server: str, browser: Any, tmp_path: Path) -> None:
    worker = _token(server, "grid_worker")
    lat, lng, _ = _center(server, worker, "冯墙社区第1网格")
    photo = tmp_path / "现场.jpg"
    _photo(photo, lat, lng)
    ctx, page = _phone(browser, worker)
    _fill_report(page, server, "冯照片", "陈照片")
    page.locator("input[type=file]").first.set_input_files(str(photo))
    offer = page.locator(".zz-m-photo-at")
    expect(offer).to_be_visible(timeout=10000)
    shot(page, "positions-1-photo-offered")
    offer.get_by_role("button", name="使用照片位置").click()
    page.get_by_role("button", name="提交").click()
    case = _sent_case(page, server, worker)
    assert abs(case["latitude"] - lat) < 1e-4 and abs(case["longitude"] - lng) < 1e-4
    assert case["attachments"][0]["position"] is not None
    ctx.close()

    ctx, console = _console(browser, server, "village_officer")
    console.goto(f"{server}/cases/{case['id']}")
    expect(console.get_by_text(re.compile("照片「.*」拍摄位置")).first).to_be_visible(timeout=15000)
    shot(console, "positions-2-case-map-with-photo")
    ctx.close()


def test_a_position_outside_the_workers_grids_is_asked_about_and_flagged(server: str, browser: Any) -> None:
    worker = _token(server, "grid_worker")
    county = _token(server, "county_officer")
    grids = [
        u
        for u in _api(server, "/api/units?level=grid&limit=200", county)["items"]
        if not u["path"].startswith("320111003")
    ]
    lat, lng, _ = _center(server, county, grids[0]["name"])
    ctx, page = _phone(browser, worker, geolocation={"latitude": lat, "longitude": lng}, permissions=["geolocation"])
    _fill_report(page, server, "蒋远处", "沈远处")
    page.get_by_role("button", name="获取当前位置").click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name="提交").click()
    dialog = page.locator(".van-dialog")
    expect(dialog.get_by_text("位置不在您负责的网格内", exact=True)).to_be_visible(timeout=10000)
    shot(page, "positions-3-outside-asked")
    dialog.get_by_role("button", name="仍按此位置上报").click()
    case = _sent_case(page, server, worker)
    assert case["details"]["located_in_grid"] is False and case["holder_name"] == "冯墙社区居委会"
    ctx.close()

    ctx, console = _console(browser, server, "village_officer")
    console.goto(f"{server}/cases/{case['id']}")
    expect(console.get_by_text("上报位置不在上报人负责的网格内").first).to_be_visible(timeout=15000)
    shot(console, "positions-4-outside-flagged")
    ctx.close()
