"""The daily must-do list in the browser: the grid worker's phone shows the day's list from the
home page's card, keeps it for a day without a signal, queues a manual tick offline and shows it
as waiting, sends it once back online and shows it done; the township sees the worker's
completion on the console's board, by day and by month."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"
DOC_TITLE = "关于开展节前安全大检查的通知"


def _token(server: str, username: str) -> str:
    body = {"username": username, "password": PASSWORD, "client": "token"}
    return str(_api(server, "/api/auth/login", body=body)["token"])


def test_the_worker_works_the_days_list_offline_and_the_township_sees_it(server: str, browser: Any) -> None:
    worker = _token(server, "grid_worker")
    me = _api(server, "/api/auth/me", worker)["user"]
    grid = next(u for u in me["capture_scope"] if u["level"] == "grid")
    village = _token(server, "village_officer")
    sent = _api(
        server, "/api/office/documents", village, {"kind": "notice", "title": DOC_TITLE, "user_ids": [me["id"]]}
    )
    assert sent["id"]

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(
        f"localStorage.getItem('zongzhi.m.token') || localStorage.setItem('zongzhi.m.token', '{worker}')"
    )
    page = ctx.new_page()
    page.goto(server + "/m/")
    card = page.locator("[data-test=m-today-card]")
    expect(card).to_contain_text("今日必办", timeout=15000)
    expect(page.locator("[data-test=m-patrol-tile]")).to_be_visible()
    expect(page.locator("[data-test=m-capture-tile]")).to_be_visible()
    page.wait_for_function("() => localStorage.getItem('zongzhi.m.seen.mustdo.today') !== null", timeout=15000)
    shot(page, "mustdo-1-phone-home")
    card.click()
    expect(page.locator("[data-test=m-today-progress]")).to_be_visible(timeout=15000)
    doc = page.locator("[data-kind=document] .van-cell", has_text=DOC_TITLE)
    expect(doc).to_be_visible()
    before = _api(server, "/api/field/must-do/mine", worker)
    assert before["total"] >= 2 and before["done"] < before["total"]
    shot(page, "mustdo-2-phone-list")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )

    # no signal: the list opens from the phone's copy, the tick waits on the phone
    ctx.set_offline(True)
    page.reload()
    expect(page.locator("[data-test=m-today-offline]")).to_be_visible(timeout=15000)
    doc = page.locator("[data-kind=document] .van-cell", has_text=DOC_TITLE)
    doc.locator("[data-test=m-today-tick]").click()
    page.locator(".van-dialog").get_by_role("button", name="确认").click()
    expect(page.locator(".van-dialog")).to_contain_text("请填写完成情况说明")  # the note is required
    page.locator("[data-test=m-today-note] textarea").fill("已阅，待社区电脑签收")
    page.locator(".van-dialog").get_by_role("button", name="确认").click()
    expect(doc.locator("[data-test=m-today-pending]")).to_be_visible(timeout=10000)
    shot(page, "mustdo-3-phone-offline-pending")
    item = next(i for i in before["items"] if i["title"] == DOC_TITLE)
    now = _api(server, "/api/field/must-do/mine", worker)["items"]
    assert not next(i for i in now if i["id"] == item["id"])["done"], "nothing reached the server while offline"

    # back online: sent once, the list reloads and shows it done
    ctx.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(doc.locator("[data-test=m-today-done]")).to_be_visible(timeout=20000)
    after = _api(server, "/api/field/must-do/mine", worker)
    ticked = next(i for i in after["items"] if i["id"] == item["id"])
    assert ticked["done"] and ticked["done_how"] == "manual" and ticked["done_note"] == "已阅，待社区电脑签收"
    assert after["done"] == before["done"] + 1
    shot(page, "mustdo-4-phone-done")
    ctx.close()

    # the township's board: the worker's completion of the day and of the month
    ctx, console = _console(browser, server, "township_officer")
    console.goto(server + "/field/must-do")
    board = console.locator("[data-test=mustdo-workers]")
    row = board.locator("tr", has_text="张伟")
    expect(row).to_contain_text(f"{after['done']}/{after['total']}", timeout=15000)
    expect(console.locator("[data-test=mustdo-grids]")).to_contain_text(grid["name"])
    shot(console, "mustdo-5-console-board")
    row.get_by_text("张伟").click()
    expect(console.locator("[data-test=mustdo-worker-list]")).to_contain_text(DOC_TITLE, timeout=10000)
    expect(console.locator("[data-test=mustdo-worker-list]")).to_contain_text("手动勾选")
    shot(console, "mustdo-6-console-worker-list")
    console.keyboard.press("Escape")
    console.locator("[data-test=mustdo-view]").get_by_text("按月").click()
    expect(console.locator("[data-test=mustdo-month]")).to_contain_text("张伟", timeout=10000)
    shot(console, "mustdo-7-console-month")
    ctx.close()
