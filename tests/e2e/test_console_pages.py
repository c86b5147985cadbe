"""Pages a user may not open, or that do not exist: a 无权访问 page (and an audit entry) and
a 页面不存在 page, instead of a silent jump to the home page."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def test_a_refused_page_says_so_and_is_audited_and_an_unknown_one_says_not_found(
    server: str, browser: Any, tmp_path_factory: Any
) -> None:
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/audit")
    expect(page.get_by_text("无权访问").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("已记入审计日志")).to_be_visible()
    shot(page, "pages-1-forbidden")
    page.goto(server + "/no/such/page")
    expect(page.get_by_text("页面不存在").first).to_be_visible(timeout=15000)
    shot(page, "pages-2-not-found")
    page.get_by_role("button", name="返回工作台").click()
    page.wait_for_url(server + "/", timeout=10000)
    ctx.close()

    # the server wrote the refused attempt (read from its database file, as the auditor's page would show it)
    db = max(tmp_path_factory.getbasetemp().glob("**/zongzhi.sqlite3"), key=lambda p: p.stat().st_mtime)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT username, detail FROM audit_auditlog WHERE action = 'permission.denied' ORDER BY id DESC"
        ).fetchall()
    assert any(user == "village_officer" and json.loads(detail).get("page") == "/audit" for user, detail in rows)


def test_the_village_home_page_counts_the_grids_below_not_itself(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/")
    stats = page.locator(".zz-stats")
    expect(stats).to_be_visible(timeout=15000)
    expect(stats.get_by_text("网格数")).to_be_visible()
    expect(stats.get_by_text("村（社区）数")).to_have_count(0)  # not "1 村（社区）数" for itself
    expect(page.locator(".el-descriptions").get_by_text("上次登录")).to_be_visible()
    shot(page, "pages-3-village-home")
    ctx.close()
