"""Meetings in the browser: the village officer records this month's 例会 with a photo and sees it
in the list; a meeting held 20 days ago is refused beside the form with the rule named; the
township sees its villages in the 例会 overview (the demo's gap in red) and records a joint
meeting whose decision becomes a task. Screenshots go to test-artifacts/office-meetings-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), "#6a8fbf").save(buf, "JPEG")
    return buf.getvalue()


def _field(dialog: Any, label: str) -> Any:
    return dialog.locator(".el-form-item").filter(has=dialog.page.get_by_text(label, exact=True)).first


def _fill_basics(dialog: Any, name: str) -> None:
    _field(dialog, "会议名称").locator("input").fill(name)
    _field(dialog, "地点").locator("input").fill("社区二楼会议室")
    _field(dialog, "参加人员").locator("input").fill("社区综治中心全体成员")
    _field(dialog, "会议主题").locator("input").fill("研判分析本月矛盾纠纷，部署下月工作")


def _set_date(item: Any, text: str) -> None:
    box = item.locator(".el-date-editor input").first
    box.click()
    box.fill(text)
    box.press("Enter")


def test_village_records_its_meeting_and_the_township_sees_the_overview(server: str, browser: Any) -> None:
    stamp = int(time.time()) % 100000
    name = f"{dt.date.today().month}月综治工作例会{stamp}"
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/meetings")
    expect(page.locator("[data-test=meeting-list] .el-table__row").first).to_be_visible(timeout=15000)
    page.locator("[data-test=meeting-new]").click()
    dialog = page.locator(".el-dialog").filter(has_text="录入会议").last
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("一般不写具体姓名")).to_be_visible()
    _fill_basics(dialog, name)
    _field(dialog, "会议类别").locator("input").fill("社区（班子）会议")
    dialog.locator(".el-upload input[type=file]").set_input_files(
        {"name": "会场.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    )
    expect(dialog.locator(".el-upload-list__item.is-success")).to_have_count(1, timeout=15000)
    shot(page, "office-meetings-1-form")
    dialog.locator("[data-test=meeting-submit]").click()
    drawer = page.locator("[data-test=meeting-detail]")
    expect(drawer.get_by_text(name)).to_be_visible(timeout=10000)
    expect(drawer.locator("[data-test=office-files] .el-image")).to_have_count(1)
    page.wait_for_timeout(600)  # the drawer's slide and the dialog's fade
    shot(page, "office-meetings-2-detail")
    drawer.locator(".el-drawer__close-btn").click()
    expect(drawer).to_be_hidden(timeout=5000)
    expect(page.locator("[data-test=meeting-list] .el-table__row", has_text=name)).to_have_count(1)
    shot(page, "office-meetings-3-list")

    # a meeting held 20 days ago: refused beside the form, the rule named
    page.locator("[data-test=meeting-new]").click()
    dialog = page.locator(".el-dialog").filter(has_text="录入会议").last
    _fill_basics(dialog, f"迟录的会议{stamp}")
    held = dt.datetime.now() - dt.timedelta(days=20)
    _set_date(_field(dialog, "会议时间"), held.strftime("%Y-%m-%d 12:00:00"))
    dialog.locator("[data-test=meeting-submit]").click()
    refusal = _field(dialog, "会议时间").locator(".el-form-item__error")
    expect(refusal).to_contain_text("会议须在召开后15天内录入（日常办公规则）", timeout=10000)
    expect(refusal).to_contain_text("已召开20天")
    shot(page, "office-meetings-4-refused")
    ctx.close()

    # the township: the villages' monthly meetings, the demo's gap in red
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/office/meetings?tab=regular")
    overview = page.locator("[data-test=regular-overview]")
    row = overview.locator(".el-table__body .el-table__row", has_text="冯墙")
    expect(row.first).to_be_visible(timeout=15000)
    expect(overview.locator("[data-test=regular-missing]").first).to_be_visible()
    page.wait_for_timeout(400)  # the tags fade in
    shot(page, "office-meetings-5-regular")

    # a joint meeting with one decision: a task for the village
    page.goto(server + "/office/meetings")
    page.locator("[data-test=meeting-new]").click()
    dialog = page.locator(".el-dialog").filter(has_text="录入会议").last
    dialog.locator("[data-test=meeting-kind]").get_by_text("联席会议", exact=True).click()
    _fill_basics(dialog, f"矛盾纠纷排查化解联席会议{stamp}")
    _field(dialog, "会议纪要").locator("textarea").fill("会议议定以下事项。")
    dialog.locator("[data-test=decision-add]").click()
    decision = dialog.locator("[data-test=decision-row]").first
    decision.locator("input[data-test=decision-text], [data-test=decision-text] input").first.fill(
        f"冯墙社区牵头化解物业纠纷{stamp}"
    )
    decision.locator("[data-test=decision-holder]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="冯墙").first.click()
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    _set_date(decision, due)
    shot(page, "office-meetings-6-joint-form")
    dialog.locator("[data-test=meeting-submit]").click()
    drawer = page.locator("[data-test=meeting-detail]")
    task = drawer.locator("[data-test=decision-case]")
    expect(task).to_have_count(1, timeout=10000)
    expect(task).to_have_attribute("href", re.compile(r"/cases/\d+$"))
    page.wait_for_timeout(600)
    shot(page, "office-meetings-7-joint-detail")
    task.click()
    page.wait_for_url(lambda u: "/cases/" in u, timeout=10000)
    expect(page.get_by_text(f"冯墙社区牵头化解物业纠纷{stamp}").first).to_be_visible(timeout=10000)
    ctx.close()


def test_work_log_turns_into_a_case(server: str, browser: Any) -> None:
    stamp = int(time.time()) % 100000
    title = f"江岸小区漏水纠纷{stamp}"
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/office/work-logs")
    expect(page.locator("[data-test=worklog-list] .el-table__row").first).to_be_visible(timeout=15000)
    page.locator("[data-test=worklog-new]").click()
    dialog = page.locator(".el-dialog").filter(has_text="写工作日志").last
    dialog.locator("input[data-test=worklog-title], [data-test=worklog-title] input").first.fill(title)
    dialog.locator("textarea[data-test=worklog-content], [data-test=worklog-content] textarea").first.fill(
        "楼上漏水影响楼下住户，双方各执一词，需进一步调解。"
    )
    dialog.locator("[data-test=worklog-submit]").click()
    row = page.locator("[data-test=worklog-list] .el-table__row", has_text=title)
    expect(row).to_have_count(1, timeout=10000)
    shot(page, "office-meetings-8-worklogs")
    row.locator("[data-test=worklog-convert]").click()
    convert = page.locator(".el-dialog").filter(has_text="确认转办").last
    convert.locator("[data-test=worklog-category]").click()
    page.locator(".el-select-dropdown__item:visible", has_text="邻里纠纷").first.click()
    convert.locator("[data-test=worklog-convert-submit]").click()
    expect(row.locator("[data-test=worklog-case]")).to_be_visible(timeout=10000)
    expect(row.locator("[data-test=worklog-convert]")).to_have_count(0)
    shot(page, "office-meetings-9-worklog-converted")
    ctx.close()
