"""The report as PDF: the same content rendered to HTML (a Django template with print CSS), then WeasyPrint.

Fonts are the CJK faces shipped with the package (newind.core.fonts), named by @font-face with file:// URLs
whatever fontconfig has, and embedded as subsets, so the text is extractable Chinese. Nothing is fetched
from the network: charts are data: URIs and the URL fetcher opens only those and the shipped font files.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from newind.core import fonts
from newind.reports.content import ReportContent
from newind.reports.word import format_cell


def table_cells(table: Any) -> list[list[dict[str, str]]]:
    """Each cell of a content table as display text and a CSS class (shared by the PDF and the dashboard)."""
    out = []
    for i, row in enumerate(table.rows):
        cells = []
        for col, value in zip(table.columns, row, strict=True):
            text = format_cell(value, col.kind, table.decimals(i, col))
            css = "number" if col.kind == "number" else (f"light-{value}" if col.kind == "light" and value else "")
            if css == "number" and text_em(text) > SHORT_EM and any(_char_em(c) == 1.0 for c in text):
                # A sentence in a number column ("实际 6.2%，目标 8.0%，差 1.8 个百分点") wraps like text.
                css = ""
            if col.kind == "code":
                css += " code"  # 430602, P430605: never broken
            elif text_em(text) <= SHORT_EM or _VALUE_WITH_UNIT.match(text):
                css += " short"  # short labels (口径, 位次, 持续红灯) and 41.26亿元 never wrap mid-word
            cells.append({"text": text, "css": css})
        out.append(cells)
    return out


# The type area of the page (GB/T 9704: A4, left 28 mm, right 26 mm) and the table font sizes tried, largest
# first: a table takes the largest size at which every unbreakable cell fits its column.
TYPE_AREA_MM = 210 - 28 - 26
FONT_SIZES_PT = (9.5, 8.0, 7.0)
WIDE_TABLE_COLUMNS = 9  # more columns than this start at 8 pt
PAD_EM = 0.8  # cell padding (2.5 pt each side) and border, in em
WRAP_MIN_EM = 3.0  # a wrapping text column is at least three characters wide
WRAP_MAX_EM = 12.0  # …and at most twelve: longer text wraps
SHORT_EM = 4.0  # a label up to this wide (持续红灯, 岳阳楼区) is kept on one line
_VALUE_WITH_UNIT = re.compile(r"^(增长)?[-+]?[\d,.]+(%|[\u4e00-\u9fff]{1,2})$")  # 233.89亿元, 增长6.5%
_NOWRAP = {"number", "short", "code"}
_LATIN_RUN = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f—]+")


def _char_em(c: str) -> float:
    if unicodedata.east_asian_width(c) in "WFA":  # Chinese characters, full-width punctuation, — and ％
        return 1.0
    if c.isdigit():
        return 0.62
    if c.isupper():
        return 0.72
    if c in ".,:;'|!":
        return 0.32
    return 0.95 if c == "%" else 0.56


def text_em(text: str) -> float:
    """The width of a text in em, estimated on the wide side (a Chinese character is 1 em, a digit 0.62 em)
    so that a column made for it holds it in any of the report's fonts."""
    return sum(_char_em(c) for c in text)


def _unbreakable_em(text: str) -> float:
    """The widest piece of a text that cannot wrap: a run of Latin letters or digits, else one character."""
    runs = [text_em(r) for r in _LATIN_RUN.findall(text)]
    return max([*runs, 1.0 if text else 0.0])


@dataclass
class TableLayout:
    widths: list[float]  # percent of the type area, one per column
    font_pt: float

    @property
    def line_pt(self) -> float:
        return round(self.font_pt * 1.35, 1)


