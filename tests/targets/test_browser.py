"""The warning page on a phone (390×844) and the share-target chart, in Chromium."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit
from tests.browser_helpers import open_as, session_cookie

from .factories import va_history
from .test_views import _annual_gdp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader_session(client, cast) -> str:  # type: ignore[no-untyped-def]
    """Figures, targets and a logged-in 市领导 session, made before the browser starts."""
    va_history({"430621": 100.0, "430623": 50.0, "430624": 60.0}, growth=0.10, last_n=4)
    va = Indicator.objects.get(code="industrial_va_above_size")
    for code, value in (("430621", 133.1), ("430623", 100.0), ("430624", 90.0)):
        Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              value=Decimal(str(value)), responsible_unit=Unit.objects.get(code=code))
    _annual_gdp([("430600", 2014, 900), ("430600", 2015, 1000), ("430600", 2016, 1100),
                 ("430000", 2014, 9000), ("430000", 2015, 10000), ("430000", 2016, 11000)])
    return session_cookie(client, cast.leader)


def test_warning_list_on_a_phone_and_the_share_chart(leader_session, live_server,  # type: ignore[no-untyped-def]
                                                     browser_page) -> None:
    page = browser_page
    errors = open_as(page, live_server, leader_session)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/targets/?period=2017-04")
    cards = page.locator("#warning-list .tg-card")
    assert cards.count() == 2 and cards.first.is_visible()
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and second["y"] > first["y"] + first["height"] - 1  # one column on a phone
    assert "红灯" in cards.first.inner_text() and "责任单位" in cards.first.inner_text()
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392
        && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391, wide  # nothing wider than the screen
    page.screenshot(path="/tmp/targets-phone.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/targets/share/?indicator=gdp&unit=430600&target=12&by=2020&recent=2")
    page.wait_for_selector("#share-chart canvas")
    assert "不能达到目标" in page.locator("#share-message").inner_text()
    assert errors == []
