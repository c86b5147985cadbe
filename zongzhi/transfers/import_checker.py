"""A row of an import file turned into a resident's values, or the reason it is refused.

The cells are converted (labels into codes, the forms of dates and phones into one) and the
values are then checked by the one validator of residents (`people.validation.check_resident`),
the form's, so the import and the form cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from typing import Any

from django.utils import timezone

from zongzhi.core.scope import WriteScope, write_scope
from zongzhi.dictionary.services import labels
from zongzhi.people import normalize
from zongzhi.people.idcard import normalize_id_number
from zongzhi.people.validation import CODE_TABLES, ID_CARD, Codes, check_resident
from zongzhi.transfers.models import ImportJob
from zongzhi.units.models import Unit, User

from .import_columns import COLUMNS, HEADERS, KINDS, Column, header_fields, norm_header, precision_lost, quoted
from .import_reader import ImportFileError as ImportFileError  # raised by the reader and the checks

_nfkc = functools.partial(unicodedata.normalize, "NFKC")


class RowChecker:
    """Turns one row into the values of a Resident, or the reason it is refused.

    Everything it needs (code tables, the units, the user's scope) is read when it is made:
    checking a row touches no database, so it can run in a worker process.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.positions: dict[str, int] = state["positions"]
        self.fixed: dict[str, str] = state["fixed"]
        self.codes: dict[str, dict[str, str]] = state["codes"]
        self.lookups: Codes = state["lookups"]
        self.units: dict[str, tuple[str, bool]] = state["units"]
        self.write: WriteScope = state["write"]
        self.default_path: str | None = state["default_path"]
        self.root: str = state["root"]
        self.today: dt.date = state["today"]
        # The columns of this file in the order of COLUMNS, with what checking each needs and
        # the value a short row stands for; a field given one value for the whole file has no
        # column (its position is past every row's end) and is checked as if every row held it;
        # the values of the other columns the file does not have (none of them required).
        beyond = 1 << 30
        self._plan = [
            (
                c.field,
                self.positions.get(c.field, beyond),
                c.required,
                self.codes[c.table] if c.table else None,
                c.kind,
                c,
                self.fixed.get(c.field, ""),
            )
            for c in COLUMNS
            if c.field in self.positions or c.field in self.fixed
        ]
        self._absent = {
            c.field: None if c.kind == "date" else ""
            for c in COLUMNS
            if c.field not in self.positions and c.field not in self.fixed
        }

    @staticmethod
    def state(header: list[str], user: User, job: ImportJob, fields: dict[str, str] | None = None) -> dict[str, Any]:
        """What checking needs, read once: where each field is in the file (the detected
        headers, then the uploader's own choices in `job.mapping["columns"]`), the values the
        uploader gave for columns the file lacks (`job.mapping["fixed"]`), the code tables,
        the units and the uploader's scope."""
        fields = header_fields() if fields is None else fields
        chosen: dict[str, str] = (job.mapping or {}).get("columns", {})
        fixed: dict[str, str] = (job.mapping or {}).get("fixed", {})
        by_index: dict[str, str] | None = (job.mapping or {}).get("by_index")  # confirmed in the wizard
        positions: dict[str, int] = {}
        for i, raw in enumerate(header):
            if by_index is not None:
                field = by_index.get(str(i), "")
            else:
                text = str(raw or "").strip()
                field = chosen[text] if text in chosen else fields.get(norm_header(text), "")
            if not field or field in positions:
                continue
            if field in fixed:
                raise ImportFileError(f"文件中已有“{HEADERS[field]}”列，不能再为它指定统一的值")
            positions[field] = i
        missing = [c.header for c in COLUMNS if c.required and c.field not in positions and c.field not in fixed]
        if missing:
            raise ImportFileError(
                f"缺少必填列：{'、'.join(missing)}（请对应到文件中的列，或为整个文件指定一个值；也可使用系统提供的模板）"
            )
        # A cell names a code or its label; whether the code may be used is the rules' to say.
        codes: dict[str, dict[str, str]] = {}
        for c in COLUMNS:
            if c.table:
                table = labels(c.table)
                codes[c.table] = {**{v: k for k, v in table.items()}, **{k: k for k in table}}
        units = {
            code: (path, retired) for code, path, retired in Unit.objects.values_list("code", "path", "is_retired")
        }
        return {
            "positions": positions,
            "fixed": fixed,
            "codes": codes,
            "lookups": Codes.load(),
            "units": units,
            "write": write_scope(user),
            "default_path": job.default_unit.path if job.default_unit else None,
            "root": job.path,
            "today": timezone.localdate(),
        }

    def _unit_path(self, code: str) -> str:
        if not code:
            if self.default_path is None:
                raise ValueError("请填写所属网格代码")
            return self.default_path
        unit = self.units.get(code.ljust(12, "0") if len(code) < 12 else code)
        if unit is None:
            raise ValueError(f"所属网格代码 {code} 不存在")
        path, retired = unit
        if retired:
            raise ValueError(f"所属网格 {code} 已撤销")
        # A row lands in one of the uploader's own units, or, in an import into a lower unit
        # started with the correction capability (audited once for the job), in that unit.
        mode = self.write.mode(path)
        allowed = mode == "own" or (mode == "correction" and self.write.mode(self.root) == "correction")
        if path.startswith(self.root) and not allowed and mode in ("lower_level", "correction"):
            raise ValueError(f"所属网格 {code} 属于下级单位：上级单位只能查看下级数据，不能导入")
        if not allowed or not path.startswith(self.root):
            raise ValueError(f"所属网格 {code} 不在您的录入范围内")
        return path

    def check(self, cells: list[str]) -> tuple[dict[str, Any], str, str]:
        """(values, normalised ID number, phone); raises ValueError with the reason."""
        values: dict[str, Any] = dict(self._absent)
        problems: list[str] = []
        width = len(cells)
        for field, i, required, codes, kind, c, constant in self._plan:
            raw = cells[i] if i < width else constant
            if raw:
                # normalize.text, inlined: a Python call per cell cost 0.3 s per 100k rows
                raw = raw.strip() if raw.isascii() else _nfkc(raw).strip()
            if not raw:
                if required:
                    problems.append(f"{c.header}为必填")
                values[field] = None if kind == "date" else ""
                continue
            if raw[0] in "=+@" and kind != "phone":
                problems.append(f"{c.header}不能是公式")
                continue
            if c.long_code and ("E" in raw or "e" in raw) and (lost := precision_lost(c.header, raw)):
                problems.append(lost)
                continue
            if codes is not None:
                code = codes.get(raw)
                if code is None:
                    problems.append(f"{c.header}{quoted(raw)}不在代码表中")
                    continue
                values[field] = code
            elif kind == "text":
                values[field] = raw
            elif kind == "phone":
                values[field] = raw if raw.isdigit() else normalize.phone(raw)
            elif kind == "kind":
                resident_kind = KINDS.get(raw)
                if resident_kind is None:
                    problems.append(f"人口类别应为户籍人口、流动人口或境外人员，不能是{quoted(raw)}")
                    continue
                values[field] = resident_kind
            else:  # a date
                try:
                    values[field] = normalize.date(raw)
                except ValueError:
                    problems.append(f"{c.header}{quoted(raw)}不是日期（如 2026-01-31）")
                    continue
        if problems:
            raise ValueError("；".join(problems))
        # The cells are values now: the rules are the form's (validation.check_resident).
        values["id_type_code"] = values["id_type_code"] or ID_CARD
        unit_code = values.pop("unit_code")
        checked = check_resident(
            values,
            normalize_id_number(values.pop("id_number")),
            values.pop("phone"),
            self.lookups,
            today=self.today,
            file_values=True,
        )
        if checked.errors:
            raise ValueError("；".join(map(_reason, checked.errors)))
        values["path"] = self._unit_path(unit_code)
        return values, checked.id_number, checked.phone


def fixed_value_problem(column: Column, value: str) -> str | None:
    """Why one value given to a whole file's column would be refused on every row, told once
    when it is given: the same conversions as a cell, then the code's rules."""
    raw = normalize.text(value)
    if column.table:
        table = labels(column.table)
        code = {**{v: k for k, v in table.items()}, **{k: k for k in table}}.get(raw)
        if code is None:
            return f"{column.header}“{raw}”不在代码表中"
        problem = Codes.load().problem(column.field, code) if column.field in CODE_TABLES else None
        return f"{column.header}：{problem['message']}" if problem else None
    if column.kind == "kind":
        return None if raw in KINDS else f"人口类别应为户籍人口、流动人口或境外人员，不能是“{raw}”"
    if column.kind == "date":
        try:
            normalize.date(raw)
        except ValueError:
            return f"{column.header}“{raw}”不是日期（如 2026-01-31）"
        return None
    return f"{column.header}不能超过{column.max_length}个字" if len(raw) > column.max_length else None


def _reason(error: dict[str, str]) -> str:
    """A rule's message as a row's reason: with the column's header unless it names it."""
    header, message = HEADERS.get(error["field"], ""), error["message"]
    if not header or message.startswith(header):
        return message
    return f"{header}{message}" if error.get("code") == "too_long" else f"{header}：{message}"
