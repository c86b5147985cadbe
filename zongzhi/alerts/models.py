"""Stability information, warnings, zero reports, sensitive periods, the informant network and
the duty (预警、信息报送、零报告、敏感期、信息员网络、值班).

Seed 001 is the users' own rulebook for all of it. Four parts, each with its own services and API
module (`services_<part>.py`, `api_<part>.py`), share these models:

- information reports (维稳信息): reported by anyone in a unit's capture scope, held by one unit
  at a time on their way up the tree, screened (核实/研判) at each level, forwarded, sent back,
  turned into a case or closed; their time limits per urgency and the lapses (迟报/漏报/瞒报)
  recorded per unit and month;
- warnings (预警, 红/黄/蓝) sent by a township or county to responsible units and departments,
  acknowledged (签收) within a time limit and answered with measures (落实情况) until lifted;
- zero reports (零报告) owed per unit and informant per period, daily inside a sensitive period;
- the informant network (信息员网络) and the duty (值班: roster, log, handover).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.scope import ScopedModel


class Classification(models.TextChoices):
    """Shown on every page and print of a report; 秘密 only to users granted `alerts.secret`."""

    NORMAL = "normal", "普通"
    INTERNAL = "internal", "内部"
    SECRET = "secret", "秘密"


class InfoUrgency(models.TextChoices):
    NORMAL = "normal", "一般"
    IMPORTANT = "important", "重要"
    MAJOR = "major", "重大"


class InfoSource(models.TextChoices):
    INFORMANT = "informant", "信息员"
    GRID_WORKER = "grid_worker", "网格员"
    DEPARTMENT = "department", "部门"
    PUBLIC = "public", "群众"


class InfoStatus(models.TextChoices):
    PENDING = "pending", "待研判"  # held by a unit that has not yet acted on it
    RETURNED = "returned", "已退回"  # sent back down with feedback
    CONVERTED = "converted", "已转办件"
    CLOSED = "closed", "已办结"


OPEN_INFO_STATUSES = [InfoStatus.PENDING, InfoStatus.RETURNED]


class InfoLimit(ChangeLoggedModel):
    """How many hours of real time a report of one urgency has to reach the unit above (seed 001:
    重大 1 hour; 重要 2 hours, 3 in the older rule). Administrators change them."""

    urgency = models.CharField(max_length=12, choices=InfoUrgency.choices, unique=True, verbose_name="紧急程度")
    hours = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="报送时限（小时）")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")

    class Meta:
        verbose_name = "报送时限"
        verbose_name_plural = "报送时限"

    def __str__(self) -> str:
        return f"{self.urgency} {self.hours}h"


class InformationReport(ScopedModel, ChangeLoggedModel):
    """One piece of stability information (维稳信息). `path` is where it happened.

    Never edited once sent up: corrections and news are follow-up entries (续报) on its timeline
    (`InfoAction` of kind `follow_up`). `holder_unit` holds it now; `due_at` is when the holder
    must have passed it up (重大/重要 only), `is_overdue` is set by the sweep when that passed.
    """

    number = models.CharField(max_length=24, unique=True, null=True, blank=True, verbose_name="编号")
    title = models.CharField(max_length=100, verbose_name="标题")
    description = models.TextField(verbose_name="内容")
    category_code = models.CharField(max_length=20, verbose_name="报送类别")  # code table info_category
    source = models.CharField(max_length=12, choices=InfoSource.choices, verbose_name="信息来源")
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.NORMAL, verbose_name="密级"
    )
    urgency = models.CharField(
        max_length=12, choices=InfoUrgency.choices, default=InfoUrgency.NORMAL, verbose_name="紧急程度"
    )
    people_count = models.PositiveIntegerField(default=0, verbose_name="涉及人数")
    involved = models.TextField(blank=True, verbose_name="涉及人员")
    # Registered records this report names: [{"type": "resident"|"place"|"organisation", "id": n,
    # "label": "..."}], labels kept so a list needs no join (and never an ID number).
    links = models.JSONField(default=list, blank=True, verbose_name="关联对象")
    occurred_at = models.DateTimeField(null=True, blank=True, verbose_name="发生时间")
    learned_at = models.DateTimeField(verbose_name="获知时间")
    latitude = models.FloatField(null=True, blank=True, verbose_name="纬度")
    longitude = models.FloatField(null=True, blank=True, verbose_name="经度")
    address = models.CharField(max_length=200, blank=True, verbose_name="地点")

    reporter_user = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    reporter_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="报送单位")
    reporter_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="报送部门"
    )
    informant = models.ForeignKey(
        "alerts.Informant", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="信息员"
    )
    holder_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="当前研判单位"
    )
    status = models.CharField(
        max_length=12, choices=InfoStatus.choices, default=InfoStatus.PENDING, verbose_name="状态"
    )
    received_at = models.DateTimeField(default=timezone.now, verbose_name="送达时间")  # reached the holder
    due_at = models.DateTimeField(null=True, blank=True, verbose_name="上报时限")
    is_overdue = models.BooleanField(default=False, verbose_name="超时未报")
    # The last screening (核实/研判), kept here for lists; each one is also on the timeline.
    verified = models.BooleanField(null=True, blank=True, verbose_name="是否属实")
    nature = models.CharField(max_length=200, blank=True, verbose_name="性质研判")
    measures = models.TextField(blank=True, verbose_name="处置措施")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="转办件"
    )
    follow_up_count = models.PositiveIntegerField(default=0, verbose_name="续报次数")

    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    version = models.PositiveIntegerField(default=1, verbose_name="版本")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="报送时间")
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name="办结时间")

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at", "version"})

    class Meta:
        verbose_name = "维稳信息"
        verbose_name_plural = "维稳信息"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            # 待研判: open reports one unit holds, newest first.
            models.Index(fields=["holder_unit", "status", "-id"], name="info_holder_idx"),
            models.Index(fields=["path", "-id"], name="info_path_idx"),
            models.Index(fields=["reporter_unit", "-id"], name="info_reporter_idx"),
            # The sweep: open reports with a deadline not yet flagged.
            models.Index(fields=["due_at"], condition=Q(is_overdue=False, status="pending"), name="info_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"


class InfoAction(models.Model):
    """One immutable step of a report's timeline."""

    class Kind(models.TextChoices):
        REPORT = "report", "报送"
        SCREEN = "screen", "核实研判"
        FORWARD = "forward", "上报"
        RETURN = "return", "退回反馈"
        FOLLOW_UP = "follow_up", "续报"
        CONVERT = "convert", "转为办件"
        CLOSE = "close", "办结"
        OPEN = "open", "查阅"  # the opening of a 秘密 report, kept on its timeline too

    report = models.ForeignKey(InformationReport, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name="动作")
    actor_user = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    actor_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True, verbose_name="内容")
    # Kind-specific values: screening {verified, nature, measures}, follow-up {people_count, …}.
    data = models.JSONField(default=dict, blank=True)
    is_late = models.BooleanField(default=False, verbose_name="迟报")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "信息流转记录"
        verbose_name_plural = "信息流转记录"
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # 已上报: what one unit has sent up.
            models.Index(fields=["actor_unit", "kind", "-report"], name="infoaction_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class InfoAttachment(models.Model):
    """A photo on a report or one of its follow-ups: the case engine's upload (`cases.Attachment`,
    uploaded first, EXIF position kept as data) named by a report instead of a case."""

    report = models.ForeignKey(InformationReport, on_delete=models.PROTECT, related_name="attachments")
    action = models.ForeignKey(InfoAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attachment = models.OneToOneField("cases.Attachment", on_delete=models.PROTECT, related_name="info_use")

    class Meta:
        verbose_name = "信息附件"
        verbose_name_plural = "信息附件"

    def __str__(self) -> str:
        return f"{self.report_id}:{self.attachment_id}"


class LapseKind(models.TextChoices):
    LATE = "late", "迟报"
    MISSING = "missing", "漏报"
    CONCEALED = "concealed", "瞒报"


class InfoLapse(ScopedModel):
    """A reporting failure of one unit (迟报/漏报/瞒报), counted per unit and month; the assessment
    reads these. `path` is the failing unit's. Late ones are recorded by the system; missing and
    concealed ones by the unit above, with a reason. Never deleted; a wrong one is withdrawn."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    kind = models.CharField(max_length=12, choices=LapseKind.choices, verbose_name="类型")
    month = models.DateField(verbose_name="月份")  # the first day of the month
    report = models.ForeignKey(
        InformationReport, null=True, blank=True, on_delete=models.PROTECT, related_name="lapses"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True, verbose_name="原因")
    minutes_late = models.PositiveIntegerField(null=True, blank=True, verbose_name="超时分钟")
    recorded_by = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "迟报漏报瞒报"
        verbose_name_plural = "迟报漏报瞒报"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["month", "path"], name="infolapse_month_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["report", "unit", "kind"], condition=Q(withdrawn_at__isnull=True), name="infolapse_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.month}"


class WarningLevel(models.TextChoices):
    """Seed 001, 第二篇 六: red for a likely group petition to the province or Beijing, yellow for
    one to the city (or one person to the province), blue for an unstable factor or first signs."""

    RED = "red", "红色预警"
    YELLOW = "yellow", "黄色预警"
    BLUE = "blue", "蓝色预警"


WARNING_RANK = {WarningLevel.BLUE: 1, WarningLevel.YELLOW: 2, WarningLevel.RED: 3}


class WarningLimit(ChangeLoggedModel):
    """Hours a recipient has to acknowledge (签收) a warning of one level; administrators set them."""

    level = models.CharField(max_length=8, choices=WarningLevel.choices, unique=True, verbose_name="预警级别")
    ack_hours = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="签收时限（小时）")

    class Meta:
        verbose_name = "签收时限"
        verbose_name_plural = "签收时限"

    def __str__(self) -> str:
        return f"{self.level} {self.ack_hours}h"


class WarningStatus(models.TextChoices):
    ACTIVE = "active", "预警中"
    LIFTED = "lifted", "已解除"


class EarlyWarning(ScopedModel, ChangeLoggedModel):
    """A warning (预警) sent by a unit (township or county) to responsible units and departments.
    `path` is the sending unit's; recipients see it through `WarningRecipient`."""

    class Subject(models.TextChoices):
        NONE = "", "无"
        INFO = "info", "维稳信息"
        CASE = "case", "办件"
        RESIDENT = "resident", "人员"
        PLACE = "place", "场所"
        ORGANISATION = "organisation", "组织"

    number = models.CharField(max_length=24, unique=True, null=True, blank=True, verbose_name="编号")
    title = models.CharField(max_length=100, verbose_name="标题")
    body = models.TextField(verbose_name="预警内容")
    level = models.CharField(max_length=8, choices=WarningLevel.choices, verbose_name="预警级别")
    status = models.CharField(
        max_length=8, choices=WarningStatus.choices, default=WarningStatus.ACTIVE, verbose_name="状态"
    )
    subject_type = models.CharField(max_length=14, choices=Subject.choices, blank=True, verbose_name="预警对象类型")
    subject_id = models.BigIntegerField(null=True, blank=True, verbose_name="预警对象")
    subject_label = models.CharField(max_length=120, blank=True, verbose_name="预警对象名称")
    report = models.ForeignKey(
        InformationReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
        verbose_name="相关维稳信息",
    )
    addressee = models.CharField(max_length=100, blank=True, verbose_name="报告主送单位")  # for the .docx
    sender_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="发布单位")
    sender_user = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="发布人")
    version = models.PositiveIntegerField(default=1, verbose_name="版本")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="发布时间")
    updated_at = models.DateTimeField(auto_now=True)
    lifted_at = models.DateTimeField(null=True, blank=True, verbose_name="解除时间")
    lifted_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="解除人"
    )
    lift_note = models.CharField(max_length=500, blank=True, verbose_name="解除说明")

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at", "version"})

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "-id"], name="warning_path_idx"),
            models.Index(fields=["sender_unit", "status", "-id"], name="warning_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"


class RecipientStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    ACKNOWLEDGED = "acknowledged", "已签收"


class WarningRecipient(ScopedModel):
    """One responsible unit or department of a warning. `path` is the recipient's (a department's:
    its unit's), so 待签收 lists read one index."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="recipients")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="责任部门"
    )
    status = models.CharField(
        max_length=14, choices=RecipientStatus.choices, default=RecipientStatus.PENDING, verbose_name="签收状态"
    )
    # Copied from the warning so the 待签收 list and the sweep read this table alone.
    warning_status = models.CharField(max_length=8, choices=WarningStatus.choices, default=WarningStatus.ACTIVE)
    level = models.CharField(max_length=8, choices=WarningLevel.choices, verbose_name="预警级别")
    ack_due_at = models.DateTimeField(verbose_name="签收时限")
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name="签收时间")
    acknowledged_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="签收人"
    )
    escalated_at = models.DateTimeField(null=True, blank=True, verbose_name="逾期提醒时间")
    measures_count = models.PositiveIntegerField(default=0, verbose_name="落实情况报告次数")
    last_measure_at = models.DateTimeField(null=True, blank=True, verbose_name="最近落实报告")

    class Meta:
        verbose_name = "预警责任单位"
        verbose_name_plural = "预警责任单位"
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # 待签收 of one unit or department, newest first.
            models.Index(fields=["unit", "department", "status", "-warning"], name="recipient_inbox_idx"),
            models.Index(fields=["path", "status", "-warning"], name="recipient_path_idx"),
            # The sweep: pending, active, not yet escalated, by due time.
            models.Index(
                fields=["ack_due_at"],
                condition=Q(status="pending", warning_status="active", escalated_at__isnull=True),
                name="recipient_due_idx",
            ),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["warning", "unit"], condition=Q(department__isnull=True), name="recipient_one_unit"
            ),
            models.UniqueConstraint(
                fields=["warning", "department"], condition=Q(department__isnull=False), name="recipient_one_dept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warning_id} → {self.department_id or self.unit_id}"


class WarningAction(models.Model):
    """One immutable step of a warning's timeline."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "发布预警"
        ACKNOWLEDGE = "acknowledge", "签收"
        MEASURE = "measure", "报告落实情况"
        RAISE = "raise", "提升级别"
        LOWER = "lower", "降低级别"
        ESCALATE = "escalate", "逾期未签收提醒"
        REMIND = "remind", "催办"
        DOCUMENT = "document", "生成预警报告"
        LIFT = "lift", "解除预警"

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="actions")
    recipient = models.ForeignKey(
        WarningRecipient, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name="动作")
    actor_user = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_level = models.CharField(max_length=8, blank=True)
    to_level = models.CharField(max_length=8, blank=True)
    comment = models.TextField(blank=True, verbose_name="内容")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "预警记录"
        verbose_name_plural = "预警记录"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind}"


