"""Starting, confirming and cancelling imports and comparisons: the checks of what the user asks
for (a file, a unit, the column choice), the job record, the audit entries. The work itself runs in
imports.py."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, TooLarge
from zongzhi.core.scope import path_within, require_write
from zongzhi.people.services import record_correction, require_sensitive
from zongzhi.transfers.models import ImportJob, ImportMapping
from zongzhi.units.models import Unit, User

from . import imports
from .import_columns import COLUMNS

MAX_IMPORT_BYTES = 300 * 1024 * 1024


IMPORT_KINDS = {"residents": "实有人口", "key_persons": "重点人员和关怀对象"}


# Fields that differ from person to person: one value for the whole file would be wrong. The
# grid comes from the unit chosen at upload.
NEVER_FIXED = {
    "name",
    "former_name",
    "foreign_name",
    "id_number",
    "phone",
    "household_number",
    "permit_number",
    "birth_date",
    "sex_code",
    "unit_code",
}


def _checked_fields(columns: dict[str, str]) -> list[dict[str, str]]:
    """Problems of a column choice: a field that does not exist, one field for two columns."""

    known = {c.field for c in COLUMNS}
    errors = [
        {"field": "columns", "message": f"列“{key}”对应的字段“{field}”不存在", "code": "unknown_field"}
        for key, field in columns.items()
        if field and field not in known
    ]
    taken = [f for f in columns.values() if f]
    if len(taken) != len(set(taken)):
        errors.append({"field": "columns", "message": "同一个字段只能对应文件中的一列", "code": "duplicate_field"})
    return errors


def _checked_fixed(fixed: dict[str, str]) -> list[dict[str, str]]:
    """Problems of the values given to a whole file: a field that may not have one, an empty
    value, a value its column would refuse (told once here, not on every row)."""
    from .import_checker import fixed_value_problem

    by_field = {c.field: c for c in COLUMNS}
    errors: list[dict[str, str]] = []
    for field, value in fixed.items():
        column = by_field.get(field)
        if column is None or field in NEVER_FIXED:
            errors.append({"field": "fixed", "message": f"不能为“{field}”指定统一的值", "code": "unknown_field"})
        elif not value.strip():
            errors.append({"field": "fixed", "message": f"请填写“{column.header}”的值", "code": "required"})
        elif problem := fixed_value_problem(column, value):
            errors.append({"field": "fixed", "message": problem, "code": "invalid_value"})
    return errors


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidInput(errors[0]["message"], code=errors[0]["code"], errors=errors)


def import_mapping(columns: dict[str, str], fixed: dict[str, str]) -> dict[str, Any]:
    """The choices an API client sends with an upload, checked: `columns` takes a file header
    to a field of the template (or "" to leave it out); a field the file lacks may get one
    value for every row."""
    _raise(_checked_fields(columns) + _checked_fixed(fixed))
    return {"columns": columns, "fixed": {k: v.strip() for k, v in fixed.items()}} if columns or fixed else {}


def start_import(
    *,
    acting_user: User,
    upload: Any,
    mode: str,
    unit: Unit | None,
    kind: str = "residents",
    columns: dict[str, str] | None = None,
    fixed: dict[str, str] | None = None,
    review: bool = False,
) -> Any:
    """Accept a file for import (records.write) or comparison (records.read) and queue it.
    `columns` and `fixed` are the uploader's choices for a file not made from the template
    (see `import_mapping`). With `review` the job only reads the head of the file and waits
    for the columns to be confirmed (`confirm_import`): the console's wizard."""

    if (columns or fixed) and kind != "residents":
        raise InvalidInput.field("columns", "只有实有人口的导入可以指定列的对应", code="invalid_input")
    if review and kind != "residents":
        raise InvalidInput.field("review", "只有实有人口的导入和比对可以核对列的对应", code="invalid_input")
    if review and (columns or fixed):
        raise InvalidInput.field("columns", "确认列的对应时再指定列和统一的值", code="invalid_input")
    mapping = import_mapping(columns or {}, fixed or {})

    if mode not in ImportJob.Mode.values:
        raise InvalidInput.field("mode", "方式应为导入或比对", code="invalid_input")
    if kind not in IMPORT_KINDS or (kind != "residents" and mode != ImportJob.Mode.IMPORT):
        raise InvalidInput.field("kind", "数据类别不正确（比对只适用于实有人口）", code="invalid_input")
    if kind == "key_persons":
        require_sensitive(acting_user)
    if mode == ImportJob.Mode.IMPORT:
        require_cap(acting_user, "records.write", "没有导入实有人口的权限")
    else:
        require_cap(acting_user, "records.read", "没有比对实有人口的权限")
    root = unit or acting_user.unit
    if root is None:
        raise InvalidInput.field("unit_id", "请选择辖区", code="required")
    corrected = False
    if mode == ImportJob.Mode.IMPORT:
        # Rows are written into `root`: it must be the uploader's own unit, or a lower one
        # corrected with the correction capability (core.scope.require_write).
        corrected = require_write(acting_user, root)
    elif not path_within(root.path, acting_user.view_paths):
        raise Forbidden("所选辖区不在您的范围内", audit=AuditNote("scope.denied", root, {"mode": f"import:{mode}"}))
    name = (getattr(upload, "name", "") or "").strip()[-200:]
    if not name.lower().endswith((".xlsx", ".csv")):
        raise InvalidInput.field("file", "请上传 .xlsx 或 .csv 文件（可下载系统模板）", code="file_type")
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise InvalidInput.field("file", "文件是空的", code="file_empty")
    if size > MAX_IMPORT_BYTES:
        message = "文件不能超过300MB，请拆分后导入"
        raise TooLarge(message, code="file_too_large", errors=[{"field": "file", "message": message}])
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = ImportJob(
        path=root.path,
        kind=kind,
        mode=mode,
        filename=name,
        file_sha256=digest.hexdigest(),
        default_unit=unit,
        mapping=mapping,
        needs_review=review,
        created_by=acting_user,
    )
    with transaction.atomic():
        job.file.save(f"{job.file_sha256[:16]}{Path(name).suffix.lower()}", upload, save=False)
        job.save()
        record_event(f"registry.{mode}_started", obj=job, detail={"file": name, "sha256": job.file_sha256})
        if corrected:
            record_correction(acting_user, job, "import")
        imports.start(job)
    return job


