"""Pure parsing of import tables (no database): find the table in a sheet (title rows, header, 合计 rows,
notes), turn long or wide layouts into one frame of located records, and clean values, units of measure,
releases and codes column-wise. Problems are collected, never raised one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from newind.core.errors import Problem

# --- vocabulary ------------------------------------------------------------------------------------

# Header text (normalised: no spaces, lower case, half-width brackets) → the column's role.
ROLE_HEADERS: dict[str, str] = {
    **dict.fromkeys(["region", "地区", "地区名称", "区域", "县市区", "县(市、区)", "县(市区)", "市州", "单位名称",
                     "园区", "园区名称", "企业名称", "名称", "区县", "县市区名称"], "unit"),
    **dict.fromkeys(["单位", "unit"], "unit_or_measure"),
    **dict.fromkeys(["region_code", "unit_code", "code", "代码", "地区代码", "区划代码", "行政区划代码",
                     "单位代码"], "unit_code"),
    **dict.fromkeys(["统一社会信用代码", "社会信用代码", "credit_code"], "credit_code"),
    **dict.fromkeys(["行业代码", "国民经济行业代码", "industry_code"], "industry_code"),
    **dict.fromkeys(["period", "year", "年份", "时期", "年度", "期别", "报告期", "月份"], "period"),
    **dict.fromkeys(["indicator", "指标", "指标名称", "指标代码"], "indicator"),
    **dict.fromkeys(["value", "数值", "数据", "值", "本期值"], "value"),
    **dict.fromkeys(["计量单位", "measure_unit", "单位(计量)"], "measure"),
    **dict.fromkeys(["release", "发布类型", "数据类型", "版本类型"], "release"),
    **dict.fromkeys(["source", "来源", "数据来源", "资料来源"], "source"),
    # Columns offices add beside the figures that are not figures themselves.
    **dict.fromkeys(["序号", "排名", "位次", "排序", "名次", "备注", "说明", "basis", "口径", "价格口径"],
                    "ignore"),
}
UNIT_ROLES = {"unit", "unit_code", "credit_code"}
TOTAL_WORDS = {"合计", "总计", "小计", "total"}
# "全市" may be the city's own figure or just the sum of the rows: the user must say which.
AREA_WORDS = {"全市", "全省", "全县", "全区", "全州", "全市合计", "全省合计"}
MISSING_TEXTS = {"", "—", "——", "-", "--", "－", "–", "…", "……", "...", "…."}
NOTE_RE = re.compile(r"^(注|资料来源|数据来源|说明|备注|填表|制表|审核|单位负责人|统计负责人|联系电话)"
                     r"\s*[0-9一二三四五六七八九十①②③④⑤]*\s*[:：.、]")
SHEET_UNIT_RE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s，,;；)）]+)")
SOURCE_NOTE_RE = re.compile(r"^(?:资料来源|数据来源)\s*[:：]\s*(.+)$")
HEADER_UNIT_RE = re.compile(r"^(.+?)\(([^()]+)\)$")
PERIOD_LIKE_RE = re.compile(r"^\d{4}(\.0)?(年.*)?$|^\d{4}[-/.]\d{1,2}$|^\d{4}[qQ][1-4]$")
TITLE_PERIOD_RES = [
    re.compile(r"\d{4}年1?[-—–]?\d{1,2}月"),
    re.compile(r"\d{4}年[一二三四1-4]季度"),
    re.compile(r"\d{4}年"),
]
NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
CREDIT_CODE_RE = r"[0-9A-HJ-NPQRTUWXY]{18}"
INDUSTRY_CODE_RE = r"[A-T]?\d{2,4}"

RELEASE_WORDS: dict[str, str] = {
    **dict.fromkeys(["yearbook", "年鉴", "统计年鉴", "年鉴数"], "yearbook"),
    **dict.fromkeys(["first", "初步核算", "初步", "初核", "初步核算数"], "first"),
    **dict.fromkeys(["published", "公开发布", "公布", "发布"], "published"),
    **dict.fromkeys(["flash", "快报", "快报数"], "flash"),
    **dict.fromkeys(["official", "正式", "正式数", "定报"], "official"),
    **dict.fromkeys(["revised", "修订", "修正", "修订数"], "revised"),
    **dict.fromkeys(["estimate", "预估", "预计", "估计", "预估数"], "estimate"),
}
# Units of measure that differ only by a power of ten: 元/万元/亿元, 千瓦时/万千瓦时/亿千瓦时, 吨/万吨.
MEASURE_BASES = ["吨标准煤", "千瓦时", "美元", "元", "吨", "人", "户", "个", "亩"]
MEASURE_PREFIXES = {"": 0, "千": 3, "万": 4, "百万": 6, "亿": 8}
STORE_DECIMALS = 8  # Observation.value has 8 decimal places
STORE_INT_DIGITS = 15  # indicators.models.MAX_FIGURE = 10**15


def norm(text: object) -> str:
    """Normalise a header or name for matching: no whitespace, half-width brackets, lower case."""
    s = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")").replace("：", ":")
    return s.lower()


def cell_text(value: object) -> str:
    """A cell as the text a user sees: 2016.0 → '2016', 12345.6789 → '12345.6789', dates → '2017-03'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}-{value.month:02d}"
    return str(value).replace("\u3000", " ").strip()


