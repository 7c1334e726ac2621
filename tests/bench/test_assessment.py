"""The assessment benchmark's generator at a small size: what it writes is what the schemes read, and the
delete leaves nothing behind (the province-scale figures are in docs/performance.md)."""

from __future__ import annotations

import pytest

from newind.bench import assessment as bench

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(monkeypatch, reference_data):  # type: ignore[no-untyped-def]
    for name, value in (("CITIES", 2), ("COUNTIES", 5), ("PARKS", 4), ("DEPARTMENTS", 3), ("FIRMS", 40),
                        ("APPEALS", 200), ("TASKS", 50)):
        monkeypatch.setattr(bench, name, value)


def test_the_generated_province_is_assessed_and_deleted(small):  # type: ignore[no-untyped-def]
    from newind.indicators.models import Observation
    from newind.units.models import Unit

    written = bench.write_records(bench.build_units())
    assert written["cases"] == 250 and written["firms"] == 40 and written["submissions"] == 11 * (5 + 4 + 3)
    figures = bench.measure(runs=1)
    assert (figures["county_units"], figures["park_units"], figures["department_units"]) == (5, 4, 3)
    assert figures["county_rated"] == 5 and figures["all_three_s"][0] > 0
    # Each park's 亩均税收 is Σ tax ÷ Σ land of its own firms.
    park = Unit.objects.filter(code__startswith=bench.PREFIX, kind="park").first()
    firms = Unit.objects.filter(parent_links__parent=park)
    tax = sum(float(o.value) for o in Observation.objects.filter(unit__in=firms, indicator__code="tax_paid"))
    land = sum(float(o.value) for o in Observation.objects.filter(unit__in=firms, indicator__code="land_area"))
    per_mu = Observation.objects.get(unit=park, indicator__code="mujun_tax_per_mu")
    assert float(per_mu.value) == pytest.approx(tax / land, abs=1e-3)
    assert bench.delete_bench_data() > 0
    assert not Unit.objects.filter(code__startswith=bench.PREFIX).exists()
