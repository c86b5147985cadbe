from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zongzhi.core.context import Actor, set_actor
from zongzhi.core.errors import DomainError
from zongzhi.units import division_updates as updates
from zongzhi.units.models import Level, User

KIND_LABELS = {"new": "新增", "renamed": "更名", "recoded": "改代码", "restored": "恢复", "unlisted": "不再列出"}


class Command(BaseCommand):
    help = (
        "Compare a newer division list (CSV or .xlsx with 代码, 名称 and optionally 上级代码, 层级) "
        "with the jurisdiction tree and print the differences; --apply applies them in one "
        "transaction, as the given system administrator, through the same services as the console."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the division list, .csv or .xlsx")
        parser.add_argument("--user", required=True, help="username of a system administrator (acts and is audited)")
        parser.add_argument("--apply", action="store_true", help="apply the differences (default: preview only)")
        parser.add_argument("--retire", action="store_true", help="with --apply: retire units no longer listed")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.select_related("unit").filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))
        try:
            rows = updates.read_file(path.read_bytes(), path.name)
            if options["apply"]:
                plan = updates.apply_changes(
                    acting_user=user, rows=rows, retire=options["retire"], digest=None, source=path.name
                )
            else:
                plan = updates.plan_changes(user, rows)
        except DomainError as exc:
            details = "".join(f"\n  {e.get('message', e)}" for e in exc.errors)
            raise CommandError(f"{exc.message} [{exc.code}]{details}") from exc
        for c in plan.changes:
            before = f"{c.old_code or ''} {c.old_name or ''}".strip()
            line = f"{KIND_LABELS[c.kind]}\t{Level(c.level).label}\t{c.code} {c.name}"
            if before:
                line += f"\t(原 {before})"
            if c.kind == "unlisted":
                line += f"\t下有{c.records}条记录、{c.grids}个网格、{c.staff}个在用账号"
            if c.problem:
                line += f"\t!! {c.problem}"
            self.stdout.write(line)
        counts = ", ".join(f"{KIND_LABELS[k]} {plan.count(k)}" for k in KIND_LABELS)
        done = "applied" if options["apply"] else "preview only (add --apply to apply)"
        self.stdout.write(f"{plan.rows} rows, {plan.unchanged} unchanged; {counts}; {done}")
