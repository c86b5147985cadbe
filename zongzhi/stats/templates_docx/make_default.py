"""Make the shipped default template of the monthly analysis report (研判报告), with python-docx.

Run from the repository's root to rewrite `analysis_report.docx` after changing the layout:

    python -m zongzhi.stats.templates_docx.make_default

The placeholders are docxtpl's (Jinja): `title`, `unit`, `month_label`, `date`, `findings`
(sentences), and the tables' rows `by_category`, `grids`, `places`, `parties`, `key_persons`
(with `key_persons_shown`), `preventable`, `trend`; see `docx_analysis.SAMPLE_CONTEXT` for every
field. An administrator's replacement may use the same names.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
TARGET = HERE / "analysis_report.docx"


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def make(target: Path = TARGET) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Pt(72)
    section.left_margin = section.right_margin = Pt(72)

    def para(
        text: str,
        *,
        align: WD_ALIGN_PARAGRAPH | None = None,
        font: str = "仿宋",
        size: float = 16,
        bold: bool = False,
        indent: bool = False,
    ) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(28)
        _font(p.add_run(text), font, size, bold)

    def heading(text: str) -> None:
        para(text, font="黑体", size=16)

    def table(headers: list[str], loop: str, cells: list[str]) -> None:
        """A table whose middle row repeats for each item of `loop` ({%tr for %} … {%tr endfor %})."""
        t = doc.add_table(rows=4, cols=len(headers))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, text in enumerate(headers):
            _font(t.rows[0].cells[i].paragraphs[0].add_run(text), "黑体", 12)
        _font(t.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for r in {loop} %}}"), "仿宋", 12)
        for i, text in enumerate(cells):
            _font(t.rows[2].cells[i].paragraphs[0].add_run(text), "仿宋", 12)
        _font(t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}"), "仿宋", 12)

    para("{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font="宋体", size=22, bold=True)
    para("（{{ month_label }}）", align=WD_ALIGN_PARAGRAPH.CENTER, size=16)
    para("")
    heading("一、总体情况")
    para("{%p for f in findings %}")
    para("{{ f }}", indent=True)
    para("{%p endfor %}")

    heading("二、事件分类情况")
    table(
        ["事件分类", "本月", "上月", "环比", "去年同月"],
        "by_category",
        ["{{ r.label }}", "{{ r.count }}", "{{ r.previous }}", "{{ r.change }}", "{{ r.last_year }}"],
    )
    heading("三、近十二个月走势")
    table(["月份", "办件总数", "其中矛盾纠纷"], "trend", ["{{ r.month }}", "{{ r.total }}", "{{ r.disputes }}"])

    heading("四、矛盾纠纷多发网格和地点（{{ window }}）")
    table(["网格（区域）", "本月", "近三个月"], "grids", ["{{ r.name }}", "{{ r.month }}", "{{ r.total }}"])
    para("")
    table(["地点", "本月", "近三个月"], "places", ["{{ r.address }}", "{{ r.month }}", "{{ r.total }}"])

    heading("五、多次涉事群众")
    table(
        ["姓名", "所在单位", "本月", "近三个月", "涉及办件"],
        "parties",
        ["{{ r.name }}", "{{ r.unit }}", "{{ r.month }}", "{{ r.total }}", "{{ r.cases }}"],
    )

    para("{%p if key_persons_shown %}")
    heading("六、重点人员未按期走访情况")
    para("{{ key_persons_text }}", indent=True)
    table(
        ["姓名", "类别", "所在单位", "最近走访", "应走访日期", "逾期天数"],
        "key_persons",
        [
            "{{ r.name }}",
            "{{ r.category }}",
            "{{ r.unit }}",
            "{{ r.last_visit }}",
            "{{ r.due }}",
            "{{ r.days_overdue }}",
        ],
    )
    para("{%p endif %}")

    heading("{{ preventable_heading }}")
    para("{{ preventable_text }}", indent=True)
    table(
        ["事件分类", "本月", "上月", "环比", "去年同月"],
        "preventable",
        ["{{ r.label }}", "{{ r.count }}", "{{ r.previous }}", "{{ r.change }}", "{{ r.last_year }}"],
    )
    para("")
    para("{{ unit }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(target))
    return target


if __name__ == "__main__":
    print(make())
