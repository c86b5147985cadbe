"""Assessment records: the rubric per year, hand scores, monthly scores and bulletins.

- `Rubric` — one assessing unit's rules for one year (the county's 办法 assessing its townships,
  a township's 细则 assessing its villages, seed 003 第十四条), with the login thresholds of the
  red light. The built-in default (seed 003 第六条–第十一条) is the rubric with no unit and no
  year, entered by migration 0002; a year's rubric is copied from it or from last year's.
- `RubricSection` / `RubricItem` — the six sections and their items: computed (a measure code of
  `measures.MEASURES` with parameters overriding the measure's defaults) or scored by hand.
- `HandScore` — the unit above's score of one hand item for one unit and month, audited.
- `ItemResult` / `UnitScore` — each month's kept results: per item the deduction, the measured
  value and the shortfalls (with their links), and the unit's total with its section totals.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.scope import ScopedModel


class Rubric(ChangeLoggedModel):
    """The rules one assessing unit applies to the units directly below it in one year.

    `unit` is the assessing unit (the county, or a township for its 细则); `unit` and `year`
    both empty mark the built-in default rubric. A unit is scored with the rubric of the year
    of its parent, else the nearest ancestor's (`services_rubric.rubric_for`)."""

    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="考核单位"
    )
    path = models.CharField(max_length=15, blank=True, default="", db_index=True, verbose_name="考核单位路径")
    year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="年度")
    title = models.CharField(max_length=100, verbose_name="名称")
    login_week_min = models.PositiveSmallIntegerField(default=3, verbose_name="每周最少登录次数")
    login_month_min = models.PositiveSmallIntegerField(default=12, verbose_name="每月最少登录次数")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "考评细则"
        verbose_name_plural = "考评细则"
        ordering: ClassVar[list[str]] = ["-year", "path"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["path", "year"], name="rubric_one_per_unit_year"),
        ]

    def __str__(self) -> str:
        return self.title


class RubricSection(models.Model):
    """A section of the rubric (第六条 基础建设 14分 …); its points are the sum of its items'."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections", verbose_name="细则")
    number = models.CharField(max_length=10, verbose_name="条")
    name = models.CharField(max_length=30, verbose_name="名称")
    sort = models.PositiveSmallIntegerField(default=0, verbose_name="排序")

    class Meta:
        verbose_name = "考评章节"
        verbose_name_plural = "考评章节"
        ordering: ClassVar[list[str]] = ["rubric", "sort"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class RubricItem(ChangeLoggedModel):
    """One item: its text and points; `measure` (a code of MEASURES) makes it computed, empty
    means scored by hand. `params` override the measure's defaults. An inactive item is kept
    (its past results refer to it) but no longer scored."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items", verbose_name="细则")
    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="items", verbose_name="章节")
    number = models.CharField(max_length=20, verbose_name="编号")
    text = models.TextField(max_length=2000, verbose_name="内容")
    points = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="分值")
    measure = models.CharField(max_length=60, blank=True, default="", verbose_name="计算规则")
    params = models.JSONField(default=dict, blank=True, verbose_name="规则参数")
    sort = models.PositiveSmallIntegerField(default=0, verbose_name="排序")
    is_active = models.BooleanField(default=True, verbose_name="启用")

    class Meta:
        verbose_name = "考评项目"
        verbose_name_plural = "考评项目"
        ordering: ClassVar[list[str]] = ["rubric", "sort", "id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.points}分)"

    def audit_label(self) -> str:
        return f"考评项目「{self.number}」"


class HandScore(ScopedModel):
    """The hand score of one item for one unit and month (`path` is the assessed unit's).
    Every change is written to the audit log with before and after (`assess.hand_scored`)."""

    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+", verbose_name="考评项目")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="被考核单位")
    month = models.DateField(verbose_name="月份")
    score = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="得分")
    note = models.CharField(max_length=500, blank=True, default="", verbose_name="说明")
    evidence = models.CharField(max_length=1000, blank=True, default="", verbose_name="佐证材料")
    scored_by = models.ForeignKey(
        "units.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="评分人"
    )
    scored_at = models.DateTimeField(verbose_name="评分时间")

    class Meta:
        verbose_name = "人工评分"
        verbose_name_plural = "人工评分"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "unit", "month"], name="handscore_one_per_item_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.item_id}"

    def audit_label(self) -> str:
        return f"人工评分「{self.month:%Y年%m月}」"


