"""Special-population data is for the roles that visit and manage those people."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

GRANTS = {
    "grid_worker": ["records.sensitive"],
    "village_officer": ["records.sensitive"],
    "township_officer": ["records.sensitive"],
    "county_officer": ["records.sensitive"],
    "leader": ["records.sensitive"],
}


def forward(apps: Any, schema_editor: Any) -> None:
    grant_capabilities(apps, GRANTS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_visits"), ("units", "0004_user_grants_stamp")]

    operations = [migrations.RunPython(forward, backward)]
