"""The dispute report and risk assessments in the browser: the village officer opens last month's
report (its figures pre-filled from the cases), corrects one with a note and submits; the
township sees the village as reported, the combined table and a village that has not reported
highlighted; then it registers a risk assessment and moves it through two steps, one with a file.
Screenshots go to test-artifacts/office-disputes-*.png."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_village_corrects_and_submits_and_the_township_sees_it(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/disputes")
    mine = page.locator("[data-test=dispute-mine]")
    draft_row = mine.locator(".el-table__row").first
    expect(draft_row.get_by_text("草稿")).to_be_visible(timeout=15000)
    shot(page, "office-disputes-1-village-periods")
    draft_row.get_by_role("button", name="继续填报").click()
    form = page.locator("[data-test=dispute-form]")
    expect(form).to_be_visible(timeout=15000)
    expect(page.get_by_text("数字已按本单位辖区内上报的矛盾纠纷事件自动统计")).to_be_visible()
    total = page.locator("[data-test=fig-0102-total] input")
    before = int(total.input_value())
    total.fill(str(before + 1))
    total.press("Tab")
    expect(page.get_by_text(f"系统统计：{before}")).to_be_visible()
    expect(page.get_by_text("已修改 1 处系统统计数字")).to_be_visible()
    page.locator("textarea[data-test=dispute-notes]").fill("另有一起邻里纠纷由村调委会当场调处，已补入")
    shot(page, "office-disputes-2-village-form")
    page.locator("[data-test=dispute-submit]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(page.locator("[data-test=dispute-status]")).to_have_text(re.compile("已上报|逾期上报"))
    expect(form).to_have_count(0)
    expect(page.get_by_text("另有一起邻里纠纷由村调委会当场调处，已补入")).to_be_visible()
    expect(page.locator("[data-test=dispute-figures]").get_by_text(f"系统统计：{before}")).to_be_visible()
    shot(page, "office-disputes-3-village-submitted")
    ctx.close()

    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/office/disputes")
    children = page.locator("[data-test=dispute-children]")
    village = children.locator(".el-table__row", has_text="冯墙社区")
    expect(village.get_by_text(re.compile("已上报|逾期上报"))).to_be_visible(timeout=15000)
    expect(village.get_by_text("李娜")).to_be_visible()
    missing = children.locator(".el-table__row.zz-row-missing", has_text="未填报")
    expect(missing.first).to_be_visible()
    combined = page.locator("[data-test=dispute-combined]")
    expect(combined.get_by_text("邻里纠纷")).to_be_visible()
    expect(combined.get_by_text("合计")).to_be_visible()
    expect(page.locator("[data-test=dispute-remind]")).to_be_visible()
    page.locator("[data-test=dispute-overview]").scroll_into_view_if_needed()
    shot(page, "office-disputes-4-township-overview")

    title = f"浏览器测试评估{int(time.time())}"
    page.goto(server + "/office/risks")
    risk_list = page.locator("[data-test=risk-list]")
    expect(risk_list.get_by_text("滨江片区老旧小区改造项目")).to_be_visible(timeout=15000)
    expect(risk_list.get_by_text("已撤回").first).to_be_visible()
    expect(risk_list.get_by_text("中风险")).to_be_visible()
    expect(page.locator("[data-test=risk-list] .el-loading-mask")).to_have_count(0)
    page.wait_for_timeout(300)
    shot(page, "office-disputes-5-risk-list")
    page.locator("[data-test=risk-create]").click()
    page.locator("input[data-test=risk-title]").fill(title)
    page.locator("[data-test=risk-register]").click()
    expect(page.locator("[data-test=risk-detail]").get_by_text(title)).to_be_visible(timeout=15000)
    nxt = page.locator("[data-test=risk-next]")
    expect(nxt.get_by_text("完成下一步：确定评估事项")).to_be_visible()
    page.locator("textarea[data-test=risk-note]").fill("经街道党工委研究确定开展评估")
    page.locator("[data-test=risk-complete]").click()
    expect(nxt.get_by_text("完成下一步：制定评估方案")).to_be_visible(timeout=10000)
    page.locator("textarea[data-test=risk-note]").fill("方案经评估小组讨论通过")
    page.locator("[data-test=risk-upload] input[type=file]").set_input_files(
        {"name": "评估方案.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    expect(page.locator("[data-test=risk-upload] .el-upload-list__item.is-success")).to_have_count(1, timeout=10000)
    page.locator("[data-test=risk-complete]").click()
    timeline = page.locator("[data-test=risk-timeline]")
    expect(nxt.get_by_text("完成下一步：组织调查")).to_be_visible(timeout=10000)
    expect(timeline.get_by_text("制定评估方案", exact=True)).to_be_visible()
    expect(timeline.get_by_role("link", name="评估方案.pdf")).to_be_visible()
    page.wait_for_timeout(3500)  # the success messages fade
    shot(page, "office-disputes-6-risk-steps")

    page.goto(server + "/office/risks")
    page.get_by_role("tab", name="各单位评估情况").click()
    expect(page.locator("[data-test=risk-counts]").get_by_text("沿江街道")).to_be_visible(timeout=10000)
    shot(page, "office-disputes-7-risk-counts")
    ctx.close()
