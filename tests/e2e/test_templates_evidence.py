"""The document templates page, evidence files on a hand score and the bulletin a village
receives, in the browser on the demo data.

1. The system administrator opens 系统管理 › 文书模板: the three templates, the default in use;
   a broken template is refused with the server's reason on the page; a good one replaces the
   bulletin's template; 恢复默认 brings the default back.
2. The township scores a village's hand item with a photo and a PDF as evidence; the row shows
   them; the village's sheet links them.
3. The township issues its bulletin; the village officer finds it on 督查通报 marked 上级下发,
   without the issue button, and opens its print view.

Screenshots: test-artifacts/templates-*.png, hand-evidence*.png, bulletin-received.png.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from PIL import Image
from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, admin_console, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS
DEFAULT_BULLETIN = Path(__file__).resolve().parents[2] / "zongzhi" / "assess" / "templates_docx" / "bulletin.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bulletin_template(line: str) -> bytes:
    doc = Document(str(DEFAULT_BULLETIN))
    doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _settled(page: Any) -> None:
    expect(page.locator(".el-loading-mask:visible")).to_have_count(0, timeout=15000)
    page.wait_for_timeout(600)


def test_the_administrator_replaces_and_restores_a_template(server: str, browser: Any) -> None:
    ctx, page = admin_console(browser, server, "sysadmin")
    page.goto(server + "/")
    page.get_by_role("menuitem", name="系统管理").click()
    page.get_by_role("menuitem", name="文书模板").click()
    page.wait_for_url(lambda u: "/system/templates" in u, timeout=15000)
    card = page.locator("[data-test=template-bulletin]")
    expect(card).to_contain_text("督查通报", timeout=15000)
    for code in ("warning_report", "analysis_report"):
        expect(page.locator(f"[data-test=template-{code}] [data-test=template-state]")).to_have_text("系统默认模板")
    expect(card.locator("[data-test=template-state]")).to_have_text("系统默认模板")
    card.get_by_text("模板变量").click()
    expect(card.locator("[data-test=template-variables]")).to_contain_text("ranking.rank")
    expect(card.locator("[data-test=template-variables]")).to_contain_text("名次")
    _settled(page)
    shot(page, "templates-default")

    # a broken template: refused, the reason shown on the page
    upload = card.locator(".el-upload input[type=file]")
    upload.set_input_files({"name": "坏模板.docx", "mimeType": DOCX, "buffer": _bulletin_template("{% for x in %}")})
    refused = card.locator("[data-test=template-refused]")
    expect(refused).to_contain_text("模板无法生成文书，请检查其中的占位符", timeout=15000)
    expect(card.locator("[data-test=template-state]")).to_have_text("系统默认模板")
    shot(page, "templates-refused")

    # a good one replaces the bulletin's template
    upload.set_input_files(
        {"name": "本办模板.docx", "mimeType": DOCX, "buffer": _bulletin_template("（本办）{{ month_label }}")}
    )
    expect(card.locator("[data-test=template-state]")).to_have_text("本单位上传的模板", timeout=15000)
    expect(card.locator("[data-test=template-changed]")).to_contain_text("周涛")
    expect(refused).to_have_count(0)
    with page.expect_download() as dl:
        card.locator("[data-test=template-download]").click()
    text = "\n".join(p.text for p in Document(dl.value.path()).paragraphs)
    assert "（本办）{{ month_label }}" in text
    _settled(page)
    shot(page, "templates-custom")

    # restore the default
    card.locator("[data-test=template-reset]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(card.locator("[data-test=template-state]")).to_have_text("系统默认模板", timeout=15000)
    expect(card.locator("[data-test=template-changed]")).to_contain_text("恢复默认")
    ctx.close()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 40, 40)).save(buf, "JPEG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_township_attaches_evidence_to_a_hand_score(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/assess/hand")
    table = page.locator("[data-test=hand-items]")
    expect(table).to_contain_text("建立保障体制", timeout=15000)
    village = page.locator("[data-test=hand-unit] .el-select__selected-item:not(.is-hidden)").first.inner_text().strip()
    assert village
    table.locator("tr", has_text="6.1").first.locator("[data-test=hand-edit]").click()
    dialog = page.locator(".el-dialog").last
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=hand-score] input").fill("1")
    dialog.locator("textarea").fill("综治专干未明确")
    dialog.locator("[data-test=hand-upload] input[type=file]").set_input_files(
        [
            {"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()},
            {"name": "督查记录.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    expect(dialog.locator(".el-upload-list__item.is-success")).to_have_count(2, timeout=15000)
    shot(page, "hand-evidence-dialog")
    dialog.locator("[data-test=hand-save]").click()
    expect(dialog).to_be_hidden(timeout=10000)
    row = table.locator("tr", has_text="6.1").first
    files = row.locator("[data-test=hand-files]")
    expect(files).to_contain_text("督查记录.pdf", timeout=10000)
    expect(files.locator("img")).to_have_count(1)
    _settled(page)
    shot(page, "hand-evidence")
    # the village's sheet links the files
    page.goto(server + "/assess/scores")
    page.locator("[data-test=scores-ranking]").get_by_text(village).click()
    page.wait_for_url("**/assess/scores/*", timeout=10000)
    links = page.locator("[data-test=sheet-files]")
    expect(links.first).to_contain_text("现场照片.jpg", timeout=15000)
    expect(links.first).to_contain_text("督查记录.pdf")
    _settled(page)
    shot(page, "hand-evidence-sheet")
    ctx.close()


def test_the_village_reads_the_bulletin_its_township_issued(server: str, browser: Any) -> None:
    ctx, page = _console(browser, server, "township_officer")
    page.goto(server + "/assess/bulletins")
    expect(page.locator("[data-test=bulletin-list]")).to_be_visible(timeout=15000)
    page.locator("[data-test=bulletin-generate]").click()
    page.wait_for_url(lambda u: "/print" in u, timeout=60000)
    title = page.locator("[data-test=bulletin-print] h1").inner_text(timeout=30000)
    page.goto(server + "/assess/bulletins")
    row = page.locator("[data-test=bulletin-list] .el-table__row", has_text=title).first
    row.get_by_role("button", name="下发").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(row.get_by_text("已下发")).to_be_visible(timeout=30000)
    ctx.close()

    ctx, page = _console(browser, server, "village_officer")
    page.goto(server + "/assess/bulletins")
    row = page.locator("[data-test=bulletin-list] .el-table__row", has_text=title).first
    expect(row.locator("[data-test=bulletin-received]")).to_have_text("上级下发", timeout=15000)
    expect(row.get_by_role("button", name="下发")).to_have_count(0)
    expect(page.locator("[data-test=bulletin-generate]")).to_have_count(0)
    _settled(page)
    shot(page, "bulletin-received")
    row.get_by_role("button", name="打印预览").click()
    page.wait_for_url(lambda u: "/print" in u, timeout=15000)
    expect(page.locator("[data-test=bulletin-ranking]")).to_contain_text("冯墙社区", timeout=15000)
    shot(page, "bulletin-received-print")
    ctx.close()
