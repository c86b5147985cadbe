"""Headless-Chromium smoke test: log in, the layout, the unit tree and map, the phone home,
and an administrator's first login with the TOTP binding."""

from __future__ import annotations

from typing import Any

from .conftest import BROWSER_MARKS, TOTP_SECRETS, fresh_code, shot

pytestmark = BROWSER_MARKS


def test_console_login_layout_and_unit_map(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    requests_outside: list[str] = []
    page.on("request", lambda r: requests_outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/login")
    page.wait_for_selector("input[autocomplete=username]")
    shot(page, "console-login")
    page.fill("input[autocomplete=username]", "county_officer")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=陈静", timeout=15000)
    page.wait_for_selector(".el-tag >> text=县（区）综治中心", timeout=15000)
    page.wait_for_timeout(1200)  # let the welcome toast and transitions finish
    for area in ("辖区与网格", "事件办理", "人口管理"):
        assert page.locator(f"text={area}").count() >= 1, area
    shot(page, "console-layout")
    page.goto(server + "/units")
    page.wait_for_selector("text=浦口区", timeout=15000)
    # the header's unit picker holds a hidden copy of the tree: the page's own one is clicked
    page.locator(".el-tree-node__content:visible", has_text="浦口区").first.click()
    page.locator(".el-tabs__item", has_text="地图").first.click()
    page.wait_for_selector(".leaflet-interactive", timeout=15000)
    assert page.locator(".leaflet-interactive").count() >= 15  # the county and its townships
    page.wait_for_timeout(500)
    shot(page, "console-unit-map")
    assert not requests_outside, f"the page loaded something from outside: {requests_outside[:3]}"
    page.close()


def test_mobile_login_lists_the_grid_workers_grids(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(server + "/m/")
    page.wait_for_selector("input[type=password]", timeout=15000)
    page.fill("input[autocomplete=username]", "grid_worker")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=冯墙社区第1网格", timeout=15000)
    assert page.locator("text=冯墙社区第2网格").count() >= 1
    shot(page, "mobile-home")
    context.close()


def test_auditor_binds_totp_at_first_login_and_searches_the_log(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.goto(server + "/login")
    page.fill("input[autocomplete=username]", "auditor")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector(".zz-secret .zz-mono", timeout=15000)
    page.wait_for_selector(".zz-qr-svg svg")
    shot(page, "console-otp-setup")
    TOTP_SECRETS["auditor"] = page.inner_text(".zz-secret .zz-mono").strip()  # later logins use it
    page.fill("input[autocomplete=one-time-code]", fresh_code("auditor"))
    page.click("button[type=submit]")
    page.wait_for_selector("text=郑丽", timeout=15000)
    page.goto(server + "/audit")
    page.wait_for_selector("text=登录", timeout=15000)
    page.wait_for_timeout(800)
    assert page.locator(".el-table__row").count() >= 1
    shot(page, "console-audit")
    page.close()
