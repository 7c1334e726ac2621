"""Benchmarking (对标) statistics: ranks, the 标兵 and 追兵 gaps, their trends, and the Chinese narrative.

Pure functions on frames covering every year of the span at once (no database). The input is one row
per (unit, year) with `unit_code`, `unit_name`, `year`, `value` and optionally `order` (the group's
display order, used to break ties deterministically).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from newind.indicators.calc import MIN_REPORTING, rank_within_groups, ranking_applies

# A gap whose size changes by less than 1% of its size in the first year of the span is "stable":
# published levels are rounded and revised (economic censuses) by about that much, so a smaller move
# is noise, not a trend. Measured relative to the first year's gap, so it works for 亿元 and for
# percentage points alike.
GAP_STABLE_TOLERANCE = 0.01

# A share of the group or province that moves by less than 0.1 percentage point over the span is
# "stable": shares are shown with two decimals and a 0.1-point move is the smallest the office reports.
SHARE_STABLE_TOLERANCE_PP = 0.1

WIDENING, NARROWING, STABLE = "widening", "narrowing", "stable"
RISING, FALLING = "rising", "falling"

NEIGHBOUR_COLUMNS = ["code", "name", "value", "rank", "gap", "gap_ratio"]


def rank_by_year(figures: pd.DataFrame, higher_is_better: bool = True,
                 min_reporting: int = MIN_REPORTING) -> pd.DataFrame:
    """Rank the units of each year (并列 competition ranks; missing values unranked and not counted).

    A year in which fewer than `min_reporting` units have a figure is not ranked at all (`ranked` False).
    Returns the rows sorted by year, then rank, then group order, with `rank`, `tied`, `reported` and
    `ranked`.
    """
    frame = figures.copy()
    if "order" not in frame.columns:
        frame["order"] = range(len(frame))
    ranked = rank_within_groups(frame, "value", ["year"], higher_is_better, minimum=min_reporting)
    return ranked.sort_values(["year", "rank", "order"], na_position="last").reset_index(drop=True)


def neighbours(ranked: pd.DataFrame, unit_code: str, years: Sequence[int], higher_is_better: bool = True,
               with_ratio: bool = True) -> pd.DataFrame:
    """For each year: the unit's value and rank, and the units one rank ahead (标兵) and behind (追兵).

    The unit ahead is the nearest better-ranked unit (the worst of those ranked above; among several
    tied there, the first in group order); units tied with the focus unit are neither ahead nor
    behind. Gaps are distances ≥ 0 in the indicator's own unit whichever the direction. `gap_ratio`
    is the gap divided by the value of the worse-placed unit of the pair (how far the better one is
    ahead, relative to the one behind); it is left out (NaN) for rates, where only the
    percentage-point gap means anything (`with_ratio=False`).
    """
    base = pd.DataFrame({"year": list(years)})
    counts = ranked.groupby("year")["reported"].first() if not ranked.empty else pd.Series(dtype=int)
    base["reported"] = base["year"].map(counts).fillna(0).astype(int)
    if "ranked" in ranked.columns and not ranked.empty:
        base["ranked"] = base["year"].map(ranked.groupby("year")["ranked"].first()).fillna(False).astype(bool)
    else:
        base["ranked"] = ranking_applies(base["reported"])
    focus = ranked.loc[ranked["unit_code"] == unit_code, ["year", "value", "rank", "tied"]]
    out = base.merge(focus, on="year", how="left")
    out["tied"] = out["tied"].fillna(False).astype(bool)

    cand = ranked.dropna(subset=["rank"]).merge(
        out[["year", "rank", "value"]].rename(columns={"rank": "focus_rank", "value": "focus_value"}),
        on="year")
    cand = cand.dropna(subset=["focus_rank"])
    sign = 1.0 if higher_is_better else -1.0
    ahead = (cand[cand["rank"] < cand["focus_rank"]]
             .sort_values(["year", "rank", "order"], ascending=[True, False, True])
             .groupby("year", sort=False).head(1))
    behind = (cand[cand["rank"] > cand["focus_rank"]]
              .sort_values(["year", "rank", "order"], ascending=[True, True, True])
              .groupby("year", sort=False).head(1))
    ahead = ahead.assign(gap=(ahead["value"] - ahead["focus_value"]) * sign)
    behind = behind.assign(gap=(behind["focus_value"] - behind["value"]) * sign)
    # The worse-placed unit of each pair is the focus for the leader gap and the chaser for the other.
    ahead["gap_ratio"] = ahead["gap"] / ahead["focus_value"].abs().where(ahead["focus_value"] != 0)
    behind["gap_ratio"] = behind["gap"] / behind["value"].abs().where(behind["value"] != 0)
    for prefix, part in (("ahead", ahead), ("behind", behind)):
        part = part.rename(columns={"unit_code": "code", "unit_name": "name"})[["year", *NEIGHBOUR_COLUMNS]]
        if not with_ratio:
            part = part.assign(gap_ratio=float("nan"))
        part = part.rename(columns={c: f"{prefix}_{c}" for c in NEIGHBOUR_COLUMNS})
        out = out.merge(part, on="year", how="left")
    out["rank"] = out["rank"].astype("Int64")
    for prefix in ("ahead", "behind"):
        out[f"{prefix}_rank"] = out[f"{prefix}_rank"].astype("Int64")
    return out


def _first_last(series: pd.Series) -> tuple[float, float] | None:
    s = series.dropna()
    if len(s) < 2:
        return None
    return float(s.iloc[0]), float(s.iloc[-1])


def gap_trend(gaps: pd.Series, tolerance: float = GAP_STABLE_TOLERANCE) -> str | None:
    """widening | narrowing | stable, from the first to the last year that has a gap (ordered by year).

    None when fewer than two years have a gap (e.g. the unit is first, or last, throughout).
    """
    ends = _first_last(gaps)
    if ends is None:
        return None
    first, last = ends
    if first == 0:
        return STABLE if last == 0 else WIDENING
    change = (last - first) / abs(first)
    # Rounded so that a change of exactly the tolerance (0.01 as 101/100 − 1) is not lost to float noise.
    if round(abs(change), 9) < tolerance:
        return STABLE
    return WIDENING if change > 0 else NARROWING


def share_trend(shares: pd.Series, tolerance_pp: float = SHARE_STABLE_TOLERANCE_PP) -> str | None:
    """rising | falling | stable, comparing the first and last year with a share; None with fewer than two."""
    ends = _first_last(shares)
    if ends is None:
        return None
    change = ends[1] - ends[0]
    if round(abs(change), 9) < tolerance_pp:  # 9.93 − 9.83 is 0.0999… in floating point
        return STABLE
    return RISING if change > 0 else FALLING


# --- the narrative -------------------------------------------------------------------------------------


@dataclass
class NarrativeContext:
    """The labels the sentences need; everything numeric comes from the per-year frame."""

    unit_name: str
    indicator_name: str
    measure_unit: str
    decimals: int
    is_rate: bool  # growth rates and ratios: gaps in 个百分点 (for %), never shares
    scope: str  # "全省", or the group's own wording such as "长江沿线"
    noun: str  # "市州", "县市区", "同类城市"
    group_size: int
    period_labels: dict[int, str]  # year -> "2016年" / "2017年1—11月"
    span_label: str  # "2012—2016年"
    missing: dict[int, list[str]] = field(default_factory=dict)  # year -> names of members without a figure
    share_column: str | None = None  # "share_of_province_pct" or "share_of_group_pct" when shares apply
    share_label: str = ""  # "占全省的比重" …
    province_name: str = ""  # for rates: compare with the province's (or city's) own published rate
    synthetic: bool = False
    min_reporting: int = MIN_REPORTING  # fewer members with a figure: no rank, no share of the group
    # Other peer groups with enough members reporting this indicator in the latest period, as
    # "岳阳市县市区（9/9个成员有数据）"; said when this group cannot be ranked.
    groups_with_data: list[str] = field(default_factory=list)


def _num(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".replace(",", "")


def _fmt_value(value: float, ctx: NarrativeContext) -> str:
    return f"{_num(value, ctx.decimals)}{ctx.measure_unit}"


def _fmt_gap(gap: float, ctx: NarrativeContext) -> str:
    if ctx.measure_unit == "%":
        return f"{_num(gap, max(ctx.decimals, 1))}个百分点"
    return _fmt_value(gap, ctx)


def rank_phrase(rank: int, tied: bool, reported: int, ctx: NarrativeContext, missing: Sequence[str] = ()) -> str:
    """居全省14个市州第2位 / 居全省13个市州中第2位（湘西…无数据）/ 并列第2位."""
    place = f"{'并列' if tied else ''}第{rank}位"
    if reported >= ctx.group_size:
        return f"居{ctx.scope}{reported}个{ctx.noun}{place}"
    text = f"居{ctx.scope}{reported}个{ctx.noun}中{place}"
    if missing:
        text += f"（{'、'.join(missing)}无数据）"
    return text


def unranked_phrase(reported: int, ctx: NarrativeContext) -> str:
    """Why there is no rank: '全省14个市州中其他成员暂无数据（仅岳阳市1个有数据），不排位次，也不计算占组内
    合计的比重' (the last part only where shares apply)."""
    among = f"{ctx.scope}{ctx.group_size}个{ctx.noun}中"
    if reported <= 1:
        text = f"{among}其他成员暂无数据（仅{ctx.unit_name}1个有数据），不排位次"
    else:
        text = f"{among}仅{reported}个有数据（至少需{ctx.min_reporting}个），不排位次"
    return text + ("，也不计算占组内合计的比重" if ctx.share_column else "")


