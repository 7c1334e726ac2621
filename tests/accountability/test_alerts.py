"""Alerts (issue 13 §7) on hand-made causes: 华容县's target far too high (red), the supervision task past its
deadline (conftest `tasks`: deadline 2017-09-25 24:00; the other task waits for its 销号 review: no alert), and
经开区's 重大项目引进 quota not met (one 3亿元 project against 1 of 10亿元 or more: a veto risk, not yet a veto).
The lifecycle: raised and pushed once; a re-scan pushes nothing; acknowledged; found again a month later (one
row, occurrences 2); resolved; found again → reopened and pushed once more."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.accountability.alerts import scan_alerts
from newind.accountability.models import Alert
from newind.audit.models import AuditEntry
from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit
from tests.cases.conftest import at
from tests.targets.factories import va_history

pytestmark = pytest.mark.django_db
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"


@pytest.fixture
def causes(reference_data, tasks):  # type: ignore[no-untyped-def]
    from tests.projects.lights_fixtures import project, unit

    # 2016 totals 121 (岳阳县) and 60.5 (华容县) growing 10%: on track for 133.1 and 66.55 in 2017.
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=11)
    va = Indicator.objects.get(code="industrial_va_above_size")
    for code, value in (("430621", "133.1"), ("430623", "100")):
        Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              target_type="level", value=Decimal(value))
    park = unit("P430601", "岳阳经济技术开发区产业园", "park")
    project("XM-1", Unit.objects.get(code="430602"), park=park, total=30000, is_industrial=True,
            stage="signed", stages={"signed": (None, "2017-03-01")})
    red = Target.objects.get(unit__code="430623")
    return {"red": red, "park": park, "task": tasks.late.case}


@pytest.fixture
def pushed(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.NEWIND_ALERT_WEBHOOK_URLS = [ROBOT]
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr("newind.accountability.alerts.post_text",
                        lambda url, content, timeout=5.0: sent.append((url, content)) or "")
    return sent


def _alerts() -> list[tuple[str, str, str, int]]:
    return sorted((a.rule, a.object_ref, a.period, a.state) for a in Alert.objects.all())  # type: ignore[misc]


def test_each_cause_raises_one_alert_pushed_once(causes, pushed) -> None:  # type: ignore[no-untyped-def]
    result = scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    assert _alerts() == [
        ("red_light", f"target:{causes['red'].pk}", "2017", "open"),
        ("task_overdue", f"case:{causes['task'].pk}", "2017-09-25", "open"),
        ("veto_risk", "unit:P430601", "2017", "open")]
    assert len(result.raised) == 3 and len(pushed) == 3 and {u for u, _ in pushed} == {ROBOT}
    veto = Alert.objects.get(rule="veto_risk")
    assert veto.message == ("岳阳经济技术开发区产业园「重点园区引进10亿元以上产业项目」：要求引进10亿元以上产业项目1个，"
                            "截至2017年1—9月已引进0个，尚未完成，存在一票否决风险。")
    # (the task's own code: numbered by the database, it is not always DB20170000001 on PostgreSQL)
    code = causes["task"].code
    assert code.startswith("DB2017") and any(text.startswith(f"【预警】督办事项新逾期：督办事项 {code}") for _, text in pushed)
    # Scanning the same period again raises, counts and pushes nothing.
    again = scan_alerts("2017-09", now=at("2017-10-09T11:00"))
    assert again.raised == [] and again.reopened == [] and len(pushed) == 3
    assert set(Alert.objects.values_list("occurrences", flat=True)) == {1}
    assert AuditEntry.objects.filter(action="alert.raise").count() == 3


def test_the_lifecycle_with_reopening_on_recurrence(causes, pushed, login, clock) -> None:  # type: ignore[no-untyped-def]
    scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    red = Alert.objects.get(rule="red_light")
    leader = login("leader")
    clock.set("2017-10-09T15:00")
    assert leader.post(f"/alerts/{red.pk}/acknowledge/").status_code == 302
    red.refresh_from_db()
    assert red.state == "acknowledged"
    # October: the same red target is one alert found again; acknowledged stays acknowledged, no push.
    scan_alerts("2017-10", now=at("2017-11-09T10:00"))
    red.refresh_from_db()
    assert (red.state, red.occurrences, len(pushed)) == ("acknowledged", 2, 3)
    clock.set("2017-11-09T15:00")
    r = login("office").post(f"/alerts/{red.pk}/resolve/", {"note": "已约谈华容县，调整工作措施。"})
    assert r.status_code == 302
    red.refresh_from_db()
    assert red.state == "resolved"
    # Resolving twice is refused with the reason.
    r = login("office").post(f"/alerts/{red.pk}/resolve/")
    assert r.status_code == 409 and "不能解除" in r.content.decode()
    # Another scan of October (the hourly job) finds it again in the same period: it stays resolved.
    scan_alerts("2017-10", now=at("2017-11-09T16:00"))
    red.refresh_from_db()
    assert (red.state, red.occurrences, len(pushed)) == ("resolved", 2, 3)
    # November: still red → the same row reopens, counts a third occurrence and is pushed once more.
    result = scan_alerts("2017-11", now=at("2017-12-09T10:00"))
    red.refresh_from_db()
    assert [a.pk for a in result.reopened] == [red.pk] and result.raised == []
    assert (red.state, red.occurrences) == ("open", 3) and Alert.objects.filter(rule="red_light").count() == 1
    assert len(pushed) == 4 and pushed[-1][1].startswith("【预警·再次触发】目标红灯：华容县")
    assert list(red.events.values_list("kind", flat=True)) == [
        "raised", "pushed", "acknowledged", "resolved", "reopened", "pushed"]
    assert [e.action for e in AuditEntry.objects.filter(object_id=str(red.pk), action__startswith="alert.")
            .order_by("id")] == ["alert.raise", "alert.acknowledge", "alert.resolve", "alert.reopen"]
    page = leader.get("/alerts/").content.decode()
    assert "再次触发，重新打开" in page and "已约谈华容县" in page


def test_a_leader_subscribes_and_is_named_in_the_push(causes, pushed, login) -> None:  # type: ignore[no-untyped-def]
    leader = login("leader")
    hr = Unit.objects.get(code="430623")
    assert leader.post("/alerts/subscriptions/", {"unit": hr.pk}).status_code == 302
    assert leader.post("/alerts/subscriptions/", {"unit": hr.pk}).status_code == 409
    scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    red_text = next(t for _, t in pushed if "目标红灯" in t)
    assert red_text.endswith("（订阅人：市领导）")
    page = leader.get("/alerts/?mine=1").content.decode()
    assert "华容县" in page and "岳阳经济技术开发区产业园「" not in page
    assert AuditEntry.objects.filter(action="alert.subscribe").count() == 1


def test_without_a_robot_nothing_is_pushed(causes, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_ALERT_WEBHOOK_URLS, settings.NEWIND_WEBHOOK_URL = [], ""
    calls: list[str] = []
    monkeypatch.setattr("newind.accountability.alerts.post_text", lambda *a, **k: calls.append("x") or "")
    scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    assert calls == [] and Alert.objects.count() == 3 and set(Alert.objects.values_list("pushes", flat=True)) == {0}


def test_the_dashboard_card_shows_the_open_alerts(causes, pushed, login) -> None:  # type: ignore[no-untyped-def]
    scan_alerts("2017-09", now=at("2017-10-09T10:00"))
    page = login("leader").get("/dashboard/?period=2017-09").content.decode()
    card = page[page.index('id="alerts-card"'):]
    assert "<strong>3</strong> 条预警未解除" in card and "岳阳经济技术开发区产业园重大项目引进指标存在一票否决风险" in card


def test_the_alerts_job_scans_and_pushes(causes, pushed, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from newind.jobs.registry import enqueue

    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("accountability.alerts", period="2017-09", at=at("2017-10-09T10:00").isoformat())
    run.refresh_from_db()
    assert run.state == "succeeded", run.summary
    assert run.summary == ("2017年1—9月预警扫描：新触发 3 条（目标红灯 1 条，督办事项新逾期 1 条，项目一票否决风险 1 条），"
                           "重新打开 0 条，持续 0 条。")
    assert len(pushed) == 3
