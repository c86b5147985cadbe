"""The daily office of every 综治中心 (日常办公): meetings, documents with sign-off, activities,
work logs, the monthly dispute report, stability risk assessments, the unit profile and the
ledgers (台账) that print them.

Seed 000 (五、日常办公) gives the fields and their rules, seed 002 (四、工作制度; 五、台账) the
meetings and the half-monthly 排查, seed 003 (第八条, 第九条 7, 第二十四条) the counts the
assessment reads, seed 004 the monthly work meeting. Parts, each with its own services and API
module (`services_<part>.py`, `api_<part>.py`), share these models:

- meetings (会议台账) with their decisions (议定事项, each a task in the case engine) and work logs
  (工作日志, one click from a case);
- documents and notices (公文流转) sent to units below, signed for (签收) within a limit, read,
  answered with material (材料报送);
- activities (活动台账), counted per unit and month;
- the monthly (and half-monthly) dispute report (矛盾纠纷排查月报) and stability risk
  assessments (社会稳定风险评估);
- the unit profile (辖区概况): leadership, centre staff, grid teams (一长四员).

Records are never deleted: a wrong one is withdrawn with a reason (`Withdrawable`), and the
withdrawal shows in lists and ledgers. Photos and files are the case engine's checked uploads
(`cases.Attachment`) named by an `OfficeAttachment`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.scope import ScopedModel


class Withdrawable(models.Model):
    """Withdrawn (撤回) instead of deleted: who, when and why stay on the record."""

    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name="撤回时间")
    withdrawn_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="撤回人"
    )
    withdrawn_reason = models.CharField(max_length=200, blank=True, verbose_name="撤回原因")

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class OfficeRule(ChangeLoggedModel):
    """One number of the office's rules that an administrator may change (`key`, see RULES in
    services_common.py): the 15-day meeting entry window, the default sign-off hours, the
    monthly activity minimum, the monthly report's due day, the half-monthly 排查 switch."""

    key = models.CharField(max_length=40, unique=True, verbose_name="规则")
    value = models.IntegerField(verbose_name="数值")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")

    class Meta:
        verbose_name = "日常办公规则"
        verbose_name_plural = "日常办公规则"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


# ---------------------------------------------------------------- meetings and work logs


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "综治工作例会"  # expected every month per unit (seed 000, seed 004)
    JOINT = "joint", "联席会议"  # minutes and decisions (seed 002 四(一))
    DISPATCH = "dispatch", "调度会"  # minutes and decisions
    LEADING_GROUP = "leading_group", "领导小组会议"
    OTHER = "other", "其他会议"


JOINT_MEETING_KINDS = (MeetingKind.JOINT, MeetingKind.DISPATCH)


class Meeting(ScopedModel, ChangeLoggedModel, Withdrawable):
    """One meeting of a unit (会议台账). Entered at most 15 days (rule `meeting_entry_days`) after
    it was held (seed 000). `path` is the unit's."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    kind = models.CharField(max_length=16, choices=MeetingKind.choices, verbose_name="会议类型")
    category = models.CharField(max_length=60, blank=True, verbose_name="会议类别")  # ××(班子)会议
    name = models.CharField(max_length=100, verbose_name="会议名称")
    held_at = models.DateTimeField(verbose_name="会议时间")
    location = models.CharField(max_length=100, verbose_name="地点")
    attendees = models.CharField(max_length=300, verbose_name="参加人员")
    topic = models.CharField(max_length=300, verbose_name="会议主题")
    content = models.TextField(blank=True, verbose_name="会议内容")
    minutes = models.TextField(blank=True, verbose_name="会议纪要")  # joint meetings and dispatches
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering: ClassVar[list[str]] = ["-held_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "-held_at", "-id"], name="meeting_unit_idx"),
            models.Index(fields=["path", "-held_at", "-id"], name="meeting_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingDecision(models.Model):
    """One decision (议定事项) of a joint meeting: a task in the case engine with its holder and
    deadline (`case`, created with the decision), linked back here."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    seq = models.PositiveSmallIntegerField(verbose_name="序号")
    text = models.CharField(max_length=500, verbose_name="议定事项")
    holder_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    holder_department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="责任部门"
    )
    due_on = models.DateField(verbose_name="完成期限")
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_decision"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering: ClassVar[list[str]] = ["meeting", "seq"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="decision_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.seq}"


