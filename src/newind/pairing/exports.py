"""The month's gaps as Excel: pairings short of their cadence, officials, firms, and unpaired key firms."""

from __future__ import annotations

from typing import Any

from newind.core.xlsx import ExportSheet, export_workbook
from newind.pairing.queries import MonthGaps, gap_detail

DETAIL_HEADER = ["序号", "包联干部", "干部单位", "联系电话", "企业名称", "统一社会信用代码", "本月走访", "应走访", "本月电话",
                 "应电话", "缺走访", "缺电话"]
OFFICIAL_HEADER = ["序号", "包联干部", "干部单位", "联系电话", "未达要求的企业数", "缺走访次数", "缺电话次数"]
FIRM_HEADER = ["序号", "企业名称", "统一社会信用代码", "包联干部数", "本月走访", "应走访", "本月电话", "应电话"]
UNPAIRED_HEADER = ["序号", "企业名称", "统一社会信用代码", "重点企业依据"]


def _about(gaps: MonthGaps) -> list[str]:
    return [f"月份：{gaps.label}（按自然月统计；走访、座谈计入走访，电话计入电话）",
            "要求：每对包联关系每月按名单中的次数走访和电话（默认各至少1次）。来源：岳阳市新型工业化平台 包联走访记录。"]


def detail_rows(gaps: MonthGaps) -> list[list[Any]]:
    return [[i, r["official"].name, r["official"].unit_name, r["official"].phone, r["firm"].name, r["firm"].credit_code,
             r["visits"], r["need_visits"], r["calls"], r["need_calls"], r["missing_visits"], r["missing_calls"]]
            for i, r in enumerate(gap_detail(gaps), start=1)]


def gaps_workbook(gaps: MonthGaps) -> bytes:
    about = _about(gaps)
    officials = [[i, r["name"], r["unit_name"], r["phone"], int(r["firms"]), int(r["missing_visits"]),
                  int(r["missing_calls"])] for i, r in enumerate(gaps.officials.to_dict("records"), start=1)]
    firms = [[i, r["firm_name"], r["credit_code"], int(r["officials"]), int(r["visits"]), int(r["need_visits"]),
              int(r["calls"]), int(r["need_calls"])] for i, r in enumerate(gaps.firms.to_dict("records"), start=1)]
    unpaired = [[i, r["firm_name"], r["credit_code"], r["sources"]]
                for i, r in enumerate(gaps.unpaired.to_dict("records"), start=1)]
    return export_workbook([
        ExportSheet("未达要求的包联", f"{gaps.label}未达走访要求的包联关系", about, DETAIL_HEADER, detail_rows(gaps),
                    frozenset({3, 5})),
        ExportSheet("包联干部", f"{gaps.label}未达走访要求的包联干部", about, OFFICIAL_HEADER, officials, frozenset({3})),
        ExportSheet("企业", f"{gaps.label}未获足够走访的企业", about, FIRM_HEADER, firms, frozenset({2})),
        ExportSheet("无人包联的重点企业", f"{gaps.label}无人包联的重点企业", about, UNPAIRED_HEADER, unpaired, frozenset({2})),
    ])
