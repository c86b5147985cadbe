"""Make the shipped default template of the 预警报告 (seed 001, 第一篇), with python-docx.

Run from the repository's root to rewrite `warning_report.docx` after changing the layout:

    python -m zongzhi.alerts.templates_docx.make_default

The placeholders are docxtpl's (Jinja): `title`, `addressee`, `body`, `level_statement`,
`sender`, `date`, `number`, `level`. An administrator's replacement may use the same names.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
TARGET = HERE / "warning_report.docx"


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def make(target: Path = TARGET) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Pt(72)
    section.left_margin = section.right_margin = Pt(80)

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

    para("{{ number }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=12)
    para("{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font="宋体", size=22, bold=True)
    para("")
    para("{{ addressee }}：")
    para("{{ body }}", indent=True)
    para("{{ level_statement }}", indent=True)
    para("特此报告。", indent=True)
    para("")
    para("{{ sender }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(target))
    return target


if __name__ == "__main__":
    print(make())
