"""Reading the evaluation's input frame.

Two sources give the same frame (the contract in newind.scoring.calc and newind.mujun.calc):
- `frame_from_file`: a CSV/XLSX frame file, one row per firm, headers in English codes or Chinese
  (统一社会信用代码, 企业名称, 规模, 所在县市区, 所在园区, 行业代码, 公用事业, 标记, 原因, and the indicators by
  code or by name, e.g. 实缴税金 or 实缴税金（万元）). It works today, without the enterprise registry.
- `registry_frame`: the enterprise registry and the spine's annual observations. The registry (apps
  `enterprises` and `parks`, issue 10 items 1–2) is built on another branch; until it is merged this
  adapter says so, and `newind mujun evaluate --frame FILE` is the way in.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from newind.core.errors import AppError, Problem
from newind.scoring.schemes import Scheme

HEADER_ALIASES = {
    "统一社会信用代码": "credit_code", "信用代码": "credit_code", "企业名称": "name", "名称": "name",
    "规模": "size", "所在县市区": "county", "县市区": "county", "所在园区": "park", "园区": "park",
    "行业代码": "industry", "公用事业": "is_utility", "标记": "flag", "原因": "flag_reason",
    "标记原因": "flag_reason", "年度": "year",
}
SIZE_VALUES = {"规上": "above", "规模以上": "above", "above": "above", "规下": "below", "规模以下": "below",
               "below": "below"}
TRUE_VALUES = {"是", "true", "1", "y", "yes", "√"}
FALSE_VALUES = {"否", "false", "0", "n", "no", ""}
TEXT_COLUMNS = ("credit_code", "name", "size", "county", "park", "industry", "flag", "flag_reason")


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _normalise_header(text: str, scheme: Scheme) -> str | None:
    h = str(text).strip()
    if not h:
        return None
    if h in HEADER_ALIASES:
        return HEADER_ALIASES[h]
    bare = re.sub(r"[（(].*?[)）]\s*$", "", h).strip()  # 实缴税金（万元） → 实缴税金
    for code, spec in scheme.inputs.items():
        if h == code or bare == code or bare == spec.label or bare == re.sub(r"[（(].*?[)）]", "", spec.label):
            return code
    if h in {*TEXT_COLUMNS, "is_utility", "year"}:
        return h
    return None


def frame_from_cells(cells: pd.DataFrame, scheme: Scheme, *, year: int | None = None,
                     sheet: str = "") -> pd.DataFrame:
    """Turn a grid (header in the first row) into the evaluation frame; every bad cell is named."""
    if cells.empty:
        raise AppError("评价数据文件是空的：第1行应为表头，其下每行一家企业。")
    header = [_normalise_header(h, scheme) for h in cells.iloc[0].tolist()]
    columns: dict[str, int] = {}
    for j, name in enumerate(header):
        if name is not None and name not in columns:
            columns[name] = j
    needed = ["credit_code", "size", *[c for c in scheme.inputs if any(c in i.inputs for g in scheme.groups
                                                                         for i in g.items)]]
    absent = [c for c in needed if c not in columns]
    if absent:
        fixed = {"credit_code": "统一社会信用代码", "size": "规模"}
        names = [scheme.inputs[c].label if c in scheme.inputs else fixed.get(c, c) for c in absent]
        raise AppError(f"评价数据文件缺少列：{'、'.join(names)}。表头可用英文代码或中文名称。")
    body = cells.iloc[1:]
    body = body[(body.astype(str).apply(lambda c: c.str.strip()) != "").any(axis=1)]
    out = pd.DataFrame(index=range(len(body)))
    excel_rows = body.index.to_numpy() + 1
    problems: list[Problem] = []
    for name, j in columns.items():
        raw = body.iloc[:, j].reset_index(drop=True)
        text = raw.map(lambda v: "" if v is None else str(v).strip())
        if name in scheme.inputs or name == "year":
            nums = pd.to_numeric(text.str.replace(",", "", regex=False).replace("", np.nan), errors="coerce")
            bad = text.ne("") & nums.isna()
            problems += [Problem(f"「{text[i]}」不是数字", sheet=sheet or None, row=int(excel_rows[i]),
                                 column=_column_letter(j)) for i in np.flatnonzero(bad)]
            out[name] = nums.astype(float)
        elif name == "is_utility":
            low = text.str.lower()
            bad = ~low.isin(TRUE_VALUES | FALSE_VALUES)
            problems += [Problem(f"「{text[i]}」应为 是 或 否", sheet=sheet or None, row=int(excel_rows[i]),
                                 column=_column_letter(j)) for i in np.flatnonzero(bad)]
            out[name] = low.isin(TRUE_VALUES)
        elif name == "size":
            mapped = text.map(SIZE_VALUES)
            bad = mapped.isna()
            problems += [Problem(f"规模「{text[i]}」应为 规上 或 规下", sheet=sheet or None, row=int(excel_rows[i]),
                                 column=_column_letter(j)) for i in np.flatnonzero(bad)]
            out[name] = mapped
        else:
            out[name] = text
    chosen = (out["year"] == year) if (year is not None and "year" in out) else pd.Series(True, index=out.index)
    if "credit_code" in out:
        # One row per firm in the year evaluated (a file may hold several years).
        codes = out["credit_code"].where(chosen)
        dup = codes.duplicated(keep=False) & codes.notna() & out["credit_code"].ne("")
        problems += [Problem(f"统一社会信用代码「{out['credit_code'][i]}」重复", sheet=sheet or None,
                             row=int(excel_rows[i]), column=_column_letter(columns["credit_code"]))
                     for i in np.flatnonzero(dup)]
    if problems:
        raise AppError(f"评价数据文件有 {len(problems)} 处错误，未作评价。", problems=problems)
    out = out[chosen].reset_index(drop=True)
    for name in ("name", "county", "park", "industry", "flag", "flag_reason"):
        if name not in out:
            out[name] = ""
    if "is_utility" not in out:
        out["is_utility"] = False
    return out


def frame_from_file(path: str | Path, scheme: Scheme, *, year: int | None = None) -> pd.DataFrame:
    """Read a CSV/XLSX frame file (first visible sheet) with the same limits and checks as every upload."""
    from newind.imports.parsing import read_sheets, visible_sheets

    p = Path(path)
    if not p.exists():
        raise AppError(f"找不到评价数据文件 {p}。")
    _kind, sheets = read_sheets(p.read_bytes(), p.name)
    visible = visible_sheets(sheets)
    if not visible:
        raise AppError("评价数据文件没有可见的工作表。")
    return frame_from_cells(visible[0].cells, scheme, year=year, sheet=visible[0].name if _kind == "xlsx" else "")


def in_scope(frame: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The firms of an administrative division (by GB/T 2260 prefix: 430600 is the whole city, 430621 one
    county) or of a park (exact code in the park column)."""
    scope = str(scope).strip()
    if re.fullmatch(r"\d{6}", scope):
        prefix = scope[:2] if scope.endswith("0000") else scope[:4] if scope.endswith("00") else scope
        county = frame["county"].astype(str) if "county" in frame else pd.Series("", index=frame.index)
        mask = county.str.startswith(prefix)
        if "park" in frame:
            mask |= frame["park"].astype(str) == scope
    else:
        mask = frame["park"].astype(str) == scope if "park" in frame else pd.Series(False, index=frame.index)
    if not mask.any():
        raise AppError(f"评价范围「{scope}」内没有企业：请用县市区代码（如 430621）、全市代码 430600 或园区代码。")
    return frame[mask].reset_index(drop=True)


