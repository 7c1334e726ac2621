"""Search, one firm's page (figures with versions, history) and the evaluation frame for the scoring engine."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.enterprises import queries
from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Indicator
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from tests.enterprises.conftest import GOOD_ROWS

pytestmark = pytest.mark.django_db


def _write(figures: list[tuple[str, str, int, str]], release: str = "official") -> None:
    inds = {i.code: i for i in Indicator.objects.all()}
    units = dict(EnterpriseProfile.objects.values_list("credit_code", "unit_id"))
    rows = [{"indicator_id": inds[ind].id, "unit_id": units[code], "year": year, "period_kind": "Y", "period_n": 0,
             "value": Decimal(v), "measure_unit": inds[ind].measure_unit, "price_basis": inds[ind].price_basis,
             "release": release, "source": "企业年报"} for code, ind, year, v in figures]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)


def test_the_nine_indicators_are_in_the_catalogue_with_the_issues_codes_names_and_units(reference_data) -> None:
    expected = {
        "land_area": ("用地面积（含租用）", "亩"), "tax_paid": ("实缴税金", "万元"), "value_added": ("工业增加值", "万元"),
        "sales_revenue": ("营业收入", "万元"), "energy_use": ("综合能耗（等价值）", "吨标准煤"),
        "emissions": ("主要污染物排放当量", "吨"), "rd_spending": ("研发经费支出", "万元"),
        "avg_employees": ("年平均职工人数", "人"), "power_use": ("用电量", "万千瓦时"),
    }
    got = {i.code: (i.name, i.measure_unit) for i in Indicator.objects.filter(code__in=expected)}
    assert got == expected
    assert set(Indicator.objects.filter(code__in=expected).values_list("frequency", flat=True)) == {"annual"}


@pytest.mark.parametrize(("text", "found"), [
    ("装备", [GOOD_ROWS[0][0]]),
    ("yysl", [GOOD_ROWS[0][0]]),  # 岳阳示例装备… → y y s l …
    ("9144030071526726xg", [GOOD_ROWS[1][0]]),  # a credit code in lower case
    ("示例", sorted(r[0] for r in GOOD_ROWS)),
])
def test_search_by_name_pinyin_initials_or_credit_code(imported, text: str, found: list[str]) -> None:
    hits = queries.search_enterprises(EnterpriseProfile.objects.all(), text)
    assert sorted(hits.values_list("credit_code", flat=True)) == sorted(found)


def test_a_firm_page_shows_its_figures_with_versions(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    code = GOOD_ROWS[0][0]
    _write([(code, "tax_paid", 2017, "100"), (code, "land_area", 2017, "50")])
    _write([(code, "tax_paid", 2017, "120")], release="revised")
    profile = EnterpriseProfile.objects.get(credit_code=code)
    rows = {(r.indicator.code, r.year): r for r in queries.enterprise_figures(profile)}
    tax = rows[("tax_paid", 2017)]
    assert tax.current.value == 120 and [v.value for v in tax.versions] == [100, 120]
    page = client_as("office").get(f"/enterprises/{profile.pk}/").content.decode()
    assert "第2版（共2版）" in page and "亩均效益评价" in page and "建档" in page


def test_the_evaluation_frame_has_the_scoring_engines_columns_one_row_per_firm(imported) -> None:
    zb, sh, mr, lz, js = (r[0] for r in GOOD_ROWS)
    _write([(zb, "tax_paid", 2017, "300"), (zb, "land_area", 2017, "60"), (sh, "tax_paid", 2017, "80.5"),
            (zb, "tax_paid", 2016, "1")])
    EnterpriseProfile.objects.filter(credit_code=js).update(is_utility=True)
    flags = pd.DataFrame({"credit_code": [sh], "flag": ["否决"]})
    frame = queries.evaluation_frame(2017, "430600", flags)
    assert list(frame.columns) == ["credit_code", "name", "size", "county", "park", "industry", "is_utility",
                                   "land_area", "tax_paid", "value_added", "sales_revenue", "energy_use",
                                   "emissions", "rd_spending", "avg_employees", "power_use", "flag"]
    assert sorted(frame["credit_code"]) == sorted([zb, sh, mr, lz, js])
    row = frame.set_index("credit_code")
    assert (row.at[zb, "size"], row.at[zb, "county"], row.at[zb, "park"], row.at[zb, "industry"]) == (
        "above", "430621", "P430609", "3411")
    assert row.at[zb, "tax_paid"] == 300.0 and row.at[zb, "land_area"] == 60.0  # 2017, not 2016
    assert np.isnan(row.at[mr, "tax_paid"]) and row.at[lz, "park"] == ""
    assert row.at[sh, "flag"] == "否决" and row.at[zb, "flag"] == ""
    assert bool(row.at[js, "is_utility"]) and not bool(row.at[zb, "is_utility"])
    assert frame["tax_paid"].dtype == np.float64


def test_the_evaluation_frame_of_a_county_or_a_park_holds_only_its_firms(imported) -> None:
    assert queries.evaluation_frame(2017, "430621")["credit_code"].tolist() == [GOOD_ROWS[0][0]]
    assert queries.evaluation_frame(2017, "P430603")["credit_code"].tolist() == [GOOD_ROWS[1][0]]


def test_deregistered_firms_are_not_evaluated(imported) -> None:
    EnterpriseProfile.objects.filter(credit_code=GOOD_ROWS[0][0]).update(status="deregistered")
    assert GOOD_ROWS[0][0] not in set(queries.evaluation_frame(2017, "430600")["credit_code"])


def test_the_frame_brings_unit_ids_on_request_and_refuses_two_current_figures(imported) -> None:
    from newind.indicators.models import Observation

    zb = GOOD_ROWS[0][0]
    _write([(zb, "tax_paid", 2017, "300")])
    frame = queries.evaluation_frame(2017, "430600", with_unit_id=True)
    units = dict(EnterpriseProfile.objects.values_list("credit_code", "unit_id"))
    assert dict(zip(frame["credit_code"], frame["unit_id"], strict=True)) == units
    assert "unit_id" not in queries.evaluation_frame(2017, "430600").columns
    # A second current figure of the same indicator (the spine never leaves one): refused, not one taken.
    obs = Observation.objects.get(unit_id=units[zb], indicator__code="tax_paid", year=2017)
    obs.pk, obs.version, obs.value = None, obs.version + 1, 301
    obs.save()
    with pytest.raises(AppError) as info:
        queries.evaluation_frame(2017, "430600")
    assert info.value.message == f"企业 {zb} 的2017年度数据中同一指标有不止一个当前值，未作评价：请先核对年度数据。"
