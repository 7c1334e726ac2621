"""Figures as text (newind.core.numbers): a missing value never carries a unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.core.numbers import fmt_number, fmt_range, to_float


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "signed", "expected"),
    [
        (1180.193, 2, "亿元", False, "1,180.19亿元"),
        (Decimal("85.66"), 1, "%", False, "85.7%"),
        (-0.19999999999999929, 1, "个百分点", True, "-0.2个百分点"),  # 8.6 − 8.8 in floating point
        (10.5, 1, "个百分点", True, "+10.5个百分点"),
        (-0.04, 1, "%", True, "+0.0%"),  # never "-0.0"
        (None, 1, "%", False, "—"),  # was "—%" (序时进度 —%)
        (float("nan"), 2, "亿元", False, "—"),
        ("不是数字", 1, "%", False, "—"),
        (float("inf"), 1, "%", False, "—"),
        (True, 1, "%", False, "—"),
    ],
)
def test_fmt_number(value: object, decimals: int, unit: str, signed: bool, expected: str) -> None:
    assert fmt_number(value, decimals, unit, signed=signed) == expected


def test_fmt_range_and_to_float() -> None:
    assert fmt_range(31.42, 33.07, 2, "亿元") == "31.42—33.07亿元"
    assert fmt_range(None, 33.07, 2, "亿元") == "—"  # was "——33.07亿元"
    assert to_float(Decimal("4.6")) == 4.6 and to_float(None) is None and to_float(float("nan")) is None
