"""The comparison of a department's file with the registry (mode `compare` of an import job)."""

from __future__ import annotations

import array
import io
from pathlib import Path
from typing import Any

from django.utils import timezone

from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import subtree_q
from zongzhi.people import normalize
from zongzhi.people.idcard import is_valid_id_number, normalize_id_number
from zongzhi.people.models import Resident
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import Unit, User

from . import queries, sealed_files
from .import_columns import excel_text
from .jobs import Cancelled, finish, local_copy, rows_of


def compare(job: ImportJob, user: User, *, batch: int) -> None:
    """New people (in the file, not registered anywhere), changed (name, address or phone
    differ), missing (registered under the unit, not in the file), and people of the file
    registered in another jurisdiction. A new person whose row an import would refuse is
    listed with the reason, so the counts say what an import of the file would do.

    The report lists only people the file brought. Of the missing people it gives the count:
    listing them would hand out the unit's registry for a one-row file, so their ids are kept
    apart (`missing_file`) and their list is an export the unit above approves
    (exports.request_missing_list)."""
    path = local_copy(job)
    try:
        rows, _header, header_line, checker = rows_of(job, user, path, batch=batch)
        line = header_line
        pos = checker.positions
        in_file: dict[bytes, tuple[int, str, str, str, str, str]] = {}
        bad = 0
        for cells in rows:
            line += 1
            if not any(c.strip() for c in cells if c):
                continue

            def cell(field: str, cells: list[str] = cells) -> str:
                i = pos.get(field)
                return normalize.text(cells[i]) if i is not None and i < len(cells) and cells[i] else ""

            # Compared in the form an import would store: a full-width number or a phone
            # written with +86 is the same person's.
            try:
                values, number, phone = checker.check(cells)
                name, address, refusal = values["name"], values["current_address"], ""
            except ValueError as exc:
                refusal = str(exc)
                number = normalize_id_number(cell("id_number"))
                name, address, phone = cell("name"), cell("current_address"), normalize.phone(cell("phone"))
            if not number or (len(number) == 18 and not is_valid_id_number(number)):
                bad += 1
                continue
            in_file[crypto.blind_index(number, "id_number")] = (line, mask_value(number), name, address, phone, refusal)
            if line % batch == 0:
                job.processed_rows, job.heartbeat_at = line - header_line, timezone.now()
                job.save(update_fields=["processed_rows", "heartbeat_at"])
                if ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    raise Cancelled()
        job.processed_rows = job.total_rows = line - header_line
        registered = Resident.objects.filter(subtree_q([job.path]), is_retired=False).values_list(
            "id", "id_number_index", "name", "current_address", "phone_index", "id_number_mask", "path"
        )
        new, changed = [], []
        missing = array.array("q")
        units = dict(Unit.objects.filter(subtree_q([job.path])).values_list("path", "name"))
        matched: set[bytes] = set()
        for rid, index, name, address, phone_index, masked, rpath in registered.iterator(chunk_size=5000):
            key = bytes(index)
            entry = in_file.get(key)
            if entry is None:
                missing.append(rid)
                continue
            matched.add(key)
            _line, _m, fname, faddress, fphone, _refusal = entry
            diffs = []
            if fname and fname != name:
                diffs.append(f"姓名：{name} → {fname}")
            if faddress and faddress != address:
                diffs.append(f"现住地址：{address} → {faddress}")
            if fphone and (phone_index is None or crypto.blind_index(fphone, "phone") != bytes(phone_index)):
                diffs.append("联系电话不同")
            if diffs:
                changed.append([masked, name, units.get(rpath, ""), "；".join(diffs)])
        unmatched = [key for key in in_file if key not in matched]
        elsewhere_keys: set[bytes] = set()
        for i in range(0, len(unmatched), batch):  # registered, but not under this unit
            elsewhere_keys |= queries.registered(unmatched[i : i + batch])
        elsewhere: list[list[Any]] = []
        new_invalid = 0
        for key in unmatched:
            fline, masked, fname, faddress, _p, refusal = in_file[key]
            if key in elsewhere_keys:
                elsewhere.append([fline, masked, fname])
                continue
            new_invalid += bool(refusal)
            new.append([fline, masked, fname, faddress, refusal or "可导入"])
        job.report = {
            "in_file": len(in_file),
            "registered": len(matched) + len(missing),
            "new": len(new),
            "new_invalid": new_invalid,
            "changed": len(changed),
            "missing": len(missing),
            "elsewhere": len(elsewhere),
            "unreadable": bad,
        }
        job.rejected = bad
        _store_report(job, new, changed, missing, elsewhere)
        finish(job, ImportJob.Status.DONE)
    finally:
        path.unlink(missing_ok=True)


MISSING_NOTE = "名单不在本报告中：请在“数据导入”页点“申请导出名单”，经上级单位批准后下载（带水印，记入审计日志）"


def _store_report(
    job: ImportJob,
    new: list[list[Any]],
    changed: list[list[Any]],
    missing: array.array[int],
    elsewhere: list[list[Any]],
) -> None:
    """The report (people of the file; of the missing ones the count only), and the ids of the
    missing residents, both sealed."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, head, rows in (
        ("新增人员", ["原行号", "证件号码", "姓名", "现住地址", "导入检查"], new),
        ("信息变化", ["证件号码", "姓名（系统）", "所属网格", "变化"], changed),
        ("系统有、文件无", ["人数", "说明"], [[len(missing), MISSING_NOTE if missing else ""]]),
        ("已在其他辖区登记", ["原行号", "证件号码", "姓名"], elsewhere),
    ):
        sheet = book.create_sheet(title)
        sheet.append(head)
        for row in rows:
            sheet.append([excel_text(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    stem = Path(job.filename).stem[:60]
    sealed_files.save(job.report_file, f"{stem}-比对结果.xlsx", out.getvalue())
    if missing:
        sealed_files.save_ids(job.missing_file, f"{stem}-系统有文件无.ids", missing)
