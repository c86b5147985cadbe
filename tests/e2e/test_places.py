"""The console's place pages as a county officer: a camera registered by clicking its position on
the map, its first inspection; a tenant moved into a house found by name. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _api, _console

pytestmark = BROWSER_MARKS
PASSWORD = "Zongzhi@2026"


def _pick_first(page: Any, item: Any) -> None:
    item.locator(".el-select__wrapper").click()
    options = page.locator(".el-select-dropdown__item:visible")
    options.first.wait_for(timeout=10000)
    options.first.click()


def test_a_camera_is_registered_on_the_map_and_inspected(server: str, browser: Any) -> None:
    # the village registers in its own grids (upper levels read lower levels' records only)
    token = _api(
        server, "/api/auth/login", body={"username": "village_officer", "password": PASSWORD, "client": "token"}
    )["token"]
    ctx, page = _console(browser, server, "village_officer")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/places/facilities")
    page.get_by_role("button", name="登记").click()
    dialog = page.locator(".zz-pf-dialog")
    expect(dialog).to_be_visible()
    page.wait_for_timeout(800)  # the map inside the dialog settles
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.locator(".el-form-item__error").first).to_be_visible()  # nothing filled in: refused here
    dialog.locator(".el-form-item").filter(has_text="名称").locator("input").fill("浏览器测试探头")
    _pick_first(page, dialog.locator(".el-form-item").filter(has_text="类别").first)
    box = dialog.locator(".zz-pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    expect(dialog.locator(".zz-pf-grid")).to_contain_text("将登记在", timeout=10000)
    shot(page, "places-1-position-picked")
    dialog.get_by_role("button", name="保存").click()
    page.wait_for_url("**/places/facilities/*", timeout=10000)
    expect(page.locator(".zz-pd-title")).to_have_text("浏览器测试探头")
    place_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    saved = _api(server, f"/api/registry/places/facilities/{place_id}", token)
    assert saved["latitude"] is not None and len(saved["path"]) == 15  # placed in a grid by its position
    assert saved["missing_inspection"] is True

    page.get_by_role("button", name="记录巡检").click()
    inspection = page.locator(".el-dialog").filter(has_text="巡检日期")
    inspection.get_by_text("故障", exact=True).click()
    inspection.get_by_role("button", name="保存").click()
    expect(inspection.locator(".el-form-item__error")).to_contain_text("请说明情况")  # a fault needs a note
    inspection.locator("textarea").fill("镜头被树枝遮挡")
    inspection.get_by_role("button", name="保存").click()
    expect(page.locator(".zz-insp-month.is-done")).to_have_count(1)
    shot(page, "places-2-inspected")
    assert _api(server, f"/api/registry/places/facilities/{place_id}", token)["missing_inspection"] is False

    # the list as a map: the facilities with a position, the grids beneath
    page.goto(server + "/places/facilities?view=map")
    expect(page.get_by_text("地图上共")).to_be_visible(timeout=10000)
    expect(page.locator(".zz-pm canvas").first).to_be_visible()  # dots and grids drawn on a canvas
    page.wait_for_timeout(500)
    shot(page, "places-3-map")
    assert errors == []
    ctx.close()


def test_a_tenant_found_by_name_moves_into_a_house(server: str, browser: Any) -> None:
    token = _api(
        server, "/api/auth/login", body={"username": "village_officer", "password": PASSWORD, "client": "token"}
    )["token"]
    houses = _api(server, "/api/registry/places/houses?limit=50", token)["items"]
    house = [h for h in houses if h["can_edit"]][3]  # one the village keeps itself
    before = len(_api(server, f"/api/registry/places/houses/{house['id']}", token)["occupants"])
    ctx, page = _console(browser, server, "village_officer")
    page.goto(f"{server}/places/houses/{house['id']}")
    page.get_by_role("button", name="登记居住人员").click()
    dialog = page.locator(".el-dialog").filter(has_text="居住关系")
    dialog.locator(".el-select__wrapper").click()
    page.keyboard.type("王")
    options = page.locator(".el-select-dropdown__item:visible")
    options.first.wait_for(timeout=10000)
    options.first.click()
    dialog.get_by_text("租户", exact=True).click()
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_be_hidden(timeout=10000)
    shot(page, "places-4-occupant-added")
    occupants = _api(server, f"/api/registry/places/houses/{house['id']}", token)["occupants"]
    assert len(occupants) == before + 1
    ctx.close()
