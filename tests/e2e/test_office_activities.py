"""Activities and the unit profile in the browser: the village officer records a patrol with a
photo and sees it in the ledger; the township sees the monthly counts with its short village in
red; the profile pages show the leadership with photos and masked phones, and the grid teams
with the roles still missing. Screenshots go to test-artifacts/office-activities-*.png."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def _photo(tmp: Path) -> Path:
    path = tmp / "patrol.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (70, 120, 170)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return path


def _settle(page: Any) -> None:
    """Wait until the page's loading masks are gone and its images have loaded."""
    expect(page.locator(".el-loading-mask:visible")).to_have_count(0, timeout=15000)
    page.wait_for_function("Array.from(document.images).every((i) => i.complete)", timeout=15000)
    page.wait_for_timeout(300)


def _field(scope: Any, name: str, tag: str = "input") -> Any:
    """An Element Plus input's own <input> (the data-test attribute lands on it or its wrapper)."""
    return scope.locator(f"{tag}[data-test={name}], [data-test={name}] {tag}").first


def test_activity_with_photo_monthly_counts_and_profile(server: str, browser: Any, tmp_path: Path) -> None:
    name = f"夜间治安巡逻{int(time.time()) % 100000}"
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/activities")
    expect(page.locator("[data-test=activity-list] .el-table__row").first).to_be_visible(timeout=15000)
    page.locator("[data-test=activity-add]").click()
    dialog = page.locator(".el-dialog").filter(has_text="录入活动")
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=activity-kind]").get_by_text("治安巡逻", exact=True).click()
    expect(dialog.get_by_text("无问题填写“正常”").first).to_be_visible()
    _field(dialog, "activity-name").fill(name)
    date_input = dialog.locator(".el-date-editor input").first
    date_input.fill(day)
    date_input.press("Enter")
    _field(dialog, "activity-location").fill("沿江路与浦珠路路口")
    _field(dialog, "activity-topic", "textarea").fill("正常")
    dialog.locator(".el-upload input[type=file]").set_input_files(str(_photo(tmp_path)))
    expect(dialog.locator(".el-upload-list__item img")).to_have_count(1, timeout=15000)
    expect(dialog.locator("[data-test=activity-save]")).to_be_enabled(timeout=15000)
    shot(page, "office-activities-1-form")
    dialog.locator("[data-test=activity-save]").click()
    expect(dialog).to_be_hidden(timeout=15000)
    row = page.locator("[data-test=activity-list] .el-table__row", has_text=name)
    expect(row).to_have_count(1, timeout=15000)
    expect(row.get_by_text("1 个附件")).to_be_visible()
    shot(page, "office-activities-2-list")
    row.click()
    drawer = page.locator(".el-drawer")
    expect(drawer.get_by_text(name)).to_be_visible()
    expect(drawer.locator(".el-image img")).to_have_count(1, timeout=15000)
    page.wait_for_timeout(600)  # the drawer's opening animation
    shot(page, "office-activities-3-detail")
    ctx.close()

    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/office/activities")
    page.get_by_role("tab", name="月度统计").click()
    table = page.locator("[data-test=activity-monthly]")
    short = table.locator(".el-table__row", has_text="泰冯社区")
    expect(short).to_have_count(1, timeout=15000)
    expect(short.locator("[data-below='1']").first).to_be_visible()
    expect(short.locator(".el-tag--danger", has_text="缺").first).to_be_visible()
    fengqiang = table.locator(".el-table__row", has_text="冯墙社区")
    expect(fengqiang.locator("[data-below='1']")).to_have_count(0)
    _settle(page)
    shot(page, "office-activities-4-monthly")

    page.goto(server + "/office/profile")
    leaders = page.locator("[data-test=leadership]")
    expect(leaders.locator(".zz-person").first).to_be_visible(timeout=15000)
    expect(leaders.locator("[data-test=staff-phone]").first).to_contain_text("****")
    expect(leaders.locator(".el-image img").first).to_be_visible(timeout=15000)
    expect(page.locator("[data-test=village-completeness] .el-table__row", has_text="冯墙社区")).to_be_visible()
    gaps = page.locator("[data-test=team-gaps]")
    expect(gaps.get_by_text("网格督导员")).to_be_visible()
    expect(gaps.get_by_text("网格民警")).to_be_visible()
    _settle(page)
    shot(page, "office-activities-5-township-profile")
    page.locator("[data-test=grid-teams]").scroll_into_view_if_needed()
    shot(page, "office-activities-6-township-teams")
    ctx.close()

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/profile")
    teams = page.locator("[data-test=team-table]")
    expect(teams.locator(".el-table__row")).to_have_count(2, timeout=15000)
    expect(teams.locator("[data-test=team-missing]")).to_have_count(1)
    expect(page.locator("[data-test=leadership] [data-test=staff-phone]").first).to_contain_text("****")
    _settle(page)
    shot(page, "office-activities-7-village-profile")
    page.locator("[data-test=grid-teams]").scroll_into_view_if_needed()
    shot(page, "office-activities-8-village-teams")
    # fill the missing role: the grid's team is complete
    teams.locator("[data-test=team-missing]").get_by_role("button").click()
    dialog = page.locator(".el-dialog").filter(has_text="添加人员")
    expect(dialog).to_be_visible()
    _field(dialog, "staff-name").fill("钱督导")
    dialog.locator("[data-test=staff-save]").click()
    expect(dialog).to_be_hidden(timeout=15000)
    expect(teams.locator("[data-test=team-missing]")).to_have_count(0, timeout=15000)
    expect(teams.get_by_text("钱督导")).to_be_visible()
    ctx.close()
