"""Request and response shapes of the imports, comparisons and exports API."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema

from .models import ExportRequest


class ExportIn(Schema):
    kind: Literal["residents", "key_persons", "care"] = "residents"
    unit_id: int
    resident_kind: str = Field("", max_length=12)
    full_id_numbers: bool = False
    reason: str = Field(..., max_length=limit_of(ExportRequest, "reason"))


class DecisionIn(Schema):
    note: str = Field("", max_length=limit_of(ExportRequest, "decision_note"))


class ExportOut(OutSchema):
    id: int
    kind: str
    kind_label: str
    unit_name: str
    filters: dict[str, Any]
    full_id_numbers: bool
    reason: str
    status: str
    status_label: str
    requested_by: str
    requested_at: datetime
    approver_unit: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    rows: int
    expires_at: datetime | None
    downloads: int
    can_decide: bool
    can_download: bool
    import_job_id: int | None
    import_filename: str = Field(description="比对名单：比对的文件")
    import_missing: int = Field(description="比对名单：系统有、文件无的人数")


class MissingListIn(Schema):
    reason: str = Field(..., max_length=limit_of(ExportRequest, "reason"))
    full_id_numbers: bool = False


class ImportColumnOut(OutSchema):
    index: int
    header: str = Field(description="文件中的列名")
    field: str = Field(description="对应的字段（见 /imports/fields），空为不导入")
    samples: list[str] = Field(description="前几行的值，证件号码、电话等长数字已遮蔽")


class ImportPreviewOut(OutSchema):
    header_line: int = Field(description="表头所在的行（其上为标题行）")
    header_found: bool = Field(description="是否识别出表头；否则第1行当作表头（已遮蔽）")
    columns: list[ImportColumnOut]
    fixed: dict[str, str] = Field(description="上次为文件缺少的列指定的统一值")
    remembered: str = Field(description="按此前哪个文件的对应填好（空为自动识别）")


class ImportFieldOut(OutSchema):
    field: str
    header: str
    required: bool
    fixable: bool = Field(description="文件缺少此列时可为整个文件指定一个值")
    choices: list[str] = Field(description="可选的值（人口类别、代码表的名称）；空为自由填写")
    max_length: int


class ImportConfirmIn(Schema):
    columns: dict[str, str] = Field(default_factory=dict, description="文件中的列名 → 字段，空为不导入")
    fixed: dict[str, str] = Field(default_factory=dict, description="字段 → 整个文件的统一值")
    remember: bool = Field(False, description="记住这个对应，下次同样表头的文件自动填好")


class ImportJobOut(OutSchema):
    id: int
    kind: str
    mode: Literal["import", "compare"]
    status: Literal["queued", "review", "running", "done", "failed", "cancelled"]
    status_label: str
    filename: str
    unit_name: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    total_rows: int
    processed_rows: int
    imported: int
    skipped: int
    rejected: int
    has_rejects: bool
    has_report: bool
    report: dict[str, Any]
    error: str
    has_missing_list: bool = Field(description="比对的“系统有、文件无”名单仍保存着，可申请导出")
    missing_export: ExportOut | None = Field(description="最近一次申请导出该名单")
    needs_review: bool = Field(description="上传后先读取表头，等待确认列的对应（确认后为 false）")
    preview: ImportPreviewOut | None = Field(description="待确认列时：识别出的表头、各列的对应和示例")