def groups_with_data_sentence(ctx: NarrativeContext) -> str:
    """Where this indicator can be compared instead: the other groups with enough members reporting."""
    if not ctx.groups_with_data:
        return "其他对标组也暂无足够成员有该指标数据。"
    return f"有该指标数据的对标组：{'、'.join(ctx.groups_with_data)}。"


def _neighbour_sentence(rows: pd.DataFrame, prefix: str, ctx: NarrativeContext) -> str | None:
    with_gap = rows.dropna(subset=[f"{prefix}_gap"])
    latest = rows.dropna(subset=["value"])
    # Only speak of a 标兵/追兵 the unit has in its latest year (first or last place has none).
    if with_gap.empty or latest.empty or int(with_gap.iloc[-1]["year"]) != int(latest.iloc[-1]["year"]):
        return None
    first, last = with_gap.iloc[0], with_gap.iloc[-1]
    f_label, l_label = ctx.period_labels[int(first["year"])], ctx.period_labels[int(last["year"])]
    g0, g1 = float(first[f"{prefix}_gap"]), float(last[f"{prefix}_gap"])
    who = f"第{int(last[f'{prefix}_rank'])}位{last[f'{prefix}_name']}"
    trend = gap_trend(with_gap[f"{prefix}_gap"])
    same_unit = first[f"{prefix}_code"] == last[f"{prefix}_code"]
    ratio = last[f"{prefix}_gap_ratio"]
    if prefix == "ahead":
        if ctx.is_rate:
            head = f"比{who}低{_fmt_gap(g1, ctx)}"
        else:
            head = f"与{who}相差{_fmt_gap(g1, ctx)}"
            if pd.notna(ratio):
                head += f"（相当于{ctx.unit_name}的{_num(float(ratio) * 100, 1)}%）"
    else:
        head = f"比{who}高{_fmt_gap(g1, ctx)}" if ctx.is_rate else f"领先{who}{_fmt_gap(g1, ctx)}"
        if not ctx.is_rate and pd.notna(ratio):
            head += f"（领先{_num(float(ratio) * 100, 1)}%）"
    if trend is None:
        return head
    whose = "与标兵的差距" if prefix == "ahead" else "对追兵的领先优势"
    if not same_unit:
        whose += f"（{first[f'{prefix}_name']}→{last[f'{prefix}_name']}）"
    span = f"由{f_label}的{_fmt_gap(g0, ctx)}"
    if trend == STABLE:
        tail = f"{whose}{span}变为{l_label}的{_fmt_gap(g1, ctx)}，基本稳定"
    elif prefix == "ahead":
        verb = "扩大" if trend == WIDENING else "缩小"
        comment = "标兵越追越远" if trend == WIDENING else "正在逼近标兵"
        tail = f"{whose}{span}{verb}到{l_label}的{_fmt_gap(g1, ctx)}，{comment}"
    else:
        verb = "扩大" if trend == WIDENING else "缩小"
        comment = "与追兵拉开了距离" if trend == WIDENING else "追兵越赶越近"
        tail = f"{whose}{span}{verb}到{l_label}的{_fmt_gap(g1, ctx)}，{comment}"
    return f"{head}；{tail}"


