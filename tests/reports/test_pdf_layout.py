"""The PDF report's layout, read from WeasyPrint's own boxes: text stays inside its cell, tables repeat
their header and never leave a lone row at the bottom or top of a page.

The report uses the CJK faces shipped with the package (newind.core.fonts), so these boxes are the real
glyphs' extents on any machine, with or without system fonts.
"""

from __future__ import annotations

import io

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from newind.indicators.periods import Period
from newind.reports.content import Chart, Column, ReportContent, Section, Table, build_content
from newind.reports.pdf import render_html, row_classes, table_cells, table_layout, text_em
from newind.reports.queries import monthly_overview

EPS_PT = 0.5


def _document(content: ReportContent):  # type: ignore[no-untyped-def]
    return HTML(string=render_html(content)).render()


def _overflowing_cells(document) -> list[str]:  # type: ignore[no-untyped-def]
    """Cells whose text reaches beyond the cell's content box (the text of each such line)."""
    out = []
    for page in document.pages:
        for cell in page._page_box.descendants():
            if not isinstance(cell, boxes.TableCellBox):
                continue
            right = cell.content_box_x() + cell.width
            for line in cell.descendants():
                if isinstance(line, boxes.LineBox) and any(
                        child.position_x + child.margin_width() > right + EPS_PT for child in line.children):
                    out.append("".join(getattr(b, "text", "") for b in line.descendants()))
    return out


def _table_fragments(document) -> list[tuple[int, bool, int]]:  # type: ignore[no-untyped-def]
    """(page number, header repeated, body rows) for each piece of a table on a page, in order."""
    out = []
    for number, page in enumerate(document.pages, start=1):
        for table in page._page_box.descendants():
            if isinstance(table, boxes.TableBox):
                groups = [g for g in table.children if isinstance(g, boxes.TableRowGroupBox)]
                rows = sum(len(g.children) for g in groups if not g.is_header)
                out.append((number, any(g.is_header for g in groups), rows))
    return out


@pytest.fixture
def with_warnings(demo_figures) -> None:  # type: ignore[no-untyped-def]
    """The demo figures and the demo's 2017 targets, so table 4 (目标预警清单) has its red lights."""
    from newind.targets.demo import load_demo

    load_demo(io.StringIO())


def test_no_text_runs_out_of_its_cell_in_any_table(with_warnings) -> None:  # type: ignore[no-untyped-def]
    content = build_content(monthly_overview(Period.month(2017, 3)), with_charts=False)
    warnings = next(t for t in content.tables if t.key == "目标预警")
    assert any("持续红灯" in row or "新亮红灯" in row for row in warnings.rows)
    assert len(warnings.columns) == 12  # the widest table: 较上月 and 原因 side by side
    assert _overflowing_cells(_document(content)) == []


def test_short_labels_and_numbers_get_a_column_wide_enough_for_them() -> None:
    # Hand calculation at 9.5 pt: the type area is 156 mm = 156 / (9.5 × 25.4 / 72) = 46.5 em.
    # 「持续红灯」 is 4 em and never wraps, so its column needs at least 4 em + 0.8 em of padding;
    # the reason wraps inside the rest of the width.
    table = Table("t", "表", [Column("预警", "light"), Column("较上月"), Column("原因"), Column("完成（%）", "number", 1)],
                  [["red", "持续红灯", "预计全年增长-3.9%，完成硬指标（增长6.5%）的可能性仅0%" * 2, 67.3]], "注")
    layout = table_layout(table.columns, table_cells(table))
    assert layout.font_pt == 9.5
    area_em = 156 / (9.5 * 25.4 / 72)
    em = [w / 100 * area_em for w in layout.widths]
    assert em[1] >= 4.0 + 0.8 and em[3] >= text_em("67.3") + 0.8
    assert sum(layout.widths) == pytest.approx(100, abs=0.05)
    assert em[2] == max(em)  # the long text takes the width that is left


