"""A report's 同比 column follows the rate rule (issue 8 item 2): a rate changes by a difference in 个百分点,
never by a % change of itself, and growth from a zero or negative base is "—".

岳阳县's 2016年1—3月 figures (last year) and its 2017年1—3月 report, by hand:
  规模工业总产值        180.5 → 195.3 亿元: 195.3 / 180.5 − 1 = +8.199…% → "+8.2%"
  规模工业增加值增速     8.8 → 8.6 %: 8.6 − 8.8 = −0.2 → "-0.2个百分点" (was "-2.3%")
  工业投资增速         −15.7 → −5.2 %: −5.2 − (−15.7) = +10.5 → "+10.5个百分点" (was "66.9%")
  规模工业利润总额      −10.0 → 5.0 亿元: a loss last year has no growth rate → "—" (was +150%, and a ±30%
                       explanation was demanded for it)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.indicators.services import apply_observation_plan, candidate_frame, make_batch, plan_observations
from newind.submissions.models import Submission
from newind.units.models import Unit
from tests.submissions.conftest import GOOD, LAST_YEAR, form_post

pytestmark = pytest.mark.django_db

LAST = {**LAST_YEAR, "industrial_va_above_size_growth_pct": Decimal("8.8"),
        "industrial_investment_growth_pct": Decimal("-15.7"), "industrial_profit": Decimal("-10.0")}
NOW = {**GOOD, "industrial_va_above_size_growth_pct": "8.6", "industrial_investment_growth_pct": "-5.2",
       "industrial_profit": "5.0"}


@pytest.fixture
def submission(cast: Any) -> Submission:
    from newind.submissions.services import issue_task

    unit = Unit.objects.get(code="430621")
    rows = []
    for code, value in LAST.items():
        ind = Indicator.objects.get(code=code)
        rows.append({"indicator_id": ind.id, "unit_id": unit.id, "year": 2016, "period_kind": "M", "period_n": 3,
                     "value": value, "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
                     "release": "official", "source": "测试：2016年1—3月统计月报", "original": "", "is_synthetic": False})
    plan = plan_observations(candidate_frame(rows))
    apply_observation_plan(plan, make_batch("test", "0" * 64, None, "import", plan))
    task = issue_task(cast.office, period=Period.month(2017, 3), unit_ids=[unit.pk])
    return task.submissions.get(unit=unit)


def _change_cells(html: str) -> dict[str, str]:
    rows = re.findall(r'<tr><td class="text">([^<]+)</td><td class="text">[^<]*</td>\s*<td>[^<]*</td>\s*'
                      r"<td>[^<]*</td>\s*<td>([^<]*)</td>", html)
    return dict(rows)


def test_a_submitted_reports_change_column_follows_the_rate_rule(submission: Submission,  # type: ignore[no-untyped-def]
                                                               client_as) -> None:
    # No explanation is needed for the profit: a change from a loss is no growth, so no ±30% bound applies.
    response = client_as("yyx_rep").post(f"/submissions/{submission.pk}/", form_post(NOW, action="submit"))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == "submitted"
    assert submission.values.get(indicator__code="industrial_profit").value == Decimal("5.0")

    cells = _change_cells(client_as("office").get(f"/submissions/{submission.pk}/").content.decode())
    assert cells["规模工业总产值"] == "+8.2%"
    assert cells["规模工业增加值增速"] == "-0.2个百分点"
    assert cells["工业投资增速"] == "+10.5个百分点"
    assert cells["规模工业利润总额"] == "—"
