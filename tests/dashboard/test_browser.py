"""The leaders' dashboard in Chromium: on a phone (390×844) and on the meeting-room screen (1920×1080)."""

from __future__ import annotations

import io

import pytest

from tests.browser_helpers import open_as, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader_session(demo_figures, client, cast) -> str:  # type: ignore[no-untyped-def]
    """The demo's figures and 2017 targets, and a logged-in 市领导 session, made before the browser starts
    (all database work must happen before `browser_page`; see tests/benchmark/test_browser.py)."""
    from newind.targets.demo import load_demo

    load_demo(io.StringIO())
    return session_cookie(client, cast.leader)


def test_the_dashboard_on_a_phone_and_on_the_big_screen(leader_session, live_server,  # type: ignore[no-untyped-def]
                                                        browser_page) -> None:
    page = browser_page
    errors = open_as(page, live_server, leader_session)

    # A phone: the cards stack in one column, nothing is wider than the screen, the charts are drawn.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dashboard/?period=2017-03")
    page.wait_for_selector("#chart-trend canvas")
    cards = page.locator("#cards .kpi")
    assert cards.count() >= 10 and cards.first.is_visible()
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and second["y"] > first["y"] + first["height"] - 1  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    warnings = page.locator("#warnings .warning")
    assert warnings.count() > 0 and "红灯" in page.locator("#warnings").inner_text()
    assert "责任单位" in warnings.first.inner_text()
    box = page.locator("#chart-counties canvas").first.bounding_box()
    assert box is not None and 200 < box["width"] <= 390
    page.screenshot(path="/tmp/dashboard-phone.png", full_page=True)

    # The meeting-room screen: large type, cards side by side, charts redrawn large.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/dashboard/?period=2017-03&mode=screen")
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("#cockpit.screen").count() == 1
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and abs(second["y"] - first["y"]) < 2  # side by side
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kpi-value b')).fontSize)")
    assert size >= 36
    assert page.locator("#warnings .warning").count() > 0
    box = page.locator("#chart-trend canvas").first.bounding_box()
    assert box is not None and box["width"] > 560
    page.locator("#fullscreen-btn").click()  # the Fullscreen API (headless may refuse; the layout stays large)
    page.wait_for_timeout(300)
    assert page.locator("#cockpit.screen").count() == 1
    page.screenshot(path="/tmp/dashboard-screen.png")
    assert not errors, errors
