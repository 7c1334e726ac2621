"""The campaign page and the problem hand-over form in Chromium on a 390×844 phone: nothing wider than the
screen (the county table folds into labelled cards), the hand-over button finger-sized; plain tables on a
big screen."""

from __future__ import annotations

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie
from tests.cases.conftest import people, units  # noqa: F401 (fixtures)
from tests.projects.test_campaigns import campaign, counties  # noqa: F401 (fixtures)
from tests.projects.test_problems import project  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE = """(id) => { const t = document.getElementById(id);
  return {page: document.documentElement.scrollWidth, cards: t.classList.contains('cards') &&
          getComputedStyle(t.querySelector('thead')).display === 'none', right: t.getBoundingClientRect().right}; }"""


def test_the_campaign_page_and_the_form_fit_a_phone(people, campaign, project, client, live_server,  # noqa: F811
                                                     browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, session_cookie(client, people.office))
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/projects/campaigns/test-2017/")
    assert "没有县市区完成目标" in page.locator("#campaign-summary").inner_text()
    assert phone_layout_problems(page, None) == []
    found = page.evaluate(TABLE, "campaign-table")
    assert found["cards"] and found["right"] <= PHONE["width"], found
    page.screenshot(path="/tmp/projects-campaign-phone.png", full_page=True)
    page.goto(live_server.url + "/projects/campaigns/")
    assert phone_layout_problems(page, None) == []
    page.goto(live_server.url + f"/projects/{project.pk}/problems/new/")
    assert phone_layout_problems(page, "#problem-submit") == []
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/projects/campaigns/test-2017/")
    found = page.evaluate(TABLE, "campaign-table")
    assert not found["cards"] and found["page"] <= 1920, found
    assert errors == []