def table_layout(columns: list[Any], cells: list[list[dict[str, str]]]) -> TableLayout:
    """Column widths and font size of a fixed-layout table so that no cell's text runs out of its cell.

    Numbers, codes and short labels (红灯, 持续红灯) never wrap: their column is at least as wide as the
    widest of them. Text wraps inside its column (3–12 characters a line); headers may take two lines.
    The largest font size at which every column's minimum fits the type area is used.
    """
    lows, highs, wrapped = [], [], []
    for j, col in enumerate(columns):
        texts = [row[j] for row in cells]
        nowrap = [text_em(c["text"]) for c in texts if _NOWRAP & set(c["css"].split())]
        wrap = [text_em(c["text"]) if not _NOWRAP & set(c["css"].split()) else 0.0 for c in texts]
        low = max([*nowrap, _unbreakable_em(col.title),
                   *[min(WRAP_MIN_EM, w) for w in wrap], *[_unbreakable_em(c["text"]) for c in texts
                                                          if not _NOWRAP & set(c["css"].split())], 1.0])
        high = max([low, text_em(col.title) / 2, *[min(WRAP_MAX_EM, w) for w in wrap]])
        lows.append(low + PAD_EM)
        highs.append(high + PAD_EM)
        wrapped.append(wrap)
    sizes = [s for s in FONT_SIZES_PT if len(columns) <= WIDE_TABLE_COLUMNS or s <= 8.0]
    font = sizes[-1]
    for size in sizes:
        if sum(lows) <= TYPE_AREA_MM / (size * 25.4 / 72):
            font = size
            break
    available = TYPE_AREA_MM / (font * 25.4 / 72)
    widths = highs if sum(highs) <= available else _share_out(lows, highs, wrapped, available)
    total = sum(widths)
    return TableLayout([round(w / total * 100, 2) for w in widths], font)


def _share_out(lows: list[float], highs: list[float], wrapped: list[list[float]], available: float) -> list[float]:
    """Every column gets its minimum; then the fewest lines a cell may take (the same for every column) is
    found such that all columns fit, and what is left is shared by how much more each column would like."""

    def needed(max_lines: int) -> list[float]:
        # A column holding text of w em in at most `max_lines` lines needs ceil(w / lines) em (whole
        # characters) plus the padding; never below its minimum nor above its natural width.
        return [min(hi, max(lo, max([-int(-w // max_lines) for w in ws] + [0]) + PAD_EM))
                for lo, hi, ws in zip(lows, highs, wrapped, strict=True)]

    widths = list(lows)
    for max_lines in range(1, 40):
        trial = needed(max_lines)
        if sum(trial) <= available:
            widths = trial
            break
    spare = available - sum(widths)
    if spare > 0:
        wanted = [max(hi - w, 0.0) for hi, w in zip(highs, widths, strict=True)]
        total = sum(wanted)
        widths = [w + (extra / total * spare if total else spare / len(widths))
                  for w, extra in zip(widths, wanted, strict=True)]
    return widths


def column_widths(columns: list[Any], cells: list[list[dict[str, str]]]) -> list[float]:
    """Column widths in percent for a fixed-layout table (see `table_layout`)."""
    return table_layout(columns, cells).widths


def row_classes(n_rows: int) -> list[str]:
    """Page-break classes of a table's rows: the first three and the last three rows stay together (so a
    page never ends after the header and one row, or starts with one row), and a table of up to six
    rows is never split."""
    if n_rows <= 6:
        return ["keep-next"] * (n_rows - 1) + [""] if n_rows else []
    return ["keep-next" if i < 2 else ("keep-prev" if i >= n_rows - 2 else "") for i in range(n_rows)]


def render_html(content: ReportContent) -> str:
    """The report as a self-contained HTML page (print CSS, charts inlined)."""
    sections = []
    for s in content.sections:
        charts = [{"title": c.title, "note": c.note,
                   "uri": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")} for c in s.charts]
        tables = []
        for t in s.tables:
            cells = table_cells(t)
            layout = table_layout(t.columns, cells)
            rows = [{"css": css, "cells": row} for css, row in zip(row_classes(len(cells)), cells, strict=True)]
            tables.append({"title": t.title, "note": t.note, "columns": t.columns, "rows": rows,
                           "widths": layout.widths, "font_pt": layout.font_pt, "line_pt": layout.line_pt})
        sections.append({"heading": s.heading, "paragraphs": s.paragraphs, "charts": charts, "tables": tables})
    context = {"content": {"title": content.title, "subtitle": content.subtitle, "headline": content.headline,
                           "sections": sections, "issuer": content.issuer, "date_text": content.date_text,
                           "doc_number": content.doc_number,
                           "source_notes": content.source_notes},
               "font_faces": fonts.pdf_font_faces()}
    return render_to_string("reports/monthly_report.html", context)


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes (WeasyPrint, offline)."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(content), base_url=None, url_fetcher=fonts.pdf_url_fetcher()).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
