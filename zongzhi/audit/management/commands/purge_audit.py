from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event
from zongzhi.core.context import Actor, set_actor


class Command(BaseCommand):
    help = (
        "Delete audit entries older than the retention period (ZONGZHI_AUDIT_RETENTION_DAYS, at least 180). "
        "The database refuses to delete younger entries whatever this command is told."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 180:
            raise CommandError("audit entries are kept at least 180 days")
        set_actor(Actor(username="system"))
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = AuditLog.objects.filter(at__lt=cutoff).delete()
        record_event("audit.purged", detail={"days": days, "deleted": deleted})
        self.stdout.write(f"audit entries older than {days} days deleted: {deleted}")
