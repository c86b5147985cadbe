"""Loading the shipped code tables (data/code_tables.json) into the database.

Idempotent: adds tables and codes that are missing and leaves existing ones alone, so labels
edited by administrators survive upgrades.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_FILE = Path(__file__).parent / "data" / "code_tables.json"


@transaction.atomic
def load_code_tables(path: Path = DATA_FILE) -> tuple[int, int]:
    from .models import CodeItem, CodeTable

    data = json.loads(path.read_text(encoding="utf-8"))
    new_tables = new_items = 0
    for t in data["tables"]:
        table, created = CodeTable.objects.get_or_create(
            code=t["code"],
            defaults={
                "namespace": t["namespace"],
                "name": t["name"],
                "standard": t.get("standard", ""),
                "hierarchical": bool(t.get("hierarchical")),
            },
        )
        new_tables += int(created)
        existing = {i.code: i for i in CodeItem.objects.filter(table=table)}
        for sort, item in enumerate(t["items"]):
            if item["code"] in existing:
                continue
            parent = existing.get(item["parent"]) if item.get("parent") else None
            obj = CodeItem.objects.create(
                table=table, code=item["code"], label=item["label"], parent=parent, sort=sort * 10
            )
            existing[obj.code] = obj
            new_items += 1
    return new_tables, new_items


def load_after_migrate(sender: Any, **kwargs: Any) -> None:
    from django.db import connections

    using = kwargs.get("using", "default")
    if "dictionary_codetable" not in connections[using].introspection.table_names():
        return
    load_code_tables()
