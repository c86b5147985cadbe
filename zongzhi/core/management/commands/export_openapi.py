from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Write the OpenAPI schema (the front end generates its types from it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", nargs="?", default="build/openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        from zongzhi.api import api

        schema = api.get_openapi_schema()
        out = Path(options["output"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {out}")
