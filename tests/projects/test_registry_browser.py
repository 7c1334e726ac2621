"""The registry pages in Chromium on a 390×844 phone: the list, a project's page and the import preview fit
the screen (wide tables turn into labelled cards, core/tables.js) and the import's main actions are
finger-sized; the upload goes through the preview to the confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser_helpers import PHONE, open_as, phone_layout_problems, session_cookie

from .registry_helpers import workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office_session(cast, client, tmp_path: Path) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    from newind.parks.services import load_park_registry

    load_park_registry(Path(settings.DEFINITIONS_DIR) / "parks" / "yueyang-demo.yaml", synthetic=True)
    path = tmp_path / "项目库.xlsx"
    path.write_bytes(workbook())
    return session_cookie(client, cast.office), path


def test_the_import_list_and_project_page_fit_a_phone(office_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    session, path = office_session
    page = browser_page
    errors = open_as(page, live_server, session)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/projects/import/")
    assert phone_layout_problems(page, "#upload-preview") == []
    page.set_input_files("#id_file", str(path))
    page.click("#upload-preview")
    page.wait_for_selector("#preview-counts")
    assert "新增 2 个" in page.locator("#preview-counts").inner_text()
    assert phone_layout_problems(page, "#confirm-import") == []
    page.click("#confirm-import")
    page.wait_for_selector("#import-done")
    assert "新增 2 个" in page.locator("#import-done").inner_text()
    page.goto(live_server.url + "/projects/list/")
    assert phone_layout_problems(page, None) == []
    page.click("text=岳阳县高端装备产业园项目")
    page.wait_for_selector("#project-timeline")
    assert phone_layout_problems(page, None) == []
    assert "达到" in page.locator("#project-entry").inner_text()
    page.screenshot(path="/tmp/project-detail-phone.png", full_page=True)
    assert errors == []