class DocumentTemplate(ChangeLoggedModel):
    """A replaceable .docx template (docxtpl), by code: `warning_report` is seed 001's 第一篇.
    Without an uploaded file the shipped default in alerts/templates_docx/ is used."""

    code = models.CharField(max_length=40, unique=True, verbose_name="模板代码")
    name = models.CharField(max_length=60, verbose_name="名称")
    file = models.FileField(upload_to="templates/", blank=True, verbose_name="模板文件")
    uploaded_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True, verbose_name="上传时间")

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self) -> str:
        return self.code


class WarningDocument(models.Model):
    """A generated 预警报告 (.docx), kept as generated; downloads and sendings are audited."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to="alerts/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(default=timezone.now)
    sent_to = models.CharField(max_length=200, blank=True, verbose_name="报送对象")
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="报送时间")

    class Meta:
        verbose_name = "预警报告"
        verbose_name_plural = "预警报告"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.generated_at:%Y-%m-%d}"


class SensitivePeriod(ScopedModel, ChangeLoggedModel):
    """A named sensitive period (敏感期: 全国两会, 国庆, a local event) over the subtree of `unit`.
    Inside it, zero reports are daily, duty is mandatory and the console shows a banner.
    Cancelled, never deleted."""

    name = models.CharField(max_length=60, verbose_name="名称")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="适用范围")
    starts_on = models.DateField(verbose_name="开始日期")
    ends_on = models.DateField(verbose_name="结束日期")
    note = models.CharField(max_length=500, blank=True, verbose_name="工作要求")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField(default=timezone.now)
    is_cancelled = models.BooleanField(default=False, verbose_name="已取消")

    class Meta:
        verbose_name = "敏感期"
        verbose_name_plural = "敏感期"
        ordering: ClassVar[list[str]] = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", "月报"
    DAILY = "daily", "日报"


class ZeroReport(ScopedModel):
    """What one unit (or one informant of it) reported for one period: "nothing to report"
    (`report` empty), or the information report that made the period count as reported.
    `path` is the unit's. One per unit (or informant) and period."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    informant = models.ForeignKey(
        "alerts.Informant", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="信息员"
    )
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices, verbose_name="周期")
    period_start = models.DateField(verbose_name="周期开始")
    report = models.ForeignKey(
        InformationReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="报送信息"
    )
    note = models.CharField(max_length=200, blank=True, verbose_name="备注")
    reported_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="报告人")
    reported_at = models.DateTimeField(default=timezone.now, verbose_name="报告时间")
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "零报告"
        verbose_name_plural = "零报告"
        ordering: ClassVar[list[str]] = ["-period_start", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["period_kind", "period_start", "path"], name="zero_period_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["unit", "period_kind", "period_start"],
                condition=Q(informant__isnull=True),
                name="zero_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["informant", "period_kind", "period_start"],
                condition=Q(informant__isnull=False),
                name="zero_once_per_informant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_kind} {self.period_start}"


class ZeroReminder(models.Model):
    """A reminder the unit above sent to units that had not reported for a period."""

    sender_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    sender_user = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    units = models.JSONField(default=list)  # the reminded unit ids
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "零报告催报"
        verbose_name_plural = "零报告催报"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.sender_unit_id} {self.period_start}"


