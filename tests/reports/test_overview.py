"""The monthly overview against figures read straight from the stored observations (demo data, 2017年1—3月)."""

from __future__ import annotations

import pandas as pd
import pytest

from newind.indicators.models import Observation
from newind.indicators.periods import Period
from newind.reports.queries import monthly_overview

PERIOD = Period.month(2017, 3)


def _stored(code: str, year: int = 2017) -> pd.Series:
    rows = Observation.objects.filter(indicator__code=code, is_current=True, year=year, period_kind="M",
                                      period_n=3).values_list("unit__code", "value")
    return pd.Series({c: float(v) for c, v in rows})


def test_growth_ranks_and_ties_match_the_stored_figures(demo_figures):
    overview = monthly_overview(PERIOD)
    counties = overview.counties[overview.counties["indicator_code"] == "industrial_va_above_size"]
    growth = _stored("industrial_va_above_size_growth_pct")[counties["unit_code"]]
    # Competition ranks on the published growth, ties share the best rank.
    expected = growth.rank(method="min", ascending=False).astype(int)
    got = counties.set_index("unit_code")
    assert (got["rank"].astype(int) == expected).all()
    assert (got["growth_pct"] == growth).all() and set(got["growth_basis"]) == {"可比价"}
    tied = expected[expected.duplicated(keep=False)].index
    assert set(got.index[got["tied"].astype(bool)]) == set(tied)
    assert (got["reported"] == 13).all()


# (indicator, its published growth indicator, the basis shown). One demo load for the whole table.
GROWTH_CASES = [
    ("industrial_investment", "industrial_investment_growth_pct", "公布数"),  # published at current prices
    ("industrial_tax", None, "名义"),                                         # no published rate: nominal
    ("above_size_enterprises", None, "名义"),
    ("park_va_share_pct", None, ""),                                           # a ratio: no growth
]


def test_the_citys_growth_and_its_basis(demo_figures):
    key = monthly_overview(PERIOD).key.set_index("indicator_code")
    for code, growth_code, basis in GROWTH_CASES:
        row = key.loc[code]
        assert row["value"] == pytest.approx(_stored(code)["430600"]), code
        assert row["growth_basis"] == basis, code
        if growth_code:
            assert row["growth_pct"] == pytest.approx(_stored(growth_code)["430600"]), code
        elif basis:
            now, last = _stored(code)["430600"], _stored(code, 2016)["430600"]
            assert row["growth_pct"] == pytest.approx((now / last - 1) * 100), code
        else:
            assert pd.isna(row["growth_pct"]), code
        # Only the growth of value added is published for the other 市州: no rank among 14 for the rest.
        assert pd.isna(row["province_rank"]), code


def test_parks_are_ranked_among_themselves(demo_figures):
    parks = monthly_overview(PERIOD).parks
    income = parks[parks["indicator_code"] == "park_tgm_income"]
    assert len(income) == 11 and set(income["rank"].astype(int)) <= set(range(1, 12))
    best = income.sort_values("growth_pct", ascending=False).iloc[0]
    assert best["rank"] == 1 and best["growth_basis"] == "名义"
