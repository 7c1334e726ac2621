"""Small synthetic monthly figures and targets for tests (written through the observation services)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from newind.indicators.models import Indicator
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from newind.units.models import Unit

SEASON = np.array([0.062, 0.058, 0.083, 0.082, 0.085, 0.088, 0.080, 0.082, 0.090, 0.092, 0.096, 0.102])
SEASON = SEASON / SEASON.sum()


def write_monthly(indicator_code: str, series: dict[str, dict[int, list[float]]], synthetic: bool = True) -> None:
    """series = {unit_code: {year: [cum for n=2..N]}}; cumulative 1—N月 values (no January release)."""
    ind = Indicator.objects.get(code=indicator_code)
    units = dict(Unit.objects.filter(code__in=list(series)).values_list("code", "id"))
    rows = []
    for code, years in series.items():
        for year, values in years.items():
            for i, v in enumerate(values):
                rows.append({"indicator_id": ind.id, "unit_id": units[code], "year": year, "period_kind": "M",
                             "period_n": i + 2, "value": Decimal(f"{v:.4f}"), "measure_unit": ind.measure_unit,
                             "price_basis": ind.price_basis, "release": "official", "source": "测试数据",
                             "original": "", "is_synthetic": synthetic})
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)


def seasonal_cum(total: float, last_n: int = 12) -> list[float]:
    """Cumulative 1—2月..1—last_n月 values of a year with `total` on the standard seasonal profile."""
    cum = np.cumsum(SEASON * total)
    return [float(x) for x in cum[1:last_n]]


def va_history(units: dict[str, float], growth: float = 0.10, last_n: int = 3) -> None:
    """规模工业增加值 for 2014–2016 (full years) and 2017 up to 1—last_n月, growing `growth` a year."""
    series = {}
    for code, size in units.items():
        series[code] = {2014 + k: seasonal_cum(size * (1 + growth) ** k) for k in range(3)}
        series[code][2017] = seasonal_cum(size * (1 + growth) ** 3, last_n)
    write_monthly("industrial_va_above_size", series)
