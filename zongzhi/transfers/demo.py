"""Made-up files to import: for the benchmark and for trying the import by hand."""

from __future__ import annotations

import csv
import datetime as dt
import random

from zongzhi.people.demo import REGIONS, STREETS, id_number, person_name

from .import_columns import COLUMNS


def write_csv(path: str, count: int, grid_codes: list[str], seed: int = 2026) -> None:
    """A CSV in the import template's columns: `count` made-up residents spread over the grids
    (for the benchmark and for trying the import). Streams: memory stays flat."""
    rng = random.Random(seed)
    fields = [c.field for c in COLUMNS]
    used: set[str] = set()
    ethnicities = ["汉族"] * 19 + ["回族"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in COLUMNS])
        written = 0
        while written < count:
            sex = rng.choice("12")
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 80 * 365))
            region = rng.choice(REGIONS)
            number = id_number(rng, region, birth, sex)
            if number in used:
                continue
            used.add(number)
            floating = region != "320111"
            row = {
                "name": person_name(rng),
                "id_type_code": "居民身份证",
                "id_number": number,
                "kind": "流动人口" if floating else "户籍人口",
                "ethnicity_code": rng.choice(ethnicities),
                "phone": f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}",
                "current_address": f"南京市浦口区{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
                "unit_code": rng.choice(grid_codes),
                "marital_code": "已婚" if birth.year < 1995 else "未婚",
            }
            if floating:
                row["permit_type"], row["reason_for_moving"] = "居住证", "务工"
            writer.writerow([row.get(f, "") for f in fields])
            written += 1
