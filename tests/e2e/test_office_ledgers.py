"""Ledgers, the office calendar and the rules in the browser: the village officer opens the
ledgers page, picks 会议 for this month, opens the monthly ledger's print view (title, columns,
page-number CSS, a PDF of at least one A4 page); the calendar shows this month with its entries;
the system administrator changes a rule and sees the range error for a bad value.

The demo's office records come from the other parts' demos (merged later); this test tolerates an
empty ledger and asserts what every ledger has: title, period and columns."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, admin_console, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS
SHOTS = Path("/tmp/shots-ledgers")


def _shot(page: Any, name: str) -> None:
    shot(page, f"office-ledgers-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _month_bounds() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def test_village_prints_its_monthly_ledger(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "village_officer")
    first, last = _month_bounds()
    page.goto(server + "/office/ledgers")
    title = page.locator("[data-test=ledger-title]")
    expect(title).to_contain_text("会议台账", timeout=15000)
    expect(title).to_contain_text("冯墙")
    # pick 会议 explicitly (the default) through the picker
    page.locator("[data-test=ledger-kind]").click()
    page.locator(".el-select-dropdown__item", has_text=re.compile(r"^会议台账$")).click()
    table = page.locator("[data-test=ledger-table]")
    for label in ("会议类别", "会议名称", "时间", "地点", "参加人员", "会议主题", "会议内容"):
        expect(table.locator("th", has_text=label).first).to_be_visible()
    expect(page.get_by_text(f"期间：{first.isoformat()} 至 {last.isoformat()}")).to_be_visible()
    _shot(page, "1-ledgers-page")

    page.locator("[data-test=print-monthly]").click()
    page.wait_for_url(re.compile(r"/office/ledgers/print\?.*mode=monthly"), timeout=15000)
    cover = page.locator("[data-test=ledger-cover]")
    expect(cover).to_contain_text(f"{first.strftime('%Y-%m')} 月度台账", timeout=15000)
    expect(cover).to_contain_text("会议台账")
    meetings = page.locator("section[data-kind=meetings]")
    expect(meetings.locator("h1")).to_contain_text("会议台账")
    expect(meetings).to_contain_text(f"期间：{first.isoformat()} 至 {last.isoformat()}")
    headers = meetings.locator("thead th").all_inner_texts()
    assert headers[1:8] == ["会议类别", "会议名称", "时间", "地点", "参加人员", "会议主题", "会议内容"]
    expect(meetings).to_contain_text("制表单位")
    # no console chrome; the print button is there on screen only
    assert page.locator(".el-aside, .zz-sidebar, .el-menu").count() == 0
    expect(page.locator("[data-test=print]")).to_be_visible()
    page_css = page.evaluate(
        """() => [...document.styleSheets].flatMap((s) => { try { return [...s.cssRules].map((r) => r.cssText) }
        catch (e) { return [] } }).filter((t) => t.startsWith('@page')).join(' ')"""
    )
    assert "counter(page)" in page_css and "landscape" in page_css
    sections = page.locator("section.sheet").count()
    assert sections >= 10  # the cover and every ledger
    _shot(page, "2-monthly-print")
    page.emulate_media(media="print")
    expect(page.locator("[data-test=print]")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= sections  # a page break before every ledger
    (SHOTS / "monthly.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")

    page.goto(server + "/office/calendar")
    grid = page.locator("[data-test=office-calendar]")
    expect(grid.locator(f"[data-day='{first.isoformat()}']")).to_be_visible(timeout=15000)
    expect(page.locator("[data-test=calendar-counts]")).to_contain_text(first.strftime("%Y-%m"))
    # this month holds last month's dispute report's deadline unless the demo submitted it, and
    # the demo's meetings and activities; early in a month they may all lie in the month before
    if grid.locator(".zz-entry").count() == 0:
        page.get_by_role("button", name="上月").click()
        expect(page.locator("[data-test=calendar-counts]")).to_contain_text(
            (first - dt.timedelta(days=1)).strftime("%Y-%m"), timeout=15000
        )
    expect(grid.locator(".zz-entry").first).to_be_visible(timeout=15000)
    _shot(page, "3-calendar")
    ctx.close()


def test_sysadmin_changes_a_rule_and_sees_the_range(server: str, browser: Any) -> None:
    ctx, page = admin_console(browser, server, "sysadmin")
    page.goto(server + "/office/rules")
    row = page.locator("[data-rule=activity_monthly_minimum]")
    expect(row).to_be_visible(timeout=15000)
    box = row.locator("input")
    box.fill("12")
    box.press("Tab")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存“每月工作活动记录最少条数”")).to_be_visible(timeout=10000)
    expect(box).to_have_value("12")
    meeting = page.locator("[data-rule=meeting_entry_days]")
    meeting.locator("input").fill("120")
    meeting.locator("input").press("Tab")
    meeting.get_by_role("button", name="保存").click()
    error = page.locator("[data-test=rule-error]")
    expect(error).to_contain_text("应在1到90之间", timeout=10000)
    _shot(page, "4-rules")
    ctx.close()
