"""The top bar's search: units by name or code, indicators by name, alias or code, and pages, each with
links only to pages the user may open."""

from __future__ import annotations

import re

import pytest

from tests.benchmark.conftest import hunan_data  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def section(page: str, key: str) -> str:
    found = re.search(rf'<section class="card" id="found-{key}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_the_top_bar_has_the_search_box(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    page = client_as("yyx_rep").get("/").content.decode()
    assert '<form class="search" role="search" method="get" action="/search/">' in page


def test_the_office_finds_a_unit_by_name_and_by_code(client_as, hunan_data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_as("office")
    for q in ("岳阳县", "430621"):
        page = client.get("/search/", {"q": q}).content.decode()
        units = section(page, "units")
        assert "<b>岳阳县</b>" in units and "县市区 · 代码 430621" in units, q
        found = links(units)
        assert "/targets/?unit=430621" in found
        assert any(u.startswith("/benchmark/?unit=430621&group=") for u in found)
        # Every link the search offers opens for this user.
        for url in found:
            assert client.get(url).status_code == 200, url


def test_indicators_by_name_alias_and_code_with_a_group_that_has_figures(client_as, hunan_data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_as("leader")
    for q in ("地区生产总值", "gdp", "GDP"):
        page = client.get("/search/", {"q": q}).content.decode()
        indicators = section(page, "indicators")
        assert "<b>地区生产总值</b>" in indicators and "代码 gdp" in indicators, q
    page = client.get("/search/", {"q": "规上工业增加值"}).content.decode()  # an alias
    indicators = section(page, "indicators")
    assert "<b>规模工业增加值</b>" in indicators and "别名 规上工业增加值" in indicators
    bench = [u for u in links(indicators) if u.startswith("/benchmark/")]
    assert bench and all(client.get(u).status_code == 200 for u in bench)
    response = client.get(bench[0])
    assert not response.context["notices"]  # the group offered has figures of that indicator


def test_a_reporter_gets_no_link_to_another_units_unpublished_pages(client_as, hunan_data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_as("yyx_rep")
    units = section(client.get("/search/", {"q": "云溪区"}).content.decode(), "units")
    assert "<b>云溪区</b>" in units
    found = links(units)
    assert not any(u.startswith("/targets/") for u in found)  # out of scope: its targets page is a 403
    assert client.get("/targets/?unit=430603").status_code == 403
    assert any(u.startswith("/benchmark/") for u in found)  # published figures: open to every business user
    # Pages: only those in the reporter's menu.
    page = client.get("/search/", {"q": "数据导入"}).content.decode()
    assert 'id="found-pages"' not in page and "/imports/" not in section(page, "pages")
    page = client.get("/search/", {"q": "月度报表"}).content.decode()
    assert "/submissions/" in links(section(page, "pages"))


def test_the_auditor_finds_only_their_own_pages(client_as, hunan_data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_as("auditor")
    page = client.get("/search/", {"q": "岳阳"}).content.decode()
    assert 'id="found-units"' not in page and 'id="found-indicators"' not in page
    assert "没有找到与「岳阳」相符" in page
    page = client.get("/search/", {"q": "审计"}).content.decode()
    assert links(section(page, "pages")) == ["/audit/"]


def test_nothing_found_says_so(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    page = client_as("office").get("/search/", {"q": "不存在的东西"}).content.decode()
    assert "没有找到与「不存在的东西」相符的单位、指标或功能" in page
    assert "可以按单位名称" in client_as("office").get("/search/").content.decode()
