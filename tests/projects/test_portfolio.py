"""Every portfolio figure, band count and quota check of the hand-made projects (tests/projects/league_data.py)
equals a hand calculation written here. Period 2017-06: S = 2017-01-01, E = 2017-06-30."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from newind.projects.portfolio import portfolio, quota_rules

from .league_data import make_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(reference_data):  # type: ignore[no-untyped-def]
    return make_projects()


def _units(data):  # type: ignore[no-untyped-def]
    return {u["code"]: u for u in data["units"]}


def test_the_yueyang_county_figures_equal_the_hand_calculation(projects):  # type: ignore[no-untyped-def]
    a = _units(portfolio("2017-06"))["430621"]
    assert a["name"] == "岳阳县" and a["kind"] == "county" and a["project_count"] == 4
    # signed in [S, E]: A1 (03-10) and A2 (05-05); A3 was signed in 2016
    assert a["signed_count"] == 2
    assert a["signed_amount"] == 110000 + 8000  # A2 has no contract amount: its total investment
    # 开工率: planned start in the window: A1 (04-01, started), A2 (06-10, not started)
    assert a["started_rate_pct"] == round(1 / 2 * 100, 2)
    # 投资完成率: (A1 20,000 at 1—6月 + A2 1,000 at 1—5月, its latest row + A3 9,000) ÷ (40,000 + 4,000 + 10,000)
    assert a["investment_completion_pct"] == round((20000 + 1000 + 9000) / 54000 * 100, 2) == 55.56
    # 竣工投产率: planned 投产 in the window: A3 only (05-01), reached (05-20); A1's is in December
    assert a["completed_production_rate_pct"] == 100.0
    # 履约率: signed by E with the planned start ≤ E: A1, A2, A3; started: A1, A3
    assert a["performance_rate_pct"] == round(2 / 3 * 100, 2) == 66.67
    # 资金到位率: signed with a funds figure: A1 50,000 ÷ 110,000 and A3 25,000 ÷ 30,000 (its total investment)
    assert a["funds_in_place_pct"] == round((50000 + 25000) / (110000 + 30000) * 100, 2) == 53.57
    # 立项转化率: pipeline = not signed before S: A1, A2, A4 (never signed); signed of them: A1, A2
    assert a["conversion_rate_pct"] == round(2 / 3 * 100, 2)
    # 产业契合度: industrial among the signed: A1 and A2 of 2
    assert a["industry_fit_pct"] == 100.0
    # bands of the signed by total investment: A1 120,000 → ≥10亿; A2 8,000 → 0.3—1亿
    assert a["bands"] == {"0.3-1": 1, "1-2": 0, "2-10": 0, "10+": 1}
    assert a["overdue_starts"] == 1 and a["falsified"] == 1  # A2 overdue; A3 falsified
    assert a["top500_investors"] == 2  # A1, and A2 once although it has two flags
    assert a["quota_met"] is None and a["quota"] is None and a["veto"] is False  # a county has no quota


def test_the_linxiang_figures_and_the_window_boundaries(projects):  # type: ignore[no-untyped-def]
    b = _units(portfolio("2017-06"))["430682"]
    # B3 signed on S and B2 on E: both inside (the window is closed at both ends)
    assert b["signed_count"] == 3 and b["signed_amount"] == 60000 + 15000 + 2500
    assert b["started_rate_pct"] == 100.0  # planned in the window: B1 only (B3's was 2016-12, B2's September)
    assert b["investment_completion_pct"] == 100.0  # 30,000 ÷ 30,000 (B2, B3 have no plan)
    assert b["completed_production_rate_pct"] == 0.0  # B1 due 06-01, not reached: a real 0, not "—"
    assert b["performance_rate_pct"] == 50.0  # due: B1 (started) and B3 (planned 2016-12, not started)
    assert b["funds_in_place_pct"] == 100.0
    assert b["conversion_rate_pct"] == 100.0  # B3 signed on S is not "signed before S"
    assert b["industry_fit_pct"] == round(2 / 3 * 100, 2)  # B1, B3 of 3
    # B1 60,000 → 2—10亿; B2 15,000 → 1—2亿; B3 2,500 is below 0.3亿: in no band
    assert b["bands"] == {"0.3-1": 0, "1-2": 1, "2-10": 1, "10+": 0}
    assert b["overdue_starts"] == 1 and b["top500_investors"] == 1


def test_the_yunxi_figures_band_lower_bounds_and_undefined_rates(projects):  # type: ignore[no-untyped-def]
    c = _units(portfolio("2017-06"))["430603"]
    assert c["signed_count"] == 8 and c["signed_amount"] == 6 * 3000 + 100000 + 10000
    # no project planned to start, to produce, or due under a contract, no funds figure: "—" (null), not 0
    for key in ("started_rate_pct", "completed_production_rate_pct", "performance_rate_pct", "funds_in_place_pct"):
        assert c[key] is None, key
    assert c["investment_completion_pct"] == 60.0  # C1: 600 ÷ 1,000
    assert c["industry_fit_pct"] == 87.5  # 7 industrial (C1–C6, C8) of 8
    # lower bounds inclusive: 3,000 is 0.3—1亿, 10,000 is 1—2亿, 100,000 is ≥10亿
    assert c["bands"] == {"0.3-1": 6, "1-2": 1, "2-10": 0, "10+": 1}
    assert c["top500_investors"] == 6


def test_the_quota_check_and_the_veto_at_year_end(projects):  # type: ignore[no-untyped-def]
    june = _units(portfolio("2017-06"))
    # P430609 (other provincial, ≥ 50,000): A1, industrial, 120,000 → met
    assert june["P430609"]["quota_met"] is True and june["P430609"]["quota"]["brought_in"] == 1
    assert june["P430609"]["quota"]["min_investment_wan"] == 50000
    # P430605: B1, industrial, 60,000 → met (B2 is not industrial)
    assert june["P430605"]["quota_met"] is True
    # P430603 (key park, ≥ 100,000): C7 reaches 100,000 but is not industrial; C8 is 10,000 → not met
    assert june["P430603"]["quota_met"] is False and june["P430603"]["quota"]["brought_in"] == 0
    assert june["P430603"]["veto"] is False  # before the year end: not yet a veto
    year = _units(portfolio("2017"))
    assert year["P430603"]["quota_met"] is False and year["P430603"]["veto"] is True
    assert _units(portfolio("2017-12"))["P430603"]["veto"] is True
    assert _units(portfolio("2017Q4"))["P430603"]["veto"] is True
    assert year["P430609"]["veto"] is False and year["430621"]["veto"] is False
    # the parks' figures: P430609 has A1 and A2 (A3, A4 have no park)
    assert june["P430609"]["signed_count"] == 2 and june["P430609"]["kind"] == "park"


def test_a_quarter_is_its_last_month(projects):  # type: ignore[no-untyped-def]
    q2, june = portfolio("2017Q2"), portfolio("2017-06")
    assert q2["period"] == "2017Q2" and q2["units"] == june["units"]


def test_may_differs_where_the_dates_say(projects):  # type: ignore[no-untyped-def]
    may = _units(portfolio("2017-05"))
    # A2 is not due to start until June: 开工率 of A1 alone; A1 and A3 have no row up to May: 0; A2 1,000
    assert may["430621"]["started_rate_pct"] == 100.0 and may["430621"]["overdue_starts"] == 0
    assert may["430621"]["investment_completion_pct"] == round(1000 / 54000 * 100, 2) == 1.85
    assert may["430682"]["signed_count"] == 2  # B2 signs on 06-30
    assert may["430682"]["completed_production_rate_pct"] is None  # B1's 投产 is planned for June


def test_the_quota_file_names_the_2017_parks() -> None:
    rules = quota_rules(2017)
    assert [r["units"] for r in rules] == [["P430601", "P430602", "P430603"],
                                          ["P430604", "P430605", "P430606", "P430607", "P430608", "P430609"]]
    assert [r["min_investment"] for r in rules] == [100000, 50000] and quota_rules(2016) == []


def test_the_cli_json_has_the_issue_keys(projects):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("projects", "portfolio", "--period", "2017-06", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"] == "2017-06"
    needed = {"code", "name", "signed_count", "signed_amount", "started_rate_pct", "investment_completion_pct",
              "completed_production_rate_pct", "bands", "quota_met", "veto"}
    assert all(needed <= set(u) for u in data["units"]) and data == portfolio("2017-06")
    table = io.StringIO()
    call_command("projects", "portfolio", "--period", "2017-06", stdout=table)
    line = next(x for x in table.getvalue().splitlines() if x.startswith("430603\t"))
    assert "\t—\t" in line and "128,000.00" in line
