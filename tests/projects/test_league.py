"""The county 赛马 of the hand-made projects (tests/projects/league_data.py) by the scheme projects-saima,
computed here by hand: 功效系数法 points = weight × (60 + 40 × (v − worst) ÷ (best − worst)) ÷ 100 over the
counties that have the figure (100 % of the weight for everyone when best = worst); a county without the
figure ("—") gets the mean points of those that have it; −0.1 per overdue start, −0.2 per falsified
project; +0.1 per 500强 investor's project, at most +0.5; totals rounded half-up to 2 decimals.

The inputs (from test_portfolio), 1—6月 / 1—5月, A = 岳阳县, B = 临湘市, C = 云溪区:
  signed_amount        A 118,000 / 118,000   B 77,500 / 62,500   C 128,000 / 128,000
  started_rate_pct     A 50 / 100            B 100 / 100         C — / —
  investment_compl.    A 55.56 / 1.85        B 100 / 0           C 60 / 0
  completed_prod.      A 100 / 100           B 0 / —             C — / —
  conversion_rate_pct  A 66.67 / 66.67       B 100 / 66.67       C 100 / 100
  industry_fit_pct     A 100 / 100           B 66.67 / 100       C 87.5 / 87.5
  overdue, falsified   A 1, 1 / 0, 1         B 1, 0 / 1, 0       C 0, 0 / 0, 0
  500强 projects        A 2 / 2               B 1 / 0             C 6 / 6
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from newind.projects.league import league_table
from newind.scoring.calc import round_half_up

from .league_data import make_projects

pytestmark = pytest.mark.django_db


def ec(weight: float, v: float, best: float, worst: float) -> float:
    return weight * (60 + 40 * (v - worst) / (best - worst)) / 100


# 1—6月 by hand
A_JUNE = {"signed_amount": ec(20, 118000, 128000, 77500), "started_rate_pct": ec(20, 50, 100, 50),
          "investment_completion_pct": ec(25, 55.56, 100, 55.56), "completed_production_rate_pct": ec(15, 100, 100, 0),
          "conversion_rate_pct": ec(10, 66.67, 100, 66.67), "industry_fit_pct": ec(10, 100, 100, 66.67)}
B_JUNE = {"signed_amount": ec(20, 77500, 128000, 77500), "started_rate_pct": ec(20, 100, 100, 50),
          "investment_completion_pct": ec(25, 100, 100, 55.56), "completed_production_rate_pct": ec(15, 0, 100, 0),
          "conversion_rate_pct": ec(10, 100, 100, 66.67), "industry_fit_pct": ec(10, 66.67, 100, 66.67)}
C_JUNE = {"signed_amount": ec(20, 128000, 128000, 77500),
          "started_rate_pct": (A_JUNE["started_rate_pct"] + B_JUNE["started_rate_pct"]) / 2,  # — : mean points
          "investment_completion_pct": ec(25, 60, 100, 55.56),
          "completed_production_rate_pct": (A_JUNE["completed_production_rate_pct"]
                                            + B_JUNE["completed_production_rate_pct"]) / 2,
          "conversion_rate_pct": ec(10, 100, 100, 66.67), "industry_fit_pct": ec(10, 87.5, 100, 66.67)}
A_TOTAL = round_half_up(sum(A_JUNE.values()) + 0.2 - (0.1 * 1 + 0.2 * 1), 2)  # bonus 2 × 0.1; 1 overdue, 1 falsified
B_TOTAL = round_half_up(sum(B_JUNE.values()) + 0.1 - 0.1 * 1, 2)
C_TOTAL = round_half_up(sum(C_JUNE.values()) + 0.5, 2)  # 6 × 0.1 = 0.6, capped at 0.5


@pytest.fixture
def projects(reference_data):  # type: ignore[no-untyped-def]
    return make_projects()


def _units(data):  # type: ignore[no-untyped-def]
    return {u["code"]: u for u in data["units"]}


def test_the_hand_calculation_of_the_items_and_totals(projects):  # type: ignore[no-untyped-def]
    assert (A_TOTAL, B_TOTAL, C_TOTAL) == (76.32, 82.0, 83.0)  # the hand figures themselves
    data = league_table("2017-06")
    assert data["period"] == "2017-06" and data["scheme"] == "projects-saima"
    units = _units(data)
    for code, hand in (("430621", A_JUNE), ("430682", B_JUNE), ("430603", C_JUNE)):
        points = {i["code"]: i["points"] for i in units[code]["items"]}
        assert points == {k: pytest.approx(v, abs=1e-4) for k, v in hand.items()}, code
    assert units["430621"]["total"] == A_TOTAL and units["430682"]["total"] == B_TOTAL
    assert units["430603"]["total"] == C_TOTAL
    values = {i["code"]: i["value"] for i in units["430603"]["items"]}
    assert values["started_rate_pct"] is None and values["investment_completion_pct"] == 60.0


def test_the_deductions_and_the_capped_bonus(projects):  # type: ignore[no-untyped-def]
    units = _units(league_table("2017-06"))
    assert units["430621"]["deductions"] == pytest.approx(0.1 + 0.2)  # one overdue start, one falsified project
    assert units["430682"]["deductions"] == pytest.approx(0.1)  # B3 overdue since its planned 2016-12 start
    assert units["430603"]["deductions"] == 0.0
    assert units["430621"]["bonus"] == pytest.approx(0.2)
    assert units["430682"]["bonus"] == pytest.approx(0.1)
    assert units["430603"]["bonus"] == 0.5  # six projects: 0.6, capped


def test_ranks_and_rank_changes_since_last_month(projects):  # type: ignore[no-untyped-def]
    # 1—5月 by hand: A 94.78 (bonus 0.2, falsified −0.2), B 77.90 (overdue −0.1), C 86.50 (bonus 0.5)
    a_may = ec(20, 118000, 128000, 62500) + 20 + 25 + 15 + ec(10, 66.67, 100, 66.67) + 10 + 0.2 - 0.2
    b_may = 12 + 20 + 15 + 15 + 6 + 10 - 0.1
    c_may = 20 + 20 + 15 + 15 + 10 + ec(10, 87.5, 100, 87.5) + 0.5
    assert [round_half_up(x, 2) for x in (a_may, b_may, c_may)] == [94.78, 77.9, 86.5]
    may = _units(league_table("2017-05"))
    assert {c: u["total"] for c, u in may.items()} == {"430621": 94.78, "430682": 77.9, "430603": 86.5}
    assert {c: u["rank"] for c, u in may.items()} == {"430621": 1, "430603": 2, "430682": 3}
    june = league_table("2017-06")
    assert [u["code"] for u in june["units"]] == ["430603", "430682", "430621"]  # rank order
    units = _units(june)
    assert {c: u["rank"] for c, u in units.items()} == {"430603": 1, "430682": 2, "430621": 3}
    # 进位/退位 = last month's rank − this month's
    assert {c: u["rank_change"] for c, u in units.items()} == {"430603": 1, "430682": 1, "430621": -2}
    assert june["previous_period"] == "2017-05"


def test_the_narrative_is_made_of_the_numbers(projects):  # type: ignore[no-untyped-def]
    assert league_table("2017-06")["narrative"] == [
        "2017年1—6月县市区重大项目赛马，云溪区以 83.00 分居第一，岳阳县以 76.32 分居末位（共 3 个县市区参评）。",
        "与2017年1—5月相比，进位最多的是云溪区（由第 2 位升至第 1 位）、临湘市（由第 3 位升至第 2 位），上升 1 位。",
        "退位最多的是岳阳县（由第 1 位降至第 3 位），下降 2 位。",
        "2 个县市区被扣分：岳阳县扣 0.30 分（逾期未开工 1 个、弄虚作假 1 个）；临湘市扣 0.10 分（逾期未开工 1 个）。",
        "引进500强企业投资项目加分：云溪区 6 个，加 0.50 分；岳阳县 2 个，加 0.20 分；临湘市 1 个，加 0.10 分。",
    ]


def test_without_a_previous_ranking_there_is_no_rank_change(projects):  # type: ignore[no-untyped-def]
    # 1—2月 2017: the previous period is 2016年1—12月, when no county had a figure to rank yet... except that
    # every county is rated on its (zero) signed amount, so ranks exist: then the change is a number.
    data = league_table("2017-02")
    assert data["previous_period"] == "2016-12"
    assert all(isinstance(u["rank"], int) for u in data["units"])
    assert any("上期" in s or "相比" in s for s in data["narrative"])


def test_the_cli_json_and_table(projects):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("projects", "league", "--period", "2017-06", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= {"period", "scheme", "units", "narrative"}
    assert set(data["units"][0]) >= {"code", "name", "items", "deductions", "bonus", "total", "rank", "rank_change"}
    assert set(data["units"][0]["items"][0]) >= {"code", "value", "points"}
    assert data == league_table("2017-06", "projects-saima")
    table = io.StringIO()
    call_command("projects", "league", "--period", "2017-06", "--scheme", "projects-saima", stdout=table)
    text = table.getvalue()
    assert "1\t↑1\t430603\t云溪区" in text and "3\t↓2\t430621\t岳阳县" in text and "-0.30\t+0.20\t76.32" in text


def test_an_enterprise_scheme_is_refused_for_the_league(projects):  # type: ignore[no-untyped-def]
    from newind.core.errors import AppError

    with pytest.raises(AppError, match="企业评价方案"):
        league_table("2017-06", "mujun-default")
