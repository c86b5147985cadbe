"""The built-in system administrator maintains the working-day calendar (calendar.manage)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# role code → capabilities this migration adds (the scope-matrix test reads it as its oracle).
GRANTS = {"sys_admin": ["calendar.manage"]}
DESCRIPTIONS = {
    "sys_admin": (
        "管理辖区、成员单位、账号、会话和数据字典；不能查阅审计日志",
        "管理辖区、成员单位、账号、会话、数据字典和工作日历；不能查阅审计日志",
    ),
}


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.capabilities = [*role.capabilities, *(c for c in caps if c not in role.capabilities)]
        old, new = DESCRIPTIONS.get(code, (None, None))
        if new and role.description == old:
            role.description = new
        role.save(update_fields=["capabilities", "description"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.capabilities = [c for c in role.capabilities if c not in caps]
        old, new = DESCRIPTIONS.get(code, (None, None))
        if old and role.description == new:
            role.description = old
        role.save(update_fields=["capabilities", "description"])


class Migration(migrations.Migration):
    dependencies = [("units", "0002_builtin_roles")]

    operations = [migrations.RunPython(grant, revoke)]
