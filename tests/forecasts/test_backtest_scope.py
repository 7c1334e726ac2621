"""The backtest compares forecast methods on the office's units' series, not on every firm's."""

from __future__ import annotations

from newind.forecasts.queries import history_frame
from newind.forecasts.services import backtest_indicator
from newind.indicators.models import Indicator
from newind.units.models import Unit, UnitKind
from tests.targets.factories import seasonal_cum, write_monthly


def test_an_enterprises_own_series_is_left_out_of_the_backtest(reference_data):
    Unit.objects.create(code="E-TEST-1", name="测试企业", kind=UnitKind.ENTERPRISE, is_synthetic=True)
    years = {2015: seasonal_cum(100.0), 2016: seasonal_cum(110.0)}
    write_monthly("industrial_va_above_size", {"430621": years, "E-TEST-1": years})
    indicator = Indicator.objects.get(code="industrial_va_above_size")

    # 11 cumulative periods (1—2月 … 1—12月) × 2 years for each of the two units.
    assert len(history_frame(indicator)) == 2 * 2 * 11
    kept = history_frame(indicator, without_enterprises=True)
    assert set(kept["unit_code"]) == {"430621"} and len(kept) == 2 * 11

    summary, cases, years_used = backtest_indicator(indicator, use_ets=False)
    assert len(cases) and set(cases["unit_code"]) == {"430621"}
    assert years_used == [2016]  # the second complete year, forecast from the first
