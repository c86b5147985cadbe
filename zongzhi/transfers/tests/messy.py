"""Generators of spreadsheets shaped like other departments' exports (seed 003 第十七条: 每月与相关
部门导入的信息进行比对), for the import tests: title rows, 序号 columns, their own headers, no
人口类别 column, full-width characters, every date and phone form seen in such files.

Each variant writes the same people, so a test can check that all of them arrive, and arrive
the same, whatever the file looks like.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from zongzhi.people.idcard import check_digit

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    address: str

    @property
    def birth(self) -> dt.date:
        return dt.date(int(self.id_number[6:10]), int(self.id_number[10:12]), int(self.id_number[12:14]))


def people(n: int, seed: int = 7, region: str = "320111") -> list[Person]:
    """n people with valid, distinct ID numbers (some ending in X) and mobile phones."""
    rng = random.Random(seed)
    out: list[Person] = []
    seen: set[str] = set()
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭", "建国秀英志强桂兰海燕明华丽娟伟"
    while len(out) < n:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 80 * 365))
        first17 = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + check_digit(first17)
        if number in seen:
            continue
        seen.add(number)
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        out.append(Person(name, number, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", f"冯墙路{len(out) + 1}号"))
    return out


# The ways a department file writes one value; `i` (the row) picks among them, so one file
# holds all of them.
def date_forms(day: dt.date, i: int) -> Any:
    forms: list[Any] = [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y.%m.%d}",
        f"{day:%Y%m%d}",
        day,  # a date cell (xlsx) or ISO text (csv)
        f"{day:%Y-%m-%d} 00:00:00",
        f"{day.year}-{day.month}-{day.day}",
        (day - dt.date(1899, 12, 30)).days,  # an Excel date serial in a number cell
        f"{day:%Y年%m月%d日}".translate(FULL_WIDTH),
    ]
    return forms[i % len(forms)]


def phone_forms(phone: str, i: int) -> str:
    forms = [
        phone,
        f"{phone[:3]} {phone[3:7]} {phone[7:]}",
        f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f"+86{phone}",
        f"+86 {phone}",
        f"0086-{phone}",
        phone.translate(FULL_WIDTH),
        f" {phone}\u3000",
    ]
    return forms[i % len(forms)]


def id_forms(number: str, i: int) -> str:
    forms = [
        number,
        number.translate(FULL_WIDTH),
        number.lower(),
        f" {number} ",
        f"{number[:6]} {number[6:14]} {number[14:]}",
        f"\u3000{number}",
    ]
    return forms[i % len(forms)]


ID_HEADERS = ["公民身份号码", "身份证号码", "身份证号", "证件号码（必填）"]
PHONE_HEADERS = ["手机号码", "联系电话", "手机号", "联系方式"]
ADDRESS_HEADERS = ["现居住地址", "现住址", "现住地址", "居住地址"]
BIRTH_HEADERS = ["出生日期", "出生年月日", "生日", "出生日期"]


def department_rows(persons: list[Person], variant: int, *, grid: str, title: bool = True) -> list[list[Any]]:
    """A 户籍 register as a department exports it: a title row (and sometimes a blank row),
    序号, the department's own headers, no 人口类别 column; variant picks headers and order."""
    header = [
        "序号",
        "姓名",
        ID_HEADERS[variant % 4],
        "性别",
        BIRTH_HEADERS[variant % 4],
        "民族",
        PHONE_HEADERS[variant % 4],
        ADDRESS_HEADERS[variant % 4],
        "网格代码",
        "备注",
    ]
    rows: list[list[Any]] = []
    if title:
        rows.append(["浦口区沿江街道户籍人口登记表（2026年11月）", *[None] * (len(header) - 1)])
        if variant % 2:
            rows.append([None] * len(header))
    rows.append(header)
    for i, p in enumerate(persons):
        sex = "男" if int(p.id_number[16]) % 2 else "女"
        rows.append(
            [
                i + 1,
                f" {p.name} " if i % 5 == 0 else p.name,
                id_forms(p.id_number, i + variant),
                sex if i % 3 else "",
                date_forms(p.birth, i + variant),
                "汉族",
                phone_forms(p.phone, i + variant),
                p.address.translate(FULL_WIDTH) if i % 4 == 0 else p.address,
                grid,
                "",
            ]
        )
    return rows


def as_xlsx(rows: list[list[Any]], *, merge_title: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge_title and rows and rows[0][0] and all(c is None for c in rows[0][1:]):
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows: list[list[Any]], encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if c is None else c.isoformat() if isinstance(c, dt.date) else c for c in row])
    return out.getvalue().encode(encoding)
