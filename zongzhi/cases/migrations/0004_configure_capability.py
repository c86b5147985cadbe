"""Administrators set the deadline rules: the capability, granted to the system administrator."""

from __future__ import annotations

from typing import Any

from django.db import migrations

GRANTS = {"sys_admin": ["cases.configure"]}


def forward(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.capabilities = list(dict.fromkeys([*role.capabilities, *caps]))
            role.save(update_fields=["capabilities"])


def backward(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.capabilities = [c for c in role.capabilities if c not in caps]
            role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_todo_indexes"), ("units", "0003_calendar_capability")]

    operations = [migrations.RunPython(forward, backward)]
