"""Finding the table in a sheet (pure, no database): title rows, the header row and its layout (long,
units × periods, units × indicators), 合计 rows and notes below; then one located record per figure cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from newind.core.errors import Problem
from newind.imports.calc import (
    NOTE_RE,
    ROLE_HEADERS,
    SHEET_UNIT_RE,
    SOURCE_NOTE_RE,
    TITLE_PERIOD_RES,
    TOTAL_WORDS,
    UNIT_ROLES,
    cells_to_text,
    is_number_cell,
    letter,
    map_unique,
    measure_scale,
    norm,
    split_header_unit,
)
from newind.indicators.periods import looks_like_period

# --- finding the table in a sheet --------------------------------------------------------------------


@dataclass
class ValueColumn:
    col: int
    header: str  # as written
    key: str  # the period text (wide by periods) or indicator text (wide by indicators) or '' (long)
    measure: str  # unit of measure from the header, e.g. 万元


@dataclass
class Layout:
    kind: str  # long | wide_periods | wide_indicators
    header_row: int  # 0-based
    roles: dict[str, int]
    values: list[ValueColumn]
    headers: list[str]
    title: str = ""
    sheet_measure: str = ""
    note_source: str = ""
    data_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _header_roles(texts: list[str], indicator_names: set[str]) -> tuple[dict[str, int], list[int], list[int]]:
    roles: dict[str, int] = {}
    period_cols, indicator_cols = [], []
    for j, t in enumerate(texts):
        if not t:
            continue
        key = norm(t)
        role = ROLE_HEADERS.get(key)
        if role and role != "ignore":
            roles.setdefault(role, j)
        elif role == "ignore":
            continue
        elif looks_like_period(key):
            period_cols.append(j)
        elif split_header_unit(t)[0] in indicator_names or key in indicator_names:
            indicator_cols.append(j)
    return roles, period_cols, indicator_cols


def find_layout(texts: pd.DataFrame, indicator_names: set[str], sheet: str,
                problems: list[Problem]) -> Layout | None:
    """Find the header row (within the first 30 rows) and the table's layout; None when the sheet has none."""
    for i in range(min(len(texts), 30)):
        row = [str(t) for t in texts.iloc[i].tolist()]
        roles, period_cols, indicator_cols = _header_roles(row, indicator_names)
        if "unit_or_measure" in roles:
            col = roles.pop("unit_or_measure")
            roles.setdefault(_unit_or_measure(texts.iloc[i + 1:i + 31, col], roles), col)
        if not UNIT_ROLES & roles.keys():
            continue
        if "indicator" in roles and "value" in roles:
            kind = "long"
        elif period_cols and len(period_cols) >= len(indicator_cols):
            kind = "wide_periods"
        elif indicator_cols:
            kind = "wide_indicators"
        else:
            continue
        layout = Layout(kind=kind, header_row=i, roles=roles, values=[], headers=row)
        _describe_columns(layout, row, period_cols, indicator_cols, texts, sheet, problems)
        _read_surroundings(layout, texts)
        return layout
    return None


def _unit_or_measure(values: pd.Series, roles: dict[str, int]) -> str:
    """单位 is ambiguous: 计量单位 when the cells below read like 万元/亿元/%/个, else the reporting unit;
    with no cells to go by, 计量单位 when another column already names the reporting unit."""
    filled = [v for v in values.tolist() if v]
    if filled:
        return "measure" if all(_looks_like_measure(v) for v in filled) else "unit"
    return "measure" if (UNIT_ROLES & roles.keys() or "indicator" in roles) else "unit"


def _looks_like_measure(text: str) -> bool:
    t = norm(text)
    return measure_scale(t) is not None or t in {"%", "％", "‰", "家", "项", "亿千瓦时"} or "/" in t


