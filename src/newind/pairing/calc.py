"""Pure rules of pairing (no database): reading the office's pairing list into checked records with every
problem located by sheet, row and column; the plan against the pairings held; the quota; the month's gaps.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from newind.core.errors import Problem
from newind.enterprises.calc import cell_text, norm

# Header (normalised as enterprises.calc.norm) → field.
HEADERS: dict[str, str] = {
    **dict.fromkeys(["包联干部", "包联领导", "干部姓名", "姓名", "official"], "official"),
    **dict.fromkeys(["干部单位", "所在单位", "工作单位", "单位", "official_unit"], "official_unit"),
    **dict.fromkeys(["联系电话", "电话", "手机", "手机号码", "phone"], "phone"),
    **dict.fromkeys(["平台账号", "账号", "用户名", "username"], "username"),
    **dict.fromkeys(["企业名称", "企业", "包联企业", "firm_name"], "firm_name"),
    **dict.fromkeys(["统一社会信用代码", "社会信用代码", "信用代码", "credit_code"], "credit_code"),
    **dict.fromkeys(["开始日期", "包联开始日期", "起始日期", "start_date"], "start_date"),
    **dict.fromkeys(["结束日期", "包联结束日期", "截止日期", "end_date"], "end_date"),
    **dict.fromkeys(["每月走访次数", "每月走访", "visits_per_month"], "visits_per_month"),
    **dict.fromkeys(["每月电话次数", "每月电话", "calls_per_month"], "calls_per_month"),
    **dict.fromkeys(["包联上限", "包联上限(重点企业数)", "quota"], "quota"),
}
REQUIRED = ("official", "official_unit", "phone", "firm_name", "credit_code", "start_date")
LABELS = {"official": "包联干部", "official_unit": "干部单位", "phone": "联系电话", "username": "平台账号",
          "firm_name": "企业名称", "credit_code": "统一社会信用代码", "start_date": "开始日期", "end_date": "结束日期",
          "visits_per_month": "每月走访次数", "calls_per_month": "每月电话次数", "quota": "包联上限"}
HEADER_SEARCH_ROWS = 10
PHONE_RE = re.compile(r"^[0-9+][0-9\- ]{5,18}[0-9]$")
DATE_RES = (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"))


@dataclass
class SheetRows:
    """The rows of one pairing sheet as text, with the Excel row number and each field's column letter."""

    sheet: str
    frame: pd.DataFrame
    columns: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


def find_header(cells: pd.DataFrame) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and field → column index; None when no row names both an official and a
    credit code column."""
    for i in range(min(HEADER_SEARCH_ROWS, len(cells))):
        found: dict[str, int] = {}
        for j, value in enumerate(cells.iloc[i].tolist()):
            name = HEADERS.get(norm(cell_text(value)))
            if name and name not in found:
                found[name] = j
        if "credit_code" in found and "official" in found:
            return i, found
    return None


def sheet_rows(cells: pd.DataFrame, sheet: str) -> SheetRows | None:
    header = find_header(cells)
    if header is None:
        return None
    top, found = header
    letters = {name: get_column_letter(j + 1) for name, j in found.items()}
    problems = [Problem(f"缺少「{LABELS[name]}」列：请在表头中加上这一列（列名须为「{LABELS[name]}」）。",
                        sheet or None, top + 1, None) for name in REQUIRED if name not in found]
    body = cells.iloc[top + 1:]
    # Dates stay as the cell's value (a datetime from Excel); the rest becomes text.
    frame = pd.DataFrame({name: body.iloc[:, j].map(lambda v, n=name: v if n.endswith("_date")
                                                     and isinstance(v, dt.date) else cell_text(v))
                          for name, j in found.items()})
    frame.insert(0, "row", range(top + 2, top + 2 + len(body)))
    texts = frame.drop(columns="row").map(lambda v: v if isinstance(v, str) else "x")
    frame = frame[(texts != "").any(axis=1)].reset_index(drop=True)
    return SheetRows(sheet, frame, letters, problems)


def parse_date(value: Any) -> dt.date | None | str:
    """A cell as a date: an Excel date, 2017-03-01, 2017/3/1 or 2017年3月1日; None when empty; 'bad' else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = text.split(" ")[0]
    for pattern in DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return "bad"
    return "bad"


