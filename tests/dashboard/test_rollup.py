"""Published county figures reach the dashboard and the report as the 县市区汇总 until the city's own
figure arrives; where there is nothing to sum, the page says exactly why."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pandas as pd
import pytest

from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.indicators.services import apply_observation_plan, candidate_frame, make_batch, plan_observations
from newind.reports.calc import roll_up_levels
from newind.units.models import Unit
from tests.submissions.conftest import GOOD, form_post, last_year, task, yx_sub, yyx_sub  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# 云溪区's report for 2017年1—3月 (its last year's figures are LAST_YEAR, like 岳阳县's).
YX = {**GOOD, "industrial_output_above_size": "190.1", "industrial_va_above_size": "47.0",
      "industrial_tax": "4.0"}


def publish(client_as: Any, sub: Any, values: dict[str, str], reporter: str, reviewer: str) -> None:
    """The unit fills and submits, its reviewer (or the office) approves, the office publishes."""
    assert client_as(reporter).post(f"/submissions/{sub.pk}/", form_post(values, "submit")).status_code == 302
    assert client_as(reviewer).post(f"/submissions/{sub.pk}/review/", {"decision": "approve"}).status_code == 302
    assert client_as("office").post(f"/submissions/{sub.pk}/publish/", {"release": "flash"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "published"


def add_figures(unit_code: str, period: Period, values: dict[str, str]) -> None:
    unit = Unit.objects.get(code=unit_code)
    rows = []
    for code, value in values.items():
        ind = Indicator.objects.get(code=code)
        rows.append({"indicator_id": ind.id, "unit_id": unit.id, "year": period.year, "period_kind": period.kind.value,
                     "period_n": period.n, "value": Decimal(value), "measure_unit": ind.measure_unit,
                     "price_basis": ind.price_basis, "release": "official", "source": "测试：市统计局月报",
                     "original": "", "is_synthetic": False})
    plan = plan_observations(candidate_frame(rows))
    apply_observation_plan(plan, make_batch("test-city", "1" * 64, None, "import", plan))


@pytest.fixture
def yx_rev(cast) -> Any:  # type: ignore[no-untyped-def]
    """云溪区审核员 (not in the shared cast), reachable as client_as("yx_rev")."""
    from newind.accounts.services import create_user

    cast.yx_rev = create_user("yx_rev", "reviewer", password=cast.PASSWORD, unit_code="430603", name="云溪区审核员",
                              must_change_password=False)
    return cast.yx_rev


def card(page: str, code: str) -> str:
    start = page.index(f'data-indicator="{code}"')
    return page[start:page.index("</article>", start)]


def test_a_published_county_reaches_the_dashboard_as_the_county_rollup(client_as, yyx_sub) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    publish(client_as, yyx_sub, GOOD, "yyx_rep", "yyx_rev")
    response = client_as("leader").get("/dashboard/?period=2017-03")
    assert response.status_code == 200, response.content.decode()[:400]
    page = response.content.decode()
    assert "县市区汇总（13个单位中的1个）" in page and 'id="city-basis"' in page
    assert "1—3月，县市区汇总（13个单位中的1个）规模工业增加值完成48.60亿元。" in page  # the headline
    # The sum of one unit is that unit's figure (48.6 亿元), labelled with what it covers.
    va = card(page, "industrial_va_above_size")
    assert "48.60" in va and "县市区汇总（13个单位中的1个）" in va
    # Its published comparable-price growth cannot be summed: no growth on the card, the reason in the note.
    assert "同比" not in va
    assert "「规模工业增加值增速」" in page and "不能由各单位的数加总" in page
    # A level without a published growth: nominal growth on the same unit's base, 195.3 / 180.5 − 1.
    output = card(page, "industrial_output_above_size")
    assert f"{(195.3 / 180.5 - 1) * 100:+.1f}%" in output and "名义" in output
    # A partial sum is neither ranked among the 市州 nor compared with the province.
    assert "全省第" not in page
    # The default period is the one the county published.
    assert "2017年1—3月" in client_as("leader").get("/dashboard/").content.decode()
    # Computed on read: nothing was written for the city itself.
    assert not Observation.objects.filter(unit__code="430600", year=2017).exists()
    assert Observation.objects.filter(unit__code="430621", year=2017, is_current=True).count() == len(GOOD)


def test_two_counties_add_up_and_the_citys_own_figure_replaces_the_rollup(  # type: ignore[no-untyped-def]
        client_as, yyx_sub, yx_sub, yx_rev) -> None:  # noqa: F811
    publish(client_as, yyx_sub, GOOD, "yyx_rep", "yyx_rev")
    publish(client_as, yx_sub, YX, "yx_rep", "yx_rev")
    page = client_as("office").get("/dashboard/?period=2017-03").content.decode()
    assert "县市区汇总（13个单位中的2个）" in page
    assert f"{48.6 + 47.0:,.2f}" in card(page, "industrial_va_above_size")
    # Both units have last year's figure (180.5 each): growth on the sum of the same two units.
    growth = ((195.3 + 190.1) / (180.5 + 180.5) - 1) * 100
    assert f"{growth:+.1f}%" in card(page, "industrial_output_above_size")
    assert "云溪区、岳阳县已发布的数据" in page  # in the order of the units

    # The monthly report shares the overview: its Excel says the same.
    download = client_as("office").get("/reports/monthly?period=2017-03&format=xlsx")
    assert download.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("县市区汇总（13个单位中的2个）" in t for t in texts)

    # The statistics bureau's city figure arrives: the dashboard shows it, and no roll-up any more.
    add_figures("430600", Period.month(2017, 3), {"industrial_va_above_size": "212.35"})
    page = client_as("office").get("/dashboard/?period=2017-03").content.decode()
    assert "县市区汇总" not in page and 'id="city-basis"' not in page
    assert "212.35" in card(page, "industrial_va_above_size")


def test_nothing_published_says_so(client_as, task) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    response = client_as("leader").get("/dashboard/?period=2017-03")
    assert response.status_code == 404
    text = response.content.decode()
    assert "市统计局的全市数据尚未导入" in text and "13个县市区也都还没有发布该期数据" in text


def test_only_rates_published_says_they_cannot_be_summed(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    add_figures("430621", Period.month(2017, 3), {"industrial_va_above_size_growth_pct": "7.4"})
    response = client_as("leader").get("/dashboard/?period=2017-03")
    assert response.status_code == 404
    text = response.content.decode()
    assert "已发布该期数据的1个县市区（岳阳县）没有可以加总的总量指标" in text
    assert "「规模工业增加值增速」是增速或比率" in text
    assert not Observation.objects.filter(unit__code="430600").exists()


def test_roll_up_levels_sums_one_basis_with_a_base_of_the_same_units() -> None:
    values = pd.DataFrame([
        # a: two units this year, both with last year's figure → base 10 + 20.
        ("a", "u1", 2017, 12.0, "current", False), ("a", "u2", 2017, 21.0, "current", True),
        ("a", "u1", 2016, 10.0, "current", False), ("a", "u2", 2016, 20.0, "current", False),
        # b: u2 has no last-year figure → no base (a base of u1 alone would make the growth up).
        ("b", "u1", 2017, 5.0, "none", False), ("b", "u2", 2017, 6.0, "none", False),
        ("b", "u1", 2016, 4.0, "none", False),
        # c: mixed price bases → not summed.
        ("c", "u1", 2017, 1.0, "current", False), ("c", "u2", 2017, 2.0, "comparable", False),
    ], columns=["indicator_code", "unit_code", "year", "value", "price_basis", "is_synthetic"])
    rows, skipped = roll_up_levels(values, 2017)
    got = {(r.indicator_code, r.year): (r.value, r.units, r.is_synthetic) for r in rows.itertuples()}
    assert got == {("a", 2017): (33.0, 2, True), ("a", 2016): (30.0, 2, False), ("b", 2017): (11.0, 2, False)}
    assert list(skipped) == ["c"] and "价格口径不一致" in skipped["c"]
