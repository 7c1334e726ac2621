"""The report as PDF: the same content rendered to HTML (a Django template with print CSS), then WeasyPrint.

Fonts come from fontconfig (Debian fonts-noto-cjk, Noto Serif/Sans CJK SC) and are embedded as subsets, so
the text is extractable Chinese. Nothing is fetched from the network: charts are data: URIs and the URL
fetcher refuses every scheme but data: and file:.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

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
            if len(text) <= 5:
                css += " short"  # short labels (口径, 位次, 灯) never wrap mid-word
            cells.append({"text": text, "css": css})
        out.append(cells)
    return out


def column_widths(columns: list[Any], cells: list[list[dict[str, str]]]) -> list[float]:
    """Column widths in percent for a fixed-layout table: by the longest text in the column (a header
    counts half, as it wraps), within 3–14 characters."""
    weights = []
    for j, col in enumerate(columns):
        longest = max([len(row[j]["text"]) for row in cells] + [len(col.title) / 2, 3])
        weights.append(min(longest, 14) + 1.5)  # + room for the cell padding
    total = sum(weights)
    return [round(w / total * 100, 2) for w in weights]


def render_html(content: ReportContent) -> str:
    """The report as a self-contained HTML page (print CSS, charts inlined)."""
    sections = []
    for s in content.sections:
        charts = [{"title": c.title, "note": c.note,
                   "uri": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")} for c in s.charts]
        tables = []
        for t in s.tables:
            cells = table_cells(t)
            tables.append({"title": t.title, "note": t.note, "columns": t.columns, "cells": cells,
                           "widths": column_widths(t.columns, cells)})
        sections.append({"heading": s.heading, "paragraphs": s.paragraphs, "charts": charts, "tables": tables})
    context = {"content": {"title": content.title, "subtitle": content.subtitle, "headline": content.headline,
                           "sections": sections, "issuer": content.issuer, "date_text": content.date_text,
                           "source_notes": content.source_notes}}
    return render_to_string("reports/monthly_report.html", context)


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes (WeasyPrint, offline)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)
    pdf = HTML(string=render_html(content), base_url=None, url_fetcher=fetcher).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
