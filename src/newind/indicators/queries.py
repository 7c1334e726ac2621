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


# --- this period and the same period last year -------------------------------------------------------------

PERIOD_FRAME_COLUMNS = ["indicator_id", "indicator_code", "unit_id", "unit_code", "unit_name", "year",
                        "period_kind", "period_n", "value", "source", "is_synthetic"]
_YEAR_END = {PeriodKind.MONTH_CUM: 12, PeriodKind.QUARTER_CUM: 4, PeriodKind.ANNUAL: 0}


def period_frame(period: Period, *, indicator_codes: Iterable[str] | None = None,
                 indicator_ids: Iterable[int] | None = None, unit_codes: Iterable[str] | None = None,
                 unit_ids: Iterable[int] | None = None, with_last_year_total: bool = False,
                 exact: bool = False) -> pd.DataFrame:
    """Current figures of `period` and of the same period last year, one query, one row per indicator, unit
    and period (PERIOD_FRAME_COLUMNS; `year` tells this year's rows from last year's).

    The one read behind every "this period against last year" (growth, the ±30% check, the targets'
    progress, the overview). `with_last_year_total` adds last year's full-year figure (1—12月 or 1—4季度;
    the base of 序时进度 by last year's profile); `exact` keeps values as Decimal (the submission checks),
    otherwise they are floats.
    """
    kinds = {period.n}
    if with_last_year_total:
        kinds.add(_YEAR_END[period.kind])
    qs = Observation.objects.filter(is_current=True, period_kind=period.kind.value, period_n__in=sorted(kinds),
                                    year__in=[period.year - 1, period.year])
    if indicator_codes is not None:
        qs = qs.filter(indicator__code__in=list(indicator_codes))
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    if unit_codes is not None:
        qs = qs.filter(unit__code__in=list(unit_codes))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    rows = list(qs.values_list("indicator_id", "indicator__code", "unit_id", "unit__code", "unit__name", "year",
                               "period_kind", "period_n", "value", "source", "is_synthetic"))
    frame = pd.DataFrame(rows, columns=PERIOD_FRAME_COLUMNS)
    if with_last_year_total and period.n != _YEAR_END[period.kind]:
        # Only last year's year-end rows were asked for, not this year's (not yet complete).
        frame = frame[(frame["period_n"] == period.n) | (frame["year"] == period.year - 1)]
    if not exact:
        frame["value"] = frame["value"].astype(float)
    frame["is_synthetic"] = frame["is_synthetic"].astype(bool)
    return frame.reset_index(drop=True)


# --- the latest period with figures --------------------------------------------------------------------------

# The office's month: the one the dashboard, the dispatch report and the targets pages open on. It is the
# latest 1—N月 with the headline indicator for the city or a unit directly under it. (Until the office's
# identity is data in definitions/, issue 9 item 4, its two codes are these.)


def periods_with_figures(indicator_codes: Iterable[str], unit_codes: Iterable[str] | None = None, *,
                         unit_ids: Iterable[int] | None = None, year: int | None = None,
                         kind: PeriodKind = PeriodKind.MONTH_CUM) -> list[Period]:
    """Periods of one kind (1—N月 by default) with a current figure of these indicators (for these units,
    of `year`), newest first."""
    qs = Observation.objects.filter(indicator__code__in=list(indicator_codes), is_current=True,
                                    period_kind=kind.value)
    if unit_codes is not None:
        qs = qs.filter(unit__code__in=list(unit_codes))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    if year is not None:
        qs = qs.filter(year=year)
    return sorted((Period(y, kind, n) for y, n in qs.values_list("year", "period_n").distinct()), reverse=True)


def latest_period(indicator_codes: Iterable[str], unit_codes: Iterable[str] | None = None, *,
                  unit_ids: Iterable[int] | None = None, year: int | None = None,
                  kind: PeriodKind = PeriodKind.MONTH_CUM) -> Period | None:
    """The latest period of one kind with a current figure of these indicators (`periods_with_figures`);
    None if there is none. The one "latest period" behind every default."""
    periods = periods_with_figures(indicator_codes, unit_codes, unit_ids=unit_ids, year=year, kind=kind)
    return periods[0] if periods else None


def office_units(city_code: str | None = None) -> list[str]:
    """The city and the counties and zones directly under it in the admin hierarchy (whose figures the
    overview sums when the city has none of its own); the office's city unless another is named."""
    from newind.core.office import office
    from newind.units.models import UnitKind, UnitLink

    city_code = city_code or office().city.code
    children = UnitLink.objects.filter(hierarchy__code="admin", parent__code=city_code,
                                       child__kind__in=[str(UnitKind.COUNTY), str(UnitKind.ZONE)]).values_list(
        "child__code", flat=True)
    return [city_code, *children]


def office_months(city_code: str | None = None, *, year: int | None = None) -> list[Period]:
    """The office's months with figures, newest first (the period choices of the dashboard and the report):
    of its headline indicator (definitions/office.yaml) for the city (by default the office's own)."""
    from newind.core.office import office

    return periods_with_figures([office().headline_indicators.headline], office_units(city_code), year=year)


def office_month(city_code: str | None = None, *, year: int | None = None) -> Period | None:
    """The month every page opens on when none is asked for (of `year` when given); None without figures."""
    periods = office_months(city_code, year=year)
    return periods[0] if periods else None
