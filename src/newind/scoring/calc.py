"""The scoring engine: pure, vectorised functions from a frame of firms and a scheme to scored firms.

No database. One row per firm in, one row per firm out (`Evaluation.firms`) plus one row per firm and
item (`Evaluation.items`). Every step works on whole columns (numpy/pandas); the only Python loops are
over a scheme's groups, items and classes, never over firms.

Input frame contract (what the enterprise registry's reader, or a frame file, must give):
  credit_code, name, <scheme.group_column> (e.g. size = 'above' | 'below'), optional county, park,
  industry; one float column per input code of the scheme (NaN = no figure); optional `flag` (否决 / 保护 /
  不参评 or empty) and `flag_reason`; the scheme's not-rated columns (e.g. is_utility, true/false).

Statuses of a firm: rated (ranked and classed), T (not rated by flag or kind: 不参评, 公用事业), missing
(not rated because an input is missing or zero; no class), outside (its group is not in the scheme).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.scoring.schemes import Group, Item, Scheme

RATED, CLASS_T, MISSING, OUTSIDE = "rated", "T", "missing", "outside"
EPS = 1e-9  # absorbs float noise in half-up rounding (x.xx5 computed as x.xx4999…)


@dataclass
class Evaluation:
    """What `evaluate` returns: firms (index = the input frame's), items (long), benchmarks, cut-offs."""

    scheme: Scheme
    firms: pd.DataFrame
    items: pd.DataFrame
    benchmarks: dict[str, dict[str, float]]
    # group → class code → the last rank inside that class (rank_percentile) or its min total (thresholds)
    cutoffs: dict[str, dict[str, float]]
    rated_among: dict[str, int]
    inputs: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)


# --- small vectorised helpers -------------------------------------------------------------------------

def round_half_up(x: Any, decimals: int = 0) -> Any:
    """Round half away from zero (Excel's ROUND), not numpy's half-to-even: 2.5 → 3, 0.15 × 10 → 2."""
    f = 10.0 ** decimals
    arr = np.asarray(x, dtype=float)
    out = np.sign(arr) * np.floor(np.abs(arr) * f + 0.5 + EPS) / f
    return out if np.ndim(out) else float(out)


def competition_rank(values: pd.Series, groups: pd.Series, *, ascending: bool = False) -> pd.Series:
    """Competition rank within each group (1 is best; ties share the better rank: 1, 2, 2, 4)."""
    return values.groupby(groups).rank(method="min", ascending=ascending)


def class_cutoff(share: float, n: Any) -> Any:
    """The last rank inside a class reaching `share` of n: round_half_up(share × n)."""
    return round_half_up(np.asarray(n, dtype=float) * share)


