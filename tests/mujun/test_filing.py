"""企业填报 through the client: the firm's own account sees the inputs its items use, pre-filled with unit and
source, corrects them as new versions of its figures (history, who, audit) while the run is at 企业填报,
gets Chinese errors per field, and finds the page read-only afterwards; the office sees who has filed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.audit.models import AuditEntry
from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Observation
from newind.mujun import services
from newind.mujun.models import FirmResult
from tests.mujun.test_store import JS, MR, ZB

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(figures):  # type: ignore[no-untyped-def]
    return services.run_evaluation(2017, "430600")


def _versions(code: str, indicator: str) -> list[tuple[int, Decimal, str, bool]]:
    unit_id = EnterpriseProfile.objects.get(credit_code=code).unit_id
    return [(v, val, rel, cur) for v, val, rel, cur in Observation.objects.filter(
        unit_id=unit_id, indicator__code=indicator, year=2017, period_kind="Y").order_by("version")
        .values_list("version", "value", "release", "is_current")]


def test_the_firm_sees_its_inputs_pre_filled_with_unit_and_source(client, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    client.force_login(mr_user)
    card = client.get(f"/mujun/results/{mr.pk}/").content.decode()
    assert f"/mujun/results/{mr.pk}/filing/" in card and "企业填报：核对、更正本企业2017年数据" in card
    page = client.get(f"/mujun/results/{mr.pk}/filing/").content.decode()
    # A 规下 firm's items (tax_per_mu, tax_per_power) use exactly these three inputs.
    assert "用地面积（含租用）（亩）" in page and "实缴税金（万元）" in page and "用电量（万千瓦时）" in page
    assert "工业增加值" not in page and 'id="filing-form"' in page
    assert 'name="tax_paid" value="100"' in page and 'name="land_area" value="10"' in page
    assert "来源：企业年报（正式，第1版）" in page and 'inputmode="decimal"' in page


def test_a_correction_is_a_new_version_kept_in_the_history_and_audited(client, cast, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    client.force_login(mr_user)
    response = client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "10", "tax_paid": "120",
                                                                 "power_use": "50"})
    assert response.status_code == 302 and response.url.endswith("?saved=1")
    assert "已保存" in client.get(response.url).content.decode()
    assert _versions(MR, "tax_paid") == [(1, Decimal("100"), "official", False), (2, Decimal("120"), "revised", True)]
    assert _versions(MR, "land_area") == [(1, Decimal("10"), "official", True)]  # unchanged: not written again
    new = Observation.objects.get(unit_id=mr.unit_id, indicator__code="tax_paid", year=2017, version=2)
    assert new.created_by == mr_user and "企业填报" in new.source and "企业填报" in new.reason
    mr.refresh_from_db()
    assert mr.filed_at is not None and mr.filed_by == mr_user
    entry = AuditEntry.objects.get(action="mujun.file")
    assert entry.before == {"tax_paid": "100.00000000"} and entry.after == {"tax_paid": "120"}
    assert "更正 1 项（实缴税金）" in entry.summary
    # The office sees who has filed, and a re-evaluation uses the corrected figure: MR's 120 万元 on 10 亩.
    client.force_login(cast.office)
    page = client.get(f"/mujun/runs/{run.pk}/").content.decode()
    assert "已填报 <a href=\"?filed=yes\">1</a> 家，未填报 <a href=\"?filed=no\">4</a> 家" in page
    filed = client.get(f"/mujun/runs/{run.pk}/", {"filed": "yes"}).content.decode()
    assert "汨罗示例" in filed and "君山示例" not in filed
    again = services.run_evaluation(2017, "430600")
    assert FirmResult.objects.get(run=again, credit_code=MR).tax_per_mu == pytest.approx(120 / 10)


def test_each_bad_field_gets_a_chinese_error_and_nothing_is_written(client, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    client.force_login(mr_user)
    before = Observation.objects.count()
    response = client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "十亩", "tax_paid": "", "power_use": "-1"})
    page = response.content.decode()
    assert response.status_code == 400 and "有 3 项需要修改，未保存任何数据" in page
    assert "「用地面积（含租用）」应为数字（单位：亩），现为「十亩」。" in page
    assert "「实缴税金」已有数据 100.00000000 万元，不能清空" in page
    assert "「用电量」不能为负数。" in page
    assert 'name="land_area" value="十亩"' in page  # what was typed stays in the form
    response = client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "0", "tax_paid": "1.123456",
                                                                 "power_use": "50"})
    page = response.content.decode()
    assert "「用地面积（含租用）」须大于0（单位：亩）。" in page and "「实缴税金」最多保留4位小数。" in page
    assert Observation.objects.count() == before and not AuditEntry.objects.filter(action="mujun.file").exists()
    mr.refresh_from_db()
    assert mr.filed_at is None


def test_a_firm_completes_missing_figures_and_emissions_may_stay_empty(client, run, cast) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.services import create_user

    zb_user = create_user("firm_zb", "enterprise", password=cast.PASSWORD, unit_code=ZB, name="岳阳示例",
                          must_change_password=False)
    zb = FirmResult.objects.get(run=run, credit_code=ZB)  # 规上, no figures yet: not rated
    client.force_login(zb_user)
    page = client.get(f"/mujun/results/{zb.pk}/filing/").content.decode()
    assert page.count("平台暂无该项数据，请补填") == 8 and "主要污染物排放当量（吨） <span class=\"meta\">可不填" in page
    response = client.post(f"/mujun/results/{zb.pk}/filing/", {"land_area": "50"})
    assert response.status_code == 400 and "请填写「实缴税金」（万元）：缺少该项数据的企业不参加评价。" in response.content.decode()
    figures = {"land_area": "50", "tax_paid": "500", "value_added": "2000", "sales_revenue": "8000",
               "energy_use": "400", "rd_spending": "160", "avg_employees": "200"}
    assert client.post(f"/mujun/results/{zb.pk}/filing/", figures).status_code == 302
    assert [v[1] for v in _versions(ZB, "value_added")] == [Decimal("2000")]
    assert _versions(ZB, "emissions") == []
    from newind.mujun.queries import registry_frame
    from newind.scoring.schemes import load_scheme

    frame = registry_frame(2017, "430600", load_scheme("mujun-default"))
    row = frame.set_index("credit_code").loc[ZB]
    assert (row["tax_paid"], row["land_area"], row["avg_employees"]) == (500.0, 50.0, 200.0)


def test_after_the_stage_the_page_is_read_only_and_a_save_is_refused(client, cast, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    services.advance(run, "close_filling", user=cast.office)
    client.force_login(mr_user)
    page = client.get(f"/mujun/results/{mr.pk}/filing/").content.decode()
    assert "企业填报阶段已结束，以下数据仅供查看" in page and 'id="filing-form"' not in page and "企业年报" in page
    response = client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "10", "tax_paid": "120", "power_use": "50"})
    assert response.status_code == 409 and "不能执行「企业填报」" in response.content.decode()
    assert client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "十亩"}).status_code == 409  # the stage first
    assert _versions(MR, "tax_paid") == [(1, Decimal("100"), "official", True)]


def test_only_the_firms_own_account_saves_its_filing(client, cast, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr, js = (FirmResult.objects.get(run=run, credit_code=c) for c in (MR, JS))
    client.force_login(mr_user)
    assert client.get(f"/mujun/results/{js.pk}/filing/").status_code == 403
    assert client.post(f"/mujun/results/{js.pk}/filing/", {"tax_paid": "1"}).status_code == 403
    client.force_login(cast.office)
    page = client.get(f"/mujun/results/{mr.pk}/filing/").content.decode()
    assert "企业填报由企业本单位账号提交，此处仅供查看" in page and 'id="filing-form"' not in page
    response = client.post(f"/mujun/results/{mr.pk}/filing/", {"land_area": "10", "tax_paid": "1", "power_use": "50"})
    assert response.status_code == 403 and "只能由该企业本单位账号提交" in response.content.decode()
    client.force_login(cast.auditor)
    assert client.get(f"/mujun/results/{mr.pk}/filing/").status_code == 403
    assert _versions(MR, "tax_paid") == [(1, Decimal("100"), "official", True)]