class WorkLog(ScopedModel, ChangeLoggedModel, Withdrawable):
    """An everyday matter that is not a case (工作日志, seed 000 事件处理注意事项 1); turned into a
    case in one click if it grows (`case`)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    author = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    logged_on = models.DateField(verbose_name="日期")
    title = models.CharField(max_length=100, verbose_name="事项")
    content = models.TextField(verbose_name="内容")
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="work_log", verbose_name="转办件"
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "工作日志"
        verbose_name_plural = "工作日志"
        ordering: ClassVar[list[str]] = ["-logged_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "-logged_on", "-id"], name="worklog_unit_idx"),
            models.Index(fields=["path", "-logged_on", "-id"], name="worklog_path_idx"),
        ]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------- documents and notices


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", "文件"
    NOTICE = "notice", "通知"
    BRIEFING = "briefing", "简报"
    EXPERIENCE = "experience", "经验交流"


class DocumentCategory(models.TextChoices):
    """The ledger a document is kept in (seed 000 五 二、文件)."""

    RESPONSIBILITY = "responsibility", "目标管理责任书"
    PLAN = "plan", "工作计划"
    HALF_YEAR = "half_year", "半年小结"
    YEAR_END = "year_end", "年终总结"
    RULES = "rules", "工作制度/预案"
    COMMENDATION = "commendation", "表彰奖惩"
    FUNDING = "funding", "经费保障"
    BRIEFING = "briefing", "简报信息"
    OTHER = "other", "其他"


class Document(ScopedModel, ChangeLoggedModel, Withdrawable):
    """A document, notice or briefing issued by a unit (公文流转), sent to units below (and
    optionally to people), or kept with no recipients as a ledger record. `path` is the issuing
    unit's. 文号 is unique per issuing unit and year. `issuer_label` (文件类别) is derived from the
    issuing unit when it is sent (seed 000: "文件类别"自动生成), not typed."""

    sender_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="发文单位")
    sender_user = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="发文人")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices, verbose_name="类型")
    category = models.CharField(
        max_length=16, choices=DocumentCategory.choices, default=DocumentCategory.OTHER, verbose_name="台账类别"
    )
    issuer_label = models.CharField(max_length=100, verbose_name="文件类别")
    number = models.CharField(max_length=60, blank=True, verbose_name="文号")
    year = models.PositiveSmallIntegerField(verbose_name="年度")  # of issued_on, for the 文号 rule
    issued_on = models.DateField(verbose_name="发文时间")
    title = models.CharField(max_length=200, verbose_name="文件名称")
    keywords = models.CharField(max_length=200, blank=True, verbose_name="主题词")
    description = models.TextField(blank=True, verbose_name="描述")
    sign_hours = models.PositiveIntegerField(default=24, verbose_name="签收时限（小时）")
    reply_required = models.BooleanField(default=False, verbose_name="需报送材料")
    reply_due_at = models.DateTimeField(null=True, blank=True, verbose_name="材料报送截止")
    recipient_count = models.PositiveIntegerField(default=0, verbose_name="收文单位数")
    signed_count = models.PositiveIntegerField(default=0, verbose_name="已签收数")
    sent_at = models.DateTimeField(default=timezone.now, verbose_name="发送时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at", "signed_count"})

    class Meta:
        verbose_name = "公文"
        verbose_name_plural = "公文"
        ordering: ClassVar[list[str]] = ["-sent_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["sender_unit", "-sent_at", "-id"], name="document_sender_idx"),
            models.Index(fields=["path", "-sent_at", "-id"], name="document_path_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["sender_unit", "year", "number"], condition=~Q(number=""), name="document_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentRecipient(models.Model):
    """One receiving unit (or person) of a document. Signing (签收), the first reading and the
    reply are timestamps set by what the recipient does; late (超时收文) is computed from
    `sign_due_at`, never stored as typed. `unit` is set for every row: a person's row carries
    their unit, so a unit's in-tray is one index."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="recipients")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="收文单位")
    department = models.ForeignKey(
        "units.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="收文部门"
    )
    user = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="收文人"
    )
    sign_due_at = models.DateTimeField(verbose_name="签收时限")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name="签收时间")
    signed_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="签收人"
    )
    first_read_at = models.DateTimeField(null=True, blank=True, verbose_name="首次阅读")
    read_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="阅读人"
    )
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name="报送时间")
    replied_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    reply_note = models.TextField(blank=True, verbose_name="报送说明")

    class Meta:
        verbose_name = "收文"
        verbose_name_plural = "收文"
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # A unit's in-tray, newest first; unsigned first is a filter on it.
            models.Index(fields=["unit", "-document"], name="docrecipient_unit_idx"),
            # 超时收文 per unit and month.
            models.Index(fields=["unit", "sign_due_at"], name="docrecipient_due_idx"),
            # The in-tray's unsigned rows first: a unit's few unsigned ones without reading its
            # thousands of signed ones.
            models.Index(
                fields=["unit", "-document"], condition=Q(signed_at__isnull=True), name="docrecipient_unsigned_idx"
            ),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # A unit once, each of its departments once, each person once.
            models.UniqueConstraint(
                fields=["document", "unit"],
                condition=Q(user__isnull=True, department__isnull=True),
                name="docrecipient_unit_once",
            ),
            models.UniqueConstraint(
                fields=["document", "department"],
                condition=Q(user__isnull=True, department__isnull=False),
                name="docrecipient_department_once",
            ),
            models.UniqueConstraint(
                fields=["document", "user"], condition=Q(user__isnull=False), name="docrecipient_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}->{self.unit_id}"


# ---------------------------------------------------------------- activities


class ActivityKind(models.TextChoices):
    VILLAGE_AFFAIRS = "village_affairs", "村务公开"  # quarterly
    LEADER_VISIT = "leader_visit", "领导调研"
    SPECIAL = "special", "专项活动"
    PUBLICITY = "publicity", "宣传"
    PATROL = "patrol", "治安巡逻"  # written by the patrols of the phone (issue 17)
    OTHER = "other", "其他"


class Activity(ScopedModel, ChangeLoggedModel, Withdrawable):
    """One work activity of a unit (活动台账); at least 10 a month are expected (seed 003 第八条 1,
    rule `activity_monthly_minimum`). `path` is the unit's."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices, verbose_name="活动类别")
    name = models.CharField(max_length=100, verbose_name="活动名称")
    held_on = models.DateField(verbose_name="活动时间")
    location = models.CharField(max_length=100, verbose_name="活动地点")
    topic = models.CharField(max_length=300, verbose_name="活动主题")
    content = models.TextField(blank=True, verbose_name="活动内容")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering: ClassVar[list[str]] = ["-held_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "-held_on", "-id"], name="activity_unit_idx"),
            models.Index(fields=["path", "-held_on", "-id"], name="activity_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- monthly dispute report


class DisputePeriodKind(models.TextChoices):
    MONTH = "month", "月报"
    HALF_MONTH = "half_month", "半月报"  # seed 002 四(二), switched on by rule `dispute_half_month`


class DisputeReport(ScopedModel, ChangeLoggedModel):
    """A unit's 矛盾纠纷排查 report for one period, due by the 1st for the month before (seed 000
    四). `figures` is pre-filled from the case engine when the draft is made ({"rows": [{"category":
    code, "label", "total", "resolved", "in_progress", "escalated"}], "totals": {...},
    "resolution_rate": float}) and may be corrected before submitting; `computed` keeps what the
    case engine said so a correction shows. Submitted up the tree once; never deleted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已上报"

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    period_kind = models.CharField(max_length=12, choices=DisputePeriodKind.choices, verbose_name="报表类型")
    period_start = models.DateField(verbose_name="起始日期")
    period_end = models.DateField(verbose_name="截止日期")  # inclusive
    due_on = models.DateField(verbose_name="报送期限")
    figures = models.JSONField(default=dict, verbose_name="报表数据")
    computed = models.JSONField(default=dict, verbose_name="系统统计")
    notes = models.TextField(blank=True, verbose_name="情况说明")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name="状态")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="填报人")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name="上报时间")
    submitted_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="上报人"
    )
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at", "computed"})

    class Meta:
        verbose_name = "矛盾纠纷排查报表"
        verbose_name_plural = "矛盾纠纷排查报表"
        ordering: ClassVar[list[str]] = ["-period_start", "unit"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "period_kind", "-period_start"], name="disputereport_path_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "period_kind", "period_start"], name="disputereport_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_kind} {self.period_start}"


