"""The duty's main path in a browser: the header shows who is on duty now (the demo's roster), a
township officer puts next week's shifts on the roster from a rotation; the statistics page
shows its tables; the phone shows the duty with its phone number. The log, the handover and the
receipt are walked through the API in alerts/tests/test_duty.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"
SHOTS = Path("/tmp/shots-duty")


def _shot(page: Any, name: str) -> None:
    shot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_township_officer_arranges_the_week_and_hands_over(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = ctx.new_page()
    page.goto(server + "/login")
    page.fill("input[autocomplete=username]", "township_officer")
    page.fill("input[type=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u, timeout=15000)

    # The demo's roster covers the month up to today: the header already says who is on duty.
    page.goto(server + "/alerts/duty")
    expect(page.locator("[data-test=on-duty]")).to_have_text(re.compile("今日值班："), timeout=15000)
    expect(page.locator("tr.zz-current-row")).to_have_count(1, timeout=15000)
    _shot(page, "duty-1-this-week")

    # The officer arranges next week, which is still empty, from a rotation.
    page.get_by_role("button", name="下一周").click()
    expect(page.locator(".el-table__body tr td", has_text="025-58881234")).to_have_count(0, timeout=15000)
    page.locator("[data-test=open-rotation]").click()
    dialog = page.locator(".el-dialog").last
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=officers]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="王强").first.click()
    dialog.locator(".el-dialog__title").click()  # close the dropdown
    dialog.locator("input[name=duty_phone]").fill("025-58881234")
    _shot(page, "duty-2-rotation")
    dialog.locator("[data-test=save-rotation]").click()
    expect(page.get_by_text("已排班 7 个班次")).to_be_visible(timeout=10000)
    expect(page.locator(".el-table__body tr", has_text="025-58881234")).to_have_count(7, timeout=10000)
    _shot(page, "duty-3-next-week")

    page.goto(server + "/alerts/stats")
    table = page.locator("[data-test=timeliness]")
    expect(table.get_by_text("维稳信息报送及时性")).to_be_visible(timeout=15000)
    expect(table.get_by_text("冯墙社区")).to_be_visible()
    _shot(page, "duty-4-stats")
    ctx.close()

    token = str(
        _api(server, "/api/auth/login", body={"username": "village_officer", "password": PASSWORD, "client": "token"})[
            "token"
        ]
    )
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    phone.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token}')")
    m = phone.new_page()
    m.goto(server + "/m/")
    m.locator("[data-test=duty-tile]").click()
    m.wait_for_url("**/m/duty", timeout=10000)
    expect(m.locator("a[href='tel:025-58881234']").first).to_be_visible(timeout=10000)
    _shot(m, "duty-5-phone")
    phone.close()
