"""The upload page: upload → preview (writes nothing) → confirm (writes), problems, history, access."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.imports.services import upload_dir
from newind.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

HUNAN = Path(__file__).resolve().parents[2] / "src" / "newind" / "imports" / "data" / "hunan"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def upload(client, path: Path, **fields):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields})


def confirm_fields(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = response.context["confirm"]
    return {name: str(form.initial.get(name, "")) for name in form.fields}


def test_it_previews_then_writes_only_on_confirm(reference_data, office_client, make_xlsx):
    path = make_xlsx([["各县市区地区生产总值"], ["地区", "2015年", "2016年"], ["岳阳县", 2380000, "—"],
                      ["华容县", 2100000, 2300000]], name="县市区.xlsx")
    response = upload(office_client, path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入预览：县市区.xlsx" in page and "新增 <b>0</b>" not in page
    assert "已将万元换算为亿元" not in page  # the title names no unit: figures are taken as 亿元
    assert "跳过空缺 <b>1</b> 个" in page and "确认导入（写入 3 条）" in page
    assert Observation.objects.count() == 0  # the preview writes nothing
    assert any(upload_dir().iterdir())

    done = office_client.post("/imports/confirm/", confirm_fields(response))
    assert done.status_code == 200 and "已写入导入批次" in done.content.decode()
    assert Observation.objects.count() == 3
    batch = ImportBatch.objects.get()
    assert batch.created_by.username == "office" and batch.added == 3
    assert Observation.objects.filter(created_by__username="office", batch=batch).count() == 3
    assert not any(upload_dir().iterdir())  # the kept upload is removed once written
    listing = office_client.get("/imports/").content.decode()
    assert "县市区.xlsx" in listing and "市工信局管理员" in listing


def test_a_file_with_problems_shows_every_problem_and_writes_nothing(reference_data, office_client, make_csv):
    path = make_csv("地区,年份,指标,数值\n岳阳市,2016,gdp,三千\n火星市,2016,gdp,1\n")
    response = upload(office_client, path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "有2处问题，未导入任何数据" in page
    assert "第2行第D列：「数值」的值「三千」不是数字" in page
    assert "第3行第A列：「地区」列：未找到单位「火星市」" in page
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_changed_figure_is_previewed_old_to_new_and_history_shows_both(reference_data, office_client, make_csv):
    header = "地区,代码,年份,指标,数值,计量单位,发布类型,来源\n"
    first = make_csv(header + "湖南省,430000,2013,gdp,24501.7,亿元,first,湖南统计公报\n", "first.csv")
    office_client.post("/imports/confirm/", confirm_fields(upload(office_client, first)))
    revised = make_csv(header + "湖南省,430000,2013,gdp,24510.2,亿元,first,湖南统计公报（更正）\n", "revised.csv")
    response = upload(office_client, revised)
    page = response.content.decode()
    assert "变更 <b>1</b> 条" in page and "<td>24501.7</td><td>24510.2</td>" in page
    assert "/imports/history/?indicator=gdp&amp;unit=430000&amp;period=2013" in page
    office_client.post("/imports/confirm/", confirm_fields(response))
    values = list(Observation.objects.order_by("version").values_list("value", "is_current"))
    assert values == [(Decimal("24501.7"), False), (Decimal("24510.2"), True)]
    history = office_client.get("/imports/history/?indicator=gdp&unit=430000&period=2013").content.decode()
    assert "湖南省 · 地区生产总值 · 2013年" in history
    assert "当前有效：<b>24510.2</b> 亿元（初步核算，来源：湖南统计公报（更正））" in history
    assert history.count("<td>初步核算</td>") == 2 and "first.csv" in history and "revised.csv" in history


def test_the_same_file_twice_says_nothing_changed(reference_data, office_client):
    path = HUNAN / "industrial_va_growth_2017_jan_nov.csv"
    office_client.post("/imports/confirm/", confirm_fields(upload(office_client, path)))
    again = upload(office_client, path).content.decode()
    assert "数据均未变化" in again and "确认导入" not in again
    assert Observation.objects.count() == 15 and ImportBatch.objects.count() == 1


def test_confirm_only_accepts_a_file_this_session_uploaded(reference_data, office_client, make_csv, client,
                                                             django_user_model):
    path = make_csv("地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n")
    fields = confirm_fields(upload(office_client, path))
    from newind.accounts.models import Profile, Role

    other = django_user_model.objects.create_user("other")
    Profile.objects.create(user=other, role=Role.OFFICE, must_change_password=False)
    client.force_login(other)
    response = client.post("/imports/confirm/", fields)
    assert response.status_code == 403 and Observation.objects.count() == 0


def test_confirm_needs_csrf(reference_data, office_user, make_csv):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(office_user)
    path = make_csv("地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n")
    response = strict.post("/imports/", {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 403 and Observation.objects.count() == 0


def test_anonymous_users_are_sent_to_login(db, client):
    response = client.get("/imports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [None, "sysadmin", "leader", "reporter"])
def test_only_the_office_may_import(reference_data, client, django_user_model, make_csv, role):
    from newind.accounts.models import Profile
    from newind.units.queries import unit_by_code

    # No role, the system administrator (三员分立: no business data), a leader (read-only) and a
    # county reporter (figures go through 月度报表 and review) are all refused.
    user = django_user_model.objects.create_user("visitor", is_staff=role == "sysadmin")
    if role:
        Profile.objects.create(user=user, role=role, must_change_password=False,
                               **({"unit": unit_by_code("430621")} if role == "reporter" else {}))
    client.force_login(user)
    assert client.get("/imports/").status_code == 403
    path = make_csv("地区,年份,指标,数值\n岳阳县,2016,gdp,310\n")
    response = upload(client, path)
    assert response.status_code == 403 and "只有市新型工业化办公室可以导入数据" in response.content.decode()
    assert Observation.objects.count() == 0


def test_history_with_a_bad_period_explains_itself(reference_data, office_client):
    response = office_client.get("/imports/history/?indicator=gdp&unit=430000&period=2013年13月")
    assert response.status_code == 400 and "月份13无效" in response.content.decode()


def test_the_auditor_may_not_read_figure_history(reference_data, client, django_user_model):
    from newind.accounts.models import Profile

    user = django_user_model.objects.create_user("auditor")
    Profile.objects.create(user=user, role="auditor", must_change_password=False)
    client.force_login(user)
    response = client.get("/imports/history/?indicator=gdp&unit=430000&period=2013")
    assert response.status_code == 403


def test_history_and_batches_api(reference_data, office_client):
    from newind.imports.services import import_file

    import_file(HUNAN / "prefectures_annual_2005_2016.csv")
    data = office_client.get("/api/imports/history", {"indicator": "gdp", "unit": "430000", "period": "2013"}).json()
    assert [(v["release"], v["value"], v["is_current"]) for v in data["versions"]] == [
        ("first", "24501.7", False), ("yearbook", "24621.67", True)]
    assert data["period_label"] == "2013年"
    batches = office_client.get("/api/imports/batches").json()
    assert batches[0]["file_name"] == "prefectures_annual_2005_2016.csv" and batches[0]["added"] == 645


def test_history_api_needs_login(db, client):
    response = client.get("/api/imports/history", {"indicator": "gdp", "unit": "430000", "period": "2013"})
    assert response.status_code == 401 and "请先登录" in response.json()["message"]


def test_uploads_never_confirmed_are_dropped_after_a_day(reference_data, office_client, make_csv):
    import os
    import time

    from newind.imports.services import store_upload

    old = store_upload(b"old preview")
    stale = upload_dir() / old
    os.utime(stale, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    store_upload(b"new preview")
    assert not stale.exists() and len(list(upload_dir().iterdir())) == 1


def test_a_figure_changed_after_the_preview_page_is_a_conflict_on_confirm(reference_data, office_client, make_csv):
    from newind.imports.services import import_file

    path = make_csv("地区,年份,指标,数值,计量单位\n岳阳市,2016,地区生产总值,3100.9,亿元\n")
    response = upload(office_client, path)  # the preview says: add 3100.9
    # Someone else writes the same figure before the office user clicks 确认导入.
    other = make_csv("地区,年份,指标,数值,计量单位\n岳阳市,2016,地区生产总值,3000,亿元\n", name="other.csv")
    import_file(other)
    refused = office_client.post("/imports/confirm/", confirm_fields(response))
    assert refused.status_code == 409 and "未写入任何数据" in refused.content.decode()
    assert list(Observation.objects.values_list("value", flat=True)) == [Decimal("3000")]
