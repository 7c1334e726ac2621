"""Figures as text, the same way everywhere: fixed decimals, thousands separators, the unit after the
number, and "—" alone for a missing figure (a missing value never carries a unit: never "—%")."""

from __future__ import annotations

import math

MISSING = "—"


def to_float(value: object) -> float | None:
    """A number as a float; None for None, NA, NaN, infinities and anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def fmt_number(value: object, decimals: int = 2, unit: str = "", *, thousands: bool = True,
               signed: bool = False) -> str:
    """'1,234.50亿元', '+10.5个百分点' (signed), '—' when the value is missing (without the unit)."""
    number = to_float(value)
    if number is None:
        return MISSING
    if round(number, decimals) == 0:
        number = 0.0  # no "-0.0"
    sign = "+" if signed else ""
    text = f"{number:{sign}{',' if thousands else ''}.{decimals}f}"
    return f"{text}{unit}"


def fmt_range(lower: object, upper: object, decimals: int = 2, unit: str = "") -> str:
    """'1,313.76—1,320.22亿元'; '—' unless both ends are known."""
    if to_float(lower) is None or to_float(upper) is None:
        return MISSING
    return f"{fmt_number(lower, decimals)}—{fmt_number(upper, decimals)}{unit}"
