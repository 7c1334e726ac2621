"""Shared fixtures: reference data, a logged-in office client, and a headless Chromium page.

The cast of users (市工信局管理员, 岳阳县填报员, …) lives in `cast` fixtures once accounts land; until then
`office_client` logs in as an office staff member who may see everything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO / "src" / "newind" / "imports" / "data" / "hunan"
CHROMIUM = os.environ.get("NEWIND_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def reference_data(db: None) -> None:
    """The shipped reference units, hierarchies, peer groups and the indicator catalogue."""
    from newind.indicators.services import load_indicator_catalogue
    from newind.units.services import load_reference_units

    load_reference_units()
    load_indicator_catalogue()


@pytest.fixture
def office_user(db: None):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("office", password="Office-Pass-2017", is_staff=True,
                                                first_name="市工信局管理员")


@pytest.fixture
def office_client(client, office_user):  # type: ignore[no-untyped-def]
    client.force_login(office_user)
    return client


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A Playwright page in Debian's Chromium. Skips (or fails when NEWIND_REQUIRE_BROWSER=1) without it."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("NEWIND_REQUIRE_BROWSER") == "1":
            pytest.fail(f"找不到浏览器 {CHROMIUM}：CI 必须运行浏览器测试（apt-get install chromium）。")
        pytest.skip(f"未安装 {CHROMIUM}，跳过浏览器测试（Debian: apt-get install chromium）。")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen in its
    # own thread, but fixtures that touch the database here would otherwise be refused.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page()
        try:
            yield page
        finally:
            browser.close()
