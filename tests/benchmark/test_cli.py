"""`newind benchmark` through the management command (the same path as the console script)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from newind.benchmark.queries import benchmark

pytestmark = pytest.mark.django_db

ARGS = ["--unit", "430600", "--group", "hunan-14", "--indicator", "gdp", "--from", "2012", "--to", "2016"]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("benchmark", *args, stdout=out)
    return out.getvalue()


def test_cli_json_after_import_gives_rank_2_each_year_and_reported_counts(hunan_data: None) -> None:
    text = _run(*ARGS, "--format", "json")
    assert "岳阳市" in text  # ensure_ascii=False: Chinese as written, not \\u escapes
    data = json.loads(text)
    assert [(y["year"], y["rank"], y["reported"]) for y in data["years"]] == [
        (2012, 2, 13), (2013, 2, 14), (2014, 2, 14), (2015, 2, 14), (2016, 2, 13)]
    # 3100.872 / 31551.37 × 100 = 9.828011 %; 9356.9088 − 3100.872 = 6256.0368; 3100.872 − 2953.8202 = 147.0518
    y16 = data["years"][-1]
    assert y16["share_of_province_pct"] == pytest.approx(9.828011, abs=1e-6)
    assert y16["ahead"]["gap"] == pytest.approx(6256.0368, abs=1e-6)
    assert y16["behind"]["gap"] == pytest.approx(147.0518, abs=1e-6)
    assert data["trend"] == {"share": "falling", "share_basis": "share_of_province_pct", "gap_ahead": "widening",
                             "gap_behind": "narrowing"}
    # the same JSON as the API and the page use
    assert data == json.loads(json.dumps(benchmark("430600", "hunan-14", "gdp", 2012, 2016).as_dict()))


def test_cli_table_is_chinese_with_the_narrative(hunan_data: None) -> None:
    text = _run(*ARGS)
    assert text.splitlines()[0] == "岳阳市 · 湖南省14个市州 · 地区生产总值（亿元）· 2012—2016年"
    line_2016 = next(line for line in text.splitlines() if line.startswith("2016年"))
    assert "3100.87" in line_2016 and "第2位" in line_2016 and "13/14" in line_2016
    assert "长沙市" in line_2016 and "6256.04" in line_2016 and "常德市" in line_2016 and "147.05" in line_2016
    assert "趋势：占比下降；与标兵差距扩大；对追兵领先缩小" in text
    assert "标兵越追越远" in text
    assert "来源：" in text


def test_cli_monthly_cumulative_period(hunan_data: None) -> None:
    data = json.loads(_run("--unit", "430600", "--group", "hunan-14", "--indicator",
                           "industrial_va_above_size_growth_pct", "--period", "2017-11", "--format", "json"))
    assert [(y["period"], y["value"], y["rank"]) for y in data["years"]] == [("2017年1—11月", 5.4, 14)]


def test_console_script_reports_errors_in_chinese_with_exit_2(hunan_data: None,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from newind.cli import main

    assert main(["benchmark", "--unit", "999999", "--group", "hunan-14", "--indicator", "gdp",
                 "--from", "2012", "--to", "2016"]) == 2
    assert "错误：未找到单位「999999」" in capsys.readouterr().err
