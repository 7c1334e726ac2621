"""Every indicator definition loads and validates; bad definitions are refused with the reason."""

import pytest

from newind.core.errors import AppError
from newind.indicators.models import Indicator
from newind.indicators.services import (
    load_indicator_catalogue,
    read_indicator_definitions,
    validate_indicator_definition,
)


def test_it_loads_every_indicator_definition(db):
    definitions = read_indicator_definitions()
    assert len(definitions) >= 20
    assert load_indicator_catalogue() == len(definitions)
    gdp = Indicator.objects.get(code="gdp")
    assert (gdp.measure_unit, gdp.frequency, gdp.cumulative, gdp.growth_indicator) == ("亿元", "annual", False, "gdp_real_growth_pct")
    growth = Indicator.objects.get(code="industrial_va_above_size_growth_pct")
    assert growth.cumulative and not growth.additive and growth.price_basis == "comparable"


def test_it_is_idempotent(db):
    load_indicator_catalogue()
    load_indicator_catalogue()
    assert Indicator.objects.filter(code="gdp").count() == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"direction": "up"}, "direction"),
        ({"value_kind": "rate", "additive": True}, "不能跨单位加总"),
        ({"frequency": "annual", "cumulative": True}, "不是1—N月累计值"),
        ({"colour": "red"}, "未知字段 colour"),
    ],
)
def test_it_rejects_bad_definitions(change, expected):
    base = {"code": "x", "name": "测试", "name_en": "Test", "unit": "亿元", "direction": "higher",
            "frequency": "monthly", "value_kind": "level", "source_department": "统计局"}
    assert validate_indicator_definition(base) == []
    problems = validate_indicator_definition({**base, **change})
    assert any(expected in p for p in problems), problems


def test_it_refuses_a_directory_with_a_broken_definition(tmp_path):
    (tmp_path / "bad.yaml").write_text("- {code: x, name: 测试}\n", encoding="utf-8")
    with pytest.raises(AppError, match="缺少字段"):
        read_indicator_definitions(tmp_path)