# ---------------------------------------------------------------- stability risk assessment


class RiskSubject(models.TextChoices):
    DECISION = "decision", "重大决策"
    PROJECT = "project", "重大项目"
    MATTER = "matter", "重大事项"


class RiskStepKind(models.TextChoices):
    """The steps of seed 003 第九条 7 as practised, in order."""

    DEFINE = "define", "确定评估事项"
    PLAN = "plan", "制定评估方案"
    INVESTIGATE = "investigate", "组织调查"
    ANALYSE = "analyse", "分析论证"
    GRADE = "grade", "确定风险等级"
    REPORT = "report", "形成评估报告"
    APPROVE = "approve", "审批"


class RiskLevel(models.TextChoices):
    HIGH = "high", "高风险"
    MEDIUM = "medium", "中风险"
    LOW = "low", "低风险"


class RiskDecision(models.TextChoices):
    PROCEED = "proceed", "准予实施"
    CONDITIONAL = "conditional", "暂缓实施（化解风险后实施）"
    REJECT = "reject", "不予实施"


class RiskAssessment(ScopedModel, ChangeLoggedModel, Withdrawable):
    """A stability risk assessment (社会稳定风险评估) of a major decision, project or matter,
    moved through the steps of `RiskStepKind` (`step` is the next one to complete; each completed
    one is a `RiskStepRecord`). Graded at 确定风险等级, decided at 审批."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="评估单位")
    subject = models.CharField(max_length=12, choices=RiskSubject.choices, verbose_name="评估对象")
    title = models.CharField(max_length=200, verbose_name="评估事项")
    description = models.TextField(blank=True, verbose_name="事项概况")
    group_members = models.CharField(max_length=500, blank=True, verbose_name="评估小组")
    step = models.CharField(
        max_length=12, choices=RiskStepKind.choices, default=RiskStepKind.DEFINE, verbose_name="当前步骤"
    )
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, blank=True, verbose_name="风险等级")
    decision = models.CharField(max_length=12, choices=RiskDecision.choices, blank=True, verbose_name="评估结论")
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name="完成时间")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="登记时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "社会稳定风险评估"
        verbose_name_plural = "社会稳定风险评估"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "-created_at", "-id"], name="riskassessment_path_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class RiskStepRecord(models.Model):
    """One completed step of an assessment, with its note and files; never edited."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=12, choices=RiskStepKind.choices, verbose_name="步骤")
    note = models.TextField(blank=True, verbose_name="情况")
    done_on = models.DateField(verbose_name="完成日期")
    done_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评估步骤"
        verbose_name_plural = "评估步骤"
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["assessment", "step"], name="riskstep_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.step}"


