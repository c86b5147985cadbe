"""What the console shows to whom (issue 14): division codes and paths to the administrators only,
the audit log in Chinese for the auditor, and the account form's mistakes all at once.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, PASSWORD, admin_console, shot
from .test_case_walk import _api, _console
from .test_console_tables import _fits

pytestmark = BROWSER_MARKS

DOTTED_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")  # visit.recorded, case.created, auth.login
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")  # next_visit_on, visit_count


def _open_township(page: Any, server: str) -> None:
    page.goto(server + "/units")
    # the header's unit picker holds a hidden copy of the tree: the page's own one is clicked
    page.locator(".el-tree-node__content:visible", has_text="沿江街道").first.click()
    expect(page.locator(".zz-unit-name", has_text="沿江街道")).to_be_visible(timeout=15000)
    village = page.locator(".el-table__row", has_text="冯墙社区居委会")
    expect(village.get_by_text("村（社区）")).to_be_visible(timeout=15000)
    page.wait_for_timeout(500)  # the tags fade in


def test_division_codes_and_paths_show_to_administrators_only(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "township_officer")
    _open_township(page, server)
    shot(page, "admin-views-1-township-unit")
    facts = page.locator(".el-descriptions")
    expect(facts.get_by_text("层级", exact=True)).to_be_visible()
    expect(facts.get_by_text("代码", exact=True)).to_have_count(0)
    expect(facts.get_by_text("路径", exact=True)).to_have_count(0)
    expect(page.locator(".el-table__header").get_by_text("代码", exact=True)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^320111003\d*$"))).to_have_count(0)  # no code, no path
    _fits(page)
    ctx.close()

    ctx, page = admin_console(browser, server, "sysadmin")
    _open_township(page, server)
    shot(page, "admin-views-2-sysadmin-unit")
    facts = page.locator(".el-descriptions")
    expect(facts.get_by_text("代码", exact=True)).to_be_visible()
    expect(facts.get_by_text("320111003000", exact=True)).to_be_visible()
    expect(facts.get_by_text("路径", exact=True)).to_be_visible()
    expect(facts.get_by_text("320111003", exact=True)).to_be_visible()
    expect(page.locator(".el-table__header").get_by_text("代码", exact=True)).to_be_visible()
    expect(page.locator(".el-table__row", has_text="冯墙社区居委会").get_by_text("320111003001")).to_be_visible()
    _fits(page)
    ctx.close()


def test_the_auditor_reads_the_log_in_chinese(server: str, browser: Any) -> None:
    # the grid worker records a visit with its next date: one event and one field change
    token = _api(server, "/api/auth/login", body={"username": "grid_worker", "password": PASSWORD, "client": "token"})[
        "token"
    ]
    listing = _api(server, "/api/registry/categories?limit=1", token)["items"][0]
    # not before the last visit (so the next date moves), not after the server's today
    on = max(listing["last_visit_on"] or "", dt.date.today().isoformat())
    visit = {"visited_on": on, "method": "home", "content": "上门走访，情况稳定。", "next_visit_on": "2027-01-20"}
    _api(server, f"/api/registry/categories/{listing['id']}/visits", token, body=visit)

    ctx, page = admin_console(browser, server, "auditor")
    page.goto(server + "/audit")
    rows = page.locator(".el-table__row")
    expect(rows.filter(has_text="auditor").first).to_be_visible(timeout=15000)  # the newest: this login
    page.locator(".el-form-item", has_text="用户名").locator("input").fill("grid_worker")
    page.get_by_role("button", name="查询").click()
    expect(rows.filter(has_not_text="grid_worker")).to_have_count(0, timeout=15000)  # the search applied
    expect(rows.filter(has_text="记录走访服务")).to_have_count(1)
    page.wait_for_timeout(600)  # the loading veil and the tags fade
    shot(page, "admin-views-3-audit-rows")
    texts = rows.all_inner_texts()
    assert len(texts) >= 2  # the event and its field change at least
    for text in texts:
        assert not DOTTED_CODE.search(text), f"a row shows an action code: {text!r}"
        assert not FIELD_NAME.search(text.replace("grid_worker", "")), f"a row shows a field name: {text!r}"
    units = rows.locator("td:nth-child(6)").all_inner_texts()  # 单位
    assert units and all(re.search(r"[\u4e00-\u9fff]", u) and not re.search(r"\d{6}", u) for u in units), units

    # the field change, opened: the fields by their Chinese names
    change = rows.filter(has_text="变更记录").filter(has_text="重点人员").first
    change.locator(".el-table__expand-icon").click()
    changes = page.locator(".zz-changes")
    expect(changes).to_be_visible()
    shot(page, "admin-views-4-audit-change")
    fields = changes.locator("tbody td:first-child").all_inner_texts()
    assert fields and all(re.search(r"[\u4e00-\u9fff]", f) for f in fields), fields
    assert not FIELD_NAME.search(changes.inner_text()), changes.inner_text()
    expect(changes.get_by_text("2027-01-20")).to_be_visible()
    ctx.close()


def test_the_account_form_tells_every_mistake_at_once(server: str, browser: Any) -> None:
    ctx, page = admin_console(browser, server, "sysadmin")
    saves: list[str] = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" and r.url.endswith("/api/users") else None)
    page.goto(server + "/system/users")
    page.get_by_role("button", name="新增用户").click()
    dialog = page.locator(".el-dialog", has_text="新增用户")
    expect(dialog).to_be_visible()

    def item(label: str) -> Any:
        return dialog.locator(".el-form-item").filter(has=page.get_by_text(label, exact=True))

    item("用户名").locator("input").fill("王")  # not letters and digits
    item("姓名").locator("input").fill("  ")  # blank
    item("手机号码").locator("input").fill("12345")  # not a mobile number
    item("初始密码").locator("input").fill("abc")  # too short and simple
    dialog.get_by_role("button", name="保存").click()
    for label in ("用户名", "姓名", "手机号码", "初始密码"):
        expect(item(label).locator(".el-form-item__error")).to_be_visible(timeout=10000)
    expect(item("所属单位").locator(".el-form-item__error")).to_have_count(0)
    shot(page, "admin-views-5-account-form")
    assert len(saves) == 1, "all four mistakes came back from one save"
    expect(dialog).to_be_visible()
    ctx.close()
