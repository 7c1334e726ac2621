"""The 向上争取 list and an item's page in Chromium, on a 390px phone and a 1920×1080 screen."""

from __future__ import annotations

import io

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_session(reference_data, client, office_user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from newind.funding.demo import load_demo
    from newind.funding.models import Opportunity

    load_demo(io.StringIO())
    return {"cookie": session_cookie(client, office_user),
            "item": Opportunity.objects.get(code="XZ2017-011").pk}


def test_the_funding_pages_fit_a_phone_and_a_screen(demo_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, demo_session["cookie"])
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/funding/?date=2017-12-01")
    # 湘阴 (due 2017-12-20, 19 days) and the services pilot (due 2017-12-28, 27 days) are yellow.
    deadlines = page.locator("#funding-deadlines").inner_text()
    assert "湘阴装备制造企业技术改造" in deadlines and "还剩 19 天" in deadlines
    assert page.locator("#funding-items tbody tr").count() == 13
    page.set_viewport_size(PHONE)
    for url, action in (("/funding/?date=2017-12-01", "#funding-filters button"),
                        (f"/funding/{demo_session['item']}/", None), ("/funding/new/", None)):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        assert phone_layout_problems(page, action) == [], url
    page.screenshot(path="/tmp/funding-phone.png", full_page=True)
    assert errors == []
