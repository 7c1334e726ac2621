"""Pure statistics over observation frames: no database, easy to test with a table of expected values."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import pandas as pd

# A number, a sequence of numbers, or a Series: the growth functions work elementwise on any of them.
ArrayLike: TypeAlias = float | int | pd.Series | np.ndarray | list[float]


# A rank or a share of the group needs at least this many members with a figure (a peer group may ask for
# more: `PeerGroup.min_reporting`). One reporting member is not "第1位 among 1" and not "100% of the group".
MIN_REPORTING = 2


def ranking_applies(reported: Any, minimum: Any = MIN_REPORTING) -> Any:
    """Whether a group with `reported` members with a figure may be ranked and shared: reported ≥ minimum.

    The one rule behind every rank and every share of a group total (pages, API, CLI, dashboard, report).
    Elementwise on Series/arrays; a missing count or minimum never qualifies.
    """
    if isinstance(reported, pd.Series):
        r = pd.to_numeric(reported, errors="coerce").astype(float)
        m = minimum.reindex(r.index) if isinstance(minimum, pd.Series) else pd.Series(minimum, index=r.index)
        # A comparison with NaN is False: a missing count or minimum never qualifies.
        return r >= pd.to_numeric(m, errors="coerce").astype(float).clip(lower=MIN_REPORTING)
    if any(pd.api.types.is_scalar(x) and pd.isna(x) for x in (reported, minimum)):
        return False
    r_arr, m_arr = np.asarray(reported, dtype=float), np.asarray(minimum, dtype=float)
    with np.errstate(invalid="ignore"):
        out = r_arr >= np.maximum(m_arr, MIN_REPORTING)
    return bool(out) if out.ndim == 0 else out


def rank_within_groups(frame: pd.DataFrame, value_col: str, group_cols: list[str],
                       higher_is_better: bool | str | pd.Series = True,
                       minimum: int | pd.Series = MIN_REPORTING) -> pd.DataFrame:
    """Competition ranks (ties share the best rank, 并列) within each group, plus how many reported.

    The project's one ranking: benchmarking, the monthly overview's league tables and the derived figures
    all call it. `higher_is_better` is one direction for every row, or a column name / Series of booleans
    (one indicator's direction on each of its rows; a missing direction counts as higher). Rows whose value
    is missing get no rank and do not count as reported. A group where fewer than `minimum` members
    reported (`ranking_applies`) gets no rank at all. `minimum` is a number or a Series on `frame`'s index
    (one group's minimum on each of its rows). Returns a copy of `frame` with `rank` (Int64), `tied`
    (bool), `reported` (int) and `ranked` (bool: the group is ranked).
    """
    out = frame.copy()
    if isinstance(higher_is_better, bool):
        metric = out[value_col].astype(float) * (1.0 if higher_is_better else -1.0)
    else:
        direction = out[higher_is_better] if isinstance(higher_is_better, str) else higher_is_better.reindex(out.index)
        higher = direction.astype("boolean").fillna(True).astype(bool)
        metric = out[value_col].astype(float).where(higher, -out[value_col].astype(float))
    # Ranked from the highest signed value: a lower-is-better figure is ranked on its negation.
    grouped = metric.groupby([out[c] for c in group_cols], sort=False) if group_cols else metric
    out["rank"] = grouped.rank(method="min", ascending=False).astype("Int64")
    counts_key = [*group_cols, "rank"]
    if group_cols:
        out["reported"] = out.groupby(group_cols, sort=False)[value_col].transform("count").astype(int)
    else:
        out["reported"] = int(out[value_col].count())
    out["ranked"] = ranking_applies(out["reported"], minimum)
    out.loc[~out["ranked"], "rank"] = pd.NA
    sizes = out.dropna(subset=["rank"]).groupby(counts_key, sort=False)[value_col].transform("size")
    out["tied"] = False
    out.loc[sizes.index, "tied"] = sizes > 1
    return out


def decumulate(frame: pd.DataFrame, by: list[str], value_col: str = "value") -> pd.DataFrame:
    """Single-period values from cumulative 1–N figures: cum(N) − cum(N−1) within each year.

    `frame` has `year`, `period_n` and the `by` columns. The first release of a year (1–2月, or Q1)
    is its own single value and covers more than one month (`months` says how many); a period whose
    predecessor is missing gets no single value rather than a wrong one. Returns a copy with
    `single` and `months` columns.
    """
    out = frame.sort_values([*by, "year", "period_n"]).copy()
    prev = out.groupby([*by, "year"], sort=False)[[value_col, "period_n"]].shift(1)
    first_n = out.groupby([*by, "year"], sort=False)["period_n"].transform("min")
    is_first_release = (out["period_n"] == first_n) & (out["period_n"] <= 2)
    consecutive = prev["period_n"] == out["period_n"] - 1
    out["single"] = (out[value_col] - prev[value_col]).where(consecutive)
    out.loc[is_first_release, "single"] = out.loc[is_first_release, value_col]
    out["months"] = (out["period_n"] - prev["period_n"]).where(consecutive)
    out.loc[is_first_release, "months"] = out.loc[is_first_release, "period_n"]
    return out


def _floats(x: Any) -> np.ndarray:
    """Numbers as a float array: None, NA, NaN, text and Decimal('NaN') all become NaN."""
    if isinstance(x, pd.Series):
        return pd.to_numeric(x, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":  # numbers already, of any shape
        return x.astype(float)
    if np.ndim(x) == 0:
        try:
            return np.asarray(np.nan if x is None or pd.isna(x) else float(x), dtype=float)
        except (TypeError, ValueError):
            return np.asarray(np.nan)
    return pd.to_numeric(pd.Series(list(x), dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def yoy_growth_pct(current: Any, previous: Any) -> Any:
    """Year-on-year growth in percent of levels; NaN where last year's figure is missing or ≤ 0.

    Growth from a zero or negative base is not a number ("—"): a profit from −10 to 5 has no growth
    rate. Only for levels (and counts, per-unit figures) without a published growth rate: published
    comparable-price growth is kept as reported and never recomputed from two nominal values. Rates and
    ratios change by a difference (`change_on_last_year`). Elementwise on Series/arrays or plain numbers.
    """
    c, p = _floats(current), _floats(previous)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p > 0, (c / np.where(p > 0, p, 1.0) - 1.0) * 100.0, np.nan)
    return _like(out, current, previous)


# Value kinds whose nominal year-on-year growth is computed from two figures when no growth is published:
# levels and counts. Rates and ratios change by a difference; per-unit figures are published with their own
# growth where they have one. The monthly overview and the derived figures both use this set.
NOMINAL_GROWTH_KINDS = frozenset({"level", "count"})


def last_year_profile_share(last_year_to_date: Any, last_year_total: Any) -> Any:
    """Last year's cumulative profile: the share (0–1) of last year's full-year figure reached by the same
    1—N月 last year. NaN unless 0 < to-date ≤ total (a profile through zero or past 100% means nothing).

    The one profile behind the targets' 序时进度 by last year and the forecasts' seasonal naive method.
    Elementwise on Series/arrays or plain numbers.
    """
    n, t = _floats(last_year_to_date), _floats(last_year_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (n > 0) & (t > 0) & (n <= t)
        out = np.where(ok, n / np.where(ok, t, 1.0), np.nan)
    return _like(out, last_year_to_date, last_year_total)


# Rates and ratios (增速, 占比, 单位能耗…) compare by a difference (个百分点 when the figure is a %), never by a %
# change of themselves: 8.8% → 8.6% is −0.2 个百分点, not −2.3%. Levels, counts and per-unit figures grow.
DIFFERENCE_KINDS = frozenset({"rate", "ratio"})


def compares_as_difference(value_kind: str) -> bool:
    """Whether a figure of this value kind changes by a difference (rates, ratios) rather than a growth %."""
    return str(value_kind) in DIFFERENCE_KINDS


def change_unit(value_kind: str, measure_unit: str) -> str:
    """The unit of a change: '个百分点' for a rate or ratio in %, the figure's own unit for another ratio
    (吨标准煤/万元), '%' for the growth of a level."""
    if not compares_as_difference(value_kind):
        return "%"
    return "个百分点" if measure_unit == "%" else measure_unit


def change_on_last_year(current: Any, previous: Any, value_kind: str) -> Any:
    """The change of a figure against the same period last year, by the rate rule: the difference for a
    rate or ratio (in `change_unit`), the growth % (`yoy_growth_pct`, NaN from a base ≤ 0) otherwise."""
    if compares_as_difference(value_kind):
        return _like(_floats(current) - _floats(previous), current, previous)
    return yoy_growth_pct(current, previous)


def difference_pp(own: Any, other: Any, decimals: int = 1) -> float | None:
    """`own` − `other` (two rates, in percentage points) from the figures as shown (both rounded to
    `decimals`), so a sentence and a table agree; None when either is missing."""
    a, b = float(_floats(own)), float(_floats(other))
    if np.isnan(a) or np.isnan(b):
        return None
    return round(round(a, decimals) - round(b, decimals), decimals)


def attach_same_period_last_year(frame: pd.DataFrame, by: list[str], value_col: str = "value") -> pd.DataFrame:
    """Add `last_year_value`: the same unit's figure for the same period one year earlier (a merge)."""
    key = [*by, "period_kind", "period_n"] if "period_kind" in frame.columns else [*by, "period_n"]
    last = frame[[*key, "year", value_col]].assign(year=frame["year"] + 1)
    last = last.rename(columns={value_col: "last_year_value"})
    return frame.merge(last, on=[*key, "year"], how="left")


# --- growth over several years and shares --------------------------------------------------------------

def cagr_pct(first: ArrayLike, last: ArrayLike, years: ArrayLike) -> Any:
    """Compound annual growth in percent from `first` to `last` over `years` years.

    NaN where either level is missing or ≤ 0 or `years` ≤ 0: a compound rate through zero or a sign
    change has no meaning. Elementwise on Series/arrays (one row per unit) or on plain numbers.
    """
    f, la, n = (np.asarray(x, dtype=float) for x in (first, last, years))
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (f > 0) & (la > 0) & (n > 0)
        out = np.where(ok, (np.where(ok, la, 1.0) / np.where(ok, f, 1.0)) ** (1.0 / np.where(ok, n, 1.0)) - 1.0,
                       np.nan) * 100.0
    return _like(out, first, last, years)


def _like(values: np.ndarray, *inputs: ArrayLike) -> Any:
    """Return `values` as a float for scalar inputs, or as a Series on the first Series input's index."""
    if values.ndim == 0:
        return float(values)
    if values.ndim > 1:  # a cube (units × years × months): stays an array
        return values
    for x in inputs:
        if isinstance(x, pd.Series):
            return pd.Series(values, index=x.index)
    return pd.Series(values)


# What a share is a share of: say it beside every share shown, because the two differ by 3–5% for
# Hunan before 2019 (the 14 divisions' GDP sums to more than the province's own figure).
SHARE_OF_PARENT = "parent"
SHARE_OF_GROUP_SUM = "group_sum"
SHARE_BASIS_LABELS = {SHARE_OF_PARENT: "占上级单位公布数的比重", SHARE_OF_GROUP_SUM: "占组内各单位合计的比重"}


def share_pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    """`part` as a percentage of `whole`, elementwise; NaN where the whole is missing or ≤ 0."""
    return part.astype(float) / whole.astype(float).where(whole > 0) * 100.0


def share_of_group_sum_pct(frame: pd.DataFrame, value_col: str, group_cols: list[str],
                           minimum: int | pd.Series = MIN_REPORTING) -> pd.Series:
    """Each row's share (%) of the sum of `value_col` over its group (only the rows that reported).

    NaN for every row of a group where fewer than `minimum` members reported (`ranking_applies`): one
    member's "100% of the group" says nothing. Only for additive levels: the caller must not pass rates
    or ratios, which never sum.
    """
    total = frame.groupby(group_cols, sort=False)[value_col].transform("sum", min_count=1)
    reported = frame.groupby(group_cols, sort=False)[value_col].transform("count")
    return share_pct(frame[value_col], total).where(ranking_applies(reported, minimum))


def share_of_parent_pct(frame: pd.DataFrame, parent: pd.DataFrame, value_col: str, on: list[str]) -> pd.Series:
    """Each row's share (%) of its parent's own published figure (e.g. the province's GDP), matched on `on`.

    `parent` has the `on` columns and `value_col`; rows without a parent figure get NaN.
    """
    p = parent[[*on, value_col]].rename(columns={value_col: "__parent"})
    merged = frame[on].merge(p, on=on, how="left")
    merged.index = frame.index
    return share_pct(frame[value_col], merged["__parent"])


def required_growth_for_share(current_share_pct: ArrayLike, target_share_pct: ArrayLike, years: ArrayLike,
                              province_growth_pct: ArrayLike) -> pd.DataFrame:
    """The annual growth a unit needs to move from its current share of the province to a target share
    in `years` years when the province grows `province_growth_pct` a year.

    share_T = share_0 · ((1+r)/(1+g))^n, so r = (1+g)·(share_T/share_0)^(1/n) − 1. Returns a frame with
    `required_growth_pct`, `differential_pp` (r − g in percentage points: how much faster than the
    province the unit must grow in every remaining year) and `relative_pct` ((1+r)/(1+g) − 1, the same
    gap as a ratio). NaN where a share is ≤ 0 or `years` ≤ 0.
    """
    s0, st, n, g = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in
                                         (current_share_pct, target_share_pct, years, province_growth_pct)))
    g = g / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (s0 > 0) & (st > 0) & (n > 0)
        relative = np.where(ok, (np.where(ok, st, 1.0) / np.where(ok, s0, 1.0)) ** (1.0 / np.where(ok, n, 1.0)),
                            np.nan)
    required = (1.0 + g) * relative - 1.0
    index = next((x.index for x in (current_share_pct, target_share_pct, years, province_growth_pct)
                  if isinstance(x, pd.Series)), None)
    return pd.DataFrame({
        "required_growth_pct": required * 100.0,
        "differential_pp": (required - g) * 100.0,
        "relative_pct": (relative - 1.0) * 100.0,
    }, index=index)


def required_growth_by_year(unit_value: ArrayLike, province_value: ArrayLike, base_year: ArrayLike,
                            target_share_pct: ArrayLike, target_year: ArrayLike,
                            province_growth_pct: ArrayLike) -> pd.DataFrame:
    """The growth a unit needs from `base_year` to reach `target_share_pct` of the province by
    `target_year`, from the two levels of the base year (e.g. Yueyang and Hunan GDP in 2016).

    Adds `current_share_pct` and `years` to the columns of `required_growth_for_share`.
    """
    share0 = np.asarray(unit_value, dtype=float) / np.where(np.asarray(province_value, dtype=float) > 0,
                                                             np.asarray(province_value, dtype=float), np.nan) * 100.0
    years = np.asarray(target_year, dtype=float) - np.asarray(base_year, dtype=float)
    out = required_growth_for_share(share0, target_share_pct, years, province_growth_pct)
    out.insert(0, "current_share_pct", np.broadcast_to(np.atleast_1d(share0), len(out)))
    out.insert(1, "years", np.broadcast_to(np.atleast_1d(years), len(out)))
    return out
