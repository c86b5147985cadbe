"""The three replaceable Word templates (文书模板) on one page: 预警报告 (alerts), 研判报告 (stats)
and 督查通报 (assess), each rendered with docxtpl from an uploaded replacement or the shipped
default (`alerts.docx.stored_template`).

Each document keeps its own upload function (its own audit code); this module lists them, says
which variables each template may use (read from the document's sample context, which is also
what an uploaded template is checked against, so the list cannot drift from the check), serves
the current and the default file, and restores the default (`template.reset`). Everything here
needs `alerts.configure`, as the upload endpoints do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import Conflict, InvalidInput, NotFound
from zongzhi.units.models import User

from .docx import stored_template
from .models import DocumentTemplate

CAPABILITY = "alerts.configure"
DENIED = "没有管理文书模板的权限"

AUDIT_LABELS = {"template.reset": "恢复默认文书模板"}


@dataclass(frozen=True)
class TemplateSpec:
    """One replaceable document: its code, name, where it is made, the shipped default, the
    sample context an upload must render with, the document's own upload function, and a
    Chinese description of each variable (dotted names for the fields of a list's rows)."""

    code: str
    name: str
    used_in: str
    default: Path
    sample: dict[str, Any]
    upload: Callable[..., DocumentTemplate]
    labels: dict[str, str]


WARNING_LABELS = {
    "number": "预警编号",
    "title": "标题（关于……的预警报告）",
    "addressee": "主送单位",
    "body": "正文（多段落原样换行）",
    "level": "预警级别（如 黄色预警）",
    "level_statement": "级别表述（经研判，该情况达到……级别。）",
    "sender": "报告单位",
    "date": "成文日期（中文大写，如 二〇二六年一月一日）",
}

_CATEGORY_ROW = {
    "label": "类别",
    "count": "本月件数",
    "previous": "上月件数",
    "change": "环比（上升/下降/持平）",
    "last_year": "去年同月件数",
}
ANALYSIS_LABELS = {
    "title": "标题（某单位某月社会治安形势分析研判报告）",
    "unit": "单位名称",
    "month_label": "月份（如 2026年11月）",
    "date": "成文日期（中文大写）",
    "window": "热点统计的时间范围",
    "findings": "主要研判结论（文字列表，每条一段）",
    "by_category": "分类统计（列表）",
    **{f"by_category.{k}": v for k, v in _CATEGORY_ROW.items()},
    "trend": "近月走势（列表）",
    "trend.month": "月份",
    "trend.total": "办件总数",
    "trend.disputes": "其中矛盾纠纷",
    "grids": "热点网格（列表）",
    "grids.name": "网格名称",
    "grids.month": "本月件数",
    "grids.total": "统计期内件数",
    "places": "热点地址（列表）",
    "places.address": "地址（证件号、手机号已遮蔽）",
    "places.month": "本月件数",
    "places.total": "统计期内件数",
    "parties": "反复涉事当事人（列表）",
    "parties.name": "姓名（已遮蔽）",
    "parties.unit": "所在单位",
    "parties.month": "本月件数",
    "parties.total": "统计期内件数",
    "parties.cases": "涉及办件编号",
    "key_persons_shown": "是否有重点人员一节（真/假，用于 {% if %}）",
    "key_persons_text": "重点人员概述",
    "key_persons": "到期未走访的重点人员（列表）",
    "key_persons.name": "姓名（已遮蔽）",
    "key_persons.category": "类别",
    "key_persons.unit": "所在单位",
    "key_persons.last_visit": "上次走访日期",
    "key_persons.due": "应走访日期",
    "key_persons.days_overdue": "逾期天数",
    "preventable_heading": "可防性案件一节的标题（含序号）",
    "preventable_text": "可防性案件概述",
    "preventable": "可防性案件分类（列表）",
    **{f"preventable.{k}": v for k, v in _CATEGORY_ROW.items()},
}

BULLETIN_LABELS = {
    "title": "标题（某单位综治信息系统应用督查通报（某年第某期））",
    "unit": "通报单位",
    "month_label": "月份（如 2026年11月）",
    "date": "成文日期（中文大写）",
    "intro": "导语",
    "ranking": "得分排名（列表）",
    "ranking.rank": "名次",
    "ranking.unit": "单位",
    "ranking.total": "总分",
    "ranking.deducted": "扣分",
    "ranking.unscored": "未评分项数",
    "topics": "八项督查内容（列表）",
    "topics.ordinal": "序号（一、二……）",
    "topics.title": "督查内容",
    "topics.summary": "小结（扣分单位等）",
    "topics.units": "各单位情况（列表，见下）",
    "topics.units.unit": "单位",
    "topics.units.score": "得分",
    "topics.units.points": "分值",
    "topics.units.shortfalls": "问题条数",
    "topics.units.figures": "计算依据（各项数值）",
    "red_text": "登录红灯概述",
    "red_units": "红灯单位（列表）",
    "red_units.unit": "单位",
    "red_units.workers": "红灯人数",
    "lapse_text": "迟报、漏报、瞒报概述",
    "lapses": "迟报、漏报、瞒报的单位（列表）",
    "lapses.unit": "单位",
    "lapses.late": "迟报件数",
    "lapses.missing": "漏报件数",
    "lapses.concealed": "瞒报件数",
    "best_text": "表现最好的单位",
    "worst_text": "表现最差的单位",
}


def specs() -> list[TemplateSpec]:
    """The three documents, in the menu's order (imported here: stats and assess use alerts)."""
    from zongzhi.assess import services_bulletins as bulletins
    from zongzhi.stats import docx_analysis as analysis

    from . import docx as warning

    return [
        TemplateSpec(
            warning.TEMPLATE_CODE,
            "预警报告",
            "预警管理 › 预警详情 › 生成预警报告",
            warning.DEFAULT_TEMPLATE,
            warning.SAMPLE_CONTEXT,
            warning.upload_template,
            WARNING_LABELS,
        ),
        TemplateSpec(
            analysis.TEMPLATE_CODE,
            analysis.TEMPLATE_NAME,
            "统计研判 › 研判报告 › 下载Word",
            analysis.DEFAULT_TEMPLATE,
            analysis.SAMPLE_CONTEXT,
            analysis.upload_template,
            ANALYSIS_LABELS,
        ),
        TemplateSpec(
            bulletins.TEMPLATE_CODE,
            bulletins.TEMPLATE_NAME,
            "考核评估 › 督查通报 › 下载Word、下发",
            bulletins.DEFAULT_TEMPLATE,
            bulletins.SAMPLE_CONTEXT,
            bulletins.upload_template,
            BULLETIN_LABELS,
        ),
    ]


def spec_of(code: str) -> TemplateSpec:
    spec = next((s for s in specs() if s.code == code), None)
    if spec is None:
        raise NotFound("文书模板不存在")
    return spec


def _fields(prefix: str, row: dict[str, Any], labels: dict[str, str]) -> list[dict[str, str]]:
    out = []
    for key, value in row.items():
        name = f"{prefix}.{key}"
        out.append({"name": name, "label": labels.get(name, "")})
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.extend(_fields(name, value[0], labels))
    return out


def variables(spec: TemplateSpec) -> list[dict[str, Any]]:
    """The template's variables from its sample context: `text`, `list` (of rows, with their
    fields) or `texts` (a list of strings) or `flag` (true/false), each with a Chinese label."""
    out = []
    for key, value in spec.sample.items():
        fields: list[dict[str, str]] = []
        if isinstance(value, bool):
            kind = "flag"
        elif isinstance(value, list):
            rows = value and isinstance(value[0], dict)
            kind = "list" if rows else "texts"
            fields = _fields(key, value[0], spec.labels) if rows else []
        else:
            kind = "text"
        out.append({"name": key, "kind": kind, "label": spec.labels.get(key, ""), "fields": fields})
    return out


def check_reader(user: User) -> None:
    require_cap(user, CAPABILITY, DENIED)


def describe(spec: TemplateSpec, row: DocumentTemplate | None) -> dict[str, Any]:
    """What the page shows of one template: whether an uploaded replacement is in use and who
    last changed it (uploaded, or restored the default) and when."""
    return {
        "code": spec.code,
        "name": spec.name,
        "used_in": spec.used_in,
        "custom": bool(row and row.file),
        "changed_by": (row.uploaded_by.full_name or row.uploaded_by.username) if row and row.uploaded_by else None,
        "changed_at": row.uploaded_at if row else None,
        "variables": variables(spec),
    }


def list_templates(*, acting_user: User) -> list[dict[str, Any]]:
    check_reader(acting_user)
    all_specs = specs()
    rows = {
        r.code: r
        for r in DocumentTemplate.objects.filter(code__in=[s.code for s in all_specs]).select_related("uploaded_by")
    }
    return [describe(s, rows.get(s.code)) for s in all_specs]


def one_template(code: str) -> dict[str, Any]:
    spec = spec_of(code)
    row = DocumentTemplate.objects.filter(code=code).select_related("uploaded_by").first()
    return describe(spec, row)


def template_file(*, acting_user: User, code: str, version: str) -> bytes:
    """The file in use (`current`: the uploaded replacement, else the default) or the shipped
    `default`, for an office to start its own from."""
    check_reader(acting_user)
    spec = spec_of(code)
    if version not in ("current", "default"):
        raise InvalidInput.field("version", "version 只能是 current 或 default", code="invalid_version")
    if version == "default":
        return spec.default.read_bytes()
    return stored_template(spec.code, spec.default)[0]


def upload(*, acting_user: User, code: str, name: str, data: bytes) -> dict[str, Any]:
    """Replace one template through that document's own upload (its check and its audit)."""
    check_reader(acting_user)
    spec_of(code).upload(acting_user=acting_user, name=name, data=data)
    return one_template(code)


@transaction.atomic
def reset_template(*, acting_user: User, code: str) -> dict[str, Any]:
    """Use the shipped default again; the replaced file stays in storage, named in the audit
    (`template.reset`), so an office can take it back."""
    check_reader(acting_user)
    spec = spec_of(code)
    row = DocumentTemplate.objects.select_for_update().filter(code=code).first()
    if row is None or not row.file:
        raise Conflict("该文书已在使用默认模板", code="template_default")
    previous = row.file.name
    digest: str | None
    try:
        with row.file.open("rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:  # the file is gone from storage: restoring the default is what is needed then
        digest = None
    row.file = ""  # an empty file field: the shipped default is used
    row.uploaded_by, row.uploaded_at = acting_user, timezone.now()
    row.save()
    record_event("template.reset", obj=row, detail={"code": spec.code, "previous": previous, "sha256": digest})
    return one_template(code)
