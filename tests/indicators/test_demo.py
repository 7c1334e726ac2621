"""The synthetic monthly demo data: reproducible, labelled 示例数据, idempotent and statistically coherent."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest

from newind.indicators import demo
from newind.indicators.models import ImportBatch, Observation
from newind.units.models import PeerGroup

ADDITIVE_LEVELS = [*demo.FLOW_LEVELS, "above_size_enterprises"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return demo.generate()


def test_it_is_deterministic_for_a_seed(frame):
    pd.testing.assert_frame_equal(frame, demo.generate(demo.SEED))
    other = demo.generate(demo.SEED + 1)
    assert not frame["value"].equals(other["value"])


def test_it_has_no_january_period_and_stops_at_2017_jan_nov(frame):
    assert frame["period_n"].between(2, 12).all()
    assert frame.loc[frame["year"] == 2017, "period_n"].max() == 11
    yueyang = frame[frame["unit_code"].isin([u.code for u in demo.UNITS])]
    assert sorted(yueyang["year"].unique()) == list(range(2012, 2018))
    # Every unit × indicator × year of 2012–2016 has all 11 cumulative periods 1—2月 … 1—12月.
    sizes = yueyang[yueyang["year"] < 2017].groupby(["unit_code", "indicator_code", "year"]).size()
    assert (sizes == 11).all()


def test_cumulative_flows_never_fall_within_a_year(frame):
    flows = frame[frame["indicator_code"].isin(demo.FLOW_LEVELS + ["park_tgm_income"])]
    flows = flows.sort_values(["unit_code", "indicator_code", "year", "period_n"])
    steps = flows.groupby(["unit_code", "indicator_code", "year"])["value"].diff().dropna()
    assert len(steps) > 10_000
    assert (steps >= 0).all()


def test_magnitudes_are_plausible_for_yueyang(frame):
    city_va = frame[(frame["unit_code"] == demo.CITY) & (frame["indicator_code"] == "industrial_va_above_size")
                    & (frame["year"] == 2016) & (frame["period_n"] == 12)]["value"].item()
    assert 1100 <= city_va <= 1300
    va_2016 = frame[(frame["indicator_code"] == "industrial_va_above_size") & (frame["year"] == 2016)
                    & (frame["period_n"] == 12)].set_index("unit_code")["value"]
    assert va_2016["430603"] > 5 * va_2016["Z430604"]  # 云溪区 is large, 屈原管理区 small
    growth = frame[(frame["indicator_code"] == demo.GROWTH) & (frame["year"] == 2016)
                   & (frame["period_n"] == 12) & (frame["unit_code"] == demo.CITY)]["value"].item()
    assert 6.5 <= growth <= 9.0
    # Two units are doing badly in 2017 (negative growth), so the warning lights have work to do.
    bad = frame[(frame["indicator_code"] == demo.GROWTH) & (frame["year"] == 2017) & (frame["period_n"] == 10)
                & (frame["unit_code"].isin(["430682", "430611"]))]
    assert (bad["value"] < 0).all() and len(bad) == 2


def test_city_growth_lands_on_the_real_figure_without_writing_it(frame):
    growth = frame[frame["indicator_code"] == demo.GROWTH]
    hunan = [*demo.HUNAN_CITIES, demo.PROVINCE, demo.CITY]
    assert growth[growth["unit_code"].isin(hunan) & (growth["year"] == 2017) & (growth["period_n"] == 11)].empty
    # One Yueyang series: one row per period, and its 1—10月 is within a few tenths of the real 1—11月 5.4%.
    city = growth[growth["unit_code"] == demo.CITY]
    assert not city.duplicated(["year", "period_n"]).any()
    assert abs(city[(city["year"] == 2017) & (city["period_n"] == 10)]["value"].item() - 5.4) < 0.5
    for code in [*demo.HUNAN_CITIES, demo.PROVINCE]:
        series = growth[growth["unit_code"] == code]
        assert sorted(series.loc[series["year"] == 2016, "period_n"]) == list(range(2, 13))
        assert sorted(series.loc[series["year"] == 2017, "period_n"]) == list(range(2, 11))


def test_load_demo_labels_sums_and_is_idempotent(reference_data):
    out = io.StringIO()
    written = demo.load_demo(out)
    rows = Observation.objects.filter(is_current=True)
    assert written == rows.count() > 20_000
    assert set(rows.values_list("source", flat=True).distinct()) == {"示例数据（合成，固定随机种子）"}
    assert not rows.filter(is_synthetic=False).exists()
    assert not rows.filter(period_kind="M", period_n=1).exists()
    batch = ImportBatch.objects.get()
    assert batch.source_kind == "demo" and batch.added == written

    # City = sum of the 13 units of yueyang-counties-zones, exactly (Decimal), for every additive level.
    members = PeerGroup.objects.get(code="yueyang-counties-zones").members.values_list("id", flat=True)
    assert len(members) == 13
    stored = pd.DataFrame(list(rows.filter(indicator__code__in=ADDITIVE_LEVELS).values_list(
        "indicator__code", "unit__code", "unit_id", "year", "period_n", "value")),
        columns=["indicator", "unit_code", "unit_id", "year", "period_n", "value"])
    parts = stored[stored["unit_id"].isin(list(members))].groupby(["indicator", "year", "period_n"])["value"].sum()
    city = stored[stored["unit_code"] == demo.CITY].set_index(["indicator", "year", "period_n"])["value"]
    assert len(city) == len(parts) == len(ADDITIVE_LEVELS) * (5 * 11 + 10)
    assert all(isinstance(v, Decimal) for v in city)
    assert (city.sort_index() == parts.sort_index()).all()

    again = io.StringIO()
    assert demo.load_demo(again) == 0
    assert Observation.objects.count() == written
    assert ImportBatch.objects.count() == 1
    assert "已是最新" in again.getvalue()
