"""Cases (办件) and their timeline.

One table holds every kind of case; what a kind adds lives in `details`, validated by the
kind's schema in kinds.py (one table keeps lists, counts and scope to a single indexed query).
A case is held by exactly one unit or department at a time; every step is an immutable
CaseAction.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.fields import PathField
from zongzhi.core.scope import ScopedModel, ScopedQuerySet, path_within, subtree_q


class Kind(models.TextChoices):
    EVENT = "event", "事件"
    TASK = "task", "任务分派"
    REQUEST = "request", "请示求助"
    RECTIFICATION = "rectification", "整改通知书"
    PETITION = "petition", "信访件"


class Status(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "待审批"
    PENDING = "pending", "待受理"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING_CONFIRMATION = "awaiting_confirmation", "待确认"
    COMPLETED = "completed", "已办结"
    ARCHIVED = "archived", "已归档"
    RETURNED = "returned", "已退回"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = [
    Status.AWAITING_APPROVAL,
    Status.PENDING,
    Status.IN_PROGRESS,
    Status.AWAITING_CONFIRMATION,
    Status.RETURNED,
]
# States in which the holder's deadline runs.
RUNNING_STATUSES = [Status.PENDING, Status.IN_PROGRESS]


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Supervision(models.IntegerChoices):
    NONE = 0, "无"
    NORMAL = 1, "普通督办"
    YELLOW = 2, "黄牌督办"
    RED = 3, "红牌督办"


def _works_cases(user: Any) -> bool:
    """Whether the user reports or handles cases, and so sees those their unit holds or started."""
    return bool(user.has_cap("cases.report") or user.has_cap("cases.handle"))


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases that happened in the user's view scope, and cases held by their department."""
        q = subtree_q(user.view_paths)
        if getattr(user, "department_id", None):
            q |= Q(holder_department_id=user.department_id)
        elif getattr(user, "unit_id", None) and _works_cases(user):
            # Whoever holds a case, or started it, sees it, wherever it happened (an account
            # without case work, e.g. an informant's phone account, does not).
            q |= Q(holder_unit_id=user.unit_id, holder_department__isnull=True) | Q(initiator_unit_id=user.unit_id)
        return self.filter(q)

    def shows(self, user: Any, obj: Any) -> bool:
        """`visible_to` for one loaded case, without a query (`core.scope.get_visible`)."""
        if path_within(obj.path, user.view_paths):
            return True
        if getattr(user, "department_id", None):
            return bool(obj.holder_department_id == user.department_id)
        if getattr(user, "unit_id", None) and _works_cases(user):
            held = obj.holder_unit_id == user.unit_id and obj.holder_department_id is None
            return bool(held or obj.initiator_unit_id == user.unit_id)
        return False

    def held_by(self, user: Any) -> CaseQuerySet:
        if getattr(user, "department_id", None):
            return self.filter(holder_department_id=user.department_id)
        return self.filter(holder_unit_id=user.unit_id, holder_department__isnull=True)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(ScopedModel, ChangeLoggedModel):
    """One case moving through the engine (办件). `path` is where it happened."""

    # Read through case_path_idx (path, -id); no second index of its own.
    path = PathField(verbose_name="所属辖区路径")
    number = models.CharField(max_length=24, unique=True, null=True, blank=True, verbose_name="编号")
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name="类别")
    category_code = models.CharField(max_length=20, blank=True, verbose_name="事件分类")
    title = models.CharField(max_length=100, verbose_name="名称")
    description = models.TextField(blank=True, verbose_name="内容")
    status = models.CharField(max_length=24, choices=Status.choices, verbose_name="状态")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.NORMAL, verbose_name="紧急程度")
    is_major = models.BooleanField(default=False, verbose_name="重大事件")
    is_mass_incident = models.BooleanField(default=False, verbose_name="群体性事件")
    people_count = models.PositiveIntegerField(default=0, verbose_name="涉及人数")
    parties = models.JSONField(default=list, blank=True, verbose_name="当事人")
    details = models.JSONField(default=dict, blank=True, verbose_name="类别字段")
    occurred_at = models.DateTimeField(null=True, blank=True, verbose_name="发生时间")
    latitude = models.FloatField(null=True, blank=True, verbose_name="纬度")
    longitude = models.FloatField(null=True, blank=True, verbose_name="经度")
    address = models.CharField(max_length=200, blank=True, verbose_name="地址")

    # Looked up through case_initiator_idx (initiator_unit, -id): a second index would only be
    # one more to write on every report.
    initiator_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name="发起单位"
    )
    initiator_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发起部门"
    )
    # No index of their own on the people and units below: no list or check looks a case up by
    # them, and each index would be written by every report (units and users are retired, not
    # deleted, so PROTECT never has to search them).
    initiator_user = models.ForeignKey(
        "units.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="发起人",
    )
    holder_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="当前办理单位"
    )
    holder_department = models.ForeignKey(
        "units.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当前办理部门",
    )
    # The holder that handed the case to the current holder (for 退回).
    sender_unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="交来单位",
    )
    sender_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The holder that completed the case (for 驳回 back to them).
    completed_by_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    completed_by_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    due_at = models.DateTimeField(null=True, blank=True, verbose_name="办理时限")
    final_due_at = models.DateTimeField(null=True, blank=True, verbose_name="总时限")
    overdue_level = models.PositiveSmallIntegerField(default=0, verbose_name="超期警示")  # 0, 2 yellow, 3 red
    overdue_since = models.DateTimeField(null=True, blank=True)
    red_card_at = models.DateTimeField(null=True, blank=True, verbose_name="红牌时间")
    due_soon_notified = models.BooleanField(default=False)
    supervision = models.PositiveSmallIntegerField(
        choices=Supervision.choices, default=Supervision.NONE, verbose_name="督办级别"
    )
    extension_days = models.PositiveIntegerField(null=True, blank=True, verbose_name="申请延期天数")
    extension_granted_days = models.PositiveIntegerField(default=0, verbose_name="已批准延期天数")
    result = models.TextField(blank=True, verbose_name="办理结果")
    satisfaction = models.CharField(max_length=12, blank=True, verbose_name="满意度")

    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    version = models.PositiveIntegerField(default=1, verbose_name="版本")
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name="上报时间")
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()  # type: ignore[misc]

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "due_soon_notified"})

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The 待办 lists: open cases of one holder, newest first, read in index order so the
            # LIMIT stops early however many cases the holder has.
            models.Index(
                fields=["holder_unit", "-id"],
                name="case_todo_unit_idx",
                condition=Q(status__in=OPEN_STATUSES, holder_department__isnull=True),
            ),
            models.Index(
                fields=["holder_department", "-id"], name="case_todo_dept_idx", condition=Q(status__in=OPEN_STATUSES)
            ),
            models.Index(fields=["initiator_unit", "-id"], name="case_initiator_idx"),
            models.Index(fields=["path", "-id"], name="case_path_idx"),
            models.Index(
                fields=["due_at"],
                name="case_open_due_idx",
                condition=Q(status__in=["pending", "in_progress"]),
            ),
            # The sweep's red cards: only the yellow-carded are indexed.
            models.Index(fields=["red_card_at"], name="case_yellow_red_idx", condition=Q(overdue_level=2)),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"