class HandScoreFile(models.Model):
    """A file the scorer attached to a hand score as evidence (佐证材料: a photo, PDF, Word or
    Excel file): the case engine's checked upload (`cases.Attachment`, content-sniffed, images
    re-encoded) named by the score. It opens for whoever may read the assessed unit's sheet.
    A file taken off the score keeps its row (`removed_at`), so it still opens as evidence of
    what the score said before (the audit names it)."""

    hand_score = models.ForeignKey(HandScore, on_delete=models.PROTECT, related_name="files", verbose_name="人工评分")
    attachment = models.OneToOneField(
        "cases.Attachment", on_delete=models.PROTECT, related_name="assess_use", verbose_name="文件"
    )
    added_at = models.DateTimeField(verbose_name="添加时间")
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name="移除时间")

    class Meta:
        verbose_name = "评分佐证文件"
        verbose_name_plural = "评分佐证文件"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.hand_score_id} {self.attachment_id}"


class ItemResult(ScopedModel):
    """One item's kept result for one unit and month (`path` is the unit's). `status`:
    computed, waiting (待计算: the measure is not registered or its records do not exist yet),
    hand (scored by hand), unscored (a hand item not scored yet: counted as full points)."""

    class Status(models.TextChoices):
        COMPUTED = "computed", "已计算"
        WAITING = "waiting", "待计算"
        HAND = "hand", "已评分"
        UNSCORED = "unscored", "未评分"

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    month = models.DateField(verbose_name="月份")
    item = models.ForeignKey(RubricItem, on_delete=models.CASCADE, related_name="+", verbose_name="考评项目")
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name="状态")
    points = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="分值")
    score = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="得分")
    deduction = models.DecimalField(max_digits=7, decimal_places=2, default=0, verbose_name="扣分(规则)")
    value = models.CharField(max_length=200, blank=True, default="", verbose_name="测得值")
    note = models.CharField(max_length=500, blank=True, default="", verbose_name="说明")
    shortfalls = models.JSONField(default=list, blank=True, verbose_name="扣分明细")
    shortfall_count = models.PositiveIntegerField(default=0, verbose_name="扣分明细条数")

    class Meta:
        verbose_name = "考评项目得分"
        verbose_name_plural = "考评项目得分"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "month", "item"], name="itemresult_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.item_id}"


class UnitScore(ScopedModel):
    """A unit's total for one month (`path` is the unit's), with `sections` {section id: score}.
    Rankings read these rows; `parent_path` selects the siblings."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    parent_path = models.CharField(max_length=15, verbose_name="上级路径")
    month = models.DateField(verbose_name="月份")
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+", verbose_name="细则")
    total = models.DecimalField(max_digits=6, decimal_places=2, verbose_name="总分")
    deducted = models.DecimalField(max_digits=6, decimal_places=2, default=0, verbose_name="扣分")
    sections = models.JSONField(default=dict, verbose_name="分项得分")
    waiting = models.PositiveSmallIntegerField(default=0, verbose_name="待计算项数")
    unscored = models.PositiveSmallIntegerField(default=0, verbose_name="未评分项数")
    computed_at = models.DateTimeField(verbose_name="计算时间")

    class Meta:
        verbose_name = "月度考评得分"
        verbose_name_plural = "月度考评得分"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "month"], name="unitscore_one_per_month"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["parent_path", "month"], name="unitscore_parent_month_idx")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.total}"


class Bulletin(ScopedModel):
    """A monthly bulletin (督查通报, seed 003 督查通报制度) of a county or township about the units
    directly below it: `content` is the figures as generated (the eight 督查内容, the ranking,
    red lights, late and missing reports, best and worst), kept so that the issued text never
    changes; the .docx is made from it. `path` is the issuing unit's. Generating the same
    month again replaces a bulletin not issued yet; an issued one is kept as issued."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="通报单位")
    month = models.DateField(verbose_name="月份")  # the first day of the month
    number = models.PositiveSmallIntegerField(default=1, verbose_name="期数")
    title = models.CharField(max_length=120, verbose_name="标题")
    content = models.JSONField(default=dict, verbose_name="通报内容")
    generated_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="生成人")
    generated_at = models.DateTimeField(verbose_name="生成时间")
    document_id = models.PositiveIntegerField(null=True, blank=True, verbose_name="下发公文")
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name="下发时间")

    class Meta:
        verbose_name = "督查通报"
        verbose_name_plural = "督查通报"
        ordering: ClassVar[list[str]] = ["-month", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "month"], name="bulletin_one_per_month"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"督查通报「{self.title}」"