def cells_to_text(cells: pd.DataFrame) -> pd.DataFrame:
    """The whole grid as text; columns that are all strings (every CSV) are stripped column-wise."""
    if cells.empty:
        return cells
    out = {}
    for col in cells.columns:
        series = cells[col]
        if series.map(type).eq(str).all():
            out[col] = series.str.replace("\u3000", " ").str.strip().astype(object)
        else:
            out[col] = series.map(cell_text).astype(object)
    return pd.DataFrame(out, index=cells.index)


def is_number_cell(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def map_unique(series: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply a Python function once per distinct value (codes, names and periods repeat a lot)."""
    return series.map({v: fn(v) for v in series.unique()})


def split_header_unit(header: str) -> tuple[str, str]:
    """'地区生产总值（万元）' → ('地区生产总值', '万元'); no bracket → (header, '')."""
    m = HEADER_UNIT_RE.match(norm(header))
    if m:
        return m.group(1), m.group(2)
    return norm(header), ""


def where(sheet: str, row: int, column: str = "") -> str:
    """'工作表「表1」第4行第C列', or '第4行第C列' for a CSV file (one table, no sheets)."""
    return Problem("", sheet or None, int(row), column or None).location()


def letter(col: int) -> str:
    return get_column_letter(col + 1)


# --- values, units of measure, releases, codes --------------------------------------------------------


def clean_values(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Column-wise: (missing mask, numeric mask, had-percent-sign mask, Decimal values where numeric)."""
    s = text.astype(str).str.strip()
    missing = s.isin(MISSING_TEXTS)
    pct = s.str.endswith(("%", "％"))
    cleaned = s.str.replace(r"[,，\s]", "", regex=True).str.rstrip("%％")
    numeric = ~missing & cleaned.str.fullmatch(NUMBER_RE).fillna(False).astype(bool)
    values = pd.Series([None] * len(s), index=s.index, dtype=object)
    values[numeric] = cleaned[numeric].map(Decimal)
    return missing, numeric, pct, values


def measure_scale(measure: str) -> tuple[str, int] | None:
    """'万元' → ('元', 4); '亿千瓦时' → ('千瓦时', 8); None for units outside the power-of-ten families."""
    m = norm(measure)
    for base in MEASURE_BASES:
        if m.endswith(base) and m[: -len(base)] in MEASURE_PREFIXES:
            return base, MEASURE_PREFIXES[m[: -len(base)]]
    return None


def conversion_exponent(source: str, target: str) -> int | None:
    """Power of ten to multiply a value in `source` by to get `target`; None when incompatible."""
    s, t = norm(source).replace("％", "%"), norm(target).replace("％", "%")
    if s == t:
        return 0
    a, b = measure_scale(s), measure_scale(t)
    if a and b and a[0] == b[0]:
        return a[1] - b[1]
    return None


def to_store(value: Decimal) -> Decimal:
    """Decimal in plain notation, rounded to the stored 8 decimal places when it has more."""
    if value.as_tuple().exponent < -STORE_DECIMALS:  # type: ignore[operator]
        value = value.quantize(Decimal(1).scaleb(-STORE_DECIMALS))
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value


def decimal_text(value: object) -> str:
    """A Decimal as plain text without trailing zeros: Decimal('3100.90000000') → '3100.9'."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def release_code(text: str) -> str | None:
    return RELEASE_WORDS.get(norm(text))


def normalise_division_code(text: pd.Series) -> pd.Series:
    """GB/T 2260 codes that Excel turned into numbers: '430600.0' → '430600' (harmless, six digits)."""
    return text.astype(str).str.strip().str.replace(r"^(\d{6})\.0+$", r"\1", regex=True)


def mangled_credit_codes(text: pd.Series, numeric: pd.Series) -> pd.Series:
    """Mask of 统一社会信用代码 cells that are not 18-character text (numbers, 9.14E+17, lost digits)."""
    s = text.astype(str).str.strip().str.upper()
    present = s != ""
    return present & (numeric | ~s.str.fullmatch(CREDIT_CODE_RE).fillna(False).astype(bool))


def mangled_industry_codes(text: pd.Series, numeric: pd.Series) -> pd.Series:
    """Mask of 行业代码 cells stored as numbers (Excel drops the leading 0: 0611 → 611) or not a code."""
    s = text.astype(str).str.strip().str.upper()
    present = s != ""
    return present & (numeric | ~s.str.fullmatch(INDUSTRY_CODE_RE).fillna(False).astype(bool))


# --- resolving records against the catalogue and the units -------------------------------------------


@dataclass
class Resolved:
    """The outcome of checking records: candidate figures (with display columns), problems and notes."""

    candidates: pd.DataFrame
    problems: list[Problem]
    notes: list[str]
    warnings: list[str]
    skipped_missing: int
    conversions: dict[tuple[str, str], int]


def indicator_name_map(indicators: pd.DataFrame) -> dict[str, int]:
    """Normalised code, name and every alias → indicator id."""
    names: dict[str, int] = {}
    for row in indicators.itertuples():
        for text in [row.code, row.name, *list(row.aliases or [])]:
            names.setdefault(norm(text), int(row.id))
    return names


def unit_name_map(units: pd.DataFrame) -> dict[str, int]:
    names: dict[str, int] = {}
    for col in ("name", "short_name"):
        for text, uid in zip(units[col], units["id"], strict=True):
            if text:
                names.setdefault(norm(text), int(uid))
    return names


def _known(items: list[str], limit: int = 8) -> str:
    shown = "、".join(items[:limit])
    return f"{shown}等{len(items)}个" if len(items) > limit else shown


# Per sheet: the Excel row number of the header and its column letter → header text.
HeaderMap = dict[str, tuple[int, dict[str, str]]]


class _Collector:
    def __init__(self, headers: HeaderMap | None = None) -> None:
        self.problems: list[Problem] = []
        self._seen: set[tuple[object, ...]] = set()
        self.headers = headers or {}

    def add(self, message: str, sheet: str, row: int, column: str) -> None:
        header_row, names = self.headers.get(sheet, (0, {}))
        name = names.get(column, "")
        # Name the column by its header as well as its letter (cells below the header only).
        if name and int(row) > header_row and f"「{name}」" not in message and not message.startswith(name):
            message = f"「{name}」列：{message}"
        key = (message, sheet, row, column)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(Problem(message, sheet, int(row), column or None))

    def from_mask(self, frame: pd.DataFrame, mask: pd.Series, message: object, row: str = "row",
                  column: str = "value_col") -> None:
        for rec in frame[mask].to_dict("records"):
            text = message(rec) if callable(message) else str(message)
            self.add(text, rec["sheet"], rec[row], rec[column])


def resolve_records(records: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, *,
                    release: str | None = None, source: str | None = None, file_name: str = "",
                    headers: HeaderMap | None = None) -> Resolved:
    """Check every record against the catalogue and the units; build candidate figures column-wise."""
    out = _Collector(headers)
    notes: list[str] = []
    warnings: list[str] = []
    r = records.reset_index(drop=True).copy()
    _resolve_units(r, units, out)
    _resolve_indicators(r, indicators, out)
    _resolve_periods(r, indicators, out)
    skipped = _resolve_values(r, indicators, out)
    conversions = _convert_units(r, indicators, out)
    _resolve_release_source(r, out, release, source, file_name, notes)
    _check_codes(r, out)
    ok = r["ok"] & ~r["missing"]
    totals = r[ok & r["is_total"]]
    figures = r[ok & ~r["is_total"]]
    figures = _check_duplicates(figures, out)
    total_warnings, checked = _check_totals(figures, totals, indicators)
    warnings += total_warnings
    if checked and not total_warnings:
        notes.append(f"合计行已与各单位之和核对，{checked}处均一致（合计行不导入）。")
    for (src, dst), count in sorted(conversions.items()):
        notes.append(f"已将{src}换算为{dst}：{count}个数值")
    if skipped:
        notes.append(f"空缺值（—、…、空白等）{skipped}个，已跳过，未记为0。")
    candidates = pd.DataFrame({
        "indicator_id": figures["indicator_id"].astype(int), "unit_id": figures["unit_id"].astype(int),
        "year": figures["year"].astype(int), "period_kind": figures["period_kind"].astype(str),
        "period_n": figures["period_n"].astype(int), "value": figures["value"],
        "measure_unit": figures["target_measure"], "price_basis": figures["price_basis"],
        "release": figures["release"], "source": figures["source"], "original": figures["original"],
        "is_synthetic": False, "sheet": figures["sheet"], "row": figures["row"],
    }).reset_index(drop=True)
    return Resolved(candidates, out.problems, notes, warnings, skipped, conversions)


def _resolve_units(r: pd.DataFrame, units: pd.DataFrame, out: _Collector) -> None:
    by_code = {str(c): int(i) for c, i in zip(units["code"], units["id"], strict=True)}
    by_credit = {str(c).upper(): int(i) for c, i in zip(units["credit_code"], units["id"], strict=True) if c}
    by_name = unit_name_map(units)
    code = normalise_division_code(r["unit_code_text"])
    # An enterprise's code is its 统一社会信用代码, which a file may write in lower case (region_code).
    from_code = code.map(by_code).fillna(code.str.upper().map(by_credit))
    from_name = map_unique(r["unit_text"], norm).map(by_name)
    from_credit = r["credit_text"].astype(str).str.strip().str.upper().map(by_credit)
    r["unit_id"] = from_code.fillna(from_credit).fillna(from_name)
    body = ~r["is_total"]
    has_code, has_name = code != "", r["unit_text"] != ""
    # Suggest units of the same kind as those the file did name (a county table gets county names).
    kinds = set(units.loc[units["id"].isin(r["unit_id"].dropna().astype(int)), "kind"]) if "kind" in units else set()
    names = units.loc[units["kind"].isin(kinds), "name"].tolist() if kinds else units["name"].tolist()
    out.from_mask(r, body & has_code & from_code.isna() & from_credit.isna(),
                  lambda x: f"未找到代码为「{x['unit_code_text']}」的单位：请使用行政区划代码（如 430600）或平台中的单位代码。",
                  column="unit_code_col")
    out.from_mask(r, body & ~has_code & has_name & from_name.isna() & from_credit.isna(),
                  lambda x: f"未找到单位「{x['unit_text']}」：" + (
                      "全市、全省等请写成单位全称（如 岳阳市、湖南省）；只是各行之和的请写“合计”（不导入）。"
                      if norm(x["unit_text"]) in AREA_WORDS else
                      f"请使用平台中的单位全称、简称或代码（已知单位如{_known(names)}）。"),
                  column="unit_col")
    conflict = body & from_code.notna() & from_name.notna() & (from_code != from_name)
    out.from_mask(r, conflict, lambda x: f"单位名称「{x['unit_text']}」与代码「{x['unit_code_text']}」不是同一个单位：请核对。",
                  column="unit_col")
    no_unit = body & ~has_code & ~has_name & (r["credit_text"].astype(str).str.strip() == "")
    out.from_mask(r, no_unit & (r["value_text"] != ""), "这一行没有填写单位（地区）名称或代码：请补上。",
                  column="unit_col")
    r["ok"] = r["unit_id"].notna() | r["is_total"]


def _resolve_indicators(r: pd.DataFrame, indicators: pd.DataFrame, out: _Collector) -> None:
    names = indicator_name_map(indicators)
    text = r["indicator_text"].astype(str)
    key = map_unique(text, lambda t: split_header_unit(t)[0])
    suffix = map_unique(text, lambda t: split_header_unit(t)[1])
    r["indicator_id"] = key.map(names)
    # A unit written in brackets after the indicator name counts when no other unit is given.
    r["measure_text"] = r["measure_text"].where(r["measure_text"].astype(str) != "", suffix)
    known = indicators["name"].tolist()
    blank = key == ""
    out.from_mask(r, blank, "未能确定这些数据属于哪项指标：请在表格标题中写明指标名称（如「各县市区地区生产总值」），"
                  "或导入时指定指标（命令行 --indicator）。", row="indicator_row", column="indicator_col")
    out.from_mask(r, ~blank & r["indicator_id"].isna(),
                  lambda x: f"未知指标「{x['indicator_text']}」：请使用指标目录中的名称、别名或代码（如{_known(known)}）。",
                  row="indicator_row", column="indicator_col")
    r["ok"] &= r["indicator_id"].notna()


def _parse_period(text: str) -> tuple[int, str, int] | str:
    from newind.core.errors import AppError
    from newind.indicators.periods import Period

    if not text.strip():
        return "没有填写时期（年份或1—N月）：请补上，或导入时指定时期（命令行 --period）。"
    try:
        p = Period.parse(text)
    except AppError as error:
        return f"时期「{text}」有误：{error.message}"
    return (p.year, p.kind.value, p.n)


FREQUENCY_KIND = {"annual": "Y", "quarterly": "Q", "monthly": "M"}
KIND_WORDS = {"Y": "年度", "Q": "季度累计", "M": "月度累计（1—N月）"}


def _resolve_periods(r: pd.DataFrame, indicators: pd.DataFrame, out: _Collector) -> None:
    # Parse each distinct period text once, then map back onto the column.
    text = r["period_text"].astype(str)
    parsed = {t: _parse_period(t) for t in text.unique()}
    errors = {t: v for t, v in parsed.items() if isinstance(v, str)}
    bad = text.isin(list(errors))
    for rec in r[bad].to_dict("records"):
        out.add(errors[str(rec["period_text"])], rec["sheet"], rec["period_row"], rec["period_col"])
    good = {t: v for t, v in parsed.items() if not isinstance(v, str)}
    r["year"] = text.map({t: v[0] for t, v in good.items()})
    r["period_kind"] = text.map({t: v[1] for t, v in good.items()})
    r["period_n"] = text.map({t: v[2] for t, v in good.items()})
    meta = indicators.set_index("id")
    expected = r["indicator_id"].map(meta["frequency"]).map(FREQUENCY_KIND)
    wrong = ~bad & r["indicator_id"].notna() & (expected != r["period_kind"])
    ind_name = r["indicator_id"].map(meta["name"])
    out.from_mask(r.assign(_exp=expected, _name=ind_name), wrong,
                  lambda x: f"「{x['_name']}」是{KIND_WORDS.get(x['_exp'], x['_exp'])}指标，时期「{x['period_text']}」"
                            f"与之不符：请填写{KIND_WORDS.get(x['_exp'], x['_exp'])}时期"
                            + ("（1—N月累计，1月与2月合并为1—2月）。" if x["_exp"] == "M" else "。"),
                  row="period_row", column="period_col")
    r["ok"] &= ~bad & ~wrong


def _resolve_values(r: pd.DataFrame, indicators: pd.DataFrame, out: _Collector) -> int:
    missing, numeric, pct, values = clean_values(r["value_text"])
    r["missing"], r["value"], r["pct"] = missing, values, pct
    target = r["indicator_id"].map(indicators.set_index("id")["measure_unit"]).fillna("")
    # Name the unit the file uses (a column headed 万元 is filled in 万元), else the indicator's own.
    given = r["measure_text"].astype(str).str.strip()
    shown = given.where(given != "", target)
    bad = ~missing & ~numeric
    out.from_mask(r.assign(_t=shown), bad,
                  lambda x: f"「{x['value_header']}」的值「{x['value_text']}」不是数字：请填写数字"
                            + (f"（单位：{x['_t']}）" if x["_t"] else "") + "，空缺请留空或填“—”。")
    r["ok"] &= ~bad
    return int((missing & ~r["is_total"] & r["ok"]).sum())


def _convert_units(r: pd.DataFrame, indicators: pd.DataFrame, out: _Collector) -> dict[tuple[str, str], int]:
    meta = indicators.set_index("id")
    r["target_measure"] = r["indicator_id"].map(meta["measure_unit"]).fillna("")
    r["price_basis"] = r["indicator_id"].map(meta["price_basis"]).fillna("none")
    source = r["measure_text"].astype(str).str.strip()
    source = source.where(source != "", r["target_measure"].where(~r["pct"], "%"))
    pairs = pd.DataFrame({"s": source, "t": r["target_measure"]})
    # One lookup per distinct (source unit, indicator unit) pair, mapped back column-wise.
    pair_key = source.astype(str) + "\t" + r["target_measure"].astype(str)
    exp = map_unique(pair_key, lambda k: conversion_exponent(*k.split("\t", 1))).astype(object)
    live = r["ok"] & ~r["missing"]
    bad = live & exp.isna() & (r["target_measure"] != "")
    out.from_mask(r.assign(_s=source), bad,
                  lambda x: f"「{x['value_header']}」的计量单位「{x['_s']}」与指标的计量单位「{x['target_measure']}」不相容："
                            f"请把数值换算为{x['target_measure']}（或元/万元/亿元等可换算的单位）后再导入。")
    r["ok"] &= ~bad
    r["original"] = ""
    counts: dict[tuple[str, str], int] = {}
    for k in {int(e) for e in exp[live & ~bad].dropna().unique() if int(e) != 0}:
        mask = live & ~bad & (exp == k)
        # Observation.original holds 80 characters.
        r.loc[mask, "original"] = (r.loc[mask, "value_text"].astype(str).str.strip() + " " + source[mask]).str.slice(0, 80)
        r.loc[mask, "value"] = r.loc[mask, "value"].map(lambda d, k=k: d.scaleb(k))
        for (s, t), n in pairs[mask & ~r["is_total"]].value_counts().items():
            counts[(str(s), str(t))] = counts.get((str(s), str(t)), 0) + int(n)
    ready = live & ~bad
    # Sized before rounding: rounding 1e30 to a whole number overflows Decimal's precision (a 500 before).
    too_big = ready & r["value"].map(lambda d: isinstance(d, Decimal) and d.adjusted() >= STORE_INT_DIGITS)
    out.from_mask(r, too_big, lambda x: f"「{x['value_header']}」的值「{x['value_text']}」过大：请检查数值和计量单位。")
    r["ok"] &= ~too_big
    fits = ready & ~too_big
    r.loc[fits, "value"] = r.loc[fits, "value"].map(to_store)
    return counts


def _resolve_release_source(r: pd.DataFrame, out: _Collector, release: str | None, source: str | None,
                            file_name: str, notes: list[str]) -> None:
    text = r["release_text"].astype(str).str.strip()
    if release:
        text = pd.Series(release, index=r.index)
    codes = map_unique(text, lambda t: release_code(t) if t else "official")
    bad = codes.isna()
    words = "、".join(sorted({k for k in RELEASE_WORDS if not k.isascii()}))
    out.from_mask(r.assign(_t=text), bad & r["ok"],
                  lambda x: f"无法识别发布类型「{x['_t']}」：请填写{words}之一。")
    r["release"] = codes
    r["ok"] &= ~bad
    given = r["source_text"].astype(str).str.strip()
    if source:
        given = pd.Series(source, index=r.index)
    if ((given == "") & r["ok"] & ~r["missing"]).any():
        fallback = f"导入文件：{file_name}" if file_name else "导入文件"
        notes.append(f"部分数据未注明来源，已记为「{fallback}」：建议在表下注明“资料来源：…”或导入时指定来源。")
        given = given.where(given != "", fallback)
    r["source"] = given.str.slice(0, 300)


def _check_codes(r: pd.DataFrame, out: _Collector) -> None:
    credit_bad = mangled_credit_codes(r["credit_text"], r["credit_numeric"].astype(bool))
    out.from_mask(r, credit_bad,
                  lambda x: f"统一社会信用代码「{x['credit_text']}」已被 Excel 当作数字或不是18位代码（可能丢失了末几位或开头的0）："
                            "请把该列设为“文本”格式后重新填写。", column="credit_col")
    industry_bad = mangled_industry_codes(r["industry_text"], r["industry_numeric"].astype(bool))
    out.from_mask(r, industry_bad,
                  lambda x: f"行业代码「{x['industry_text']}」已被 Excel 当作数字（开头的0会丢失，如 0611 变成 611）或不是行业代码："
                            "请把该列设为“文本”格式后按 GB/T 4754 重新填写（如 0611）。", column="industry_col")
    r["ok"] &= ~credit_bad & ~industry_bad


def _check_duplicates(figures: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    key = ["indicator_id", "unit_id", "year", "period_kind", "period_n", "release"]
    if figures.empty:
        return figures
    # Compare numbers, not spellings: 9323.7 and 9323.70 are the same figure.
    f = figures.assign(_v=figures["value"].map(lambda d: str(d.normalize())))
    distinct = f.groupby(key)["_v"].transform("nunique")
    clash = f[distinct > 1]
    for _, group in clash.groupby(key):
        recs = group.to_dict("records")
        first = recs[0]
        for rec in recs[1:]:
            out.add(f"与{where(first['sheet'], first['row'], first['value_col'])}是同一数据"
                    f"（同一指标、单位、时期和发布类型），数值却不同（{first['value_text']} 与 {rec['value_text']}）："
                    "请只保留正确的一个。", rec["sheet"], rec["row"], rec["value_col"])
    # The same figure written twice with the same value is harmless: keep one.
    return f[distinct <= 1].drop_duplicates(subset=key).drop(columns=["_v"])


def _check_totals(figures: pd.DataFrame, totals: pd.DataFrame,
                  indicators: pd.DataFrame) -> tuple[list[str], int]:
    """合计 rows are not stored; for additive indicators compare them with the sum of the units (a warning,
    never an error). Returns the warnings and how many totals were checked."""
    if totals.empty:
        return [], 0
    additive = indicators.set_index("id")["additive"]
    names = indicators.set_index("id")["name"]
    measures = indicators.set_index("id")["measure_unit"]
    key = ["sheet", "indicator_id", "year", "period_kind", "period_n", "release", "value_col"]
    sums = figures.groupby(key)["value"].agg(["sum", "count"]).reset_index()
    merged = totals.merge(sums, on=key, how="left")
    warnings = []
    checked = 0
    for rec in merged.to_dict("records"):
        if not bool(additive.get(rec["indicator_id"], False)) or pd.isna(rec["count"]):
            continue
        checked += 1
        total, summed = rec["value"], rec["sum"]
        tolerance = Decimal(1).scaleb(total.as_tuple().exponent) * Decimal(int(rec["count"])) / 2
        if abs(total - summed) > tolerance:
            # Both figures are already converted to the indicator's unit: say which, without trailing zeros.
            measure = measures.get(rec["indicator_id"], "")
            warnings.append(f"{where(rec['sheet'], rec['row'], rec['value_col'])}合计（{names[rec['indicator_id']]}）"
                            f"为{decimal_text(total)}{measure}，与各单位之和{decimal_text(summed)}{measure}不一致："
                            "合计行不导入，请核对各单位数据。")
    return warnings, checked
