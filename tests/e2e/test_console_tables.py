"""The console's long tables at 1440 px: every column shows without a sideways scroll bar, and
each list says how many rows it holds."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, admin_console, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS

OVERFLOW = """() => [...document.querySelectorAll('.el-table__body-wrapper .el-scrollbar__wrap, .el-table__body-wrapper')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => el.scrollWidth - el.clientWidth)"""


def _fits(page: Any) -> None:
    overflow = page.evaluate(OVERFLOW)
    assert overflow and max(overflow) <= 1, f"the table scrolls sideways by {max(overflow)} px"


def test_the_case_and_facility_tables_fit_1440_px_and_count_their_rows(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "county_officer")
    page.goto(server + "/cases?box=all")
    expect(page.locator(".el-table__row").first).to_be_visible(timeout=15000)
    expect(page.locator(".zz-total")).to_be_visible(timeout=10000)  # 共 N 条 / 超过 1000 条
    shot(page, "tables-1-cases-1440")
    for label in ("督办", "发起时间"):
        expect(page.locator(".el-table__header").get_by_text(label, exact=True)).to_be_in_viewport()
    _fits(page)
    ctx.close()

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/places/facilities")
    expect(page.locator(".el-table__row").first).to_be_visible(timeout=15000)
    shot(page, "tables-2-facilities-1440")
    _fits(page)
    ctx.close()


def test_the_users_table_fits_1440_px_with_the_last_login_in_view(server: str, browser: Any) -> None:
    ctx, page = admin_console(browser, server, "sysadmin")
    page.goto(server + "/system/users")
    expect(page.locator(".el-table__row").first).to_be_visible(timeout=15000)
    expect(page.locator(".el-table__row", has_text="sysadmin").get_by_text("系统管理员")).to_be_visible()
    page.wait_for_timeout(500)  # the tags fade in
    shot(page, "tables-3-users-1440")
    for label in ("最近登录", "操作"):
        expect(page.locator(".el-table__header").get_by_text(label, exact=True).first).to_be_in_viewport()
    # sysadmin has just logged in: the row's 最近登录 shows in full, not cut at the edge
    minute = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
    stamp = page.locator(".el-table__row", has_text="sysadmin").get_by_text(minute)
    expect(stamp).to_be_in_viewport(ratio=1)
    expect(page.locator(".el-pagination__total")).to_have_text(re.compile(r"共 \d+ 条"))
    _fits(page)
    ctx.close()
