"""Code tables and their codes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from zongzhi.audit.models import ChangeLoggedModel


class CodeTable(models.Model):
    """A code table (代码表), e.g. sex (GB/T 2261.1) or event category (our own)."""

    class Namespace(models.TextChoices):
        GB = "gb", "国家标准"
        GA = "ga", "公安行业标准"
        ZDY = "zdy", "自定义"

    namespace = models.CharField(max_length=4, choices=Namespace.choices, verbose_name="命名空间")
    code = models.CharField(max_length=40, unique=True, verbose_name="代码表标识")
    name = models.CharField(max_length=60, verbose_name="名称")
    standard = models.CharField(max_length=100, blank=True, verbose_name="依据标准")
    hierarchical = models.BooleanField(default=False, verbose_name="分级")

    class Meta:
        verbose_name = "代码表"
        verbose_name_plural = "代码表"
        ordering: ClassVar[list[str]] = ["namespace", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CodeItem(ChangeLoggedModel):
    """One code of a table. Codes in use are never deleted, only retired (停用)."""

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="items", verbose_name="代码表")
    code = models.CharField(max_length=20, verbose_name="代码")
    label = models.CharField(max_length=100, verbose_name="名称")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级代码"
    )
    sort = models.IntegerField(default=0, verbose_name="排序")
    is_retired = models.BooleanField(default=False, verbose_name="已停用")
    is_local = models.BooleanField(default=False, verbose_name="本地扩展")

    class Meta:
        verbose_name = "代码"
        verbose_name_plural = "代码"
        ordering: ClassVar[list[str]] = ["table", "sort", "code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["table", "code"], name="codeitem_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