def narrative(by_year: pd.DataFrame, ctx: NarrativeContext) -> list[str]:
    """Plain Chinese sentences from the per-year frame of `neighbours` (plus share columns)."""
    rows = by_year.sort_values("year")
    has_value = rows.dropna(subset=["value"])
    if has_value.empty:
        return [f"{ctx.span_label}{ctx.unit_name}没有{ctx.indicator_name}数据，无法对标。"]
    sentences: list[str] = []
    last = has_value.iloc[-1]
    year = int(last["year"])
    is_ranked = pd.notna(last["rank"])
    text = f"{ctx.period_labels[year]}{ctx.unit_name}{ctx.indicator_name}{_fmt_value(float(last['value']), ctx)}，"
    if is_ranked:
        text += rank_phrase(int(last["rank"]), bool(last["tied"]), int(last["reported"]), ctx,
                            ctx.missing.get(year, []))
    else:
        text += unranked_phrase(int(last["reported"]), ctx)
    if ctx.share_column and pd.notna(last.get(ctx.share_column)):
        text += f"{'，' if is_ranked else '；'}{ctx.share_label}为{_num(float(last[ctx.share_column]), 2)}%"
    province_value = last.get("province_value")
    if ctx.is_rate and ctx.province_name and province_value is not None and pd.notna(province_value):
        diff = float(last["value"]) - float(province_value)
        if round(diff, 9) == 0:
            text += f"，与{ctx.province_name}（{_fmt_value(float(province_value), ctx)}）持平"
        else:
            word = "高于" if diff > 0 else "低于"
            text += f"，{word}{ctx.province_name}（{_fmt_value(float(province_value), ctx)}）{_fmt_gap(abs(diff), ctx)}"
    sentences.append(text + "。")
    if not is_ranked:
        sentences.append(groups_with_data_sentence(ctx))

    # Rank changes and 标兵/追兵 speak only of years that were ranked, and only when the latest one was.
    ranked_rows = has_value.dropna(subset=["rank"]) if is_ranked else has_value.iloc[0:0]
    if len(ranked_rows) >= 2:
        first = ranked_rows.iloc[0]
        f_label = ctx.period_labels[int(first["year"])]
        r0, r1 = int(first["rank"]), int(last["rank"])
        if ranked_rows["rank"].nunique() == 1:
            sentences.append(f"{ctx.span_label}，{ctx.unit_name}排名始终保持在第{r1}位。")
        elif r0 == r1:
            best, worst = int(ranked_rows["rank"].min()), int(ranked_rows["rank"].max())
            sentences.append(f"{ctx.span_label}，{ctx.unit_name}排名在第{best}位至第{worst}位之间起伏，"
                             f"{ctx.period_labels[year]}与{f_label}同为第{r1}位。")
        else:
            move = "上升" if r1 < r0 else "下降"
            sentences.append(f"{ctx.span_label}，{ctx.unit_name}排名由{f_label}的第{r0}位{move}至"
                             f"{ctx.period_labels[year]}的第{r1}位。")
        if ctx.share_column:
            shares = has_value[ctx.share_column]
            ends = _first_last(shares)
            trend = share_trend(shares)
            if ends is not None:
                s0, s1 = ends
                if trend == STABLE:
                    sentences.append(f"{ctx.share_label}基本稳定（{_num(s0, 2)}%→{_num(s1, 2)}%）。")
                else:
                    verb = "提高" if trend == RISING else "下降"
                    sentences.append(f"{ctx.share_label}由{_num(s0, 2)}%{verb}到{_num(s1, 2)}%，"
                                     f"{verb}{_num(abs(s1 - s0), 2)}个百分点。")

    if is_ranked and int(last["rank"]) == 1 and not bool(last["tied"]):
        sentences.append(f"{ctx.period_labels[year]}{ctx.unit_name}位居第一，没有标兵。")
    elif is_ranked and pd.isna(last["behind_gap"]) and int(last["reported"]) > 1:
        sentences.append(f"{ctx.period_labels[year]}{ctx.unit_name}位居末位，没有追兵。")
    said = {prefix: _neighbour_sentence(rows, prefix, ctx) for prefix in ("ahead", "behind")}
    sentences += [f"{s}。" for s in said.values() if s]
    ahead_trend = gap_trend(rows["ahead_gap"]) if said["ahead"] else None
    behind_trend = gap_trend(rows["behind_gap"]) if said["behind"] else None
    if ahead_trend == WIDENING and behind_trend == NARROWING:
        sentences.append("总体看，标兵越追越远、追兵越赶越近，保位进位压力较大。")
    elif ahead_trend == NARROWING and behind_trend == WIDENING:
        sentences.append("总体看，与标兵差距缩小、对追兵领先扩大，位次优势在巩固。")
    if ctx.synthetic:
        sentences.append("注：以上含示例数据，仅供演示，不代表真实统计。")
    return sentences


def is_finite(value: object) -> bool:
    """True for a real number that is not NaN (None, NA and NaN are all missing)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)
