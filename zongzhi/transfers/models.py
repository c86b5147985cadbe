"""Transfers: imports of Excel and CSV files into the registry of people, comparisons of a
department's file with it, and approved, watermarked exports."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from zongzhi.core.fields import PathField
from zongzhi.core.scope import ScopedModel


class ImportJob(ScopedModel):
    """One upload of an Excel or CSV file: an import into the registry, or a comparison of a
    department's file with it (seed 003: 每月与相关部门导入的信息进行比对). `path` is the unit
    the rows may land under (the uploader's capture scope is checked row by row)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        REVIEW = "review", "待确认列"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    class Mode(models.TextChoices):
        IMPORT = "import", "导入"
        COMPARE = "compare", "比对"

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.IMPORT, verbose_name="方式")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name="状态")
    file = models.FileField(upload_to="imports/%Y/%m/", verbose_name="文件")
    filename = models.CharField(max_length=200, verbose_name="文件名")
    file_sha256 = models.CharField(max_length=64, verbose_name="文件摘要")
    default_unit = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    # The uploader's choices: {"columns": {file header: field, or "" to leave it out},
    # "fixed": {field: one value for every row, for a column the file lacks}}.
    mapping = models.JSONField(default=dict, blank=True, verbose_name="列的对应")
    # The import wizard: the job first reads the head of the file (the header it found, each
    # column's field and a few masked samples, into `preview`) and waits in REVIEW until the
    # uploader confirms the columns; nothing is written before that.
    needs_review = models.BooleanField(default=False, verbose_name="导入前确认列")
    preview = models.JSONField(default=dict, blank=True, verbose_name="表头识别结果")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0, verbose_name="行数")
    processed_rows = models.PositiveIntegerField(default=0, verbose_name="已处理")
    imported = models.PositiveIntegerField(default=0, verbose_name="导入")
    skipped = models.PositiveIntegerField(default=0, verbose_name="已存在")
    rejected = models.PositiveIntegerField(default=0, verbose_name="有误")
    rejects_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="有误行")
    report = models.JSONField(default=dict, blank=True, verbose_name="比对结果")
    report_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="比对报告")
    # A comparison's residents registered under the unit but not in the file (their ids, sealed):
    # not in the report; released only as an approved export (ExportRequest.import_job).
    missing_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="系统有、文件无")
    error = models.CharField(max_length=300, blank=True, verbose_name="失败原因")
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name="最近进展")

    class Meta:
        db_table = "registry_importjob"  # the table keeps the name of the app it was made in
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    def audit_label(self) -> str:
        """How the auditor's list names it: 导入文件「名单.xlsx」."""
        return f"{self.get_mode_display()}文件「{self.filename}」"


class ImportMapping(ScopedModel):
    """The columns a unit chose once for files of one shape (a department's export): the next
    file with the same headers opens with the same choices. `path` is the uploader's unit;
    `signature` digests the file's normalised headers in order."""

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    signature = models.CharField(max_length=64, verbose_name="表头摘要")
    columns = models.JSONField(default=dict, verbose_name="列的对应")
    fixed = models.JSONField(default=dict, blank=True, verbose_name="统一的值")
    source = models.CharField(max_length=200, verbose_name="最近使用的文件")
    updated_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "registry_importmapping"  # the table keeps the name of the app it was made in
        verbose_name = "导入列对应"
        verbose_name_plural = "导入列对应"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["path", "kind", "signature"], name="importmapping_unique_source"),
        ]

    def __str__(self) -> str:
        return self.source


class ExportRequest(ScopedModel):
    """A request to take personal data out as Excel: the unit above approves or refuses; the
    approved file carries a watermark (who, when), can be downloaded until `expires_at`, and
    every step is audited. `path` is the unit whose records are exported; for the residents a
    comparison found missing from its file, `import_job` is that comparison."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        REFUSED = "refused", "已拒绝"
        APPROVED = "approved", "已批准，生成中"
        READY = "ready", "可下载"
        FAILED = "failed", "生成失败"
        EXPIRED = "expired", "已过期"
        WITHDRAWN = "withdrawn", "已撤回"

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    filters = models.JSONField(default=dict, blank=True, verbose_name="筛选条件")
    full_id_numbers = models.BooleanField(default=False, verbose_name="含完整证件号码")
    reason = models.CharField(max_length=200, verbose_name="用途")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name="状态")
    requested_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approver_path = PathField(verbose_name="审批单位路径")
    decided_by = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)
    # Set for the list of a comparison's residents missing from the file (kind compare_missing).
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.PROTECT, related_name="exports", verbose_name="比对任务"
    )

    class Meta:
        db_table = "registry_exportrequest"  # the table keeps the name of the app it was made in
        verbose_name = "导出申请"
        verbose_name_plural = "导出申请"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["approver_path", "status"], name="export_approver_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    def audit_label(self) -> str:
        """How the auditor's list names it: 导出申请「实有人口」."""
        from .exports import KINDS

        return f"导出申请「{KINDS.get(self.kind, self.kind)}」"