FLAG_VALUES = ("否决", "保护", "不参评")
FLAG_HEADERS = {"统一社会信用代码": "credit_code", "credit_code": "credit_code", "年度": "year", "year": "year",
                "标记": "flag", "flag": "flag", "原因": "flag_reason", "flag_reason": "flag_reason"}


def flags_from_cells(cells: pd.DataFrame, year: int | None, *, sheet: str = "") -> pd.DataFrame:
    """The year's flags (columns 统一社会信用代码, 年度, 标记, 原因) as credit_code, flag, flag_reason.

    标记 is one of 否决 / 保护 / 不参评; a firm has at most one flag a year; every bad cell is named. With
    year=None every year of the file is kept, with the columns year, row (the file's row number) and
    code_column (the letter of the credit-code column), for `newind mujun flags import`."""
    if cells.empty:
        raise AppError("标记文件是空的：第1行应为表头（统一社会信用代码、年度、标记、原因）。")
    header = [FLAG_HEADERS.get(str(h).strip()) for h in cells.iloc[0].tolist()]
    columns = {name: j for j, name in enumerate(header) if name is not None}
    absent = [label for label, name in (("统一社会信用代码", "credit_code"), ("年度", "year"), ("标记", "flag"))
              if name not in columns]
    if absent:
        raise AppError(f"标记文件缺少列：{'、'.join(absent)}。")
    body = cells.iloc[1:]
    body = body[(body.astype(str).apply(lambda c: c.str.strip()) != "").any(axis=1)]
    rows = body.index.to_numpy() + 1
    text = {name: body.iloc[:, j].map(lambda v: "" if v is None else str(v).strip()).reset_index(drop=True)
            for name, j in columns.items()}
    problems: list[Problem] = []
    years = pd.to_numeric(text["year"].str.replace(r"年$", "", regex=True), errors="coerce")
    for i in np.flatnonzero(years.isna()):
        problems.append(Problem(f"年度「{text['year'][i]}」不是年份", sheet=sheet or None, row=int(rows[i]),
                                column=_column_letter(columns["year"])))
    for i in np.flatnonzero(~text["flag"].isin(FLAG_VALUES)):
        problems.append(Problem(f"标记「{text['flag'][i]}」应为 否决、保护 或 不参评", sheet=sheet or None,
                                row=int(rows[i]), column=_column_letter(columns["flag"])))
    for i in np.flatnonzero(text["credit_code"] == ""):
        problems.append(Problem("缺少统一社会信用代码", sheet=sheet or None, row=int(rows[i]),
                                column=_column_letter(columns["credit_code"])))
    this_year = (years == year).to_numpy() if year is not None else years.notna().to_numpy()
    pair = text["credit_code"] + "|" + years.astype(str)
    dup = pair.where(this_year).duplicated(keep=False) & this_year & (text["credit_code"] != "")
    for i in np.flatnonzero(dup):
        problems.append(Problem(f"{int(years[i])}年「{text['credit_code'][i]}」有不止一个标记：每家企业每年只能有一个标记",
                                sheet=sheet or None, row=int(rows[i]), column=_column_letter(columns["flag"])))
    if problems:
        raise AppError(f"标记文件有 {len(problems)} 处错误，未作评价。", problems=problems)
    reason = text.get("flag_reason", pd.Series([""] * len(years)))
    out = pd.DataFrame({"credit_code": text["credit_code"], "flag": text["flag"], "flag_reason": reason})
    if year is None:
        out["year"] = years.astype(int)
        out["row"] = rows
        out["code_column"] = _column_letter(columns["credit_code"])
    return out[this_year].reset_index(drop=True)