# ---------------------------------------------------------------- unit profile


class UnitProfile(ChangeLoggedModel):
    """辖区概况 of one unit: the description and figures a visitor asks for first."""

    unit = models.OneToOneField("units.Unit", on_delete=models.PROTECT, related_name="profile", verbose_name="单位")
    description = models.TextField(blank=True, verbose_name="辖区简介")
    area_km2 = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, verbose_name="面积（平方公里）"
    )
    households = models.PositiveIntegerField(null=True, blank=True, verbose_name="户数")
    registered_population = models.PositiveIntegerField(null=True, blank=True, verbose_name="户籍人口")
    floating_population = models.PositiveIntegerField(null=True, blank=True, verbose_name="流动人口")
    economy = models.TextField(blank=True, verbose_name="经济概况")
    key_projects = models.TextField(blank=True, verbose_name="重点项目")
    updated_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="更新人"
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "辖区概况"
        verbose_name_plural = "辖区概况"

    def __str__(self) -> str:
        return f"{self.unit_id}"


class StaffGroup(models.TextChoices):
    LEADERSHIP = "leadership", "领导班子"
    CENTRE = "centre", "综治中心工作人员"


class GridRole(models.TextChoices):
    """一长四员: the grid head and the four members every grid needs (seed 003 第七条 5)."""

    HEAD = "head", "网格长"
    FULL_TIME = "full_time", "专职网格员"
    PART_TIME = "part_time", "兼职网格员"
    POLICE = "police", "网格民警"
    SUPERVISOR = "supervisor", "网格督导员"


