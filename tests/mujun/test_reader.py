"""The frame-file reader (`mujun.queries.frame_from_cells`): headers by code or by Chinese name, the year
column, utility flags, empty and header-only files, and scope by park."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.mujun.queries import apply_flags, frame_from_cells, in_scope
from newind.scoring.schemes import load_scheme

SCHEME = load_scheme("mujun-default")
CODES = ["land_area", "tax_paid", "value_added", "sales_revenue", "energy_use", "emissions", "rd_spending",
         "avg_employees", "power_use"]


def grid(header: list[str], *rows: list[object]) -> pd.DataFrame:
    return pd.DataFrame([header, *[[("" if v is None else v) for v in r] for r in rows]], dtype=object)


def test_english_codes_and_a_year_column() -> None:
    cells = grid(["credit_code", "size", "year", "park", *CODES],
                 ["X1", "above", 2017, "P01", 10, 20, 30, 40, 50, 60, 70, 80, None],
                 ["X1", "above", 2016, "P01", 1, 2, 3, 4, 5, 6, 7, 8, None],
                 ["X2", "规下", "2017", "", 5, "1,234.5", None, None, None, None, None, None, 9])
    with pytest.raises(AppError) as info:
        frame_from_cells(cells, SCHEME)  # two years of X1 and no year chosen: one row per firm
    assert [str(p) for p in info.value.problems] == ["第2行第A列：统一社会信用代码「X1」重复",
                                                     "第3行第A列：统一社会信用代码「X1」重复"]
    f = frame_from_cells(cells, SCHEME, year=2017)  # the 2016 row of X1 is not this year's
    assert f["credit_code"].tolist() == ["X1", "X2"]
    assert f["size"].tolist() == ["above", "below"]
    assert f.loc[1, "tax_paid"] == 1234.5 and np.isnan(f.loc[1, "value_added"])
    assert f["is_utility"].tolist() == [False, False] and f["flag"].tolist() == ["", ""]
    assert in_scope(f, "P01")["credit_code"].tolist() == ["X1"]


def test_utility_values_and_their_errors() -> None:
    header = ["统一社会信用代码", "规模", "公用事业", *CODES]
    good = frame_from_cells(grid(header, ["U1", "规上", "是", *range(1, 10)], ["U2", "规上", "否", *range(1, 10)],
                                 ["U3", "规上", "", *range(1, 10)]), SCHEME)
    assert good["is_utility"].tolist() == [True, False, False]
    with pytest.raises(AppError) as info:
        frame_from_cells(grid(header, ["U1", "规上", "也许", *range(1, 10)]), SCHEME)
    assert [str(p) for p in info.value.problems] == ["第2行第C列：「也许」应为 是 或 否"]


def test_empty_and_header_only_files() -> None:
    with pytest.raises(AppError, match="评价数据文件是空的"):
        frame_from_cells(pd.DataFrame(), SCHEME)
    with pytest.raises(AppError, match="缺少列：统一社会信用代码"):
        frame_from_cells(grid(["企业名称"], ["甲"]), SCHEME)
    f = frame_from_cells(grid(["统一社会信用代码", "规模", *CODES]), SCHEME)
    assert f.empty


def test_apply_flags_keeps_other_firms_flags() -> None:
    frame = pd.DataFrame({"credit_code": ["A", "B", "C"], "flag": ["保护", "", "否决"]})
    flags = pd.DataFrame({"credit_code": ["B", "C"], "flag": ["不参评", "保护"], "flag_reason": ["停产", "新企业"]})
    out = apply_flags(frame, flags)
    assert out["flag"].tolist() == ["保护", "不参评", "保护"]
    assert out["flag_reason"].tolist() == ["", "停产", "新企业"]
    assert apply_flags(frame, None) is frame
