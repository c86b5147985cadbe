"""The home dashboards of a village, a township and the county, and the county centre's big
screen at 1920×1080 and 3840×2160 (no scrollbars), riding out a server that stops answering."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, PASSWORD, shot

pytestmark = BROWSER_MARKS

# The payload, with or without ?unit= (not the map's shapes).
PAYLOAD = re.compile(r"/api/stats/screen(\?|$)")
NO_SCROLLBARS = """() => {
  const d = document.documentElement
  return d.scrollWidth <= window.innerWidth && d.scrollHeight <= window.innerHeight
}"""


def _login(browser: Any, base: str, username: str, width: int = 1440, height: int = 900) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/login")
    page.fill("input[autocomplete=username]", username)
    page.fill("input[type=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u, timeout=15000)
    return ctx, page


def _dashboard(browser: Any, server: str, username: str, unit_name: str, children: str | None) -> None:
    ctx, page = _login(browser, server, username, 1440, 1500)
    page.goto(server + "/")
    dash = page.locator("[data-test=dashboard]")
    expect(dash).to_be_visible(timeout=15000)
    expect(dash.locator(".zz-dash-title")).to_contain_text(unit_name, timeout=15000)
    expect(dash.locator(".zz-dash-title")).to_contain_text("本月态势")
    reported = dash.locator("[data-test=dash-reported] .zz-dash-num")
    expect(reported).not_to_have_text("—", timeout=15000)
    expect(dash.get_by_text("近12个月办件趋势")).to_be_visible()
    if children:
        expect(dash.get_by_text(f"{children}对比（本月）")).to_be_visible()
    page.wait_for_timeout(800)  # the charts' entry animation
    shot(page, f"dashboard-{username.split('_')[0]}")
    # the figure opens the list behind it, filtered to the unit and the month
    dash.locator("[data-test=dash-reported]").click()
    page.wait_for_url(lambda u: "/cases" in u and "under=" in u and "since=" in u, timeout=10000)
    expect(page.locator(".el-table").first).to_be_visible(timeout=15000)
    ctx.close()


def test_village_dashboard(server: str, browser: Any) -> None:
    _dashboard(browser, server, "village_officer", "冯墙社区", "网格")


def test_township_dashboard(server: str, browser: Any) -> None:
    _dashboard(browser, server, "township_officer", "沿江街道", "村（社区）")


def test_county_dashboard(server: str, browser: Any) -> None:
    _dashboard(browser, server, "county_officer", "浦口区", "乡镇（街道）")


def _open_screen(browser: Any, server: str, width: int, height: int) -> tuple[Any, Any]:
    ctx, page = _login(browser, server, "county_officer", width, height)
    page.goto(server + "/screen")
    expect(page.locator(".zz-screen-head h1")).to_have_text("浦口区社会治理综合指挥大屏", timeout=15000)
    expect(page.locator("[data-test=screen-reported] .zz-tile-num")).not_to_have_text("—", timeout=15000)
    expect(page.locator("[data-test=screen-feed] li").first).to_be_visible()
    expect(page.locator("[data-test=screen-map] path").first).to_be_attached(timeout=15000)
    page.wait_for_timeout(1000)  # the charts' entry animation
    return ctx, page


def test_screen_1920(server: str, browser: Any) -> None:
    ctx, page = _open_screen(browser, server, 1920, 1080)
    assert page.evaluate(NO_SCROLLBARS)
    box = page.locator(".zz-screen").bounding_box()
    assert box is not None and abs(box["width"] - 1920) < 1 and abs(box["height"] - 1080) < 1
    shot(page, "screen-1920")
    ctx.close()


def test_screen_3840(server: str, browser: Any) -> None:
    ctx, page = _open_screen(browser, server, 3840, 2160)
    assert page.evaluate(NO_SCROLLBARS)
    box = page.locator(".zz-screen").bounding_box()
    assert box is not None and abs(box["width"] - 3840) < 1 and abs(box["height"] - 2160) < 1
    shot(page, "screen-3840")
    ctx.close()


def test_screen_rides_out_a_server_that_stops_answering(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = ctx.new_page()
    page.clock.install()
    page.goto(server + "/login")
    page.fill("input[autocomplete=username]", "county_officer")
    page.fill("input[type=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u, timeout=15000)
    page.goto(server + "/screen")
    tile = page.locator("[data-test=screen-reported] .zz-tile-num")
    expect(tile).not_to_have_text("—", timeout=15000)
    shown = tile.inner_text()

    # the server goes away: the next refresh fails, the figures stay, a small mark says so
    page.route(PAYLOAD, lambda route: route.abort())
    page.clock.fast_forward("00:31")
    mark = page.locator("[data-test=screen-link]")
    expect(mark).to_have_text("连接中断，正在重试", timeout=10000)
    expect(tile).to_have_text(shown)
    page.clock.fast_forward("00:03")  # the first retry fails too
    expect(mark).to_be_visible()
    shot(page, "screen-reconnecting")

    # it comes back: the next retry (after the back-off) recovers without a reload
    page.unroute(PAYLOAD)
    page.clock.fast_forward("00:05")
    expect(mark).to_have_count(0, timeout=10000)
    expect(tile).to_have_text(shown)
    ctx.close()
