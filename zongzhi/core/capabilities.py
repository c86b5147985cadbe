"""What a role may do. Capabilities are grouped by kind: business work, and the three
separated administrator kinds (三员分立). A role, and a user through all their roles, may hold
capabilities of at most one administrator kind."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    code: str
    label: str
    kind: str  # "business" | "system" | "security" | "audit"


KIND_LABELS = {
    "business": "业务",
    "system": "系统管理员",
    "security": "安全管理员",
    "audit": "审计管理员",
}

CAPABILITIES: dict[str, Capability] = {
    c.code: c
    for c in [
        Capability("records.read", "查看辖区数据", "business"),
        Capability("records.write", "录入和维护辖区数据", "business"),
        Capability("pii.unmask", "查看完整身份证号和手机号", "business"),
        Capability("records.sensitive", "查看和维护重点人员、关怀对象信息", "business"),
        # Not in any built-in role: a security administrator grants it explicitly (units.accounts).
        Capability("registry.correct", "上级更正下级数据", "business"),
        Capability("cases.report", "上报事件、发起办件", "business"),
        Capability("cases.handle", "受理、办理、分流、上报办件", "business"),
        Capability("cases.supervise", "督办下级办件", "business"),
        Capability("alerts.report", "报送维稳信息、零报告，签收预警", "business"),
        Capability("alerts.screen", "研判、转报维稳信息，登记迟报漏报瞒报", "business"),
        Capability("alerts.warn", "发布、调整和解除预警", "business"),
        # Not in any built-in role: a security administrator grants it explicitly.
        Capability("alerts.secret", "查看秘密级维稳信息", "business"),
        Capability("alerts.duty", "安排值班、填写值班记录", "business"),
        Capability("alerts.network", "管理信息员网络、群发短信", "business"),
        Capability("office.write", "录入会议、活动、工作日志、排查报表、风险评估，签收公文", "business"),
        Capability("office.send", "向下级发送公文、通知，查看签收情况", "business"),
        Capability("office.patrol", "在手机上巡逻签到、记录巡逻", "business"),
        Capability("terminals.manage", "管理终端台账（配发、交接、收回、挂失）", "business"),
        Capability("assess.score", "为下级单位人工评分、发布督查通报", "business"),
        Capability("cases.configure", "设置办理时限规则", "system"),
        Capability("alerts.configure", "设置报送和签收时限、敏感期、文书模板", "system"),
        Capability("office.configure", "设置日常办公规则（录入期限、签收时限等）", "system"),
        Capability("field.configure", "设置每日必办规则和保密协议文本", "system"),
        Capability("assess.configure", "设置考评细则（评分项、分值和扣分规则）", "system"),
        Capability("units.manage", "管理辖区、网格和成员单位", "system"),
        Capability("users.manage", "管理用户账号", "system"),
        Capability("sessions.manage", "查看和结束在线会话", "system"),
        Capability("dictionary.manage", "维护数据字典", "system"),
        Capability("calendar.manage", "维护工作日历", "system"),
        Capability("roles.manage", "管理角色和权限", "security"),
        Capability("roles.assign", "为用户授予角色和数据范围", "security"),
        Capability("audit.read", "查阅审计日志", "audit"),
        Capability("audit.export", "导出审计日志", "audit"),
    ]
}

ADMIN_KINDS = ("system", "security", "audit")


def admin_kinds_of(codes: set[str] | list[str]) -> set[str]:
    return {CAPABILITIES[c].kind for c in codes if c in CAPABILITIES and CAPABILITIES[c].kind in ADMIN_KINDS}
