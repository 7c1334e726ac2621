""""What it would take": the smallest increase of one input (tax_paid) that lifts a firm one class up.

Pure and vectorised, closed form. All else equal and against this year's benchmarks and boundaries:
the benchmarks, the other firms' totals, n and the class cut-offs stay as evaluated.

Method. To reach class t a firm needs rank ≤ k_t (k_t = round_half_up(share_t × n)). Its rank is 1 + the
number of firms with a higher total, so it needs a published total ≥ T*, the k_t-th highest total of the
group (the firm is not among the top k_t, since it is below class t). For score thresholds T* is the
class's minimum total. With totals rounded half-up to d decimals, the raw total must reach
T* − 0.5 × 10^(−d). The needed gain in points is that minus the firm's raw total.

Every item whose numerator is the input and whose method is ratio_to_benchmark or completion_rate
(higher is better) gives points w·min(x·s/(den·bm), c): linear in the input x until it saturates at the
breakpoint x = c·den·bm/s. The firm's points as a function of x are therefore piecewise linear,
increasing and concave, with at most m breakpoints (m = such items). We evaluate the points and the slope
at the current value and at every breakpoint (an n × (m+1) array), pick the segment where the target
falls, and solve the linear piece: x* = start + (target − f(start)) ÷ slope. No search, no loop per firm.
The answer is rounded up to 0.01 万元. No answer (NaN) when the firm is already in the best class, when a
veto caps it where it is, when the class has no places (k_t = 0), or when even saturating every item that
uses the input is not enough; the note says which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.scoring.calc import RATED, Evaluation

UNIT_DECIMALS = 2  # the answer is rounded up to 0.01 of the input's unit (0.01 万元 = 100 元)


def _target_totals(ev: Evaluation, target_idx: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """T*: the total a firm must publish to enter class index target_idx in its group."""
    scheme = ev.scheme
    levels = scheme.class_rules.levels
    out = np.full(target_idx.shape, np.nan)
    rated = ev.firms[ev.firms["status"] == RATED]
    for group, totals in rated.groupby("group")["total"]:
        ordered = np.sort(totals.to_numpy())[::-1]
        in_group = groups == group
        for j, level in enumerate(levels[:-1]):
            hit = in_group & (target_idx == j)
            if not hit.any():
                continue
            if scheme.class_rules.by == "score_thresholds":
                out[hit] = level.min_total
            else:
                k = int(ev.cutoffs[str(group)][level.code])
                out[hit] = ordered[k - 1] if 1 <= k <= len(ordered) else np.nan
    return out


def increase_to_next_class(ev: Evaluation, input_code: str = "tax_paid") -> pd.DataFrame:
    """Per rated firm: the next class up, the smallest increase of `input_code` that reaches it, a note."""
    scheme = ev.scheme
    firms = ev.firms
    codes = scheme.class_rules.codes
    rated = (firms["status"] == RATED).to_numpy()
    out = pd.DataFrame(index=firms.index)
    out["next_class"] = None
    out["increase"] = np.nan
    out["note"] = ""
    if not rated.any():
        return out
    idx = np.full(len(firms), -1)
    idx[rated] = firms.loc[rated, "class_initial"].map(codes.index).to_numpy()
    target = idx - 1
    groups = firms["group"].to_numpy()
    flag = ev.inputs[scheme.flags.column].fillna("").astype(str).str.strip().to_numpy() \
        if scheme.flags.column in ev.inputs.columns else np.full(len(firms), "")
    ceiling = np.full(len(firms), 0)
    if scheme.flags.veto is not None:
        ceiling = np.where(flag == scheme.flags.veto.value, codes.index(scheme.flags.veto.best_class), 0)  # type: ignore[arg-type]
    top = rated & (idx == 0)
    capped = rated & ~top & (target < ceiling)
    asks = rated & ~top & ~capped
    out.loc[top, "note"] = f"已是最高类（{codes[0]}类）"
    best_allowed = (scheme.flags.veto.best_class or "") if scheme.flags.veto else ""
    out.loc[capped, "note"] = f"有否决标记，最高只能评为{best_allowed}类"
    out.loc[asks, "next_class"] = np.array(codes, dtype=object)[target[asks]]

    t_star = _target_totals(ev, target, groups)
    no_place = asks & np.isnan(t_star)
    out.loc[no_place, "note"] = "上一类没有名额（该类名额按参评企业数四舍五入为0）"
    asks &= ~no_place
    half = 0.5 * 10.0 ** (-scheme.rank_decimals)
    raw_total = (firms["item_points"] + firms["bonus"].fillna(0) - firms["malus"].fillna(0)).to_numpy(dtype=float)
    gain = t_star - half - raw_total

    x0 = ev.inputs[input_code].to_numpy(dtype=float)
    for group in scheme.groups:
        in_group = asks & (groups == group.code)
        if not in_group.any():
            continue
        uses = [i for i in group.items if input_code in i.inputs]
        bad = [i.code for i in uses if i.numerator != input_code or i.direction != "higher"
               or i.method not in {"ratio_to_benchmark", "completion_rate"}]
        if bad:
            raise AppError(f"方案「{scheme.name}」中 {bad} 不是以「{input_code}」为分子、越高越好的比值项，"
                           "无法用闭式计算所需增量。")
        if not uses:
            out.loc[in_group, "note"] = f"{group.label}企业的评价项目不含「{input_code}」"
            continue
        rows = np.flatnonzero(in_group)
        a, cap_points, breaks = _segments(ev, group.code, uses, rows)
        x_star = _solve(x0[rows], gain[rows], a, cap_points, breaks)
        increase = x_star - x0[rows]
        impossible = np.isnan(increase)
        increase = np.ceil(np.maximum(increase, 0.0) * 10**UNIT_DECIMALS - 1e-6) / 10**UNIT_DECIMALS
        out.loc[out.index[rows], "increase"] = np.where(impossible, np.nan, increase)
        label = scheme.inputs[input_code].label
        out.loc[out.index[rows[impossible]], "note"] = f"即使「{label}」相关各项得分全部封顶也达不到上一类"
        ok = rows[~impossible]
        if not ok.size:
            continue
        out.loc[out.index[ok], "note"] = ("其他条件不变、按今年基准值和分档线，" + label + "至少增加 " +
                                          pd.Series(increase[~impossible]).map(lambda v: f"{v:,.2f}").to_numpy() +
                                          f" {scheme.inputs[input_code].unit}可升为" +
                                          out.loc[out.index[ok], "next_class"].astype(str).to_numpy() + "类")
    return out


def _segments(ev: Evaluation, group: str, uses: list, rows: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per firm and item: points per unit of input (a), the item's maximum points, the saturation point."""
    frame = ev.inputs.iloc[rows]
    m = len(uses)
    a = np.zeros((len(rows), m))
    max_points = np.zeros((len(rows), m))
    breaks = np.zeros((len(rows), m))
    items = ev.items
    for j, item in enumerate(uses):
        bm = ev.benchmarks[group][item.code]
        den = np.ones(len(rows)) if item.denominator is None else frame[item.denominator].to_numpy(dtype=float)
        cap = 1.0 if item.method == "completion_rate" else (item.cap if item.cap is not None else np.inf)
        a[:, j] = item.weight * item.scale / (den * bm)
        max_points[:, j] = item.weight * cap
        breaks[:, j] = cap * den * bm / item.scale
        # An item filled with mean points does not move with the input.
        filled = items[(items["group"] == group) & (items["item"] == item.code) & items["filled"]]["row"]
        frozen = np.isin(ev.inputs.index.to_numpy()[rows], filled.to_numpy())
        a[frozen, j] = 0.0
        breaks[frozen, j] = 0.0
        max_points[frozen, j] = 0.0
    return a, max_points, breaks