def _fmt(values: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Numbers as text with a thousands separator, "—" for a missing one (object array)."""
    arr = np.asarray(values, dtype=float)
    text = np.char.mod(f"%.{decimals}f", np.nan_to_num(arr)).astype(object)
    big = np.abs(arr) >= 1000
    if big.any():
        text[big] = [f"{v:,.{decimals}f}" for v in arr[big]]  # rare: totals are ~0–150 points
    text[np.isnan(arr)] = "—"
    return text


def _ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values).astype(np.int64).astype(str).astype(object)


# --- the pieces -----------------------------------------------------------------------------------------

def _check_columns(frame: pd.DataFrame, scheme: Scheme) -> None:
    needed = {"credit_code", scheme.group_column}
    needed |= {code for g in scheme.groups for i in g.items for code in i.inputs}
    absent = sorted(needed - set(frame.columns))
    if absent:
        raise AppError(f"评价数据缺少列：{'、'.join(absent)}。请按方案「{scheme.name}」提供这些列。")


def _not_rated_by_kind(frame: pd.DataFrame, scheme: Scheme) -> tuple[np.ndarray, pd.Series]:
    """Class T: the 不参评 flag and the not-rated kinds (公用事业); reason text per firm."""
    n = len(frame)
    is_t = np.zeros(n, dtype=bool)
    reason = pd.Series([""] * n, index=frame.index, dtype=object)
    flags = scheme.flags
    flag = _flag_column(frame, scheme)
    flag_reason = _flag_reason(frame, scheme)
    for column in flags.not_rated_columns:
        if column.column in frame.columns:
            hit = frame[column.column].fillna(False).astype(bool).to_numpy()
            reason = reason.where(~hit | (reason != ""), f"{column.label}，不参评（T类），不计入参评企业数和基准值")
            is_t |= hit
    if flags.not_rated_values:
        hit = flag.isin(flags.not_rated_values).to_numpy()
        text = "年度标记「" + flag + "」" + flag_reason.map(lambda r: f"（{r}）" if r else "") + \
            "，不参评（T类），不计入参评企业数和基准值"
        reason = reason.where(~hit | (reason != ""), text)
        is_t |= hit
    return is_t, reason


def _flag_column(frame: pd.DataFrame, scheme: Scheme) -> pd.Series:
    col = scheme.flags.column
    if col not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[col].fillna("").astype(str).str.strip()


def _flag_reason(frame: pd.DataFrame, scheme: Scheme) -> pd.Series:
    col = scheme.flags.reason_column
    if col not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[col].fillna("").astype(str).str.strip()


def _input_problems(frame: pd.DataFrame, scheme: Scheme, group: Group, members: np.ndarray
                    ) -> tuple[np.ndarray, pd.Series, dict[str, np.ndarray]]:
    """Which member firms cannot be rated, why (Chinese, per firm), and per item which firms get it filled.

    A missing input listed in the item's fill_missing fills that item; any other missing input, and any
    zero or negative one (a zero numerator only when the item allows it), makes the firm not rated."""
    bad = np.zeros(len(frame), dtype=bool)
    text = np.full(len(frame), "", dtype=object)
    filled: dict[str, np.ndarray] = {}
    checked: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add(mask: np.ndarray, part: str) -> np.ndarray:
        return np.where(mask, np.where(text == "", part, text + "、" + part), text)

    for item in group.items:
        item_filled = np.zeros(len(frame), dtype=bool)
        for position, code in enumerate(item.inputs):
            values = frame[code].to_numpy(dtype=float)
            missing = np.isnan(values)
            zero_ok = position == 0 and item.zero_numerator in {"allowed", "signed"}
            if position == 0 and item.zero_numerator == "signed":
                nonpositive = np.zeros_like(missing)
            else:
                nonpositive = ~missing & ((values < 0) if zero_ok else (values <= 0))
            if code in item.fill_missing:
                item_filled |= missing & members
                missing = np.zeros_like(missing)
            prev_missing, prev_zero = checked.get(code, (np.zeros_like(missing), np.zeros_like(missing)))
            new_missing = missing & members & ~prev_missing
            new_zero = nonpositive & members & ~prev_zero
            checked[code] = (prev_missing | new_missing, prev_zero | new_zero)
            label = scheme.inputs[code].label
            if new_missing.any():
                text = add(new_missing, f"缺少「{label}」")
            if new_zero.any():
                text = add(new_zero, f"「{label}」{'为负数' if zero_ok else '为0或负数'}")
            bad |= new_missing | new_zero
        if item.fill_missing:
            filled[item.code] = item_filled
    return bad, pd.Series(text, index=frame.index), filled


def _item_value(frame: pd.DataFrame, item: Item) -> np.ndarray:
    num = frame[item.numerator].to_numpy(dtype=float)
    if item.denominator is None:
        return num * item.scale
    den = frame[item.denominator].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den * item.scale


def item_benchmark(frame: pd.DataFrame, item: Item, basis: np.ndarray) -> float:
    """The item's benchmark over the basis firms (rated, with the item's inputs), in the item's unit."""
    if item.benchmark is None:
        return float("nan")
    if item.benchmark.kind == "fixed":
        return float(item.benchmark.value)  # type: ignore[arg-type]
    num = frame[item.numerator].to_numpy(dtype=float)[basis].sum()
    if item.denominator is None:
        count = int(basis.sum())
        aggregate = num / count * item.scale if count else float("nan")
    else:
        den = frame[item.denominator].to_numpy(dtype=float)[basis].sum()
        aggregate = num / den * item.scale if den > 0 else float("nan")
    factor = item.benchmark.factor if item.benchmark.kind == "multiple" else 1.0
    return float(aggregate * factor)  # type: ignore[operator]


