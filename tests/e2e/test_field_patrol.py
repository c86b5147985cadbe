"""A patrol on the phone: the worker starts a patrol on their route, checks in "正常" at the first
point, walks on, finds a problem at the second (note and photo), ends it; the patrol arrives
once with its track and check-ins, and the village sees it in the console on the map."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, go_offline, shot
from .test_case_walk import _api, _console
from .test_phone_positions import _phone, _token

pytestmark = BROWSER_MARKS

A = (32.0600, 118.6300)
B = (32.0620, 118.6300)


def _route(server: str, officer: str, worker: str, name: str = "浏览器测试巡逻线") -> dict[str, Any]:
    me = _api(server, "/api/auth/me", worker)
    grid = me["user"]["unit"]
    body = {
        "unit_id": grid["id"],
        "name": name,
        "line": [[A[1], A[0]], [118.6302, 32.0610], [B[1], B[0]]],
        "points": [
            {"name": "路口", "latitude": A[0], "longitude": A[1], "radius_m": 60},
            {"name": "学校门口", "latitude": B[0], "longitude": B[1], "radius_m": 60},
        ],
        "member_ids": [me["user"]["id"]],
        "weekdays": "1234567",
    }
    return dict(_api(server, "/api/office/patrols/routes", officer, body))


def test_a_patrol_walked_on_the_phone_shows_in_the_console(server: str, browser: Any, tmp_path: Path) -> None:
    worker = _token(server, "grid_worker")
    officer = _token(server, "village_officer")
    route = _route(server, officer, worker)

    ctx, page = _phone(browser, worker, geolocation={"latitude": A[0], "longitude": A[1]}, permissions=["geolocation"])
    page.goto(server + "/m/patrol")
    row = page.locator(".van-cell", has_text=route["name"])
    expect(row).to_be_visible(timeout=15000)
    shot(page, "patrol-phone-routes")
    row.get_by_role("button", name="开始巡逻").click()
    expect(page.get_by_test_id("check-in-normal")).to_be_visible(timeout=10000)
    expect(page.get_by_text("已到达点位：路口")).to_be_visible(timeout=10000)
    page.get_by_test_id("check-in-normal").click()
    expect(page.get_by_text("签到记录（1）")).to_be_visible()

    # Walk on to the school: the next position is kept (more than 15 m and 10 s later).
    page.wait_for_timeout(11000)
    ctx.set_geolocation({"latitude": B[0], "longitude": B[1]})
    expect(page.get_by_text("已到达点位：学校门口")).to_be_visible(timeout=10000)
    page.get_by_test_id("check-in-problem").click()
    page.get_by_test_id("problem-note").locator("textarea").fill("学校门口路灯损坏")
    photo = tmp_path / "lamp.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), "gray").save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    page.locator(".van-popup input[type=file]").set_input_files(str(photo))
    page.wait_for_timeout(500)
    page.get_by_test_id("problem-submit").click()
    expect(page.get_by_text("签到记录（2）")).to_be_visible(timeout=10000)
    expect(page.get_by_test_id("patrol-walked")).not_to_have_text("已走 0 米")
    expect(page.get_by_test_id("problem-submit")).to_be_hidden()
    page.wait_for_timeout(2500)  # the toast fades
    shot(page, "patrol-phone-open")

    page.get_by_test_id("end-patrol").click()
    page.get_by_test_id("end-summary").locator("textarea").fill("学校门口路灯待修")
    page.get_by_test_id("end-submit").click()
    page.locator(".van-dialog").get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("patrol-history")).to_be_visible(timeout=15000)
    expect(page.get_by_test_id("patrol-history").get_by_text(route["name"])).to_be_visible()
    page.wait_for_timeout(2500)  # the dialog and the toast fade
    shot(page, "patrol-phone-history")
    ctx.close()

    records = _api(server, f"/api/office/patrols?route={route['id']}", officer)["items"]
    assert len(records) == 1
    detail = _api(server, f"/api/office/patrols/{records[0]['id']}", officer)
    assert detail["ended_at"] and detail["summary"] == "学校门口路灯待修"
    assert [c["point_name"] for c in detail["check_ins"]] == ["路口", "学校门口"]
    assert [c["result"] for c in detail["check_ins"]] == ["normal", "problem"]
    assert len(detail["check_ins"][1]["files"]) == 1
    assert len(detail["track"]) >= 2 and detail["distance_m"] > 100
    assert detail["activity_id"]

    cctx, cpage = _console(browser, server, "village_officer")
    cpage.goto(server + "/field/patrols")
    expect(cpage.get_by_test_id("routes-table").get_by_text(route["name"])).to_be_visible(timeout=15000)
    cpage.get_by_test_id("routes-table").locator("tr", has_text=route["name"]).get_by_role(
        "button", name="编辑"
    ).click()
    expect(cpage.get_by_test_id("route-name")).to_have_value(route["name"], timeout=10000)
    cpage.wait_for_timeout(800)
    shot(cpage, "patrol-console-route-form")
    cpage.locator(".el-drawer").get_by_role("button", name="取消").click()
    cpage.get_by_role("tab", name="巡逻记录").click()
    cpage.get_by_test_id("records-table").get_by_text(route["name"]).first.click()
    drawer = cpage.get_by_test_id("patrol-detail")
    expect(drawer.get_by_text("学校门口路灯待修")).to_be_visible(timeout=10000)
    expect(drawer.get_by_text("学校门口路灯损坏")).to_be_visible()
    expect(drawer.locator(".leaflet-interactive").first).to_be_attached()
    cpage.wait_for_timeout(800)
    shot(cpage, "patrol-console-detail")
    cctx.close()


def test_a_patrol_walked_offline_arrives_once_when_back_online(server: str, browser: Any) -> None:
    worker = _token(server, "grid_worker")
    officer = _token(server, "village_officer")
    route = _route(server, officer, worker, "离线巡逻线")
    ctx, page = _phone(browser, worker, geolocation={"latitude": A[0], "longitude": A[1]}, permissions=["geolocation"])
    page.goto(server + "/m/patrol")
    row = page.locator(".van-cell", has_text=route["name"])
    expect(row).to_be_visible(timeout=15000)
    page.wait_for_function(  # the app shell is cached: a reload without a signal works
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )

    go_offline(ctx, page)
    row.get_by_role("button", name="开始巡逻").click()
    expect(page.get_by_text("已到达点位：路口")).to_be_visible(timeout=10000)
    page.get_by_test_id("check-in-normal").click()
    page.wait_for_timeout(11000)
    ctx.set_geolocation({"latitude": B[0], "longitude": B[1]})
    expect(page.get_by_text("已到达点位：学校门口")).to_be_visible(timeout=10000)
    page.get_by_test_id("check-in-normal").click()
    expect(page.get_by_text("签到记录（2）")).to_be_visible()
    page.reload()  # the open patrol survives a reload (localStorage), offline too
    expect(page.get_by_text("签到记录（2）")).to_be_visible(timeout=15000)
    page.get_by_test_id("end-patrol").click()
    page.get_by_test_id("end-submit").click()
    page.locator(".van-dialog").get_by_role("button", name="确认").click()
    page.wait_for_function("() => (localStorage.getItem('zongzhi.m.actionQueue') || '').includes('patrol.end')")
    expect(page.get_by_test_id("patrol-waiting")).to_be_visible(timeout=10000)
    page.wait_for_timeout(2500)  # the toast fades
    shot(page, "patrol-phone-offline-queued")
    assert not _api(server, f"/api/office/patrols?route={route['id']}", officer)["items"], "nothing arrived offline"

    ctx.set_offline(False)
    page.wait_for_function(
        "() => !(localStorage.getItem('zongzhi.m.actionQueue') || '').includes('patrol.')", timeout=30000
    )
    records = _api(server, f"/api/office/patrols?route={route['id']}", officer)["items"]
    assert len(records) == 1, "the patrol arrived once"
    detail = _api(server, f"/api/office/patrols/{records[0]['id']}", officer)
    assert detail["ended_at"] and detail["activity_id"]
    assert [c["point_name"] for c in detail["check_ins"]] == ["路口", "学校门口"]
    assert len(detail["track"]) >= 2
    ctx.close()
