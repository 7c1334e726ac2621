"""The appeal pages and API beyond the walk-through: filing errors, the office filing on a firm's behalf,
refusals shown on the case page, the department role's unit, and the API's checks of its body."""

from __future__ import annotations

import pytest

from newind.accounts.models import Profile
from newind.audit.models import AuditEntry
from newind.cases.models import Case
from newind.core.errors import AppError
from tests.cases.conftest import PDF, upload

pytestmark = pytest.mark.django_db


def test_the_filing_form_is_phone_sized_and_offers_the_taxonomy(login, people) -> None:  # type: ignore[no-untyped-def]
    page = login("firm").get("/cases/new/").content.decode()
    for name in ("融资", "用地", "用工", "审批服务", "用电用水", "物流", "环保", "政策兑现", "其他"):
        assert f"{name}</label>" in page
    assert 'name="firm"' not in page and 'type="file"' in page and "multiple" in page
    office = login("office").get("/cases/new/").content.decode()
    assert "代企业提交诉求" in office and 'name="firm"' in office and "岳阳示例化工有限公司" in office


def test_filing_errors_are_named_and_nothing_is_written(login, people, clock, attachments_dir) -> None:  # type: ignore[no-untyped-def]
    response = login("firm").post("/cases/new/", {"title": "", "description": "", "categories": []})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写诉求标题" in page and "请填写诉求内容" in page and "请至少选择一个分类" in page
    response = login("firm").post("/cases/new/", {"title": "用工", "description": "招工难", "categories": ["labour"],
                                                  "attachments": [upload("a.exe", b"MZ")]})
    assert response.status_code == 400 and "类型不支持" in response.content.decode()
    assert not Case.objects.exists() and not AuditEntry.objects.filter(action="case.file").exists()


