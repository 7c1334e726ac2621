"""The workflow in Chromium: the reporter logs in, fills the form and submits; the reviewer approves; the
office publishes from the board. Screenshots of the form and the board go to /tmp."""

from __future__ import annotations

import pytest

from newind.indicators.models import Observation
from newind.submissions.models import Submission
from tests.conftest import Cast
from tests.submissions.conftest import GOOD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    # The office user comes from the `office_user` fixture with its own password; the cast shares one.
    password = "Office-Pass-2017" if username == "office" else Cast.PASSWORD
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("body").inner_text()[:300]


def test_reporter_fills_reviewer_approves_office_publishes(live_server, browser_page, task, yyx_sub):  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server, "yyx_rep")
    page.goto(live_server.url + "/submissions/")
    page.click(f"a[href='/submissions/{yyx_sub.pk}/']")
    # A wrong figure first: the error shows inline, in Chinese, beside the field.
    page.fill("#v_industrial_output_above_size", "一百")
    page.click("button[value=save]")
    assert "不是数字" in page.locator("tr.has-error .field-error").first.inner_text()
    for code, value in GOOD.items():
        page.fill(f"#v_{code}", value)
    page.fill("input[name=filled_by]", "张填报")
    page.screenshot(path="/tmp/submission-form.png", full_page=True)
    page.click("button[value=submit]")
    assert page.locator("#state").inner_text() == "已提交"

    _log_in(page, live_server, "yyx_rev")
    page.goto(live_server.url + f"/submissions/{yyx_sub.pk}/")
    page.select_option("select[name=decision]", "approve")
    page.click(".review-form button[type=submit]")
    assert page.locator("#state").inner_text() == "已审核"

    _log_in(page, live_server, "office")
    page.goto(live_server.url + f"/submissions/tasks/{yyx_sub.task_id}/")
    row = page.locator("table.board tr", has_text="岳阳县")
    assert "已审核" in row.inner_text()
    row.locator("select[name=release]").select_option("flash")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已发布" in page.locator("table.board tr", has_text="岳阳县").inner_text()
    page.screenshot(path="/tmp/submission-board.png", full_page=True)
    # Let every request of the page finish before the live server stops (a request thread still running
    # would keep its PostgreSQL connection and block dropping the test database).
    page.wait_for_load_state("networkidle")

    assert Submission.objects.get(pk=yyx_sub.pk).state == "published"
    assert Observation.objects.filter(unit=yyx_sub.unit, year=2017, release="flash").count() == len(GOOD)
