"""Table-driven tests of the pure functions behind the monthly overview (growth basis, ranks, sentences)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from newind.reports import calc

META = pd.DataFrame([
    {"indicator_code": "va", "value_kind": "level", "growth_indicator": "va_growth"},
    {"indicator_code": "tax", "value_kind": "level", "growth_indicator": ""},
    {"indicator_code": "firms", "value_kind": "count", "growth_indicator": ""},
    {"indicator_code": "share", "value_kind": "ratio", "growth_indicator": ""},
])


@pytest.mark.parametrize(("code", "value", "last", "reported", "basis_of_reported", "growth", "basis"), [
    # A level with a published comparable-price rate shows the rate as published, never 120/100−1.
    ("va", 120.0, 100.0, 7.9, "comparable", 7.9, calc.BASIS_COMPARABLE),
    # ... and shows nothing if the rate is missing, rather than a nominal figure in its place.
    ("va", 120.0, 100.0, None, None, None, ""),
    # A published rate at current prices is labelled as published.
    ("va", 120.0, 100.0, 29.4, "current", 29.4, calc.BASIS_REPORTED),
    # Levels and counts without a published rate: nominal growth, labelled 名义.
    ("tax", 110.0, 100.0, None, None, 10.0, calc.BASIS_NOMINAL),
    ("firms", 95.0, 100.0, None, None, -5.0, calc.BASIS_NOMINAL),
    # No nominal growth without last year's figure or from a non-positive base.
    ("tax", 110.0, None, None, None, None, ""),
    ("tax", 110.0, 0.0, None, None, None, ""),
    # Ratios never get a growth rate.
    ("share", 55.0, 50.0, None, None, None, ""),
])
def test_attach_growth(code, value, last, reported, basis_of_reported, growth, basis):
    current = pd.DataFrame([{"indicator_code": code, "unit_code": "U", "value": value}])
    last_year = pd.DataFrame([{"indicator_code": code, "unit_code": "U", "value": last}]) if last is not None \
        else pd.DataFrame(columns=["indicator_code", "unit_code", "value"])
    rep = pd.DataFrame([{"indicator_code": code, "unit_code": "U", "growth_reported": reported,
                         "growth_price_basis": basis_of_reported}]) if reported is not None \
        else pd.DataFrame(columns=["indicator_code", "unit_code", "growth_reported", "growth_price_basis"])
    out = calc.attach_growth(current, last_year, rep, META).iloc[0]
    if growth is None:
        assert pd.isna(out["growth_pct"])
    else:
        assert out["growth_pct"] == pytest.approx(growth)
    assert out["growth_basis"] == basis


def _league(rows):
    return pd.DataFrame(rows, columns=["indicator_code", "group_code", "unit_code", "value", "growth_pct",
                                       "higher_is_better"])


def test_league_ranks_on_growth_with_ties_and_missing():
    frame = _league([
        ("va", "g", "A", 10.0, 5.0, True), ("va", "g", "B", 50.0, 7.0, True), ("va", "g", "C", 30.0, 5.0, True),
        ("va", "g", "D", 20.0, None, True),
    ])
    out = calc.league_ranks(frame, ["group_code"]).set_index("unit_code")
    assert list(out["rank_by"].unique()) == ["growth"]
    assert out.loc["B", "rank"] == 1
    assert out.loc["A", "rank"] == 2 and out.loc["C", "rank"] == 2
    assert bool(out.loc["A", "tied"]) and bool(out.loc["C", "tied"]) and not bool(out.loc["B", "tied"])
    assert pd.isna(out.loc["D", "rank"]) and int(out.loc["B", "reported"]) == 3


def test_league_ranks_on_value_in_the_indicators_direction():
    frame = _league([
        ("energy", "g", "A", 0.5, None, False), ("energy", "g", "B", 0.3, None, False),
        ("share", "g", "A", 40.0, None, True), ("share", "g", "B", 60.0, None, True),
    ])
    out = calc.league_ranks(frame, ["group_code"])
    energy = out[out["indicator_code"] == "energy"].set_index("unit_code")
    share = out[out["indicator_code"] == "share"].set_index("unit_code")
    assert energy.loc["B", "rank"] == 1 and energy.loc["A", "rank"] == 2  # lower is better
    assert share.loc["B", "rank"] == 1 and share.loc["A", "rank"] == 2
    assert set(out["rank_by"]) == {"value"}
    # Groups are ranked separately.
    two = calc.league_ranks(pd.concat([frame.assign(group_code="x"), frame.assign(group_code="y")]),
                            ["group_code"])
    assert set(two["rank"].dropna()) == {1, 2}


@pytest.mark.parametrize(("own", "parent", "expected"), [
    (5.04, 7.66, -2.7),  # from the figures as shown: 5.0 − 7.7
    (8.25, 7.7, 0.5),    # 8.2 (banker's rounding of the float 8.25) − 7.7
    (7.7, 7.7, 0.0),
    (None, 7.7, None),
    (float("nan"), 7.7, None),
])
def test_difference_pp_uses_the_rounded_figures(own, parent, expected):
    got = calc.difference_pp(own, parent)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("diff", "phrase"), [
    (1.2, "高于全省1.2个百分点"), (-0.3, "低于全省0.3个百分点"), (0.0, "与全省持平"), (None, ""),
])
def test_compare_phrase(diff, phrase):
    assert calc.compare_phrase(diff) == phrase


@pytest.mark.parametrize(("args", "sentence"), [
    (("1—3月", "规模工业增加值", 268.4, "亿元", 2, 5.0, calc.BASIS_COMPARABLE, -2.7, 14, False),
     "1—3月，全市规模工业增加值完成268.40亿元，同比增长5.0%，低于全省2.7个百分点，居全省第14位。"),
    (("1—2月", "规模工业增加值", None, "亿元", 2, -1.5, calc.BASIS_COMPARABLE, 0.0, 3, True),
     "1—2月，全市规模工业增加值，同比下降1.5%，与全省持平，居全省第3位（并列）。"),
    (("1—5月", "工业税收", 35.94, "亿元", 2, 12.66, calc.BASIS_NOMINAL, None, None, False),
     "1—5月，全市工业税收完成35.94亿元，同比增长12.7%（名义）。"),
])
def test_headline_sentence(args, sentence):
    assert calc.headline_sentence(*args) == sentence


@pytest.mark.parametrize(("rank", "tied", "reported", "label"), [
    (3, False, None, "3"), (3, True, 13, "3/13（并列）"), (pd.NA, False, 13, "—"), (float("nan"), False, None, "—"),
])
def test_rank_label(rank, tied, reported, label):
    assert calc.rank_label(rank, tied, reported) == label


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1168.0, 0, "1,168"), (0.609, 3, "0.609"), (None, 2, "—"), (math.nan, 1, "—"), ("x", 1, "—"),
])
def test_fmt_number(value, decimals, text):
    assert calc.fmt_number(value, decimals) == text


# --- invariants (hypothesis) ------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_growth = st.one_of(st.none(), st.floats(-20, 30, allow_nan=False).map(lambda g: round(g, 1)))


@settings(deadline=None)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.lists(_growth, min_size=1, max_size=15), st.booleans())
def test_league_rank_invariants(growths, higher_is_better):
    frame = _league([("va", "g", f"U{i}", 10.0 + i, g, higher_is_better) for i, g in enumerate(growths)])
    out = calc.league_ranks(frame, ["group_code"])
    ranked = out.dropna(subset=["rank"])
    reported = sum(g is not None for g in growths)
    if not reported:  # no unit has a growth figure: the table ranks on the value instead
        assert set(out["rank_by"]) == {"value"} and len(ranked) == (len(growths) if len(growths) >= 2 else 0)
        return
    assert set(out["rank_by"]) == {"growth"}
    assert (out["reported"] == reported).all()
    if reported < 2:  # one unit with a growth figure is not "第1位": nobody is ranked
        assert ranked.empty and not out["ranked"].any()
        return
    assert len(ranked) == reported
    if reported:
        assert ranked["rank"].min() == 1 and ranked["rank"].max() <= reported
        # A unit's rank is 1 + the number of units strictly better; tied units share it.
        for r in ranked.itertuples():
            better = sum(1 for g in growths if g is not None and
                         (g > r.growth_pct if higher_is_better else g < r.growth_pct))
            same = sum(1 for g in growths if g is not None and g == r.growth_pct)
            assert r.rank == better + 1 and bool(r.tied) == (same > 1)


@given(st.floats(-30, 40, allow_nan=False), st.floats(-30, 40, allow_nan=False))
def test_the_sentence_and_the_difference_agree(own, province):
    diff = calc.difference_pp(own, province)
    assert diff is not None
    phrase = calc.compare_phrase(diff)
    shown = round(round(own, 1) - round(province, 1), 1)
    assert abs(diff - shown) < 1e-9
    if shown > 0:
        assert phrase == f"高于全省{shown:.1f}个百分点"
    elif shown < 0:
        assert phrase == f"低于全省{-shown:.1f}个百分点"
    else:
        assert phrase == "与全省持平"


@pytest.mark.parametrize(("raw", "expected"), [
    ("岳新工办〔2017〕12号", "岳新工办〔2017〕12号"),
    ("岳新工办[2017]012号", "岳新工办〔2017〕12号"),  # brackets and leading zeros (不编虚位)
    ("岳新工办（2017）第3号", "岳新工办〔2017〕3号"),   # no 第
    (" 岳新工办【2017】5 ", "岳新工办〔2017〕5号"),
    ("", ""),
    (None, ""),
])
def test_doc_number_text_writes_the_official_form(raw, expected):
    from newind.reports.calc import doc_number_text

    assert doc_number_text(raw) == expected


@pytest.mark.parametrize("raw", ["12号", "岳新工办〔17〕12号", "岳新工办〔2017〕0号", "岳新工办2017年12号"])
def test_doc_number_text_refuses_what_is_not_a_document_number(raw):
    from newind.core.errors import AppError
    from newind.reports.calc import doc_number_text

    with pytest.raises(AppError, match="机关代字〔年份〕序号号"):
        doc_number_text(raw)
