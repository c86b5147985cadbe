"""Links between the office's pages in the browser: the village officer clicks a meeting or an
activity in the office calendar and lands on that record's drawer (the page reads `?id=`); in the
ledgers, 查看 on an activity, a work log and a meeting opens that record's drawer too; closing
the drawer drops `id` from the address."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS

DRAWERS = {"meetings": "会议详情", "activities": "活动详情", "work-logs": "工作日志详情"}


def _lands_on_record(page: Any, part: str) -> None:
    page.wait_for_url(re.compile(rf"/office/{part}\?id=\d+"), timeout=15000)
    drawer = page.locator(".el-drawer", has_text=DRAWERS[part])
    expect(drawer).to_be_visible(timeout=15000)
    page.wait_for_timeout(600)  # the drawer's opening animation


def _close(page: Any, part: str) -> None:
    page.keyboard.press("Escape")
    page.wait_for_url(lambda u: "id=" not in u and f"/office/{part}" in u, timeout=15000)


def test_calendar_and_ledger_open_the_record(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/calendar")
    grid = page.locator("[data-test=office-calendar]")
    expect(grid.locator(".el-card__body")).to_be_visible(timeout=15000)
    page.wait_for_timeout(800)
    for part in ("meetings", "activities"):
        entry = grid.locator(f"a.zz-entry[href*='/office/{part}?id=']").first
        if entry.count() == 0:
            page.get_by_role("button", name="上月").click()
            page.wait_for_timeout(800)
            entry = grid.locator(f"a.zz-entry[href*='/office/{part}?id=']").first
        title = entry.get_attribute("title") or ""
        shot(page, f"office-links-calendar-{part}")
        entry.click()
        _lands_on_record(page, part)
        assert title.split(" ")[-1] in page.locator(".el-drawer").first.inner_text()
        shot(page, f"office-links-calendar-{part}-record")
        _close(page, part)
        page.goto(server + "/office/calendar")
        expect(grid.locator(".el-card__body")).to_be_visible(timeout=15000)
        page.wait_for_timeout(800)

    page.goto(server + "/office/ledgers")
    expect(page.locator("[data-test=ledger-title]")).to_contain_text("会议台账", timeout=15000)
    for label, part in (("活动", "activities"), ("工作日志", "work-logs"), ("会议", "meetings")):
        page.locator("[data-test=ledger-kind]").click()
        page.locator(".el-select-dropdown__item", has_text=re.compile(rf"^{label}(台账)?$")).click()
        expect(page.locator("[data-test=ledger-title]")).to_contain_text(label, timeout=15000)
        link = page.locator(f"[data-test=ledger-table] a[href*='/office/{part}?id=']").first
        if link.count() == 0:  # early in a month: nothing of this kind yet
            continue
        shot(page, f"office-links-ledger-{part}")
        link.click()
        _lands_on_record(page, part)
        shot(page, f"office-links-ledger-{part}-record")
        page.go_back()
        expect(page.locator("[data-test=ledger-title]")).to_be_visible(timeout=15000)
    ctx.close()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_work_log_takes_a_pdf_and_its_drawer_links_it(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/work-logs")
    expect(page.locator("[data-test=worklog-list] .el-table__row").first).to_be_visible(timeout=15000)
    page.locator("[data-test=worklog-new]").click()
    dialog = page.locator(".el-dialog").filter(has_text="写工作日志").last
    title = f"排查材料{int(time.time()) % 100000}"
    dialog.locator("input[data-test=worklog-title], [data-test=worklog-title] input").first.fill(title)
    dialog.locator("textarea[data-test=worklog-content], [data-test=worklog-content] textarea").first.fill("附排查表")
    dialog.locator("[data-test=office-upload] input[type=file]").set_input_files(
        {"name": "排查表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    expect(dialog.locator(".el-upload-list__item.is-success")).to_have_count(1, timeout=15000)
    expect(dialog.get_by_text("排查表.pdf")).to_be_visible()
    shot(page, "office-links-worklog-pdf-form")
    dialog.locator("[data-test=worklog-submit]").click()
    row = page.locator("[data-test=worklog-list] .el-table__row", has_text=title)
    expect(row).to_have_count(1, timeout=15000)
    row.locator("td").first.click()
    drawer = page.locator(".el-drawer", has_text="工作日志详情")
    expect(drawer.get_by_role("link", name="排查表.pdf")).to_be_visible(timeout=15000)
    page.wait_for_timeout(600)
    shot(page, "office-links-worklog-pdf-detail")
    ctx.close()
