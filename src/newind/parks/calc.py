"""Pure park arithmetic (no database): entry thresholds by park level, progress to 百亿/千亿, and the
leading industries' share of a park's output (主导产业集聚度)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.indicators.calc import required_growth_for_share

# --- entry thresholds (入园门槛) ----------------------------------------------------------------------

THRESHOLD_MEASURES = {"investment": "投资强度", "tax": "亩均税收", "output": "亩均产值"}


@dataclass(frozen=True)
class ThresholdCheck:
    """One measure of one firm or project against its park level's threshold (万元/亩)."""

    measure: str
    label: str
    per_mu: float | None
    required: float
    passed: bool | None  # None: no figure to judge

    @property
    def text(self) -> str:
        if self.per_mu is None:
            return f"{self.label}：无数据（门槛 ≥ {self.required:g} 万元/亩）"
        verdict = "达到" if self.passed else "未达到"
        return f"{self.label} {self.per_mu:.2f} 万元/亩，{verdict}门槛 {self.required:g} 万元/亩"


def parse_thresholds(data: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """definitions/parks/thresholds.yaml → {level: {measure: 万元/亩}}; raise AppError on a bad entry."""
    levels = data.get("levels") or {}
    out: dict[str, dict[str, float]] = {}
    problems = []
    for level, measures in levels.items():
        out[str(level)] = {}
        for measure, value in (measures or {}).items():
            if measure not in THRESHOLD_MEASURES:
                problems.append(f"{level} 的「{measure}」不是门槛指标（应为 {'、'.join(THRESHOLD_MEASURES)} 之一）")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(f"{level} 的「{measure}」门槛「{value}」应为不小于0的数（万元/亩）")
            else:
                out[str(level)][measure] = float(value)
    if problems:
        raise AppError("入园门槛定义有误：" + "；".join(problems) + "。")
    return out


def check_entry(level: str, land_mu: float | None, totals: Mapping[str, float | None],
                thresholds: Mapping[str, Mapping[str, float]]) -> list[ThresholdCheck]:
    """Check a firm or project's per-mu figures (total ÷ land, 万元/亩) against its park level's thresholds.

    `totals` holds 万元 totals by measure (investment, tax, output); a measure without a threshold for the
    level is not checked, and one without a figure (or without land) cannot pass or fail.
    """
    if level not in thresholds:
        raise AppError(f"没有「{level}」园区的入园门槛：请在 definitions/parks/thresholds.yaml 中补上。")
    checks = []
    for measure, required in thresholds[level].items():
        total = totals.get(measure)
        per_mu = None if total is None or not land_mu or land_mu <= 0 else float(total) / float(land_mu)
        checks.append(ThresholdCheck(measure, THRESHOLD_MEASURES[measure], per_mu, required,
                                     None if per_mu is None else bool(per_mu >= required - 1e-9)))
    return checks


def entry_frame(frame: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """`check_entry` for many firms or projects at once: `frame` has level, land_mu and any of the measures
    (investment, tax, output, 万元); adds `<measure>_per_mu` and `<measure>_passed` (True/False, NA when
    there is no figure, no land or no threshold for the level)."""
    out = frame.copy()
    land = out["land_mu"].astype(float).where(out["land_mu"].astype(float) > 0)
    for measure in THRESHOLD_MEASURES:
        if measure not in out:
            continue
        per_mu = out[measure].astype(float) / land
        required = out["level"].map(lambda lv, m=measure: thresholds.get(lv, {}).get(m, np.nan)).astype(float)
        passed = pd.array(per_mu >= required - 1e-9, dtype="boolean")
        passed[(per_mu.isna() | required.isna()).to_numpy()] = pd.NA
        out[f"{measure}_per_mu"] = per_mu
        out[f"{measure}_passed"] = passed
    return out


# --- progress to 百亿 / 千亿 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    line: float
    current: float | None
    gap: float | None  # line − current, ≥ 0; 0 when crossed
    years: int
    required_growth_pct: float | None  # per year, to cross the line by the target year
    crossed: bool

    def text(self, unit: str = "亿元") -> str:
        if self.current is None:
            return "暂无数据"
        if self.crossed:
            return f"已跨越{self.line:g}{unit}"
        if self.required_growth_pct is None:
            return f"差{self.gap:.2f}{unit}"
        return f"差{self.gap:.2f}{unit}，需年均增长{self.required_growth_pct:.2f}%"


def progress_to_line(current: float | None, line: float, base_year: int, by_year: int) -> Progress:
    """Gap to a scale line (e.g. 100亿元) and the yearly growth needed to cross it by `by_year`.

    The growth is the share-target arithmetic (indicators.calc.required_growth_for_share) with a flat
    denominator: reaching `line` from `current` in n years needs (line / current)^(1/n) − 1 a year.
    """
    n = int(by_year) - int(base_year)
    if current is None or not np.isfinite(current):
        return Progress(line, None, None, n, None, False)
    if current >= line:
        return Progress(line, float(current), 0.0, n, 0.0, True)
    required = None
    if current > 0 and n > 0:
        required = float(required_growth_for_share(current, line, n, 0.0)["required_growth_pct"].iloc[0])
    return Progress(line, float(current), float(line - current), n, required, False)


def progress_frame(current: pd.Series, line: float, base_year: int, by_year: int) -> pd.DataFrame:
    """`progress_to_line` for many parks at once (index kept): gap, required growth % a year, crossed."""
    n = int(by_year) - int(base_year)
    values = current.astype(float)
    crossed = values >= line
    gap = (line - values).clip(lower=0).where(values.notna())
    ok = (values > 0) & ~crossed & (n > 0)
    required = required_growth_for_share(values.where(ok), line, n, 0.0)["required_growth_pct"]
    required = pd.Series(np.asarray(required, dtype=float), index=values.index).where(ok)
    required = required.where(~crossed, 0.0).where(values.notna())
    return pd.DataFrame({"gap": gap, "required_growth_pct": required, "crossed": crossed & values.notna()},
                        index=values.index)


# --- 主导产业集聚度 -----------------------------------------------------------------------------------


def matches_industries(codes: pd.Series, prefixes: Iterable[str]) -> pd.Series:
    """Mask: the industry code starts with one of the prefixes (a 大类 '26' covers 2611, 2614, …)."""
    wanted = tuple(str(p) for p in prefixes if str(p))
    if not wanted:
        return pd.Series(False, index=codes.index)
    return codes.fillna("").astype(str).str.startswith(wanted)


def concentration(firms: pd.DataFrame, leading: Mapping[Any, Sequence[str]]) -> pd.DataFrame:
    """The leading industries' share (%) of each park's output.

    `firms` has park_id, industry_code and output (a level, e.g. 营业收入); `leading` maps park_id → its
    leading-industry code prefixes. Returns per park: output, leading_output, share_pct (NaN when the park's
    output is 0 or no firm reported), firms (how many reported).
    """
    if firms.empty:
        return pd.DataFrame(columns=["output", "leading_output", "share_pct", "firms"])
    f = firms.dropna(subset=["output"]).copy()
    f["leading"] = False
    for park_id, prefixes in leading.items():
        in_park = f["park_id"] == park_id
        f.loc[in_park, "leading"] = matches_industries(f.loc[in_park, "industry_code"], prefixes)
    f["leading_output"] = f["output"].where(f["leading"], 0.0)
    out = f.groupby("park_id").agg(output=("output", "sum"), leading_output=("leading_output", "sum"),
                                   firms=("output", "size"))
    out["share_pct"] = (out["leading_output"] / out["output"].where(out["output"] > 0)) * 100.0
    return out[["output", "leading_output", "share_pct", "firms"]]
