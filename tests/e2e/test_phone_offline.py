"""The phone without a signal: the app opens from its offline shell, the report form opens
with its categories, and the report waits on the phone and reaches the server once.

The phone opened the app once with a signal (the service worker installed itself and the app
kept the categories and the login); everything after that starts offline.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"
TITLE = "钱断网与孙断网的邻里纠纷"


def _reports(server: str, token: str) -> list[dict[str, Any]]:
    query = urllib.parse.urlencode({"box": "all", "q": TITLE, "limit": 50})
    return [c for c in _api(server, f"/api/cases?{query}", token)["items"] if c["title"] == TITLE]


def test_the_report_form_opens_and_queues_offline_from_the_first_tap(server: str, browser: Any) -> None:
    token = _api(server, "/api/auth/login", body={"username": "grid_worker", "password": PASSWORD, "client": "token"})[
        "token"
    ]
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(
        f"localStorage.getItem('zongzhi.m.token') || localStorage.setItem('zongzhi.m.token', '{token}')"
    )
    page = ctx.new_page()
    page.goto(server + "/m/")
    expect(page.get_by_text("上报事件").first).to_be_visible(timeout=15000)
    # the shell is installed and in control, and the form's data is kept
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )
    page.wait_for_function("() => localStorage.getItem('zongzhi.m.seen.event_category') !== null", timeout=10000)
    page.close()

    ctx.set_offline(True)
    page = ctx.new_page()
    page.goto(server + "/m/")  # no signal from here on: the app comes from the shell
    report = page.get_by_role("link", name="上报事件").or_(page.get_by_role("button", name="上报事件"))
    expect(report.first).to_be_visible(timeout=15000)
    shot(page, "offline-1-home")
    report.first.click()
    page.get_by_placeholder("选择事件类别").click()
    page.locator(".van-cascader").get_by_text("矛盾纠纷", exact=True).click()
    page.locator(".van-cascader").get_by_text("邻里纠纷", exact=True).click()
    page.get_by_placeholder("姓名").nth(0).fill("钱断网")
    page.get_by_placeholder("姓名").nth(1).fill("孙断网")
    page.get_by_role("button", name="生成标题").click()
    shot(page, "offline-2-form")
    page.get_by_role("button", name="提交").click()
    page.wait_for_function(
        "() => (localStorage.getItem('zongzhi.m.reportQueue') || '').includes('钱断网')", timeout=10000
    )
    shot(page, "offline-3-queued")
    assert not _reports(server, token), "nothing reached the server while offline"

    ctx.set_offline(False)
    page.wait_for_function(
        "() => !(localStorage.getItem('zongzhi.m.reportQueue') || '').includes('钱断网')", timeout=20000
    )
    assert len(_reports(server, token)) == 1, "the queued report arrived once"
    ctx.close()
