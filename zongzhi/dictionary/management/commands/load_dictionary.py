from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zongzhi.dictionary.loader import load_code_tables


class Command(BaseCommand):
    help = "Load the shipped code tables (adds what is missing, keeps local edits)."

    def handle(self, *args: Any, **options: Any) -> None:
        tables, items = load_code_tables()
        self.stdout.write(f"code tables: {tables} new tables, {items} new codes")
