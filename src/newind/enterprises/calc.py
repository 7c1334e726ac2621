"""Pure checks of the enterprise registry (no database): the 统一社会信用代码 check character (GB 32100-2015),
国民经济行业代码 (GB/T 4754-2017), and reading a registry sheet into checked records with every problem
located by sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from newind.core.errors import Problem
from newind.enterprises import choices

# --- 统一社会信用代码 (GB 32100-2015) ------------------------------------------------------------------

# The 31 characters a code may use: digits and capitals without I, O, Z, S, V (confusable with 1, 0, 2, 5, U).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_CHARSET)}
# Weight of position i (1-based) is 3^(i-1) mod 31.
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_RE = re.compile(rf"^[{CREDIT_CHARSET}]{{18}}$")


def credit_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17: 31 − (Σ value × weight mod 31), 31 → 0."""
    total = sum(CREDIT_VALUE[c] * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is invalid, as a Chinese sentence; None when it is valid."""
    s = code.strip().upper()
    if not s:
        return "没有填写统一社会信用代码：请填写18位代码。"
    if len(s) != 18:
        return (f"统一社会信用代码「{s}」有{len(s)}位，应为18位：请核对营业执照上的代码"
                "（若 Excel 把它变成了数字，请把该列设为“文本”格式后重新填写）。")
    bad = sorted({c for c in s if c not in CREDIT_VALUE})
    if bad:
        return (f"统一社会信用代码「{s}」含有不允许的字符「{''.join(bad)}」：代码只使用数字和除 I、O、Z、S、V "
                "以外的大写字母，请核对。")
    expected = credit_check_char(s[:17])
    if s[17] != expected:
        return (f"统一社会信用代码「{s}」的校验码（第18位）应为「{expected}」而不是「{s[17]}」：代码有误，"
                "请核对营业执照上的代码。")
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


# --- 国民经济行业代码 (GB/T 4754-2017) -----------------------------------------------------------------

# Section letter → its range of two-digit divisions (门类 → 大类).
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
    "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
    "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}
INDUSTRY_RE = re.compile(r"^([A-T])?(\d{2}|\d{3}|\d{4})$")
# 工业 is sections B (采矿业), C (制造业) and D (电力、热力、燃气及水生产和供应业).
INDUSTRIAL_SECTIONS = frozenset("BCD")


def industry_section(code: str) -> str | None:
    """The section letter of an industry code ('C2611' or '2611' → 'C'); None when the division is unknown."""
    m = INDUSTRY_RE.match(code.strip().upper())
    if not m:
        return None
    division = int(m.group(2)[:2])
    return next((s for s, (lo, hi) in SECTIONS.items() if lo <= division <= hi), None)


def normalise_industry_code(code: str) -> str:
    """The code as stored: digits only (the section follows from the division), e.g. 'C2611' → '2611'."""
    m = INDUSTRY_RE.match(code.strip().upper())
    return m.group(2) if m else code.strip().upper()


def industry_code_problem(code: str) -> str | None:
    """Why an industry code is not a GB/T 4754-2017 code, as a Chinese sentence; None when it is one."""
    s = code.strip().upper()
    if not s:
        return "没有填写行业代码：请填写国民经济行业分类（GB/T 4754-2017）的大类、中类或小类代码，如 2611。"
    m = INDUSTRY_RE.match(s)
    if not m:
        return (f"行业代码「{s}」格式不对：应为2—4位数字（大类、中类或小类），可在前面加门类字母，如 2611 或 C2611"
                "（若开头的0丢了，请把该列设为“文本”格式后重新填写）。")
    section = industry_section(s)
    if section is None:
        return f"行业代码「{s}」的大类「{m.group(2)[:2]}」不在 GB/T 4754-2017 中（大类为01—97）：请核对。"
    if m.group(1) and m.group(1) != section:
        return (f"行业代码「{s}」的门类字母「{m.group(1)}」与大类「{m.group(2)[:2]}」不符：该大类属于门类「{section}」，"
                "请核对。")
    return None


# --- reading a registry sheet ------------------------------------------------------------------------

# Header (normalised) → field. Required fields must have a column; the others are changed only when present.
HEADERS: dict[str, str] = {
    **dict.fromkeys(["统一社会信用代码", "社会信用代码", "信用代码", "credit_code"], "credit_code"),
    **dict.fromkeys(["企业名称", "名称", "企业全称", "name"], "name"),
    **dict.fromkeys(["企业简称", "简称", "short_name"], "short_name"),
    **dict.fromkeys(["所在县市区", "县市区", "所属县市区", "所在县(市、区)", "county"], "county"),
    **dict.fromkeys(["所在园区", "园区", "所属园区", "park"], "park"),
    **dict.fromkeys(["规模", "规模类型", "规上/规下", "size"], "size"),
    **dict.fromkeys(["行业代码", "国民经济行业代码", "industry_code"], "industry_code"),
    **dict.fromkeys(["状态", "经营状态", "生产状态", "status"], "status"),
    **dict.fromkeys(["用地面积(亩)", "用地面积", "用地面积(含租用)(亩)", "land_area"], "land_area"),
    **dict.fromkeys(["其中租用(亩)", "租用面积(亩)", "其中租用", "租用面积", "land_rented"], "land_rented"),
    **dict.fromkeys(["公用事业", "是否公用事业", "is_utility"], "is_utility"),
    **dict.fromkeys(["成立日期", "成立时间", "注册日期", "founded_on"], "founded_on"),
    **dict.fromkeys(["失信", "是否失信", "列入失信名单", "失信企业", "dishonest"], "dishonest"),
}
REQUIRED = ("credit_code", "name", "county", "size", "industry_code", "status")
FIELD_LABELS = {
    "credit_code": "统一社会信用代码", "name": "企业名称", "short_name": "企业简称", "county": "所在县市区",
    "park": "所在园区", "size": "规模", "industry_code": "行业代码", "status": "状态",
    "land_area": "用地面积（亩）", "land_rented": "其中租用（亩）", "is_utility": "公用事业",
    "founded_on": "成立日期", "dishonest": "列入失信名单",
}
SIZE_WORDS = {**dict.fromkeys(["规上", "规模以上", "above"], choices.ABOVE),
              **dict.fromkeys(["规下", "规模以下", "below"], choices.BELOW)}
STATUS_WORDS = {**dict.fromkeys(["在产", "正常生产", "producing"], choices.PRODUCING),
                **dict.fromkeys(["停产", "停业", "suspended"], choices.SUSPENDED),
                **dict.fromkeys(["注销", "吊销", "deregistered"], choices.DEREGISTERED)}
YES_WORDS = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False,
             "true": True, "false": False, "": False}
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header


def norm(text: object) -> str:
    s = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")")
    return s.lower()


def cell_text(value: object) -> str:
    """A cell as text; Excel's 1234.0 for a whole number becomes '1234'."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class SheetRecords:
    """The rows of one registry sheet as text, with the Excel row number and each field's column letter."""

    sheet: str
    frame: pd.DataFrame  # columns: row, and one text column per field found
    columns: dict[str, str]  # field → column letter
    problems: list[Problem] = field(default_factory=list)


def find_header(cells: pd.DataFrame) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and field → column index, or None when no row names a credit code column."""
    for i in range(min(HEADER_SEARCH_ROWS, len(cells))):
        found: dict[str, int] = {}
        for j, value in enumerate(cells.iloc[i].tolist()):
            name = HEADERS.get(norm(cell_text(value)))
            if name and name not in found:
                found[name] = j
        if "credit_code" in found:
            return i, found
    return None


def sheet_records(cells: pd.DataFrame, sheet: str) -> SheetRecords | None:
    """Read one sheet: find the header, keep the non-empty rows below it as text; None when no header."""
    header = find_header(cells)
    if header is None:
        return None
    top, found = header
    letters = {name: get_column_letter(j + 1) for name, j in found.items()}
    problems = [Problem(f"缺少「{FIELD_LABELS[name]}」列：请在表头中加上这一列（列名须为「{FIELD_LABELS[name]}」）。",
                        sheet or None, top + 1, None) for name in REQUIRED if name not in found]
    body = cells.iloc[top + 1:]
    frame = pd.DataFrame({name: body.iloc[:, j].map(cell_text) for name, j in found.items()})
    frame.insert(0, "row", range(top + 2, top + 2 + len(body)))
    frame = frame[(frame.drop(columns="row") != "").any(axis=1)].reset_index(drop=True)
    return SheetRecords(sheet, frame, letters, problems)


@dataclass
class Lookups:
    """Where names and codes of counties and parks point (normalised text → unit id), built by the service."""

    counties: dict[str, int]
    parks: dict[str, int]
    county_names: list[str] = field(default_factory=list)
    park_names: list[str] = field(default_factory=list)


def _decimal(text: str) -> Decimal | None | str:
    if text == "":
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return "bad"
    return value if value.is_finite() else "bad"


def _date(text: str) -> dt.date | None | str:
    """A founding date from a cell ('2015-03-01', '2015/3/1', '2015年3月1日', an Excel date); '' → None."""
    if text == "":
        return None
    cleaned = text.split(" ")[0].replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        day = dt.date.fromisoformat("-".join(part.zfill(2) for part in cleaned.split("-")))
    except ValueError:
        return "bad"
    return day if 1900 <= day.year <= 2100 else "bad"


def check_records(recs: SheetRecords, lookups: Lookups) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn text rows into registry records (codes, unit ids, choices), collecting every problem.

    Returns the records (columns: sheet, row and the fields present, parsed) and the problems in reading order.
    """
    f = recs.frame
    sheet = recs.sheet or None
    problems = list(recs.problems)
    out = pd.DataFrame({"sheet": recs.sheet, "row": f["row"]})

    def add(mask: pd.Series, name: str, message: Any) -> None:
        for rec in f[mask].to_dict("records"):
            problems.append(Problem(message(rec) if callable(message) else message, sheet, int(rec["row"]),
                                    recs.columns[name]))

    if "credit_code" in f:
        codes = f["credit_code"].str.upper()
        reasons = codes.map(credit_code_problem)
        add(reasons.notna(), "credit_code", lambda r: str(credit_code_problem(r["credit_code"].upper())))
        out["credit_code"] = codes
        dup = codes.duplicated(keep=False) & reasons.isna()
        first_row = f.groupby(codes)["row"].transform("min")
        add(dup & (f["row"] != first_row), "credit_code",
            lambda r: f"统一社会信用代码「{r['credit_code'].upper()}」与第{int(first_row[f['row'] == r['row']].iloc[0])}行"
                      "重复：同一企业只能出现一次，请删除或合并重复的行。")
    if "name" in f:
        add(f["name"] == "", "name", "没有填写企业名称：请填写营业执照上的企业全称。")
        add(f["name"].str.len() > 100, "name", "企业名称超过100个字：请核对。")
        out["name"] = f["name"]
    if "short_name" in f:
        add(f["short_name"].str.len() > 50, "short_name", "企业简称超过50个字：请精简。")
        out["short_name"] = f["short_name"]
    if "county" in f:
        ids = f["county"].map(lambda t: lookups.counties.get(norm(t)))
        add(f["county"] == "", "county", "没有填写所在县市区：请填写县市区名称或行政区划代码，如 岳阳县 或 430621。")
        known = "、".join(lookups.county_names[:12])
        add((f["county"] != "") & ids.isna(), "county",
            lambda r: f"未找到县市区「{r['county']}」：请填写县市区（或功能区）的名称、简称或代码（如{known}）。")
        out["county_id"] = ids
    if "park" in f:
        ids = f["park"].map(lambda t: lookups.parks.get(norm(t)) if t else None)
        known = "、".join(lookups.park_names[:8])
        add((f["park"] != "") & ids.isna(), "park",
            lambda r: f"未找到园区「{r['park']}」：请填写平台中园区的名称、简称或代码（如{known}），不在园区的企业留空。")
        out["park_id"] = ids
    if "size" in f:
        size = f["size"].map(lambda t: SIZE_WORDS.get(norm(t)))
        add(size.isna(), "size", lambda r: f"规模「{r['size']}」无法识别：请填写“规上”或“规下”。")
        out["size"] = size
    if "industry_code" in f:
        add(f["industry_code"].map(industry_code_problem).notna(), "industry_code",
            lambda r: str(industry_code_problem(r["industry_code"])))
        out["industry_code"] = f["industry_code"].map(normalise_industry_code)
    if "status" in f:
        status = f["status"].map(lambda t: STATUS_WORDS.get(norm(t)))
        add(status.isna(), "status", lambda r: f"状态「{r['status']}」无法识别：请填写“在产”“停产”或“注销”。")
        out["status"] = status
    for name in ("land_area", "land_rented"):
        if name in f:
            parsed = f[name].map(_decimal)
            bad = parsed.map(lambda v: v == "bad" or (isinstance(v, Decimal) and (v < 0 or v >= 10**9)))
            add(bad, name, lambda r, n=name: f"「{FIELD_LABELS[n]}」的「{r[n]}」不是有效的面积：请填写不小于0的数字，单位为亩。")
            out[name] = parsed.where(~bad, None)
    if "land_area" in f and "land_rented" in f:
        both = out["land_area"].map(lambda v: isinstance(v, Decimal)) & out["land_rented"].map(
            lambda v: isinstance(v, Decimal))
        over = both & pd.Series([r > a if b else False for a, r, b in zip(out["land_area"], out["land_rented"], both,
                                                                          strict=True)], index=f.index)
        add(over, "land_rented", lambda r: f"其中租用面积{r['land_rented']}亩大于用地面积{r['land_area']}亩：用地面积应含租用部分，请核对。")
    if "is_utility" in f:
        flag = f["is_utility"].map(lambda t: YES_WORDS.get(norm(t)))
        add(flag.isna(), "is_utility", lambda r: f"公用事业一栏「{r['is_utility']}」无法识别：请填写“是”或“否”。")
        out["is_utility"] = flag
    if "founded_on" in f:
        dates = f["founded_on"].map(_date)
        add(dates.map(lambda v: v == "bad"), "founded_on",
            lambda r: f"成立日期「{r['founded_on']}」无法识别：请写成 2015-03-01 这样的日期。")
        out["founded_on"] = dates.where(dates != "bad", None)
    if "dishonest" in f:
        flag = f["dishonest"].map(lambda t: YES_WORDS.get(norm(t)))
        add(flag.isna(), "dishonest", lambda r: f"失信一栏「{r['dishonest']}」无法识别：请填写“是”或“否”。")
        out["dishonest"] = flag
    problems.sort(key=lambda p: (p.row or 0, len(p.column or ""), p.column or ""))
    return out, problems


# --- comparing records with the registry ---------------------------------------------------------------

# The fields an import compares and may change, in the order the history shows them.
TRACKED = ("name", "short_name", "county_id", "park_id", "size", "industry_code", "status", "land_area",
           "land_rented", "is_utility", "founded_on", "dishonest")


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return a == b


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, float) and v != v)


