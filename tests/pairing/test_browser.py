"""The visit form on a 390×844 phone: an official records a visit with a problem, then turns it into an appeal."""

from __future__ import annotations

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def official_session(client, cast, imported) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The list of tests/pairing imported; 张三's account (yyx_rep) signed in."""
    from newind.pairing.models import Pairing
    from newind.pairing.services import apply_pairing_import, prepare_pairing_import
    from tests.pairing.conftest import LIST_ROWS, TODAY, ZB, xlsx_bytes

    apply_pairing_import(prepare_pairing_import(xlsx_bytes(LIST_ROWS), "名单.xlsx", None, today=TODAY), None,
                         today=TODAY)
    return {"cookie": session_cookie(client, cast.yyx_rep),
            "pairing": Pairing.objects.get(firm__credit_code=ZB).pk}


def test_the_visit_form_works_on_a_phone(official_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, official_session["cookie"])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/pairing/{official_session['pairing']}/")
    assert phone_layout_problems(page, "#log-visit") == []
    page.click("#log-visit")
    page.wait_for_selector("#visit-form")
    assert phone_layout_problems(page, "#save-visit") == []
    page.fill("input[name=date]", "2017-12-05")
    page.check("input[name=kind][value=call]")
    page.fill("input[name=participants]", "张三、企业总经理")
    page.fill("textarea[name=discussed]", "电话了解扩产计划")
    page.fill("textarea[name=problems]", "扩建用地指标未落实")
    page.screenshot(path="/tmp/pairing-visit-form-phone.png", full_page=True)
    page.click("#save-visit")
    page.wait_for_selector("#visit-problems")
    assert "扩建用地指标未落实" in page.locator("#visit-problems").inner_text()
    button = "#visit-problems form.inline button"
    assert phone_layout_problems(page, button) == []
    page.select_option("#visit-problems select", "land")
    page.click(button)
    page.wait_for_selector("#visit-problems .badge")
    assert "已转为诉求 SQ" in page.locator("#visit-problems").inner_text()
    assert errors == []
