"""The assessment capabilities for the built-in roles: the township and the county score the
units below them by hand and issue the monthly bulletin; the system administrator edits the
rubric."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

ROLE_CAPS = {
    "township_officer": ["assess.score"],
    "county_officer": ["assess.score"],
    "sys_admin": ["assess.configure"],
}


def forward(apps: Any, schema_editor: Any) -> None:
    grant_capabilities(apps, ROLE_CAPS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, ROLE_CAPS)


class Migration(migrations.Migration):
    dependencies = [("units", "0002_builtin_roles")]
    operations = [migrations.RunPython(forward, backward)]