def _describe_columns(layout: Layout, row: list[str], period_cols: list[int], indicator_cols: list[int],
                      texts: pd.DataFrame, sheet: str, problems: list[Problem]) -> None:
    used = set(layout.roles.values())
    if layout.kind == "long":
        layout.values = [ValueColumn(layout.roles["value"], row[layout.roles["value"]], "", "")]
    else:
        cols = period_cols if layout.kind == "wide_periods" else indicator_cols
        for j in cols:
            name, measure = split_header_unit(row[j])
            key = name if layout.kind == "wide_indicators" else row[j]
            layout.values.append(ValueColumn(j, row[j], key, measure))
        used |= set(cols)
    body = texts.iloc[layout.header_row + 1:]
    for j, header in enumerate(row):
        if j in used or ROLE_HEADERS.get(norm(header)) == "ignore":
            continue
        has_data = bool((body.iloc[:, j] != "").any())
        if not header and not has_data:
            continue
        unit_line = SHEET_UNIT_RE.match(header)
        if unit_line and not has_data:  # 「单位：万元」 written in the header row's last cell
            layout.sheet_measure = unit_line.group(1)
            continue
        if header and (j in period_cols or j in indicator_cols):
            what = "时期" if j in period_cols else "指标"
            problems.append(Problem(f"「{header}」是{what}列，但本表按{'时期' if layout.kind == 'wide_periods' else '指标'}"
                                    "分列：一张表只能按年份（时期）或按指标之一分列，请拆成两张表。",
                                    sheet, layout.header_row + 1, letter(j)))
        elif header:
            layout.ignored_columns.append(header)
            problems.append(Problem(f"无法识别列名「{header}」：请改为平台中的指标名称（可带计量单位，如「地区生产总值（亿元）」）、"
                                    "年份（如 2016）或 地区/代码/指标/数值/计量单位/发布类型/来源 之一；不需要的列请删除。",
                                    sheet, layout.header_row + 1, letter(j)))


def _read_surroundings(layout: Layout, texts: pd.DataFrame) -> None:
    """Title rows above the header, data rows below it up to the notes, and what the notes say."""
    above = texts.iloc[: layout.header_row]
    title_cells = [t for t in above.to_numpy().ravel().tolist() if t]
    layout.title = " ".join(title_cells)
    for t in title_cells:
        m = SHEET_UNIT_RE.search(t)
        if m:
            layout.sheet_measure = m.group(1)
    body = texts.iloc[layout.header_row + 1:]
    if body.empty:
        return
    filled = body != ""
    count = filled.sum(axis=1)
    # The first non-empty cell of each row (column-wise, no loop over rows).
    first = body.where(filled).bfill(axis=1).iloc[:, 0].fillna("").astype(str)
    after_blank = (count.shift(1, fill_value=1) == 0).cummax()
    is_note = first.str.match(NOTE_RE.pattern) | (after_blank & (count == 1))
    ended = is_note.cummax()
    for row in body[ended & (count > 0)].to_numpy().tolist():
        for c in (c for c in row if c):
            m = SOURCE_NOTE_RE.match(c)
            if m:
                layout.note_source = m.group(1).strip()
            if not layout.sheet_measure and c.startswith(("单位", "计量单位")):
                m = SHEET_UNIT_RE.search(c)
                if m:
                    layout.sheet_measure = m.group(1)
    unit_cols = [layout.roles[r] for r in UNIT_ROLES & layout.roles.keys()]
    keep = ~ended & (body.iloc[:, unit_cols] != "").any(axis=1)
    if layout.values:
        keep |= ~ended & (body.iloc[:, [v.col for v in layout.values]] != "").any(axis=1)
    layout.data_rows = [int(i) for i in body.index[keep.to_numpy()]]


# --- records: one located figure per row -----------------------------------------------------------

RECORD_COLUMNS = [
    "sheet", "row", "value_col", "value_header", "value_raw", "value_text", "unit_text", "unit_col",
    "unit_code_text", "unit_code_numeric", "unit_code_col", "credit_text", "credit_numeric", "credit_col",
    "industry_text", "industry_numeric", "industry_col", "indicator_text", "indicator_row", "indicator_col",
    "period_text", "period_row", "period_col", "measure_text", "release_text", "source_text", "is_total",
]


