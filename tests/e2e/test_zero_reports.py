"""Zero reports in the browser: the village officer files this month's zero report with one click
on the console and the township sees it in its completeness table; then a sensitive period
starts, every page shows its banner, and the grid worker files the day's report with one tap on
the phone. Screenshots go to test-artifacts/ and /tmp/shots-zero/."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console
from .test_phone_notices import _token

pytestmark = BROWSER_MARKS
SHOTS = Path("/tmp/shots-zero")


def _shot(page: Any, name: str) -> None:
    shot(page, f"zero-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _put(base: str, path: str, token: str, body: Any) -> Any:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="PUT")
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def _unit_id(server: str, token: str, code: str) -> int:
    me = _api(server, "/api/auth/me", token)
    units = (
        me["user"]["view_scope"] + me["user"]["capture_scope"] + ([me["user"]["unit"]] if me["user"]["unit"] else [])
    )
    return int(next(u["id"] for u in units if u["code"] == code))


def test_village_files_with_one_click_and_the_township_sees_it(server: str, browser: Any) -> None:
    village = _token(server, "village_officer")
    village_id = _unit_id(server, village, "320111003001")
    for name, role, phone in (("周建国", "02", "13812345678"), ("孙桂英", "02", ""), ("吴老板", "11", "13900001111")):
        body = {"unit_id": village_id, "role_code": role, "name": name, "phone": phone, "organisation": ""}
        _api(server, "/api/alerts/zero/informants", village, body)
    _put(server, "/api/alerts/zero/informants/quota", village, {"unit_id": village_id, "required": 4})
    _api(
        server, "/api/alerts/zero/informants/sms", village, {"unit_id": village_id, "text": "国庆期间请每日报送零报告"}
    )
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/alerts/zero")
    mine = page.locator("[data-test=zero-mine]")
    expect(mine.get_by_text("尚未报送")).to_be_visible(timeout=15000)
    _shot(page, "1-village-before")
    mine.locator("[data-test=zero-file]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(mine.get_by_text("李娜 于")).to_be_visible(timeout=10000)
    expect(mine.locator("[data-test=zero-file]")).to_have_count(0)
    _shot(page, "2-village-filed")
    ctx.close()

    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/alerts/zero")
    table = page.locator("[data-test=zero-completeness]")
    row = table.locator(".el-table__row", has_text="冯墙社区").filter(has_text="李娜")
    expect(row).to_have_count(1, timeout=15000)
    expect(row.get_by_text("零报告", exact=True).first).to_be_visible()
    expect(table.locator(".el-table__row", has_text="未报").first).to_be_visible()
    expect(table.locator("[data-test=zero-remind]")).to_be_visible()
    _shot(page, "3-township-completeness")
    page.goto(server + "/alerts/informants")
    expect(page.locator(".el-table__row", has_text="周建国")).to_be_visible(timeout=15000)
    expect(page.get_by_text("138****5678")).to_be_visible()
    _shot(page, "4-township-informants")
    page.locator("[data-test=informant-add]").click()
    dialog = page.locator(".el-dialog", has_text="登记信息员")
    dialog.locator(".el-form-item", has_text="联系电话").locator("input").fill("12345")
    dialog.locator("[data-test=informant-save]").click()
    expect(dialog.get_by_text("姓名不能为空")).to_be_visible(timeout=10000)
    expect(dialog.get_by_text("手机号格式不正确")).to_be_visible()
    _shot(page, "4a-informant-form-errors")
    dialog.get_by_role("button", name="取消").click()
    page.get_by_role("tab", name="中心户长覆盖率").click()
    # The demo sets each village's quota: the share shows as a percentage beside the village.
    expect(page.locator(".el-table__row", has_text="冯墙社区").get_by_text(re.compile(r"^\d+%$")).first).to_be_visible(
        timeout=10000
    )
    _shot(page, "4b-township-coverage")
    page.get_by_role("tab", name="群发短信").click()
    page.locator(".el-table__row", has_text="国庆期间").click()
    expect(page.locator(".el-dialog").get_by_text("已发送").first).to_be_visible(timeout=10000)
    _shot(page, "4c-township-sms")
    ctx.close()


def test_sensitive_period_banner_and_phone_one_tap(server: str, browser: Any) -> None:
    county = _token(server, "county_officer")
    today = dt.date.today().isoformat()
    township_id = _unit_id(server, _token(server, "township_officer"), "320111003000")
    _api(
        server,
        "/api/alerts/zero/periods",
        county,
        {"unit_id": township_id, "name": "测试保障期", "starts_on": today, "ends_on": today, "note": "领导带班"},
    )

    ctx, page = _console(browser, server, "county_officer")
    page.goto(server + "/alerts/periods")
    expect(page.locator(".el-table__row", has_text="测试保障期")).to_be_visible(timeout=15000)
    _shot(page, "5-county-periods")
    ctx.close()

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/")
    expect(page.locator("[data-test=sensitive-banner]").get_by_text("测试保障期")).to_be_visible(timeout=15000)
    _shot(page, "6-village-banner")
    ctx.close()

    worker = _token(server, "grid_worker")
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{worker}')")
    page = ctx.new_page()
    page.goto(server + "/m/")
    expect(page.locator("[data-test=m-sensitive-banner]").first).to_be_visible(timeout=15000)
    tile = page.locator("[data-test=m-zero-tile]")
    state = _api(server, "/api/alerts/zero/current", worker)
    # The worker's one tap files for each of their two grids (冯墙一网格 and 二网格).
    assert [u["unit"]["code"] for u in state["units"]] == ["320111003001001", "320111003001002"]
    owing = [u for u in state["units"] if u["current"]["zero"] is None and u["current"]["info_report_id"] is None]
    if not owing:
        expect(tile.get_by_text("已报送零报告")).to_be_visible()
        tile.click()
        expect(page.locator("[data-test=m-zero-grids]")).to_be_visible(timeout=10000)
        expect(page.locator("[data-test=m-zero-file]")).to_have_count(0)
        _shot(page, "8-phone-counted")
    else:
        expect(tile.get_by_text("尚未报送")).to_be_visible()
        _shot(page, "7-phone-home")
        tile.click()
        grids = page.locator("[data-test=m-zero-grids]")
        expect(grids.get_by_text("尚未报送").first).to_be_visible(timeout=10000)
        page.locator("[data-test=m-zero-file]").click()
        page.locator(".van-dialog").get_by_role("button", name="确认").click()
        expect(page.get_by_text(f"已为{len(owing)}个网格报送零报告")).to_be_visible(timeout=10000)
        expect(grids.get_by_text("尚未报送")).to_have_count(0)
        expect(page.locator("[data-test=m-zero-file]")).to_have_count(0)
        _shot(page, "8-phone-filed")
        mine = _api(server, "/api/alerts/zero/reports", worker)
        assert mine[0]["period_kind"] == "daily" and mine[0]["period_start"] == today
        after = _api(server, "/api/alerts/zero/current", worker)["units"]
        assert all(u["current"]["zero"] or u["current"]["info_report_id"] for u in after)
    ctx.close()


def test_informant_phone_account_sees_only_the_zero_report(server: str, browser: Any) -> None:
    village = _token(server, "village_officer")
    village_id = _unit_id(server, village, "320111003001")
    body = {"unit_id": village_id, "role_code": "01", "name": "何军", "phone": "13811112222", "organisation": ""}
    informant = _api(server, "/api/alerts/zero/informants", village, body)
    _api(
        server,
        f"/api/alerts/zero/informants/{informant['id']}/account",
        village,
        {"username": "xxy_hejun", "password": "Info#2026first"},
    )
    token = str(
        _api(
            server, "/api/auth/login", body={"username": "xxy_hejun", "password": "Info#2026first", "client": "token"}
        )["token"]
    )
    _api(server, "/api/auth/password", token, {"old_password": "Info#2026first", "new_password": "Info#2026second"})
    token = str(
        _api(
            server, "/api/auth/login", body={"username": "xxy_hejun", "password": "Info#2026second", "client": "token"}
        )["token"]
    )

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token}')")
    page = ctx.new_page()
    page.goto(server + "/m/")
    tile = page.locator("[data-test=m-zero-tile]")
    expect(tile).to_be_visible(timeout=15000)
    expect(page.get_by_text("待办")).to_have_count(0)
    expect(page.get_by_text("上报事件")).to_have_count(0)
    _shot(page, "9-informant-home")
    tile.click()
    expect(page.get_by_text("何军")).to_be_visible(timeout=10000)
    ctx.close()
