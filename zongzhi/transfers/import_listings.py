"""Import of key persons and care recipients (列管名单): the lists the township office hands
down (seed 000: 具体数据由镇综治办提供), one row per person and category.

The person must already be registered (found by ID number, in the uploader's capture scope);
the category's own fields are columns named as in the form (原罪名, 释放日期, 监护人姓名 …).
Each row goes through the same service as the form, so the rules, the sealing of personal
fields and the audit are the same; a person already listed in the category is skipped, so a
re-run changes nothing twice. Volumes are small (tens of thousands), so rows are written one
by one, in batches of one transaction each.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.db import transaction

from zongzhi.core import crypto
from zongzhi.core.errors import DomainError
from zongzhi.core.scope import path_within
from zongzhi.dictionary.services import labels
from zongzhi.people import services
from zongzhi.people.categories import CARE, KEY
from zongzhi.people.idcard import normalize_id_number
from zongzhi.people.models import GROUP_TABLES, Group, PersonCategory, Resident
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import User

from .import_columns import precision_lost, quoted
from .import_reader import ImportFileError
from .jobs import Cancelled

BATCH = 500
GROUPS = {"重点人员": Group.KEY, "特殊人群": Group.KEY, "关怀对象": Group.CARE, "key": Group.KEY, "care": Group.CARE}
COMMON = ["证件号码", "姓名", "类别组", "类别", "列管日期", "危险性等级", "走访周期（天）", "备注"]


def _field_labels() -> dict[str, str]:
    """Column header → field name, for every category's own fields."""
    out: dict[str, str] = {}
    for table in (KEY, CARE):
        for spec in table.values():
            for f in spec.fields:
                out.setdefault(f.label, f.name)
    return out


def _norm(text: str) -> str:
    return str(text or "").replace("*", "").replace(" ", "").replace("\u3000", "").strip()


def run(job: ImportJob, user: User, rows: Any, header: list[str], rejects: Any) -> None:

    positions = {_norm(h): i for i, h in enumerate(header)}
    for required in ("证件号码", "类别"):
        if required not in positions:
            raise ImportFileError(f"缺少必填列：{required}（请使用系统提供的模板）")
    fields = {name: positions[label] for label, name in _field_labels().items() if label in positions}
    codes: dict[str, dict[str, str]] = {
        str(group.value): {**{v: k for k, v in labels(table).items()}, **{k: k for k in labels(table)}}
        for group, table in GROUP_TABLES.items()
    }

    def cell(cells: list[str], header_name: str) -> str:
        i = positions.get(header_name)
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] else ""

    batch: list[tuple[int, list[str]]] = []

    def flush(line: int) -> None:
        if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise Cancelled()
        with transaction.atomic():
            for row_line, cells in batch:
                try:
                    outcome = _one(user, cells, cell, fields, codes, services)
                except (ValueError, DomainError) as exc:
                    message = exc.message if isinstance(exc, DomainError) else str(exc)
                    errors = getattr(exc, "errors", None) or []
                    detail = "；".join(e["message"] for e in errors) if len(errors) > 1 else message
                    rejects.add(row_line, cells, detail)
                    continue
                if outcome == "skipped":
                    job.skipped += 1
                else:
                    job.imported += 1
            job.rejected = rejects.count
            job.processed_rows = line - 1
            job.total_rows = max(job.total_rows, job.processed_rows)
            job.heartbeat_at = dt.datetime.now(dt.UTC)
            job.save(update_fields=["imported", "skipped", "rejected", "processed_rows", "total_rows", "heartbeat_at"])
        batch.clear()

    line = 1
    for cells in rows:
        line += 1
        if not any(c.strip() for c in cells if c):
            continue
        batch.append((line, cells))
        if len(batch) >= BATCH:
            flush(line)
    flush(line)


def _one(
    user: User, cells: list[str], cell: Any, fields: dict[str, int], codes: dict[str, dict[str, str]], services: Any
) -> str:
    raw_number = cell(cells, "证件号码")
    if lost := precision_lost("证件号码", raw_number):
        raise ValueError(lost)
    number = normalize_id_number(raw_number)
    if not number:
        raise ValueError("证件号码为必填")
    if any(c.startswith(("=", "+", "@")) for c in cells if c):
        raise ValueError("单元格不能是公式")
    resident = (
        Resident.objects.filter(id_number_index=crypto.blind_index(number, "id_number"), is_retired=False)
        .only("pk", "path", "name", "is_retired")
        .first()
    )
    if resident is None or not path_within(resident.path, user.view_paths):
        raise ValueError("该证件号码未登记为实有人口，请先登记人员")
    name = cell(cells, "姓名")
    if name and name != resident.name:
        raise ValueError(f"姓名与登记的不一致（登记为{resident.name}）")
    group = GROUPS.get(cell(cells, "类别组") or "重点人员")
    if group is None:
        raise ValueError("类别组应为重点人员或关怀对象")
    raw_code = cell(cells, "类别")
    code = codes[str(group.value)].get(raw_code)
    if code is None:
        raise ValueError(f"类别{quoted(raw_code)}不在{group.label}类别代码表中")
    if PersonCategory.objects.filter(resident=resident, group=group, category_code=code, is_retired=False).exists():
        return "skipped"
    risk_text = cell(cells, "危险性等级").replace("级", "")
    every_text = cell(cells, "走访周期（天）")
    listed_text = cell(cells, "列管日期")
    try:
        risk = int(risk_text) if risk_text else None
        every = int(every_text) if every_text else None
        listed = dt.date.fromisoformat(listed_text.replace("/", "-")) if listed_text else None
    except ValueError:
        raise ValueError("危险性等级、走访周期应为数字，列管日期应为日期（如 2026-01-31）") from None
    details = {name: cells[i].strip() for name, i in fields.items() if i < len(cells) and cells[i] and cells[i].strip()}
    services.list_category(
        acting_user=user,
        resident=Resident.objects.get(pk=resident.pk),
        data=services.CategoryData(
            group=group,
            category_code=code,
            listed_on=listed,
            risk_level=risk,
            details=details,
            visit_every_days=every,
            note=cell(cells, "备注"),
        ),
    )
    return "imported"


def template() -> bytes:
    """The template: the common columns, then every category's own columns; a sheet tells
    which columns each category uses, another lists the category codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "列管名单"
    extra = list(_field_labels())
    sheet.append([f"{h}*" if h in ("证件号码", "类别") else h for h in COMMON] + extra)
    sheet.append(
        ["32011119850312123X", "王某某", "重点人员", "刑满释放人员", "2026-01-05", "", "", ""] + [""] * len(extra)
    )
    for c in sheet[1]:
        c.font = Font(bold=True)
    guide = book.create_sheet("各类别填写的列")
    guide.append(["类别组", "类别", "需要填写的列（* 为必填）", "默认走访周期（天）"])
    for group, table in ((Group.KEY, KEY), (Group.CARE, CARE)):
        names = labels(GROUP_TABLES[group])
        for code, spec in table.items():
            columns = "、".join(f"{f.label}{'*' if f.required else ''}" for f in spec.fields)
            guide.append([group.label, names.get(code, code), columns, spec.visit_every_days])
    guide.append(["说明", "严重精神障碍患者须填写危险性等级（0-5级），走访周期按等级设定。人员须先在实有人口中登记。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stem(filename: str) -> str:
    return Path(filename).stem[:60]
