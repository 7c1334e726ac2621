"""Table-driven tests and invariants for benchmarking statistics (newind.benchmark.calc)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.benchmark.calc import (
    GAP_STABLE_TOLERANCE,
    SHARE_STABLE_TOLERANCE_PP,
    NarrativeContext,
    gap_trend,
    narrative,
    neighbours,
    rank_by_year,
    rank_phrase,
    share_trend,
)


def _figures(rows: list[tuple[str, int, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["unit_code", "year", "value"])
    frame["unit_name"] = frame["unit_code"] + "市"
    order = {code: i for i, code in enumerate(dict.fromkeys(frame["unit_code"]))}
    frame["order"] = frame["unit_code"].map(order)
    return frame


def _one(frame: pd.DataFrame, year: int) -> dict[str, object]:
    return frame.set_index("year").loc[year].to_dict()


# --- ranks and neighbours -------------------------------------------------------------------------------


def test_rank_by_year_ranks_each_year_separately_and_counts_reporters() -> None:
    ranked = rank_by_year(_figures([("A", 2015, 10.0), ("B", 2015, 20.0), ("A", 2016, 30.0), ("B", 2016, None)]))
    by = ranked.set_index(["year", "unit_code"])
    assert by.loc[(2015, "B"), "rank"] == 1
    assert by.loc[(2015, "A"), "rank"] == 2
    # 2016: A alone has a figure — counted as reported, but not "第1位 among 1".
    assert pd.isna(by.loc[(2016, "A"), "rank"]) and not by.loc[(2016, "A"), "ranked"]
    assert pd.isna(by.loc[(2016, "B"), "rank"])
    assert by.loc[(2016, "A"), "reported"] == 1
    assert by.loc[(2015, "A"), "reported"] == 2 and by.loc[(2015, "A"), "ranked"]


def test_rank_by_year_uses_the_groups_minimum() -> None:
    # Two reported in 2015 and three in 2016; a group that needs three ranks only 2016 (C 30 > B 20 > A 10).
    ranked = rank_by_year(_figures([("A", 2015, 10.0), ("B", 2015, 20.0), ("A", 2016, 10.0), ("B", 2016, 20.0),
                                    ("C", 2016, 30.0)]), min_reporting=3)
    by = ranked.set_index(["year", "unit_code"])
    assert by.loc[2015, "rank"].isna().all()
    assert [int(by.loc[(2016, c), "rank"]) for c in "ABC"] == [3, 2, 1]


@pytest.mark.parametrize(
    ("values", "higher", "focus", "ahead", "ahead_gap", "behind", "behind_gap"),
    [
        # plain: A 100 > F 80 > B 50; gaps 20 and 30
        ({"A": 100.0, "F": 80.0, "B": 50.0}, True, "F", "A", 20.0, "B", 30.0),
        # first place: nobody ahead
        ({"F": 100.0, "B": 50.0}, True, "F", None, None, "B", 50.0),
        # last place: nobody behind
        ({"A": 100.0, "F": 50.0}, True, "F", "A", 50.0, None, None),
        # lower is better (e.g. energy per unit of value added): gaps still positive distances
        ({"A": 0.5, "F": 0.8, "B": 1.0}, False, "F", "A", 0.3, "B", 0.2),
        # tied ahead (X and Y 并列第1): the first in group order is the unit ahead
        ({"X": 100.0, "Y": 100.0, "F": 80.0}, True, "F", "X", 20.0, None, None),
        # tied with the focus: T (并列第2) is neither ahead nor behind; nearest better is A, worse is B
        ({"A": 100.0, "F": 80.0, "T": 80.0, "B": 70.0}, True, "F", "A", 20.0, "B", 10.0),
        # nearest better-ranked, not the best: A 1st, C 2nd, F 3rd → ahead is C
        ({"A": 300.0, "C": 200.0, "F": 150.0}, True, "F", "C", 50.0, None, None),
        # a unit without a figure is skipped: N missing, behind is B
        ({"A": 100.0, "F": 80.0, "N": None, "B": 60.0}, True, "F", "A", 20.0, "B", 20.0),
    ],
)
def test_neighbours_table(values: dict[str, float | None], higher: bool, focus: str, ahead: str | None,
                          ahead_gap: float | None, behind: str | None, behind_gap: float | None) -> None:
    ranked = rank_by_year(_figures([(code, 2016, v) for code, v in values.items()]), higher)
    row = _one(neighbours(ranked, focus, [2016], higher), 2016)
    for prefix, code, gap in (("ahead", ahead, ahead_gap), ("behind", behind, behind_gap)):
        if code is None:
            assert pd.isna(row[f"{prefix}_code"])
            assert pd.isna(row[f"{prefix}_gap"])
        else:
            assert row[f"{prefix}_code"] == code
            assert row[f"{prefix}_gap"] == pytest.approx(gap)


def test_neighbours_gap_ratio_is_relative_to_the_worse_placed_unit_of_the_pair() -> None:
    ranked = rank_by_year(_figures([("A", 2016, 150.0), ("F", 2016, 100.0), ("B", 2016, 80.0)]))
    row = _one(neighbours(ranked, "F", [2016]), 2016)
    assert row["ahead_gap_ratio"] == pytest.approx(50.0 / 100.0)  # A is 50% ahead of F
    assert row["behind_gap_ratio"] == pytest.approx(20.0 / 80.0)  # F is 25% ahead of B
    no_ratio = _one(neighbours(ranked, "F", [2016], with_ratio=False), 2016)
    assert pd.isna(no_ratio["ahead_gap_ratio"]) and pd.isna(no_ratio["behind_gap_ratio"])


def test_neighbours_years_without_the_focus_figure_have_no_rank_but_keep_the_reported_count() -> None:
    ranked = rank_by_year(_figures([("A", 2015, 10.0), ("F", 2015, 5.0), ("A", 2016, 12.0), ("F", 2016, None),
                                    ("B", 2016, 3.0)]))
    out = neighbours(ranked, "F", [2015, 2016, 2017]).set_index("year")
    assert out.loc[2015, "rank"] == 2
    assert pd.isna(out.loc[2016, "rank"]) and pd.isna(out.loc[2016, "ahead_code"])
    assert out.loc[2016, "reported"] == 2
    assert out.loc[2017, "reported"] == 0


@settings(deadline=None, max_examples=30)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=15), st.data())
def test_neighbours_invariants(values: list[int], data: st.DataObject) -> None:
    # Gaps are ≥ 0; the unit ahead ranks strictly better, the one behind strictly worse, and nobody
    # ranked strictly between them and the focus.
    codes = [f"U{i}" for i in range(len(values))]
    ranked = rank_by_year(_figures([(c, 2016, float(v)) for c, v in zip(codes, values, strict=True)]))
    focus = data.draw(st.sampled_from(codes))
    row = _one(neighbours(ranked, focus, [2016]), 2016)
    ranks = ranked.set_index("unit_code")["rank"]
    if pd.notna(row["ahead_code"]):
        assert row["ahead_gap"] > 0
        assert ranks[row["ahead_code"]] < row["rank"]
        assert not ((ranks > ranks[row["ahead_code"]]) & (ranks < row["rank"])).any()
    else:
        assert (ranks >= row["rank"]).all()
    if pd.notna(row["behind_code"]):
        assert row["behind_gap"] > 0
        assert ranks[row["behind_code"]] > row["rank"]
        assert not ((ranks < ranks[row["behind_code"]]) & (ranks > row["rank"])).any()
    else:
        assert (ranks <= row["rank"]).all()


# --- trends ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gaps", "expected"),
    [
        ([100.0, 120.0, 150.0], "widening"),
        ([150.0, 120.0, 100.0], "narrowing"),
        ([100.0, 200.0, 100.5], "stable"),  # +0.5% over the span: inside the 1% tolerance
        ([100.0, 101.0], "widening"),  # exactly 1%: not below the tolerance
        ([100.0, 99.2], "stable"),
        ([None, 100.0, None, 90.0], "narrowing"),  # years without a gap are skipped
        ([100.0], None),  # one year: no trend
        ([None, None], None),
        ([0.0, 0.0], "stable"),
        ([0.0, 5.0], "widening"),
    ],
)
def test_gap_trend_table(gaps: list[float | None], expected: str | None) -> None:
    assert GAP_STABLE_TOLERANCE == 0.01
    assert gap_trend(pd.Series(gaps, dtype=float)) == expected


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([9.93, 9.89, 9.83], "falling"),  # −0.10 points: exactly the tolerance is not "stable"
        ([9.930009, 9.828011], "falling"),  # Yueyang's share of Hunan 2012 → 2016: −0.102 points
        ([9.83, 9.93], "rising"),
        ([9.90, 9.95], "stable"),  # +0.05 points < 0.1
        ([None, 9.5], None),
    ],
)
def test_share_trend_table(shares: list[float | None], expected: str | None) -> None:
    assert SHARE_STABLE_TOLERANCE_PP == 0.1
    assert share_trend(pd.Series(shares, dtype=float)) == expected


@settings(deadline=None, max_examples=60)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.lists(st.floats(min_value=0.01, max_value=1e5), min_size=2, max_size=10),
       st.floats(min_value=1.5, max_value=10))
def test_gap_trend_is_scale_free_and_mirrors_when_reversed(gaps: list[float], scale: float) -> None:
    forward = gap_trend(pd.Series(gaps))
    assert gap_trend(pd.Series(gaps) * scale) == forward  # 亿元 or 万元, the verdict is the same
    backward = gap_trend(pd.Series(gaps[::-1]))
    if forward == "stable":
        assert backward in {"stable", "widening", "narrowing"}  # tolerance is relative to the first gap
    else:
        assert backward in {{"widening": "narrowing", "narrowing": "widening"}[forward], "stable"}


# --- narrative ------------------------------------------------------------------------------------------


def _ctx(**kw: object) -> NarrativeContext:
    base: dict[str, object] = dict(
        unit_name="岳阳市", indicator_name="地区生产总值", measure_unit="亿元", decimals=1, is_rate=False,
        scope="全省", noun="市州", group_size=14, period_labels={2012: "2012年", 2016: "2016年"},
        span_label="2012—2016年", missing={}, share_column="share_of_province_pct", share_label="占全省的比重",
    )
    base.update(kw)
    return NarrativeContext(**base)  # type: ignore[arg-type]


def _by_year(rows: list[tuple[str, int, float]], years: list[int], higher: bool = True) -> pd.DataFrame:
    ranked = rank_by_year(_figures(rows), higher)
    return neighbours(ranked, "YY", years, higher)


@pytest.mark.parametrize(
    ("rank", "tied", "reported", "missing", "expected"),
    [
        (2, False, 14, [], "居全省14个市州第2位"),
        (2, False, 13, ["湘西土家族苗族自治州"], "居全省13个市州中第2位（湘西土家族苗族自治州无数据）"),
        (3, True, 14, [], "居全省14个市州并列第3位"),
    ],
)
def test_rank_phrase_table(rank: int, tied: bool, reported: int, missing: list[str], expected: str) -> None:
    assert rank_phrase(rank, tied, reported, _ctx(), missing) == expected


def test_narrative_leader_pulls_away_and_chaser_closes_in() -> None:
    by_year = _by_year([("CS", 2012, 6400.0), ("YY", 2012, 2200.0), ("CD", 2012, 2040.0),
                        ("CS", 2016, 9357.0), ("YY", 2016, 3100.9), ("CD", 2016, 2953.8)], [2012, 2016])
    by_year["share_of_province_pct"] = [9.93, 9.83]
    text = narrative(by_year, _ctx(group_size=3, scope="全省", noun="市州"))
    joined = "".join(text)
    assert text[0] == "2016年岳阳市地区生产总值3100.9亿元，居全省3个市州第2位，占全省的比重为9.83%。"
    assert "排名始终保持在第2位" in joined
    assert "占全省的比重由9.93%下降到9.83%，下降0.10个百分点" in joined
    assert "与第1位CS市相差6256.1亿元" in joined
    assert "由2012年的4200.0亿元扩大到2016年的6256.1亿元，标兵越追越远" in joined
    assert "领先第3位CD市147.1亿元" in joined
    assert "由2012年的160.0亿元缩小到2016年的147.1亿元，追兵越赶越近" in joined
    assert "标兵越追越远、追兵越赶越近" in text[-1]


def test_narrative_says_among_how_many_reported_in_a_year_with_a_missing_member() -> None:
    by_year = _by_year([("CS", 2016, 9357.0), ("YY", 2016, 3100.9)], [2016])
    text = narrative(by_year, _ctx(group_size=3, period_labels={2016: "2016年"}, span_label="2016年",
                                   missing={2016: ["湘西土家族苗族自治州"]}, share_column=None))
    assert text[0] == "2016年岳阳市地区生产总值3100.9亿元，居全省2个市州中第2位（湘西土家族苗族自治州无数据）。"
    assert "位居末位" in "".join(text)


def test_narrative_for_rates_speaks_in_percentage_points_and_never_of_shares() -> None:
    by_year = _by_year([("CS", 2017, 8.3), ("YY", 2017, 7.6), ("CD", 2017, 6.5)], [2017])
    by_year["share_of_province_pct"] = float("nan")
    ctx = _ctx(indicator_name="规模工业增加值增速", measure_unit="%", is_rate=True, group_size=3,
               period_labels={2017: "2017年1—11月"}, span_label="2017年1—11月", share_column=None)
    text = narrative(by_year, ctx)
    joined = "".join(text)
    assert text[0] == "2017年1—11月岳阳市规模工业增加值增速7.6%，居全省3个市州第2位。"
    assert "比第1位CS市低0.7个百分点" in joined
    assert "比第3位CD市高1.1个百分点" in joined
    assert "比重" not in joined and "占" not in joined


def test_narrative_first_place_has_no_leader_and_labels_synthetic_data() -> None:
    by_year = _by_year([("YY", 2016, 50.0), ("B", 2016, 40.0)], [2016])
    text = narrative(by_year, _ctx(group_size=2, period_labels={2016: "2016年"}, share_column=None,
                                   synthetic=True))
    joined = "".join(text)
    assert "位居第一，没有标兵" in joined
    assert "标兵越追越远" not in joined
    assert text[-1].startswith("注：以上含示例数据")


@pytest.mark.parametrize(
    ("rows", "ctx", "expected"),
    [
        # Alone among 14: no rank, no share of the group; the share of the province's own figure is kept.
        ([("YY", 2016, 3100.9)], dict(share_column="share_of_group_pct", share_label="占全省市州合计的比重"),
         ["2016年岳阳市地区生产总值3100.9亿元，全省14个市州中其他成员暂无数据（仅岳阳市1个有数据），不排位次，"
          "也不计算占组内合计的比重。",
          "有该指标数据的对标组：岳阳市县市区（9/9个成员有数据）。"]),
        # Two of 14 in a group that needs three; a rate: no share wording at all, no other group has data.
        ([("YY", 2016, 7.6), ("CS", 2016, 8.3)],
         dict(indicator_name="规模工业增加值增速", measure_unit="%", is_rate=True, share_column=None,
              min_reporting=3, groups_with_data=[]),
         ["2016年岳阳市规模工业增加值增速7.6%，全省14个市州中仅2个有数据（至少需3个），不排位次。",
          "其他对标组也暂无足够成员有该指标数据。"]),
    ],
)
def test_narrative_without_enough_members_reporting(rows: list[tuple[str, int, float]], ctx: dict[str, object],
                                                    expected: list[str]) -> None:
    minimum = int(ctx.get("min_reporting", 2))  # type: ignore[call-overload]
    by_year = neighbours(rank_by_year(_figures(rows), min_reporting=minimum), "YY", [2016])
    by_year["share_of_group_pct"] = float("nan")
    base = dict(period_labels={2016: "2016年"}, span_label="2016年",
                groups_with_data=["岳阳市县市区（9/9个成员有数据）"])
    assert narrative(by_year, _ctx(**{**base, **ctx})) == expected


def test_narrative_speaks_of_ranks_only_in_ranked_years() -> None:
    # 2012: YY and A ranked (YY 2nd); 2016: YY alone. Nothing about 2012's rank or a 标兵 is said.
    by_year = _by_year([("A", 2012, 10.0), ("YY", 2012, 5.0), ("YY", 2016, 20.0)], [2012, 2016])
    text = narrative(by_year, _ctx(group_size=2, share_column=None))
    assert text[0] == "2016年岳阳市地区生产总值20.0亿元，全省2个市州中其他成员暂无数据（仅岳阳市1个有数据），不排位次。"
    assert "第2位" not in "".join(text) and "标兵" not in "".join(text)


def test_narrative_rank_change_and_no_data() -> None:
    by_year = _by_year([("A", 2012, 10.0), ("YY", 2012, 5.0), ("A", 2016, 10.0), ("YY", 2016, 20.0)],
                       [2012, 2016])
    joined = "".join(narrative(by_year, _ctx(group_size=2, share_column=None)))
    assert "排名由2012年的第2位上升至2016年的第1位" in joined
    empty = neighbours(rank_by_year(_figures([("A", 2016, 1.0)])), "YY", [2016])
    assert narrative(empty, _ctx(share_column=None)) == ["2012—2016年岳阳市没有地区生产总值数据，无法对标。"]
