"""The 公示 list as Excel and the 公示 notice as Word (official layout of newind.reports.word)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from newind.core.xlsx import ExportSheet, export_workbook
from newind.mujun.calc import SIZE_LABELS
from newind.mujun.models import EvaluationRun
from newind.reports.word import BODY_FONT, HEADING_FONT, TITLE_FONT, _cell_text, _para, _setup

NOTICE_HEADER = ["序号", "统一社会信用代码", "企业名称", "规模", "县市区", "园区", "总分", "排名", "参评企业数", "初评类别",
                 "类别", "调档原因"]


def notice_rows(run: EvaluationRun) -> list[list[Any]]:
    """The 公示 order: size class, then class and rank, then credit code; not-rated firms last (T first)."""
    results = run.results.order_by("-rated", "size", "rank", "credit_code").values_list(
        "credit_code", "name", "size", "county", "park", "total", "rank", "rated_among", "class_initial", "klass",
        "adjust_reason")
    return [[i, code, name, SIZE_LABELS.get(size, size), county, park, total, rank, among, initial, klass or "未参评",
             why] for i, (code, name, size, county, park, total, rank, among, initial, klass, why)
            in enumerate(results, start=1)]


def _about(run: EvaluationRun) -> list[str]:
    return [f"{run.year}年度 · 范围 {run.scope.name}（{run.scope_code}）· 第{run.version}版 · 状态 {run.get_state_display()}",
            f"方案：{run.summary.get('scheme_name', run.scheme_code)}（{run.scheme_code} 第{run.scheme_version}版）",
            "总分单位：分；类别 A、B、C、D 按排名，T 为不参评。来源：市新型工业化办公室 亩均效益综合评价。"]


def notice_workbook(run: EvaluationRun) -> bytes:
    return export_workbook([ExportSheet(name="公示名单", title=f"{run.year}年度亩均效益综合评价结果公示名单",
                                        about=_about(run), header=NOTICE_HEADER, rows=notice_rows(run),
                                        text_columns=frozenset({1, 4, 5}))])


def notice_document(run: EvaluationRun, office: str = "岳阳市新型工业化领导小组办公室") -> bytes:
    """The public notice (公示) with the class counts and the list, in the official layout."""
    doc = Document()
    _setup(doc)
    _para(doc, f"关于{run.year}年度工业企业亩均效益综合评价结果的公示", font=TITLE_FONT, size=22,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line_pt=None)
    _para(doc, "")
    counts = run.summary.get("class_counts", {})
    count_text = "、".join(f"{c}类 {n} 家" for c, n in counts.items())
    start = f"{run.notice_start:%Y年%m月%d日}" if run.notice_start else "公示之日"
    end = f"{run.notice_end:%Y年%m月%d日}" if run.notice_end else f"公示之日起{run.notice_days}日"
    _para(doc, f"根据亩均效益综合评价办法，经企业填报、部门核实和企业确认，现将{run.scope.name}{run.year}年度"
               f"工业企业亩均效益综合评价结果予以公示。本次共评价企业 {run.firm_count} 家，其中{count_text}。")
    _para(doc, f"公示期为{start}至{end}。企业对评价结果有异议的，请在公示期内通过本企业账号在平台提出，"
               "并附相关证明材料；逾期未提出的，视为无异议。")
    _para(doc, "一、评价结果", font=HEADING_FONT, size=16)
    rows = notice_rows(run)
    columns = ["序号", "企业名称", "规模", "总分", "排名", "类别"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        _cell_text(cell, title, bold=True, font=HEADING_FONT)
    for r in rows:
        cells = table.add_row().cells
        values = [r[0], r[2], r[3], "—" if r[6] is None else f"{r[6]:.2f}", "—" if r[7] is None else r[7], r[10]]
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, str(value), font=BODY_FONT)
    _para(doc, "")
    _para(doc, office, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)
    if run.notice_start:
        _para(doc, f"{run.notice_start:%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
