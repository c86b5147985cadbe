"""The analysis report (研判报告) as a .docx for the leader, rendered with docxtpl.

The shipped default is `templates_docx/analysis_report.docx` (made by `make_default.py`); an
administrator with `alerts.configure` (设置……文书模板) may upload a replacement, kept as the
alerts app's `DocumentTemplate` with code `analysis_report` (the same mechanism as the 预警报告):
it must be a .docx that renders with the sample context. The document is made when it is
downloaded, from the figures of that moment; each download is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from zongzhi.alerts.docx import chinese_date, render, save_template, stored_template
from zongzhi.alerts.models import DocumentTemplate
from zongzhi.audit.services import record_event
from zongzhi.units.models import User

from .services_analysis import analysis_report, report_unit

TEMPLATE_CODE = "analysis_report"
TEMPLATE_NAME = "研判报告"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "analysis_report.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_ROW = {"label": "邻里纠纷", "count": 3, "previous": 2, "change": "上升50.0%", "last_year": 1}
SAMPLE_CONTEXT: dict[str, Any] = {
    "title": "某街道2026年11月社会治安形势分析研判报告",
    "unit": "某街道",
    "month_label": "2026年11月",
    "date": "二〇二六年十二月一日",
    "window": "2026年9月至2026年11月",
    "findings": ["2026年11月，某街道共受理各类办件12件，环比上升20.0%。"],
    "by_category": [_ROW],
    "trend": [{"month": "2026年11月", "total": 12, "disputes": 8}],
    "grids": [{"name": "第一网格", "month": 2, "total": 4}],
    "places": [{"address": "某小区3栋", "month": 1, "total": 2}],
    "parties": [{"name": "张*", "unit": "某社区", "month": 1, "total": 2, "cases": "SJ2026110100001"}],
    "key_persons_shown": True,
    "key_persons_text": "列管重点人员10人，其中1人已到走访期限未走访。",
    "key_persons": [
        {
            "name": "李*",
            "category": "刑满释放人员",
            "unit": "某社区",
            "last_visit": "2026-10-01",
            "due": "2026-10-31",
            "days_overdue": 30,
        }
    ],
    "preventable_heading": "七、可防性案件情况（治安隐患、安全隐患）",
    "preventable_text": "本月可防性案件3件。",
    "preventable": [_ROW],
}


def _change_text(x: float | None) -> str:
    if x is None:
        return "—"
    if x == 0:
        return "持平"
    return f"{'上升' if x > 0 else '下降'}{abs(x) * 100:.1f}%"


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "change": _change_text(r.get("change"))} for r in rows]


def context_of(report: dict[str, Any]) -> dict[str, Any]:
    """The template's values from the report (plain strings and numbers only)."""
    unit = report["unit"]["name"]
    disputes_at = next((i for i, s in enumerate(report["series"]) if s["code"] == "01"), None)
    kp = report["key_persons"]
    p = report["preventable"]
    categories = "、".join(c["label"] for c in p["categories"])
    return {
        "title": f"{unit}{report['month_label']}社会治安形势分析研判报告",
        "unit": unit,
        "month_label": report["month_label"],
        "date": chinese_date(timezone.localdate()),
        "window": report["hotspots"]["window"],
        "findings": report["findings"],
        "by_category": _rows(report["by_category"]),
        "trend": [
            {
                "month": t["month"],
                "total": t["total"],
                "disputes": t["counts"][disputes_at] if disputes_at is not None else 0,
            }
            for t in report["trend"]
        ],
        "grids": report["hotspots"]["grids"],
        "places": report["hotspots"]["places"],
        "parties": [{**r, "cases": "、".join(r["cases"])} for r in report["repeated_parties"]],
        "key_persons_shown": kp is not None,
        "key_persons_text": (
            f"截至{kp['as_of']:%Y年%m月%d日}，列管重点人员{kp['listed']}人，其中{kp['missed']}人已到走访期限未走访。"
            if kp is not None
            else ""
        ),
        "key_persons": [
            {**r, "last_visit": str(r["last_visit"] or "未走访"), "due": str(r["due"])}
            for r in (kp or {}).get("rows", [])
        ],
        "preventable_heading": f"{'七' if kp is not None else '六'}、可防性案件情况（{categories}）",
        "preventable_text": (
            f"本月可防性案件{p['total']}件，上月{p['previous']}件，去年同月{p['last_year']}件（环比{_change_text(p['change'])}）。"
        ),
        "preventable": _rows([r for r in p["rows"] if r["count"] or r["previous"] or r["last_year"]]),
    }


def current_template() -> bytes:
    """The uploaded replacement if there is one, else the shipped default."""
    return stored_template(TEMPLATE_CODE, DEFAULT_TEMPLATE)[0]


def report_docx(*, acting_user: User, unit_id: int | None, month: str | None) -> tuple[bytes, dict[str, Any]]:
    """The month's report of a unit as a .docx (audited: who took which unit's report)."""
    unit = report_unit(acting_user, unit_id)
    report = analysis_report(acting_user=acting_user, unit_id=unit.pk, month=month)
    data = render(current_template(), context_of(report))
    record_event("analysis.report_downloaded", obj=unit, detail={"month": report["month"]})
    return data, report


def upload_template(*, acting_user: User, name: str, data: bytes) -> DocumentTemplate:
    """Replace the 研判报告's template."""
    return save_template(
        acting_user=acting_user,
        code=TEMPLATE_CODE,
        title=TEMPLATE_NAME,
        name=name,
        data=data,
        sample=SAMPLE_CONTEXT,
        event="analysis.template_uploaded",
    )
