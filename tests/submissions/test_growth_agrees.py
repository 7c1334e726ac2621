"""The submission form and the dispatch report agree on growth from a negative base (issue 9 item 2).

岳阳县's profit (规模工业利润总额) was −10.0 亿元 in 2016年1—3月 and is 5.0 亿元 in 2017年1—3月. A loss last
year has no growth rate: by hand, (5 / −10 − 1) × 100 = −150% and (5 − (−10)) / 10 = +150% are both
meaningless, so every place shows "—": the report's 同比 column on the form, the monthly overview (the report
and the dashboard) and its API, and the derived figures the worker keeps. Before issue 8 the form showed
+150% while the report showed no growth; this test pins that they can never disagree again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from newind.indicators.derived import derived_frame
from newind.indicators.periods import Period
from newind.reports.queries import monthly_overview
from newind.submissions.models import Submission
from tests.submissions.conftest import form_post
from tests.submissions.test_rates import NOW, _change_cells, submission  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
PERIOD = Period.month(2017, 3)


def _publish(client_as: Any, sub: Submission, capture: Any) -> None:
    assert client_as("yyx_rep").post(f"/submissions/{sub.pk}/", form_post(NOW, "submit")).status_code == 302
    assert client_as("yyx_rev").post(f"/submissions/{sub.pk}/review/", {"decision": "approve"}).status_code == 302
    with capture(execute=True):  # the recompute queued on commit runs now
        assert client_as("office").post(f"/submissions/{sub.pk}/publish/", {"release": "flash"}).status_code == 302


def test_the_form_and_the_report_show_no_growth_from_a_loss(submission, client_as,  # noqa: F811
                                                            django_capture_on_commit_callbacks) -> None:
    _publish(client_as, submission, django_capture_on_commit_callbacks)

    # The form: the 同比 column of the published report.
    form_cells = _change_cells(client_as("office").get(f"/submissions/{submission.pk}/").content.decode())
    assert form_cells["规模工业利润总额"] == "—"
    # …while a positive base still grows, on the same page: 180.5 → 195.3 is +8.2%.
    assert form_cells["规模工业总产值"] == "+8.2%"

    # The report and the dashboard: the monthly overview's county table.
    counties = monthly_overview(PERIOD).counties.set_index(["unit_code", "indicator_code"])
    assert counties.loc[("430621", "industrial_profit"), "growth_pct"] != counties.loc[
        ("430621", "industrial_profit"), "growth_pct"]  # NaN: no growth
    assert counties.loc[("430621", "industrial_output_above_size"), "growth_pct"] == pytest.approx(
        (195.3 / 180.5 - 1) * 100)

    # The report's API (the same overview as JSON): null, never a number.
    body = client_as("office").get("/api/reports/monthly-overview", {"period": "2017-03"}).json()
    rows = [r for r in body["counties"] if r["unit_code"] == "430621" and r["indicator_code"] == "industrial_profit"]
    assert rows and rows[0]["growth_pct"] is None

    # The derived figures the worker recomputed after the publish: no stored growth of the profit.
    derived = derived_frame(PERIOD, kind="growth")
    yyx = derived[derived["unit_code"] == "430621"].set_index("indicator_code")["value"]
    assert "industrial_profit" not in yyx.index
    assert yyx["industrial_output_above_size"] == pytest.approx((195.3 / 180.5 - 1) * 100)


def test_the_report_document_prints_a_dash_for_it(submission, client_as,  # noqa: F811
                                                   django_capture_on_commit_callbacks) -> None:
    from newind.reports.content import build_content

    _publish(client_as, submission, django_capture_on_commit_callbacks)
    content = build_content(monthly_overview(PERIOD), with_charts=False)
    text = repr(content)
    # The 岳阳县 profit row of the county table carries no growth figure: no "150" anywhere in the report.
    assert not re.search(r"150(\.0)?%", text)
