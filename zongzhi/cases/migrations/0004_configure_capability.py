"""Administrators set the deadline rules: the capability, granted to the system administrator."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

GRANTS = {"sys_admin": ["cases.configure"]}


def forward(apps: Any, schema_editor: Any) -> None:
    grant_capabilities(apps, GRANTS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_todo_indexes"), ("units", "0003_calendar_capability")]

    operations = [migrations.RunPython(forward, backward)]
