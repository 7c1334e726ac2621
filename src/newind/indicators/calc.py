"""Pure statistics over observation frames: no database, easy to test with a table of expected values."""

from __future__ import annotations

import pandas as pd


def rank_within_groups(frame: pd.DataFrame, value_col: str, group_cols: list[str],
                       higher_is_better: bool = True) -> pd.DataFrame:
    """Competition ranks (ties share the best rank, 并列) within each group, plus how many reported.

    Rows whose value is missing get no rank and do not count as reported. Returns a copy of `frame`
    with `rank` (Int64), `tied` (bool) and `reported` (int) columns.
    """
    out = frame.copy()
    grouped = out.groupby(group_cols, sort=False)[value_col] if group_cols else out[value_col]
    out["rank"] = grouped.rank(method="min", ascending=not higher_is_better).astype("Int64")
    counts_key = [*group_cols, "rank"]
    if group_cols:
        out["reported"] = out.groupby(group_cols, sort=False)[value_col].transform("count").astype(int)
    else:
        out["reported"] = int(out[value_col].count())
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


def yoy_growth_pct(current: pd.Series, previous: pd.Series) -> pd.Series:
    """Nominal year-on-year growth in percent of levels; NaN where last year's figure is missing or ≤ 0.

    Only for levels without a published growth rate: published comparable-price growth is kept as
    reported and never recomputed from two nominal values.
    """
    prev = previous.where(previous > 0)
    return (current / prev - 1.0) * 100.0


def attach_same_period_last_year(frame: pd.DataFrame, by: list[str], value_col: str = "value") -> pd.DataFrame:
    """Add `last_year_value`: the same unit's figure for the same period one year earlier (a merge)."""
    key = [*by, "period_kind", "period_n"] if "period_kind" in frame.columns else [*by, "period_n"]
    last = frame[[*key, "year", value_col]].assign(year=frame["year"] + 1)
    last = last.rename(columns={value_col: "last_year_value"})
    return frame.merge(last, on=[*key, "year"], how="left")
