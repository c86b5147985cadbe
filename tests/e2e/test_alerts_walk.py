"""The whole walk of issue 15, from a grid worker's report to the township's 预警报告, in the browser.

A grid worker reports a piece of stability information on the phone; the village officer opens it
on the console under 待研判, screens it and forwards it to the township; the township officer opens
the forwarded report and, from its page (发布预警), raises a yellow warning about that report to the
village (冯墙社区) and the police station; the village acknowledges the warning on the phone and
reports its measures; the township generates and downloads the .docx 预警报告 (opened with
python-docx) and lifts the warning. The halves are walked on their own in test_info_report_walk.py
and test_warning_walk.py, whose helpers this test uses. Screenshots go to test-artifacts/ and
/tmp/shots-walk/NN-name.png.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, shot
from .test_case_walk import PASSWORD, _act, _api, _console
from .test_info_report_walk import report_on_phone
from .test_warning_walk import _dialog, _pick

pytestmark = BROWSER_MARKS
TITLE = "冯墙社区部分村民拟赴区集体上访"
WARNING = "关于冯墙社区村民拟赴区集体上访的预警"
MEASURES = "已安排网格员逐户走访，说明补偿政策，村民情绪趋于平稳"
SHOTS = Path("/tmp/shots-walk")


def _shot(page: Any, name: str) -> None:
    shot(page, f"walk-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    token = _api(base, "/api/auth/login", body={"username": username, "password": PASSWORD, "client": "token"})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    phone.add_init_script(f"localStorage.setItem('zongzhi.m.token', '{token['token']}')")
    return phone, phone.new_page()


def test_a_report_from_the_phone_becomes_a_warning_that_is_acknowledged_lifted_and_documented(
    server: str, browser: Any
) -> None:
    # 1. a grid worker reports the information on the phone
    phone, m = _phone(browser, server, "grid_worker")
    m.goto(server + "/m/info")
    report_on_phone(
        m,
        TITLE,
        "约20名村民因拆迁补偿问题商议后天到区政府集体上访。",
        "重要",
        lambda step: _shot(m, f"0{1 if step == 'form' else 2}-phone-info-{step}"),
    )
    phone.close()

    # 2. the village officer opens it under 待研判, screens it and forwards it to the township
    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/alerts/reports?box=todo")
    listed = page.locator(".el-table__row", has_text=TITLE)
    expect(listed).to_be_visible(timeout=15000)
    expect(listed).to_contain_text("重要")
    page.wait_for_timeout(500)
    _shot(page, "03-village-todo")
    listed.click()
    page.wait_for_url("**/alerts/reports/*", timeout=10000)
    report_id = int(page.url.split("?")[0].rstrip("/").rsplit("/", 1)[1])
    expect(page.get_by_text(TITLE).first).to_be_visible()
    expect(page.locator("[data-test=info-raise-warning]")).to_have_count(0)  # a village does not warn

    def screen(dialog: Any) -> None:
        dialog.locator("[data-test=info-verified]").get_by_text("属实", exact=True).click()
        dialog.locator("[data-test=info-nature]").fill("群体性上访苗头")

    _act(page, "核实研判", fill=screen)
    _act(page, "上报上级", comment="情况属实，请街道研判预警")
    holder = page.locator(".el-descriptions-item__cell, .el-descriptions__cell", has_text="沿江街道")
    expect(holder.first).to_be_visible(timeout=10000)
    expect(page.locator(".el-timeline-item", has_text="上报")).to_have_count(1)
    _shot(page, "04-village-forwarded")
    ctx.close()

    # 3. the township opens the forwarded report and raises a yellow warning about it
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/alerts/reports?box=todo")
    listed = page.locator(".el-table__row", has_text=TITLE)
    expect(listed).to_be_visible(timeout=15000)
    listed.click()
    page.wait_for_url(f"**/alerts/reports/{report_id}", timeout=10000)
    expect(page.locator(".el-descriptions", has_text="性质研判").first).to_contain_text("群体性上访苗头")
    _shot(page, "05-township-report")
    page.locator("[data-test=info-raise-warning]").click()
    dialog = page.locator(".el-dialog:visible").last
    expect(dialog.get_by_text("可能发生赴市集体上访")).to_be_visible(timeout=10000)  # the yellow level's help
    expect(dialog.locator("[data-test=subject-type]")).to_contain_text("维稳信息")
    expect(dialog.locator("[data-test=subject-id] input")).to_have_value(str(report_id))
    title = dialog.locator("input[data-test=title], [data-test=title] input")
    expect(title).to_have_value(TITLE)
    title.fill(WARNING)
    dialog.locator("textarea[data-test=body], [data-test=body] textarea").fill(
        "冯墙社区部分村民因拆迁补偿有异议，拟赴区集体上访，请立即做好稳控和疏导工作。"
    )
    _pick(page, "units", "冯墙")
    _pick(page, "departments", "派出所")
    _shot(page, "06-township-new-warning")
    dialog.locator("[data-test=issue]").click()
    page.wait_for_url("**/alerts/warnings/*", timeout=15000)
    warning_id = int(page.url.split("?")[0].rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("[data-test=level-badge]")).to_have_text("黄色预警", timeout=10000)
    recipients = page.locator("[data-test=recipients] .el-table__row")
    expect(recipients).to_have_count(2)
    expect(page.locator("[data-test=recipients]")).to_contain_text("冯墙社区")
    expect(page.locator("[data-test=recipients]")).to_contain_text("派出所")
    expect(page.locator(".el-descriptions-item__cell, .el-descriptions__cell", has_text=TITLE).first).to_be_visible()
    _shot(page, "07-township-warning-issued")

    # 4. the village acknowledges it on the phone and reports its measures
    phone, m = _phone(browser, server, "village_officer")
    m.goto(server + "/m/warnings")
    item = m.locator("[data-test=m-warning-pending]", has_text=WARNING)
    expect(item).to_be_visible(timeout=15000)
    _shot(m, "08-phone-warnings")
    item.click()
    m.locator("[data-test=m-acknowledge]").click()
    measure = m.locator("textarea[data-test=m-measure-text], [data-test=m-measure-text] textarea")
    expect(measure).to_be_visible(timeout=10000)
    measure.fill(MEASURES)
    m.locator("[data-test=m-measure-submit]").click()
    expect(m.get_by_text(MEASURES).last).to_be_visible(timeout=10000)
    _shot(m, "09-phone-acknowledged-measures")
    phone.close()

    # 5. the township lifts the warning; 6. it generates and downloads the 预警报告
    page.reload()
    expect(page.locator("[data-test=recipients]").get_by_text("已签收").first).to_be_visible(timeout=10000)
    expect(page.get_by_text(MEASURES).first).to_be_visible()
    _dialog(page, "lift", "村民情绪稳定，未发生越级上访，解除预警")
    expect(page.get_by_text("已解除").first).to_be_visible(timeout=10000)
    _shot(page, "10-township-lifted")
    _dialog(page, "document", "浦口区信访局")
    doc_row = page.locator("[data-test=document]").first
    expect(doc_row).to_be_visible(timeout=10000)
    with page.expect_download() as download:
        doc_row.locator("[data-test=download]").click()
    assert download.value.suggested_filename.endswith(".docx")
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert f"关于{WARNING}的预警报告" in text or WARNING in text
    assert "浦口区信访局：" in text and "黄色预警" in text and "沿江街道" in text
    _shot(page, "11-township-document")
    # ... and the report's page links back to the warning raised about it
    page.goto(f"{server}/alerts/reports/{report_id}")
    linked = page.locator("[data-test=report-warning]")
    expect(linked).to_contain_text(WARNING, timeout=15000)
    expect(linked).to_contain_text("已解除")
    _shot(page, "12-township-report-linked")
    ctx.close()

    # the warning is about the report, and its timeline holds the whole walk
    token = _api(
        server, "/api/auth/login", body={"username": "township_officer", "password": PASSWORD, "client": "token"}
    )["token"]
    body = _api(server, f"/api/alerts/warnings/{warning_id}", token)
    assert body["subject_type"] == "info" and body["subject_id"] == report_id
    assert TITLE in body["subject_label"]
    assert body["status"] == "lifted"
    kinds = [a["kind"] for a in body["timeline"]]
    assert kinds[:3] == ["issue", "acknowledge", "measure"] and "lift" in kinds
