"""The registry pages through the client: the list with its filters and scope, a project's page (registry
fields, stage timeline, stoppages, history, lights, progress and the park entry-threshold check), and the
office's upload → preview → confirm; each refuses those without access."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.projects.models import Project, ProjectChange, ProjectImportBatch, ProjectStoppage
from newind.projects.registry import apply_project_import, prepare_project_import

from .registry_helpers import rows_with, workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def registry(cast):  # type: ignore[no-untyped-def]
    """The two projects of registry_helpers, imported; the demo park registry for the park levels."""
    from newind.parks.services import load_park_registry

    load_park_registry(Path(settings.DEFINITIONS_DIR) / "parks" / "yueyang-demo.yaml", synthetic=True)
    apply_project_import(prepare_project_import(workbook(), "项目库.xlsx"))
    return {p.code: p for p in Project.objects.all()}


def _codes(html: str) -> list[str]:
    return re.findall(r'data-label="项目编号">([^<]+)</td>', html)


def test_the_list_shows_the_projects_in_scope(registry, client_as) -> None:  # type: ignore[no-untyped-def]
    html = client_as("office").get("/projects/list/").content.decode()
    # In the counties' order (云溪区 430603 before 岳阳县 430621), then by code.
    assert _codes(html) == ["XM002", "XM001"] and "共 2 个项目" in html and 'id="project-import-link"' in html
    # 云溪区's reporter sees 云溪区's project only, and no import link.
    html = client_as("yx_rep").get("/projects/list/").content.decode()
    assert _codes(html) == ["XM002"] and 'id="project-import-link"' not in html
    assert _codes(client_as("leader").get("/projects/list/").content.decode()) == ["XM002", "XM001"]


@pytest.mark.parametrize("query,expected", [
    ("county=430621", ["XM001"]), ("park=P430603", ["XM002"]), ("stage=started", ["XM001"]),
    ("stage=signed", ["XM002"]), ("list=city_major", ["XM001"]), ("list=industrial", ["XM002", "XM001"]),
    ("list=province_5x100", []), ("q=新材料", ["XM002"]), ("q=xm001", ["XM001"]), ("county=430603&stage=started", []),
])
def test_the_list_filters(registry, client_as, query: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert _codes(client_as("office").get(f"/projects/list/?{query}").content.decode()) == expected


def test_the_list_refuses_the_three_admins(registry, client_as) -> None:  # type: ignore[no-untyped-def]
    for who in ("auditor", "sysadmin", "secadmin"):
        assert client_as(who).get("/projects/list/").status_code == 403


def test_a_project_page_shows_registry_timeline_entry_check_history_and_the_blocks(registry, client_as) -> None:  # type: ignore[no-untyped-def]
    p = registry["XM002"]
    ProjectStoppage.objects.create(project=p, stopped_on=dt.date(2017, 7, 1), reason="环评手续待补", review="confirmed",
                                   review_note="情况属实")
    response = client_as("office").get(f"/projects/{p.pk}/")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["problems"] == [] and ctx["lights"]["items"] is not None and ctx["progress"]["project"].pk == p.pk
    html = response.content.decode()
    for part in ("project-registry", "project-entry", "project-lights", "project-timeline", "project-stoppages",
                 "project-progress", "project-problems", "project-history"):
        assert f'id="{part}"' in html, part
    assert "民营500强" in html and "产业项目" in html and "岳阳市工业和信息化局" in html
    # Entry check, P430603 is provincial (200 / 20 / 300 万元/亩); land 100 亩:
    # 50,000 ÷ 100 = 500 passed; 1,500 ÷ 100 = 15 failed; 20,000 ÷ 100 = 200 failed.
    rows = {c.measure: (round(c.per_mu, 2), c.passed) for c in ctx["entry"]["checks"]}
    assert rows == {"investment": (500.0, True), "tax": (15.0, False), "output": (200.0, False)}
    tax = re.search(r'<tr id="entry-tax">(.*?)</tr>', html, re.S)
    assert tax and "15.00" in tax.group(1) and "未达到" in tax.group(1)
    # The timeline: 签约 actual 2017-05-05 (current), 开工 planned 2017-06-10 without an actual date (late).
    line = {s["stage"]: s for s in ctx["timeline"]}
    assert line["signed"]["current"] and line["signed"]["actual_on"] == dt.date(2017, 5, 5)
    assert line["started"]["late"] and len(ctx["timeline"]) == 10
    assert "环评手续待补" in html and "审核确认：情况属实" in html
    assert "建档" in html and "项目库.xlsx" in html
    # A project past a stage is not late for it, whatever its planned date (here: moved on to 投产).
    from newind.projects import registry_queries

    project = ctx["project"]
    project.stage = "producing"
    assert not {s["stage"]: s for s in registry_queries.timeline(project)}["started"]["late"]


def test_a_stage_change_shows_in_the_history(registry, client_as, office_user) -> None:  # type: ignore[no-untyped-def]
    rows = rows_with("XM002", **{"当前阶段": "开工", "实际开工日期": "2017-06-25"})
    apply_project_import(prepare_project_import(workbook(rows), "项目库（7月）.xlsx", office_user), office_user)
    html = client_as("office").get(f"/projects/{registry['XM002'].pk}/").content.decode()
    history = re.search(r'id="project-history">(.*?)</section>', html, re.S)
    assert history and "<b>阶段变化</b>" in history.group(1) and "签约" in history.group(1)
    assert "市工信局管理员" in history.group(1) and "实际开工日期" in history.group(1)


def test_a_project_page_refuses_others_and_is_404_for_no_project(registry, client_as) -> None:  # type: ignore[no-untyped-def]
    xm001 = registry["XM001"].pk
    assert client_as("yyx_rep").get(f"/projects/{xm001}/").status_code == 200
    assert client_as("leader").get(f"/projects/{xm001}/").status_code == 200
    # 云溪区's reporter may not open 岳阳县's project; the admins may not open projects at all.
    assert client_as("yx_rep").get(f"/projects/{xm001}/").status_code == 403
    assert client_as("auditor").get(f"/projects/{xm001}/").status_code == 403
    assert client_as("office").get("/projects/999999/").status_code == 404
    assert client_as("yx_rep").get("/projects/999999/").status_code == 403


def test_the_upload_previews_then_confirms(cast, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    assert client.get("/projects/import/").status_code == 200
    upload = SimpleUploadedFile("项目库.xlsx", workbook(), content_type=XLSX)
    preview = client.post("/projects/import/", {"file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200 and "新增 <b>2</b> 个" in html and 'table class="data cards"' in html
    assert not Project.objects.exists()
    form = dict(re.findall(r'name="(sha256|plan|file_name)" value="([^"]+)"', html))
    done = client.post("/projects/import/confirm/", form)
    assert done.status_code == 200 and "新增 2 个" in done.content.decode()
    assert Project.objects.count() == 2 and ProjectImportBatch.objects.get().created_by == cast.office
    # The same file again: the preview says nothing changes and offers no confirm button.
    again = client.post("/projects/import/", {"file": SimpleUploadedFile("项目库.xlsx", workbook(), content_type=XLSX)})
    assert "未变 <b>2</b> 个" in again.content.decode() and 'id="confirm-import"' not in again.content.decode()
    # A stage change is shown in the preview's change table, then written.
    changed = workbook(rows_with("XM001", **{"当前阶段": "入库纳统"}))
    step = client.post("/projects/import/", {"file": SimpleUploadedFile("项目库2.xlsx", changed, content_type=XLSX)})
    page = step.content.decode()
    assert 'class="stage-change"' in page and "入库纳统" in page
    form = dict(re.findall(r'name="(sha256|plan|file_name)" value="([^"]+)"', page))
    client.post("/projects/import/confirm/", form)
    assert ProjectChange.objects.get(kind="stage").changed_by == cast.office


def test_a_bad_upload_lists_the_cell_and_writes_nothing(cast, client_as) -> None:  # type: ignore[no-untyped-def]
    bad = workbook(rows_with("XM001", **{"当前阶段": "快完工了"}))
    response = client_as("office").post("/projects/import/", {"file": SimpleUploadedFile("坏.xlsx", bad, content_type=XLSX)})
    html = response.content.decode()
    assert response.status_code == 400 and "工作表「项目库」第3行第S列" in html and "快完工了" in html
    assert not Project.objects.exists()


def test_the_upload_is_the_offices_and_a_confirm_needs_ones_own_preview(cast, client_as) -> None:  # type: ignore[no-untyped-def]
    for who in ("leader", "yyx_rep", "auditor"):
        assert client_as(who).get("/projects/import/").status_code == 403
    forged = {"sha256": "0" * 64, "plan": "0" * 64, "file_name": "x.xlsx"}
    assert client_as("office").post("/projects/import/confirm/", forged).status_code == 403
    assert not Project.objects.exists()


def test_a_department_sees_the_projects_it_is_responsible_for(registry, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from newind.accounts.services import create_user
    from newind.cases import services as case_services
    from newind.cases.sla import TZ
    from newind.units.models import Unit

    # Problems are handed over "now": the case clock is set to a day the working calendar knows (its years end;
    # a deadline past them is refused), as every test of the case engine does.
    monkeypatch.setattr(case_services, "clock", lambda: dt.datetime(2017, 6, 12, 9, 0, tzinfo=TZ))

    Unit.objects.create(code="D-FGW", name="市发展和改革委员会", kind="department")
    gxj = create_user("bm_gxj", "department", password="Dept-Pass-2017", unit_code="D430600-GXJ", name="工信局经办人",
                      must_change_password=False)
    fgw = create_user("bm_fgw", "department", password="Dept-Pass-2017", unit_code="D-FGW", name="发改委经办人",
                      must_change_password=False)
    # Both projects name 市工信局 as their responsible unit (registry_helpers): 工信局 sees both, 发改委 none.
    client.force_login(gxj)
    assert _codes(client.get("/projects/list/").content.decode()) == ["XM002", "XM001"]
    assert client.get(f"/projects/{registry['XM001'].pk}/").status_code == 200
    client.force_login(fgw)
    assert _codes(client.get("/projects/list/").content.decode()) == []
    assert client.get(f"/projects/{registry['XM001'].pk}/").status_code == 403
    # Once a problem of XM001 is handed to 发改委, 发改委 sees XM001 (and still not XM002).
    from newind.projects.problems import hand_over

    hand_over(registry["XM001"], title="立项批复", description="项目立项批复未下达，请协调。",
              department=Unit.objects.get(code="D-FGW"), category_codes=["approval"], user=None)
    assert _codes(client.get("/projects/list/").content.decode()) == ["XM001"]
    assert client.get(f"/projects/{registry['XM001'].pk}/").status_code == 200
    assert client.get(f"/projects/{registry['XM002'].pk}/").status_code == 403
    # A co-handling department of a problem of XM002 sees XM002 as well (it may open that case too).
    Unit.objects.create(code="D-ZRZY", name="市自然资源和规划局", kind="department")
    zrzy = create_user("bm_zrzy", "department", password="Dept-Pass-2017", unit_code="D-ZRZY", name="自规局经办人",
                       must_change_password=False)
    client.force_login(zrzy)
    assert _codes(client.get("/projects/list/").content.decode()) == []
    hand_over(registry["XM002"], title="用地", description="用地指标未落实。", department=Unit.objects.get(code="D-FGW"),
              co_units=[Unit.objects.get(code="D-ZRZY")], category_codes=["land"], user=None)
    assert _codes(client.get("/projects/list/").content.decode()) == ["XM002"]
    assert client.get(f"/projects/{registry['XM002'].pk}/").status_code == 200


def test_the_list_pages_keep_the_filters(registry, client_as) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from newind.units.models import Unit

    county = Unit.objects.get(code="430621")
    for n in range(55):
        Project.objects.create(code=f"XM9{n:02d}", name=f"岳阳县储备项目{n}", county=county, total_investment=Decimal(1000))
    client = client_as("office")
    first = client.get("/projects/list/?county=430621&q=储备").content.decode()
    assert "共 55 个项目" in first and len(_codes(first)) == 50
    # The next-page link carries the filters, the Chinese search text URL-encoded.
    pager = first[first.index("class=\"pager\""):][:400]
    assert "?county=430621&amp;q=%E5%82%A8%E5%A4%87&amp;page=2" in pager, pager
    second = client.get("/projects/list/?county=430621&q=储备&page=2").content.decode()
    assert _codes(second) == [f"XM9{n:02d}" for n in range(50, 55)]
