"""A bad cell's message names the unit the file used, not the indicator's (issue 8 item 7)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"


def _upload(client, path):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def test_a_column_headed_wanyuan_is_asked_for_in_wanyuan(reference_data, office_client, make_xlsx):  # type: ignore[no-untyped-def]
    # The column is headed 万元; 规模工业增加值 is stored in 亿元 (good cells are divided by 10 000).
    path = make_xlsx([["2017年1—11月各县市区工业主要指标"],
                      ["序号", "地区", "规模工业增加值（万元）", "规模工业增加值增速（%）"],
                      [1, "岳阳县", 856000, 8.1], [2, "华容县", "八十万", 7.5]], name="县市区.xlsx", sheet="县市区")
    response = _upload(office_client, path)
    page = response.content.decode()
    assert response.status_code == 400
    assert ("工作表「县市区」第4行第C列：「规模工业增加值（万元）」的值「八十万」不是数字：请填写数字（单位：万元），"
            "空缺请留空或填“—”。") in page
    assert "单位：亿元" not in page
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_unit_column_is_named_too(reference_data, office_client, make_csv):  # type: ignore[no-untyped-def]
    path = make_csv("地区,年份,指标,数值,计量单位\n岳阳市,2016,地区生产总值,三千一百亿,万元\n"
                    "华容县,2016,地区生产总值,2300000,万元\n")
    page = _upload(office_client, path).content.decode()
    assert "第2行第D列：「数值」的值「三千一百亿」不是数字：请填写数字（单位：万元），空缺请留空或填“—”。" in page
    assert Observation.objects.count() == 0
