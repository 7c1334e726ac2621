"""The assessment's arithmetic against a hand calculation (issue 13 §4, "Done when": on a hand-made scheme
and data, every unit's item points, total, rank, grade and veto equal a hand calculation; the quarterly
commentary names the right leaders and laggards)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from newind.assessment import calc
from newind.assessment.schemes import parse_scheme
from newind.core.errors import AppError

SCHEME = """
code: hand-made
version: 1
name: 手算方案
source: 测试
kind: county
units: {kinds: [county]}
default_type: general
types: {eco: [D01, E01]}
total_weight: 100
veto_best_grade: B
inputs:
  growth: {label: 增速, unit: "%", from: spine, indicator: g}
  done: {label: 完成率, unit: "%", from: targets, indicator: g}
  late: {label: 迟报, unit: 份, from: submissions, measure: late_or_missing}
groups:
  - code: general
    label: 一般县
    items:
      - {code: growth, label: 增速, numerator: growth, unit: "%", weight: 60, method: efficacy_coefficient,
         zero_numerator: signed, fill_missing: {growth: zero_points}}
      - {code: done, label: 完成率, numerator: done, unit: "%", weight: 40, method: completion_rate,
         benchmark: {kind: fixed, value: 100}}
    malus: [{code: late, label: 迟报, column: late, points_per_unit: 1}]
  - code: eco
    label: 生态县
    items:
      - {code: growth, label: 增速, numerator: growth, unit: "%", weight: 40, method: efficacy_coefficient,
         best: 10, worst: 0, zero_numerator: signed}
      - {code: done, label: 完成率, numerator: done, unit: "%", weight: 60, method: completion_rate,
         benchmark: {kind: fixed, value: 100}}
    malus: [{code: late, label: 迟报, column: late, points_per_unit: 1}]
classes:
  by: score_thresholds
  levels:
    - {code: A, label: 优秀, min_total: 90}
    - {code: B, label: 良好, min_total: 80}
    - {code: C, label: 一般, min_total: 60}
    - {code: D, label: 较差}
