"""Who sees and acts on which case (newind.accounts.access, cases block), through the functions and the client.

化工's appeal is led by 发改委 with 人社局 co-handling; 纺织's is led by 自然资源局 alone (conftest `filed`).
"""

from __future__ import annotations

import pytest

from newind.accounts import access
from newind.cases.models import Case
from newind.core.errors import AppError, Forbidden, NotFound

pytestmark = pytest.mark.django_db

SEES = {
    "office": {"mine", "theirs"}, "leader": {"mine", "theirs"},
    "firm": {"mine"}, "other_firm": {"theirs"},
    "fgw": {"mine"}, "rsj": {"mine"}, "zrzy": {"theirs"},
    "yyx_rep": set(), "yyx_rev": set(), "auditor": set(), "sysadmin": set(), "secadmin": set(),
}
ROLE_IN_MINE = {"office": "office", "leader": "leader", "firm": "firm", "fgw": "lead", "rsj": "co_handler",
                "other_firm": None, "zrzy": None, "yyx_rep": None, "auditor": None}


def _names(filed, cases) -> set[str]:  # type: ignore[no-untyped-def]
    ids = {filed.mine.pk: "mine", filed.theirs.pk: "theirs"}
    return {ids[c.pk] for c in cases}


@pytest.mark.parametrize("who", sorted(SEES))
def test_cases_in_scope(people, filed, who) -> None:  # type: ignore[no-untyped-def]
    assert _names(filed, access.cases_in_scope(getattr(people, who))) == SEES[who]
    assert _names(filed, access.cases_in_scope(getattr(people, who), kind="appeal")) == SEES[who]
    assert not access.cases_in_scope(getattr(people, who), kind="supervision").exists()


@pytest.mark.parametrize("who", sorted(SEES))
@pytest.mark.parametrize("write", [False, True])
def test_case_for(people, filed, who, write) -> None:  # type: ignore[no-untyped-def]
    user = getattr(people, who)
    for name, case in (("mine", filed.mine), ("theirs", filed.theirs)):
        if name in SEES[who]:
            assert access.case_for(user, case.pk, write=write).pk == case.pk
            continue
        with pytest.raises(AppError) as error:
            access.case_for(user, case.pk, write=write)
        # A firm or department outside its scope gets a 404 (the case's existence is not told); roles that
        # see no cases at all get a 403 saying so.
        expected = NotFound if who in {"firm", "other_firm", "fgw", "rsj", "zrzy"} else Forbidden
        assert isinstance(error.value, expected), (who, name, error.value)


def test_a_missing_or_malformed_id_is_a_404(people, filed) -> None:  # type: ignore[no-untyped-def]
    for value in (987654, "x", None):
        with pytest.raises(NotFound):
            access.case_for(people.office, value)


@pytest.mark.parametrize("who", sorted(ROLE_IN_MINE))
def test_case_role(people, filed, who) -> None:  # type: ignore[no-untyped-def]
    assert access.case_role(getattr(people, who), filed.mine) == ROLE_IN_MINE[who]


def test_a_reassignment_moves_the_case_out_of_the_old_lead_units_scope(people, units, filed) -> None:  # type: ignore[no-untyped-def]
    Case.objects.filter(pk=filed.mine.pk).update(lead_unit=units.zrzy)
    assert _names(filed, access.cases_in_scope(people.fgw)) == set()
    assert _names(filed, access.cases_in_scope(people.zrzy)) == {"mine", "theirs"}
    assert _names(filed, access.cases_in_scope(people.rsj)) == {"mine"}  # still a co-handler


def test_filing_firms_and_the_firm_a_filing_is_for(people, units) -> None:  # type: ignore[no-untyped-def]
    assert set(access.case_filing_firms(people.firm)) == {units.firm}
    assert units.firm in access.case_filing_firms(people.office) and units.fgw not in access.case_filing_firms(
        people.office)
    for who in ("leader", "fgw", "yyx_rep", "auditor", "sysadmin"):
        assert not access.case_filing_firms(getattr(people, who)).exists()
    assert access.case_filing_firm(people.firm) == units.firm
    assert access.case_filing_firm(people.firm, units.firm.code) == units.firm
    with pytest.raises(Forbidden, match="只能为本企业提交诉求"):
        access.case_filing_firm(people.firm, units.other_firm.pk)
    assert access.case_filing_firm(people.office, units.other_firm.code) == units.other_firm
    assert access.case_filing_firm(people.office, str(units.other_firm.pk)) == units.other_firm
    with pytest.raises(NotFound, match="企业名录中没有"):
        access.case_filing_firm(people.office, units.fgw.code)  # a department is not a firm
    with pytest.raises(AppError, match="请选择代为提交诉求的企业"):
        access.case_filing_firm(people.office)
    for who in ("leader", "fgw", "yyx_rep", "auditor"):
        with pytest.raises(Forbidden):
            access.case_filing_firm(getattr(people, who), units.firm.code)


# --- through the client: edited ids in URLs and API bodies ---------------------------------------------------


