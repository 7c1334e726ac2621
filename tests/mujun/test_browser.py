"""The evaluation page, a firm card and the 公示 downloads in Chromium, on a desktop and a 390px phone."""

from __future__ import annotations

import pytest

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def evaluation(reference_data, client, office_user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from newind.enterprises.services import apply_registry_import, prepare_registry_import
    from newind.mujun import services
    from newind.mujun.models import FirmResult
    from tests.enterprises.conftest import GOOD_ROWS, csv_bytes
    from tests.mujun.conftest import JS, MR, _write

    apply_registry_import(prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv"))
    _write([(MR, "tax_paid", 2017, "100"), (MR, "land_area", 2017, "10"), (MR, "power_use", 2017, "50"),
            (JS, "tax_paid", 2017, "40"), (JS, "land_area", 2017, "20"), (JS, "power_use", 2017, "10")])
    run = services.run_evaluation(2017, "430600")
    for step in ("close_filling", "verify", "start_notice"):
        services.advance(run, step, user=None, as_office=True)
    return {"cookie": session_cookie(client, office_user), "run": run.pk,
            "firm": FirmResult.objects.get(run=run, credit_code=MR).pk}


def test_the_evaluation_page_card_and_downloads_open(evaluation, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, evaluation["cookie"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/mujun/runs/{evaluation['run']}/")
    assert "汨罗示例再生资源有限公司" in page.locator("#mujun-results").inner_text()
    assert page.locator("#mujun-state").inner_text() == "公示"
    for link, suffix in (("#notice-xlsx", ".xlsx"), ("#notice-docx", ".docx")):
        with page.expect_download() as info:
            page.click(link)
        assert info.value.suggested_filename.endswith(suffix)
    page.goto(live_server.url + f"/mujun/results/{evaluation['firm']}/")
    assert "B类" in page.locator("#mujun-class").inner_text()
    page.set_viewport_size(PHONE)
    for url, action in ((f"/mujun/runs/{evaluation['run']}/", "#mujun-filters button"),
                        (f"/mujun/results/{evaluation['firm']}/", None)):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        assert phone_layout_problems(page, action) == [], url
    assert errors == []


@pytest.fixture
def filing(reference_data, client) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from newind.accounts.services import create_user
    from newind.enterprises.services import apply_registry_import, prepare_registry_import
    from newind.mujun import services
    from newind.mujun.models import FirmResult
    from tests.enterprises.conftest import GOOD_ROWS, csv_bytes
    from tests.mujun.conftest import JS, MR, _write

    apply_registry_import(prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv"))
    _write([(MR, "tax_paid", 2017, "100"), (MR, "land_area", 2017, "10"), (MR, "power_use", 2017, "50"),
            (JS, "tax_paid", 2017, "40"), (JS, "land_area", 2017, "20"), (JS, "power_use", 2017, "10")])
    run = services.run_evaluation(2017, "430600")
    firm = create_user("firm_mr_b", "enterprise", password="Secret-pass-2026!", unit_code=MR, name="汨罗示例",
                       must_change_password=False)
    return {"cookie": session_cookie(client, firm), "firm": FirmResult.objects.get(run=run, credit_code=MR).pk}


def test_the_filing_page_works_on_a_phone(filing, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, filing["cookie"])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/mujun/results/{filing['firm']}/filing/")
    assert page.input_value("#id_tax_paid") == "100"
    assert phone_layout_problems(page, "#filing-save") == []
    page.fill("#id_tax_paid", "abc")
    page.click("#filing-save")
    assert "「实缴税金」应为数字" in page.locator("#error-tax_paid").inner_text()
    assert phone_layout_problems(page, "#filing-save") == []
    page.fill("#id_tax_paid", "120")
    page.click("#filing-save")
    assert "已保存" in page.locator("#filing-saved").inner_text()
    assert page.input_value("#id_tax_paid") == "120"
    # The refused save answers 400 (the form with its errors); nothing else failed.
    assert [e for e in errors if not (e.startswith("400 ") and "/filing/" in e)] == []