review: {interview_bottom: 2, interview_below: 78}
rewards: {A: 通报表扬, D: 约谈}
"""
NAMES = {"A01": "甲县", "B01": "乙县", "C01": "丙县", "D01": "丁县", "E01": "戊县", "F01": "己县"}


def _frame(rows: list[tuple[str, float, float, float, str]]) -> pd.DataFrame:
    scheme = parse_scheme(SCHEME)
    codes = [r[0] for r in rows]
    return pd.DataFrame({"code": codes, "name": [NAMES[c] for c in codes], "unit_type": scheme.type_of(codes),
                         "growth": [r[1] for r in rows], "done": [r[2] for r in rows], "late": [r[3] for r in rows],
                         "flag": [r[4] for r in rows],
                         "flag_reason": ["安全生产事故" if r[4] else "" for r in rows]})


NOW = [("A01", 10, 100, 0, ""), ("B01", 2, 90, 1, ""), ("C01", -2, 120, 0, "否决"), ("D01", 5, 95, 0, ""),
       ("E01", 12, 100, 0, "否决"), ("F01", math.nan, 100, 0, "")]
BEFORE = [("A01", 8, 100, 0, ""), ("B01", 6, 90, 1, ""), ("C01", 4, 90, 0, ""), ("D01", 0, 70, 0, ""),
          ("E01", 12, 100, 0, "")]


def test_every_unit_equals_the_hand_calculation() -> None:
    scheme = parse_scheme(SCHEME)
    result = calc.assess(_frame(NOW), scheme)
    units = result.units.set_index("code")
    points = result.items.set_index(["code", "item"])["points"]
    # General counties' growth by 功效系数 among the rated general counties with a figure (A 10, B 2, C −2;
    # F has none and scores 0): best 10, worst −2.
    #   A: 60 × 100 % = 60;   B: 60 × (60 + 40 × (2 − (−2)) ÷ 12) % = 60 × 73.33 % = 44;   C: 60 × 60 % = 36
    # Completion: 40 × min(v ÷ 100, 1): A 40, B 36, C 40 (120 % is capped), F 40.
    # Eco counties, fixed 满意值 10 and 不允许值 0: D 40 × 80 % = 32, E 40 × 100 % (12 is above 10) = 40;
    # completion 60 × min(v ÷ 100, 1): D 57, E 60.
    hand_points = {("A01", "growth"): 60, ("B01", "growth"): 44, ("C01", "growth"): 36, ("F01", "growth"): 0,
                   ("A01", "done"): 40, ("B01", "done"): 36, ("C01", "done"): 40, ("F01", "done"): 40,
                   ("D01", "growth"): 32, ("E01", "growth"): 40, ("D01", "done"): 57, ("E01", "done"): 60}
    for key, expected in hand_points.items():
        assert points[key] == pytest.approx(expected), key
    # Totals: items − 1 per late report. A 100, B 80 − 1 = 79, C 76, D 89, E 100, F 40.
    hand_total = {"A01": 100, "B01": 79, "C01": 76, "D01": 89, "E01": 100, "F01": 40}
    assert units["total"].to_dict() == pytest.approx(hand_total)
    assert units.loc["B01", "malus"] == 1
    # Competition ranks over all counties of both types: A and E share 1st, D 3rd, B 4th, C 5th, F 6th.
    assert units["rank"].astype(int).to_dict() == {"A01": 1, "E01": 1, "D01": 3, "B01": 4, "C01": 5, "F01": 6}
    # Grades by the thresholds 90/80/60; the veto caps E's 优秀 at 良好; C's 一般 is below the cap anyway.
    assert units["grade"].to_dict() == {"A01": "A", "E01": "B", "D01": "B", "B01": "C", "C01": "C", "F01": "D"}
    assert units["grade_label"].to_dict()["E01"] == "良好"
    assert units["grade_by_score"].to_dict()["E01"] == "A"
    assert units["veto"].to_dict() == {"A01": False, "E01": True, "D01": False, "B01": False, "C01": True,
                                       "F01": False}
    blocked = calc.veto_blocked(result.units, scheme)
    assert blocked["code"].tolist() == ["E01"] and blocked.iloc[0]["veto_reason"] == "安全生产事故"
    assert "最高评为B类" in units.loc["E01", "grade_text"]
    assert calc.rewards(result.units, scheme)[["code", "measure"]].values.tolist() == [
        ["A01", "通报表扬"], ["F01", "约谈"]]


def test_each_item_says_its_rule_with_its_numbers() -> None:
    result = calc.assess(_frame(NOW), parse_scheme(SCHEME))
    rules = result.items.set_index(["code", "item"])["rule"]
    assert rules[("B01", "growth")] == ("功效系数法（最优100分、最差60分、线性插值）；参评单位最优值 10.00、最差值 -2.00，"
                                        "2.00 的得分率 73.3%（60%—100%），60 × 73.3% = 44.00")
    assert rules[("C01", "done")] == "完成率法（不超过权重）；120.00 ÷ 100 = 120.0%，超过100%按100%计，40 × 100.0% = 40.00"
    assert rules[("B01", "done")] == "完成率法（不超过权重）；90.00 ÷ 100 = 90.0%，40 × 90.0% = 36.00"
    assert rules[("D01", "growth")].startswith("功效系数法（最优100分、最差60分、线性插值）；满意值 10.00、不允许值 0.00")
    assert rules[("F01", "growth")] == "缺少「增速」，本项计0分"
    assert math.isnan(result.items.set_index(["code", "item"]).loc[("F01", "growth"), "raw"])


def test_the_quarterly_review_names_leaders_risers_fallers_and_laggards() -> None:
    scheme = parse_scheme(SCHEME)
    now = calc.assess(_frame(NOW), scheme)
    before = calc.assess(_frame(BEFORE), scheme)
    # Before (by hand): A 100, E 100, B 48 + 36 − 1 = 83, C 36 + 36 = 72, D 24 + 42 = 66 → ranks 1, 1, 3, 4, 5.
    assert before.units.set_index("code")["rank"].astype(int).to_dict() == {
        "A01": 1, "E01": 1, "B01": 3, "C01": 4, "D01": 5}
    change = calc.rank_change(now.units, before.units)
    by_code = dict(zip(now.units["code"], change, strict=True))
    assert by_code["D01"] == 2 and by_code["B01"] == -1 and by_code["C01"] == -1 and by_code["A01"] == 0
    assert math.isnan(by_code["F01"])  # new this quarter
    assert [calc.rank_change_text(by_code[c]) for c in ("D01", "B01", "A01", "F01")] == ["进位2", "退位1", "持平", "—"]
    talks = calc.interview(now.units, scheme)
    # The bottom 2 of 6 (ranks 5 and 6) and anyone under 78 points: C (76, both rules) and F (40).
    assert talks["code"].tolist() == ["C01", "F01"]
    assert talks.set_index("code").loc["C01", "rule"] == (
        "排名第 5 名，处于 6 个县市区的后 2 名（规则：季度排名后2名约谈主要负责人）；总分 76.00 分，低于 78 分（规则：总分低于78分约谈）")
    text = calc.commentary(now.units, now.items, before.units, before.items, scheme, "2017年1—3季度", talks)
    assert text[0] == "2017年1—3季度，6个县市区参评。甲县以 100.00 分排名第一，领先主要在「增速」、「完成率」；戊县、丁县分列第二、三名。"
    # D rose 2 places: completion 42 → 57 (+15) moved it more than growth 24 → 32 (+8).
    assert text[1] == "进位最多的是丁县，由第 5 名升至第 3 名（进位2），主要是「完成率」得分增加 15.00 分（70.00→95.00%）。"
    # B and C both lost a place; B comes first by rank. B's growth points fell 48 → 44.
    assert text[2] == "退位最多的是乙县，由第 3 名降至第 4 名（退位1），主要是「增速」得分减少 4.00 分（6.00→2.00%）。"
    assert text[3].startswith("丙县排第 5 名（76.00 分），失分主要在「增速」得分率 60.0%")
    assert text[4].startswith("己县排第 6 名（40.00 分），失分主要在「增速」得分率 0.0%") and "列入约谈" in text[4]
    assert calc.commentary(now.units, now.items, None, None, scheme, "一季度", talks)[1] == "本期为首次讲评，没有上期名次可比。"


def test_a_rerun_shows_what_changed() -> None:
    before = [{"code": "A01", "name": "甲县", "total": 80.0, "rank": 1, "grade": "B", "malus": 0, "bonus": 0,
               "veto": False, "items": [{"code": "growth", "label": "增速", "raw": 5.0, "version": 1, "points": 50.0}]}]
    after = [{"code": "A01", "name": "甲县", "total": 90.0, "rank": 1, "grade": "A", "malus": 0, "bonus": 0,
              "veto": False, "items": [{"code": "growth", "label": "增速", "raw": 7.0, "version": 2, "points": 60.0}]},
             {"code": "B01", "name": "乙县", "items": []}]
    out = calc.diff(before, after)
    assert out[0] == {"code": "A01", "name": "甲县", "change": "变化", "total_before": 80.0, "total_after": 90.0,
                      "grade_before": "B", "grade_after": "A",
                      "items": [{"code": "growth", "label": "增速", "raw_before": 5.0, "raw_after": 7.0,
                                 "version_before": 1, "version_after": 2, "points_before": 50.0, "points_after": 60.0}]}
    assert out[1]["change"] == "新增"
    assert calc.diff(after[:1], after[:1]) == []


def test_the_scheme_check_says_when_weights_do_not_add_up() -> None:
    bad = SCHEME.replace("weight: 40, method: completion_rate,\n         benchmark: {kind: fixed, value: 100}}\n    malus",
                         "weight: 35, method: completion_rate,\n         benchmark: {kind: fixed, value: 100}}\n    malus", 1)
    with pytest.raises(AppError) as err:
        parse_scheme(bad, "bad.yaml")
    text = " ".join(p.message for p in err.value.problems)
    assert "组「一般县」各项权重合计 95 分，应为 100 分" in text


def test_a_county_type_without_a_group_is_refused() -> None:
    with pytest.raises(AppError, match="单位分类 hills"):
        parse_scheme(SCHEME.replace("types: {eco: [D01, E01]}", "types: {hills: [D01]}"), "x.yaml")
