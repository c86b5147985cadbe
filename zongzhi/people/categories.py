"""What each key-person and care category records, and how often its people are visited.

The seeds (000 二.2 and 二.3) list the categories; the code tables `key_person_category` and
`care_category` hold their codes. A category's own fields are declared here once and serve the
validation, the API's form description and the import templates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zongzhi.core.errors import InvalidInput


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | date | bool | choice | number
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 100
    personal: bool = False  # a phone or other identifier: shown masked, revealed on request


@dataclass(frozen=True)
class CategorySpec:
    fields: tuple[FieldSpec, ...] = ()
    visit_every_days: int = 30
    # 严重精神障碍患者: the risk level (0–5) is required and sets the visit frequency.
    risk_levels: dict[int, int] = field(default_factory=dict)


def _f(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, label, **kw)


GUARDIAN = (
    _f("guardian_name", "监护人姓名", required=True, max_length=30),
    _f("guardian_relation", "与本人关系", max_length=20),
    _f("guardian_phone", "监护人联系电话", max_length=20, personal=True),
)

KEY: dict[str, CategorySpec] = {
    "01": CategorySpec(
        (
            _f("original_crime", "原罪名", required=True),
            _f("sentence", "原判刑期", max_length=40),
            _f("released_on", "释放日期", kind="date", required=True),
            _f("prison", "服刑场所"),
            _f("resettled", "是否已安置", kind="bool"),
        ),
        visit_every_days=30,
    ),
    "02": CategorySpec(
        (
            _f(
                "correction_type",
                "矫正类别",
                kind="choice",
                required=True,
                choices=("管制", "缓刑", "假释", "暂予监外执行"),
            ),
            _f("crime", "罪名"),
            _f("starts_on", "矫正开始日期", kind="date", required=True),
            _f("ends_on", "矫正结束日期", kind="date", required=True),
            _f("judicial_office", "负责司法所"),
        ),
        visit_every_days=7,
    ),
    "03": CategorySpec(
        (
            _f("diagnosis", "诊断", required=True),
            *GUARDIAN,
            _f("treatment", "治疗情况", kind="choice", choices=("门诊治疗", "住院治疗", "未治疗")),
            _f("in_care", "是否纳入监护", kind="bool"),
        ),
        visit_every_days=30,
        risk_levels={0: 90, 1: 30, 2: 30, 3: 14, 4: 14, 5: 14},
    ),
    "04": CategorySpec(
        (
            _f("drug_type", "滥用毒品种类", max_length=40),
            _f("found_on", "查获日期", kind="date"),
            _f(
                "control_status",
                "管控情况",
                kind="choice",
                required=True,
                choices=("社区戒毒", "社区康复", "强制隔离戒毒", "戒断三年未复吸", "其他"),
            ),
        ),
    ),
    "05": CategorySpec((_f("risk_type", "类别", kind="choice", required=True, choices=("感染者", "高危行为人群")),)),
    "06": CategorySpec(
        (
            *GUARDIAN,
            _f("school_status", "在学情况", kind="choice", choices=("在学", "辍学", "务工", "其他")),
            _f("problem", "主要问题", max_length=300),
        ),
    ),
    "07": CategorySpec(
        (
            _f("matter", "主要诉求", required=True, max_length=300),
            _f("petition_level", "上访层级", kind="choice", choices=("乡镇（街道）", "县（区）", "市", "省", "进京")),
            _f("last_petition_on", "最近上访日期", kind="date"),
        ),
    ),
    "08": CategorySpec((_f("organisation", "涉及组织", max_length=60), _f("conversion", "转化情况", max_length=200))),
    "09": CategorySpec(
        (
            _f("industry", "从业类别", kind="choice", required=True, choices=("民爆", "化工", "烟花爆竹", "其他")),
            _f("employer", "从业单位", required=True),
            _f("licence", "资格证书编号", max_length=40),
        ),
        visit_every_days=90,
    ),
    "99": CategorySpec((_f("description", "情况说明", required=True, max_length=300),)),
}

CARE: dict[str, CategorySpec] = {
    "01": CategorySpec(
        (
            _f("allowance_type", "低保类别", kind="choice", required=True, choices=("城市低保", "农村低保")),
            _f("monthly_amount", "月保障金额（元）", kind="number"),
            _f("certificate", "低保证号", max_length=40),
        ),
        visit_every_days=90,
    ),
    "02": CategorySpec(
        (_f("support_mode", "供养方式", kind="choice", required=True, choices=("集中供养", "分散供养")),)
    ),
    "03": CategorySpec((*GUARDIAN, _f("parents_work_place", "父母务工地"), _f("school", "就读学校"))),
    "04": CategorySpec((_f("husband_work_place", "丈夫务工地"),), visit_every_days=90),
    "05": CategorySpec((_f("lives_alone", "是否独居", kind="bool"), _f("health", "健康状况", max_length=60))),
    "06": CategorySpec((_f("lives_alone", "是否独居", kind="bool"), _f("health", "健康状况", max_length=60))),
    "07": CategorySpec(
        (
            _f(
                "disability_type",
                "残疾类别",
                kind="choice",
                required=True,
                choices=("视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
            ),
            _f("disability_grade", "残疾等级", kind="choice", choices=("一级", "二级", "三级", "四级")),
            _f("certificate", "残疾证号", max_length=40),
        ),
        visit_every_days=90,
    ),
    "99": CategorySpec((_f("description", "情况说明", required=True, max_length=300),), visit_every_days=90),
}

MENTAL_DISORDER = "03"


def spec_for(group: str, code: str) -> CategorySpec:
    """The spec of a category; a sub-code (0601 闲散青少年) uses its parent's (06)."""
    table = KEY if group == "key" else CARE
    return table.get(code) or table.get(code[:2]) or table["99"]


def visit_every_days(group: str, code: str, risk_level: int | None) -> int:
    spec = spec_for(group, code)
    if spec.risk_levels and risk_level is not None:
        return spec.risk_levels.get(risk_level, spec.visit_every_days)
    return spec.visit_every_days


def validate_details(group: str, code: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The category's own fields, checked and normalised; every problem reported at once."""
    raw = raw or {}
    out: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for f in spec_for(group, code).fields:
        value = raw.get(f.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if f.required:
                errors.append({"field": f"details.{f.name}", "message": f"请填写{f.label}", "code": "required"})
            continue
        try:
            out[f.name] = _convert(f, value)
        except ValueError as exc:
            errors.append({"field": f"details.{f.name}", "message": f"{f.label}：{exc}", "code": "invalid_input"})
    if errors:
        raise InvalidInput(errors[0]["message"], code=errors[0]["code"], errors=errors)
    return out


def _convert(f: FieldSpec, value: Any) -> Any:
    if f.kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("日期格式应为 2026-01-31") from None
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value) in ("是", "true", "1"):
            return True
        if str(value) in ("否", "false", "0"):
            return False
        raise ValueError("应为“是”或“否”")
    if f.kind == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("应为数字") from None
        if not math.isfinite(number) or number < 0 or number > 1e9:
            raise ValueError("数值超出范围")
        return number
    text = str(value)
    if f.kind == "choice" and text not in f.choices:
        raise ValueError(f"应为{'、'.join(f.choices)}之一")
    if len(text) > f.max_length:
        raise ValueError(f"不能超过{f.max_length}个字")
    return text


def describe(group: str, code: str) -> list[dict[str, Any]]:
    """The category's fields, for the forms."""
    return [
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind,
            "required": f.required,
            "choices": list(f.choices),
            "max_length": f.max_length,
            "personal": f.personal,
        }
        for f in spec_for(group, code).fields
    ]
