"""Field capture on the phone without a signal: a new resident and a facility inspection with
a photo are registered offline, wait on the phone, and arrive once when the signal returns; a
registration the server refuses comes back to the worker with its reason, opens filled in with
the message beside its field, and goes through once corrected.
"""

from __future__ import annotations

import io
import json
import urllib.parse
import urllib.request
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"
FACILITY = "断网巡检测试探头"
GOOD = "赵离线"
BAD = "钱离线"
QUEUE = "zongzhi.m.actionQueue"


def _id_number(seq: str) -> str:
    first17 = "32011119900101" + seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def _token(server: str, username: str) -> str:
    body = {"username": username, "password": PASSWORD, "client": "token"}
    return str(_api(server, "/api/auth/login", body=body)["token"])


def _residents(server: str, token: str, name: str) -> list[dict[str, Any]]:
    query = urllib.parse.urlencode({"q": name, "limit": 50})
    return [r for r in _api(server, f"/api/registry/residents?{query}", token)["items"] if r["name"] == name]


def _photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buf, "JPEG")
    return buf.getvalue()


def _grid_id(server: str, token: str) -> int:
    me = _api(server, "/api/auth/me", token)
    return int(next(u["id"] for u in me["user"]["capture_scope"] if u["level"] == "grid"))


