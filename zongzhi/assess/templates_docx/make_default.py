"""Make the shipped default template of the monthly bulletin (督查通报), with python-docx.

Run from the repository's root to rewrite `bulletin.docx` after changing the layout:

    python -m zongzhi.assess.templates_docx.make_default

The placeholders are docxtpl's (Jinja): `title`, `unit`, `month_label`, `date`, `intro`,
`ranking` (rank, unit, total, deducted, unscored), `topics` (ordinal, title, summary, units: unit,
score, points, shortfalls, figures), `red_text`, `red_units`, `lapse_text`, `lapses`,
`best_text`, `worst_text`; see `services_bulletins.SAMPLE_CONTEXT`.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
TARGET = HERE / "bulletin.docx"


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

    def table(headers: list[str], loop: str, cells: list[str]) -> None:
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
    para("{{ unit }}    {{ date }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    para("")
    para("{{ intro }}", indent=True)
    para("一、考评得分排名", font="黑体")
    table(
        ["名次", "单位", "得分", "扣分", "未评分项"],
        "ranking",
        ["{{ r.rank }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.deducted }}", "{{ r.unscored }}"],
    )
    para("通报表扬：{{ best_text }}；通报批评：{{ worst_text }}。", indent=True)
    para("二、督查内容", font="黑体")
    para("{%p for topic in topics %}")
    para("（{{ topic.ordinal }}）{{ topic.title }}", font="楷体")
    para("{{ topic.summary }}", indent=True)
    t = doc.add_table(rows=4, cols=5)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(["单位", "得分", "分值", "问题数", "测得情况"]):
        _font(t.rows[0].cells[i].paragraphs[0].add_run(text), "黑体", 12)
    _font(t.rows[1].cells[0].paragraphs[0].add_run("{%tr for r in topic.units %}"), "仿宋", 12)
    for i, text in enumerate(
        ["{{ r.unit }}", "{{ r.score }}", "{{ r.points }}", "{{ r.shortfalls }}", "{{ r.figures }}"]
    ):
        _font(t.rows[2].cells[i].paragraphs[0].add_run(text), "仿宋", 12)
    _font(t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}"), "仿宋", 12)
    para("{%p endfor %}")
    para("三、登录红灯情况", font="黑体")
    para("{{ red_text }}", indent=True)
    table(["红灯单位", "红灯人数"], "red_units", ["{{ r.unit }}", "{{ r.workers }}"])
    para("四、迟报、漏报、瞒报情况", font="黑体")
    para("{{ lapse_text }}", indent=True)
    table(
        ["单位", "迟报", "漏报", "瞒报"],
        "lapses",
        ["{{ r.unit }}", "{{ r.late }}", "{{ r.missing }}", "{{ r.concealed }}"],
    )
    para("")
    para("请各单位对照通报，认真整改。", indent=True)
    para("{{ unit }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(target))
    return target


if __name__ == "__main__":
    print(make())