def item_points(item: Item, values: np.ndarray, basis: np.ndarray, benchmark: float
                ) -> tuple[np.ndarray, float, float]:
    """Points of every firm on one item by its method; NaN outside the basis. Also (best, worst) used.

    ratio_to_benchmark: weight × min(value ÷ benchmark, cap) (benchmark ÷ value when lower is better);
    completion_rate: the same ratio × weight, at most the weight;
    efficacy_coefficient (功效系数法): 60 + 40 × (value − worst) ÷ (best − worst), as a share of the weight,
      clipped to [60, 100]; best and worst are the scheme's fixed values or the basis firms' best and worst;
    rank_points: weight × (m − r + 1) ÷ m for competition rank r among the m basis firms (1st = the weight).
    """
    w = item.weight
    out = np.full(values.shape, np.nan)
    v = values[basis]
    best = worst = float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        if item.method in {"ratio_to_benchmark", "completion_rate"}:
            ratio = v / benchmark if item.direction == "higher" else np.where(v > 0, benchmark / v, np.inf)
            cap = (item.cap if item.cap is not None else np.inf) if item.method == "ratio_to_benchmark" else 1.0
            # A zero benchmark (every basis firm has a zero numerator) scores 0/0 as 0, not NaN; an
            # infinite ratio (lower is better, value 0) takes the cap, and 0 when there is none.
            ratio = np.where(np.isnan(ratio), 0.0, ratio)
            points = w * np.minimum(np.maximum(ratio, 0.0), cap)
            out[basis] = np.where(np.isfinite(points), points, 0.0)
        elif item.method == "efficacy_coefficient":
            if item.best is not None and item.worst is not None:
                best, worst = item.best, item.worst
            elif v.size:
                best, worst = (v.max(), v.min()) if item.direction == "higher" else (v.min(), v.max())
            if v.size:
                span = best - worst
                score = np.full(v.shape, 100.0) if span == 0 else 60.0 + 40.0 * (v - worst) / span
                out[basis] = w * np.clip(score, 60.0, 100.0) / 100.0
        elif item.method == "rank_points":
            m = v.size
            if m:
                r = pd.Series(v).rank(method="min", ascending=item.direction == "lower").to_numpy()
                out[basis] = w * (m - r + 1) / m
    return out, float(best), float(worst)


