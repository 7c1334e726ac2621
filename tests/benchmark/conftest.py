"""Benchmark fixtures: the real Hunan statistics loaded through the spine's write path.

Until the importer (`newind import`) lands, the CSV is read here and written with `candidate_frame` +
`plan_observations` + `apply_observation_plan`, the same functions the importer uses.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HUNAN = REPO / "src" / "newind" / "imports" / "data" / "hunan"
PREFECTURES_CSV = HUNAN / "prefectures_annual_2005_2016.csv"
INDUSTRY_CSV = HUNAN / "industrial_va_growth_2017_jan_nov.csv"


def load_long_csv(path: Path) -> int:
    """Write the rows of one long-format Hunan CSV as observations; return how many were added."""
    from newind.indicators.models import Indicator
    from newind.indicators.periods import Period
    from newind.indicators.services import (
        apply_observation_plan,
        candidate_frame,
        make_batch,
        plan_observations,
    )
    from newind.units.models import Unit

    units = dict(Unit.objects.values_list("code", "id"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = []
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ind = indicators[r["indicator"]]
            period = Period.parse(r.get("year") or r["period"])
            rows.append({
                "indicator_id": ind.id, "unit_id": units[r["region_code"]], "year": period.year,
                "period_kind": period.kind.value, "period_n": period.n, "value": Decimal(r["value"]),
                "measure_unit": r["unit"], "price_basis": ind.price_basis,
                "release": r.get("release") or "published", "source": r["source"], "original": "",
                "is_synthetic": False,
            })
    plan = plan_observations(candidate_frame(rows))
    batch = make_batch(path.name, "", None, "import", plan)
    return apply_observation_plan(plan, batch)


@pytest.fixture
def hunan_data(reference_data: None) -> None:
    """Reference units and catalogue plus the real prefecture and 2017 industry statistics."""
    load_long_csv(PREFECTURES_CSV)
    load_long_csv(INDUSTRY_CSV)
