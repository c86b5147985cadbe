"""The grid worker's day (seed 003 第九条 1, 设备管理; seed 004).

Parts, each with its own services and API module (`services_<part>.py`, `api_<part>.py`):

- the daily must-do list (每日必办): items generated each morning for each grid worker from
  rules an administrator edits (`MustDoRule`), ticked off by the data itself where the system
  can tell (the visit recorded, the inspection saved) and by hand with a note otherwise;
- logins on duty (在岗): one row per worker, working day, client and phone (`DutyLogin`), so the
  township sees who has not logged in today;
- terminals (终端管理): the register of PC and phone terminals, issued to one person each
  (专人专用), handed over, returned, reported lost (`Terminal`, `TerminalEvent`), and the
  confidentiality agreement (保密协议) each terminal user signs before first use
  (`AgreementText`, `AgreementSignature`).

Patrols and their routes are office records (DESIGN.md): see `office.models.PatrolRoute`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.scope import ScopedModel

# ---------------------------------------------------------------- daily must-do


class MustDoKind(models.TextChoices):
    VISIT = "visit", "走访帮教"
    INSPECTION = "inspection", "设施巡检"
    CASE = "case", "待办事件"
    WARNING = "warning", "预警签收"
    ZERO_REPORT = "zero_report", "零报告"
    DOCUMENT = "document", "公文签收"
    PATROL = "patrol", "今日巡逻"


class MustDoRule(ChangeLoggedModel):
    """Whether one kind of item goes on the daily list, and how far ahead it looks (`lead_days`:
    a visit due within that many days, an inspection this month when 0). One row per kind; an
    administrator edits them (capability `field.configure`), every change audited."""

    kind = models.CharField(max_length=16, choices=MustDoKind.choices, unique=True, verbose_name="事项")
    enabled = models.BooleanField(default=True, verbose_name="启用")
    lead_days = models.PositiveSmallIntegerField(default=0, verbose_name="提前天数")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "每日必办规则"
        verbose_name_plural = "每日必办规则"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class MustDoItem(ScopedModel):
    """One item of one worker's list for one day. `ref_id` is the record it is about (the key
    person's listing, the facility, the case, the warning, the document, the patrol route; 0 for
    the day's zero report); `path` is the record's (the grid's), so the village and the township
    count completion with one prefix test. Done by the data (`done_how` "data") or by hand with a
    note ("manual"); never deleted: a day's list is what the worker was asked to do that day."""

    class DoneHow(models.TextChoices):
        DATA = "data", "系统确认"
        MANUAL = "manual", "手动勾选"

    worker = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="网格员")
    day = models.DateField(verbose_name="日期")
    kind = models.CharField(max_length=16, choices=MustDoKind.choices, verbose_name="事项")
    ref_id = models.BigIntegerField(default=0, verbose_name="关联记录")
    title = models.CharField(max_length=200, verbose_name="内容")
    detail = models.CharField(max_length=200, blank=True, verbose_name="说明")
    due_on = models.DateField(null=True, blank=True, verbose_name="期限")
    done_at = models.DateTimeField(null=True, blank=True, verbose_name="完成时间")
    done_how = models.CharField(max_length=8, choices=DoneHow.choices, blank=True, verbose_name="完成方式")
    done_note = models.CharField(max_length=200, blank=True, verbose_name="完成说明")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "每日必办事项"
        verbose_name_plural = "每日必办事项"
        ordering: ClassVar[list[str]] = ["day", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["worker", "day", "kind", "ref_id"], name="mustdo_one_per_record"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["worker", "day"], name="mustdo_worker_day_idx"),
            models.Index(fields=["path", "day"], name="mustdo_path_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.title}"


# ---------------------------------------------------------------- on duty


class DutyLogin(ScopedModel):
    """A user's logins of one working day on one client (`client` "phone" or "pc") and, for a
    phone, one device (`device_id`: the random id the phone app keeps; `terminal` once the
    terminals register knows it). `path` is the user's unit's. Counted, not one row per login:
    the township asks "who has not logged in today", the assessment "on how many days"."""

    class Client(models.TextChoices):
        PHONE = "phone", "手机"
        PC = "pc", "电脑"

    user = models.ForeignKey("units.User", on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    day = models.DateField(verbose_name="日期")
    client = models.CharField(max_length=8, choices=Client.choices, verbose_name="终端类型")
    device_id = models.CharField(max_length=64, blank=True, verbose_name="设备标识")
    terminal = models.ForeignKey(
        "Terminal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="终端"
    )
    first_at = models.DateTimeField(verbose_name="首次登录")
    last_at = models.DateTimeField(verbose_name="最近登录")
    count = models.PositiveIntegerField(default=1, verbose_name="登录次数")

    class Meta:
        verbose_name = "在岗登录"
        verbose_name_plural = "在岗登录"
        ordering: ClassVar[list[str]] = ["-day", "user"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "day", "client", "device_id"], name="dutylogin_one_per_day"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["path", "day"], name="dutylogin_path_day_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.client}"


# ---------------------------------------------------------------- terminals


class Terminal(ScopedModel, ChangeLoggedModel):
    """A PC or phone terminal of a unit (`path` is the unit's), issued to one person at a time
    (专人专用). A phone is bound to the app's device id at its holder's first login on it
    (`device_id`); reported lost, every session opened from it ends at once."""

    class Kind(models.TextChoices):
        PC = "pc", "电脑终端"
        PHONE = "phone", "手机终端"

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "在库"
        ISSUED = "issued", "在用"
        LOST = "lost", "已挂失"
        RETIRED = "retired", "已报废"

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属单位")
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name="终端类型")
    asset_number = models.CharField(max_length=40, unique=True, verbose_name="资产编号")
    model_name = models.CharField(max_length=100, blank=True, verbose_name="品牌型号")
    serial = models.CharField(max_length=64, blank=True, verbose_name="序列号/IMEI")
    sim_number = models.CharField(max_length=20, blank=True, verbose_name="手机号码")
    holder = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="使用人"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_STOCK, verbose_name="状态")
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name="配发时间")
    device_id = models.CharField(max_length=64, blank=True, verbose_name="绑定设备标识")
    note = models.CharField(max_length=200, blank=True, verbose_name="备注")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="登记时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "终端"
        verbose_name_plural = "终端"
        ordering: ClassVar[list[str]] = ["path", "kind", "asset_number"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "kind", "status"], name="terminal_path_idx"),
            models.Index(fields=["holder", "status"], name="terminal_holder_idx"),
            models.Index(fields=["device_id"], name="terminal_device_idx"),
        ]

    def __str__(self) -> str:
        return self.asset_number


