"""Payouts (form, import all-or-nothing, totals per policy and county by hand) and the publish job's notices."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from newind.accounts.access import COMMAND_LINE
from newind.audit.models import AuditEntry
from newind.core.errors import AppError, Conflict
from newind.policies import queries, services
from newind.policies.models import MatchNotice, Payout
from tests.policies.conftest import LQ, SH, ZB

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "兑现台账"
    ws.append(["政策代码", "统一社会信用代码", "兑现金额（万元）", "兑现日期", "兑现部门", "备注"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_payout_totals_per_policy_and_county_match_hand_sums(policies, firms) -> None:  # type: ignore[no-untyped-def]
    rd, hitech = policies["rd"], policies["hitech"]
    for policy, firm, amount in ((rd, ZB, "12.5"), (rd, ZB, "7.5"), (rd, SH, "30"), (hitech, SH, "20"),
                                 (hitech, LQ, "1.25")):
        services.record_payout({"policy_id": policy.pk, "firm_id": firms[firm], "amount": Decimal(amount),
                                "paid_on": dt.date(2018, 3, 1)}, user=COMMAND_LINE)
    by_policy = {r["code"]: (r["total"], r["payouts"], r["firms"]) for r in queries.payout_totals(Payout.objects.all(), "policy")}
    # 研发: 12.5 + 7.5 + 30 = 50 over 3 payouts to 2 firms; 高企: 20 + 1.25 = 21.25 over 2 payouts to 2 firms
    assert by_policy == {"t-rd": (Decimal("50"), 3, 2), "t-hitech": (Decimal("21.25"), 2, 2)}
    by_county = {r["name"]: r["total"] for r in queries.payout_totals(Payout.objects.all(), "county")}
    # 岳阳县 (ZB): 12.5 + 7.5 = 20; 云溪区 (SH): 30 + 20 = 50; 岳阳楼区 (LQ): 1.25
    assert by_county == {"岳阳县": Decimal("20"), "云溪区": Decimal("50"), "岳阳楼区": Decimal("1.25")}
    assert AuditEntry.objects.filter(action="payout.create").count() == 5


def test_a_payout_file_is_all_or_nothing_with_sheet_row_and_column(policies, firms) -> None:  # type: ignore[no-untyped-def]
    codes = {"t-rd": policies["rd"].pk}
    bad = _xlsx([["t-rd", ZB, 10, "2018-03-01", "市工信局", ""], ["t-hitech", SH, "abc", "2018-13-01", "", ""]])
    with pytest.raises(AppError) as err:
        services.prepare_payouts(bad, "台账.xlsx", codes)
    texts = [str(p) for p in err.value.problems]
    assert "工作表「兑现台账」第3行第A列：政策代码「t-hitech」不存在，或不是您可以登记兑现的政策：请核对政策代码。" in texts
    assert any(t.startswith("工作表「兑现台账」第3行第C列：兑现金额「abc」") for t in texts)
    assert any(t.startswith("工作表「兑现台账」第3行第D列：兑现日期「2018-13-01」") for t in texts)
    assert Payout.objects.count() == 0
    good = _xlsx([["t-rd", ZB, 10, dt.datetime(2018, 3, 1), "市工信局", ""], ["t-rd", SH, "2,000.5", "2018/4/2", "", "首批"]])
    preview = services.prepare_payouts(good, "台账.xlsx", codes)
    assert preview.total == Decimal("2010.5")
    services.apply_payouts(preview, user=COMMAND_LINE, expected=preview.fingerprint())
    assert sorted(Payout.objects.values_list("amount", flat=True)) == [Decimal("10"), Decimal("2000.5")]
    assert Payout.objects.filter(department__code="D430600-GXJ").count() == 1
    with pytest.raises(Conflict):
        services.apply_payouts(services.prepare_payouts(good, "台账.xlsx", codes), user=COMMAND_LINE)


def test_without_pairings_the_firms_own_users_are_told(policies, people, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A firm no one is paired with (here: every firm): its own users are told of its new matches."""
    from django.apps import apps

    assert apps.is_installed("newind.pairing")
    officials = queries.officials_for_firms([people["zb"].profile.unit_id])
    assert officials == {people["zb"].profile.unit_id: [queries.Official(people["zb"].pk, "firm_zb")]}
    pushed: list[str] = []
    settings.NEWIND_WEBHOOK_URL = "http://chat.example/hook"
    monkeypatch.setattr("newind.policies.services.post_text", lambda url, text: pushed.append(text) or "")
    made = services.notify_matches(policies["rd"].pk, 2017)
    # only ZB qualifies for 研发; its one user is told once, and the push names the firm
    assert [(n.firm.code, n.recipient_name, n.webhook_status) for n in made] == [(ZB, "firm_zb", "not_configured")]
    assert MatchNotice.objects.get().webhook_status == "sent"
    assert len(pushed) == 1 and "岳阳示例装备制造有限公司" in pushed[0] and "研发投入后补助" in pushed[0]
    assert AuditEntry.objects.filter(action="policy.match_notice").count() == 1
    # a second run (a retry) tells no one twice
    assert services.notify_matches(policies["rd"].pk, 2017) == [] and len(pushed) == 1


