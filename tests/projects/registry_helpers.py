"""A small project workbook for the registry tests: the office's layout (a title row, then the header),
two projects in two counties. Amounts in 万元, land in 亩.

XM001 岳阳县 / park P430609 (provincial): total 120,000, land 400, tax 12,000, output 200,000, at 开工
XM002 云溪区 / park P430603 (provincial): total 50,000, land 100, tax 1,500, output 20,000, at 签约
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

SHEET = "项目库"
HEADER = ["项目编号", "项目名称", "所在县市区", "所在园区", "行业代码", "投资主体", "投资方类型", "总投资（万元）",
          "其中省外资金（万元）", "签约金额（万元）", "用地面积（亩）", "达产年税收", "达产年产值", "所属清单",
          "联点市领导", "责任单位", "直接责任人", "工作专班", "当前阶段", "实际签约日期", "计划开工日期", "实际开工日期",
          "计划投产日期", "2017年计划投资（万元）"]
ROWS: list[list[Any]] = [
    ["XM001", "岳阳县高端装备产业园项目", "岳阳县", "P430609", "3411", "某装备集团有限公司", "世界500强、外资", 120000,
     20000, 110000, 400, 12000, 200000, "市重大项目、产业项目", "张市长", "市工信局", "李四", "是", "开工",
     "2017-03-10", "2017-04-01", "2017-04-20", "2017-12-01", 40000],
    ["XM002", "云溪区新材料项目", "云溪区", "P430603", "2614", "某化工有限公司", "民营500强", 50000,
     None, None, 100, 1500, 20000, "产业项目", "王市长", "市工信局", "赵五", "否", "签约",
     "2017-05-05", "2017-06-10", None, None, 10000],
]


def column(name: str) -> str:
    """The column letter of a header (A, B, …)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(HEADER.index(name) + 1)


def workbook(rows: list[list[Any]] | None = None, header: list[str] | None = None, *, sheet: str = SHEET) -> bytes:
    """An .xlsx with a title row (row 1), the header (row 2) and the rows (from row 3)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["岳阳市2017年重大项目库（示例）"])
    ws.append(header or HEADER)
    for row in ROWS if rows is None else rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_with(code: str, **cells: Any) -> list[list[Any]]:
    """ROWS with some cells of one project changed, by header name (e.g. {"当前阶段": "投产"})."""
    out = [list(r) for r in ROWS]
    for r in out:
        if r[0] == code:
            for name, value in cells.items():
                r[HEADER.index(name)] = value
    return out
