"""Reads over indicators and observations. Figures come back as frames for set-wise computation."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from newind.core.errors import not_found
from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period, PeriodKind

CURRENT_COLUMNS = [
    "unit_id", "unit_code", "unit_name", "year", "period_kind", "period_n", "value", "measure_unit",
    "release", "source", "is_synthetic",
]


def indicator_by_code(code: str) -> Indicator:
    try:
        return Indicator.objects.get(code=code)
    except Indicator.DoesNotExist:
        raise not_found(f"指标「{code}」") from None


def current_values(indicator: Indicator, *, unit_ids: Iterable[int] | None = None,
                   years: Iterable[int] | None = None, period_kind: PeriodKind | None = None,
                   period_n: int | None = None) -> pd.DataFrame:
    """Current figures of one indicator as a frame (value as float), one row per unit and period."""
    qs = Observation.objects.filter(indicator=indicator, is_current=True)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    if period_kind is not None:
        qs = qs.filter(period_kind=period_kind.value)
    if period_n is not None:
        qs = qs.filter(period_n=period_n)
    rows = list(qs.values_list(
        "unit_id", "unit__code", "unit__name", "year", "period_kind", "period_n", "value", "measure_unit",
        "release", "source", "is_synthetic",
    ))
    frame = pd.DataFrame(rows, columns=CURRENT_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    return frame


def observation_history(indicator: Indicator, unit_id: int, period: Period) -> list[Observation]:
    """Every version of one figure, oldest first, with who recorded it and from which batch."""
    return list(
        Observation.objects.filter(indicator=indicator, unit_id=unit_id, year=period.year,
                                   period_kind=period.kind.value, period_n=period.n)
        .select_related("batch", "created_by").order_by("version")
    )
