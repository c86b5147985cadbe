"""Default time limits, the warning report's template entry, the informant's phone role and the
alerts capabilities of the built-in roles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

# Seed 001: 重大 within 1 hour, 重要 within 2 hours (3 in the older rule; administrators change it).
INFO_LIMITS = [
    ("major", Decimal("1"), "重大事件必须在1小时以内报告"),
    ("important", Decimal("2"), "重要情况应在2小时内报告"),
]
# The seeds set no acknowledgement limits; these are the defaults administrators start from.
WARNING_LIMITS = [("red", Decimal("1")), ("yellow", Decimal("2")), ("blue", Decimal("24"))]

ROLE_CAPS = {
    "grid_worker": ["alerts.report"],
    "village_officer": ["alerts.report", "alerts.screen", "alerts.duty", "alerts.network"],
    "township_officer": ["alerts.report", "alerts.screen", "alerts.warn", "alerts.duty", "alerts.network"],
    "county_officer": ["alerts.report", "alerts.screen", "alerts.warn", "alerts.duty", "alerts.network"],
    "department_user": ["alerts.report", "alerts.duty"],
    "leader": ["alerts.warn"],
    "sys_admin": ["alerts.configure"],
}


def forward(apps: Any, schema_editor: Any) -> None:
    InfoLimit = apps.get_model("alerts", "InfoLimit")
    WarningLimit = apps.get_model("alerts", "WarningLimit")
    DocumentTemplate = apps.get_model("alerts", "DocumentTemplate")
    Role = apps.get_model("units", "Role")
    for urgency, hours, note in INFO_LIMITS:
        InfoLimit.objects.get_or_create(urgency=urgency, defaults={"hours": hours, "note": note})
    for level, hours in WARNING_LIMITS:
        WarningLimit.objects.get_or_create(level=level, defaults={"ack_hours": hours})
    DocumentTemplate.objects.get_or_create(code="warning_report", defaults={"name": "预警报告"})
    Role.objects.update_or_create(
        code="informant",
        defaults={
            "name": "信息员",
            "description": "在手机上报送维稳信息和零报告",
            "capabilities": ["alerts.report"],
            "is_builtin": True,
        },
    )
    grant_capabilities(apps, ROLE_CAPS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, ROLE_CAPS)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("units", "0002_builtin_roles")]

    operations = [migrations.RunPython(forward, backward)]