def diff_records(records: pd.DataFrame, existing: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]],
                                                                          pd.DataFrame]:
    """Split records into added (new credit codes), changes [{credit_code, field, old, new}] and unchanged.

    `existing` has credit_code and the TRACKED columns; only fields present in `records` are compared, so a
    file without a 园区 column leaves every park as it is.
    """
    present = [c for c in TRACKED if c in records.columns]
    known = set(existing["credit_code"]) if not existing.empty else set()
    is_known = records["credit_code"].isin(known)
    added = records[~is_known].reset_index(drop=True)
    old = records[is_known].merge(existing, on="credit_code", how="left", suffixes=("", "_old"))
    changes: list[dict[str, Any]] = []
    changed_codes: set[str] = set()
    for name in present:
        for code, new, was in zip(old["credit_code"], old[name], old[f"{name}_old"], strict=True):
            if not _same(new, was):
                changes.append({"credit_code": code, "field": name, "old": None if _blank(was) else was,
                                "new": None if _blank(new) else new})
                changed_codes.add(code)
    unchanged = old[~old["credit_code"].isin(changed_codes)][["credit_code"]].reset_index(drop=True)
    return added, changes, unchanged


# --- pinyin initials for search -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def initials_table() -> dict[int, str]:
    """Code point → the first letter of the character's first (most common) pinyin reading.

    From pypinyin's single-character table, without its phrase dictionary: loading that costs seconds and
    only refines polyphones in context, which initials for searching do not need.
    """
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin.pinyin_dict import pinyin_dict

    return {cp: unicodedata.normalize("NFKD", readings)[0].lower() for cp, readings in pinyin_dict.items()
            if readings}


def initials(text: str, table: dict[int, str]) -> str:
    """Pinyin initials of Chinese characters; ASCII letters and digits kept (lower case), the rest dropped."""
    out = []
    for ch in text:
        letter = table.get(ord(ch))
        if letter:
            out.append(letter)
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)