def test_capture_offline_arrives_once_and_a_refusal_is_corrected(server: str, browser: Any, tmp_path: Any) -> None:
    worker = _token(server, "grid_worker")
    officer = _token(server, "village_officer")
    grid = _grid_id(server, worker)
    facility = _api(
        server,
        "/api/registry/places/facilities",
        officer,
        {"name": FACILITY, "unit_id": grid, "extra": {"kind_code": "01"}},
    )
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(_photo())

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(
        f"localStorage.getItem('zongzhi.m.token') || localStorage.setItem('zongzhi.m.token', '{worker}')"
    )
    page = ctx.new_page()
    page.goto(server + "/m/capture")
    expect(page.get_by_text(FACILITY)).to_be_visible(timeout=15000)
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )
    shot(page, "capture-1-hub")
    page.close()

    # --- no signal from here on
    ctx.set_offline(True)
    page = ctx.new_page()
    page.goto(server + "/m/capture")
    expect(page.locator("[data-test=capture-offline]")).to_be_visible(timeout=15000)
    expect(page.get_by_text(FACILITY)).to_be_visible()

    # a new resident, with a wrong check digit first: refused on the phone, beside the field
    page.locator("[data-test=capture-register]").click()
    page.locator("[data-test=capture-name] input").fill(GOOD)
    wrong = _id_number("731")[:-1] + ("0" if _id_number("731")[-1] != "0" else "1")
    page.locator("[data-test=capture-id-number] input").fill(wrong)
    page.locator("[data-test=capture-phone] input").fill("13812340001")
    page.locator("[data-test=capture-submit]").click()
    expect(page.get_by_text("身份证号码校验位不正确，请核对")).to_be_visible()
    page.locator("[data-test=capture-id-number] input").fill(_id_number("731"))
    page.locator("[data-test=capture-id-number] input").press("Tab")  # leaving the field checks it
    expect(page.get_by_text("当前离线，暂不能查重")).to_be_visible()
    expect(page.get_by_text("身份证号码校验位不正确，请核对")).to_have_count(0)
    shot(page, "capture-2-resident-offline")
    page.locator("[data-test=capture-submit]").click()
    page.wait_for_url("**/m/capture", timeout=10000)

    # a facility's inspection with a photo
    page.locator(f"[data-test=capture-facility-{facility['id']}]").click()
    page.locator("[data-test=capture-inspection-note] textarea").fill("画面清晰，立杆稳固")
    page.locator(".van-uploader input[type=file]").set_input_files(str(photo))
    expect(page.locator(".van-uploader__preview")).to_have_count(1)
    shot(page, "capture-3-inspection-offline")
    page.locator("[data-test=capture-submit]").click()
    page.wait_for_url("**/m/capture", timeout=10000)
    expect(page.get_by_text("巡检待上传")).to_be_visible()

    # a resident whose phone the server will refuse (the phone form does not check phones)
    page.locator("[data-test=capture-register]").click()
    page.locator("[data-test=capture-name] input").fill(BAD)
    page.locator("[data-test=capture-id-number] input").fill(_id_number("733"))
    page.locator("[data-test=capture-phone] input").fill("12345")
    page.locator("[data-test=capture-phone] input").press("Tab")
    page.locator("[data-test=capture-submit]").click()
    page.wait_for_url("**/m/capture", timeout=10000)
    expect(page.locator("[data-test=capture-outbox-link]")).to_contain_text("3 条待上传")
    shot(page, "capture-4-hub-waiting")
    queued = json.loads(page.evaluate(f"() => localStorage.getItem('{QUEUE}')"))
    assert [a["kind"] for a in queued] == ["resident.create", "inspection.create", "resident.create"]
    assert not _residents(server, officer, GOOD), "nothing reached the server while offline"

    # --- the signal returns: each arrives once, the bad one comes back refused
    ctx.set_offline(False)
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{QUEUE}') || '[]').length === 0", timeout=30000)
    assert len(_residents(server, officer, GOOD)) == 1
    assert not _residents(server, officer, BAD)
    detail = _api(server, f"/api/registry/places/facilities/{facility['id']}", officer)
    assert len(detail["inspections"]) == 1 and len(detail["inspections"][0]["photos"]) == 1
    assert detail["missing_inspection"] is False

    # the month's state follows: the facility is inspected
    expect(page.locator(f"[data-test=capture-facility-{facility['id']}]")).to_contain_text("本月已巡检", timeout=10000)
    page.locator("[data-test=capture-outbox-link]").click()
    refused = page.locator("[data-test=outbox-refused]")
    expect(refused).to_contain_text(f"登记：{BAD}")
    expect(refused.locator("[data-test=outbox-reason]")).to_contain_text("联系电话格式不正确")
    shot(page, "capture-5-outbox-refused")

    # corrected in its own form, beside the field, and sent under the same client id
    refused.locator("[data-test=outbox-edit]").click()
    expect(page.locator("[data-test=capture-phone]")).to_contain_text("联系电话格式不正确")
    shot(page, "capture-6-refused-form")
    page.locator("[data-test=capture-phone] input").fill("13812340003")
    page.locator("[data-test=capture-phone] input").press("Tab")
    page.locator("[data-test=capture-submit]").click()
    page.wait_for_url("**/m/capture/residents/*", timeout=10000)
    expect(page.locator("[data-test=capture-resident-card]")).to_contain_text("138****0003")
    shot(page, "capture-7-registered")
    assert len(_residents(server, officer, BAD)) == 1
    assert len(_residents(server, officer, GOOD)) == 1
    ctx.close()

    # the village officer sees the inspection's photo on the facility's page in the console
    cctx, console = _console(browser, server, "village_officer")
    console.goto(server + f"/places/facilities/{facility['id']}")
    photo_cell = console.locator(".zz-insp-photo img")
    expect(photo_cell).to_have_count(1, timeout=15000)
    expect(photo_cell).to_have_js_property("complete", True)
    assert console.evaluate("() => document.querySelector('.zz-insp-photo img').naturalWidth") > 0
    shot(console, "capture-12-console-facility")
    cctx.close()


