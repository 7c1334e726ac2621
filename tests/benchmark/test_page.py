"""The benchmarking page through the test client."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_page_defaults_to_yueyang_in_hunan_14_gdp_2012_2016(hunan_data: None,  # type: ignore[no-untyped-def]
                                                            office_client) -> None:
    response = office_client.get("/benchmark/")
    assert response.status_code == 200
    html = response.content.decode()
    # The page template, whose body (benchmark/_body.html, kept per data stamp) is rendered first.
    assert {"benchmark/page.html", "benchmark/_body.html"} <= {t.name for t in response.templates}
    assert '<option value="430600" selected>岳阳市</option>' in html
    assert '<option value="hunan-14" selected>湖南省14个市州</option>' in html
    assert "2016年岳阳市地区生产总值3100.87亿元，居全省13个市州中第2位" in html
    assert "标兵越追越远" in html
    # rank table with unit, rank, reported count, and the source line
    assert "数值（亿元）" in html and "第2位" in html and "13/14" in html and "14/14" in html
    assert "6256.04" in html and "147.05" in html
    assert "National Bureau of Statistics provincial series" in html
    assert "示例数据</span>" not in html  # real statistics only
    # the chart data and the vendored ECharts (no CDN)
    chart = json.loads(html.split('<script id="benchmark-data" type="application/json">')[1].split("</script>")[0])
    assert chart["years"] == ["2012年", "2013年", "2014年", "2015年", "2016年"]
    assert chart["ahead_gap"][-1] == pytest.approx(6256.0368, abs=1e-6)
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/benchmark/benchmark.js" in html
    assert "cdn" not in html.lower()


def test_page_with_a_rate_shows_no_share_columns(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    html = office_client.get("/benchmark/?unit=430600&group=hunan-14&indicator=industrial_va_above_size_growth_pct"
                             "&period=2017-11").content.decode()
    assert "2017年1—11月岳阳市规模工业增加值增速5.4%，居全省14个市州第14位" in html
    assert "占全省%" not in html
    assert "差距（个百分点）" in html


def test_page_shows_a_wrong_choice_above_the_form(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    response = office_client.get("/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2016&to=2012")
    html = response.content.decode()
    assert response.status_code == 400
    assert "起始年份2016晚于截止年份2012" in html
    assert 'name="from" value="2016"' in html  # the form keeps what was typed
    assert 'id="benchmark-data"' not in html


def test_page_marks_synthetic_figures(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    from newind.indicators.models import Observation

    Observation.objects.filter(unit__code="430700", indicator__code="gdp", year=2016).update(is_synthetic=True)
    html = office_client.get("/benchmark/").content.decode()
    assert '<span class="badge synthetic">示例数据</span>' in html
    assert "注：以上含示例数据" in html


def test_page_needs_login_and_a_business_role(hunan_data: None, client, client_as) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/benchmark/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_as("auditor").get("/benchmark/").status_code == 403
    assert client_as("yyx_rep").get("/benchmark/").status_code == 200  # published statistics: every business user


def test_switching_group_keeps_the_form_usable(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    # 岳阳县 is not one of Hunan's 14 divisions: the page picks 岳阳市 and says so (the API would refuse).
    html = office_client.get("/benchmark/?unit=430621&group=hunan-14&indicator=gdp&from=2012&to=2016").content.decode()
    assert "所选单位不在该对标组中，已改为「岳阳市」。" in html
    assert "2016年岳阳市地区生产总值3100.87亿元" in html
    # industrial_tax has no figures for the 14 divisions: GDP (which has) is used instead
    html = office_client.get("/benchmark/?unit=430600&group=hunan-14&indicator=industrial_tax&from=2012&to=2016"
                             ).content.decode()
    assert "该对标组没有所选指标的数据，已改为「地区生产总值」。" in html
    assert "居全省13个市州中第2位" in html


def test_sources_show_their_chinese_label_with_the_stored_text_behind_it(hunan_data: None,  # type: ignore[no-untyped-def]
                                                                          office_client) -> None:
    from tests.page_helpers import tooltips, visible_text

    html = office_client.get("/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016").content.decode()
    text = visible_text(html)
    assert "来源：《中国城市统计年鉴》（经CSMAR整理）；国家统计局分省年度数据" in text
    assert "Yearbook" not in text and "National Bureau" not in text and "PROVENANCE" not in text
    # The provenance is kept behind the label, unchanged.
    assert any("China City Statistical Yearbook, as compiled in CSMAR CRE_Gdpct" in t for t in tooltips(html))
    # The API gives the label beside the stored text.
    data = office_client.get("/api/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016").json()
    labels = {s["label"]: s["texts"] for s in data["source_labels"]}
    assert labels["国家统计局分省年度数据"] == ["National Bureau of Statistics provincial series (public copies)"]
    assert set(data["sources"]) == {t for texts in labels.values() for t in texts}


def test_growth_sources_are_dated_in_chinese(hunan_data: None, office_client) -> None:  # type: ignore[no-untyped-def]
    from tests.page_helpers import visible_text

    html = office_client.get("/benchmark/?unit=430600&group=hunan-14&indicator=industrial_va_above_size_growth_pct"
                             "&period=2017-11").content.decode()
    text = visible_text(html)
    assert "湖南省人民政府2018年1月4日发布数据" in text and "mirrored copy" not in text
