"""向上争取 through the client: a county registers, applies and records the result; leaders read; another
county cannot see or change the item (edited ids in URLs); the export, the API and the dashboard card."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from newind.audit.models import AuditEntry
from newind.funding.models import Opportunity
from newind.units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2017, 12, 1)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The pages and services read the day from django.utils.timezone.localdate: 2017-12-01."""
    monkeypatch.setattr("newind.funding.views.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def _register(client, **extra):  # type: ignore[no-untyped-def]
    unit = Unit.objects.get(code=extra.pop("unit", "430621"))
    data = {"title": "岳阳县装备制造技改", "programme": "湖南省技术改造专项", "level": "provincial",
            "issuer": "湖南省经信委", "window_start": "2017-11-20", "deadline": "2017-12-20",
            "owner_unit": unit.pk, "owner_person": "县工信局 郑华", "amount_sought": "1200", "note": ""}
    data.update(extra)
    return client.post("/funding/new/", data)


def test_a_county_walks_an_item_from_research_to_approval(client_as, today) -> None:  # type: ignore[no-untyped-def]
    client = client_as("yyx_rep")
    response = _register(client)
    assert response.status_code == 302
    item = Opportunity.objects.get()
    assert (item.code, item.status, item.amount_sought) == ("XZ2017-001", "researching", Decimal("1200"))
    page = client.get(f"/funding/{item.pk}/").content.decode()
    assert "提交申报" in page and "岳阳县装备制造技改" in page
    # Applied, then approved with the amount; a decided item is final.
    assert client.post(f"/funding/{item.pk}/action/", {"action": "apply"}).status_code == 302
    office = client_as("office")
    response = office.post(f"/funding/{item.pk}/action/", {"action": "approve", "amount_obtained": ""})
    assert response.status_code == 409
    assert "获批（到位）金额" in response.content.decode()
    assert office.post(f"/funding/{item.pk}/action/", {"action": "approve", "amount_obtained": "800"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.amount_obtained, item.applied_on, item.decided_on) == (
        "approved", Decimal("800"), TODAY, TODAY)
    assert office.post(f"/funding/{item.pk}/action/", {"action": "reopen"}).status_code == 409
    # Every step is in the audit log and on the item's page.
    actions = list(AuditEntry.objects.filter(object_type="funding.opportunity", object_id=str(item.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["funding.register", "funding.apply", "funding.approve"]
    history = office.get(f"/funding/{item.pk}/").content.decode()
    assert "获批800.00万元" in history and "提交申报" in history


def test_a_bad_window_is_refused_in_chinese_and_nothing_is_written(client_as, today) -> None:  # type: ignore[no-untyped-def]
    response = _register(client_as("yyx_rep"), window_start="2017-12-30", deadline="2017-12-20")
    assert response.status_code == 200
    assert "截止日期不能早于申报开始日期" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_county_cannot_name_another_county_as_the_owner(client_as, today) -> None:  # type: ignore[no-untyped-def]
    response = _register(client_as("yyx_rep"), unit="430603")
    assert response.status_code == 200
    assert "只能选择本单位或下属单位" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_another_county_neither_sees_nor_changes_the_item(client_as, today) -> None:  # type: ignore[no-untyped-def]
    _register(client_as("yyx_rep"))
    item = Opportunity.objects.get()
    other = client_as("yx_rep")
    assert other.get(f"/funding/{item.pk}/").status_code == 404
    assert other.get(f"/api/funding/items/{item.pk}").status_code == 404
    assert other.post(f"/funding/{item.pk}/action/", {"action": "apply"}).status_code == 403
    assert other.post(f"/funding/{item.pk}/", {"title": "改名"}).status_code == 403
    assert "岳阳县装备制造技改" not in other.get("/funding/").content.decode()
    assert other.get("/api/funding/items").json()["items"] == []
    leader = client_as("leader")
    assert leader.get(f"/funding/{item.pk}/").status_code == 200
    assert leader.post(f"/funding/{item.pk}/action/", {"action": "apply"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "researching" and item.title == "岳阳县装备制造技改"


def test_the_office_edits_an_open_item_and_the_change_is_audited(client_as, today) -> None:  # type: ignore[no-untyped-def]
    _register(client_as("yyx_rep"))
    item = Opportunity.objects.get()
    office = client_as("office")
    data = {"title": item.title, "programme": item.programme, "level": "provincial", "issuer": item.issuer,
            "window_start": "2017-11-20", "deadline": "2017-12-25", "owner_unit": item.owner_unit_id,
            "owner_person": item.owner_person, "amount_sought": "1500", "note": ""}
    assert office.post(f"/funding/{item.pk}/", data).status_code == 302
    item.refresh_from_db()
    assert item.deadline == dt.date(2017, 12, 25) and item.amount_sought == Decimal("1500")
    entry = AuditEntry.objects.get(action="funding.update")
    assert (entry.before["amount_sought"], entry.after["amount_sought"]) == ("1200.00", "1500")
    assert (entry.before["deadline"], entry.after["deadline"]) == ("2017-12-20", "2017-12-25")
    assert entry.summary == "修改向上争取事项「岳阳县装备制造技改」：申报截止日期、争取金额（万元）"


def test_the_list_export_and_api_agree_with_a_hand_count(client_as, today) -> None:  # type: ignore[no-untyped-def]
    county = client_as("yyx_rep")
    _register(county)                                                       # due 2017-12-20: 19 days left
    _register(county, title="岳阳县平台建设", deadline="2017-12-05", amount_sought="300")   # 4 days left: red
    office = client_as("office")
    _register(office, title="全市循环化改造", unit="430600", level="national", deadline="2018-03-31",
              amount_sought="8000")                                          # 120 days left: not listed
    page = office.get("/funding/?date=2017-12-01").content.decode()
    assert "还剩 4 天" in page and "还剩 19 天" in page
    api = office.get("/api/funding/deadlines?date=2017-12-01").json()
    assert [i["title"] for i in api["items"]] == ["岳阳县平台建设", "岳阳县装备制造技改"]
    assert [i["urgency"] for i in api["items"]] == ["red", "yellow"]
    totals = {r["level"]: r for r in office.get("/api/funding/totals?by=level").json()["rows"]}
    assert totals["省"]["items"] == 2 and totals["省"]["amount_sought"] == 1500.0
    assert totals["国家"]["amount_sought"] == 8000.0 and totals["国家"]["approval_rate"] is None
    response = office.get("/funding/export.xlsx?date=2017-12-01")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb["事项清单"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("XZ2017-")]
    assert len(rows) == 3
    by_code = {r[0]: r for r in rows}
    assert by_code["XZ2017-002"][9] == 300 and by_code["XZ2017-002"][12] == 4
    assert "截至2017-12-01" in str(sheet["A2"].value)
    levels = {r[0]: r for r in wb["按层级"].iter_rows(values_only=True) if r[0] in {"国家", "省"}}
    assert levels["省"][1:3] == (2, 0) and levels["省"][5] == 1500


def test_the_dashboard_card_lists_the_deadlines_of_its_month(client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dashboard of 2017-11 (long past) reads the deadlines as of 2017-11-30."""
    from newind.funding import parts
    from newind.indicators.periods import Period

    owner = Unit.objects.get(code="430621")
    Opportunity.objects.create(code="XZ2017-001", title="技改专项", programme="湖南省技术改造专项",
                               level="provincial", deadline=dt.date(2017, 12, 20), owner_unit=owner,
                               owner_person="郑华", amount_sought=Decimal("1200"))
    Opportunity.objects.create(code="XZ2017-002", title="已获批", programme="p", level="national",
                               deadline=dt.date(2017, 12, 10), owner_unit=owner, owner_person="x",
                               amount_sought=Decimal("900"), status="approved", amount_obtained=Decimal("600"),
                               decided_on=dt.date(2017, 11, 1))
    part = parts.overview_part(Period.month(2017, 11), None, "430600")
    deadlines = part.frames["deadlines"]
    assert list(deadlines["title"]) == ["技改专项"] and list(deadlines["days_left"]) == [20]
    obtained = part.frames["obtained"].iloc[0]
    assert (obtained["approved"], obtained["obtained"], obtained["as_of"]) == (1, 600.0, dt.date(2017, 11, 30))

    class Overview:
        def part_frame(self, name: str, key: str):  # type: ignore[no-untyped-def]
            return part.frames[key]

    assert parts.dashboard_cards(Overview(), screen=True) == []  # the meeting-room screen has no room for it
    card = parts.dashboard_cards(Overview(), screen=False)[0]
    assert card.template == "funding/dashboard_card.html"
    assert [i["title"] for i in card.context["items"]] == ["技改专项"] and card.context["obtained"] == 600.0


def test_the_demo_items_are_labelled_and_a_second_run_changes_nothing(reference_data) -> None:  # type: ignore[no-untyped-def]
    from newind.funding.demo import ITEMS, load_demo

    out = io.StringIO()
    load_demo(out)
    load_demo(out)
    assert Opportunity.objects.count() == len(ITEMS)
    assert Opportunity.objects.filter(is_synthetic=False).count() == 0
    assert "已存在" in out.getvalue()
    # Every decided item has its result; every approved one an amount.
    assert not Opportunity.objects.filter(status="approved", amount_obtained__isnull=True).exists()