def confirm_import(
    *, acting_user: User, job: Any, columns: dict[str, str], fixed: dict[str, str], remember: bool = False
) -> Any:
    """The uploader confirms the columns the wizard proposed (`job.preview`), corrects some
    (`columns`: file header → field, "" to leave it out), and gives one value to required
    columns the file lacks (`fixed`); then the import or comparison starts. With `remember`,
    the next file of the same headers uploaded in the unit opens with these choices."""

    if job.created_by_id != acting_user.pk:
        raise Forbidden("只能确认自己的导入", audit=AuditNote("permission.denied", job, {"action": "confirm"}))
    if job.status != ImportJob.Status.REVIEW:
        raise Conflict("该导入不在待确认列的状态", code="not_in_review")
    proposed = job.preview.get("columns", [])
    indexes = {str(c["index"]) for c in proposed}
    unknown = [k for k in columns if k not in indexes]
    if unknown:
        raise InvalidInput.field("columns", f"文件中没有第{unknown[0]}列（列序号从0开始）", code="unknown_column")
    by_index = {str(c["index"]): columns.get(str(c["index"]), c["field"]) for c in proposed}
    _raise(_checked_fields(by_index) + _checked_fixed(fixed))
    values = {k: v.strip() for k, v in fixed.items()}
    chosen = {f for f in by_index.values() if f}
    header_of = {c.field: c.header for c in COLUMNS}
    both = [header_of[f] for f in values if f in chosen]
    if both:
        raise InvalidInput.field("fixed", f"“{both[0]}”已对应文件中的列，不能再指定统一的值", code="duplicate_field")
    missing = [c.header for c in COLUMNS if c.required and c.field not in chosen | set(values)]
    if missing:
        raise InvalidInput.field(
            "fixed", f"请为“{'、'.join(missing)}”选择文件中的列，或为整个文件指定一个值", code="missing_column"
        )
    mapping = {"by_index": by_index, "fixed": values}
    source = job.preview.get("signature", "")
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.REVIEW).update(
            status=ImportJob.Status.QUEUED, needs_review=False, mapping=mapping, preview={}
        ):
            raise Conflict("该导入不在待确认列的状态", code="not_in_review")
        job.refresh_from_db()
        if remember and acting_user.unit is not None:
            ImportMapping.objects.update_or_create(
                path=acting_user.unit.path,
                kind=job.kind,
                signature=source,
                defaults={
                    "columns": by_index,
                    "fixed": values,
                    "source": job.filename,
                    "updated_by": acting_user,
                    "updated_at": timezone.now(),
                },
            )
        record_event(
            "registry.import_confirmed",
            obj=job,
            # fields only: a header may be a person's row, a fixed value free text
            detail={"columns": by_index, "fixed": sorted(values), "remember": remember},
        )
        imports.start(job)
    return job


def cancel_import(*, acting_user: User, job: Any) -> Any:

    if job.created_by_id != acting_user.pk:
        raise Forbidden("只能取消自己的导入", audit=AuditNote("permission.denied", job, {"action": "cancel"}))
    if job.status == ImportJob.Status.REVIEW and imports.cancel_review(job):
        return job
    job.refresh_from_db()  # confirmed meanwhile: cancelled as a running job
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        raise Conflict("导入已结束，无法取消", code="finished")
    ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    if job.status == ImportJob.Status.QUEUED:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
        )
    record_event("registry.import_cancelled", obj=job)
    job.refresh_from_db()
    return job
