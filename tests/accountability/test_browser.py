"""The accountability list, an entry's page and the alerts page in Chromium, on a 390px phone and a screen."""

from __future__ import annotations

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie
from tests.cases.conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listed(tasks, people, client, clock, settings, monkeypatch):  # type: ignore[no-untyped-def]
    from newind.accountability.alerts import scan_alerts
    from newind.accountability.models import AccountabilityEntry
    from newind.accountability.services import scan

    settings.NEWIND_ALERT_WEBHOOK_URLS = []
    settings.NEWIND_WEBHOOK_URL = ""
    scan("2017-09", now=at("2017-10-09T10:00"))
    scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    clock.set("2017-10-12T10:00")
    return {"cookie": session_cookie(client, people.office), "entry": AccountabilityEntry.objects.get().pk}


def test_the_accountability_pages_fit_a_phone_and_a_screen(listed, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, listed["cookie"])
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + f"/accountability/{listed['entry']}/")
    page.select_option("#measure-form select[name=kind]", "interview")
    page.fill("#measure-form input[name=taken_on]", "2017-10-11")
    page.fill("#measure-form input[name=document_no]", "岳新工办〔2017〕12号")
    page.fill("#measure-form textarea[name=text]", "约谈市发改委主要负责人。")
    page.click("#measure-form button[type=submit]")
    page.wait_for_load_state()
    assert "约谈（岳新工办〔2017〕12号）" in page.locator("#entry-history").inner_text()
    assert page.locator("#measure-table tbody tr").count() == 1
    page.set_viewport_size(PHONE)
    for url, action in (("/accountability/", "#entry-filters button"),
                        (f"/accountability/{listed['entry']}/", "#measure-form button[type=submit]"),
                        ("/alerts/", "#alert-filters button")):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        assert phone_layout_problems(page, action) == [], url
    assert errors == []
