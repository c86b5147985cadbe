"""The statistics pages in a browser: the township opens 案件统计, sees the chart and the
table, clicks a figure and lands on the case list filtered to it; then 人口与场所统计.
Screenshots: test-artifacts/stats-cases.png, stats-population.png."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def test_township_reads_case_statistics_and_opens_the_list_behind_a_figure(browser: Any, server: str) -> None:
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/stats/cases")
    reported = page.locator("[data-test=stat-reported]")
    expect(reported).to_be_visible(timeout=15000)
    expect(page.locator("[data-test=zz-chart] canvas").first).to_be_visible(timeout=15000)
    expect(page.locator("[data-test=children-table]")).to_be_visible()
    expect(page.get_by_text("下级单位对比")).to_be_visible()
    count = reported.locator(".zz-stat-value").inner_text().strip()
    assert count.isdigit() and int(count) > 0, count  # the demo's cases of this month
    page.wait_for_timeout(1500)  # the charts' entry animation
    shot(page, "stats-cases")
    page.locator("[data-test=children-table]").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot(page, "stats-cases-children")
    reported.click()
    page.wait_for_url("**/cases?**", timeout=15000)
    assert "state=reported" in page.url and "box=all" in page.url
    expect(page.locator(".el-table__row").first).to_be_visible(timeout=15000)
    page.goto(server + "/stats/population")
    expect(page.locator("[data-test=coverage-visits]")).to_be_visible(timeout=15000)
    expect(page.get_by_text("人口结构")).to_be_visible()
    expect(page.locator("[data-test=zz-chart] canvas").first).to_be_visible(timeout=15000)
    page.wait_for_timeout(1500)
    shot(page, "stats-population")
    ctx.close()