class TerminalEvent(models.Model):
    """One step in a terminal's life: registered, issued, handed over, returned, lost, found,
    retired, bound to a phone. Immutable; the terminal's history page lists them."""

    class Action(models.TextChoices):
        REGISTER = "register", "登记"
        ISSUE = "issue", "配发"
        HANDOVER = "handover", "交接"
        RETURN = "return", "收回"
        LOST = "lost", "挂失"
        FOUND = "found", "找回"
        RETIRE = "retire", "报废"
        BIND = "bind", "绑定手机"

    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices, verbose_name="操作")
    from_user = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="原使用人"
    )
    to_user = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="新使用人"
    )
    actor = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="经办人")
    at = models.DateTimeField(default=timezone.now, verbose_name="时间")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")

    class Meta:
        verbose_name = "终端记录"
        verbose_name_plural = "终端记录"
        ordering: ClassVar[list[str]] = ["terminal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.action}"


class AgreementText(ChangeLoggedModel):
    """A version of the confidentiality agreement (系统应用安全保密协议). The newest published one
    is what a terminal user signs; publishing a new version asks everyone to sign again."""

    version = models.PositiveIntegerField(unique=True, verbose_name="版本")
    title = models.CharField(max_length=100, verbose_name="标题")
    body = models.TextField(verbose_name="正文")
    published_at = models.DateTimeField(default=timezone.now, verbose_name="发布时间")
    published_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )

    class Meta:
        verbose_name = "保密协议"
        verbose_name_plural = "保密协议"
        ordering: ClassVar[list[str]] = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class AgreementSignature(models.Model):
    """A user's signature of one version of the agreement, with its date (seed 003 第十一条)."""

    user = models.ForeignKey("units.User", on_delete=models.CASCADE, related_name="+", verbose_name="签署人")
    text = models.ForeignKey(AgreementText, on_delete=models.PROTECT, related_name="signatures", verbose_name="协议")
    signed_at = models.DateTimeField(default=timezone.now, verbose_name="签署时间")
    ip = models.GenericIPAddressField(null=True, blank=True)
    client = models.CharField(max_length=8, blank=True, verbose_name="签署终端")

    class Meta:
        verbose_name = "保密协议签署"
        verbose_name_plural = "保密协议签署"
        ordering: ClassVar[list[str]] = ["-signed_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "text"], name="agreement_signed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.text_id}"


__all__ = [
    "AgreementSignature",
    "AgreementText",
    "DutyLogin",
    "MustDoItem",
    "MustDoKind",
    "MustDoRule",
    "Terminal",
    "TerminalEvent",
]
