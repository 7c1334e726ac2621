"""Benchmark fixtures: the real Hunan statistics loaded with the real importer (`newind import`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]
HUNAN = REPO / "src" / "newind" / "imports" / "data" / "hunan"
PREFECTURES_CSV = HUNAN / "prefectures_annual_2005_2016.csv"
INDUSTRY_CSV = HUNAN / "industrial_va_growth_2017_jan_nov.csv"


def import_file(path: Path) -> str:
    """Run `newind import FILE` and return what it printed."""
    out = io.StringIO()
    call_command("import", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def hunan_data(reference_data: None) -> None:
    """Reference units and catalogue plus the real prefecture and 2017 industry statistics."""
    import_file(PREFECTURES_CSV)
    import_file(INDUSTRY_CSV)