class Informant(ScopedModel, ChangeLoggedModel):
    """One member of the information network (信息员网络) of a village, grid or township: a
    信息员, a 中心户长, or a trade contact of seed 000 二 (`role_code`, code table
    informant_role). `path` is the unit (or grid) they belong to. The phone is personal data,
    sealed and masked like a resident's. Retired, never deleted."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属单位")
    role_code = models.CharField(max_length=20, verbose_name="类别")
    name = models.CharField(max_length=60, verbose_name="姓名")
    phone_sealed = models.BinaryField(null=True, blank=True, verbose_name="联系电话（密文）")
    phone_mask = models.CharField(max_length=20, blank=True, verbose_name="联系电话")
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="实有人口"
    )
    organisation = models.CharField(max_length=100, blank=True, verbose_name="所在单位或场所")
    user = models.OneToOneField(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="informant", verbose_name="手机账号"
    )
    note = models.CharField(max_length=200, blank=True, verbose_name="备注")
    enrolled_on = models.DateField(default=timezone.localdate, verbose_name="聘任日期")
    is_retired = models.BooleanField(default=False, verbose_name="已退出")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"phone_sealed"})

    class Meta:
        verbose_name = "信息员"
        verbose_name_plural = "信息员"
        ordering: ClassVar[list[str]] = ["path", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "role_code"], name="informant_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CentralHouseholdQuota(ScopedModel, ChangeLoggedModel):
    """How many 中心户 (联户 groups, each led by a 中心户长) a village must have: the denominator of
    its 中心户长 enrolment share (seed 000 二: 100%). Set per village on the roster page; the
    seeds give no rule to derive it from the households, so it is not guessed."""

    unit = models.OneToOneField("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）")
    required = models.PositiveIntegerField(verbose_name="应设中心户数")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "应设中心户数"
        verbose_name_plural = "应设中心户数"

    def __str__(self) -> str:
        return f"{self.unit_id} {self.required}"


class GroupSms(models.Model):
    """A text sent to a selection of the roster (群发短信)."""

    sender_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    sender_user = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=300, verbose_name="短信内容")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "群发短信"
        verbose_name_plural = "群发短信"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return self.text[:20]


class GroupSmsRecipient(models.Model):
    """Delivery of one group text to one informant, with the gateway's answer."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        NO_PHONE = "no_phone", "无手机号"

    group = models.ForeignKey(GroupSms, on_delete=models.PROTECT, related_name="recipients")
    informant = models.ForeignKey(Informant, on_delete=models.PROTECT, related_name="+")
    phone_mask = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信接收人"
        verbose_name_plural = "短信接收人"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.informant_id} {self.status}"


