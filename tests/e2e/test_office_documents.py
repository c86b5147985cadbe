"""Documents in the browser (issue 16, the walk's first part): the township sends a notice to
three villages through the console's form; two villages sign it on time, the third after its
limit (moved into the past in the server's database); the township opens the sign-off status
page and sees the late one marked 超时, and filters to it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console
from .test_phone_notices import _token

pytestmark = BROWSER_MARKS

VILLAGES = [("320111003001", "冯墙社区", "village_officer"), ("320111003002", "泰冯社区", "officer_320111003002"),
            ("320111003003", "路西社区", "officer_320111003003")]  # fmt: skip


def _settled(page: Any, name: str) -> None:
    """A screenshot once the page's loading masks and tag transitions are over."""
    expect(page.locator(".el-loading-mask:visible")).to_have_count(0, timeout=15000)
    page.wait_for_timeout(600)
    shot(page, name)


def _database(tmp_path_factory: Any) -> Any:
    return max(tmp_path_factory.getbasetemp().glob("**/zongzhi.sqlite3"), key=lambda p: p.stat().st_mtime)


def test_township_sends_a_notice_and_sees_the_late_village(server: str, browser: Any, tmp_path_factory: Any) -> None:
    title = f"关于开展冬季矛盾纠纷排查的通知{int(time.time()) % 100000}"
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/office/documents?box=sent")
    expect(page.locator("[data-test=document-table]")).to_be_visible(timeout=15000)
    _settled(page, "office-documents-1-sent-list")
    page.locator("[data-test=new-document]").click()
    dialog = page.locator(".el-dialog").last
    expect(dialog.get_by_text("沿江街道通知")).to_be_visible(timeout=10000)  # the derived 文件类别
    dialog.locator("input[data-test=title], [data-test=title] input").first.fill(title)
    dialog.locator("input[data-test=number], [data-test=number] input").first.fill(
        f"沿综通〔{dt.date.today().year}〕{int(time.time()) % 1000}号"
    )
    units = dialog.locator("[data-test=units]")
    for _code, name, _user in VILLAGES:
        units.click()
        units.locator("input").last.fill(name)
        node = page.locator(".el-tree-select__popper .el-tree-node__content", has_text=name).first
        expect(node).to_be_visible(timeout=10000)
        node.locator(".el-checkbox").click()
    expect(dialog.get_by_text("已选 3 个单位")).to_be_visible()
    dialog.locator(".el-dialog__header").click()  # close the dropdown
    _settled(page, "office-documents-2-form")
    dialog.locator("[data-test=issue]").click()
    page.wait_for_url(lambda u: "/office/documents/" in u, timeout=15000)
    document_id = int(page.url.rstrip("/").split("/")[-1])
    expect(page.locator("[data-test=status-counts]")).to_contain_text("未签收 3", timeout=15000)

    # Two villages sign within the limit; the third's limit passes before it signs.
    for _code, _name, username in VILLAGES[:2]:
        _api(server, f"/api/office/documents/{document_id}/sign", _token(server, username), {})
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(_database(tmp_path_factory)) as conn:
        changed = conn.execute(
            "UPDATE office_documentrecipient SET sign_due_at = ? WHERE document_id = ? AND unit_id ="
            " (SELECT id FROM units_unit WHERE code = ?)",
            (past, document_id, VILLAGES[2][0]),
        ).rowcount
    assert changed == 1
    late_village = _token(server, VILLAGES[2][2])
    inbox = _api(server, "/api/office/documents?box=inbox&status=late", late_village)
    assert document_id in [i["id"] for i in inbox["items"]]
    signed = _api(server, f"/api/office/documents/{document_id}/sign", late_village, {})
    assert signed["my_row"]["late"] is True

    page.reload()
    status = page.locator("[data-test=status-table]")
    expect(status.locator(".el-table__row")).to_have_count(3, timeout=15000)
    expect(page.locator("[data-test=status-counts]")).to_contain_text("已签收 3")
    expect(page.locator("[data-test=status-counts]")).to_contain_text("超时 1")
    late_row = status.locator(".el-table__row", has=page.locator("[data-test=late-tag]"))
    expect(late_row).to_have_count(1)
    expect(late_row).to_contain_text("路西社区")
    _settled(page, "office-documents-3-status")
    page.locator("[data-test=status-filter]").get_by_text("超时", exact=True).click()
    expect(status.locator(".el-table__row")).to_have_count(1, timeout=10000)
    expect(status.locator(".el-table__row").first).to_contain_text("路西社区")
    _settled(page, "office-documents-4-status-late")
    page.goto(server + "/office/documents?box=sent")
    row = page.locator("[data-test=document-table] .el-table__row", has_text=title)
    expect(row).to_contain_text("3/3 已签收", timeout=15000)
    expect(row).to_contain_text("超时 1")
    _settled(page, "office-documents-5-sent-late")
    page.goto(server + "/office/documents?box=receipts")
    expect(page.locator("[data-test=receipts] .el-table__row", has_text="路西社区")).to_be_visible(timeout=15000)
    _settled(page, "office-documents-6-receipts")
    ctx.close()

    # The village's in-tray: the notice signed, the demo's earlier ones beside it.
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/documents")
    row = page.locator("[data-test=document-table] .el-table__row", has_text=title)
    expect(row).to_contain_text("已签收", timeout=15000)
    _settled(page, "office-documents-7-village-inbox")
    row.click()
    expect(page.locator("[data-test=my-receipt]")).to_contain_text("李娜", timeout=15000)
    _settled(page, "office-documents-8-village-detail")
    ctx.close()
