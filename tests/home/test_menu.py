"""The menu and the home tiles follow the access rules: every role sees exactly the pages it may open.

The menu and the tiles are built from newind.home.menu.ENTRIES, each entry carrying the PageAccess its view
requires. These tests hold every entry's URL to its rule for every cast role (the page opens for a role the
menu offers it to, and is a 403 for every other role), and read the links the menu and the tiles show.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from newind.accounts.models import Role
from newind.home.menu import ENTRIES, menu_labels

pytestmark = pytest.mark.django_db

# Every cast role (see tests/conftest.py::Cast), plus an enterprise user of 岳阳县 and a department user made below.
ROLES = ("office", "leader", "yyx_rep", "yyx_rev", "enterprise", "sysadmin", "secadmin", "auditor", "department")
EXPECTED = {
    "office": ["对标分析", "数据导入", "领导驾驶舱", "目标预警", "月度报表", "企业档案", "园区排名", "亩均评价", "亩均年度标记导入",
               "向上争取", "企业诉求", "事项统计与逾期", "包联走访", "包联走访缺口", "惠企政策", "政策兑现", "重大项目", "项目赛马", "专项活动",
               "调度与督办", "改革任务", "导入改革任务清单", "主要领导履责", "考核评价", "问责清单", "预警推送", "后台任务"],
    "leader": ["对标分析", "领导驾驶舱", "目标预警", "月度报表", "企业档案", "园区排名", "亩均评价", "向上争取", "企业诉求",
               "事项统计与逾期", "包联走访", "包联走访缺口", "惠企政策", "政策兑现", "重大项目", "项目赛马", "专项活动", "调度与督办",
               "改革任务", "主要领导履责", "考核评价", "问责清单", "预警推送"],
    "yyx_rep": ["对标分析", "目标预警", "月度报表", "企业档案", "园区排名", "亩均评价", "向上争取", "包联走访", "惠企政策",
                "重大项目", "项目赛马", "专项活动", "改革任务", "考核评价"],
    "yyx_rev": ["对标分析", "目标预警", "月度报表", "企业档案", "园区排名", "亩均评价", "向上争取", "包联走访", "惠企政策",
                "重大项目", "项目赛马", "专项活动", "改革任务", "考核评价"],
    "enterprise": ["对标分析", "月度报表", "企业档案", "亩均评价", "我的诉求", "包联走访", "惠企政策"],
    "sysadmin": ["用户与角色"],
    "secadmin": ["安全策略", "在线会话", "锁定账号", "角色变更确认", "后台任务"],
    "auditor": ["审计日志"],
    # a city department (市直部门用户) sees only its own work: the cases assigned to it and their figures, the
    # 向上争取 items it owns, the firms its people are paired with, the
    # policies (those it executes too) and their payouts, and the major projects it is the responsible unit of
    # (issue 12 §1), and the reform tasks its unit owns (issue 13 §3); no figures, enterprise registry or reports (issue 11 §2)
    "department": ["向上争取", "承办事项", "事项统计与逾期", "包联走访", "惠企政策", "政策兑现", "重大项目", "改革任务", "考核评价"],
}


@pytest.fixture
def people(cast) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The cast, with an 企业用户 of 岳阳县."""
    from newind.accounts.services import create_user
    from newind.units.models import Unit

    found = {name: getattr(cast, name) for name in ROLES if name not in {"enterprise", "department"}}
    found["enterprise"] = create_user("ent", "enterprise", password=cast.PASSWORD, unit_code="430621",
                                      name="岳阳县某企业", must_change_password=False)
    Unit.objects.create(code="D-GXJ", name="市工业和信息化局（测试）", kind="department", is_synthetic=True)
    found["department"] = create_user("dept", "department", password=cast.PASSWORD, unit_code="D-GXJ",
                                      name="市工信局经办人", must_change_password=False)
    return found


def nav_links(html: str) -> list[tuple[str, str]]:
    """(label, href) of each link in the top-bar menu."""
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None, "no menu on the page"
    return [(label.strip(), href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))]


def tile_links(html: str) -> list[tuple[str, str]]:
    """(title, href) of each home tile."""
    return [(title, href) for href, title in
            re.findall(r'<a class="tile" href="([^"]+)"><h2>([^<]+)</h2>', html)]


def message_of(html: str) -> str:
    found = re.search(r'<p class="error-message">(.*?)</p>', html, re.S)
    assert found is not None, html[:500]
    return found.group(1)


@pytest.mark.parametrize("who", ROLES)
def test_the_menu_and_the_tiles_offer_each_role_exactly_the_pages_it_may_open(client, people, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people[who])
    home = client.get("/").content.decode().replace("&amp;", "&")
    menu = nav_links(home)
    tiles = tile_links(home)
    assert [label for label, _ in menu] == EXPECTED[who]
    assert [title for title, _ in tiles] == EXPECTED[who]
    # Every entry of the one list, offered or not: its page opens exactly for the roles it is offered to.
    wrong = []
    for entry in ENTRIES:
        response = client.get(entry.url, follow=True)
        offered = entry.label in EXPECTED[who]
        if (response.status_code == 403) == offered or response.status_code >= 500:
            wrong.append(f"{entry.label} {entry.url}: {response.status_code}, offered={offered}")
    assert not wrong, f"{who}: {wrong}"
    # And the links the menu and the tiles really show open (the tile may add a first choice to the URL).
    for label, href in menu + tiles:
        assert client.get(href, follow=True).status_code != 403, (who, label, href)


def test_the_leader_is_not_offered_the_import_and_reporters_not_the_dashboard(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["leader"])
    home = client.get("/").content.decode()
    assert "数据导入" not in home and "/imports/" not in home
    assert client.get("/imports/").status_code == 403
    for who in ("yyx_rep", "yyx_rev"):
        client.force_login(people[who])
        home = client.get("/").content.decode()
        assert "数据导入" not in home and "领导驾驶舱" not in home, who
        assert "/dashboard/" not in home and "/imports/" not in home, who


def _quoted(text: str) -> set[str]:
    return set(re.findall(r"[「“]([^」”]+)[」”]", text))


@pytest.mark.parametrize("who", ROLES)
def test_every_refusal_names_only_menu_items_that_exist(client, people, who) -> None:  # type: ignore[no-untyped-def]
    """A 403 names the page by its menu label and sends the user to menu items the menu really has."""
    from newind.units.models import Unit

    client.force_login(people[who])
    known = menu_labels() | {r.label for r in Role} | set(Unit.objects.values_list("name", flat=True))
    refused = 0
    for entry in ENTRIES:
        if entry.label in EXPECTED[who]:
            continue
        response = client.get(entry.url, follow=True)
        assert response.status_code == 403
        text = message_of(response.content.decode())
        assert _quoted(text) <= known, f"{who} {entry.url}: {text}"
        refused += 1
    assert refused == len(ENTRIES) - len(EXPECTED[who])


def test_the_import_refusal_sends_a_reporter_to_the_monthly_reports_in_their_menu(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["yyx_rep"])
    response = client.get("/imports/")
    assert response.status_code == 403
    text = message_of(response.content.decode())
    assert "数据填报" not in text and "「月度报表」" in text
    assert "月度报表" in [label for label, _ in nav_links(client.get("/").content.decode())]
