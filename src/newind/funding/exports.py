"""The 向上争取 list as Excel: the items and the totals per level and per responsible unit."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from newind.core.xlsx import ExportSheet, export_workbook


def _num(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else float(str(value))


def workbook(frame: pd.DataFrame, by_level: pd.DataFrame, by_owner: pd.DataFrame, today: dt.date) -> bytes:
    about = [f"截至{today.isoformat()}；金额单位：万元；来源：各责任单位登记，市新型工业化领导小组办公室汇总。"]
    if not frame.empty and frame["is_synthetic"].any():
        about.append("含示例数据（示例数据不是真实统计）。")
    rows = [[r.code, r.title, r.programme, r.level_label, r.issuer, r.window_start, r.deadline, r.owner_unit__name,
             r.owner_person, _num(r.amount_sought), r.status_label, _num(r.amount_obtained),
             r.days_left if r.urgency != "closed" else None, r.urgency_label]
            for r in frame.itertuples()]
    header = ["编号", "事项名称", "资金或政策渠道", "层级", "发布部门", "申报开始", "申报截止", "责任单位", "责任人",
              "争取金额（万元）", "状态", "获批金额（万元）", "距截止（天）", "提示"]

    def total_rows(totals: pd.DataFrame, key: str) -> list[list[object]]:
        return [[getattr(r, key), r.items, r.applied, r.approved, r.rejected, float(r.amount_sought),
                 float(r.amount_obtained), r.approval_rate] for r in totals.itertuples()]

    total_header = ["", "事项数", "已申报", "获批", "未获批", "争取金额（万元）", "获批金额（万元）", "获批率（%）"]
    return export_workbook([
        ExportSheet("事项清单", "向上争取事项清单", about, header, rows, frozenset({0})),
        ExportSheet("按层级", "向上争取按层级汇总", about + ["获批率 = 获批 ÷ （获批 + 未获批）。"],
                    ["层级", *total_header[1:]], total_rows(by_level, "level")),
        ExportSheet("按责任单位", "向上争取按责任单位汇总", about + ["获批率 = 获批 ÷ （获批 + 未获批）。"],
                    ["责任单位", *total_header[1:]], total_rows(by_owner, "owner_unit__name")),
    ])
