"""Who sees which policy, match and payout, through the pages (edited ids in URLs and bodies included)."""

from __future__ import annotations

import html
import json

import pytest

from newind.accounts import access
from newind.core.errors import Forbidden, NotFound
from newind.policies.models import Payout, Policy
from tests.policies.conftest import SH, ZB

pytestmark = pytest.mark.django_db


def test_a_firm_sees_its_own_matches_on_its_phone_page(client, policies, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["zb"])
    page = client.get("/policies/matches/?year=2017")
    text = page.content.decode()
    assert page.status_code == 200 and "岳阳示例装备制造有限公司" in text
    assert "研发投入占比 4% ≥ 3% ✓" in text and 'name="viewport"' in text
    # asking for another firm by editing the query still shows only its own
    other = client.get(f"/policies/matches/?year=2017&firm={SH}").content.decode()
    assert "云溪示例石化有限公司" not in other and "岳阳示例装备制造有限公司" in other


def test_a_firm_cannot_read_another_firms_matches(policies, people, firms) -> None:  # type: ignore[no-untyped-def]
    assert access.policy_matches_for(people["zb"], firms[ZB]).credit_code == ZB
    with pytest.raises(Forbidden):
        access.policy_matches_for(people["zb"], firms[SH])
    with pytest.raises(Forbidden):
        access.policy_matches_for(people["gxj"], firms[ZB])


def test_the_office_looks_up_any_firm(client, office_user, policies) -> None:  # type: ignore[no-untyped-def]
    client.force_login(office_user)
    text = html.unescape(client.get(f"/policies/matches/?year=2017&firm={SH}").content.decode())
    assert "研发投入占比 1.2% < 3% ×" in text


def test_a_department_reads_the_drafts_it_executes_and_no_others(client, policies, people) -> None:  # type: ignore[no-untyped-def]
    draft = policies["draft"]
    client.force_login(people["tjj"])
    assert client.get(f"/policies/{draft.pk}/").status_code == 200
    assert client.get(f"/policies/{policies['rd'].pk}/eligible/?year=2017").status_code == 403
    client.force_login(people["gxj"])
    assert client.get(f"/policies/{draft.pk}/").status_code == 404
    assert client.get(f"/policies/{policies['rd'].pk}/eligible/?year=2017").status_code == 200
    client.force_login(people["zb"])
    assert client.get(f"/policies/{draft.pk}/").status_code == 404  # a draft is not told to firms


def test_a_department_records_payouts_of_its_own_policies_only(client, policies, people, firms) -> None:  # type: ignore[no-untyped-def]
    body = {"credit_code": ZB, "amount": "12.5", "paid_on": "2018-03-01", "department_name": "市工信局"}
    client.force_login(people["gxj"])
    assert client.post("/policies/payouts/", {**body, "policy": "t-rd"}).status_code == 302
    assert Payout.objects.get().amount == 12.5
    client.force_login(people["tjj"])
    # 统计局 executes no published policy with payouts: the policy code in the body is not among its choices
    page = client.post("/policies/payouts/", {**body, "policy": "t-rd"})
    assert page.status_code == 200 and Payout.objects.count() == 1
    payout = Payout.objects.get()
    with pytest.raises(NotFound):
        access.payout_for(people["tjj"], payout.pk)
    assert access.payout_for(people["gxj"], payout.pk, write=True) == payout
    # the firm reads its own payout, not to write it
    assert access.payout_for(people["zb"], payout.pk) == payout
    with pytest.raises(Forbidden):
        access.payout_for(people["zb"], payout.pk, write=True)
    with pytest.raises(NotFound):
        access.payout_for(people["sh"], payout.pk)


def test_the_office_creates_publishes_and_exports(client, office_user, policies) -> None:  # type: ignore[no-untyped-def]
    client.force_login(office_user)
    form = {"code": "t-new", "title": "新政策", "issuer": "岳阳市人民政府", "level": "municipal", "category": "finance",
            "department_name": "市工信局", "criteria": "[{\"field\": \"sales_revenue\", \"op\": \"ge\""}
    bad = client.post("/policies/new/", form)
    assert bad.status_code == 200 and "不是有效的 JSON" in bad.content.decode()
    wrong = client.post("/policies/new/", {**form, "criteria": json.dumps([{"field": "sales_revenue", "op": "gt"}])})
    assert "运算「gt」无法识别" in wrong.content.decode() and not Policy.objects.filter(code="t-new").exists()
    ok = client.post("/policies/new/", {**form, "criteria": json.dumps([{"field": "sales_revenue", "op": "ge", "value": 2000}])})
    created = Policy.objects.get(code="t-new")
    assert ok.status_code == 302 and created.status == "draft" and created.department.code == "D430600-GXJ"
    assert client.post(f"/policies/{created.pk}/publish/").status_code == 302
    assert Policy.objects.get(pk=created.pk).status == "published"
    assert client.post(f"/policies/{created.pk}/publish/").status_code == 409
    export = client.get(f"/policies/{policies['rd'].pk}/eligible.xlsx?year=2017")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_leaders_read_but_do_not_publish(client, cast, policies) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.leader)
    assert client.get(f"/policies/{policies['draft'].pk}/").status_code == 200
    assert client.post(f"/policies/{policies['draft'].pk}/publish/").status_code == 403
    assert Policy.objects.get(pk=policies["draft"].pk).status == "draft"
    client.force_login(cast.auditor)
    assert client.get("/policies/").status_code == 403  # 三员分立
