"""The report as a Word document in the official layout (GB/T 9704-2012, 党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 2号 (22 pt) centred;
body 仿宋_GB2312 3号 (16 pt) at a fixed 28 pt line pitch (22 lines a page); first-level headings 黑体,
captions 楷体_GB2312; page numbers 「— 1 —」 in 宋体 4号, odd pages right and even pages left. Fonts are
named in w:eastAsia as well as w:ascii/w:hAnsi so Word uses them for Chinese text.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from newind.reports import calc
from newind.reports.content import ReportContent, Table

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
CAPTION_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)
LIGHT_COLORS = {"red": RGBColor(0xC0, 0x39, 0x2B), "yellow": RGBColor(0xB7, 0x86, 0x00),
                "green": RGBColor(0x1E, 0x84, 0x49)}


def set_font(run_or_style: object, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Name the font for Latin and East Asian text (w:eastAsia), so Word picks it for Chinese."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _para(doc: object, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
          align: int | None = None, indent_chars: float = 2, line_pt: float | None = 28) -> object:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    if line_pt is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else None
    if align is not None:
        p.alignment = align
    set_font(p.add_run(text), font, size, bold)
    return p


def _page_number(paragraph: object) -> None:
    """「— PAGE —」 with a PAGE field, 宋体 4号 (14 pt)."""
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)  # type: ignore[attr-defined]
    run = paragraph.add_run()  # type: ignore[attr-defined]
    set_font(run, PAGE_NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)  # type: ignore[attr-defined]


def _setup(doc: object) -> None:
    section = doc.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(23)  # the page number sits about 7 mm below the type area
    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    set_font(normal, BODY_FONT, 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    # Odd pages: number on the right, one character in; even pages: on the left.
    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even)


def _cell_text(cell: object, text: str, *, bold: bool = False, font: str = BODY_FONT, size: float = 10.5,
               align: int = WD_ALIGN_PARAGRAPH.CENTER, color: RGBColor | None = None) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = align
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = None
    run = p.add_run(text)
    set_font(run, font, size, bold)
    if color is not None:
        run.font.color.rgb = color


def format_cell(value: object, kind: str, decimals: int) -> str:
    """The text shown for one table cell (numbers with their decimals, lights as 红灯/黄灯/绿灯)."""
    if kind == "light":
        return calc.LIGHT_LABELS.get(str(value), "—") if value is not None else "—"
    if kind == "number":
        # A number column may hold a sentence for some rows (a rate target: "差 2.6 个百分点").
        return value if isinstance(value, str) else calc.fmt_number(value, decimals)
    return "—" if value is None or value == "" else str(value)


def _table(doc: object, table: Table) -> None:
    _para(doc, table.title, font=CAPTION_FONT, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent_chars=0)
    size = 10.5 if len(table.columns) <= 9 else 9
    t = doc.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, col in zip(header.cells, table.columns, strict=True):
        _cell_text(cell, col.title, bold=True, font=HEADING_FONT, size=size)
    for i, row in enumerate(table.rows):
        cells = t.add_row().cells
        for cell, col, value in zip(cells, table.columns, row, strict=True):
            text = format_cell(value, col.kind, table.decimals(i, col))
            align = WD_ALIGN_PARAGRAPH.RIGHT if col.kind == "number" else WD_ALIGN_PARAGRAPH.CENTER
            color = LIGHT_COLORS.get(str(value)) if col.kind == "light" else None
            _cell_text(cell, text, size=size, align=align, color=color, bold=col.kind == "light")
    _para(doc, "注：" + table.note, size=10.5, indent_chars=0, line_pt=16)


def _masthead(doc: object, issuer: str, doc_number: str = "") -> None:
    """版头: the issuing office's name in red 方正小标宋简体, centred (GB/T 9704 发文机关标志); with a 发文字号,
    that number two empty lines below it, centred in 仿宋 3号; then the red rule (版头中的分隔线) under the
    number (or under the name when there is none), and one empty line before the title."""
    p = _para(doc, issuer, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
              line_pt=40)
    p.runs[0].font.color.rgb = RED  # type: ignore[attr-defined]
    if doc_number:
        _para(doc, "", indent_chars=0)
        _para(doc, "", indent_chars=0)
        p = _para(doc, doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    p_pr = p._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "16"), ("w:space", "8"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    _para(doc, "", indent_chars=0)


def render_docx(content: ReportContent) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    _setup(doc)
    doc.core_properties.title = content.title
    doc.core_properties.author = content.issuer
    _masthead(doc, content.issuer, content.doc_number)
    _para(doc, content.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
          line_pt=36)
    _para(doc, content.subtitle, font=CAPTION_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    _para(doc, "", indent_chars=0)
    _para(doc, content.headline)
    for section in content.sections:
        _para(doc, section.heading, font=HEADING_FONT, size=16)
        for text in section.paragraphs:
            _para(doc, text)
        for table in section.tables:
            _table(doc, table)
        for chart in section.charts:
            _para(doc, chart.title, font=CAPTION_FONT, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                  indent_chars=0)
            doc.add_picture(io.BytesIO(chart.png), width=Mm(150))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _para(doc, "注：" + chart.note, size=10.5, indent_chars=0, line_pt=16)
    _para(doc, "", indent_chars=0)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    issuer = _para(doc, content.issuer, align=right, indent_chars=0)
    issuer.paragraph_format.right_indent = Pt(16 * 4)  # type: ignore[attr-defined]
    date = _para(doc, content.date_text, align=right, indent_chars=0)
    date.paragraph_format.right_indent = Pt(16 * 4)  # type: ignore[attr-defined]
    if content.source_notes:
        # 附注 after the date (GB/T 9704): the Chinese label of each source with where it comes from.
        _para(doc, "", indent_chars=0)
        _para(doc, "附注：数据来源说明", size=10.5, indent_chars=0, line_pt=16)
        for i, note in enumerate(content.source_notes, start=1):
            _para(doc, f"{i}. {note}", size=10.5, indent_chars=0, line_pt=16)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
