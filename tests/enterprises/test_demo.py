"""The synthetic firms (示例数据): reproducible, skewed, some without emissions, flags, and one refused code."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest

from newind.core.errors import AppError
from newind.enterprises import demo
from newind.enterprises.calc import is_valid_credit_code
from newind.enterprises.models import EnterpriseProfile
from newind.enterprises.services import prepare_registry_import
from newind.indicators.models import Observation
from tests.enterprises.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def test_the_synthetic_firms_are_reproducible_and_valid() -> None:
    a, b = demo.synthetic_firms(), demo.synthetic_firms()
    assert a.equals(b)
    assert (a["size"] == "above").sum() == 1500 and (a["size"] == "below").sum() == 500
    assert a["credit_code"].is_unique and a["name"].is_unique
    assert all(is_valid_credit_code(c) for c in a["credit_code"])
    assert not is_valid_credit_code(demo.BAD_FIRM["统一社会信用代码"])
    assert a["is_utility"].sum() == 8
    # About two thirds sit in a park; 岳阳楼区 and 南湖新区 host none.
    assert 0.5 < (a["park_code"] != "").mean() < 0.75
    assert set(a.loc[a["county_code"].isin(["430602", "Z430603"]), "park_code"]) == {""}


def test_the_demo_loads_firms_and_figures_once(reference_data) -> None:
    out = io.StringIO()
    started = time.perf_counter()
    demo.load_demo(out)
    seconds = time.perf_counter() - started
    assert EnterpriseProfile.objects.filter(size="above", is_synthetic=True).count() == 1500
    assert EnterpriseProfile.objects.filter(size="below", is_synthetic=True).count() == 500
    figures = Observation.objects.filter(unit__enterprise__isnull=False, is_synthetic=True)
    assert set(figures.values_list("year", flat=True).distinct()) == {2016, 2017}
    # Some 规上 firms have no emission figure (about 8%).
    with_emissions = figures.filter(indicator__code="emissions", year=2017).count()
    assert 1300 < with_emissions < 1450
    # Skewed: the mean 规上 revenue is well above the median.
    revenue = np.array([float(v) for v in figures.filter(indicator__code="sales_revenue", year=2017,
                                                         unit__enterprise__size="above")
                        .values_list("value", flat=True)])
    assert revenue.min() >= 2000 and revenue.mean() > 1.3 * np.median(revenue)
    assert "示例数据" in out.getvalue()
    print(f"demo firms loaded in {seconds:.1f} s")
    # A second run writes nothing.
    count = Observation.objects.count()
    again = io.StringIO()
    demo.load_demo(again)
    assert Observation.objects.count() == count and "已是最新" in again.getvalue()


def test_the_import_refuses_the_demo_firm_with_a_bad_credit_code(reference_data) -> None:
    with pytest.raises(AppError) as err:
        prepare_registry_import(csv_bytes([list(demo.BAD_FIRM.values())], list(demo.BAD_FIRM)), "示例.csv")
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (2, "A") and "应为「W」" in problem.message


def test_the_demo_flags_are_in_the_mujun_flags_import_columns() -> None:
    flags = demo.demo_flags(2017)
    assert list(flags.columns) == ["统一社会信用代码", "年度", "标记", "原因"]
    assert flags["标记"].value_counts().to_dict() == {"保护": 6, "否决": 4, "不参评": 2}
    codes = set(demo.synthetic_firms().query("size == 'above'")["credit_code"])
    assert set(flags["统一社会信用代码"]) <= codes and flags["统一社会信用代码"].is_unique