def flags_from_file(path: str | Path, year: int | None) -> pd.DataFrame:
    """Read a flags file (CSV/XLSX) for one year; see `flags_from_cells`."""
    from newind.imports.parsing import read_sheets, visible_sheets

    p = Path(path)
    if not p.exists():
        raise AppError(f"找不到标记文件 {p}。")
    kind, sheets = read_sheets(p.read_bytes(), p.name)
    visible = visible_sheets(sheets)
    if not visible:
        raise AppError("标记文件没有可见的工作表。")
    return flags_from_cells(visible[0].cells, year, sheet=visible[0].name if kind == "xlsx" else "")


def apply_flags(frame: pd.DataFrame, flags: pd.DataFrame | None) -> pd.DataFrame:
    """The frame with the year's flags: a firm in the flags file takes its flag and reason from it."""
    if flags is None or flags.empty:
        return frame
    by_code = flags.set_index("credit_code")
    out = frame.copy()
    hit = out["credit_code"].isin(by_code.index)
    for column in ("flag", "flag_reason"):
        if column not in out:
            out[column] = ""
        out[column] = out[column].astype(object)
        out.loc[hit, column] = out.loc[hit, "credit_code"].map(by_code[column]).to_numpy()
    return out


def registry_frame(year: int, scope: str, scheme: Scheme, flags: pd.DataFrame | None = None, *,
                   with_unit_id: bool = False) -> pd.DataFrame:
    """The frame from the enterprise registry and the spine's annual figures.

    Written against the registry branch's `newind.enterprises.queries.evaluation_frame(year, scope_code,
    flags)` (same columns as this module's frame files, without flag_reason); until that app is merged
    this says so and `--frame FILE` is the way in. `with_unit_id` keeps each firm's unit id (column
    unit_id) for the writer of the results."""
    import importlib

    from django.apps import apps

    if not apps.is_installed("newind.enterprises"):
        raise AppError("企业名录（一企一档）尚未合入：请用 --frame 指定评价数据文件（CSV/XLSX，每行一家企业）。",
                       code="registry_missing")
    queries = importlib.import_module("newind.enterprises.queries")
    if flags is None:
        flags = stored_flags(year)  # the year's flags imported with `newind mujun flags import`
    given = None if flags is None else flags[["credit_code", "flag"]]
    frame = queries.evaluation_frame(year, scope, given, **({"with_unit_id": True} if with_unit_id else {}))
    return apply_flags(frame, flags)


def stored_flags(year: int) -> pd.DataFrame:
    """The year's stored flags (mujun.models.YearFlag) as credit_code, flag, flag_reason."""
    from newind.mujun.models import YearFlag

    rows = list(YearFlag.objects.filter(year=int(year)).values_list("credit_code", "flag", "reason"))
    return pd.DataFrame(rows, columns=["credit_code", "flag", "flag_reason"])