class StaffMember(ScopedModel, ChangeLoggedModel):
    """A person of a unit's leadership or centre staff, or of a grid's team (一长四员, `unit` is the
    grid then). The phone is personal data, sealed and masked like a resident's. Leaving is
    `left_on`, never a deletion."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位或网格")
    group = models.CharField(max_length=12, choices=StaffGroup.choices, blank=True, verbose_name="类别")
    grid_role = models.CharField(max_length=12, choices=GridRole.choices, blank=True, verbose_name="网格职务")
    name = models.CharField(max_length=60, verbose_name="姓名")
    post = models.CharField(max_length=60, blank=True, verbose_name="职务")
    phone_sealed = models.BinaryField(null=True, blank=True, verbose_name="联系电话（密文）")
    phone_mask = models.CharField(max_length=20, blank=True, verbose_name="联系电话")
    user = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="系统账号"
    )
    photo = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="照片"
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name="排序")
    joined_on = models.DateField(null=True, blank=True, verbose_name="任职日期")
    left_on = models.DateField(null=True, blank=True, verbose_name="离任日期")
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"phone_sealed"})
    audit_mask: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering: ClassVar[list[str]] = ["unit", "group", "grid_role", "order", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "grid_role"], name="staff_path_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(group="") & ~Q(grid_role="")) | (~Q(group="") & Q(grid_role="")),
                name="staff_group_or_grid_role",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone(self) -> str:
        from zongzhi.core.crypto import unseal

        return unseal(self.phone_sealed) if self.phone_sealed else ""

    @phone.setter
    def phone(self, value: str) -> None:
        from zongzhi.core.crypto import seal_optional
        from zongzhi.core.masking import mask_value

        self.phone_sealed = seal_optional(value)
        self.phone_mask = mask_value(value) if value else ""


# ---------------------------------------------------------------- files


# ---------------------------------------------------------------- patrols (巡逻)


class PatrolRoute(ScopedModel, ChangeLoggedModel, Withdrawable):
    """A named patrol route of a grid or a village (seed 003 第九条 2: 线路定义名称准确, 巡逻人员、
    时间明确): the line drawn on the map (`line`: [[longitude, latitude], ...], GeoJSON order),
    the points to check (`PatrolPoint`), the team (`members`) and the schedule (`weekdays`, ISO
    digits "1".."7", and the hours). `path` is the unit's."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属网格/村")
    name = models.CharField(max_length=60, verbose_name="线路名称")
    description = models.CharField(max_length=300, blank=True, verbose_name="线路说明")
    line = models.JSONField(default=list, verbose_name="线路")
    members = models.ManyToManyField("units.User", blank=True, related_name="+", verbose_name="巡逻人员")
    weekdays = models.CharField(max_length=7, default="12345", verbose_name="巡逻日")
    starts_at = models.TimeField(null=True, blank=True, verbose_name="开始时间")
    ends_at = models.TimeField(null=True, blank=True, verbose_name="结束时间")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        verbose_name = "巡逻线路"
        verbose_name_plural = "巡逻线路"
        ordering: ClassVar[list[str]] = ["path", "name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["unit", "name"], condition=Q(withdrawn_at__isnull=True), name="patrolroute_name_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PatrolPoint(models.Model):
    """A point to check on a route (巡逻点), in order; a check-in within `radius_m` of it counts."""

    route = models.ForeignKey(PatrolRoute, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField(default=0, verbose_name="顺序")
    name = models.CharField(max_length=60, verbose_name="点位名称")
    latitude = models.FloatField(verbose_name="纬度")
    longitude = models.FloatField(verbose_name="经度")
    radius_m = models.PositiveIntegerField(default=100, verbose_name="签到范围（米）")

    class Meta:
        verbose_name = "巡逻点位"
        verbose_name_plural = "巡逻点位"
        ordering: ClassVar[list[str]] = ["route", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Patrol(ScopedModel):
    """One patrol walked by a worker: started and ended on the phone, with the track recorded
    only while it is open (DESIGN.md: nothing is tracked otherwise), thinned on the phone
    (`track`: [[latitude, longitude, unix seconds], ...]). Ending it writes the seed-000 治安巡逻
    activity record (`activity`). `client_id` makes the phone's offline queue send it once.
    `path` is the route's unit's (or the worker's grid's without a route)."""

    route = models.ForeignKey(
        PatrolRoute, null=True, blank=True, on_delete=models.PROTECT, related_name="patrols", verbose_name="线路"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="网格/村")
    worker = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="巡逻人")
    started_at = models.DateTimeField(verbose_name="开始时间")
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name="结束时间")
    track = models.JSONField(default=list, verbose_name="轨迹")
    distance_m = models.PositiveIntegerField(default=0, verbose_name="里程（米）")
    summary = models.CharField(max_length=500, blank=True, verbose_name="巡逻情况")
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="patrol", verbose_name="活动记录"
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "巡逻记录"
        verbose_name_plural = "巡逻记录"
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["worker", "-started_at"], name="patrol_worker_idx"),
            models.Index(fields=["path", "-started_at"], name="patrol_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.started_at:%Y-%m-%d %H:%M}"


class PatrolCheckIn(models.Model):
    """A check-in during a patrol: at a point of the route (or anywhere), "正常" or a problem
    with a note; a hazard becomes a case (`case`) in one tap. Photos are `OfficeAttachment`s
    (owner "check_in")."""

    class Result(models.TextChoices):
        NORMAL = "normal", "正常"
        PROBLEM = "problem", "发现问题"

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="check_ins")
    point = models.ForeignKey(
        PatrolPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="点位"
    )
    at = models.DateTimeField(verbose_name="签到时间")
    latitude = models.FloatField(null=True, blank=True, verbose_name="纬度")
    longitude = models.FloatField(null=True, blank=True, verbose_name="经度")
    result = models.CharField(max_length=8, choices=Result.choices, default=Result.NORMAL, verbose_name="情况")
    note = models.CharField(max_length=300, blank=True, verbose_name="说明")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="上报事件"
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")

    class Meta:
        verbose_name = "巡逻签到"
        verbose_name_plural = "巡逻签到"
        ordering: ClassVar[list[str]] = ["patrol", "at", "id"]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M}"