def _points(x: np.ndarray, a: np.ndarray, max_points: np.ndarray) -> np.ndarray:
    """Σ_i min(a_i·x, max_i) for x of shape (n, k) → (n, k)."""
    return np.minimum(a[:, None, :] * x[:, :, None], max_points[:, None, :]).sum(axis=2)


def _solve(x0: np.ndarray, gain: np.ndarray, a: np.ndarray, max_points: np.ndarray, breaks: np.ndarray
           ) -> np.ndarray:
    """Smallest x ≥ x0 with f(x) − f(x0) ≥ gain, f piecewise linear (see the module docstring)."""
    starts = np.concatenate([x0[:, None], np.maximum(breaks, x0[:, None])], axis=1)  # (n, m+1)
    starts = np.sort(starts, axis=1)
    finite_starts = np.where(np.isfinite(starts), starts, x0[:, None])
    f = _points(finite_starts, a, max_points)
    f0 = f[:, :1]
    need = f0[:, 0] + gain
    # slope after each start: items not yet saturated there
    slope = (a[:, None, :] * (breaks[:, None, :] > finite_starts[:, :, None])).sum(axis=2)
    reachable = f <= need[:, None] + 1e-12
    last = reachable.shape[1] - 1 - np.argmax(reachable[:, ::-1], axis=1)  # last start with f ≤ need
    pick = np.arange(len(x0))
    s_start, s_f, s_slope = finite_starts[pick, last], f[pick, last], slope[pick, last]
    with np.errstate(divide="ignore", invalid="ignore"):
        x = s_start + (need - s_f) / s_slope
    x = np.where(gain <= 0, x0, x)
    x = np.where((gain > 0) & ~(s_slope > 0), np.nan, x)
    return x
