"""The office reruns the backtest in Chromium: the button shows that it is working, then the outcome."""

from __future__ import annotations

import pytest

from tests.browser_helpers import open_as, session_cookie
from tests.targets.factories import va_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office_session(cast, client) -> str:  # type: ignore[no-untyped-def]
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=5)
    return session_cookie(client, cast.office)


def test_the_run_button_shows_progress_then_the_result(office_session, live_server,  # type: ignore[no-untyped-def]
                                                       browser_page) -> None:
    from newind.forecasts.models import BacktestResult

    page = browser_page
    errors = open_as(page, live_server, office_session)
    page.goto(live_server.url + "/forecasts/")
    assert page.locator("#run-progress").is_hidden()
    # Keep the first submit from leaving the page (a listener after the page's own), to look at the page
    # while the backtest would run; then send the form for real.
    page.evaluate("""() => document.getElementById('run-backtest').addEventListener(
        'submit', (e) => e.preventDefault(), {once: true})""")
    page.click("#run-backtest-button")
    page.wait_for_timeout(100)
    assert page.locator("#run-progress").is_visible()
    assert page.locator("#run-backtest-button").is_disabled()
    assert "正在回测" in page.locator("#run-backtest-button").inner_text()
    with page.expect_navigation():
        page.evaluate("document.getElementById('run-backtest').submit()")
    page.wait_for_selector("#backtest-result")
    assert "回测完成" in page.locator("#backtest-result").inner_text()
    assert page.locator("#run-backtest-button").is_enabled()
    page.wait_for_load_state("networkidle")
    assert BacktestResult.objects.filter(is_chosen=True).exists()
    assert not errors, errors
