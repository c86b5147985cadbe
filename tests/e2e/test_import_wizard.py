"""The import wizard in the console, as a village officer with a department's register: upload,
the columns it proposes, an unknown column mapped by hand, a missing column given one value,
progress, and the rejected rows. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from zongzhi.transfers.tests import messy
from zongzhi.units.demo import GRID_1

from .conftest import ARTIFACTS, BROWSER_MARKS, shot
from .test_case_walk import _console

pytestmark = BROWSER_MARKS


def _department_file() -> tuple[bytes, int]:
    """A 户籍 register: a merged title row, a blank row, 序号, its own headers, no 人口类别 column,
    every date and phone form; one header nobody's synonym names; one row with no such date."""
    persons = messy.people(30, seed=41, region="320111")
    rows = messy.department_rows(persons, 1, grid=GRID_1)
    header = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    rows[header][2] = "身份证明号"
    rows[header + 5][4] = "1980年2月30日"
    return messy.as_xlsx(rows), len(persons)


def test_a_department_register_goes_through_the_wizard(server: str, browser: Any) -> None:
    content, n = _department_file()
    ctx, page = _console(browser, server, "village_officer")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/people/imports")
    page.locator(".el-upload input[type=file]").set_input_files(
        {"name": "冯墙社区户籍人口登记表（2026年11月）.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_role("button", name="开始", exact=True).click()

    # 1. the columns it found: the header below the title, the department's headers matched
    review = page.locator("[data-test=column-review]")
    expect(review).to_be_visible(timeout=20000)
    expect(page.get_by_text("已识别第 3 行为表头")).to_be_visible()
    row_of = lambda header: review.locator("tbody tr").filter(has=page.get_by_text(header, exact=True))  # noqa: E731
    expect(row_of("联系电话").locator(".el-select")).to_contain_text("联系电话")
    expect(row_of("身份证明号").locator(".el-select")).to_contain_text("不导入")
    expect(review).not_to_contain_text("320111")  # ID numbers in the samples are masked
    shot(page, "import-1-columns-proposed")

    # 2. the unknown column mapped by hand, the missing 人口类别 given one value
    page.get_by_role("button", name="确认并开始导入").click()
    expect(page.get_by_text("文件中没有“证件号码”列").first).to_be_visible()
    row_of("身份证明号").locator(".el-select__wrapper").click()
    page.locator(".el-select-dropdown__item:visible").filter(has_text="证件号码").first.click()
    page.locator("[data-test=fixed-kind]").click()
    page.locator(".el-select-dropdown__item:visible").filter(has_text="户籍人口").first.click()
    shot(page, "import-2-missing-column-given-a-value")
    page.get_by_role("button", name="确认并开始导入").click()

    # 3. progress, then the result
    expect(page.locator(".el-progress")).to_be_visible(timeout=10000)
    shot(page, "import-3-progress")
    card = page.locator(".zz-im-card").first
    expect(card.locator(".el-tag").filter(has_text="已完成")).to_be_visible(timeout=60000)
    expect(card.locator(".el-statistic").filter(has_text="有误")).to_contain_text("1")
    imported = int(card.locator(".el-statistic").filter(has_text="成功").locator(".el-statistic__number").inner_text())
    skipped = int(card.locator(".el-statistic").filter(has_text="跳过").locator(".el-statistic__number").inner_text())
    assert imported + skipped == n - 1 and imported >= n - 3  # the demo may hold one of the same numbers
    shot(page, "import-4-done")

    # 4. the rejected row: the file's own line and the reason
    with page.expect_download() as download:
        card.get_by_role("button", name="下载有误的行").click()
    path = ARTIFACTS / "import-rejects.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    rejected = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rejected) == 1 and rejected[0][0] == 3 + 5 and "1980年2月30日" in str(rejected[0][1])

    # 5. the next file of the same shape opens with these choices
    page.reload()
    again, _ = _department_file()
    page.locator(".el-upload input[type=file]").set_input_files(
        {"name": "冯墙社区户籍人口登记表（2026年12月）.xlsx", "mimeType": "application/octet-stream", "buffer": again}
    )
    page.get_by_role("button", name="开始", exact=True).click()
    expect(page.get_by_text("已按本单位上次上传的")).to_be_visible(timeout=20000)
    expect(row_of("身份证明号").locator(".el-select")).to_contain_text("证件号码")
    shot(page, "import-5-remembered")
    page.get_by_role("button", name="取消上传").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(page.locator(".zz-im-card").first.locator(".el-tag").filter(has_text="已取消")).to_be_visible(timeout=10000)
    assert errors == []
    ctx.close()
