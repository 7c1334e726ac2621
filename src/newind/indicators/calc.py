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
