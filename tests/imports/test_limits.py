"""A figure too large to store is a located problem, not a 500 (rounding 1e30 overflowed Decimal's precision)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.core.errors import AppError
from newind.imports.services import import_file
from newind.indicators.models import Observation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1e30", "1000000000000000", "-1e25"])
def test_a_figure_too_large_to_store_names_its_cell(reference_data, make_csv, value):  # type: ignore[no-untyped-def]
    path = make_csv(f"地区,年份,指标,数值,计量单位\n岳阳市,2016,gdp,3100.87,亿元\n华容县,2016,gdp,{value},亿元\n")
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert [str(p) for p in excinfo.value.problems] == [f"第3行第D列：「数值」的值「{value}」过大：请检查数值和计量单位。"]
    assert Observation.objects.count() == 0


def test_tiny_and_large_but_storable_figures_still_import(reference_data, make_csv):  # type: ignore[no-untyped-def]
    path = make_csv("地区,年份,指标,数值,计量单位\n岳阳市,2016,gdp,1e-12,亿元\n华容县,2016,gdp,999999999999999,亿元\n")
    _, batch = import_file(path)
    assert batch is not None and Observation.objects.count() == 2
    # 1e-12 rounds to the stored 8 decimal places, i.e. 0; fifteen integer digits fit (indicators.models.MAX_FIGURE).
    assert set(Observation.objects.values_list("value", flat=True)) == {Decimal("0"), Decimal("999999999999999")}
