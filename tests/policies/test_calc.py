"""policies.calc by hand: three firms against the 研发 policy, each criterion's mark and reason written out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newind.core.errors import AppError, Conflict
from newind.policies import calc

FIGURES = {"sales_revenue": calc.Figure("营业收入", "万元"), "rd_spending": calc.Figure("研发经费支出", "万元"),
           "tax_paid": calc.Figure("实缴税金", "万元")}
RD_POLICY = [{"field": "above_size", "op": "is"},
             {"field": "sales_revenue", "op": "≥", "value": 2000},
             {"field": "rd_spending", "op": "ratio", "of": "sales_revenue", "value": 3, "label": "研发投入占比"},
             {"field": "dishonest", "op": "not"}]


def frame() -> pd.DataFrame:
    """A: qualifies (2,300万元, 研发 92 → 4%); B: 研发 27.6 of 2,300 = 1.2% < 3% (misses by one);
    C: no 研发 figure (?), D: 规下, 1,800万元 and 失信 (misses by three)."""
    return pd.DataFrame({
        "unit_id": [1, 2, 3, 4], "code": ["A", "B", "C", "D"], "credit_code": ["A", "B", "C", "D"],
        "name": ["甲", "乙", "丙", "丁"], "county": ["430621"] * 4, "county_name": ["岳阳县"] * 4,
        "park": ["P1", "", "P1", ""], "above_size": [True, True, True, False], "industry": ["3411", "1331", "2511", ""],
        "park_level": ["national", "", "provincial", ""],
        "founded_on": pd.to_datetime(["2015-01-01", "2000-06-30", None, "2010-01-01"]),
        "dishonest": [False, False, False, True], "mujun_class": ["A", "B", None, "D"],
        "sales_revenue": [2300.0, 2300.0, 2500.0, 1800.0], "rd_spending": [92.0, 27.6, np.nan, 10.0],
    })


def test_the_reasons_read_as_the_office_writes_them() -> None:
    criteria = calc.parse_criteria(RD_POLICY, FIGURES)
    outcomes, reasons = calc.explain(frame(), criteria, 2017, FIGURES)
    # A: 92 / 2300 = 0.04 → 4%
    assert reasons[0] == [("✓", "规上企业 ✓"), ("✓", "营业收入 2,300万元 ≥ 2,000万元 ✓"),
                          ("✓", "研发投入占比 4% ≥ 3% ✓"), ("✓", "未列入失信名单 ✓")]
    # B: 27.6 / 2300 = 0.012 → 1.2%, the one criterion it misses
    assert reasons[1][2] == ("×", "研发投入占比 1.2% < 3% ×")
    assert [m for m, _ in reasons[1]] == ["✓", "✓", "×", "✓"]
    # C: no 研发 figure: "?" with the reason, not a miss
    assert reasons[2][2] == ("?", "缺少2017年研发经费支出数据 ?")
    assert reasons[3] == [("×", "规下企业 ×"), ("×", "营业收入 1,800万元 < 2,000万元 ×"),
                          ("×", "研发投入占比 0.56% < 3% ×"), ("×", "列入失信名单 ×")]  # 10/1800 = 0.5556%
    assert [calc.OUTCOME_CODES[int(o)] for o in outcomes] == ["qualified", "close", "unknown", "missed"]


def test_missing_data_is_never_a_miss() -> None:
    """C lacks the 研发 figure: with every other criterion met it is 待补充 (2), never 不符合 or 差一项."""
    criteria = calc.parse_criteria(RD_POLICY, FIGURES)
    matrix = calc.match_matrix(frame(), [calc.Rules("rd", tuple(criteria))], 2017, FIGURES)
    assert matrix.outcomes[:, 0].tolist() == [3, 1, 2, 0]
    assert matrix.counts().iloc[0][["qualified", "close", "unknown", "missed"]].tolist() == [1, 1, 1, 1]


def test_attributes_in_sets_ages_and_classes() -> None:
    criteria = calc.parse_criteria([
        {"field": "industry", "op": "in", "value": [34, "35"]},
        {"field": "park_level", "op": "in", "value": ["national", "provincial"]},
        {"field": "age", "op": "le", "value": 5},
        {"field": "mujun_class", "op": "in", "value": ["A", "B"]},
    ], FIGURES)
    _, reasons = calc.explain(frame(), criteria, 2017, FIGURES)
    # A founded 2015-01-01: 2017-12-31 is 1,095 days later, 1095 / 365.25 = 2.998 → 3年
    assert reasons[0] == [("✓", "行业代码 3411 属于 34、35 ✓"), ("✓", "所在园区级别 国家级 属于 国家级、省级 ✓"),
                          ("✓", "成立年限 3年 ≤ 5年 ✓"), ("✓", "亩均评价类别 A类 属于 A类、B类 ✓")]
    # B: 2000-06-30 → 2017-12-31 is 6,393 days, / 365.25 = 17.50 → 17.5年; outside every park
    assert reasons[1] == [("×", "行业代码 1331 不属于 34、35 ×"), ("×", "不在园区，要求国家级、省级园区 ×"),
                          ("×", "成立年限 17.5年 > 5年 ×"), ("✓", "亩均评价类别 B类 属于 A类、B类 ✓")]
    assert reasons[2][2] == ("?", "缺少成立日期 ?") and reasons[2][3] == ("?", "缺少亩均评价结果 ?")
    assert reasons[3][0] == ("?", "缺少行业代码信息 ?")


def test_automatic_only_when_every_criterion_is_on_data_held() -> None:
    held = calc.parse_criteria(RD_POLICY, FIGURES)
    assert calc.delivery(held) == "automatic" and calc.to_supply(held) == []
    quick = calc.parse_criteria([*RD_POLICY, {"op": "supply", "label": "高新技术企业证书"}], FIGURES)
    assert calc.delivery(quick) == "quick" and calc.to_supply(quick) == ["高新技术企业证书"]
    outcomes, reasons = calc.explain(frame(), quick, 2017, FIGURES)
    # A meets every held criterion; the certificate is "?" (supplied by the firm), so it is 待补充, not a miss
    assert reasons[0][-1] == ("?", "需企业提供：高新技术企业证书 ?") and int(outcomes[0]) == 2


def test_zero_denominator_is_unknown_not_a_miss() -> None:
    f = frame().assign(sales_revenue=[0.0, 2300.0, 2500.0, 1800.0])
    c = calc.parse_criteria([RD_POLICY[2]], FIGURES)[0]
    judged = calc.judge(c, f, 2017, FIGURES)
    assert judged.status.tolist()[0] == -1 and judged.reason is not None
    assert judged.reason.iloc[0] == "2017年营业收入为0，无法计算研发投入占比 ?"


@pytest.mark.parametrize(("criteria", "says"), [
    ([{"field": "sales_revenue", "op": "gt", "value": 1}], "运算「gt」无法识别"),
    ([{"field": "sales_revenue", "op": "ge"}], "取值 value 须是数字"),
    ([{"field": "industry", "op": "ge", "value": 3}], "不是数值"),
    ([{"field": "rd_spending", "op": "ratio", "value": 3}], "分母 of"),
    ([{"field": "park_level", "op": "in", "value": ["county"]}], "取值「county」无效"),
    ([{"field": "nope", "op": "ge", "value": 1}], "不在指标目录中"),
    ([{"op": "supply"}], "须写明 label"),
    ([{"field": "dishonest", "op": "not", "extra": 1}], "不认识的键"),
])
def test_bad_criteria_are_named_in_chinese(criteria: list, says: str) -> None:
    with pytest.raises(AppError) as err:
        calc.parse_criteria(criteria, FIGURES)
    text = err.value.message + "".join(p.message for p in err.value.problems)
    assert says in text and "第1条条件" in text


def test_numbers_have_thousands_separators_and_no_trailing_zeros() -> None:
    assert [calc.num(x) for x in (2300, 1.2, 1234.567, 0.004, 2000000)] == ["2,300", "1.2", "1,234.57", "0", "2,000,000"]


def test_the_policy_states() -> None:
    assert calc.next_state("draft", "publish") == "published"
    assert calc.next_state("published", "withdraw") == "withdrawn"
    assert calc.next_state("withdrawn", "publish") == "published"
    for state, action in (("draft", "withdraw"), ("published", "publish"), ("withdrawn", "withdraw")):
        with pytest.raises(Conflict):
            calc.next_state(state, action)
    with pytest.raises(Conflict):
        calc.require_editable("published")
