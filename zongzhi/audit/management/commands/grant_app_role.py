from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from zongzhi.audit.roles import RoleError, grant


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's database role what it needs, and only INSERT and SELECT "
        "on the audit tables. Run as the owner role after every migrate; idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the web and Celery processes connect as")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; the embedded SQLite database has no roles")
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                grant(cursor, options["role"])
        except RoleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"granted the application's privileges to {options['role']}")