def sheet_records(cells: pd.DataFrame, sheet: str, indicator_names: set[str], problems: list[Problem],
                  defaults: dict[str, str]) -> tuple[pd.DataFrame, Layout | None]:
    """Turn one sheet into located records (one per figure cell), long or wide."""
    texts = cells_to_text(cells)
    layout = find_layout(texts, indicator_names, sheet, problems) if not cells.empty else None
    if layout is None:
        return pd.DataFrame(columns=RECORD_COLUMNS), None
    rows = layout.data_rows
    t = texts.iloc[rows]
    raw = cells.iloc[rows]
    n = len(rows)

    def col_text(role: str) -> pd.Series:
        j = layout.roles.get(role)
        return t.iloc[:, j].astype(object) if j is not None else pd.Series([""] * n, index=t.index, dtype=object)

    def col_numeric(role: str) -> pd.Series:
        j = layout.roles.get(role)
        if j is None:
            return pd.Series([False] * n, index=t.index)
        return raw.iloc[:, j].map(is_number_cell).astype(bool)

    def col_letter(role: str) -> str:
        j = layout.roles.get(role)
        return letter(j) if j is not None else ""

    base = pd.DataFrame({
        "sheet": sheet, "row": [r + 1 for r in rows],
        "unit_text": col_text("unit"), "unit_col": col_letter("unit"),
        "unit_code_text": col_text("unit_code"), "unit_code_numeric": col_numeric("unit_code"),
        "unit_code_col": col_letter("unit_code"),
        "credit_text": col_text("credit_code"), "credit_numeric": col_numeric("credit_code"),
        "credit_col": col_letter("credit_code"),
        "industry_text": col_text("industry_code"), "industry_numeric": col_numeric("industry_code"),
        "industry_col": col_letter("industry_code"),
        "release_text": col_text("release"), "source_text": col_text("source"),
    }, index=t.index)
    unit_names = map_unique(base["unit_text"], norm)
    base["is_total"] = unit_names.isin(TOTAL_WORDS) | (
        (base["unit_text"] == "") & map_unique(base["unit_code_text"], norm).isin(TOTAL_WORDS))
    sheet_measure = layout.sheet_measure or defaults.get("measure", "")
    parts = []
    for vc in layout.values:
        part = base.copy()
        part["value_col"] = letter(vc.col)
        part["value_header"] = vc.header
        part["value_raw"] = raw.iloc[:, vc.col].astype(object)
        part["value_text"] = t.iloc[:, vc.col].astype(object)
        if layout.kind == "long":
            part["indicator_text"] = col_text("indicator")
            part["indicator_row"] = part["row"]
            part["indicator_col"] = col_letter("indicator")
            part["period_text"] = col_text("period")
            part["period_row"] = part["row"]
            part["period_col"] = col_letter("period")
            part["measure_text"] = col_text("measure").where(col_text("measure") != "", sheet_measure)
        elif layout.kind == "wide_periods":
            if "indicator" in layout.roles:  # 地区 | 指标 | 2015 | 2016: the indicator is named per row
                part["indicator_text"] = col_text("indicator")
                part["indicator_row"] = part["row"]
                part["indicator_col"] = col_letter("indicator")
            else:
                part["indicator_text"] = defaults.get("indicator") or title_indicator(layout.title, indicator_names)
                # Named in the title (row 1) or by a parameter; with no title, the header cell is the place to fix.
                part["indicator_row"] = 1
                part["indicator_col"] = "A" if layout.header_row else letter(vc.col)
            part["period_text"] = vc.key
            part["period_row"] = layout.header_row + 1
            part["period_col"] = letter(vc.col)
            part["measure_text"] = _per_row_measure(col_text("measure"), vc.measure or sheet_measure)
        else:
            part["indicator_text"] = vc.key
            part["indicator_row"] = layout.header_row + 1
            part["indicator_col"] = letter(vc.col)
            period_default = defaults.get("period") or title_period(layout.title)
            if "period" in layout.roles:
                part["period_text"] = col_text("period")
                part["period_row"] = part["row"]
                part["period_col"] = col_letter("period")
            else:
                part["period_text"] = period_default
                part["period_row"] = 1
                part["period_col"] = "A"
            part["measure_text"] = _per_row_measure(col_text("measure"), vc.measure or sheet_measure)
        parts.append(part)
    records = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RECORD_COLUMNS)
    if layout.note_source:
        records["source_text"] = records["source_text"].where(records["source_text"] != "", layout.note_source)
    return records.reindex(columns=RECORD_COLUMNS), layout


def _per_row_measure(column: pd.Series, fallback: str) -> pd.Series:
    """A 计量单位 column wins row by row; otherwise the header's or the sheet's unit."""
    return column.where(column != "", fallback)


def header_names(layout: Layout) -> tuple[int, dict[str, str]]:
    """The header's Excel row number and its column letter → header text (to name columns in problems)."""
    return layout.header_row + 1, {letter(j): h for j, h in enumerate(layout.headers) if h}


def title_indicator(title: str, indicator_names: set[str]) -> str:
    """The longest catalogue name or alias written in the title, e.g. '各县市区地区生产总值（万元）' → 地区生产总值."""
    t = norm(title)
    found = [name for name in indicator_names if len(name) >= 2 and name in t]
    return max(found, key=len) if found else ""


def title_period(title: str) -> str:
    """The period written in a title such as '2017年1—11月各县市区主要工业指标' → '2017年1-11月'."""
    t = re.sub(r"\s+", "", title)
    for pattern in TITLE_PERIOD_RES:
        m = pattern.search(t)
        if m:
            return m.group(0)
    return ""
