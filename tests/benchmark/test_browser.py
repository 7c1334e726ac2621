"""The benchmarking page in Chromium: the ECharts canvas is drawn and the narrative is shown."""

from __future__ import annotations

import pytest

from tests.browser_helpers import open_as, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016"


@pytest.fixture
def office_session(hunan_data, client, office_user) -> str:  # type: ignore[no-untyped-def]
    """A logged-in session id for the office user, made before the browser starts."""
    return session_cookie(client, office_user)


def test_benchmark_page_draws_the_charts_and_the_narrative(office_session, live_server,  # type: ignore[no-untyped-def]
                                                           browser_page) -> None:
    page = browser_page
    errors = open_as(page, live_server, office_session)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + URL)
    page.wait_for_selector("#chart-ahead canvas")
    for chart in ("#chart-share", "#chart-ahead", "#chart-behind"):
        box = page.locator(f"{chart} canvas").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
    narrative = page.locator("#narrative").inner_text()
    assert "2016年岳阳市地区生产总值3100.87亿元，居全省13个市州中第2位" in narrative
    assert "标兵越追越远" in narrative
    assert "第2位" in page.locator("#rank-table").inner_text()
    page.screenshot(path="/tmp/benchmark-desktop.png", full_page=True)
    assert errors == []

    # A 390px-wide phone: the charts shrink to the screen, the table scrolls inside its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page wider than the phone: {width}px"
    box = page.locator("#chart-ahead canvas").first.bounding_box()
    assert box is not None and box["width"] <= 390
    page.screenshot(path="/tmp/benchmark-phone.png", full_page=True)
