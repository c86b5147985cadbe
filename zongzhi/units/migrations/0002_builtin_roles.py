"""The built-in roles: the personas of DESIGN.md and the three separated administrators."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BUSINESS = ["records.read", "records.write"]
ROLES = [
    ("grid_worker", "网格员", "在手机上走访、巡查、上报事件，维护所负责网格的数据", BUSINESS),
    ("village_officer", "村（社区）综治专干", "维护本村（社区）台账，办理事件、会议和日志", [*BUSINESS, "pii.unmask"]),
    ("township_officer", "乡镇（街道）综治办", "受理、分流、督办、研判，考核村（社区）", [*BUSINESS, "pii.unmask"]),
    ("county_officer", "县（区）综治中心", "上一级的受理、分流、督办和研判，大屏", [*BUSINESS, "pii.unmask"]),
    ("department_user", "成员单位用户", "办理分流到本部门的事件", BUSINESS),
    ("leader", "领导", "查看辖区内全部数据并督办", ["records.read", "pii.unmask"]),
    ("sys_admin", "系统管理员", "管理辖区、成员单位、账号、会话和数据字典；不能查阅审计日志",
     ["units.manage", "users.manage", "sessions.manage", "dictionary.manage"]),
    ("sec_admin", "安全管理员", "管理角色和权限，为账号授予角色和数据范围", ["roles.manage", "roles.assign"]),
    ("auditor", "审计管理员", "查阅和导出审计日志", ["audit.read", "audit.export"]),
]


def create_roles(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("units", "Role")
    for code, name, description, caps in ROLES:
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "capabilities": caps, "is_builtin": True}
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
