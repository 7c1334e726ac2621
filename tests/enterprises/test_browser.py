"""The enterprise list and page and the park league table in Chromium, on a desktop and a 390px phone."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_session(reference_data, client, office_user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Five firms with a few figures, the demo park registry, and a logged-in office session."""
    from newind.enterprises.models import EnterpriseProfile
    from newind.enterprises.services import apply_registry_import, prepare_registry_import
    from newind.parks.services import load_park_registry
    from tests.enterprises.conftest import GOOD_ROWS, csv_bytes
    from tests.enterprises.test_queries import _write

    apply_registry_import(prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv"))
    load_park_registry(settings.DEFINITIONS_DIR / "parks" / "yueyang-demo.yaml", synthetic=True)
    zb, sh = GOOD_ROWS[0][0], GOOD_ROWS[1][0]
    _write([(zb, "tax_paid", 2017, "300"), (zb, "land_area", 2017, "60"), (sh, "tax_paid", 2017, "1000"),
            (sh, "land_area", 2017, "200"), (zb, "sales_revenue", 2017, "4000")])
    _write([(zb, "tax_paid", 2017, "310")], release="revised")
    return {"cookie": session_cookie(client, office_user),
            "firm": EnterpriseProfile.objects.get(credit_code=zb).pk}


def test_the_enterprise_page_and_the_league_table_fit_a_phone(demo_session, live_server,  # type: ignore[no-untyped-def]
                                                               browser_page) -> None:
    page = browser_page
    errors = open_as(page, live_server, demo_session["cookie"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/enterprises/?q=yysl")
    assert "岳阳示例装备制造有限公司" in page.locator("#enterprise-table").inner_text()
    page.goto(live_server.url + f"/enterprises/{demo_session['firm']}/")
    assert "第2版（共2版）" in page.locator("#enterprise-figures").inner_text()
    page.set_viewport_size(PHONE)
    for url, action in ((f"/enterprises/{demo_session['firm']}/", None),
                        ("/enterprises/", "#enterprise-search button"),
                        ("/parks/?year=2017", "#league-filters button")):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        assert phone_layout_problems(page, action) == [], url
    # On the phone the league table becomes cards of labelled values (core/tables.js).
    first = page.locator("#league-table tbody tr").first.locator("td").nth(4)
    assert first.get_attribute("data-label") == "亩均税收（万元/亩）"
    page.screenshot(path="/tmp/parks-league-phone.png", full_page=True)
    assert errors == []
