"""The grid worker reads their notices on the phone: the village finished their report and
asks them to confirm (办件待确认); opening the notice marks it read and shows the case."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def _token(server: str, username: str) -> str:
    body = {"username": username, "password": PASSWORD, "client": "token"}
    return str(_api(server, "/api/auth/login", body=body)["token"])


def test_the_grid_worker_reads_a_notice_to_confirm_on_the_phone(server: str, browser: Any) -> None:
    worker, village = _token(server, "grid_worker"), _token(server, "village_officer")
    occurred = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    report = {"kind": "event", "title": "周某某与吴某某的邻里纠纷", "category_code": "0102", "occurred_at": occurred}
    case = _api(server, "/api/cases", worker, report)["case"]
    case = _api(server, f"/api/cases/{case['id']}/actions/accept", village, {"version": case["version"]})
    body = {"version": case["version"], "result": "双方已达成调解协议"}
    _api(server, f"/api/cases/{case['id']}/actions/complete", village, body)

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{worker}')")
    page = ctx.new_page()
    page.goto(server + "/m/")
    notices = page.locator(".van-cell", has_text="消息")
    expect(notices.get_by_text(re.compile(r"\d+ 条未读"))).to_be_visible(timeout=15000)
    shot(page, "phone-notices-1-home")
    notices.click()
    item = page.locator(".van-cell", has_text="办件待确认").filter(has_text="周某某与吴某某的邻里纠纷")
    expect(item).to_be_visible(timeout=10000)
    expect(item).to_have_class(re.compile("zz-m-unread"))
    shot(page, "phone-notices-2-list")
    item.click()
    page.wait_for_url(f"**/m/cases/{case['id']}", timeout=10000)
    expect(page.get_by_text("周某某与吴某某的邻里纠纷").first).to_be_visible(timeout=10000)
    unread = _api(server, "/api/notifications?unread=true&limit=100", worker)["items"]
    assert case["id"] not in [n["case_id"] for n in unread], "the opened notice is read"
    ctx.close()
