"""Reads for imports: recent batches and the full history of one figure."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from newind.core.errors import AppError
from newind.indicators.models import ImportBatch, Indicator, Observation
from newind.indicators.periods import Period
from newind.indicators.queries import indicator_by_code, observation_history
from newind.units.models import Unit
from newind.units.queries import unit_by_code


def recent_batches(limit: int = 20) -> QuerySet[ImportBatch]:
    """The latest import batches with who made them."""
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[:limit]


@dataclass
class FigureHistory:
    indicator: Indicator
    unit: Unit
    period: Period
    versions: list[Observation]

    @property
    def current(self) -> Observation | None:
        return next((v for v in self.versions if v.is_current), None)


def figure_history(indicator_code: str, unit_code: str, period_text: str) -> FigureHistory:
    """Every version of one figure (value, release, source, who, when, batch), oldest first."""
    if not (indicator_code and unit_code and period_text):
        raise AppError("请指定指标、单位和时期，例如 ?indicator=gdp&unit=430000&period=2013。")
    indicator = indicator_by_code(indicator_code)
    unit = unit_by_code(unit_code)
    period = Period.parse(period_text)
    return FigureHistory(indicator, unit, period, observation_history(indicator, unit.id, period))
