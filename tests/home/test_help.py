"""使用说明: one guide per role, linked from the top bar, whose steps name only menu items of that role."""

from __future__ import annotations

import re

import pytest

from newind.home.help import GUIDES
from newind.home.menu import menu_labels
from tests.home.test_menu import EXPECTED, ROLES, nav_links, people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROLE_OF = {"office": "office", "leader": "leader", "yyx_rep": "reporter", "yyx_rev": "reviewer",
           "enterprise": "enterprise", "sysadmin": "sysadmin", "secadmin": "secadmin", "auditor": "auditor",
           "department": "department"}


def test_every_role_has_a_guide() -> None:
    assert set(GUIDES) == set(ROLE_OF.values())


@pytest.mark.parametrize("who", ROLES)
def test_each_role_reads_its_own_guide_from_the_top_bar(client, people, who) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client.force_login(people[who])
    assert '<a href="/help/">使用说明</a>' in client.get("/").content.decode()
    response = client.get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    guide = GUIDES[ROLE_OF[who]]
    assert f"<h1>使用说明：{guide.label}</h1>" in page
    menu = [label for label, _ in nav_links(page)]
    assert menu == EXPECTED[who]
    for number, step in enumerate(guide.steps, start=1):
        assert step.menu in menu, f"{who} step {number} starts from 「{step.menu}」, not in the menu {menu}"
        assert f"「{step.menu}」" in step.text, f"{who} step {number} does not name its menu item"
        assert step.title in page and step.text in page
        # Any menu item a step names is one this role has (no 「数据导入」 for a reporter).
        named = set(re.findall(r"「([^」]+)」", step.text)) & menu_labels()
        assert named <= set(menu), f"{who} step {number} names {named - set(menu)}"
    # Links to the other roles' guides.
    others = re.findall(r'<a href="/help/([a-z]+)/">', page)
    assert set(others) == set(GUIDES) - {ROLE_OF[who]}


def test_another_roles_guide_and_an_unknown_one(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    page = client.get("/help/reporter/").content.decode()
    assert "<h1>使用说明：单位填报员</h1>" in page and "提交审核" in page
    missing = client.get("/help/nobody/")
    assert missing.status_code == 404 and "没有角色「nobody」的使用说明" in missing.content.decode()
