"""The list and an entry's page through the client: the office records a measure (audited, in the history)
and closes the entry; leaders read but cannot write; others cannot open the list."""

from __future__ import annotations

import pytest

from newind.accountability.models import AccountabilityEntry, AccountabilityMeasure
from newind.accountability.services import scan
from newind.audit.models import AuditEntry
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(tasks, clock):  # type: ignore[no-untyped-def]
    scan("2017-09", now=at("2017-10-09T10:00"))
    clock.set("2017-10-12T10:00")
    return AccountabilityEntry.objects.get()


def test_the_office_records_a_measure_and_closes_the_entry(entry, login, people) -> None:  # type: ignore[no-untyped-def]
    office, leader = login("office"), login("leader")
    page = leader.get("/accountability/").content.decode()
    assert "市发展和改革委员会" in page and "主任示例局长甲" in page and "measure-form" not in page
    r = office.post(f"/accountability/{entry.pk}/measures/", {
        "kind": "interview", "taken_on": "2017-10-11", "document_no": "岳新工办〔2017〕12号",
        "text": "约谈市发改委主要负责人，要求10月20日前办结。"})
    assert r.status_code == 302
    m = AccountabilityMeasure.objects.get()
    assert (m.kind, str(m.taken_on), m.document_no, m.recorded_by_name) == (
        "interview", "2017-10-11", "岳新工办〔2017〕12号", "市工信局管理员")
    entry.refresh_from_db()
    assert entry.status == "handled"
    audit = AuditEntry.objects.get(action="accountability.measure.record")
    assert audit.actor == "office" and "岳新工办〔2017〕12号" in audit.summary
    # A measure from the future, or one without its content, is refused with the reason.
    r = office.post(f"/accountability/{entry.pk}/measures/", {"kind": "criticism", "taken_on": "2017-10-13",
                                                              "text": "通报批评"})
    assert r.status_code == 400 and "晚于今天" in r.content.decode()
    r = office.post(f"/accountability/{entry.pk}/close/", {"note": "已约谈，任务已于10月11日办结。"})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "closed"
    detail = leader.get(f"/accountability/{entry.pk}/").content.decode()
    history = detail[detail.index("entry-history"):]
    # The whole history, in order: listed, the 约谈 with its 文号, closed.
    assert history.index("列入问责清单") < history.index("约谈（岳新工办〔2017〕12号）") < history.index("已约谈，任务已于")
    assert AuditEntry.objects.filter(action="accountability.entry.closed").count() == 1


def test_leaders_read_and_cannot_write(entry, login) -> None:  # type: ignore[no-untyped-def]
    leader = login("leader")
    assert leader.get(f"/accountability/{entry.pk}/").status_code == 200
    r = leader.post(f"/accountability/{entry.pk}/measures/", {"kind": "interview", "taken_on": "2017-10-11",
                                                              "text": "约谈"})
    assert r.status_code == 403 and not AccountabilityMeasure.objects.exists()
    assert leader.post("/accountability/scan/", {}).status_code == 403
    for who in ("fgw", "yyx_rep", "auditor"):
        assert login(who).get("/accountability/").status_code == 403


def test_closing_needs_a_measure_first(entry, login) -> None:  # type: ignore[no-untyped-def]
    r = login("office").post(f"/accountability/{entry.pk}/close/", {"note": "已整改"})
    assert r.status_code == 409 and "尚未记录任何问责措施" in r.content.decode()
    entry.refresh_from_db()
    assert entry.status == "open"


def test_the_office_scans_from_the_page(tasks, login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-10-09T10:00")
    r = login("office").post("/accountability/scan/", {"period": "2017-09"})
    assert r.status_code == 200 and "新列入 1 条" in r.content.decode()
    assert AuditEntry.objects.get(action="accountability.scan").actor == "office"
