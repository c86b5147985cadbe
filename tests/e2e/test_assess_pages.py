"""The assessment pages in the browser, on the demo data.

1. The township opens 登录红灯: its villages and workers, this week and the weeks of the month.
2. 考评得分: the ranking of its villages for the month, then one village's sheet.
3. 人工评分: it scores a hand item of a village with a note and evidence; the sheet shows it.
4. The village officer opens 考评得分 and lands on its own sheet; the township's ranking is
   not theirs to see.

Screenshots go to test-artifacts/assess-*.png.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def test_red_lights_scores_sheet_and_hand_scoring(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "township_officer")
    # 1. the red light
    page.goto(server + "/assess/logins")
    units = page.locator("[data-test=lights-units]")
    expect(units).to_contain_text("冯墙社区居委会", timeout=15000)
    workers = page.locator("[data-test=lights-workers]")
    expect(workers).to_contain_text("张伟")
    expect(page.get_by_text("每周不少于 3 次", exact=False)).to_be_visible()
    page.locator("[data-test=lights-kind]").get_by_text("按月（各周）").click()
    expect(units.locator("thead")).to_contain_text("月", timeout=10000)
    expect(workers.locator(".el-tag--danger").first).to_be_visible()
    shot(page, "assess-redlights")

    # 2. the ranking, then a village's sheet
    page.goto(server + "/assess/scores")
    ranking = page.locator("[data-test=scores-ranking]")
    expect(ranking).to_contain_text("冯墙社区居委会", timeout=15000)
    expect(ranking.locator("thead")).to_contain_text("基础建设(14)")
    expect(page.locator("[data-test=scores-chart] canvas")).to_be_visible()
    shot(page, "assess-scores")
    ranking.get_by_text("冯墙社区居委会").click()
    page.wait_for_url("**/assess/scores/*", timeout=10000)
    expect(page.locator("[data-test=sheet-title]")).to_contain_text("冯墙社区居委会", timeout=15000)
    expect(page.locator("[data-test=sheet-section]")).to_have_count(6)
    expect(page.locator("[data-test=sheet-section]").first).to_contain_text("第六条 基础建设（14 分")
    shot(page, "assess-unit-sheet")

    # 3. hand scoring a village's item
    page.goto(server + "/assess/hand")
    table = page.locator("[data-test=hand-items]")
    expect(table).to_contain_text("建立保障体制", timeout=15000)
    row = table.locator("tr", has_text="6.2").first
    row.locator("[data-test=hand-edit]").click()
    dialog = page.locator(".el-dialog").last
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=hand-score] input").fill("1.5")
    dialog.locator("textarea").fill("未组织第二季度集中培训")
    dialog.get_by_placeholder("文件号、督查记录编号等").fill("督查记录第12号")
    dialog.locator("[data-test=hand-save]").click()
    expect(dialog).to_be_hidden(timeout=10000)
    row = table.locator("tr", has_text="6.2").first
    expect(row).to_contain_text("1.5")
    expect(row).to_contain_text("未组织第二季度集中培训")
    expect(row).to_contain_text("王强")
    shot(page, "assess-hand")
    ctx.close()

    # 4. the village sees its own sheet only
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/assess/scores")
    page.wait_for_url("**/assess/scores/*", timeout=15000)
    expect(page.locator("[data-test=sheet-title]")).to_contain_text("冯墙社区居委会", timeout=15000)
    expect(page.get_by_text("督查记录第12号", exact=False)).to_have_count(0)  # evidence is the assessor's page
    page.goto(server + "/assess/logins")
    expect(page.locator("[data-test=lights-workers]")).to_contain_text("李娜", timeout=15000)
    expect(page.locator("[data-test=lights-workers]")).not_to_contain_text("江浦")
    ctx.close()
