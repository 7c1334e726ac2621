"""The metrics and the overdue list as Excel (newind.core.xlsx page exports), and the columns the pages and
the workbooks share: one definition of what each column is and how it is written."""

from __future__ import annotations

from typing import Any

import pandas as pd

from newind.cases.calc import METRIC_LABELS
from newind.cases.forms import LISTS, Filters
from newind.cases.queries import (
    GROUPINGS,
    REASON_LABELS,
    metrics,
    overdue_counts,
    overdue_rows,
    unsatisfied_reason_counts,
)
from newind.cases.sla import format_deadline, to_local
from newind.core.xlsx import ExportSheet, export_workbook

NONE = "—"  # a rate without a denominator, an average without a closed case
# (column, kind): count (件/次), rate (%, one decimal), days (one decimal).
METRIC_TABLE: list[tuple[str, str]] = [
    ("total", "count"), ("closed", "count"), ("closure_rate", "rate"), ("closed_on_time", "count"),
    ("on_time_rate", "rate"), ("extended", "count"), ("extension_rate", "rate"), ("rated", "count"),
    ("satisfied", "count"), ("satisfaction_rate", "rate"), ("avg_working_days_to_close", "days"),
    ("overdue_done_late", "count"), ("overdue_still_open", "count"), ("unsatisfied_subjective", "count"),
    ("unsatisfied_objective", "count"), ("reopened", "count"),
]
LABELS = {**METRIC_LABELS, **REASON_LABELS}
KEY_LABEL = {"department": "牵头承办单位", "category": "分类", "month": "受理月份"}
SHEETS = {"department": "按承办单位", "category": "按分类", "month": "按月份"}
DEFINITIONS = ("办结率 = 办结（办结、回访评价、归档）÷ 事项数；按期办结率 = 在办结时限（仅批准延期后顺延）内办结 ÷ 办结；"
               "延期率 = 获批延期的事项 ÷ 事项数；满意率 = （满意 + 基本满意）÷ 已评价；平均办结用时按工作日（含调休）计；"
               "逾期办结 = 超过办结时限后办结，逾期未办结 = 统计时点已过时限仍未办结（含退回重办）。"
               "不满意·主观原因每次均退回重办；分类统计中一件事项有多个分类时各计一次。无分母的比率记为「—」。")


def key_of(by: str, row: dict[str, Any]) -> str:
    """The row's group as a reader names it: the unit's name, the category's Chinese name, the month."""
    if by == "department":
        return str(row.get("lead_unit__name") or "（未交办）")
    if by == "category":
        return str(row.get("category_name") or row.get("category"))
    return str(row.get("month"))


def cell(value: Any, kind: str) -> Any:
    """A figure as the workbook holds it: counts as integers, rates and days as numbers, "—" for none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NONE if kind != "count" else 0
    return int(value) if kind == "count" else round(float(value), 1)


def metric_rows(by: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The metric table for a page or the API: the group, its unit id (department), each figure."""
    out = []
    for row in frame.to_dict("records"):
        item = {"key": key_of(by, row), "unit_id": row.get("lead_unit_id") if by == "department" else None,
                "code": row.get("category") if by == "category" else row.get("month") if by == "month" else None}
        item["unit_id"] = None if item["unit_id"] is None or pd.isna(item["unit_id"]) else int(item["unit_id"])
        item.update({column: cell(row.get(column), kind) for column, kind in METRIC_TABLE})
        out.append(item)
    return out


def metrics_workbook(filters: Filters) -> bytes:
    """Every grouping (department, category, month) as a sheet, then the unsatisfied reasons."""
    sheets = []
    header = [LABELS[c] for c, _ in METRIC_TABLE]
    for by in GROUPINGS:
        rows = metric_rows(by, metrics(by, now=filters.now, where=filters.where))
        sheets.append(ExportSheet(
            name=SHEETS[by], title=f"事项办理统计（{SHEETS[by]}）",
            about=[filters.about, DEFINITIONS, "来源：新型工业化推进平台 事项办理（示例数据为合成数据）。"],
            header=[KEY_LABEL[by], *header],
            rows=[[r["key"], *[r[c] for c, _ in METRIC_TABLE]] for r in rows],
            text_columns=frozenset({0})))
    reasons = unsatisfied_reason_counts(filters.where)
    sheets.append(ExportSheet(name="不满意原因", title="不满意评价的原因", about=[filters.about],
                              header=["原因类型", "原因", "次数"],
                              rows=[[r["reason_kind"], r["reason"], r["count"]] for r in reasons]))
    return export_workbook(sheets)


OVERDUE_HEADER = ["序号", "编号", "类型", "标题", "涉及企业/单位", "牵头承办单位", "状态", "受理时间", "办结时限",
                  "原办结时限", "办结时间", "逾期（工作日）", "批准延期（次）", "退回重办（次）", "示例数据"]


def overdue_table(rows: list[dict[str, Any]], start: int = 1) -> list[list[Any]]:
    return [[i, r["code"], r["kind_label"], r["title"], r["concerned_name"], r["lead_unit__name"], r["state_label"],
             f"{to_local(r['received_at']):%Y-%m-%d %H:%M}", format_deadline(r["close_deadline"]),
             format_deadline(r["original_close_deadline"]),
             f"{to_local(r['closed_at']):%Y-%m-%d %H:%M}" if r["closed_at"] else NONE,
             NONE if r["working_days_late"] is None else r["working_days_late"], r["extensions_approved"],
             r["redo_count"], "是" if r["is_synthetic"] else ""]
            for i, r in enumerate(rows, start=start)]


def overdue_workbook(filters: Filters) -> bytes:
    """Both overdue lists in full, the longest overdue first, one sheet each."""
    counts = overdue_counts(now=filters.now, where=filters.where)
    sheets = []
    for which, label in LISTS.items():
        rows = overdue_rows(which, now=filters.now, where=filters.where, limit=None)
        sheets.append(ExportSheet(
            name=label, title=f"{label}事项清单（{counts[which]} 件）",
            about=[filters.about, "逾期工作日：办结时限所在日之后至办结日（逾期办结）或统计日（逾期未办结）的工作日数（含调休）。",
                   "来源：新型工业化推进平台 事项办理。"],
            header=OVERDUE_HEADER, rows=overdue_table(rows), text_columns=frozenset({1})))
    return export_workbook(sheets)
