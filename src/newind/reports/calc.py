"""Pure functions behind the monthly overview: growth with its basis, league ranks, the headline sentence.

No database here: the query layer (`reports.queries`) loads frames and calls these, and both the report
and the dashboard read the result, so a rank or a light is computed in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

from newind.core import numbers
from newind.core.errors import AppError
from newind.indicators import calc as indicators_calc
from newind.indicators.calc import (
    MIN_REPORTING,
    NOMINAL_GROWTH_KINDS,
    rank_within_groups,
    ranking_applies,
    yoy_growth_pct,
)
from newind.targets.choices import Light

# What a growth figure is: published (as reported by the statistics bureau) or computed here.
BASIS_COMPARABLE = "可比价"
BASIS_REPORTED = "公布数"
BASIS_NOMINAL = "名义"
# Which target kind stands for an indicator on a card when several exist (the binding one first).
# The lights' labels are the targets' own (targets/choices.py), without "无数据".
LIGHT_LABELS = {str(v): str(label) for v, label in Light.choices if v != Light.NONE}


def attach_growth(current: pd.DataFrame, last_year: pd.DataFrame, reported: pd.DataFrame,
                  meta: pd.DataFrame) -> pd.DataFrame:
    """Add `growth_pct` and `growth_basis` to the current levels (one row per indicator × unit).

    `current`/`last_year`: indicator_code, unit_code, value. `reported`: indicator_code (the LEVEL's code),
    unit_code, growth_reported, growth_price_basis. `meta`: indicator_code, value_kind, growth_indicator.
    A level with a published growth indicator only ever shows the published rate (comparable-price growth
    cannot be recomputed from nominal values); other levels and counts get nominal growth, labelled 名义;
    rates and ratios get none.
    """
    out = current.merge(meta[["indicator_code", "value_kind", "growth_indicator"]], on="indicator_code",
                        how="left")
    last = last_year[["indicator_code", "unit_code", "value"]].rename(columns={"value": "last_year_value"})
    out = out.merge(last, on=["indicator_code", "unit_code"], how="left")
    out = out.merge(reported[["indicator_code", "unit_code", "growth_reported", "growth_price_basis"]],
                    on=["indicator_code", "unit_code"], how="left")
    has_published = out["growth_indicator"].fillna("").astype(str) != ""
    nominal_ok = out["value_kind"].isin(NOMINAL_GROWTH_KINDS) & ~has_published
    nominal = yoy_growth_pct(out["value"].astype(float), out["last_year_value"].astype(float))
    out["growth_pct"] = out["growth_reported"].astype(float).where(has_published, nominal.where(nominal_ok))
    published_basis = out["growth_price_basis"].map(
        lambda b: BASIS_COMPARABLE if b == "comparable" else BASIS_REPORTED)
    out["growth_basis"] = ""
    out.loc[has_published & out["growth_pct"].notna(), "growth_basis"] = published_basis
    out.loc[nominal_ok & out["growth_pct"].notna(), "growth_basis"] = BASIS_NOMINAL
    return out.drop(columns=["growth_reported", "growth_price_basis"])


def league_ranks(frame: pd.DataFrame, group_cols: list[str]) -> pd.DataFrame:
    """Rank units within each group and indicator on growth where there is one, else on the value.

    `frame` has indicator_code, value, growth_pct, higher_is_better, the `group_cols` and optionally
    min_reporting (the group's minimum of members with a figure, `ranking_applies`). Ranking on
    growth is how the monthly 赛马 compares units of very different size; ratios and per-unit figures
    (no growth) rank on their value in the indicator's direction. Ties share the best rank (并列).
    Returns a copy with rank_by (growth|value), rank_metric, rank (Int64), tied, reported, ranked.
    """
    out = frame.reset_index(drop=True)  # positional index: the parts are put back in order below
    by_growth = out.groupby(["indicator_code", *group_cols], sort=False)["growth_pct"].transform("count") > 0
    out["rank_by"] = by_growth.map({True: "growth", False: "value"})
    out["rank_metric"] = out["growth_pct"].where(by_growth, out["value"]).astype(float)
    # The group's own minimum of members with a figure (`ranking_applies`): fewer, and nobody is ranked.
    minimum = (out["min_reporting"].astype(float).fillna(MIN_REPORTING) if "min_reporting" in out.columns
               else pd.Series(MIN_REPORTING, index=out.index))
    ranked = rank_within_groups(out, "rank_metric", ["indicator_code", *group_cols],
                                higher_is_better="higher_is_better", minimum=minimum)
    ranked.index = frame.index
    return ranked


def rank_label(rank: Any, tied: Any, reported: Any = None) -> str:
    """'第3位', '第3位（并列）', with '/13' when the count of units ranked is given; '—' without a rank."""
    if rank is None or rank is pd.NA or (isinstance(rank, float) and math.isnan(rank)):
        return "—"
    text = f"{int(rank)}"
    if reported is not None and not pd.isna(reported):
        text += f"/{int(reported)}"
    return text + ("（并列）" if bool(tied) else "")


def unranked_text(reported: Any, minimum: Any = MIN_REPORTING, among: str = "全省", noun: str = "市州") -> str:
    """Why a figure has no rank (`ranking_applies` failed): '全省其他市州暂无数据，不排名' or
    '全省仅2个市州有数据（至少需3个），不排名'; '' when it could be ranked or nothing is known."""
    if reported is None or pd.isna(reported) or ranking_applies(reported, minimum):
        return ""
    count = int(reported)
    need = MIN_REPORTING if minimum is None or pd.isna(minimum) else int(minimum)
    if count <= 1:
        return f"{among}其他{noun}暂无数据，不排名"
    return f"{among}仅{count}个{noun}有数据（至少需{need}个），不排名"


def fmt_number(value: object, decimals: int = 2, unit: str = "") -> str:
    """A figure as text with fixed decimals and thousands separators (and its unit); '—' when missing."""
    return numbers.fmt_number(value, decimals, unit)


def difference_pp(own: float | None, parent: float | None, decimals: int = 1) -> float | None:
    """Own growth minus the parent's in percentage points, from the figures as shown (both rounded), so
    the sentence and the table agree; None when either is missing (the rate rule: a difference)."""
    return indicators_calc.difference_pp(own, parent, decimals)


def compare_phrase(diff_pp: float | None, whom: str = "全省") -> str:
    """'高于全省1.2个百分点' / '低于全省0.3个百分点' / '与全省持平'; '' when there is nothing to compare."""
    if diff_pp is None:
        return ""
    if diff_pp > 0:
        return f"高于{whom}{diff_pp:.1f}个百分点"
    if diff_pp < 0:
        return f"低于{whom}{-diff_pp:.1f}个百分点"
    return f"与{whom}持平"


def headline_sentence(period_short_label: str, indicator_name: str, value: float | None, measure_unit: str,
                      value_decimals: int, growth_pct: float | None, growth_basis: str, diff_pp: float | None,
                      rank: int | None, tied: bool = False, region: str = "全市",
                      group_label: str = "全省") -> str:
    """The report's opening sentence, built only from the numbers given, e.g.
    '1—3月，全市规模工业增加值完成212.35亿元，同比增长7.9%，高于全省0.6个百分点，居全省第3位。'"""
    parts = [f"{period_short_label}，{region}{indicator_name}"]
    if value is not None and not pd.isna(value):
        parts[0] += f"完成{fmt_number(value, value_decimals)}{measure_unit}"
    if growth_pct is not None and not pd.isna(growth_pct):
        word = "增长" if growth_pct >= 0 else "下降"
        nominal = "（名义）" if growth_basis == BASIS_NOMINAL else ""
        parts.append(f"同比{word}{abs(growth_pct):.1f}%{nominal}")
    phrase = compare_phrase(diff_pp, group_label)
    if phrase:
        parts.append(phrase)
    if rank is not None and not pd.isna(rank):
        parts.append(f"居{group_label}第{int(rank)}位" + ("（并列）" if tied else ""))
    return "，".join(parts) + "。"


# --- the city as a roll-up of its units, until its own figure arrives ---------------------------------

ROLLUP_LABEL = "县市区汇总"


def rollup_label(covered: int, total: int) -> str:
    """'县市区汇总（13个单位中的1个）': how many of the units under the city the sum covers."""
    return f"{ROLLUP_LABEL}（{total}个单位中的{covered}个）"


def roll_up_levels(values: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Sum the units' figures of additive levels and counts for `year`, with last year's sum of the SAME
    units as the base of a growth.

    `values`: indicator_code, unit_code, year, value, price_basis, is_synthetic — additive indicators only,
    this year and last. An indicator whose figures this year mix price bases is not summed (its reason is
    returned). Last year's sum is given only where every unit summed this year has last year's figure on
    the same basis: a base covering fewer units would make the growth up.
    Returns (rows: indicator_code, year, value, units, is_synthetic; skipped: indicator_code → reason).
    """
    cur = values[values["year"] == year]
    bases = cur.groupby("indicator_code")["price_basis"].nunique()
    mixed = sorted(bases[bases > 1].index)
    skipped = {code: "各单位上报的价格口径不一致，不能加总" for code in mixed}
    cur = cur[~cur["indicator_code"].isin(mixed)]
    this_year = cur.groupby("indicator_code", as_index=False).agg(
        value=("value", "sum"), units=("unit_code", "nunique"), is_synthetic=("is_synthetic", "max"))
    last = values[values["year"] == year - 1].merge(
        cur[["indicator_code", "unit_code", "price_basis"]], on=["indicator_code", "unit_code", "price_basis"])
    last_year = last.groupby("indicator_code", as_index=False).agg(
        value=("value", "sum"), base_units=("unit_code", "nunique"), is_synthetic=("is_synthetic", "max"))
    last_year = last_year.merge(this_year[["indicator_code", "units"]], on="indicator_code")
    last_year = last_year[last_year["base_units"] == last_year["units"]].drop(columns="base_units")
    rows = pd.concat([this_year.assign(year=year), last_year.assign(year=year - 1)], ignore_index=True)
    rows["is_synthetic"] = rows["is_synthetic"].astype(bool)
    return rows[["indicator_code", "year", "value", "units", "is_synthetic"]], skipped


# --- issuing: 成文日期 and 发文字号 ----------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"^(?P<code>[^\s〔〕\[\]【】()（）]{1,20})[〔\[【(（](?P<year>\d{4})[〕\]】)）]第?(?P<n>\d{1,5})号?$")


def doc_number_text(raw: str | None) -> str:
    """A 发文字号 in the official form (GB/T 9704): 机关代字〔年份〕序号号, e.g. 岳新工办〔2017〕12号.

    Square, round or lenticular brackets become 〔〕, 第 and leading zeros go (12, not 第012); empty means
    none. Anything else is refused with a sentence saying how to write it.
    """
    text = re.sub(r"\s+", "", raw or "")
    if not text:
        return ""
    match = _DOC_NUMBER.match(text)
    if match is None or int(match["n"]) == 0:
        raise AppError(f"发文字号「{raw}」的格式不对：请写成「机关代字〔年份〕序号号」，例如 岳新工办〔2017〕12号。")
    return f"{match['code']}〔{match['year']}〕{int(match['n'])}号"


def issue_date(raw: str | None, today: dt.date) -> dt.date:
    """The 成文日期 chosen on the form or the command line (YYYY-MM-DD); today when not given."""
    text = (raw or "").strip()
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AppError(f"成文日期「{raw}」的格式不对：请写成 YYYY-MM-DD，例如 2017-04-12。") from None
