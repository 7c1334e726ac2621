"""The pure registry checks: the GB 32100-2015 check character, GB/T 4754-2017 codes, reading a sheet."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from newind.enterprises import calc


@pytest.mark.parametrize("code", [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
])
def test_real_published_credit_codes_are_valid(code: str) -> None:
    assert calc.credit_code_problem(code) is None
    assert calc.credit_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(("first17", "expected"), [
    # Σ value×weight = 9·1 + 1·3 + 4·9 + 3·27 + 6·26 + 1·28 = 313; 313 mod 31 = 3; 31 − 3 = 28 → 'W'.
    ("91430600000000001", "W"),
    # 9·1 + 1·3 + 4·9 + 3·27 + 6·26 + 2·16 + 1·17 + M(21)·20 + A(10)·29 + 4·25 + L(20)·13 = 1404;
    # 1404 mod 31 = 9; 31 − 9 = 22 → 'N'.
    ("91430621MA4L00000", "N"),
    # Σ = 0: 31 − 0 = 31, which wraps to '0'.
    ("00000000000000000", "0"),
    # 1·1 = 1; 31 − 1 = 30 → 'Y' (the last character of the set).
    ("10000000000000000", "Y"),
])
def test_check_character_by_hand(first17: str, expected: str) -> None:
    assert calc.credit_check_char(first17) == expected


@pytest.mark.parametrize(("code", "words"), [
    ("91430600000000001X", ["校验码", "应为「W」", "不是「X」"]),
    ("9143060000000001W", ["17位", "应为18位"]),
    ("91430600000000I01W", ["不允许的字符「I」"]),
    ("", ["没有填写"]),
])
def test_invalid_credit_codes_are_explained(code: str, words: list[str]) -> None:
    problem = calc.credit_code_problem(code)
    assert problem is not None
    for w in words:
        assert w in problem


@pytest.mark.parametrize(("code", "section", "ok"), [
    ("2611", "C", True), ("C2611", "C", True), ("26", "C", True), ("4411", "D", True), ("0612", "B", True),
    ("B2611", "C", False),  # the letter disagrees with the division
    ("9811", None, False),  # no division 98
    ("26a1", None, False), ("26111", None, False),
])
def test_industry_codes(code: str, section: str | None, ok: bool) -> None:
    assert calc.industry_section(code) == section
    assert (calc.industry_code_problem(code) is None) is ok


def test_industry_code_is_stored_without_its_letter() -> None:
    assert calc.normalise_industry_code("c2611") == "2611"


def _cells(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


LOOKUPS = calc.Lookups(counties={"岳阳县": 1, "430621": 1, "云溪区": 2}, parks={"岳阳县工业园": 10},
                       county_names=["岳阳县", "云溪区"], park_names=["岳阳县工业园"])


def test_header_below_a_title_row_and_every_problem_named_by_row_and_column() -> None:
    cells = _cells([
        ["2017年企业名录", "", "", "", "", "", ""],
        ["企业名称", "统一社会信用代码", "所在县市区", "所在园区", "规模", "行业代码", "状态"],
        ["甲公司", "91430600000000001W", "岳阳县", "岳阳县工业园", "规上", "1331", "在产"],
        ["乙公司", "91430600000000001X", "华容县", "无名园", "中型", "98", "歇业"],
        ["", "", "", "", "", "", ""],
        ["丙公司", "91430600000000001W", "430621", "", "规下", "2611", "停产"],
    ])
    recs = calc.sheet_records(cells, "名录")
    assert recs is not None and recs.columns["credit_code"] == "B"
    records, problems = calc.check_records(recs, LOOKUPS)
    located = {(p.row, p.column) for p in problems}
    # Row 4: every bad cell (B credit code, C county, D park, E size, F industry, G status); row 6 repeats row 3.
    assert located == {(4, "B"), (4, "C"), (4, "D"), (4, "E"), (4, "F"), (4, "G"), (6, "B")}
    texts = " ".join(p.message for p in problems)
    assert "应为「W」" in texts and "与第3行重复" in texts and "华容县" in texts
    assert records.loc[0, "county_id"] == 1 and records.loc[0, "park_id"] == 10
    assert records["row"].tolist() == [3, 4, 6]  # the blank row 5 is skipped, row numbers are Excel's


def test_missing_required_columns_are_named() -> None:
    recs = calc.sheet_records(_cells([["统一社会信用代码", "企业名称"], ["91430600000000001W", "甲"]]), "")
    assert recs is not None
    _, problems = calc.check_records(recs, LOOKUPS)
    missing = {p.message.split("「")[1].split("」")[0] for p in problems if p.message.startswith("缺少")}
    assert missing == {"所在县市区", "规模", "行业代码", "状态"}


def test_rented_land_cannot_exceed_land() -> None:
    cells = _cells([["统一社会信用代码", "用地面积（亩）", "其中租用（亩）"],
                    ["91430600000000001W", "50", "60"], ["91430621MA4L00000N", "50", "20.5"]])
    recs = calc.sheet_records(cells, "")
    assert recs is not None
    records, problems = calc.check_records(recs, LOOKUPS)
    assert [(p.row, p.column) for p in problems if "租用" in p.message] == [(2, "C")]
    assert records.loc[1, "land_rented"] == Decimal("20.5")


def test_diff_finds_new_changed_and_unchanged_firms() -> None:
    records = pd.DataFrame({"credit_code": ["A", "B", "C"], "size": ["above", "above", "below"],
                            "park_id": [10.0, None, None]})
    existing = pd.DataFrame({"credit_code": ["A", "B"], "size": ["below", "above"], "park_id": [11, None],
                             "name": ["a", "b"]})
    added, changes, unchanged = calc.diff_records(records, existing)
    assert added["credit_code"].tolist() == ["C"]
    assert sorted((c["credit_code"], c["field"], c["old"], c["new"]) for c in changes) == [
        ("A", "park_id", 11, 10.0), ("A", "size", "below", "above")]
    assert unchanged["credit_code"].tolist() == ["B"]


@pytest.mark.parametrize(("text", "expected"), [
    ("岳阳纸业", "yyzy"), ("巴陵石化", "blsh"), ("湖南ABC重工1号（岳阳）", "hnabczg1hyy"), ("", ""),
])
def test_pinyin_initials(text: str, expected: str) -> None:
    assert calc.initials(text, calc.initials_table()) == expected
