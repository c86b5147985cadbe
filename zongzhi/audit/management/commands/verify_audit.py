from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zongzhi.audit.chain import verify
from zongzhi.audit.services import record_event
from zongzhi.core.context import Actor, set_actor


class Command(BaseCommand):
    help = (
        "Verify the audit chain over an id range (the whole log by default), as the auditor's "
        "完整性校验 does; exits with status 1 at the first broken link. For cron and monitoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-id", type=int, default=None)
        parser.add_argument("--to-id", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        set_actor(Actor(username="system"))
        verdict = verify(options["from_id"], options["to_id"])
        broken = verdict.broken
        record_event(
            "audit.verified",
            detail={
                "range": {k: options[k] for k in ("from_id", "to_id") if options[k] is not None},
                "checked": verdict.checked,
                "ok": verdict.ok,
                **({"broken_id": broken.entry_id, "kind": broken.kind} if broken else {}),
            },
        )
        if broken:
            raise CommandError(f"{broken.kind_label}: {broken.message} (checked before it: {verdict.checked})")
        self.stdout.write(
            f"audit chain verified: {verdict.checked} entries, {verdict.unsealed} not yet sealed, "
            f"{verdict.purged} purged after retention; sealed up to id {verdict.sealed_to}"
        )
