"""Default deadline rules and the case capabilities of the built-in roles."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

RULES = [
    ("event", "", "", "accept", 1, "workdays", "事件1个工作日内受理"),
    ("event", "", "urgent", "accept", 2, "hours", "紧急事件2小时内受理"),
    ("event", "01", "", "handle", 15, "workdays", "矛盾纠纷15个工作日内办结"),
    ("event", "02", "", "handle", 10, "workdays", "治安隐患10个工作日内办结"),
    ("event", "03", "", "handle", 10, "workdays", "安全隐患10个工作日内办结"),
    ("event", "04", "", "handle", 5, "workdays", "民生服务5个工作日内办结"),
    ("event", "", "urgent", "handle", 24, "hours", "紧急事件24小时内办结"),
    ("event", "", "", "handle", 15, "workdays", "其他事件15个工作日内办结"),
    ("task", "", "", "accept", 1, "workdays", "任务1个工作日内签收"),
    ("request", "", "", "accept", 1, "workdays", "请示求助1个工作日内受理"),
    ("rectification", "", "", "accept", 1, "workdays", "整改通知书1个工作日内签收"),
    ("petition", "", "", "accept", 15, "days", "信访工作条例：15日内决定是否受理"),
    ("petition", "", "", "handle", 60, "days", "信访工作条例：受理之日起60日内办结"),
]
ROLE_CAPS = {
    "grid_worker": ["cases.report", "cases.handle"],
    "village_officer": ["cases.report", "cases.handle"],
    "township_officer": ["cases.report", "cases.handle", "cases.supervise"],
    "county_officer": ["cases.report", "cases.handle", "cases.supervise"],
    "department_user": ["cases.report", "cases.handle"],
    "leader": ["cases.supervise"],
}


def forward(apps: Any, schema_editor: Any) -> None:
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for kind, prefix, urgency, stage, amount, measure, note in RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind, category_prefix=prefix, urgency=urgency, stage=stage,
            defaults={"amount": amount, "measure": measure, "note": note},
        )
    grant_capabilities(apps, ROLE_CAPS)


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, ROLE_CAPS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("units", "0002_builtin_roles")]

    operations = [migrations.RunPython(forward, backward)]
