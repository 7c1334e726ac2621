"""Login in Chromium, and the Content-Security-Policy holding on the main pages (no violation reported)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.benchmark.conftest import hunan_data  # noqa: F401 (fixture)
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(cast, hunan_data) -> Cast:  # type: ignore[no-untyped-def]  # noqa: F811
    """The cast and real figures, made before the browser starts (see tests/benchmark/test_browser.py)."""
    return cast  # type: ignore[no-any-return]


def _watch_csp(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text[:90]}")
            if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"页面脚本错误：{e}"))
    return problems


def _log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def test_login_logout_and_the_csp_on_the_main_pages(people, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    base = live_server.url
    problems = _watch_csp(page)

    page.goto(base + "/benchmark/")
    assert "/accounts/login/" in page.url  # anonymous: the login page, in Chinese
    assert page.locator("h1").inner_text() == "登录"
    _log_in(page, base, "yyx_rep", "wrong-Password-9")
    assert "请输入一个正确的" in page.locator("[role=alert]").inner_text()

    _log_in(page, base, "yyx_rep", Cast.PASSWORD)
    who = page.locator(".who").inner_text()
    assert "岳阳县填报员" in who and "单位填报员" in who

    page.goto(base + "/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016")
    page.wait_for_selector("#chart-ahead canvas")
    page.hover("#chart-share canvas")  # a tooltip is HTML that ECharts styles from script
    page.wait_for_timeout(200)
    # Changing the peer group submits the form without an inline handler.
    page.select_option("select[name=group]", "yangtze-13")
    page.wait_for_url("**group=yangtze-13**")
    for url in ("/", "/submissions/", "/accounts/me/", "/accounts/password/"):
        page.goto(base + url)
        assert page.locator("h1").count() >= 1, url
    page.click(".who button[type=submit]")  # 退出
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url

    _log_in(page, base, "auditor", Cast.PASSWORD)
    page.goto(base + "/audit/?action=login")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 2 and "yyx_rep" in page.locator("table.audit").inner_text()
    page.goto(base + "/audit/verify/")
    assert "审计链完整" in page.locator("section").inner_text()

    assert not problems, "\n".join(problems)