def test_a_duplicate_found_online_opens_the_existing_record(server: str, browser: Any) -> None:
    officer = _token(server, "village_officer")
    worker = _token(server, "grid_worker")
    number = _id_number("735")
    existing = _api(
        server,
        "/api/registry/residents",
        officer,
        {"kind": "registered", "name": "孙已登", "id_number": number, "unit_id": _grid_id(server, worker)},
    )
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{worker}')")
    page = ctx.new_page()
    page.goto(server + "/m/capture/resident")
    page.locator("[data-test=capture-name] input").fill("孙已登")
    page.locator("[data-test=capture-id-number] input").fill(number)
    page.locator("[data-test=capture-id-number] input").press("Tab")
    box = page.locator("[data-test=capture-existing]")
    expect(box).to_contain_text("该证件号码已登记")
    expect(box).not_to_contain_text(number)
    shot(page, "capture-8-duplicate")
    box.locator("[data-test=capture-open-existing]").click()
    page.wait_for_url(f"**/m/capture/residents/{existing['id']}", timeout=10000)
    expect(page.locator("[data-test=capture-resident-card]")).to_contain_text(existing["id_number_mask"])
    assert len(_residents(server, officer, "孙已登")) == 1

    # the same person as the occupant of a new house
    page.goto(server + "/m/capture/house")
    page.locator("[data-test=capture-house-name] input").fill("断网测试楼3栋501")
    page.locator("[data-test=capture-house-owner] input").fill("周房东")
    page.get_by_placeholder("按姓名查找已登记人员").fill("孙已登")
    page.get_by_placeholder("按姓名查找已登记人员").press("Enter")
    page.locator(".van-cell").filter(has_text=existing["id_number_mask"]).click()
    shot(page, "capture-10-house")
    page.locator("[data-test=capture-submit]").click()
    page.wait_for_url("**/m/capture", timeout=10000)
    query = urllib.parse.urlencode({"q": "断网测试楼3栋501"})
    houses = _api(server, f"/api/registry/places/houses?{query}", officer)["items"]
    assert len(houses) == 1
    house = _api(server, f"/api/registry/places/houses/{houses[0]['id']}", officer)
    assert [(o["name"], o["relation"]) for o in house["occupants"]] == [("孙已登", "family")]

    page.goto(server + "/m/capture/place")
    expect(page.locator("[data-test=capture-place-code] option")).not_to_have_count(1)
    shot(page, "capture-11-place")
    ctx.close()


def test_a_change_made_offline_on_a_record_changed_meanwhile_shows_both(server: str, browser: Any) -> None:
    officer = _token(server, "village_officer")
    worker = _token(server, "grid_worker")
    body = {
        "kind": "registered",
        "name": "李冲突",
        "id_number": _id_number("737"),
        "unit_id": _grid_id(server, worker),
        "phone": "13812340007",
    }
    created = _api(server, "/api/registry/residents", officer, body)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    ctx.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{worker}')")
    page = ctx.new_page()
    page.goto(server + f"/m/capture/residents/{created['id']}")
    expect(page.locator("[data-test=capture-resident-card]")).to_contain_text("138****0007")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )

    ctx.set_offline(True)
    page.reload()  # from the shell and the record kept on the phone
    expect(page.locator("[data-test=capture-resident-card]")).to_contain_text("138****0007")
    page.locator("[data-test=capture-new-phone] input").fill("13912340008")
    page.locator("[data-test=capture-new-phone] input").press("Tab")
    page.locator("[data-test=capture-save-change]").click()
    page.wait_for_function(f"() => (localStorage.getItem('{QUEUE}') || '').includes('13912340008')", timeout=10000)

    # meanwhile the village officer corrects the address on the console
    request = urllib.request.Request(
        server + f"/api/registry/residents/{created['id']}",
        data=json.dumps(
            {
                **body,
                "id_number": created["id_number_mask"],
                "phone": created["phone_mask"],
                "current_address": "冯墙路18号",
            }
        ).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {officer}"},
        method="PUT",
    )
    urllib.request.urlopen(request).close()

    ctx.set_offline(False)
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{QUEUE}') || '[]').length === 0", timeout=30000)
    page.goto(server + "/m/capture/outbox")
    compare = page.locator("[data-test=outbox-compare]")
    expect(page.locator("[data-test=outbox-reason]")).to_contain_text(
        "该记录在您离线期间已被他人修改，请核对后重新提交"
    )
    expect(compare).to_contain_text("13912340008")
    expect(compare).to_contain_text("冯墙路18号")
    expect(compare).to_contain_text("138****0007")
    shot(page, "capture-9-conflict")
    after = _api(server, f"/api/registry/residents/{created['id']}", officer)
    assert after["phone_mask"] == "138****0007", "the conflicting change was not applied silently"

    page.locator("[data-test=outbox-resend]").click()
    expect(page.locator("[data-test=outbox-refused]")).to_contain_text("没有未通过的内容", timeout=10000)
    # the resent change leaves the refused list at once and the queue once it is sent
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{QUEUE}') || '[]').length === 0", timeout=20000)
    after = _api(server, f"/api/registry/residents/{created['id']}", officer)
    assert after["phone_mask"] == "139****0008" and after["current_address"] == "冯墙路18号"
    ctx.close()
