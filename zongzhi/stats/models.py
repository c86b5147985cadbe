"""The rollups the dashboards, statistics pages and the big screen read (DESIGN.md: counting
10M events from the raw table takes seconds; from a monthly rollup per level, milliseconds)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from zongzhi.core.fields import PathField


class CaseRollup(models.Model):
    """The cases reported in one month under one unit (its whole subtree), counted by what a
    statistics page breaks them down by.

    One row per (unit, month, kind, top category, status, overdue card, source): a figure is a
    sum over the unit's rows of the month, read by (path, month). Every unit of every level has
    its rows (grids included, for the map's density). A case counts in the month it was reported
    (上报时间), under its current status, so a month's figures say what became of its cases.
    Kept current by `rollups.refresh` from the cells the case engine marks as changed.
    """

    path = PathField(verbose_name="辖区路径")
    level = models.CharField(max_length=10, verbose_name="层级")
    month = models.DateField(verbose_name="月份")
    kind = models.CharField(max_length=16, verbose_name="类别")
    category = models.CharField(max_length=20, blank=True, verbose_name="事件分类（一级）")
    status = models.CharField(max_length=24, verbose_name="状态")
    overdue_level = models.PositiveSmallIntegerField(default=0, verbose_name="超期警示")
    source = models.CharField(max_length=12, verbose_name="来源")
    count = models.PositiveIntegerField(default=0, verbose_name="件数")
    # Cases with a completion time, and the sum of their report-to-completion times.
    handled = models.PositiveIntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "办件统计"
        verbose_name_plural = "办件统计"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "month"], name="caserollup_path_month_idx"),
            models.Index(fields=["month", "level", "path"], name="caserollup_month_level_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.month:%Y-%m} {self.kind}/{self.status} {self.count}"


class RegistryRollup(models.Model):
    """The registry under one unit (its whole subtree) as it stands: residents by household
    type, key persons and care recipients by category, places and organisations by kind (the
    records not retired), one row per (unit, figure, key)."""

    path = PathField(verbose_name="辖区路径")
    level = models.CharField(max_length=10, verbose_name="层级")
    figure = models.CharField(max_length=20, verbose_name="指标")
    key = models.CharField(max_length=40, verbose_name="分类")
    count = models.PositiveIntegerField(default=0, verbose_name="数量")

    class Meta:
        verbose_name = "基础信息统计"
        verbose_name_plural = "基础信息统计"
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["path", "figure"], name="regrollup_path_idx")]

    def __str__(self) -> str:
        return f"{self.path} {self.figure}/{self.key} {self.count}"


class DirtyCell(models.Model):
    """A cell whose rollup rows are out of date: appended by the hook where a record changes
    (one row in the writer's own statement, no lookup, no conflict), read and removed by the
    refresh job. The same cell may be marked many times before the job runs."""

    area = models.CharField(max_length=12)
    path = PathField()
    month = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "待更新统计"
        verbose_name_plural = "待更新统计"

    def __str__(self) -> str:
        return f"{self.area} {self.path} {self.month}"


class Rebuild(models.Model):
    """One full rebuild of the rollups from the raw rows (the nightly reconcile runs once a day)."""

    finished_at = models.DateTimeField(verbose_name="完成时间")
    case_rows = models.PositiveIntegerField(default=0)
    registry_rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "统计重算"
        verbose_name_plural = "统计重算"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"