class OfficeAttachment(models.Model):
    """A photo or file on an office record: the case engine's checked upload (`cases.Attachment`,
    uploaded first) named by one record. `owner` is the record's kind (`Owner`) and `owner_id`
    its id; `step` names a risk assessment's step, `reply` a recipient's reply (材料报送)."""

    class Owner(models.TextChoices):
        MEETING = "meeting", "会议"
        DOCUMENT = "document", "公文"
        REPLY = "reply", "材料报送"  # owner_id is the DocumentRecipient's
        ACTIVITY = "activity", "活动"
        WORK_LOG = "work_log", "工作日志"
        RISK = "risk", "风险评估"
        DISPUTE_REPORT = "dispute_report", "排查报表"
        STAFF = "staff", "工作人员照片"  # owner_id is the StaffMember's
        CHECK_IN = "check_in", "巡逻签到"  # owner_id is the PatrolCheckIn's

    owner = models.CharField(max_length=16, choices=Owner.choices)
    owner_id = models.PositiveBigIntegerField()
    step = models.CharField(max_length=12, blank=True)
    attachment = models.OneToOneField("cases.Attachment", on_delete=models.PROTECT, related_name="office_use")

    class Meta:
        verbose_name = "办公附件"
        verbose_name_plural = "办公附件"
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["owner", "owner_id"], name="officeattachment_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}:{self.owner_id}:{self.attachment_id}"