@dataclass
class Lookups:
    """What the list's cells point to, built by the service: firms by credit code (unit id and the names the
    firm goes by) and platform users by username."""

    firms: dict[str, tuple[int, list[str]]]
    users: dict[str, int]


def _count(text: str) -> int | None | str:
    if text == "":
        return None
    return int(text) if text.isdigit() and int(text) <= 31 else "bad"


def check_rows(rows: SheetRows, lookups: Lookups, defaults: dict[str, int]) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn text rows into pairing records, collecting every problem with its sheet, row and column.

    Records: sheet, row, official, official_unit, phone, user_id, firm_id, credit_code, start_date, end_date,
    visits_per_month, calls_per_month, quota (None: the default)."""
    f = rows.frame
    sheet = rows.sheet or None
    problems = list(rows.problems)
    records: list[dict[str, Any]] = []

    def problem(rec: dict[str, Any], name: str, message: str) -> None:
        problems.append(Problem(message, sheet, int(rec["row"]), rows.columns.get(name)))

    for rec in f.to_dict("records"):
        def get(name: str, rec: dict[str, Any] = rec) -> Any:
            return rec.get(name, "")

        out: dict[str, Any] = {"sheet": rows.sheet, "row": int(rec["row"])}
        name = str(get("official")).strip()
        if not name:
            problem(rec, "official", "没有填写包联干部姓名。")
        elif len(name) > 50:
            problem(rec, "official", "包联干部姓名超过50个字：请核对。")
        out["official"] = name
        unit = str(get("official_unit")).strip()
        if "official_unit" in rows.columns and not unit:
            problem(rec, "official_unit", "没有填写干部单位：请填写包联干部的工作单位，如 市工业和信息化局。")
        out["official_unit"] = unit[:100]
        phone = re.sub(r"\s+", "", str(get("phone")))
        if "phone" in rows.columns and not PHONE_RE.match(phone):
            problem(rec, "phone", f"联系电话「{phone}」不像电话号码：请填写手机号或带区号的座机号，如 13907301234 或 0730-8888888。"
                    if phone else "没有填写联系电话：同名的干部按电话区分，请填写手机号或座机号。")
        out["phone"] = phone
        username = str(get("username")).strip()
        out["user_id"] = None
        if username:
            if username in lookups.users:
                out["user_id"] = lookups.users[username]
            else:
                problem(rec, "username", f"平台中没有账号「{username}」：请核对用户名，或留空（按联系人登记）。")
        code = str(get("credit_code")).strip().upper()
        out["credit_code"] = code
        out["firm_id"] = None
        if not code:
            problem(rec, "credit_code", "没有填写统一社会信用代码：请填写包联企业的18位代码。")
        elif code not in lookups.firms:
            problem(rec, "credit_code", f"企业档案中没有统一社会信用代码为「{code}」的企业：请核对代码，或先在企业档案中建档。")
        else:
            firm_id, names = lookups.firms[code]
            out["firm_id"] = firm_id
            given = str(get("firm_name")).strip()
            if given and norm(given) not in {norm(n) for n in names if n}:
                problem(rec, "firm_name", f"企业名称「{given}」与企业档案中该代码的企业「{names[0]}」不符：请核对名称或代码。")
        start = parse_date(get("start_date"))
        if start is None and "start_date" in rows.columns:
            problem(rec, "start_date", "没有填写开始日期：请填写包联开始的日期，如 2017-01-01。")
        elif start == "bad":
            problem(rec, "start_date", f"开始日期「{get('start_date')}」无法识别：请填写如 2017-01-01 的日期。")
        end = parse_date(get("end_date"))
        if end == "bad":
            problem(rec, "end_date", f"结束日期「{get('end_date')}」无法识别：请填写如 2017-12-31 的日期，仍在包联的留空。")
        elif isinstance(end, dt.date) and isinstance(start, dt.date) and end < start:
            problem(rec, "end_date", f"结束日期 {end} 早于开始日期 {start}：请核对。")
        out["start_date"] = start if isinstance(start, dt.date) else None
        out["end_date"] = end if isinstance(end, dt.date) else None
        for key, default in (("visits_per_month", defaults["visits"]), ("calls_per_month", defaults["calls"])):
            n = _count(str(get(key)))
            if n == "bad":
                problem(rec, key, f"{LABELS[key]}「{get(key)}」应为0到31之间的整数：留空则按每月{default}次。")
            out[key] = default if n is None or n == "bad" else n
        quota = _count(str(get("quota")))
        if quota == "bad":
            problem(rec, "quota", f"包联上限「{get('quota')}」应为整数：留空则按默认{defaults['quota']}家。")
        out["quota"] = None if quota in (None, "bad") else quota
        records.append(out)
    frame = pd.DataFrame(records, columns=["sheet", "row", "official", "official_unit", "phone", "user_id", "firm_id",
                                           "credit_code", "start_date", "end_date", "visits_per_month",
                                           "calls_per_month", "quota"])
    for name in ("user_id", "quota", "firm_id"):
        # Whole numbers or None (not float NaN): NaN is not equal to itself, None is.
        frame[name] = pd.Series([None if v is None or pd.isna(v) else int(v) for v in frame[name]],
                                index=frame.index, dtype=object)
    return frame, problems


def duplicate_problems(records: pd.DataFrame, columns: dict[str, dict[str, str]]) -> list[Problem]:
    """The same official and firm from the same date twice, and one name and phone given two units or
    accounts: each later row is a problem naming the first one."""
    problems: list[Problem] = []
    seen: dict[tuple[Any, ...], tuple[str, int]] = {}
    person: dict[tuple[str, str], tuple[str, Any, str, int]] = {}
    for rec in records.to_dict("records"):
        cols = columns.get(rec["sheet"], {})
        where = (rec["sheet"] or None, int(rec["row"]))
        key = (rec["official"], rec["phone"], rec["credit_code"], rec["start_date"])
        if key in seen:
            problems.append(Problem(f"与{_at(*seen[key])}重复：同一干部包联同一企业、同一开始日期只能出现一次。",
                                    *where, cols.get("credit_code")))
        else:
            seen[key] = (rec["sheet"], int(rec["row"]))
        pk = (rec["official"], rec["phone"])
        if pk in person:
            unit, user, sheet, row = person[pk]
            if unit != rec["official_unit"] or user != rec["user_id"]:
                problems.append(Problem(f"干部「{rec['official']}」（{rec['phone']}）的单位或平台账号与{_at(sheet, row)}不同："
                                        "同一人只能有一个单位和一个账号。", *where, cols.get("official_unit")))
        else:
            person[pk] = (rec["official_unit"], rec["user_id"], rec["sheet"], int(rec["row"]))
    return problems


def _at(sheet: str, row: int) -> str:
    return f"工作表「{sheet}」第{row}行" if sheet else f"第{row}行"


def active_on(start: Any, end: Any, day: dt.date) -> bool:
    return bool(start <= day and (end is None or pd.isna(end) or end >= day))


def quota_problems(records: pd.DataFrame, held: pd.DataFrame, key_firm_ids: set[int], quotas: dict[tuple[str, str], int],
                   day: dt.date, columns: dict[str, dict[str, str]]) -> list[Problem]:
    """Each official's key firms active on `day` after the import (the pairings held that the file does not
    restate, plus the file's) may not exceed the official's quota. The row that goes over is named.

    `held`: official, phone, firm_id, start_date, end_date of the pairings held; `quotas`: (name, phone) → quota."""
    problems: list[Problem] = []
    restated = set(zip(records["official"], records["phone"], records["firm_id"], records["start_date"], strict=True))
    counted: dict[tuple[str, str], set[int]] = {}
    for rec in held.to_dict("records"):
        key = (rec["official"], rec["phone"])
        if (rec["official"], rec["phone"], rec["firm_id"], rec["start_date"]) in restated:
            continue
        if rec["firm_id"] in key_firm_ids and active_on(rec["start_date"], rec["end_date"], day):
            counted.setdefault(key, set()).add(int(rec["firm_id"]))
    for rec in records.sort_values(["sheet", "row"]).to_dict("records"):
        if rec["firm_id"] is None or rec["start_date"] is None or pd.isna(rec["firm_id"]):
            continue
        key = (rec["official"], rec["phone"])
        firms = counted.setdefault(key, set())
        if int(rec["firm_id"]) in key_firm_ids and active_on(rec["start_date"], rec["end_date"], day) \
                and int(rec["firm_id"]) not in firms:
            firms.add(int(rec["firm_id"]))
            limit = quotas[key]
            if len(firms) > limit:
                problems.append(Problem(
                    f"包联干部「{rec['official']}」已包联{limit}家重点企业，达到上限{limit}家，不能再包联本行的企业："
                    "请改由其他干部包联，或在「包联上限」列为该干部填写更高的上限。",
                    rec["sheet"] or None, int(rec["row"]), columns.get(rec["sheet"], {}).get("official")))
    return problems


# --- the month's gaps ------------------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def parse_month(text: str | None, default: dt.date) -> tuple[int, int]:
    """'2017-12' → (2017, 12); empty → the default's month. Raises ValueError with a Chinese message."""
    if not text:
        return default.year, default.month
    m = re.match(r"^(\d{4})-(\d{1,2})$", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"月份「{text}」格式不对：请写成 2017-12 这样的年-月。")
    return int(m.group(1)), int(m.group(2))


