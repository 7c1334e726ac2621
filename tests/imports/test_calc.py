"""Pure parsing functions: table-driven, plus hypothesis for exact unit conversion."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newind.imports import calc, tables


@pytest.mark.parametrize("raw,text", [
    (None, ""), ("", ""), (2016.0, "2016"), (12345.6789, "12345.6789"), (3, "3"), ("  岳阳县\u3000", "岳阳县"),
    (9.14306001234568e17, "9.14306001234568e+17"), (1e16, "1e+16"), (float("nan"), ""),
])
def test_cell_text(raw, text):
    assert calc.cell_text(raw) == text


@pytest.mark.parametrize("header,split", [
    ("地区生产总值（万元）", ("地区生产总值", "万元")), ("工业用电量(万千瓦时)", ("工业用电量", "万千瓦时")),
    ("规模工业增加值增速（%）", ("规模工业增加值增速", "%")), ("2016年", ("2016年", "")), ("GDP", ("gdp", "")),
])
def test_split_header_unit(header, split):
    assert calc.split_header_unit(header) == split


@pytest.mark.parametrize("source,target,exponent", [
    ("万元", "亿元", -4), ("元", "亿元", -8), ("亿元", "万元", 4), ("亿元", "亿元", 0), ("万千瓦时", "亿千瓦时", -4),
    ("千瓦时", "亿千瓦时", -8), ("万吨", "吨", 4), ("%", "%", 0), ("％", "%", 0), ("%", "亿元", None),
    ("万元", "%", None), ("个", "亿元", None), ("吨标准煤/万元", "吨标准煤/万元", 0), ("万元", "亿千瓦时", None),
])
def test_conversion_exponent(source, target, exponent):
    assert calc.conversion_exponent(source, target) == exponent


@pytest.mark.parametrize("text,missing,numeric,value", [
    ("3100.87", False, True, Decimal("3100.87")), ("1,234.5", False, True, Decimal("1234.5")),
    ("-2.5", False, True, Decimal("-2.5")), ("8.3%", False, True, Decimal("8.3")), ("1e3", False, True, Decimal("1e3")),
    ("—", True, False, None), ("-", True, False, None), ("…", True, False, None), ("...", True, False, None),
    ("", True, False, None), ("——", True, False, None), ("abc", False, False, None), ("3.1.2", False, False, None),
    ("0", False, True, Decimal("0")),
])
def test_clean_values(text, missing, numeric, value):
    m, n, _pct, v = calc.clean_values(pd.Series([text], dtype=object))
    assert (bool(m.iloc[0]), bool(n.iloc[0]), v.iloc[0]) == (missing, numeric, value)


@pytest.mark.parametrize("word,code", [
    ("yearbook", "yearbook"), ("年鉴", "yearbook"), ("初步核算", "first"), ("first", "first"), ("公开发布", "published"),
    ("快报", "flash"), ("Official", "official"), ("正式", "official"), ("修订", "revised"), ("预估", "estimate"),
    ("随便", None),
])
def test_release_code(word, code):
    assert calc.release_code(word) == code


@pytest.mark.parametrize("text,numeric,bad", [
    ("91430600MA4L0XXX0K", False, False), ("914306001234567890", False, False), ("9.1430600E+17", False, True),
    ("914306001234567", False, True), ("914306001234567936", True, True), ("", False, False),
    ("91430600MA4L0XXXOK", False, True),  # letter O is not used in credit codes
])
def test_mangled_credit_codes(text, numeric, bad):
    assert bool(calc.mangled_credit_codes(pd.Series([text]), pd.Series([numeric])).iloc[0]) is bad


@pytest.mark.parametrize("text,numeric,bad", [
    ("0611", False, False), ("C2511", False, False), ("611", True, True), ("6.11E+02", False, True), ("", False, False),
    ("2511", True, True),
])
def test_mangled_industry_codes(text, numeric, bad):
    assert bool(calc.mangled_industry_codes(pd.Series([text]), pd.Series([numeric])).iloc[0]) is bad


@pytest.mark.parametrize("title,period", [
    ("2017年1—11月各县市区主要工业指标", "2017年1—11月"), ("2017年1-2月工业", "2017年1-2月"),
    ("2016年各市州主要指标", "2016年"), ("2017年一季度", "2017年一季度"), ("各县市区", ""),
])
def test_title_period(title, period):
    assert tables.title_period(title) == period


def test_title_indicator_takes_the_longest_name():
    names = {"地区生产总值", "生产总值", "gdp", "地区生产总值增速"}
    assert tables.title_indicator("2012—2016年各市州地区生产总值（亿元）", names) == "地区生产总值"
    assert tables.title_indicator("各市州地区生产总值增速", names) == "地区生产总值增速"
    assert tables.title_indicator("各县市区", names) == ""


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False,
                   allow_infinity=False))
def test_wan_to_yi_is_exact_and_reversible(value):
    exponent = calc.conversion_exponent("万元", "亿元")
    assert exponent is not None
    converted = value.scaleb(exponent)
    assert converted * 10000 == value  # no float drift, ever
    assert calc.to_store(converted) == converted  # 4 + 4 decimal places fit the stored 8
    assert converted.scaleb(-exponent) == value


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1e15"), places=8, allow_nan=False,
                   allow_infinity=False))
def test_decimal_text_round_trips(value):
    assert Decimal(calc.decimal_text(value)) == value and "E" not in calc.decimal_text(value)
