"""Matching through the database and the CLI: who qualifies, who misses by one (and why), who lacks data."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from newind.policies import queries
from tests.policies.conftest import JS, LQ, ML, SH, ZB

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> dict:
    out = StringIO()
    call_command("policies", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_firm_that_qualifies(policies) -> None:  # type: ignore[no-untyped-def]
    body = _cli("match", "--firm", ZB, "--year", "2017", "--format", "json")
    assert body["firm"]["credit_code"] == ZB and body["year"] == 2017
    rd = next(p for p in body["qualified"] if p["code"] == "t-rd")
    # 92 ÷ 2,300 = 4%
    assert [c["reason"] for c in rd["criteria"]] == ["规上企业 ✓", "营业收入 2,300万元 ≥ 2,000万元 ✓",
                                                    "研发投入占比 4% ≥ 3% ✓", "未列入失信名单 ✓"]
    assert rd["delivery"] == "免申即享" and rd["must_supply"] == []
    # 高企 needs the certificate: 快申快享, listed with what the firm must supply, never as a miss
    hitech = next(p for p in body["to_supply"] if p["code"] == "t-hitech")
    assert hitech["delivery"] == "快申快享" and hitech["must_supply"] == ["高新技术企业证书"]
    assert [p["code"] for p in body["missed"]] == []
    # the draft is not matched
    assert "t-draft" not in json.dumps(body)


def test_a_firm_that_misses_by_one_criterion_with_the_reason(policies) -> None:  # type: ignore[no-untyped-def]
    body = _cli("match", "--firm", SH, "--year", "2017", "--format", "json")
    rd = next(p for p in body["missed"] if p["code"] == "t-rd")
    assert rd["outcome"] == "close"
    # 27.6 ÷ 2,300 = 1.2%
    assert [c["mark"] for c in rd["criteria"]] == ["✓", "✓", "×", "✓"]
    assert rd["criteria"][2]["reason"] == "研发投入占比 1.2% < 3% ×"


def test_missing_data_is_a_question_mark_never_a_miss(policies) -> None:  # type: ignore[no-untyped-def]
    body = _cli("match", "--firm", LQ, "--year", "2017", "--format", "json")
    rd = next(p for p in body["to_supply"] if p["code"] == "t-rd")
    assert rd["outcome"] == "unknown"
    assert rd["criteria"][2] == {"mark": "?", "reason": "缺少2017年研发经费支出数据 ?"}
    assert rd["must_supply"] == ["缺少2017年研发经费支出数据"]
    assert all(p["code"] != "t-rd" for p in body["missed"])


def test_eligible_lists_the_qualified_and_the_close_firms(policies) -> None:  # type: ignore[no-untyped-def]
    body = _cli("eligible", "--policy", "t-rd", "--year", "2017", "--format", "json")
    assert [f["code"] for f in body["qualified"]] == [ZB]
    # LQ lacks a figure (only "?"), SH misses one criterion; ML and JS (规下, small) miss three and are left out
    assert [(f["code"], f["outcome"]) for f in body["close"]] == [(LQ, "unknown"), (SH, "close")]
    assert {ML, JS}.isdisjoint(f["code"] for f in body["qualified"] + body["close"])


def test_the_table_format_speaks_chinese(policies) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("policies", "match", "--firm", SH, "--year", "2017", stdout=out)
    assert "不符合的政策" in out.getvalue() and "研发投入占比 1.2% < 3% ×" in out.getvalue()


def test_the_december_cumulative_figure_stands_in_for_the_annual_one(firms) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from newind.indicators.models import Indicator, Observation

    energy = Indicator.objects.get(code="rd_spending")
    Observation.objects.create(indicator=energy, unit_id=firms[LQ], year=2017, period_kind="M", period_n=12,
                               value=Decimal("120"), measure_unit="万元", source="测试")
    Observation.objects.create(indicator=energy, unit_id=firms[LQ], year=2017, period_kind="M", period_n=11,
                               value=Decimal("999"), measure_unit="万元", source="测试")
    values = queries.year_figures(2017, ["rd_spending"])
    assert values["rd_spending"][firms[LQ]] == 120.0  # 1—12月, not 1—11月
    assert values["rd_spending"][firms[ZB]] == 92.0  # the annual figure


def test_the_frame_reads_each_source_once(firms, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(4):  # registry, indicator ids, figures, 亩均 classes
        frame = queries.firm_frame(2017, ["sales_revenue", "rd_spending"])
    assert len(frame) == 5 and frame.set_index("credit_code").loc[ZB, "sales_revenue"] == 2300.0
