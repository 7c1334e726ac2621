"""Every report definition in definitions/reporting loads: known indicators, sane ranges, safe check rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from newind.core.errors import AppError
from newind.submissions import providers
from newind.submissions.calc import evaluate_rule
from newind.submissions.queries import (
    read_report_definition,
    report_definition_codes,
    validate_report_definition,
)

pytestmark = pytest.mark.django_db


def test_every_report_definition_is_valid(reference_data):
    codes = report_definition_codes()
    assert "monthly-industry" in codes
    for code in codes:
        definition = read_report_definition(code)
        assert definition["code"] == code  # the file name is the code
        if "indicator_sets" in definition:  # a form of figures: each kind of unit has its indicators
            assert definition["indicator_sets"]["county"] and definition["indicator_sets"]["zone"]
        else:  # a form of rows (e.g. monthly-projects): an app provides the rows, for these kinds of unit
            assert providers.provider_for(code) is not None, code
            assert {"county", "zone"} <= set(definition["unit_kinds"])


def test_a_broken_definition_lists_every_problem(reference_data, tmp_path: Path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({
        "code": "bad", "name": "坏报表", "form_number": "X",
        "indicator_sets": {"county": ["industrial_va_above_size", "no_such_indicator"]},
        "fields": {"industrial_va_above_size": {"min": 10, "max": 1}},
        "checks": [{"rule": "__import__('os').getcwd() == 1", "message": "x"},
                   {"rule": "industrial_va_above_size <= gdp", "message": "y"}],
    }, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AppError) as excinfo:
        read_report_definition("bad", tmp_path)
    message = excinfo.value.message
    assert "指标 no_such_indicator 不在指标目录中" in message
    assert "industrial_va_above_size 的 min 大于 max" in message
    assert "不允许的写法" in message
    assert "中的 gdp 不在任何指标集中" in message


def test_validate_reports_missing_fields(reference_data):
    assert "缺少字段 form_number" in validate_report_definition({"code": "x", "name": "y", "indicator_sets": {"county": []}})


decimals = st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=4)


@given(decimals, decimals, decimals)
def test_rules_agree_with_decimal_arithmetic(a: Decimal, b: Decimal, c: Decimal) -> None:
    values = {"a": a, "b": b, "c": c}
    assert evaluate_rule("a <= b + c", values) is (a <= b + c)
    assert evaluate_rule("a >= b - c", values) is (a >= b - c)
    assert evaluate_rule("b <= a <= c", values) is (b <= a <= c)
