"""The portfolio figures published into the spine: one monthly cumulative observation (1—N月) per county and
park and figure of definitions/indicators/projects_portfolio.yaml, through the observation services, so
every change is a new version with its reason and who made it, and targets, lights, forecasts,
benchmarking and the assessment read them as any other figure (the way 亩均 publishes its aggregates).

Triggered by `projects.signals.progress_published` (connected in ProjectsConfig.ready) and by
`newind projects portfolio --period P --publish` (`publish_portfolio`). A figure whose denominator is 0
("—") is not written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from newind.indicators.models import Indicator
from newind.indicators.periods import Period, PeriodKind
from newind.indicators.services import CANDIDATE_COLUMNS, apply_observation_plan, plan_observations
from newind.projects import calc
from newind.projects.models import ProjectProgress
from newind.projects.portfolio import as_period, compute

# portfolio column → indicator code
INDICATORS = {
    "signed_count": "projects_signed_count",
    "signed_amount": "projects_signed_amount",
    **{code: f"projects_{code}" for code in calc.RATE_FIGURES},
}


def portfolio_candidates(period: Period) -> pd.DataFrame:
    """The month's portfolio figures as candidate observations (set-wise: one melt of the units' frame)."""
    if period.kind != PeriodKind.MONTH_CUM:
        raise ValueError("the portfolio is published per month (1—N月); quarters and years are months 3N and 12")
    result = compute(period)
    inds = pd.DataFrame.from_records(
        list(Indicator.objects.filter(code__in=INDICATORS.values()).values_list(
            "code", "id", "measure_unit", "price_basis", "decimals")),
        columns=["code", "indicator_id", "measure_unit", "price_basis", "decimals"])
    if inds.empty or result.figures.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    wide = result.figures[list(INDICATORS)].astype(float)
    wide.index.name = "unit_id"
    long = wide.reset_index().melt(id_vars="unit_id", var_name="figure", value_name="raw").dropna(subset=["raw"])
    long["code"] = long["figure"].map(INDICATORS)
    long = long.merge(inds, on="code")
    # Rounded half-up to the indicator's decimals, as shown; Decimal from the rounded text.
    long["value"] = [Decimal(f"{v:.{d}f}") for v, d in zip(calc_round(long["raw"], long["decimals"]),
                                                           long["decimals"], strict=True)]
    source = f"重大项目组合指标（{period.label}），重大项目库月度进度与项目阶段"
    return pd.DataFrame({
        "indicator_id": long["indicator_id"].astype(int), "unit_id": long["unit_id"].astype(int),
        "year": period.year, "period_kind": "M", "period_n": period.n, "value": long["value"],
        "measure_unit": long["measure_unit"], "price_basis": long["price_basis"], "release": "official",
        "source": source[:200], "original": "", "is_synthetic": result.synthetic,
    }, columns=CANDIDATE_COLUMNS).reset_index(drop=True)


def calc_round(values: pd.Series, decimals: pd.Series) -> list[float]:
    from newind.scoring.calc import round_half_up

    factor = 10.0 ** decimals.to_numpy(dtype=float)
    return list(round_half_up(values.to_numpy(dtype=float) * factor) / factor)


def publish_portfolio(period: Period | str, *, user: Any = None, reason: str = "") -> int:
    """Write the month's portfolio figures (new versions where they changed; nothing when the same).
    Returns the number of figures written."""
    period = as_period(period)
    candidates = portfolio_candidates(period)
    if candidates.empty:
        return 0
    return apply_observation_plan(plan_observations(candidates), None, user,
                                  reason=reason or f"发布{period.label}重大项目组合指标")


def publish_year_from(year: int, month: int, *, user: Any = None) -> int:
    """Publish the month and every later month of the year that has progress: a later month's figures read
    the latest row up to that month, so a correction of an earlier month can change them too."""
    last = ProjectProgress.objects.filter(year=year, is_current=True).order_by("-month").values_list(
        "month", flat=True).first() or month
    return sum(publish_portfolio(Period.month(year, m), user=user) for m in range(max(month, 2), max(last, month) + 1))


def on_progress_published(sender: Any = None, *, year: int, month: int, user: Any = None, **kwargs: Any) -> None:
    """Receiver of projects.signals.progress_published."""
    publish_year_from(int(year), int(month), user=user)
