"""One dispute from the phone report to the archive, through every level, in the browser.

The grid worker reports on the phone (with the phone's position), the village accepts and
escalates, the township accepts and escalates, the county accepts and dispatches to the police
department, the leader gives a yellow card, the police handle and complete it, and the grid
worker confirms, follows up and archives it on the phone. Screenshots of each stage go to
test-artifacts/.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def _api(base: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers)) as r:
        return json.load(r)


def _console(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/login")
    page.fill("input[autocomplete=username]", username)
    page.fill("input[type=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u, timeout=15000)
    return ctx, page


def _act(page: Any, label: str, comment: str | None = None, fill: Any = None) -> None:
    page.locator(".zz-actions").get_by_role("button", name=label, exact=True).click()
    dialog = page.locator(".el-dialog").last
    expect(dialog).to_be_visible()
    if fill:
        fill(dialog)
    if comment:
        dialog.locator("textarea").last.fill(comment)
    dialog.locator(".el-dialog__footer").get_by_role("button", name=label, exact=True).click()
    expect(dialog).to_be_hidden(timeout=10000)
    page.wait_for_timeout(500)


def test_a_dispute_from_the_phone_to_the_archive(server: str, browser: Any) -> None:
    token = _api(
        server, "/api/auth/login", body={"username": "county_officer", "password": PASSWORD, "client": "token"}
    )["token"]
    grid = _api(server, "/api/units?q=" + urllib.parse.quote("冯墙社区第1网格"), token)["items"][0]
    features = _api(server, f"/api/units/{grid['id']}/map", token)["features"]
    ring = next(f for f in features if f["properties"]["id"] == grid["id"])["geometry"]["coordinates"][0]
    lng, lat = sum(p[0] for p in ring[:4]) / 4, sum(p[1] for p in ring[:4]) / 4

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": lat, "longitude": lng},
        permissions=["geolocation"],
    )
    m = phone.new_page()
    m.goto(server + "/m/login")
    m.fill("input[autocomplete=username]", "grid_worker")
    m.fill("input[type=password]", PASSWORD)
    m.click("button[type=submit]")
    m.wait_for_url(lambda u: "/login" not in u, timeout=15000)
    m.goto(server + "/m/report")
    m.get_by_placeholder("选择事件类别").click()
    m.locator(".van-cascader").get_by_text("矛盾纠纷", exact=True).click()
    m.locator(".van-cascader").get_by_text("劳资纠纷", exact=True).click()
    names = m.get_by_placeholder("姓名")
    names.nth(0).fill("王某某")
    names.nth(1).fill("黄某某")
    m.get_by_role("button", name="生成标题").click()
    m.get_by_role("button", name="获取当前位置").click()
    m.wait_for_timeout(800)
    shot(m, "walk-1-phone-report")
    m.get_by_role("button", name="提交").click()
    m.wait_for_url("**/m/cases/**", timeout=15000)
    case_id = int(m.url.rstrip("/").split("/")[-1])
    case = _api(server, f"/api/cases/{case_id}", token)
    assert case["title"] == "王某某与黄某某的劳资纠纷" and case["path"] == grid["path"]

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/cases?box=todo")
    page.wait_for_selector(f"text={case['number']}", timeout=15000)
    shot(page, "walk-2-village-todo")
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector(".zz-actions")
    _act(page, "受理")
    _act(page, "上报上级", "涉及多个单位，社区无法协调")
    ctx.close()

    ctx, page = _console(browser, server, "township_officer")
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector(".zz-actions")
    _act(page, "受理")
    _act(page, "上报上级", "需区级部门处理")
    ctx.close()

    ctx, page = _console(browser, server, "county_officer")
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector(".zz-actions")
    _act(page, "受理")
    # nobody works at 南京市 above the county: 上报上级 is not offered there
    expect(page.locator(".zz-actions").get_by_role("button", name="分流交办", exact=True)).to_be_visible()
    expect(page.locator(".zz-actions").get_by_role("button", name="上报上级", exact=True)).to_have_count(0)

    def pick_police(dialog: Any) -> None:
        dialog.get_by_text("成员单位", exact=True).click()
        dialog.locator(".el-select").click()
        page.locator(".el-select-dropdown__item", has_text="公安").first.click()

    _act(page, "分流交办", "请公安分局处理", pick_police)
    ctx.close()

    ctx, page = _console(browser, server, "leader")
    page.goto(f"{server}/cases/{case_id}")
    page.locator(".zz-actions").get_by_role("button", name="督办", exact=True).click()
    dialog = page.locator(".el-dialog").last
    dialog.get_by_text("黄牌", exact=True).click()
    dialog.locator("textarea").fill("请尽快办理")
    shot(page, "walk-3-leader-supervises")
    dialog.locator(".el-dialog__footer").get_by_role("button", name="督办").click()
    expect(dialog).to_be_hidden(timeout=10000)
    ctx.close()

    ctx, page = _console(browser, server, "dept_police")
    page.goto(server + "/")
    page.locator(".zz-bell").click()
    page.wait_for_selector(".zz-note")
    shot(page, "walk-4-police-bell")
    page.locator(".zz-note").first.click()
    page.wait_for_url("**/cases/**")
    page.wait_for_selector(".zz-actions")
    _act(page, "受理")
    _act(page, "办理", "已约谈双方")
    _act(page, "办结", fill=lambda d: d.locator("textarea").first.fill("双方达成调解协议，工资已支付"))
    ctx.close()

    def phone_act(label: str, fill: Any = None) -> None:
        m.locator(".zz-m-actions").get_by_role("button", name=label, exact=True).click()
        sheet = m.locator(".zz-m-sheet")
        expect(sheet).to_be_visible()
        if fill:
            fill(sheet)
        sheet.get_by_role("button", name=label, exact=True).click()
        m.wait_for_timeout(1000)

    m.goto(f"{server}/m/cases/{case_id}")
    m.wait_for_selector(".zz-m-actions")
    phone_act("确认办结")
    phone_act("回访", lambda s: (s.get_by_text("满意", exact=True).click(), s.locator("textarea").fill("电话回访")))
    phone_act("归档")
    shot(m, "walk-5-phone-archived")

    ctx, page = _console(browser, server, "county_officer")
    page.goto(f"{server}/cases/{case_id}")
    page.wait_for_selector("text=已归档", timeout=15000)
    page.wait_for_timeout(800)
    shot(page, "walk-6-case-page")
    # the police officer's steps are under 浦口公安分局, not the county
    expect(page.get_by_text(re.compile(r"（浦口公安分局）")).first).to_be_visible()
    ctx.close()
    final = _api(server, f"/api/cases/{case_id}", token)
    assert final["status"] == "archived" and final["supervision"] == 2
    assert [t["action"] for t in final["timeline"]] == [
        "report",
        "accept",
        "escalate",
        "accept",
        "escalate",
        "accept",
        "dispatch",
        "supervise",
        "accept",
        "progress",
        "complete",
        "confirm",
        "follow_up",
        "archive",
    ]
