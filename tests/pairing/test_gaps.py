"""The month's gaps against a hand count, in one query; the page, the API and the Excel export agree."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from newind.pairing import queries
from newind.pairing.models import Pairing, Visit
from tests.pairing.conftest import JS, LZ, MR, NAMES, SH, ZB

pytestmark = pytest.mark.django_db


def _contact(p: Pairing, day: str, kind: str) -> None:
    Visit.objects.create(pairing=p, official=p.official, firm=p.firm, date=dt.date.fromisoformat(day), kind=kind,
                         participants="张三", discussed="了解生产经营情况")


@pytest.fixture
def december(paired):  # type: ignore[no-untyped-def]
    """December 2017's contacts (张三: ZB, SH; 李四: LZ, MR), and a published 亩均 run rating JS class A."""
    _contact(paired[ZB], "2017-12-04", "visit")
    _contact(paired[ZB], "2017-12-18", "call")      # ZB: 1 visit, 1 call — meets the cadence
    _contact(paired[SH], "2017-12-05", "meeting")   # SH: a 座谈 counts as a visit; no call
    _contact(paired[LZ], "2017-11-30", "visit")     # LZ: November's visit does not count; nothing in December
    _contact(paired[MR], "2017-12-01", "call")
    _contact(paired[MR], "2017-12-31", "call")      # MR: 2 calls, no visit
    _contact(paired[MR], "2018-01-01", "visit")     # (January: not December's)
    from newind.mujun.models import EvaluationRun, FirmResult
    from newind.units.models import Unit

    run = EvaluationRun.objects.create(year=2017, scope=Unit.objects.get(code="430600"), scope_code="430600",
                                       scheme_code="t", scheme_version=1, scheme_sha256="0" * 64, state="published")
    FirmResult.objects.create(run=run, unit=Unit.objects.get(code=JS), credit_code=JS, name=NAMES[JS], size="below",
                              klass="A")
    return paired


def test_the_gaps_equal_a_hand_count(december, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # Hand count for 2017-12, each pairing asking 1 visit and 1 call:
    #   ZB 1 visit 1 call → fine; SH 1 visit 0 calls → 1 call short; LZ 0/0 → 1 visit and 1 call short;
    #   MR 0 visits 2 calls → 1 visit short. Short pairings: SH, LZ, MR (3).
    #   张三: 1 firm short (SH), 0 visits and 1 call missing; 李四: 2 firms (LZ, MR), 2 visits and 1 call missing.
    #   Key firms: ZB, SH, LZ (规上) and JS (亩均 A, published); JS is paired with no one.
    with django_assert_num_queries(1):
        rows = queries.pairing_counts(Pairing.objects.all(), 2017, 12)
    assert len(rows) == 4
    gaps = queries.month_gaps(Pairing.objects.all(), 2017, 12)
    assert gaps.counts == {"pairings": 4, "pairings_short": 3, "officials_short": 2, "firms_short": 3,
                           "key_firms_unpaired": 1}
    officials = {r["name"]: (r["firms"], r["missing_visits"], r["missing_calls"]) for r in gaps.officials.to_dict("records")}
    assert officials == {"张三": (1, 0, 1), "李四": (2, 2, 1)}
    firms = {r["credit_code"]: (r["visits"], r["calls"]) for r in gaps.firms.to_dict("records")}
    assert firms == {SH: (1, 0), LZ: (0, 0), MR: (0, 2)}
    assert gaps.unpaired[["credit_code", "sources"]].values.tolist() == [[JS, "亩均A类"]]


def test_an_unpublished_evaluation_makes_no_key_firm(december) -> None:  # type: ignore[no-untyped-def]
    from newind.mujun.models import EvaluationRun

    EvaluationRun.objects.update(state="notice")
    assert queries.key_firm_sources().keys() == {december[ZB].firm_id, december[SH].firm_id, december[LZ].firm_id}
    assert queries.month_gaps(Pairing.objects.all(), 2017, 12).counts["key_firms_unpaired"] == 0


def test_the_page_the_api_and_the_export_show_the_same_figures(client_as, december) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    page = client.get("/pairing/gaps/?month=2017-12").content.decode()
    assert "未达要求 <b>3</b> 对" in page and "无人包联的重点企业 <b>1</b> 家" in page
    body = client.get("/api/pairing/gaps?month=2017-12").json()
    assert body["counts"]["officials_short"] == 2 and [f["credit_code"] for f in body["key_firms_unpaired"]] == [JS]
    response = client.get("/pairing/gaps/export.xlsx?month=2017-12")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["未达要求的包联", "包联干部", "企业", "无人包联的重点企业"]
    ws = wb["包联干部"]
    assert ws["A1"].value == "2017年12月未达走访要求的包联干部"
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row + 1)]
    assert cells == [[1, "张三", "市工业和信息化局", "13907300001", 1, 0, 1],
                     [2, "李四", "市发展和改革委员会", "13907300002", 2, 2, 1]]
    unpaired = wb["无人包联的重点企业"]
    assert [c.value for c in unpaired[header_row + 1]] == [1, NAMES[JS], JS, "亩均A类"]
    assert unpaired.cell(header_row + 1, 3).data_type == "s"  # the credit code is text
    assert client_as("yyx_rep").get("/pairing/gaps/?month=2017-12").status_code == 403
    assert client_as("leader").get("/api/pairing/gaps?month=2017-12").status_code == 200


def test_a_bad_month_is_a_clear_error(client_as, paired) -> None:  # type: ignore[no-untyped-def]
    response = client_as("office").get("/api/pairing/gaps?month=2017-13")
    assert response.status_code == 400 and "请写成 2017-12" in response.json()["message"]


def test_officials_for_firms_answers_for_many_firms_in_one_query(paired, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    ids = [paired[c].firm_id for c in (ZB, SH, LZ)] + [999999]
    with django_assert_num_queries(1):
        found = queries.officials_for_firms(ids, on=dt.date(2017, 12, 1))
    assert {k: [o.name for o in v] for k, v in found.items()} == {
        paired[ZB].firm_id: ["张三"], paired[SH].firm_id: ["张三"], paired[LZ].firm_id: ["李四"]}
    assert found[paired[ZB].firm_id][0].user is not None and found[paired[LZ].firm_id][0].user is None
    # Before 李四's pairing with MR started (2017-03-01) MR has no official.
    assert paired[MR].firm_id not in queries.officials_for_firms([paired[MR].firm_id], on=dt.date(2017, 2, 1))
