"""The working-day calendar (工作日历): the exceptions to the Monday–Friday rule.

Case deadlines are counted in working days on the Chinese holiday calendar, 调休 included. The
`chinese-calendar` package seeds the table (zongzhi/calendar/holidays.py); administrators enter the
years the package does not know yet and correct single days. Reading it goes through
zongzhi/calendar/workdays.py, which caches the whole table in process memory.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from zongzhi.audit.models import ChangeLoggedModel


class CalendarSource(models.TextChoices):
    PACKAGE = "package", "内置节假日数据"
    ADMIN = "admin", "管理员录入"


class CalendarDay(ChangeLoggedModel):
    """One day that breaks the Monday–Friday rule: a holiday on a weekday (国庆节) or a make-up
    workday on a weekend (国庆节调休上班). Days that follow the rule are not stored, except
    where an administrator has pinned them (source "admin") against the package's data."""

    date = models.DateField(unique=True, verbose_name="日期")
    is_workday = models.BooleanField(verbose_name="工作日")
    name = models.CharField(max_length=40, blank=True, verbose_name="名称")
    source = models.CharField(max_length=8, choices=CalendarSource.choices, verbose_name="来源")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    class Meta:
        db_table = "core_calendarday"  # the table keeps the name of the app it was made in
        verbose_name = "工作日历例外日"
        verbose_name_plural = "工作日历例外日"
        ordering: ClassVar[list[str]] = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d} {self.name or kind}"


class CalendarYear(ChangeLoggedModel):
    """A year whose holiday schedule is known. A year without a row counts weekends only, and
    the console asks administrators to enter it."""

    year = models.PositiveSmallIntegerField(unique=True, verbose_name="年份")
    source = models.CharField(max_length=8, choices=CalendarSource.choices, verbose_name="来源")
    loaded_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        db_table = "core_calendaryear"
        verbose_name = "已录入节假日的年份"
        verbose_name_plural = "已录入节假日的年份"
        ordering: ClassVar[list[str]] = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"
