"""The evaluation pages through the client: list with filters, firm card, aggregates, the workflow steps
(objection → decision → publication) by the office and the firm's own account, audited; Excel and Word."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from newind.audit.models import AuditEntry
from newind.mujun import services
from newind.mujun.models import FirmResult, Objection
from tests.mujun.test_store import JS, MR, ZB

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(figures):  # type: ignore[no-untyped-def]
    return services.run_evaluation(2017, "430600")


def test_the_office_sees_the_list_filters_aggregates_and_the_card(client_as, run) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    assert "亩均效益综合评价" in client.get("/mujun/").content.decode()
    page = client.get(f"/mujun/runs/{run.pk}/").content.decode()
    assert "汨罗示例再生资源有限公司" in page and "君山示例药业有限公司" in page
    assert "mujun-scatter" in page and "echarts.min.js" in page and "县市区汇总" in page
    only_b = client.get(f"/mujun/runs/{run.pk}/", {"klass": "B"}).content.decode()
    assert "汨罗示例" in only_b and "岳阳示例装备" not in only_b
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    card = client.get(f"/mujun/results/{mr.pk}/").content.decode()
    assert "B类" in card and "tax_per_mu" in card and "升档所需" in card and "万元/亩" in card


def test_an_enterprise_user_sees_only_its_own_card(client, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(mr_user)
    mine = FirmResult.objects.get(run=run, credit_code=MR)
    assert client.get("/mujun/").url == f"/mujun/results/{mine.pk}/"
    assert client.get(f"/mujun/results/{mine.pk}/").status_code == 200
    other = FirmResult.objects.get(run=run, credit_code=JS)
    assert client.get(f"/mujun/results/{other.pk}/").status_code == 403
    assert client.get(f"/mujun/runs/{run.pk}/notice.xlsx").status_code == 403


def test_objection_decision_and_publication_through_the_client(client, cast, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    client.force_login(cast.office)
    for step in ("close_filling", "verify", "start_notice"):
        assert client.post(f"/mujun/runs/{run.pk}/step/", {"action": step}).status_code == 302
    response = client.post(f"/mujun/results/{mr.pk}/adjust/", {"klass": "A", "reason": ""})
    assert response.status_code == 400 and "须填写理由" in response.content.decode()
    client.force_login(mr_user)
    assert "提出异议" in client.get(f"/mujun/results/{mr.pk}/").content.decode()
    assert client.post(f"/mujun/results/{mr.pk}/object/", {"text": "研发投入未计入"}).status_code == 302
    objection = Objection.objects.get(result=mr)
    # The firm cannot decide its own objection, nor publish.
    assert client.post(f"/mujun/objections/{objection.pk}/decide/", {"decision": "upheld", "reason": "x"}).status_code == 403
    client.force_login(cast.office)
    assert "待处理异议" in client.get(f"/mujun/runs/{run.pk}/").content.decode()
    assert client.post(f"/mujun/objections/{objection.pk}/decide/",
                       {"decision": "rejected", "reason": "研发经费按统计口径已计入"}).status_code == 302
    objection.refresh_from_db()
    assert (objection.decision, objection.class_after) == ("rejected", "B")
    # The notice has not ended (it started today): publication is refused with the reason.
    response = client.post(f"/mujun/runs/{run.pk}/step/", {"action": "publish"})
    assert response.status_code == 409 and "公示期未满" in response.content.decode()
    run.notice_end = timezone.localdate() - dt.timedelta(days=1)
    run.save(update_fields=["notice_end"])
    assert client.post(f"/mujun/runs/{run.pk}/step/", {"action": "publish"}).status_code == 302
    run.refresh_from_db()
    assert run.state == "published"
    actions = set(AuditEntry.objects.filter(action__startswith="mujun.").values_list("action", flat=True))
    assert {"mujun.object", "mujun.decide", "mujun.publish", "mujun.start_notice"} <= actions
    decided = AuditEntry.objects.get(action="mujun.decide")
    assert decided.actor == cast.office.username and decided.after["reason"] == "研发经费按统计口径已计入"


def test_the_notice_list_as_excel_and_the_notice_as_word(client_as, run) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from openpyxl import load_workbook

    client = client_as("office")
    xlsx = client.get(f"/mujun/runs/{run.pk}/notice.xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    body = rows[header + 1:]
    # Rated first (规下: MR rank 1, JS rank 2), then the three 规上 firms without figures.
    assert [r[1] for r in body[:2]] == [MR, JS] and [r[10] for r in body[:2]] == ["B", "B"]
    assert len(body) == 5 and ZB in [r[1] for r in body[2:]]
    docx = client.get(f"/mujun/runs/{run.pk}/notice.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "2017年度工业企业亩均效益综合评价结果的公示" in text and "异议" in text
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_the_json_api_gives_the_same_results_with_the_same_access(client, cast, run, mr_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.office)
    body = client.get(f"/api/mujun/runs/{run.pk}").json()
    assert body["year"] == 2017 and body["scheme"] == "mujun-default" and body["state"] == "filling"
    assert body["benchmarks"]["below"] == {"tax_per_mu": 4.6667, "tax_per_power": 2.3333}
    assert [f["credit_code"] for f in body["firms"][:2]] == [MR, JS]
    assert body["firms"][0]["class"] == "B" and body["firms"][0]["rank"] == 1
    only_b = client.get(f"/api/mujun/runs/{run.pk}?class=B").json()["firms"]
    assert {f["credit_code"] for f in only_b} == {MR, JS}
    assert [r["id"] for r in client.get("/api/mujun/runs").json()] == [run.pk]
    client.force_login(mr_user)
    mine = FirmResult.objects.get(run=run, credit_code=MR)
    assert [f["credit_code"] for f in client.get(f"/api/mujun/runs/{run.pk}").json()["firms"]] == [MR]
    assert client.get(f"/api/mujun/results/{mine.pk}").json()["total"] == 117.86
    other = FirmResult.objects.get(run=run, credit_code=JS)
    assert client.get(f"/api/mujun/results/{other.pk}").status_code == 403
    client.force_login(cast.auditor)
    assert client.get(f"/api/mujun/runs/{run.pk}").status_code == 403


def test_the_aggregates_name_each_county_and_show_two_decimals(client_as, run) -> None:  # type: ignore[no-untyped-def]
    import re

    page = client_as("office").get(f"/mujun/runs/{run.pk}/").content.decode()
    table = page[page.index('id="mujun-aggregates-county"'):]
    table = table[:table.index("</table>")]
    rows = {cells[0]: cells[1:] for cells in (re.findall(r"<td[^>]*>(.*?)</td>", tr)
                                              for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)) if cells}
    # Hand calculation: 汨罗市's one rated firm pays 100 万元 tax on 10 亩 → 10.00 万元/亩; 君山区's 40 on 20 → 2.00.
    assert rows["汨罗市"][:2] == ["1", "10.00"] and rows["君山区"][:2] == ["1", "2.00"]
    assert "430681" not in table  # the county by its name, not its code
