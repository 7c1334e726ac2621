"""The light rules, table-driven, including every boundary of the shipped rule sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.core.errors import AppError
from newind.targets.calc import light_change, light_for, parse_rule_set
from newind.targets.rules import rule_set, rule_sets

# (gap_pts, target_type, kind, forecast_miss, prob_meet) -> light, under the default rules.
DEFAULT_CASES = [
    # level targets: on or ahead of schedule is green
    (-12.0, "level", "hard", False, 0.9, "green"),
    (0.0, "level", "hard", False, 0.9, "green"),
    # 0 < gap < 10: green with a note (within the tolerance)
    (0.1, "level", "hard", False, 0.9, "green"),
    (9.99, "level", "hard", False, 0.9, "green"),
    # 10 itself is yellow; 30 itself is still yellow
    (10.0, "level", "hard", False, 0.9, "yellow"),
    (29.9, "level", "stretch", False, 0.9, "yellow"),
    (30.0, "level", "hard", False, 0.9, "yellow"),
    # more than 30 behind is red
    (30.01, "level", "hard", False, 0.9, "red"),
    (45.0, "level", "stretch", False, 0.9, "red"),
    # a hard or floor target that will very probably be missed is red whatever the gap
    (-5.0, "level", "hard", True, 0.05, "red"),
    (2.0, "level", "floor", True, 0.09, "red"),
    # exactly 10% chance is not "below 10%": the forecast-miss yellow applies instead
    (2.0, "level", "hard", True, 0.10, "yellow"),
    # a forecast miss that is still plausible is yellow
    (2.0, "level", "hard", True, 0.40, "yellow"),
    # a stretch target forecast to miss is not lit by the forecast rules
    (2.0, "level", "stretch", True, 0.01, "green"),
    # growth targets: points of growth, 1 and 3 are yellow, above 3 red
    (-0.5, "growth", "hard", False, 0.8, "green"),
    (0.99, "growth", "hard", False, 0.8, "green"),
    (1.0, "growth", "hard", False, 0.8, "yellow"),
    (3.0, "growth", "stretch", False, 0.8, "yellow"),
    (3.01, "growth", "stretch", False, 0.8, "red"),
    # no probability known (no forecast): the forecast rules never match
    (2.0, "level", "hard", True, None, "yellow"),
    (2.0, "level", "hard", False, None, "green"),
]


@pytest.mark.parametrize(("gap", "ttype", "kind", "miss", "prob", "expected"), DEFAULT_CASES)
def test_default_rules(gap, ttype, kind, miss, prob, expected):
    light = light_for(gap, target_type=ttype, kind=kind, forecast_miss=miss, prob_meet=prob,
                      rules=rule_set("default"))
    assert light.light == expected
    assert light.label == {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[expected]
    assert light.reason and "{" not in light.reason


STRICT_CASES = [
    (4.99, "level", "hard", False, "green"),
    (5.0, "level", "hard", False, "yellow"),
    (15.0, "level", "hard", False, "yellow"),
    (15.01, "level", "hard", False, "red"),
    (-3.0, "level", "hard", True, "red"),  # any forecast miss of a hard target is red here
    (-3.0, "level", "stretch", True, "yellow"),
    (0.49, "growth", "hard", False, "green"),
    (0.5, "growth", "hard", False, "yellow"),
    (2.0, "growth", "hard", False, "yellow"),
    (2.01, "growth", "hard", False, "red"),
]


@pytest.mark.parametrize(("gap", "ttype", "kind", "miss", "expected"), STRICT_CASES)
def test_strict_preset(gap, ttype, kind, miss, expected):
    assert light_for(gap, target_type=ttype, kind=kind, forecast_miss=miss, prob_meet=0.5,
                     rules=rule_set("strict-5-15")).light == expected


@pytest.mark.parametrize(("gap", "miss", "prob", "expected"), [
    (5.0, True, 0.0, "green"),  # forecasts never light anything in this preset
    (10.0, True, 0.0, "yellow"),
    (30.5, False, 1.0, "red"),
])
def test_gap_only_preset(gap, miss, prob, expected):
    assert light_for(gap, target_type="level", kind="hard", forecast_miss=miss, prob_meet=prob,
                     rules=rule_set("gap-only")).light == expected


def test_reason_text_names_the_gap_and_the_forecast():
    rules = rule_set("default")
    yellow = light_for(12.345, rules=rules)
    assert yellow.reason == "落后进度12.3个百分点（10—30个百分点）"
    red = light_for(1.0, forecast_miss=True, prob_meet=0.03, rules=rules, forecast_text="90.00亿元",
                    target_text="100.00亿元")
    assert red.reason == "预计全年90.00亿元，完成硬指标（100.00亿元）的可能性仅3%"
    ahead = light_for(-4.0, rules=rules)
    assert ahead.reason == "达到或快于进度（快于进度4.0个百分点）"


def test_missing_figure_gets_no_light():
    light = light_for(float("nan"), rules=rule_set("default"))
    assert (light.light, light.label) == ("none", "无数据")


def test_every_shipped_rule_set_loads_and_ends_with_a_catch_all():
    found = rule_sets()
    assert list(found)[0] == "default" and {"strict-5-15", "gap-only"} <= set(found)
    for rs in found.values():
        assert rs.rules[-1].is_catch_all


@pytest.mark.parametrize(("data", "fragment"), [
    ({"code": "x", "rules": [{"light": "blue"}]}, "灯色「blue」无效"),
    ({"code": "x", "rules": [{"light": "red", "gap_over": 3}]}, "最后一条必须不带条件"),
    ({"code": "x", "rules": [{"light": "red", "colour": 1}, {"light": "green"}]}, "不认识的字段 colour"),
    ({"code": "x", "rules": [{"light": "red", "kinds": ["soft"]}, {"light": "green"}]}, "目标类别无效"),
    ({"rules": []}, "缺少 code 或 rules"),
])
def test_bad_rule_sets_are_refused_in_chinese(data, fragment):
    with pytest.raises(AppError) as exc:
        parse_rule_set(data)
    assert fragment in exc.value.message


def test_unknown_rule_set_is_a_404():
    with pytest.raises(AppError) as exc:
        rule_set("nope")
    assert exc.value.status == 404 and "default" in exc.value.message


@pytest.mark.parametrize(("previous", "current", "change"), [
    (None, "red", "新亮红灯"),
    ("none", "yellow", "新亮黄灯"),
    ("green", "red", "新亮红灯"),
    ("green", "yellow", "新亮黄灯"),
    ("red", "red", "持续红灯"),
    ("yellow", "yellow", "持续黄灯"),
    ("yellow", "red", "由黄转红"),
    ("red", "yellow", "由红转黄"),
    ("red", "green", "转绿"),
    ("yellow", "green", "转绿"),
    ("green", "green", "持续绿灯"),
    ("red", "none", "本期未报数"),
])
def test_light_change(previous, current, change):
    assert light_change(previous, current) == change


SEVERITY = {"green": 0, "yellow": 1, "red": 2}


@settings(max_examples=80, deadline=None)
@given(a=st.floats(-50, 80), b=st.floats(-50, 80), ttype=st.sampled_from(["level", "growth"]),
       kind=st.sampled_from(["hard", "floor", "stretch"]), miss=st.booleans(),
       prob=st.one_of(st.none(), st.floats(0, 1)), code=st.sampled_from(["default", "strict-5-15", "gap-only"]))
def test_falling_further_behind_never_improves_the_light(a, b, ttype, kind, miss, prob, code):
    """With everything else equal, a larger gap never gives a better light under any shipped rule set."""
    rules = rule_set(code)
    lo, hi = sorted((a, b))
    light_lo = light_for(lo, target_type=ttype, kind=kind, forecast_miss=miss, prob_meet=prob, rules=rules)
    light_hi = light_for(hi, target_type=ttype, kind=kind, forecast_miss=miss, prob_meet=prob, rules=rules)
    assert SEVERITY[light_hi.light] >= SEVERITY[light_lo.light]