def test_a_paired_firm_tells_its_paired_official_not_its_own_users(policies, people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With a pairing, the official is told (by name; the push names the firm), the firm's own user is not; a
    platform without the pairing app falls back to the firm's users."""
    import datetime as dt

    from newind.pairing.models import Official, Pairing

    zb = people["zb"].profile.unit_id
    official = Official.objects.create(name="张建国", unit_name="市工信局", phone="0730-0000000", user=people["gxj"])
    Pairing.objects.create(official=official, firm_id=zb, start_date=dt.date(2017, 1, 1))
    told = queries.officials_for_firms([zb])
    assert [(o.user_id, o.name) for o in told[zb]] == [(people["gxj"].pk, "张建国")]
    made = services.notify_matches(policies["rd"].pk, 2017)
    assert [(n.firm.code, n.recipient_name) for n in made] == [(ZB, "张建国")]
    monkeypatch.setattr(queries.apps, "is_installed", lambda name: name != "newind.pairing")
    assert queries.officials_for_firms([zb]) == {zb: [queries.Official(people["zb"].pk, "firm_zb")]}


def test_the_job_is_registered_and_summarises_in_chinese(policies, people) -> None:  # type: ignore[no-untyped-def]
    from newind.jobs.registry import get_job

    job = get_job("policies.notify_matches")
    assert job.func(policy_id=policies["rd"].pk, year=2017) == "新增政策匹配提醒 1 条（1 人）。"


def test_publishing_is_audited_and_a_published_policy_is_withdrawn_before_editing(policies) -> None:  # type: ignore[no-untyped-def]
    rd = policies["rd"]
    assert AuditEntry.objects.filter(action="policy.publish", object_id=str(rd.pk)).count() == 1
    with pytest.raises(Conflict):
        services.save_policy({"title": "改名"}, user=COMMAND_LINE, policy=rd)
    services.transition(rd, "withdraw", user=COMMAND_LINE)
    changed = services.save_policy({"title": "研发投入后补助（修订）"}, user=COMMAND_LINE, policy=rd)
    assert changed.title == "研发投入后补助（修订）" and changed.status == "withdrawn"
    entry = AuditEntry.objects.filter(action="policy.change").latest("id")
    assert entry.before["title"] == "研发投入后补助" and entry.after["title"] == "研发投入后补助（修订）"


def test_the_demo_definitions_load_and_a_second_load_changes_nothing(firms) -> None:  # type: ignore[no-untyped-def]
    from newind.policies.models import Policy

    first = services.load_definitions(user=COMMAND_LINE)
    assert len(first.created) == 30 and len(first.published) == 29  # one draft (D类加价)
    assert Policy.objects.filter(is_synthetic=True).count() == 30
    assert Policy.objects.get(code="yy-jg-01").department.code == "D430600-GXJ"  # 市工信局 resolved to its unit
    second = services.load_definitions(user=COMMAND_LINE)
    assert second.created == [] and second.changed == [] and second.published == []


def test_the_demo_loads_the_policies_and_pays_some_qualified_firms(firms) -> None:  # type: ignore[no-untyped-def]
    from newind.policies.demo import load_demo

    out = io.StringIO()
    load_demo(out)
    # 扶持非公经济十条 (规上, 营业收入 ≥ 2,000, 实缴税金 ≥ 50, not 失信): ZB (80) and SH (60) qualify, LQ (40) does not
    paid = set(Payout.objects.filter(policy__code="yy-fgjj-01").values_list("firm__code", flat=True))
    assert paid == {ZB, SH} and Payout.objects.filter(is_synthetic=False).count() == 0
    assert "示例数据" in out.getvalue()
    load_demo(io.StringIO())  # a second run adds nothing
    assert Payout.objects.filter(policy__code="yy-fgjj-01").count() == 2
