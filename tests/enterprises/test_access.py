"""Who sees which firm. Read each test as a sentence.

- the office and leaders open every firm; 岳阳县's reporter the firms of 岳阳县, not 云溪区's;
- an enterprise user opens only its own firm, and the list takes it straight there;
- the auditor, the system and the security admins open no firm (三员分立).
"""

from __future__ import annotations

import pytest

from newind.accounts.access import enterprise_for, enterprises_in_scope
from newind.core.errors import AppError
from newind.enterprises.models import EnterpriseProfile
from tests.enterprises.conftest import GOOD_ROWS

pytestmark = pytest.mark.django_db

ZB, SH = GOOD_ROWS[0][0], GOOD_ROWS[1][0]  # 岳阳县's 装备 firm, 云溪区's 石化 firm


def _id(code: str) -> int:
    return EnterpriseProfile.objects.get(credit_code=code).pk


def test_an_enterprise_user_sees_only_its_own_firm(client, firm_users) -> None:  # type: ignore[no-untyped-def]
    client.force_login(firm_users["zb"])
    own = client.get(f"/enterprises/{_id(ZB)}/")
    assert own.status_code == 200 and "岳阳示例装备制造有限公司" in own.content.decode()
    other = client.get(f"/enterprises/{_id(SH)}/")
    assert other.status_code == 403 and "云溪示例石化" not in other.content.decode()
    assert list(enterprises_in_scope(firm_users["zb"]).values_list("credit_code", flat=True)) == [ZB]


def test_the_list_takes_an_enterprise_user_to_its_own_firm(client, firm_users) -> None:  # type: ignore[no-untyped-def]
    client.force_login(firm_users["sh"])
    page = client.get("/enterprises/?q=装备")
    assert page.status_code == 302 and page["Location"] == f"/enterprises/{_id(SH)}/"


def test_a_firm_user_may_write_its_own_firm_only(firm_users) -> None:  # type: ignore[no-untyped-def]
    assert enterprise_for(firm_users["zb"], _id(ZB), write=True).credit_code == ZB
    with pytest.raises(AppError) as err:
        enterprise_for(firm_users["zb"], _id(SH), write=True)
    assert err.value.status == 403


def test_a_county_reporter_sees_its_county_firms_not_others(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    client = client_as("yyx_rep")
    assert client.get(f"/enterprises/{_id(ZB)}/").status_code == 200
    assert client.get(f"/enterprises/{_id(SH)}/").status_code == 403
    listed = client.get("/enterprises/").content.decode()
    assert "岳阳示例装备制造有限公司" in listed and "云溪示例石化有限公司" not in listed


@pytest.mark.parametrize("who", ["office", "leader"])
def test_office_and_leaders_see_every_firm(client_as, imported, who: str) -> None:  # type: ignore[no-untyped-def]
    client = client_as(who)
    for code, *_ in GOOD_ROWS:
        assert client.get(f"/enterprises/{_id(code)}/").status_code == 200
    assert client.get("/enterprises/999999/").status_code == 404


@pytest.mark.parametrize("who", ["auditor", "sysadmin", "secadmin"])
def test_the_three_admins_see_no_firm(client_as, imported, who: str) -> None:  # type: ignore[no-untyped-def]
    client = client_as(who)
    assert client.get("/enterprises/").status_code == 403
    assert client.get(f"/enterprises/{_id(ZB)}/").status_code == 403


def test_a_stranger_is_sent_to_log_in(client, imported) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/enterprises/{_id(ZB)}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
