"""Every role's menu in Chromium: the links the top bar and the home tiles show all open (none is a 403)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client

from tests.browser_helpers import session_cookie
from tests.home.test_menu import EXPECTED, ROLES
from tests.reports.conftest import demo_figures  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sessions(demo_figures, cast) -> dict[str, str]:  # type: ignore[no-untyped-def]  # noqa: F811
    """The demo's figures and targets and one signed-in session per role (all made before the browser
    starts: see tests/browser_helpers.py)."""
    from newind.accounts.services import create_user
    from newind.targets.demo import load_demo

    load_demo(io.StringIO())
    from newind.units.models import Unit

    users = {name: getattr(cast, name) for name in ROLES if name not in {"enterprise", "department"}}
    users["enterprise"] = create_user("ent", "enterprise", password=cast.PASSWORD, unit_code="430621",
                                      name="岳阳县某企业", must_change_password=False)
    Unit.objects.create(code="D-GXJ", name="市工业和信息化局（测试）", kind="department", is_synthetic=True)
    users["department"] = create_user("dept", "department", password=cast.PASSWORD, unit_code="D-GXJ",
                                      name="市工信局经办人", must_change_password=False)
    return {name: session_cookie(Client(), user) for name, user in users.items()}


def test_every_roles_menu_links_open_in_the_browser(sessions, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    base = live_server.url
    wrong = []
    for who in ROLES:
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": sessions[who], "url": base}])
        page.goto(base + "/")
        menu = page.locator("nav.mainnav a")
        labels = [menu.nth(i).inner_text().strip() for i in range(menu.count())]
        assert labels == EXPECTED[who], who
        links = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
        tiles = page.locator("section.tiles a.tile")
        assert [tiles.nth(i).locator("h2").inner_text() for i in range(tiles.count())] == EXPECTED[who], who
        links += [tiles.nth(i).get_attribute("href") for i in range(tiles.count())]
        # The top bar's 使用说明 and a search from its box open too.
        links.append(page.locator(".who a", has_text="使用说明").get_attribute("href"))
        page.fill("form.search input[name=q]", "岳阳")
        page.press("form.search input[name=q]", "Enter")
        page.wait_for_url("**/search/?q=*")
        assert page.locator("h1").inner_text() == "搜索", who
        for href in links:
            response = page.goto(base + str(href))
            assert response is not None
            if response.status == 403 or response.status >= 500:
                wrong.append(f"{who} {href}: {response.status}")
            # Still signed in as this role (a link did not end the session).
            assert "/accounts/login/" not in page.url, (who, href)
    assert not wrong, wrong
