"""Table-driven tests of each scoring method, benchmark kind, missing-data rule, bonus/malus, rounding, ranks
and class rules of the engine (newind.scoring.calc), each against a hand calculation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.scoring.calc import (
    class_counts,
    class_cutoff,
    competition_rank,
    evaluate,
    item_benchmark,
    item_points,
    round_half_up,
)
from newind.scoring.schemes import Item, Scheme

NAN = float("nan")


def item(**kw) -> Item:  # noqa: ANN003
    base = {"code": "x", "label": "x", "numerator": "a", "unit": "u", "weight": 10, "method": "ratio_to_benchmark",
            "benchmark": {"kind": "aggregate"}}
    base.update(kw)
    return Item.model_validate(base)


ALL = np.ones(4, dtype=bool)
# (case, item fields, values, benchmark, expected points)
POINTS = [
    ("ratio, below cap", {"cap": 1.5}, [1.0, 2.0, 3.0, 4.0], 2.0, [5.0, 10.0, 15.0, 15.0]),
    ("ratio, no cap", {}, [1.0, 2.0, 3.0, 8.0], 2.0, [5.0, 10.0, 15.0, 40.0]),
    ("ratio, cap 1.2", {"cap": 1.2}, [1.0, 2.0, 2.4, 5.0], 2.0, [5.0, 10.0, 12.0, 12.0]),
    ("ratio, lower is better", {"direction": "lower", "cap": 1.5}, [1.0, 2.0, 4.0, 8.0], 2.0,
     [15.0, 10.0, 5.0, 2.5]),  # benchmark ÷ value: 2, 1, 0.5, 0.25 (2 capped at 1.5)
    ("ratio, zero value", {"cap": 1.5}, [0.0, 2.0, 1.0, 3.0], 2.0, [0.0, 10.0, 5.0, 15.0]),
    ("ratio, zero benchmark", {"cap": 1.5}, [0.0, 0.0, 0.0, 0.0], 0.0, [0.0, 0.0, 0.0, 0.0]),
    ("ratio, lower is better, zero value", {"direction": "lower", "cap": 1.5}, [0.0, 2.0, 4.0, 1.0], 2.0,
     [15.0, 10.0, 5.0, 15.0]),
    ("completion, capped at the weight", {"method": "completion_rate"}, [1.0, 2.0, 3.0, 0.5], 2.0,
     [5.0, 10.0, 10.0, 2.5]),
    ("completion, lower is better", {"method": "completion_rate", "direction": "lower"}, [1.0, 2.0, 4.0, 2.5], 2.0,
     [10.0, 10.0, 5.0, 8.0]),
    # 功效系数法 over the data: best 10, worst 2 → 60 + 40 × (v − 2)/8, × weight/100
    ("efficacy, from data", {"method": "efficacy_coefficient", "benchmark": None}, [2.0, 4.0, 6.0, 10.0], NAN,
     [6.0, 7.0, 8.0, 10.0]),
    ("efficacy, lower is better", {"method": "efficacy_coefficient", "benchmark": None, "direction": "lower"},
     [2.0, 4.0, 6.0, 10.0], NAN, [10.0, 9.0, 8.0, 6.0]),
    # fixed 满意值 8 and 不允许值 4, clipped to [60, 100]: 2 → 60, 4 → 60, 6 → 80, 10 → 100
    ("efficacy, fixed best and worst", {"method": "efficacy_coefficient", "benchmark": None, "best": 8, "worst": 4},
     [2.0, 4.0, 6.0, 10.0], NAN, [6.0, 6.0, 8.0, 10.0]),
    ("efficacy, all equal", {"method": "efficacy_coefficient", "benchmark": None}, [3.0, 3.0, 3.0, 3.0], NAN,
     [10.0, 10.0, 10.0, 10.0]),
    # rank points: weight × (m − r + 1)/m with competition ranks (ties share the better rank)
    ("rank points", {"method": "rank_points", "benchmark": None}, [5.0, 9.0, 9.0, 1.0], NAN,
     [5.0, 10.0, 10.0, 2.5]),  # ranks 3, 1, 1, 4 of 4
    ("rank points, lower is better", {"method": "rank_points", "benchmark": None, "direction": "lower"},
     [5.0, 9.0, 9.0, 1.0], NAN, [7.5, 5.0, 5.0, 10.0]),  # ranks 2, 3, 3, 1
]


@pytest.mark.parametrize(("case", "fields", "values", "benchmark", "expected"), POINTS, ids=[p[0] for p in POINTS])
def test_item_points_by_method(case, fields, values, benchmark, expected) -> None:  # noqa: ANN001
    points, _best, _worst = item_points(item(**fields), np.array(values), ALL, benchmark)
    assert points.tolist() == pytest.approx(expected)


def test_points_are_nan_outside_the_basis() -> None:
    basis = np.array([True, False, True, True])
    points, _, _ = item_points(item(method="rank_points", benchmark=None), np.array([5.0, 99.0, 9.0, 1.0]), basis,
                               NAN)
    assert np.isnan(points[1])
    assert points[[0, 2, 3]].tolist() == pytest.approx([10 * 2 / 3, 10.0, 10 / 3])  # ranks 2, 1, 3 of 3


# (case, benchmark spec, denominator?, expected): numerators [10, 20, 30], denominators [5, 5, 10];
# the basis leaves the third firm out.
BENCHMARKS = [
    ("aggregate ratio", {"kind": "aggregate"}, True, (10 + 20) / (5 + 5)),
    ("multiple", {"kind": "multiple", "factor": 2}, True, 2 * 30 / 10),
    ("fixed", {"kind": "fixed", "value": 7.5}, True, 7.5),
    ("aggregate of one input is the mean", {"kind": "aggregate"}, False, (10 + 20) / 2),
]


@pytest.mark.parametrize(("case", "spec", "ratio", "expected"), BENCHMARKS, ids=[b[0] for b in BENCHMARKS])
def test_benchmark_kinds(case, spec, ratio, expected) -> None:  # noqa: ANN001
    frame = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [5.0, 5.0, 10.0]})
    it = item(benchmark=spec, denominator="b" if ratio else None)
    assert item_benchmark(frame, it, np.array([True, True, False])) == pytest.approx(expected)


def test_scale_makes_a_percentage() -> None:
    frame = pd.DataFrame({"a": [2.0, 6.0], "b": [100.0, 300.0]})
    it = item(denominator="b", scale=100)
    assert item_benchmark(frame, it, np.array([True, True])) == pytest.approx(2.0)  # 8 ÷ 400 × 100 %


@pytest.mark.parametrize(("x", "decimals", "expected"), [
    (2.5, 0, 3.0), (3.5, 0, 4.0), (0.125, 2, 0.13), (1.005, 2, 1.01), (-2.5, 0, -3.0), (77.0739, 2, 77.07),
    (0.2 * 8, 0, 2.0), (0.75 * 6, 0, 5.0), (0.95 * 10, 0, 10.0), (0.75 * 2, 0, 2.0), (0.2 * 2, 0, 0.0),
])
def test_round_half_up_is_not_bankers_rounding(x: float, decimals: int, expected: float) -> None:
    assert round_half_up(x, decimals) == expected


@pytest.mark.parametrize(("share", "n", "k"), [
    (0.20, 8, 2), (0.75, 8, 6), (0.95, 8, 8), (0.20, 10, 2), (0.75, 10, 8), (0.95, 10, 10), (0.95, 11, 10),
    (0.75, 6, 5), (0.20, 2, 0), (0.75, 2, 2), (0.60, 5, 3), (0.95, 20, 19), (0.20, 1, 0), (0.75, 1, 1),
])
def test_class_cutoffs(share: float, n: int, k: int) -> None:
    assert class_cutoff(share, n) == k


def test_competition_rank_shares_ties_within_groups() -> None:
    values = pd.Series([90.0, 80.0, 80.0, 70.0, 50.0, 60.0])
    groups = pd.Series(["a", "a", "a", "a", "b", "b"])
    assert competition_rank(values, groups).tolist() == [1, 2, 2, 4, 2, 1]


# --- whole evaluations on small frames, with a scheme built in the test ----------------------------------

def scheme(**over) -> Scheme:  # noqa: ANN003
    data = {
        "code": "t", "version": 1, "name": "测试方案", "source": "测试",
        "inputs": {"a": {"label": "甲", "unit": "万元"}, "b": {"label": "乙", "unit": "亩"},
                   "c": {"label": "丙", "unit": "吨"}},
        "groups": [{"code": "g", "label": "一组", "items": [
            {"code": "ab", "label": "甲/乙", "numerator": "a", "denominator": "b", "unit": "万元/亩", "weight": 60,
             "method": "ratio_to_benchmark", "cap": 1.5, "benchmark": {"kind": "aggregate"}},
            {"code": "ac", "label": "甲/丙", "numerator": "a", "denominator": "c", "unit": "万元/吨", "weight": 40,
             "method": "ratio_to_benchmark", "cap": 1.5, "benchmark": {"kind": "aggregate"},
             "fill_missing": {"c": "mean_points"}},
        ]}],
        "classes": {"by": "rank_percentile", "levels": [
            {"code": "A", "label": "甲类", "top_share": 0.5}, {"code": "B", "label": "乙类"}]},
        "flags": {"veto": {"value": "否决", "label": "否决", "best_class": "B"},
                  "protect": {"value": "保护", "label": "保护", "worst_class": "A"},
                  "not_rated_values": ["不参评"]},
    }
    data.update(over)
    return Scheme.model_validate(data)


def frame(rows: list[tuple]) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=["credit_code", "a", "b", "c", "flag"])
    f["size"] = "g"
    f["name"] = f["credit_code"]
    return f


def test_missing_rules_mean_points_and_not_rated() -> None:
    ev = evaluate(frame([("F1", 10.0, 5.0, 2.0, ""), ("F2", 20.0, 5.0, 8.0, ""), ("F3", 30.0, 10.0, NAN, ""),
                         ("F4", NAN, 5.0, 1.0, ""), ("F5", 10.0, 0.0, 1.0, ""), ("F6", 10.0, 5.0, 0.0, "")]),
                    scheme())
    f = ev.firms.set_index("credit_code")
    assert f.loc["F4", "reason"] == "缺少「甲」，不参与评价"
    assert f.loc["F5", "reason"] == "「乙」为0或负数，不参与评价"
    assert f.loc["F6", "reason"] == "「丙」为0或负数，不参与评价"  # a zero is not a missing figure
    # Benchmarks over F1–F3: ab = 60/20 = 3; ac over F1, F2 only (F3 has no 丙) = 30/10 = 3.
    assert ev.benchmarks["g"] == {"ab": 3.0, "ac": 3.0}
    pts = ev.items.assign(code=ev.firms["credit_code"].loc[ev.items["row"]].to_numpy()).set_index(["code", "item"])
    # F1: ab 2/3 → 40; ac 5/3 → capped 1.5 → 60. F2: ab 4/3 → 80; ac 2.5/3 → 33.33. F3: ab 1 → 60; ac = mean.
    assert pts.loc[("F1", "ab"), "points"] == pytest.approx(40.0)
    assert pts.loc[("F1", "ac"), "points"] == pytest.approx(60.0)
    assert pts.loc[("F2", "ac"), "points"] == pytest.approx(40 * 2.5 / 3)
    assert pts.loc[("F3", "ac"), "points"] == pytest.approx((60.0 + 40 * 2.5 / 3) / 2)
    assert "按有该数据的 2 家一组参评企业平均得分" in pts.loc[("F3", "ac"), "note"]


def test_zero_points_fill_and_allowed_zero_numerator() -> None:
    s = scheme()
    # Both items have 甲 as numerator, so both must allow a zero for F1 to be rated.
    items = [s.groups[0].items[0].model_copy(update={"zero_numerator": "allowed"}),
             s.groups[0].items[1].model_copy(update={"fill_missing": {"c": "zero_points"},
                                                     "zero_numerator": "allowed"})]
    s = s.model_copy(update={"groups": [s.groups[0].model_copy(update={"items": items})]})
    ev = evaluate(frame([("F1", 0.0, 5.0, 2.0, ""), ("F2", 20.0, 5.0, NAN, "")]), s)
    f = ev.firms.set_index("credit_code")
    assert list(f["status"]) == ["rated", "rated"]
    pts = ev.items.assign(code=ev.firms["credit_code"].loc[ev.items["row"]].to_numpy()).set_index(["code", "item"])
    assert pts.loc[("F1", "ab"), "points"] == 0.0
    assert pts.loc[("F2", "ac"), "points"] == 0.0 and pts.loc[("F2", "ac"), "note"] == "缺少「丙」，本项计0分"


def test_bonus_and_malus_with_caps() -> None:
    group = scheme().groups[0].model_dump()
    group.update({
        "bonus": [{"code": "hi", "label": "高新", "column": "hi", "points_per_unit": 3},
                  {"code": "pat", "label": "专利", "column": "pat", "points_per_unit": 1, "cap": 4}],
        "bonus_cap": 5,
        "malus": [{"code": "acc", "label": "事故", "column": "acc", "points_per_unit": 10}], "malus_cap": 15})
    s = scheme(groups=[group])
    f = frame([("F1", 10.0, 5.0, 2.0, ""), ("F2", 10.0, 5.0, 2.0, ""), ("F3", 10.0, 5.0, 2.0, "")])
    f["hi"] = [True, False, True]
    f["pat"] = [0, 6, 1]
    f["acc"] = [0, 0, 2]
    ev = evaluate(f, s)
    firms = ev.firms.set_index("credit_code")
    # Equal inputs: ab 1 → 60, ac 1 → 40, 100 points each.
    assert firms["bonus"].tolist() == [3.0, 4.0, 4.0]  # F2: patents 6 capped at 4; F3: 3 + 1 = 4
    assert firms["malus"].tolist() == [0.0, 0.0, 15.0]  # 2 accidents × 10 = 20, capped at 15
    assert firms["total"].tolist() == [103.0, 104.0, 89.0]
    assert firms["rank"].tolist() == [2, 1, 3]


def test_veto_protect_and_not_rated_flags() -> None:
    rows = [("F1", 40.0, 5.0, 2.0, "否决"), ("F2", 20.0, 5.0, 2.0, ""), ("F3", 10.0, 5.0, 2.0, "保护"),
            ("F4", 5.0, 5.0, 2.0, ""), ("F5", 500.0, 1.0, 1.0, "不参评")]
    ev = evaluate(frame(rows), scheme())
    f = ev.firms.set_index("credit_code")
    # n = 4 (F5 is T): A if r ≤ round(2.0) = 2. Ranks by a: F1 1, F2 2, F3 3, F4 4.
    assert f["class_by_rank"].tolist()[:4] == ["A", "A", "B", "B"]
    assert f["class_initial"].tolist() == ["B", "A", "A", "B", "T"]
    assert ev.rated_among == {"g": 4}
    # F5's huge figures are not in the benchmark: Σa ÷ Σb over F1–F4 = 75 / 20.
    assert ev.benchmarks["g"]["ab"] == pytest.approx(75 / 20)
    assert class_counts(ev) == {"A": 2, "B": 2, "T": 1}


def test_classes_by_score_thresholds() -> None:
    s = scheme(classes={"by": "score_thresholds", "levels": [
        {"code": "A", "label": "甲", "min_total": 100}, {"code": "B", "label": "乙", "min_total": 80},
        {"code": "C", "label": "丙"}]}, flags={})
    # ab benchmark = 70/20 = 3.5; c equal so ac points follow a: F1 a/b 6/3.5 capped → 60 + 60;
    rows = [("F1", 30.0, 5.0, 1.0, ""), ("F2", 17.5, 5.0, 1.0, ""), ("F3", 15.0, 5.0, 1.0, ""),
            ("F4", 7.5, 5.0, 1.0, "")]
    ev = evaluate(frame(rows), s)
    f = ev.firms.set_index("credit_code")
    # Σa = 70, Σb = 20 → 3.5; Σc = 4 → ac benchmark 17.5. F2: 3.5/3.5 → 60, 17.5/17.5 → 40: 100 → A.
    # F3: 60 × 3/3.5 + 40 × 15/17.5 = 51.43 + 34.29 = 85.71 → B. F4: 60 × 1.5/3.5 + 40 × 7.5/17.5 = 42.86 → C.
    assert f["total"].tolist() == pytest.approx([150.0, 100.0, round(100 * 15 / 17.5, 2), round(100 * 7.5 / 17.5, 2)])
    assert f["class_initial"].tolist() == ["A", "A", "B", "C"]
    assert "达到B类分数线 80 分" in f.loc["F3", "reason_rank"]


def test_a_group_outside_the_scheme_is_not_rated_and_a_missing_column_is_named() -> None:
    f = frame([("F1", 10.0, 5.0, 2.0, "")])
    f.loc[0, "size"] = "h"
    ev = evaluate(f, scheme())
    assert ev.firms.loc[0, "status"] == "outside" and ev.firms.loc[0, "reason"] == "方案「测试方案」不评价h企业，不参与评价"
    with pytest.raises(AppError, match="缺少列：c"):
        evaluate(f.drop(columns=["c"]), scheme())


def test_fixed_benchmarks_are_used_when_given() -> None:
    f = frame([("F1", 10.0, 5.0, 2.0, ""), ("F2", 20.0, 5.0, 2.0, "")])
    ev = evaluate(f, scheme(), benchmarks={"g": {"ab": 4.0}})
    assert ev.benchmarks["g"]["ab"] == 4.0
    assert ev.items.set_index("item").loc["ab", "points"].tolist() == pytest.approx([60 * 2 / 4, 60 * 4 / 4])


def test_a_frame_with_a_gapped_shuffled_index_scores_the_same() -> None:
    rows = [("F1", 40.0, 5.0, 2.0, "否决"), ("F2", 20.0, 5.0, 2.0, ""), ("F3", 10.0, 5.0, NAN, "保护"),
            ("F4", 5.0, 5.0, 2.0, ""), ("F5", NAN, 1.0, 1.0, "")]
    plain = evaluate(frame(rows), scheme()).firms.set_index("credit_code")
    odd = frame(rows)
    odd.index = [40, 7, 13, 2, 99]
    odd = odd.iloc[[3, 0, 4, 2, 1]]
    shuffled = evaluate(odd, scheme()).firms.set_index("credit_code").loc[plain.index]
    cols = ["status", "reason", "total", "rank", "class_by_rank", "class_initial", "reason_rank", "reason_flag"]
    pd.testing.assert_frame_equal(plain[cols], shuffled[cols])


def test_duplicate_firms_are_refused() -> None:
    with pytest.raises(AppError, match="统一社会信用代码重复：F1"):
        evaluate(frame([("F1", 1.0, 1.0, 1.0, ""), ("F1", 2.0, 1.0, 1.0, "")]), scheme())
