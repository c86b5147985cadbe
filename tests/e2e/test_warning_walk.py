"""A warning from the township to a village and its police station: the township issues a
yellow warning in the console, the village's grid worker (its front line) acknowledges it on
the phone and reports its measures, the township sees who did, generates the 预警报告 (.docx, opened with python-docx) and lifts it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"
TITLE = "冯墙社区拆迁群众反映不按意愿拆迁"
SHOTS = Path("/tmp/shots-warnings")


def _shot(page: Any, name: str) -> None:
    shot(page, f"warnings-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _pick(page: Any, select: str, text: str) -> None:
    page.locator(f"[data-test={select}]").click()
    page.locator(".el-select-dropdown__item:visible", has_text=text).first.click()
    page.keyboard.press("Escape")


def _dialog(page: Any, action: str, text: str | None = None) -> None:
    page.locator(f"[data-test=action-{action}]").click()
    dialog = page.locator(".el-dialog:visible").last
    expect(dialog).to_be_visible()
    if text is not None:
        dialog.locator(
            ":is(input, textarea)[data-test=dialog-text], [data-test=dialog-text] :is(input, textarea)"
        ).first.fill(text)
    dialog.locator("[data-test=dialog-confirm]").click()
    expect(page.locator(".el-message--success").last).to_be_visible(timeout=10000)


def test_the_township_warns_the_village_acknowledges_on_the_phone(server: str, browser: Any) -> None:
    # 1. the township issues a yellow warning to 冯墙社区 and its police station
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/alerts/warnings")
    page.locator("[data-test=new-warning]").click()
    dialog = page.locator(".el-dialog:visible")
    expect(dialog.get_by_text("可能发生赴市集体上访")).to_be_visible(timeout=10000)  # the yellow level's help
    dialog.locator("input[data-test=title], [data-test=title] input").fill(TITLE)
    dialog.locator("textarea[data-test=body], [data-test=body] textarea").fill(
        "冯墙社区部分村民对拆迁安置方案有异议，有越级上访苗头。"
    )
    _pick(page, "units", "冯墙")
    _pick(page, "departments", "派出所")
    _shot(page, "1-console-new-warning")
    dialog.locator("[data-test=issue]").click()
    page.wait_for_url("**/alerts/warnings/*", timeout=15000)
    expect(page.locator("[data-test=level-badge]")).to_have_text("黄色预警", timeout=10000)
    expect(page.locator("[data-test=recipients] .el-table__row")).to_have_count(2)
    warning_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _shot(page, "2-console-detail-issued")

    # 2. the village's grid worker acknowledges it on the phone and reports its measures
    token = _api(server, "/api/auth/login", body={"username": "grid_worker", "password": PASSWORD, "client": "token"})[
        "token"
    ]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    phone.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token}')")
    m = phone.new_page()
    m.goto(server + "/m/")
    tile = m.locator("[data-test=m-warnings-tile]")
    expect(tile).to_be_visible(timeout=15000)
    _shot(m, "3-phone-home")
    tile.click()
    item = m.locator("[data-test=m-warning-pending]", has_text=TITLE)
    expect(item).to_be_visible(timeout=10000)
    _shot(m, "4-phone-list")
    item.click()
    m.locator("[data-test=m-acknowledge]").click()
    expect(m.locator("textarea[data-test=m-measure-text], [data-test=m-measure-text] textarea")).to_be_visible(
        timeout=10000
    )
    m.locator("textarea[data-test=m-measure-text], [data-test=m-measure-text] textarea").fill(
        "已安排网格员上门做思想工作，村民情绪稳定"
    )
    m.locator("[data-test=m-measure-submit]").click()
    expect(m.get_by_text("已安排网格员上门做思想工作，村民情绪稳定").last).to_be_visible(timeout=10000)
    _shot(m, "5-phone-detail-measures")
    phone.close()

    # 3. the township sees it, generates the report, downloads it and lifts the warning
    page.reload()
    expect(page.locator("[data-test=recipients]").get_by_text("已签收").first).to_be_visible(timeout=10000)
    expect(page.locator("[data-test=recipients]").get_by_text("张伟").first).to_be_visible(timeout=10000)
    _dialog(page, "document", "浦口区信访局")
    doc_row = page.locator("[data-test=document]").first
    expect(doc_row).to_be_visible(timeout=10000)
    with page.expect_download() as download:
        doc_row.locator("[data-test=download]").click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert f"关于{TITLE}的预警报告" in text
    assert "浦口区信访局：" in text and "黄色预警" in text and "沿江街道" in text
    _dialog(page, "lift", "矛盾已化解，解除预警")
    expect(page.get_by_text("已解除").first).to_be_visible(timeout=10000)
    _shot(page, "6-console-detail-lifted")
    page.goto(server + "/alerts/warnings?box=sent")
    expect(page.get_by_text(TITLE).first).to_be_visible(timeout=10000)
    _shot(page, "7-console-list-sent")
    ctx.close()
    body = _api(
        server,
        f"/api/alerts/warnings/{warning_id}",
        _api(server, "/api/auth/login", body={"username": "township_officer", "password": PASSWORD, "client": "token"})[
            "token"
        ],
    )
    assert body["status"] == "lifted" and [a["kind"] for a in body["timeline"]][:3] == [
        "issue",
        "acknowledge",
        "measure",
    ]
