"""Writing the audit log. Services call `record_event`; signals call `record_change`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from zongzhi.core.context import current_actor
from zongzhi.core.fastinsert import Batch, Inserter
from zongzhi.core.records import record_type

from .models import AuditLog, ChangeLoggedModel, audit_value

# Human labels for business actions, shown in the auditor's console and export.
ACTION_LABELS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "audit.verified": "校验审计日志完整性",
    "registry.corrected": "上级更正下级数据",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.locked": "账号锁定",
    "auth.logout": "退出登录",
    "auth.otp_failed": "动态口令错误",
    "auth.otp_enabled": "启用动态口令",
    "auth.otp_disabled": "停用动态口令",
    "auth.password_changed": "修改密码",
    "auth.session_expired": "会话超时",
    "auth.session_ended": "强制下线",
    "scope.denied": "越权访问被拒绝",
    "permission.denied": "无权限操作被拒绝",
    "pii.unmask": "查看完整个人信息",
    "pii.lookup": "按完整证件号码或手机号查找",
    "audit.export": "导出审计日志",
    "audit.purged": "清理过期审计日志",
    "cases.stats_exported": "导出办件统计",
    "duty.rotation_created": "批量排班",
    "duty.shift_cancelled": "取消值班安排",
    "duty.log_added": "填写值班记录",
    "duty.handed_over": "交班",
    "duty.received": "接班",
    "alerts.stats_exported": "导出预警与信息报送统计",
    "case.created": "新建办件",
    "case.rule_changed": "修改办理时限规则",
    "unit.created": "新增辖区",
    "unit.renamed": "辖区更名",
    "unit.moved": "辖区迁移",
    "unit.retired": "撤销辖区",
    "unit.restored": "恢复辖区",
    "unit.divisions_loaded": "更新区划代码",
    "department.created": "新增成员单位",
    "department.retired": "撤销成员单位",
    "user.created": "新增用户",
    "user.updated": "修改用户",
    "user.grants_changed": "用户授权变更",
    "user.password_reset": "重置密码",
    "user.deactivated": "停用用户",
    "user.activated": "启用用户",
    "user.unlocked": "解除锁定",
    "role.created": "新增角色",
    "role.updated": "修改角色",
    "dictionary.item_added": "新增字典代码",
    "dictionary.item_updated": "修改字典代码",
    "dictionary.item_retired": "停用字典代码",
    "dictionary.item_restored": "启用字典代码",
    "dictionary.item_deleted": "删除字典代码",
    "calendar.day_set": "设置工作日历",
    "calendar.day_cleared": "撤销工作日历设置",
    "calendar.year_completed": "确认节假日安排已录入",
    "resident.moved": "实有人口迁移辖区",
    "resident.retired": "注销实有人口",
    "category.retired": "解除列管",
    "visit.recorded": "记录走访服务",
    "place.retired": "注销场所",
    "house.occupant_added": "登记房屋居住人",
    "house.occupant_left": "居住人迁出",
    "facility.inspected": "记录设施巡检",
    "organisation.member_added": "新增组织成员",
    "organisation.member_removed": "移除组织成员",
    "registry.import_started": "上传文件导入",
    "registry.compare_started": "上传文件比对",
    "registry.import_finished": "导入文件处理完成",
    "registry.compare_finished": "比对完成",
    "registry.import_confirmed": "确认导入",
    "registry.import_cancelled": "取消导入",
    "registry.report_downloaded": "下载比对报告",
    "registry.rejects_downloaded": "下载有误行",
    "registry.number_cell_scan": "排查数字单元格中的证件号码",
    "export.requested": "申请导出数据",
    "export.approved": "批准导出",
    "export.refused": "拒绝导出",
    "export.withdrawn": "撤回导出申请",
    "export.ready": "导出文件已生成",
    "export.failed": "导出文件生成失败",
    "export.downloaded": "下载导出文件",
    "export.expired": "导出文件过期删除",
    "warning.issued": "发布预警",
    "warning.acknowledged": "签收预警",
    "warning.measure_reported": "报告预警落实情况",
    "warning.level_changed": "调整预警级别",
    "warning.recipients_added": "增加预警责任单位",
    "warning.reminded": "预警催办",
    "warning.lifted": "解除预警",
    "warning.limit_changed": "修改预警签收时限",
    "warning.template_uploaded": "上传预警报告模板",
    "warning.document_generated": "生成预警报告",
    "warning.document_downloaded": "下载预警报告",
    "warning.document_sent": "登记预警报告报送",
    # zero reports, sensitive periods, the informant network
    "zero.reported": "报送零报告",
    "zero.reminded": "零报告催报",
    "sensitive_period.created": "设置敏感期",
    "sensitive_period.cancelled": "取消敏感期",
    "informant.enrolled": "登记信息员",
    "informant.retired": "信息员退出",
    "informant.account_opened": "开通信息员手机账号",
    "group_sms.sent": "群发短信",
}


# Every audited action writes one entry: a prepared statement rather than the ORM's create().
_insert = Inserter(AuditLog)


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    path_getter = getattr(obj, "audit_path", None)
    path = path_getter() if callable(path_getter) else str(getattr(obj, "path", "") or "")
    return {
        "object_type": record_type(obj),
        "object_id": str(obj.pk) if obj.pk is not None else "",
        "object_repr": str(obj)[:200],
        "object_path": path,
    }


def _actor_fields() -> dict[str, Any]:
    actor = current_actor()
    return {
        "user_id": actor.user_id,
        "username": actor.username,
        "actor_path": actor.unit_path,
        "ip": actor.ip,
        "request_id": actor.request_id,
    }


def record_event(
    action: str,
    *,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
    user_id: int | None = None,
    batch: Batch | None = None,
) -> None:
    """Write a business event. `username`/`user_id` override the context (failed logins);
    with a `batch` the entry waits in it (`core.fastinsert.Batch`)."""
    fields = _actor_fields()
    if username is not None:
        fields["username"] = username
    if user_id is not None:
        fields["user_id"] = user_id
    _insert.insert_values(
        {
            "layer": AuditLog.Layer.EVENT,
            "action": action,
            "detail": audit_value(detail or {}),
            "at": timezone.now(),
            **fields,
            **_object_fields(obj),
        },
        batch=batch,
    )


def record_change(action: str, obj: models.Model, changes: dict[str, list[Any]], batch: Batch | None = None) -> None:
    """Write a field-level change record (called by the post_save/post_delete receivers)."""
    _insert.insert_values(
        {
            "layer": AuditLog.Layer.CHANGE,
            "action": action,
            "changes": changes,
            "at": timezone.now(),
            **_actor_fields(),
            **_object_fields(obj),
        },
        batch=batch,
    )


def record_created(instance: ChangeLoggedModel, batch: Batch | None = None) -> None:
    """The creation record of a new object: its filled-in fields. Sent by the post_save
    receiver, and by code that writes a row without the ORM's save (`core.fastinsert`)."""
    after = instance.audit_state()
    instance._audit_saved = after
    changes = {name: [None, value] for name, value in after.items() if value not in (None, "", [], {})}
    record_change("create", instance, changes, batch)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