def _classes_by_rank(scheme: Scheme, rank: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class index (0 = best) by rank percentile, and the cut-off rank that decided it."""
    levels = scheme.class_rules.levels
    idx = np.full(rank.shape, len(levels) - 1)
    decided = np.full(rank.shape, np.nan)
    for j in range(len(levels) - 2, -1, -1):  # worst to best, so the best matching class wins
        k = class_cutoff(levels[j].top_share, n)  # type: ignore[arg-type]
        hit = rank <= k
        idx = np.where(hit, j, idx)
        decided = np.where(hit, k, decided)
    return idx, decided


def _classes_by_score(scheme: Scheme, total: np.ndarray) -> np.ndarray:
    levels = scheme.class_rules.levels
    idx = np.full(total.shape, len(levels) - 1)
    for j in range(len(levels) - 2, -1, -1):
        idx = np.where(total >= levels[j].min_total, j, idx)  # type: ignore[operator]
    return idx


# --- the evaluation -------------------------------------------------------------------------------------

def evaluate(frame: pd.DataFrame, scheme: Scheme, *,
             benchmarks: dict[str, dict[str, float]] | None = None) -> Evaluation:
    """Score, rank and class every firm of the frame by the scheme.

    `benchmarks` fixes the benchmarks instead of computing them (used for "what it would take", which is
    asked against this year's benchmarks, and for re-checking it).
    """
    _check_columns(frame, scheme)
    if not frame.index.is_unique:
        raise AppError("评价数据的行索引有重复：请先 reset_index()。")  # rows are matched by index label
    dup = frame["credit_code"].astype(str).duplicated(keep=False)
    if dup.any():
        codes = "、".join(sorted(set(frame.loc[dup, "credit_code"].astype(str)))[:5])
        raise AppError(f"评价数据中统一社会信用代码重复：{codes}。每家企业只能有一行。")
    frame = frame.copy()
    n = len(frame)
    group_of = frame[scheme.group_column].astype(str).to_numpy()
    is_t, t_reason = _not_rated_by_kind(frame, scheme)
    # Columns are built as numpy arrays and put into one frame at the end: .loc assignment per group and
    # column costs more than the arithmetic at every size.
    status = np.full(n, OUTSIDE, dtype=object)
    reason = np.full(n, "", dtype=object)
    cols = {c: np.full(n, np.nan) for c in ("bonus", "malus", "item_points", "total", "rated_among")}
    known = {g.code for g in scheme.groups}
    outside = ~np.isin(group_of, list(known))
    outside_label = pd.Series(group_of[outside]).map(lambda g: scheme.other_groups.get(g, g)).to_numpy(dtype=object)
    reason[outside] = "方案「" + scheme.name + "」不评价" + outside_label + "企业，不参与评价"
    status[is_t & ~outside] = CLASS_T
    reason[is_t & ~outside] = t_reason.to_numpy()[is_t & ~outside]

    item_blocks: list[pd.DataFrame] = []
    all_benchmarks: dict[str, dict[str, float]] = {}
    rated_among: dict[str, int] = {}
    rated_all = np.zeros(n, dtype=bool)
    for group in scheme.groups:
        members = (group_of == group.code) & ~is_t
        bad, bad_text, filled = _input_problems(frame, scheme, group, members)
        missing = members & bad
        status[missing] = MISSING
        reason[missing] = bad_text.to_numpy()[missing] + "，不参与评价"
        rated = members & ~bad
        rated_all |= rated
        rated_among[group.code] = int(rated.sum())
        status[rated] = RATED
        points_sum = np.zeros(n)
        group_benchmarks: dict[str, float] = {}
        for item in group.items:
            fill = filled.get(item.code, np.zeros(n, dtype=bool)) & rated
            basis = rated & ~fill
            values = _item_value(frame, item)
            if benchmarks is not None and item.code in benchmarks.get(group.code, {}):
                bm = float(benchmarks[group.code][item.code])
            else:
                bm = item_benchmark(frame, item, basis)
            group_benchmarks[item.code] = bm
            points, best, worst = item_points(item, values, basis, bm)
            note = np.full(n, "", dtype=object)
            if fill.any():
                policy = next(iter(item.fill_missing.values()))
                code = next(iter(item.fill_missing))
                label = scheme.inputs[code].label
                noun = "家" if scheme.kind == "enterprise" else "个"
                who = "企业" if scheme.kind == "enterprise" else "单位"
                if policy == "mean_points" and basis.any():
                    mean = float(np.nanmean(points[basis]))
                    points[fill] = mean
                    note[fill] = (f"缺少「{label}」，按有该数据的 {int(basis.sum())} {noun}{group.label}参评{who}"
                                  f"平均得分 {mean:.2f} 计")
                elif policy == "mean_points":
                    # Nobody in the group has the figure (no case was due anywhere): the item judges no one,
                    # so everyone gets the full weight and the totals stay on the scheme's scale (a grade
                    # threshold of 90 keeps its meaning); the ranks are unaffected.
                    points[fill] = item.weight
                    note[fill] = (f"本组参评{who}均无「{label}」数据，本项不作比较，按满分 {item.weight:g} 分计")
                else:
                    points[fill] = 0.0
                    note[fill] = f"缺少「{label}」，本项计0分"
            points_sum[rated] += points[rated]
            rows = np.flatnonzero(rated)
            item_blocks.append(pd.DataFrame({
                "row": frame.index.to_numpy()[rows], "group": group.code, "item": item.code,
                "value": np.where(fill, np.nan, values)[rows], "benchmark": bm,
                "best": best, "worst": worst, "points": points[rows], "filled": fill[rows], "note": note[rows],
            }))
        all_benchmarks[group.code] = group_benchmarks
        bonus = _adjustments(frame, group.bonus, group.bonus_cap)
        malus = _adjustments(frame, group.malus, group.malus_cap)
        cols["bonus"][rated] = bonus[rated]
        cols["malus"][rated] = malus[rated]
        cols["item_points"][rated] = points_sum[rated]
        cols["total"][rated] = round_half_up(points_sum[rated] + bonus[rated] - malus[rated], scheme.rank_decimals)
        cols["rated_among"][rated] = rated.sum()

    firms = pd.DataFrame({
        "credit_code": frame["credit_code"].astype(str).to_numpy(),
        "name": frame["name"].astype(str).to_numpy() if "name" in frame.columns else "",
        "group": group_of, "status": status, "reason": reason, **cols,
    }, index=frame.index)
    firms = _rank_and_class(firms, frame, scheme, rated_all)
    items = pd.concat(item_blocks, ignore_index=True) if item_blocks else pd.DataFrame(
        columns=["row", "group", "item", "value", "benchmark", "best", "worst", "points", "filled", "note"])
    cutoffs = _cutoffs(scheme, rated_among)
    return Evaluation(scheme=scheme, firms=firms, items=items, benchmarks=all_benchmarks, cutoffs=cutoffs,
                      rated_among=rated_among, inputs=frame)


def _adjustments(frame: pd.DataFrame, adjustments: list[Any], cap: float | None) -> np.ndarray:
    total = np.zeros(len(frame))
    for adj in adjustments:
        if adj.column not in frame.columns:
            raise AppError(f"评价数据缺少加减分列「{adj.column}」（{adj.label}）。")
        raw = pd.to_numeric(frame[adj.column].replace({True: 1, False: 0}), errors="coerce").fillna(0.0)
        points = np.maximum(raw.to_numpy(dtype=float), 0.0) * adj.points_per_unit
        total += np.minimum(points, adj.cap) if adj.cap is not None else points
    return np.minimum(total, cap) if cap is not None else total


def _cutoffs(scheme: Scheme, rated_among: dict[str, int]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    if scheme.classes is None:  # a unit scheme (赛马) ranks only
        return out
    for code, n in rated_among.items():
        if scheme.class_rules.by == "rank_percentile":
            out[code] = {lv.code: float(class_cutoff(lv.top_share, n)) for lv in scheme.class_rules.levels[:-1]}  # type: ignore[arg-type]
        else:
            out[code] = {lv.code: float(lv.min_total) for lv in scheme.class_rules.levels[:-1]}  # type: ignore[arg-type]
    return out


def _rank_and_class(firms: pd.DataFrame, frame: pd.DataFrame, scheme: Scheme, rated: np.ndarray
                    ) -> pd.DataFrame:
    """Rank within each group, class by rank or score, then apply veto and protection; explain each step.
    A scheme without classes (kind unit, e.g. the county 赛马) gets the rank and its sentence only."""
    if scheme.classes is None:
        return _rank_only(firms, scheme, rated)
    codes = np.array(scheme.class_rules.codes, dtype=object)
    group_labels = {g.code: g.label for g in scheme.groups}
    n_all = len(firms)
    out = {
        "rank": np.full(n_all, np.nan), "tied_with": np.full(n_all, np.nan),
        "class_by_rank": np.full(n_all, None, dtype=object),
        "class_initial": np.full(n_all, None, dtype=object),
        "reason_rank": np.full(n_all, "", dtype=object), "reason_flag": np.full(n_all, "", dtype=object),
    }
    out["class_initial"][firms["status"].to_numpy() == CLASS_T] = scheme.flags.not_rated_class
    if not rated.any():
        return _assign(firms, out)
    r = firms.loc[rated]
    rank = competition_rank(r["total"], r["group"]).to_numpy()
    n = r["rated_among"].to_numpy()
    tied = r.groupby(["group", "total"])["total"].transform("size").to_numpy()
    if scheme.class_rules.by == "rank_percentile":
        idx, decided = _classes_by_rank(scheme, rank, n)
    else:
        idx = _classes_by_score(scheme, r["total"].to_numpy())
        decided = np.full(idx.shape, np.nan)
    by_rank = codes[idx]
    final = idx.copy()
    flag = _flag_column(frame, scheme).loc[r.index].to_numpy()
    flag_reason = _flag_reason(frame, scheme).loc[r.index]
    reason_flag = np.full(len(r), "", dtype=object)
    why = flag_reason.map(lambda s: f"（{s}）" if s else "").to_numpy()
    if scheme.flags.protect is not None:
        rule = scheme.flags.protect
        floor = scheme.class_rules.codes.index(rule.worst_class)  # type: ignore[arg-type]
        hit = flag == rule.value
        lifted = hit & (final > floor)
        final = np.where(hit, np.minimum(final, floor), final)
        reason_flag = np.where(lifted, "年度标记「" + rule.value + "」" + why + f"：最低评为{rule.worst_class}类，由"
                               + by_rank.astype(str) + f"类调为{rule.worst_class}类", reason_flag)
        reason_flag = np.where(hit & ~lifted, "年度标记「" + rule.value + "」" + why +
                               f"：最低评为{rule.worst_class}类，按排名已不低于{rule.worst_class}类，不作调整", reason_flag)
    if scheme.flags.veto is not None:
        rule = scheme.flags.veto
        ceiling = scheme.class_rules.codes.index(rule.best_class)  # type: ignore[arg-type]
        hit = flag == rule.value
        lowered = hit & (final < ceiling)
        final = np.where(hit, np.maximum(final, ceiling), final)
        reason_flag = np.where(lowered, "年度标记「" + rule.value + "」" + why + f"：最高评为{rule.best_class}类，由"
                               + by_rank.astype(str) + f"类调为{rule.best_class}类", reason_flag)
        reason_flag = np.where(hit & ~lowered, "年度标记「" + rule.value + "」" + why +
                               f"：最高评为{rule.best_class}类，按排名已不高于{rule.best_class}类，不作调整", reason_flag)
    out["rank"][rated] = rank
    out["tied_with"][rated] = tied - 1
    out["class_by_rank"][rated] = by_rank
    out["class_initial"][rated] = codes[final]
    out["reason_flag"][rated] = reason_flag
    # Why the class by rank is what it is, in one sentence per firm. Text is built column-wise: numbers
    # through numpy's vectorised formatting, per-class phrases by indexing a small table with the class.
    glabel = r["group"].map(group_labels).to_numpy(dtype=object)
    n_text = _ints(n)
    head = ("总分 " + _fmt(r["total"].to_numpy(), scheme.rank_decimals) + " 分，在 " + n_text + " 家" + glabel +
            "参评企业中排第 " + _ints(rank) + " 名")
    head = np.where(tied > 1, head + "（" + _ints(tied) + " 家并列）", head)
    cls_label = np.array([lv.label for lv in scheme.class_rules.levels], dtype=object)[idx]
    if scheme.class_rules.by == "rank_percentile":
        share_text = np.array([f"{lv.top_share:.2f}" if lv.top_share else "—" for lv in scheme.class_rules.levels],
                              dtype=object)[idx]
        inside = ("，不超过" + by_rank + "类线（前 round(" + share_text + "×" + n_text + ") = " +
                  _ints(np.nan_to_num(decided)) + " 名）")
        last_prev = scheme.class_rules.levels[-2]
        k_prev = class_cutoff(last_prev.top_share, n)  # type: ignore[arg-type]
        beyond = "，在" + last_prev.code + "类线（前 " + _ints(k_prev) + " 名）之外"
        tail = np.where(idx == len(codes) - 1, beyond, inside)
    else:
        mins = np.array([f"{lv.min_total:g}" if lv.min_total is not None else "—" for lv in scheme.class_rules.levels],
                        dtype=object)[idx]
        tail = np.where(idx == len(codes) - 1, "，低于各类分数线", "，达到" + by_rank + "类分数线 " + mins + " 分")
    out["reason_rank"][rated] = head + tail + " → 按排名为" + by_rank + "类（" + cls_label + "）"
    return _assign(firms, out)


def _rank_only(firms: pd.DataFrame, scheme: Scheme, rated: np.ndarray) -> pd.DataFrame:
    """Competition rank within each group of the rated rows, and the reason sentence; no class columns
    are filled (they stay None so the frame has the same columns as a classed evaluation)."""
    n_all = len(firms)
    out = {
        "rank": np.full(n_all, np.nan), "tied_with": np.full(n_all, np.nan),
        "class_by_rank": np.full(n_all, None, dtype=object), "class_initial": np.full(n_all, None, dtype=object),
        "reason_rank": np.full(n_all, "", dtype=object), "reason_flag": np.full(n_all, "", dtype=object),
    }
    if rated.any():
        r = firms.loc[rated]
        rank = competition_rank(r["total"], r["group"]).to_numpy()
        tied = r.groupby(["group", "total"])["total"].transform("size").to_numpy()
        glabel = r["group"].map({g.code: g.label for g in scheme.groups}).to_numpy(dtype=object)
        head = ("总分 " + _fmt(r["total"].to_numpy(), scheme.rank_decimals) + " 分，在 " +
                _ints(r["rated_among"].to_numpy()) + " 个" + glabel + "参评单位中排第 " + _ints(rank) + " 名")
        out["rank"][rated] = rank
        out["tied_with"][rated] = tied - 1
        out["reason_rank"][rated] = np.where(tied > 1, head + "（" + _ints(tied) + " 个并列）", head)
    return _assign(firms, out)


def _assign(firms: pd.DataFrame, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    # Object columns stay object, so a missing class is None (not NaN) in the JSON and in comparisons.
    return firms.assign(**{k: pd.Series(v, index=firms.index, dtype=v.dtype if v.dtype != object else object)
                           for k, v in columns.items()})


def class_counts(ev: Evaluation, column: str = "class_initial") -> dict[str, int]:
    """Firms per class (T included; not-rated-for-missing-data firms have no class)."""
    codes = [*ev.scheme.class_rules.codes, ev.scheme.flags.not_rated_class]
    counts = ev.firms[column].value_counts()
    return {c: int(counts.get(c, 0)) for c in codes}
