"""Stability information from the phone to the township, in the browser.

A grid worker reports a 重大 piece of information on the phone (the 报送信息 tile, the category
picker, the form); it reaches the village (the grid's parent), whose officer opens it on the
console from the 待研判 tab, screens it (属实, its nature) and forwards it to the township, which
then holds it with its own one-hour limit. Screenshots go to test-artifacts/ and
/tmp/shots-reports/ when that folder exists.
"""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import ARTIFACTS, BROWSER_MARKS, shot
from .test_case_walk import PASSWORD, _act, _api, _console

pytestmark = BROWSER_MARKS
TITLE = "冯墙社区村民拟集体上访"
# not a substring of the demo data's own 瞒报 reasons, or the row below matches twice
LAPSE = "村民商议集体上访未按规定报告"
EXTRA = Path("/tmp/shots-reports")


def _shot(page: Any, name: str) -> None:
    shot(page, name)
    if EXTRA.is_dir():
        shutil.copy(ARTIFACTS / f"{name}.png", EXTRA / f"{name}.png")


def test_a_grid_worker_reports_and_the_village_screens_and_forwards(server: str, browser: Any) -> None:
    worker = _api(server, "/api/auth/login", body={"username": "grid_worker", "password": PASSWORD, "client": "token"})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    phone.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{worker['token']}')")
    m = phone.new_page()
    m.goto(server + "/m/")
    tile = m.locator("[data-test=m-info-tile]")
    expect(tile).to_be_visible(timeout=15000)
    _shot(m, "info-1-phone-home")
    tile.get_by_text("报送信息", exact=True).click()
    m.wait_for_url("**/m/info", timeout=20000)
    report_on_phone(
        m,
        TITLE,
        "约15名村民因征地补偿问题商议明日到区政府集体上访。",
        "重大",
        lambda step: _shot(m, f"info-{2 if step == 'form' else 3}-phone-{step}"),
    )
    phone.close()

    secret = {"title": "涉密人员活动线索", "description": "内容", "category_code": "02", "source": "informant",
              "classification": "secret"}  # fmt: skip
    _api(server, "/api/alerts/reports", worker["token"], secret)
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/alerts/reports?box=todo")
    listed = page.locator(".el-table__row", has_text=TITLE)
    expect(listed).to_be_visible(timeout=15000)
    expect(listed).to_contain_text("重大")
    expect(listed).to_contain_text("普通")
    masked = page.locator(".el-table__row", has_text="秘密信息")
    expect(masked).to_be_visible()
    expect(page.get_by_text("涉密人员活动线索")).to_have_count(0)
    page.wait_for_timeout(500)
    _shot(page, "info-4-console-todo")
    listed.click()
    page.wait_for_url("**/alerts/reports/*", timeout=10000)
    expect(page.locator("[data-test=info-classification]")).to_contain_text("密级：普通")
    expect(page.get_by_text(TITLE).first).to_be_visible()

    def screen(dialog: Any) -> None:
        dialog.locator("[data-test=info-verified]").get_by_text("属实", exact=True).click()
        dialog.locator("[data-test=info-nature]").fill("群体性上访苗头")

    _act(page, "核实研判", fill=screen)
    expect(page.locator(".el-descriptions", has_text="性质研判").first).to_contain_text("群体性上访苗头")
    _act(page, "上报上级", comment="情况属实，请街道研判")
    holder = page.locator(".el-descriptions-item__cell, .el-descriptions__cell", has_text="沿江街道")
    expect(holder.first).to_be_visible(timeout=10000)
    expect(page.locator(".zz-actions").get_by_role("button", name="上报上级", exact=True)).to_have_count(0)
    expect(page.locator(".el-timeline-item", has_text="上报")).to_have_count(1)
    _shot(page, "info-5-console-forwarded")
    ctx.close()

    town = _api(
        server, "/api/auth/login", body={"username": "township_officer", "password": PASSWORD, "client": "token"}
    )
    todo = _api(server, "/api/alerts/reports?box=todo", town["token"])["items"]
    mine = next(r for r in todo if r["title"] == TITLE)
    assert mine["status"] == "pending" and mine["due_at"] is not None
    village = _api(server, "/api/units?q=" + urllib.parse.quote("冯墙社区"), town["token"])["items"][0]
    lapse = {"unit_id": village["id"], "kind": "concealed", "reason": LAPSE}
    _api(server, "/api/alerts/reports/lapses", town["token"], lapse)
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/alerts/report-lapses")
    expect(page.locator(".el-table__row", has_text=LAPSE)).to_be_visible(timeout=15000)
    page.wait_for_timeout(500)
    _shot(page, "info-6-console-lapses")
    ctx.close()


def report_on_phone(m: Any, title: str, description: str, urgency: str, snap: Any) -> None:
    """On the phone's 报送信息 form (open in `m`): a 10人以上集体上访 report of `urgency`, sent;
    it then shows in 我的报送 as 待研判 at the village. `snap(step)` takes the screenshots
    of the filled form ("form") and of 我的报送 ("mine")."""
    m.locator("[data-test=m-info-category]").click()
    picker = m.locator(".van-picker")
    expect(picker).to_be_visible(timeout=15000)
    picker.get_by_text("10人以上集体上访", exact=True).click()
    m.wait_for_timeout(600)
    picker.get_by_role("button", name="确认").click()
    expect(m.locator("[data-test=m-info-category] input")).to_have_value("10人以上集体上访")
    m.locator("input[name=title]").fill(title)
    m.locator("textarea[name=description]").fill(description)
    m.locator(".van-radio", has_text=urgency).first.click()
    snap("form")
    m.locator("[data-test=m-info-submit]").click()
    m.wait_for_url("**/m/info/mine", timeout=15000)
    row = m.locator("[data-test=m-info-row]", has_text=title)
    expect(row).to_be_visible(timeout=10000)
    expect(row).to_contain_text("待研判")
    expect(row).to_contain_text("冯墙社区")
    snap("mine")
