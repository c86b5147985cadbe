"""The grid worker records a visit on the phone, offline first, and it reaches the server once.

Also opens the console's resident list and a key person's page as the village officer.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, go_offline, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def test_a_visit_recorded_offline_on_the_phone_arrives_once(server: str, browser: Any) -> None:
    token = _api(server, "/api/auth/login", body={"username": "grid_worker", "password": PASSWORD, "client": "token"})[
        "token"
    ]
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token}')")
    page = ctx.new_page()
    page.goto(server + "/m/visits")
    due = page.locator(".zz-m-due").first
    expect(due).to_be_visible(timeout=15000)
    shot(page, "visit-1-due-list")
    due.click()
    page.wait_for_url(re.compile(r"/m/visits/\d+"), timeout=10000)
    category_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    before = _api(server, f"/api/registry/categories/{category_id}", token)["visit_count"]
    page.fill("textarea", "上门走访，本人在家，情绪稳定，监护人按时督促服药。")
    page.locator(".van-radio", has_text="上门走访").click()
    go_offline(ctx, page)
    page.locator("button[type=submit]").click()
    page.wait_for_timeout(1000)
    queued = page.evaluate("localStorage.getItem('zongzhi.m.visitQueue')") or ""
    assert "上门走访，本人在家" in queued, "the visit waits on the phone while offline"
    shot(page, "visit-2-queued-offline")
    ctx.set_offline(False)
    page.wait_for_function(
        "() => !(localStorage.getItem('zongzhi.m.visitQueue') || '').includes('本人在家')", timeout=20000
    )
    detail = _api(server, f"/api/registry/categories/{category_id}", token)
    assert detail["visit_count"] == before + 1
    assert detail["visits"][0]["content"].startswith("上门走访，本人在家")
    page.goto(f"{server}/m/visits/{category_id}")  # the person's page lists the visit, from the server
    expect(page.get_by_text("上门走访，本人在家").first).to_be_visible(timeout=10000)
    shot(page, "visit-3-sent")
    ctx.close()

    # the village officer sees the visit on the key person's page in the console
    ctx, page = _console(browser, server, "village_officer")
    page.goto(f"{server}/people/residents")
    expect(page.locator(".el-table__row").first).to_be_visible(timeout=15000)
    shot(page, "visit-4-console-residents")
    page.goto(f"{server}/people/categories/{category_id}")
    expect(page.get_by_text("上门走访，本人在家").first).to_be_visible(timeout=15000)
    shot(page, "visit-5-console-key-person")
    ctx.close()
