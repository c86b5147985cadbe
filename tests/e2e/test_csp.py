"""The pages work under the Content-Security-Policy: no violation while the console, the unit map,
the phone pages and the API docs load."""

from __future__ import annotations

from typing import Any

from .conftest import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def _watch(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text or "Permissions" in m.text else None,
    )
    return violations


def test_console_map_and_api_docs_load_without_csp_violations(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    violations = _watch(page)
    page.goto(server + "/login")
    page.fill("input[autocomplete=username]", "county_officer")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=陈静", timeout=15000)
    page.goto(server + "/units")
    # the page's own tree (a unit picker elsewhere on the page may hold hidden tree nodes too)
    page.locator(".el-tree-node__content:visible", has_text="浦口区").first.click()
    page.locator(".el-tabs__item", has_text="地图").first.click()
    page.wait_for_selector(".leaflet-interactive", timeout=15000)
    page.goto(server + "/cases")
    page.wait_for_timeout(800)
    page.goto(server + "/api/docs")
    page.wait_for_selector(".opblock", timeout=20000)  # Swagger UI ran from /static/
    assert not violations, violations[:3]
    page.close()


def test_phone_pages_load_without_csp_violations(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    violations = _watch(page)
    page.goto(server + "/m/")
    page.fill("input[autocomplete=username]", "grid_worker")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=冯墙社区第1网格", timeout=15000)
    page.goto(server + "/m/report")
    page.wait_for_timeout(1500)
    assert not violations, violations[:3]
    context.close()
