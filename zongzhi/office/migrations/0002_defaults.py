"""The office capabilities of the built-in roles, and no pattern copies of the path indexes."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.core.migration_ops import drop_path_like_indexes
from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

ROLE_CAPS = {
    "village_officer": ["office.write", "office.send"],
    "township_officer": ["office.write", "office.send"],
    "county_officer": ["office.write", "office.send"],
    "department_user": ["office.write"],
    "sys_admin": ["office.configure"],
}


def forward(apps: Any, schema_editor: Any) -> None:
    grant_capabilities(apps, ROLE_CAPS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, ROLE_CAPS)


class Migration(migrations.Migration):
    dependencies = [("office", "0001_initial"), ("units", "0002_builtin_roles")]

    operations = [migrations.RunPython(forward, backward), drop_path_like_indexes("office")]