@pytest.mark.parametrize(("n", "expected"), [
    (1, [""]),
    (4, ["keep-next", "keep-next", "keep-next", ""]),  # up to six rows: never split
    (9, ["keep-next", "keep-next", "", "", "", "", "", "keep-prev", "keep-prev"]),
])
def test_row_classes_keep_the_first_and_last_three_rows_together(n: int, expected: list[str]) -> None:
    assert row_classes(n) == expected


def _png(height_px: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1400, height_px), "white").save(buf, format="PNG")
    return buf.getvalue()


def _content_with_a_table_after(filler_px: int, rows: int = 20) -> ReportContent:
    """A figure of a chosen height (140 mm wide), then a table: moving the figure's height moves where the
    table meets the bottom of the page."""
    table = Table("t", "表1  测试表", [Column("位次"), Column("单位"), Column("数值", "number")],
                  [[str(i), f"单位{i}", float(i)] for i in range(1, rows + 1)], "时期：测试。来源：测试。")
    return ReportContent(
        title="测试通报", subtitle="（测试）", headline="测试。",
        sections=[Section("一、图", [], [], [Chart("c", "图1", _png(filler_px), "注")]),
                  Section("二、表", [], [table])],
        issuer="岳阳市新型工业化领导小组办公室", date_text="2017年4月12日", is_synthetic=False, period_label="测试")


# Figure heights (px at 1400 px = 140 mm wide, so 10 px = 1 mm) that put the table's start from about six
# rows above the bottom of page 2 to below it, in steps smaller than a row (about 4.5 mm).
SWEEP = range(1380, 1580, 15)


def test_tables_repeat_their_header_and_no_page_holds_a_lone_row() -> None:
    seen_split = False
    for filler_px in SWEEP:
        document = _document(_content_with_a_table_after(filler_px))
        table = _table_fragments(document)
        assert sum(rows for _, _, rows in table) == 20
        assert all(header for _, header, _ in table), table  # the header on every page
        assert all(rows >= 3 for _, _, rows in table), (filler_px, table)  # no lone rows at either end
        seen_split |= len(table) > 1
        # The caption is on the page where the table starts.
        caption_page = next(n for n, page in enumerate(document.pages, start=1)
                            if "测试表" in "".join(b.text for b in page._page_box.descendants()
                                                       if isinstance(b, boxes.TextBox)))
        assert caption_page == table[0][0], (filler_px, caption_page, table)
    assert seen_split  # the sweep did make the table break across pages


def test_a_short_table_is_never_split() -> None:
    for filler_px in SWEEP:
        fragments = _table_fragments(_document(_content_with_a_table_after(filler_px, rows=5)))
        assert len(fragments) == 1 and fragments[0][2] == 5, (filler_px, fragments)


def _filled(page) -> float:  # type: ignore[no-untyped-def]
    """How far down the type area a page's content reaches (0–1), page numbers left out."""
    box = page._page_box
    bottoms = [b.position_y + b.margin_height() for root in box.children if not isinstance(root, boxes.MarginBox)
               for b in root.descendants() if isinstance(b, boxes.LineBox | boxes.TableRowBox | boxes.ReplacedBox)]
    return (max(bottoms, default=box.content_box_y()) - box.content_box_y()) / box.height


# The charts are drawn with matplotlib, which warns about each glyph of the missing CJK font.
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_no_page_but_the_last_is_left_half_empty(with_warnings) -> None:  # type: ignore[no-untyped-def]
    # A page ends early only to keep a table's first or last three rows, a caption with its table, or a
    # chart whole: each of these is under half a page, so every page but the last is more than half full.
    for period in (Period.month(2017, 3), Period.month(2017, 11)):
        document = _document(build_content(monthly_overview(period), with_charts=True))
        fills = [_filled(p) for p in document.pages]
        # 10 pages with the real glyphs: five tables of 13 units or 11 parks, the forecast table and the charts.
        assert len(fills) <= 10 and all(f > 0.55 for f in fills[:-1]), (period, [round(f, 2) for f in fills])