class CaseAction(models.Model):
    """One immutable step of a case's timeline: who, which unit, when, what."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    action = models.CharField(max_length=24, verbose_name="操作")
    # Indexed: the case (its timeline) and the acting unit or department (the 已办 list).
    actor = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_name = models.CharField(max_length=60, blank=True)
    actor_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    to_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # The rubric's 交办反馈 item reads the yellow cards of a period: without it, at 1M
            # cases every township's read scanned the whole timeline (707 ms → 19 ms).
            models.Index(
                fields=["created_at"],
                name="caseaction_yellow_idx",
                condition=models.Q(action="overdue_yellow"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("timeline entries are immutable")
        super().save(*args, **kwargs)


class DeadlineRule(models.Model):
    """How long a holder has, per kind, category and urgency (configurable by administrators).

    The most specific rule wins: a matching category prefix beats a blank one, a matching
    urgency beats a blank one.
    """

    class Stage(models.TextChoices):
        ACCEPT = "accept", "受理"
        HANDLE = "handle", "办理"

    class Measure(models.TextChoices):
        WORKDAYS = "workdays", "工作日"
        DAYS = "days", "自然日"
        HOURS = "hours", "小时"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    category_prefix = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=8, choices=Urgency.choices, blank=True)
    stage = models.CharField(max_length=8, choices=Stage.choices)
    amount = models.PositiveIntegerField()
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.WORKDAYS)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "办理时限规则"
        verbose_name_plural = "办理时限规则"
        ordering: ClassVar[list[str]] = ["kind", "stage", "category_prefix", "urgency"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["kind", "category_prefix", "urgency", "stage"], name="deadline_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind}/{self.category_prefix or '*'}/{self.urgency or '*'} {self.stage} {self.amount}{self.measure}"
        )

    def audit_label(self) -> str:
        """How the auditor's list names it: 办理时限规则「事件 受理」."""
        return f"办理时限规则「{self.get_kind_display()} {self.get_stage_display()}」"


class CaseParty(models.Model):
    """A party of a case who is a registered resident: the resident's page lists their cases."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="linked_parties")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="case_parties")

    class Meta:
        verbose_name = "办件当事人"
        verbose_name_plural = "办件当事人"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "resident"], name="caseparty_once")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["resident", "-case"], name="caseparty_resident_idx")
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} in {self.case_id}"


class Attachment(models.Model):
    """A photo or short video attached to a case or to one step of its timeline (or, named by
    another app's link row, to an information report or an office record; office records may also
    carry PDF, Word and Excel files, kind `document`).

    Uploaded first (owned by the uploader, attached to nothing), then named by id when the
    report or action is submitted, so an offline phone can send files and report separately.
    Images are re-encoded: the served file carries no EXIF, the position found in it is kept
    here as data.
    """

    class FileKind(models.TextChoices):
        IMAGE = "image", "图片"
        VIDEO = "video", "视频"
        DOCUMENT = "document", "文件"  # PDF, Word, Excel: the office's documents (office app) only

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    action = models.ForeignKey(CaseAction, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=FileKind.choices)
    name = models.CharField(max_length=120, verbose_name="原文件名")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.JSONField(null=True, blank=True, verbose_name="拍摄位置")
    file = models.FileField(upload_to="cases/%Y/%m/")
    thumbnail = models.FileField(upload_to="cases/%Y/%m/thumbs/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name
