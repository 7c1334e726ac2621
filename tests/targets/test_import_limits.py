"""Target files with values no column can hold are refused cell by cell (a 500 before: OverflowError for an
infinite year, and PostgreSQL refused a 20-digit target value)."""

from __future__ import annotations

import pytest

from newind.targets.models import Target
from tests.targets.test_views import _workbook, demo_like  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_an_infinite_year_and_a_huge_value_are_named_and_nothing_is_written(demo_like, client_as):  # noqa: F811
    before = list(Target.objects.values_list("id", "value"))
    f = _workbook([
        ["1e400", "industrial_va_above_size", "", "430600", "", "硬指标", "总量目标", 300, "亿元", "", "", "", ""],
        [2017, "industrial_va_above_size", "", "430603", "", "硬指标", "总量目标", "1e15", "亿元", "", "", "", ""],
    ])
    response = client_as("office").post("/targets/import/", {"file": f, "year": 2017})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第2行第A「年度」列：年度「1e400」不是年份" in html
    assert "第3行第H「目标值」列：目标值 1000000000000000 过大，超出可保存的范围（整数部分最多15位）" in html
    assert list(Target.objects.values_list("id", "value")) == before
