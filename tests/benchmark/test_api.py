"""GET /api/benchmark/: the same JSON as the CLI, errors as JSON, access through one check."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016"


def test_api_returns_the_benchmark_json(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    response = office_client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert [y["rank"] for y in data["years"]] == [2, 2, 2, 2, 2]
    assert [y["reported"] for y in data["years"]] == [13, 14, 14, 14, 13]
    y16 = data["years"][-1]
    assert set(y16) >= {"year", "value", "rank", "reported", "share_of_group_pct", "share_of_province_pct",
                        "ahead", "behind", "ranking"}
    assert set(y16["ahead"]) >= {"code", "name", "value", "gap", "gap_ratio"}
    # 3100.872 / 32706.8067 (the 13 reporting divisions' sum) × 100 = 9.480816 %
    assert y16["share_of_group_pct"] == pytest.approx(9.480816, abs=1e-6)
    assert data["trend"]["gap_ahead"] == "widening" and data["trend"]["gap_behind"] == "narrowing"
    assert data["narrative"][0].startswith("2016年岳阳市地区生产总值3100.87亿元")
    assert data["indicator"]["measure_unit"] == "亿元" and data["synthetic"] is False


def test_api_errors_are_json_in_chinese(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    response = office_client.get("/api/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2016&to=2012")
    assert response.status_code == 400
    assert response.json()["message"] == "起始年份2016晚于截止年份2012：请把起始年份改为不晚于截止年份。"
    missing = office_client.get("/api/benchmark/?unit=430602&group=hunan-14&indicator=gdp&from=2012&to=2016")
    assert missing.status_code == 400 and "不在对标组" in missing.json()["message"]


def test_api_options_list_groups_units_and_indicators_with_data(hunan_data: None,  # type: ignore[no-untyped-def]
                                                                 office_client) -> None:
    data = office_client.get("/api/benchmark/options?group=hunan-14").json()
    assert {"code": "hunan-14", "name": "湖南省14个市州"} in data["groups"]
    assert len(data["units"]) == 14 and {"code": "430600", "name": "岳阳市"} in data["units"]
    codes = {i["code"] for i in data["indicators"]}
    assert {"gdp", "gdp_real_growth_pct", "industrial_va_above_size_growth_pct"} <= codes
    assert "industrial_tax" not in codes  # no figures for the 14 divisions


def test_api_needs_a_business_login(hunan_data: None, client, client_as) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 401
    assert client_as("auditor").get(URL).status_code == 403  # 三员分立: no business figures
    assert client_as("leader").get(URL).status_code == 200
