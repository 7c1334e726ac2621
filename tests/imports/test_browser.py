"""The upload page in Chromium: log in, upload a wide table, read the preview, confirm, see the batch."""

from __future__ import annotations

import pytest

from newind.indicators.models import ImportBatch, Observation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_uploads_previews_and_confirms(live_server, browser_page, reference_data, office_user, make_xlsx,
                                              settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    path = make_xlsx([["2015—2016年各县市区地区生产总值"], ["单位：万元"], ["地区", "2015年", "2016年"],
                      ["岳阳县", 2380000, "—"], ["华容县", 2100000, 2300000], ["合计", 4480000, 2300000],
                      [], ["资料来源：岳阳市统计局"]], name="县市区GDP.xlsx")
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "Office-Pass-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/imports/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form.import-form button[type=submit]")
    page.wait_for_load_state()
    counts = page.locator("#preview-counts").inner_text()
    assert "新增 3 条" in counts and "跳过空缺 1 个" in counts
    assert "已将万元换算为亿元：3个数值" in page.locator("body").inner_text()
    assert Observation.objects.count() == 0
    page.screenshot(path="/tmp/imports-preview.png", full_page=True)
    page.click("#confirm-import")
    page.wait_for_load_state()
    assert "已写入导入批次" in page.locator("#import-result").inner_text()
    assert "县市区GDP.xlsx" in page.locator("#recent-batches").inner_text()
    assert Observation.objects.count() == 3 and ImportBatch.objects.get().created_by == office_user
