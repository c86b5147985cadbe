"""Terminals, the confidentiality agreement and duty logins in the browser.

1. A newcomer who received a phone today logs in on the phone: the agreement comes first, they
   agree, the home page opens (phone viewport).
2. The township opens 在岗情况: who has not logged in today comes first; the newcomer has.
3. The village officer reports the newcomer's phone lost in 终端管理: the phone's session ends
   at once (the next page on the phone goes back to the login).

Screenshots go to test-artifacts/field-terminals-*.png.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, admin_console, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def _status(base: str, path: str, token: str) -> int:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_agreement_at_first_login_duty_view_and_a_lost_phone(server: str, browser: Any) -> None:
    # 1. the newcomer on the phone
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.goto(server + "/m/login")
    page.fill("input[name=username]", "grid_new")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/m/agreement", timeout=15000)
    expect(page.get_by_text("综治信息系统应用安全保密协议")).to_be_visible(timeout=10000)
    expect(page.get_by_text("专人管理、专线连接、专机专用", exact=False)).to_be_visible()
    shot(page, "field-terminals-1-phone-agreement")
    token = page.evaluate("localStorage.getItem('zongzhi.m.token')")
    assert _status(server, "/api/units/roots", token) == 403  # the API waits for the signature too
    # the console holds them back the same way, after login
    pc, desk = _console(browser, server, "grid_new")
    desk.wait_for_url("**/agreement**", timeout=15000)
    expect(desk.locator("[data-test=agreement-gate]")).to_contain_text("我已阅读并同意")
    shot(desk, "field-terminals-1b-console-agreement-gate")
    page.locator("[data-test=m-agreement-agree]").click()
    page.wait_for_url(lambda u: u.rstrip("/").endswith("/m"), timeout=15000)
    assert _status(server, "/api/units/roots", token) == 200
    shot(page, "field-terminals-2-phone-home-after-signing")
    desk.goto(server + "/")  # signed on the phone: the console lets them in too
    desk.wait_for_url(lambda u: "/agreement" not in u and "/login" not in u, timeout=15000)
    pc.close()

    # 2. the township: who has not logged in today
    ctx, console = _console(browser, server, "township_officer")
    console.goto(server + "/field/duty")
    workers = console.locator("[data-test=duty-workers] .el-table__row")
    expect(workers.first).to_be_visible(timeout=15000)
    expect(workers.first).to_contain_text("未登录")
    expect(console.locator("[data-test=duty-workers] .el-table__row", has_text="孙新")).to_contain_text("已登录")
    shot(console, "field-terminals-3-township-duty-today")
    console.get_by_role("tab", name="月度在岗").click()
    expect(console.locator("[data-test=duty-month] .el-table__row").first).to_contain_text("%", timeout=15000)
    console.wait_for_timeout(500)  # the tags fade in
    shot(console, "field-terminals-4-township-duty-month")
    ctx.close()

    # 3. the village officer reports the newcomer's phone lost
    ctx, console = _console(browser, server, "village_officer")
    console.goto(server + "/field/terminals")
    row = console.locator("[data-test=terminal-list] .el-table__row", has_text="FQ-SJ-0009")
    expect(row).to_be_visible(timeout=15000)
    shot(console, "field-terminals-5-register")
    row.click()
    drawer = console.locator("[data-test=terminal-detail]")
    expect(drawer).to_contain_text("孙新")
    expect(drawer).to_contain_text("已绑定")  # bound at the newcomer's first login
    console.locator("[data-test=terminal-step-lost]").click()
    dialog = console.locator(".el-dialog", has_text="挂失终端")
    expect(dialog).to_contain_text("所有登录会话立即失效")
    dialog.locator("[data-test=terminal-step-confirm]").click()
    expect(dialog.locator(".el-form-item__error")).to_be_visible()  # the note is required, shown by the field
    dialog.locator("textarea").fill("入户途中遗失，已报告社区")
    shot(console, "field-terminals-6-lost-dialog")
    dialog.locator("[data-test=terminal-step-confirm]").click()
    expect(console.locator("[data-test=terminal-detail]")).to_contain_text("已挂失", timeout=10000)
    expect(console.locator("[data-test=terminal-history]")).to_contain_text("挂失")
    shot(console, "field-terminals-7-lost-history")
    ctx.close()

    # the phone's session ended at once
    assert _status(server, "/api/auth/me", token) == 401
    page.goto(server + "/m/cases")
    page.wait_for_url("**/m/login", timeout=15000)
    shot(page, "field-terminals-8-phone-back-to-login")
    # and the lost phone does not log in again
    page.fill("input[name=username]", "grid_new")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.get_by_text("该手机终端已挂失")).to_be_visible(timeout=10000)
    phone.close()

    # the administrator's page: the text in force and who signed which version
    ctx, admin = admin_console(browser, server, "sysadmin")
    admin.goto(server + "/field/agreement")
    expect(admin.locator("[data-test=agreement-form] textarea")).to_have_value(re.compile("专人管理"), timeout=15000)
    shot(admin, "field-terminals-9-admin-agreement")
    admin.get_by_role("tab", name="签署情况").click()
    expect(admin.locator("[data-test=agreement-signers] .el-table__row", has_text="孙新")).to_contain_text("已签署")
    admin.wait_for_timeout(500)  # the tags fade in
    shot(admin, "field-terminals-10-admin-signers")
    ctx.close()
