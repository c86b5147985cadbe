from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zongzhi.audit.chain import seal_pending


class Command(BaseCommand):
    help = (
        "Run the audit chain's sealing job once (what Celery beat runs every minute). On PostgreSQL "
        "a run seals what the previous run saw, once the transactions running then have ended."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"audit entries sealed: {seal_pending()}")
