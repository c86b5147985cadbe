"""Special-population data is for the roles that visit and manage those people."""

from __future__ import annotations

from typing import Any

from django.db import migrations

GRANTS = {
    "grid_worker": ["records.sensitive"],
    "village_officer": ["records.sensitive"],
    "township_officer": ["records.sensitive"],
    "county_officer": ["records.sensitive"],
    "leader": ["records.sensitive"],
}


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
    dependencies = [("registry", "0002_visits"), ("units", "0004_user_grants_stamp")]

    operations = [migrations.RunPython(forward, backward)]
