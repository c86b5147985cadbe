"""The analysis report (研判报告) in the browser: the township opens the report of one of its
villages from the unit tree, reads the findings, charts and tables of the demo's months, and
downloads the Word document, which opens and carries the village's name. Screenshot:
test-artifacts/analysis-report.png."""

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
