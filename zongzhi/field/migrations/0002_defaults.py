"""The capabilities of the grid worker's day for the built-in roles, the default must-do rules,
the first confidentiality agreement (seed 003 保密制度), and no pattern copies of the path
indexes (this app's and the office's new patrol tables)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zongzhi.core.migration_ops import drop_path_like_indexes
from zongzhi.units.role_grants import grant_capabilities, revoke_capabilities

ROLE_CAPS = {
    "grid_worker": ["office.patrol"],
    "village_officer": ["office.patrol", "terminals.manage"],
    "township_officer": ["office.patrol", "terminals.manage"],
    "county_officer": ["terminals.manage"],
    "sys_admin": ["field.configure"],
}

# (kind, lead_days, note): what goes on a grid worker's list each morning.
RULES = [
    ("visit", 3, "重点人员、关怀对象按走访频次到期（含逾期）的走访，提前天数内列入"),
    ("inspection", 0, "本月尚未巡检的治安设施"),
    ("case", 0, "在本人手中待办的事件"),
    ("warning", 0, "本单位尚未签收的预警"),
    ("zero_report", 0, "当日零报告（报送期内尚未报送时）"),
    ("document", 0, "尚未签收的公文、通知"),
    ("patrol", 0, "本人参加、今日排班的巡逻线路"),
]

AGREEMENT = """一、综治信息系统做到专人管理、专线连接、专机专用，终端不得混用、串用、转借他人。
二、妥善保管登录帐号与密码，不得外传；不得随意委托他人管理维护系统。
三、不得随意外传系统内的个人隐私、涉稳信息。
四、不得随意拷贝、复制、摘抄、留存综治信息系统内的个人隐私、涉稳信息。
五、系统操作专用电脑不得接入互联网及其他公共信息网络，不得擅自安装软件；做好终端的保密、防盗和防病毒工作。
六、如有账号密码外泄或移动终端（手机）丢失，须在24小时内逐级报告。
七、调离、辞职时交回终端，办理交接手续。
本人已阅读并承诺遵守上述保密要求，如有违反，愿承担相应责任。"""


def forward(apps: Any, schema_editor: Any) -> None:
    grant_capabilities(apps, ROLE_CAPS)
    MustDoRule = apps.get_model("field", "MustDoRule")
    for kind, lead_days, note in RULES:
        MustDoRule.objects.get_or_create(kind=kind, defaults={"lead_days": lead_days, "note": note})
    AgreementText = apps.get_model("field", "AgreementText")
    AgreementText.objects.get_or_create(
        version=1, defaults={"title": "综治信息系统应用安全保密协议", "body": AGREEMENT}
    )


def backward(apps: Any, schema_editor: Any) -> None:
    revoke_capabilities(apps, ROLE_CAPS)


class Migration(migrations.Migration):
    dependencies = [("field", "0001_initial"), ("office", "0005_patrols"), ("units", "0002_builtin_roles")]

    operations = [
        migrations.RunPython(forward, backward),
        drop_path_like_indexes("field"),
        drop_path_like_indexes("office"),
    ]