GAP_COLUMNS = ["pairing_id", "official_id", "firm_id", "visits", "calls", "need_visits", "need_calls"]


def pairing_gaps(rows: pd.DataFrame) -> pd.DataFrame:
    """The pairings short of their cadence this month: rows of GAP_COLUMNS with the missing counts."""
    frame = rows.copy()
    frame["missing_visits"] = (frame["need_visits"] - frame["visits"]).clip(lower=0)
    frame["missing_calls"] = (frame["need_calls"] - frame["calls"]).clip(lower=0)
    return frame[(frame["missing_visits"] > 0) | (frame["missing_calls"] > 0)].reset_index(drop=True)


def firm_gaps(rows: pd.DataFrame) -> pd.DataFrame:
    """Firms short of the required contact: a firm's visits and calls by all its officials this month against
    the most any of its pairings asks for."""
    if rows.empty:
        return pd.DataFrame(columns=["firm_id", "visits", "calls", "need_visits", "need_calls", "officials"])
    firms = rows.groupby("firm_id").agg(visits=("visits", "sum"), calls=("calls", "sum"),
                                        need_visits=("need_visits", "max"), need_calls=("need_calls", "max"),
                                        officials=("official_id", "nunique")).reset_index()
    return firms[(firms["visits"] < firms["need_visits"]) | (firms["calls"] < firms["need_calls"])].reset_index(drop=True)


def official_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """Officials with at least one pairing short of its cadence: how many firms, visits and calls missing."""
    if gaps.empty:
        return pd.DataFrame(columns=["official_id", "firms", "missing_visits", "missing_calls"])
    return gaps.groupby("official_id").agg(firms=("firm_id", "nunique"), missing_visits=("missing_visits", "sum"),
                                           missing_calls=("missing_calls", "sum")).reset_index()
