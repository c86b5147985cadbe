"""The analysis report (研判报告) in the browser: the township opens the report of one of its
villages from the unit tree, reads the findings, charts and tables of the demo's months, and
downloads the Word document, which opens and carries the village's name; the county generates
last month's bulletin (督查通报) and reads it in the print view. Screenshots:
test-artifacts/analysis-report*.png, bulletin-list.png, bulletin-print.png."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def test_township_opens_a_village_report_and_downloads_the_docx(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/")
    page.get_by_role("menuitem", name="统计研判").click()
    page.get_by_role("menuitem", name="研判报告").click()
    page.wait_for_url(lambda u: "/stats/analysis" in u, timeout=15000)
    findings = page.locator("[data-test=analysis-findings]")
    expect(findings).to_contain_text("沿江街道", timeout=15000)

    # choose the village in the unit tree (lazy: open the township first)
    page.locator(".zz-search .el-select").first.click()
    township = page.locator(".el-tree-select__popper .el-tree-node__content:visible", has_text="沿江街道").first
    expect(township).to_be_visible(timeout=10000)
    if not page.locator(".el-tree-select__popper .el-tree-node__content:visible", has_text="冯墙社区").count():
        township.locator(".el-tree-node__expand-icon").click()
    village = page.locator(".el-tree-select__popper .el-tree-node__content:visible", has_text="冯墙社区").first
    expect(village).to_be_visible(timeout=10000)
    village.click()
    expect(findings).to_contain_text("冯墙社区", timeout=15000)
    expect(findings).to_contain_text("共受理各类办件")
    expect(page.locator("[data-test=zz-chart] canvas").first).to_be_visible(timeout=15000)
    expect(page.locator("[data-test=analysis-key-persons]")).to_be_visible()
    page.locator(".el-card__header").first.click()  # close the dropdown
    page.wait_for_timeout(800)  # the charts' entry animation
    shot(page, "analysis-report")
    page.locator("[data-test=analysis-preventable]").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "analysis-report-charts")
    page.locator("[data-test=analysis-key-persons]").scroll_into_view_if_needed()
    shot(page, "analysis-report-tables")

    with page.expect_download(timeout=15000) as info:
        page.locator("[data-test=analysis-docx]").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx") and "冯墙社区" in download.suggested_filename
    with open(download.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "冯墙社区" in text and "社会治安形势分析研判报告" in text
    assert len(doc.tables) >= 5
    ctx.close()


def test_county_generates_the_bulletin_and_sees_the_print_view(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "county_officer")
    page.goto(server + "/")
    page.get_by_role("menuitem", name="考核评估").click()
    page.get_by_role("menuitem", name="督查通报").click()
    page.wait_for_url(lambda u: "/assess/bulletins" in u, timeout=15000)
    expect(page.locator("[data-test=bulletin-list]")).to_be_visible(timeout=15000)
    page.locator("[data-test=bulletin-generate]").click()
    page.wait_for_url(lambda u: "/print" in u, timeout=60000)
    sheet = page.locator("[data-test=bulletin-print]")
    expect(sheet.locator("h1")).to_contain_text("督查通报", timeout=30000)
    ranking = page.locator("[data-test=bulletin-ranking]")
    expect(ranking).to_contain_text("沿江街道")
    expect(ranking).to_contain_text("江浦街道")
    for title in ("首页待办事项完成情况", "公文签收、流转情况", "工作活动记录和分析研判情况"):
        expect(sheet.get_by_text(title)).to_be_visible()
    expect(sheet.get_by_text("三、登录红灯情况")).to_be_visible()
    shot(page, "bulletin-print")
    page.get_by_role("button", name="返回").click()
    row = page.locator("[data-test=bulletin-list] .el-table__row").first
    expect(row.get_by_text("未下发")).to_be_visible(timeout=15000)
    shot(page, "bulletin-list")
    ctx.close()