@pytest.mark.parametrize(("who", "case", "status"), [
    ("fgw", "theirs", 404), ("zrzy", "mine", 404), ("other_firm", "mine", 404), ("firm", "theirs", 404),
    ("yyx_rep", "mine", 403), ("auditor", "mine", 403), ("fgw", "mine", 200), ("rsj", "mine", 200),
    ("firm", "mine", 200), ("leader", "theirs", 200),
])
def test_the_case_page_and_api_with_an_edited_id(login, filed, who, case, status) -> None:  # type: ignore[no-untyped-def]
    client = login(who)
    pk = getattr(filed, case).pk
    assert client.get(f"/cases/{pk}/").status_code == status
    response = client.get(f"/api/cases/{pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == pk
    else:
        assert "title" not in response.json() and getattr(filed, case).title not in response.content.decode()


def test_a_department_cannot_act_on_another_departments_case_by_editing_the_id(login, filed) -> None:  # type: ignore[no-untyped-def]
    theirs = filed.theirs
    page = login("fgw").post(f"/cases/{theirs.pk}/act/", {"action": "accept"})
    api = login("fgw").post(f"/api/cases/{theirs.pk}/actions", {"action": "accept"}, content_type="application/json")
    assert (page.status_code, api.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.state == "assigned" and not theirs.events.filter(kind="accept").exists()
    # …and the lead unit itself may.
    assert login("zrzy").post(f"/api/cases/{theirs.pk}/actions", {"action": "accept"},
                              content_type="application/json").status_code == 200


def test_a_firm_cannot_file_for_another_firm_by_editing_the_body(login, units, filed) -> None:  # type: ignore[no-untyped-def]
    before = Case.objects.count()
    response = login("firm").post("/api/cases/", {"title": "冒名诉求", "description": "x", "categories": ["other"],
                                                  "firm": units.other_firm.code}, content_type="application/json")
    assert response.status_code == 403 and "只能为本企业提交诉求" in response.json()["message"]
    assert Case.objects.count() == before


def test_a_firm_cannot_rate_another_firms_case(login, filed) -> None:  # type: ignore[no-untyped-def]
    response = login("other_firm").post(f"/api/cases/{filed.mine.pk}/actions", {"action": "rate", "rating": "satisfied"},
                                        content_type="application/json")
    assert response.status_code == 404


def test_the_lists_show_only_the_cases_in_scope(login, filed) -> None:  # type: ignore[no-untyped-def]
    codes = {who: {c["code"] for c in login(who).get("/api/cases/").json()} for who in ("fgw", "zrzy", "firm", "office")}
    assert codes == {"fgw": {filed.mine.code}, "zrzy": {filed.theirs.code}, "firm": {filed.mine.code},
                     "office": {filed.mine.code, filed.theirs.code}}
    inbox = login("fgw").get("/cases/inbox/").content.decode()
    assert filed.mine.title in inbox and filed.theirs.title not in inbox and "牵头承办单位" in inbox
    assert "协办单位" in login("rsj").get("/cases/inbox/").content.decode()
    mine = login("firm").get("/cases/mine/").content.decode()
    assert filed.mine.title in mine and filed.theirs.title not in mine
    assert login("auditor").get("/api/cases/").json() == []


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", {"/cases/", "/cases/new/"}), ("leader", {"/cases/"}), ("firm", {"/cases/mine/", "/cases/new/"}),
    ("fgw", {"/cases/inbox/"}), ("yyx_rep", set()), ("auditor", set()), ("sysadmin", set()),
])
def test_the_pages_each_role_opens(login, filed, who, allowed) -> None:  # type: ignore[no-untyped-def]
    client = login(who)
    got = {url for url in ("/cases/", "/cases/mine/", "/cases/inbox/", "/cases/new/")
           if client.get(url).status_code == 200}
    assert got == allowed


def test_the_menu_shows_a_department_only_its_own_work(people) -> None:  # type: ignore[no-untyped-def]
    """A department's menu: its 向上争取 items, its inbox, its own case figures, its officials' pairings, the
    policies (those it executes too) and their payouts, the major projects it is responsible for or was handed a
    problem of; no figures, registry, reports or dashboard."""
    from newind.home.menu import entries_for

    assert [e.url for e in entries_for(people.fgw)] == ["/funding/", "/cases/inbox/", "/cases/metrics/", "/pairing/",
                                                        "/policies/", "/policies/payouts/", "/projects/list/",
                                                        "/reform/", "/assessment/"]
    # (and its unit's reform tasks, issue 13 §3, and the department's own assessment once it is made known, §4)
    assert [e.url for e in entries_for(people.firm) if e.url.startswith("/cases/")] == ["/cases/mine/"]
    assert "/cases/" in [e.url for e in entries_for(people.office)]
    assert not [e for e in entries_for(people.yyx_rep) if e.url.startswith("/cases/")]


def test_a_department_user_reads_no_figures_registry_or_reports(login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("fgw")
    for url in ("/benchmark/", "/submissions/", "/enterprises/", "/mujun/", "/api/submissions/", "/dashboard/"):
        assert client.get(url).status_code == 403, url
    assert not access.is_business_user(people.fgw)
    assert not access.enterprises_in_scope(people.fgw).exists()