class DutyShift(ScopedModel, ChangeLoggedModel):
    """One shift of a unit's duty roster (值班表, usually 24 hours): the person on duty, the leader
    in charge (领导带班) and the duty phone (an office line). `path` is the unit's. Shifts of one
    unit never overlap. Cancelled, never deleted."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="值班单位")
    starts_at = models.DateTimeField(verbose_name="开始时间")
    ends_at = models.DateTimeField(verbose_name="结束时间")
    officer = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="值班人员")
    leader = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="带班领导"
    )
    duty_phone = models.CharField(max_length=30, blank=True, verbose_name="值班电话")
    note = models.CharField(max_length=200, blank=True, verbose_name="备注")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField(default=timezone.now)
    is_cancelled = models.BooleanField(default=False, verbose_name="已取消")

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        ordering: ClassVar[list[str]] = ["starts_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "starts_at"], name="dutyshift_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.starts_at:%Y-%m-%d %H:%M}"


class DutyLogEntry(ScopedModel):
    """One line of the duty log (值班记录): a call or visit received, or what was done."""

    class Kind(models.TextChoices):
        CALL = "call", "来电"
        VISIT = "visit", "来访"
        EVENT = "event", "突发情况"
        NOTICE = "notice", "上级通知"
        OTHER = "other", "其他"

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="log")
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name="类别")
    occurred_at = models.DateTimeField(default=timezone.now, verbose_name="时间")
    counterpart = models.CharField(max_length=100, blank=True, verbose_name="来电来访人")
    content = models.TextField(verbose_name="内容")
    handling = models.TextField(blank=True, verbose_name="处理情况")
    recorded_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "值班记录"
        verbose_name_plural = "值班记录"
        ordering: ClassVar[list[str]] = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.kind}"


class DutyHandover(models.Model):
    """The handover from one shift to the next (交接班): notes written by the outgoing officer,
    received by the incoming one."""

    from_shift = models.OneToOneField(DutyShift, on_delete=models.PROTECT, related_name="handover")
    to_shift = models.ForeignKey(
        DutyShift, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="接班"
    )
    notes = models.TextField(verbose_name="交班事项")
    handed_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "交接班"
        verbose_name_plural = "交接班"

    def __str__(self) -> str:
        return f"{self.from_shift_id} → {self.to_shift_id}"
