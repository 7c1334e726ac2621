"""The firm's filing form in Chromium on a 390×844 phone: it fits, the main action is finger-sized, and a filed
appeal with an attachment lands on its case page (also phone-sized).

The metrics and overdue pages in Chromium on a phone (390×844: nothing wider than the screen; the wide
tables turn into labelled cards, the platform's tables.js) and on a big screen (1920×1080: plain tables).
"""

from __future__ import annotations

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie
from tests.cases.conftest import PDF
from tests.cases.test_views import cases  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def firm_session(people, client, clock, attachments_dir) -> str:  # type: ignore[no-untyped-def]
    clock.set("2017-09-29T10:00")
    return session_cookie(client, people.firm)


def test_the_filing_form_works_on_a_phone(firm_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, firm_session)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/cases/new/")
    page.wait_for_timeout(200)
    assert phone_layout_problems(page, "#appeal-submit") == []
    page.fill("#id_title", "新厂房用电增容")
    page.fill("#id_description", "申请将变压器容量增至 2000 千伏安。")
    page.get_by_label("用电用水").check()
    page.set_input_files("#id_attachments", files=[{"name": "增容申请.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    page.screenshot(path="/tmp/appeal-form-phone.png", full_page=True)
    page.click("#appeal-submit")
    page.wait_for_selector("#case-summary")
    assert page.locator("#case-state").inner_text() == "受理"
    assert page.locator("#case-deadline").inner_text() == "2017-10-12 24:00"
    assert "增容申请.pdf" in page.locator("#case-timeline").inner_text()
    assert phone_layout_problems(page, None) == []
    page.goto(live_server.url + "/cases/mine/")
    page.wait_for_timeout(200)
    assert "新厂房用电增容" in page.locator("#case-table").inner_text()
    assert phone_layout_problems(page, None) == []
    assert errors == []


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE = """(id) => { const t = document.getElementById(id); const box = t.closest('.table-wrap');
  return {page: document.documentElement.scrollWidth, cards: t.classList.contains('cards'),
          right: t.getBoundingClientRect().right, box: box.clientWidth}; }"""


@pytest.fixture
def office_session(cases, client, cast) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    return session_cookie(client, cast.office)


def test_the_pages_fit_a_phone_and_a_big_screen(office_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, office_session)
    for url, table in (("/cases/metrics/?by=department&at=2017-11-01", "metrics-table"),
                       ("/cases/overdue/?at=2017-11-01", "overdue-table")):
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + url)
        assert phone_layout_problems(page, None) == [], url
        found = page.evaluate(TABLE, table)
        assert found["cards"] and found["right"] <= PHONE["width"], (url, found)
        page.screenshot(path=f"/tmp/cases-{table}-phone.png", full_page=True)
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(live_server.url + url)
        found = page.evaluate(TABLE, table)
        assert not found["cards"] and found["page"] <= 1920 and found["right"] <= 1920, (url, found)
        page.screenshot(path=f"/tmp/cases-{table}-desktop.png", full_page=True)
    assert errors == []