def test_the_office_files_on_a_firms_behalf(login, people, units, clock, attachments_dir) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-09-30T09:00")  # the 调休 Saturday is a working day
    response = login("office").post("/cases/new/", {
        "firm": units.other_firm.code, "channel": "visit", "title": "招工难", "description": "缺熟练挡车工 50 名。",
        "categories": ["labour"], "attachments": [upload("走访记录.pdf", PDF)]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.concerned_unit, case.channel, case.created_by) == (units.other_firm, "visit", people.office)
    assert case.attachments.count() == 1
    # The firm sees it as its own; the other firm does not.
    assert login("other_firm").get(f"/cases/{case.pk}/").status_code == 200
    assert login("firm").get(f"/cases/{case.pk}/").status_code == 404
    # A firm that is not in the registry is named in the error.
    response = login("office").post("/cases/new/", {"firm": "91430600XXXXXXXX", "title": "x", "description": "y",
                                                    "categories": ["other"]})
    assert response.status_code == 404 and "企业名录中没有「91430600XXXXXXXX」" in response.content.decode()


def test_a_refused_action_is_explained_on_the_case_page(login, filed, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-09-29T11:00")
    # Nothing closes an assigned case yet (409); the co-handler may not close one in progress (403); the
    # firm may not accept it; a dispute needs a reason.
    response = login("fgw").post(f"/cases/{filed.mine.pk}/act/", {"action": "close"})
    assert response.status_code == 409 and "事项当前状态为「交办」，不能执行「办结」" in response.content.decode()
    response = login("rsj").post(f"/cases/{filed.theirs.pk}/act/", {"action": "close"})
    assert response.status_code == 404  # not its case at all
    response = login("firm").post(f"/cases/{filed.mine.pk}/act/", {"action": "accept"})
    assert response.status_code == 403 and "企业不能对「交办」的事项执行「签收办理」" in response.content.decode()
    response = login("fgw").post(f"/cases/{filed.mine.pk}/act/", {"action": "dispute"})
    assert response.status_code == 409 and "须写明理由" in response.content.decode()
    response = login("fgw").post(f"/cases/{filed.mine.pk}/act/", {"action": "nonsense"})
    assert response.status_code == 400 and "没有「nonsense」这项操作" in response.content.decode()
    filed.mine.refresh_from_db()
    assert filed.mine.state == "assigned"
    assert login("fgw").post(f"/cases/{filed.mine.pk}/act/", {"action": "accept"}).status_code == 302
    response = login("rsj").post(f"/cases/{filed.mine.pk}/act/", {"action": "close"})
    assert response.status_code == 403 and "协办单位不能对「办理中」的事项执行「办结」" in response.content.decode()


def test_a_dispute_is_settled_by_the_office_through_the_api(login, units, filed, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-09-29T15:00")
    url = f"/api/cases/{filed.mine.pk}/actions"
    body = login("fgw").post(url, {"action": "dispute", "reason": "用电增容属供电公司职责"},
                             content_type="application/json").json()
    assert body["state"] == "disputed" and body["actions"] == []
    office = login("office")
    bad = office.post(url, {"action": "settle_reassign", "reason": "改派", "lead_unit": units.firm.code},
                      content_type="application/json")
    assert bad.status_code == 400 and "不是市直部门的单位代码" in bad.json()["message"]
    body = office.post(url, {"action": "settle_reassign", "reason": "改派自然资源局", "lead_unit": units.zrzy.code},
                       content_type="application/json").json()
    assert body["state"] == "assigned" and body["lead_unit"] == units.zrzy.code
    # 发改委 no longer sees it; 自然资源局 now leads it and cannot dispute again (the settlement is final).
    assert login("fgw").get(f"/api/cases/{filed.mine.pk}").status_code == 404
    again = login("zrzy").post(url, {"action": "dispute", "reason": "再议"}, content_type="application/json")
    assert again.status_code == 409 and "裁定为最终决定" in again.json()["message"]


def test_the_api_files_and_checks_its_body(login, people, units, clock) -> None:  # type: ignore[no-untyped-def]
    client = login("firm")
    body = client.post("/api/cases/", {"title": "政策兑现", "description": "2016 年技改补贴未到位。",
                                       "categories": ["policy"]}, content_type="application/json").json()
    assert body["firm"] == units.firm.code and body["state"] == "received" and body["categories"] == ["policy"]
    bad = client.post("/api/cases/", {"title": "x", "description": "y", "categories": ["nope"]},
                      content_type="application/json")
    assert bad.status_code == 400 and "分类「nope」不在分类表中" in bad.json()["message"]
    office = login("office")
    missing = office.post("/api/cases/", {"title": "x", "description": "y", "categories": ["other"]},
                          content_type="application/json")
    assert missing.status_code == 400 and "请选择代为提交诉求的企业" in missing.json()["message"]
    assert login("leader").post("/api/cases/", {"title": "x", "description": "y", "categories": ["other"],
                                                "firm": units.firm.code},
                                content_type="application/json").status_code == 403
    bad_date = office.post(f"/api/cases/{body['id']}/actions", {"action": "assign", "lead_unit": units.fgw.code,
                                                                "new_deadline": "十月"},
                           content_type="application/json")
    assert bad_date.status_code == 400 and "new_deadline" in bad_date.json()["message"]
    assert login("fgw").get("/api/cases/?state=nope").status_code == 400


def test_a_leader_may_assign_but_not_close_or_archive(login, units, people, clock) -> None:  # type: ignore[no-untyped-def]
    """Leaders read every case; the table lets them assign (领导批示) and decide extensions, nothing else."""
    firm = login("firm")
    case_id = firm.post("/api/cases/", {"title": "物流通道", "description": "货车限行。", "categories": ["logistics"]},
                        content_type="application/json").json()["id"]
    leader = login("leader")
    assert leader.post(f"/api/cases/{case_id}/actions", {"action": "assign", "lead_unit": units.fgw.code},
                       content_type="application/json").status_code == 200
    assert leader.post(f"/api/cases/{case_id}/actions", {"action": "accept"},
                       content_type="application/json").status_code == 403


# --- the department role needs a department unit -----------------------------------------------------------


def test_a_department_user_needs_a_department_unit(people, units) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.services import create_user

    with pytest.raises(AppError, match="必须指定所属单位"):
        create_user("d1", "department", password="Dept-Pass-2017x", name="x")
    with pytest.raises(AppError, match="所属单位必须是市直部门，「岳阳示例化工有限公司」是企业"):
        create_user("d2", "department", password="Dept-Pass-2017x", unit_code=units.firm.code, name="x")
    made = create_user("d3", "department", password="Dept-Pass-2017x", unit_code=units.fgw.code, name="x")
    assert Profile.objects.get(user=made).unit == units.fgw


def test_the_admin_refuses_a_department_user_tied_to_a_county(people, units) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.admin import ProfileForm
    from newind.units.models import Unit

    county = Unit.objects.get(code="C-YYX")
    form = ProfileForm(data={"role": "department", "unit": county.pk, "must_change_password": "on"})
    assert not form.is_valid()
    assert form.errors["unit"] == ["角色「市直部门用户」的所属单位必须是市直部门，「岳阳县（测试）」是县市区：请选择一个市直部门。"]
    assert ProfileForm(data={"role": "department", "unit": units.fgw.pk, "must_change_password": "on"}).is_valid()


def test_changing_a_role_to_department_checks_the_unit(people, units) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.services import change_role
    from newind.units.models import Unit

    with pytest.raises(AppError, match="所属单位必须是市直部门"):
        change_role(people.yyx_rep, "department", Unit.objects.get(code="C-YYX"), actor=people.sysadmin)
    change_role(people.yyx_rep, "department", units.zrzy, actor=people.sysadmin)
    assert Profile.objects.get(user=people.yyx_rep).role == "department"
