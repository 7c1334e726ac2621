"""Campaigns (专项活动): per county, targets against the projects that reached 开工 / 投产 and the amount signed
within starts_on..min(ends_on, as_of) (projects.calc "campaigns", projects.campaigns), computed here by hand.

The campaign 测试招商月 2017-06-15 → 2017-07-15; goals 12 new starts and 250,000万元 signed (no goal for
new production: the sum of the targets, 3). Targets (starts, production, signed 万元):
  甲县 C1 4, 2, 100,000   乙县 C2 3, 1, 60,000   丙县 C3 3, 0, 40,000   丁县 C4 none
Projects (stage actual dates; signed amount = contract amount, else total investment):
  C1 P1 开工 06-15 (first day) · 签约 06-20, contract 50,000 (total 80,000)
  C1 P2 开工 07-15 (last day) · 投产 07-01 · 签约 06-14 (the day before: not counted), contract 30,000
  C1 P3 开工 07-16 (the day after: not counted) · 签约 07-10, no contract amount, total 45,000
  C1 P4 开工 06-30 · 投产 07-20 (after: not counted)
  C2 P5 开工 06-16 · 投产 06-18 · 签约 06-16, contract 70,000
  C2 P6 开工 06-14 (before: not counted)
  C3 P7 签约 07-01, contract 10,000
  C4 P8 开工 07-02
Whole campaign: C1 3 starts (P1, P2, P4), 1 production (P2), 95,000 signed (P1 50,000 + P3 45,000);
  C2 1, 1, 70,000; C3 0, 0, 10,000; C4 1, 0, 0. Totals: targets 10, 3, 200,000; actual 5, 2, 175,000.
  完成率: C1 75.0 / 50.0 / 95.0; C2 33.3 / 100.0 / 116.7; C3 0.0 / — / 25.0; C4 — / — / —;
  total 50.0 / 66.7 / 87.5 (against the targets); against the goals 5 ÷ 12 = 41.7 %, 2 ÷ 3 = 66.7 %,
  175,000 ÷ 250,000 = 70.0 %.
As of 2017-06-30: C1 2 starts (P1, P4), 0, 50,000; C2 1, 1, 70,000; C3 0, 0, 0; C4 not listed (no target,
  nothing done yet).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.projects import calc
from newind.projects.campaigns import campaign_progress, campaign_summary, load_campaign, load_campaigns
from newind.projects.models import Campaign, CampaignTarget, Project, ProjectStage
from newind.units.models import Unit

D = dt.date


@pytest.fixture
def counties(db) -> dict[str, Unit]:  # type: ignore[no-untyped-def]
    names = {"C1": "甲县", "C2": "乙县", "C3": "丙县", "C4": "丁县"}
    return {code: Unit.objects.create(code=code, name=name, kind="county", is_synthetic=True, sort_order=i)
            for i, (code, name) in enumerate(names.items())}


def _project(county: Unit, code: str, total: int, contract: int | None = None, **stages: dt.date) -> Project:
    p = Project.objects.create(code=code, name=f"项目{code}", county=county, total_investment=Decimal(total),
                               contract_amount=None if contract is None else Decimal(contract), is_synthetic=True)
    ProjectStage.objects.bulk_create([ProjectStage(project=p, stage=s, actual_on=d) for s, d in stages.items()])
    return p


@pytest.fixture
def campaign(counties) -> Campaign:  # type: ignore[no-untyped-def]
    c1, c2, c3, c4 = (counties[k] for k in ("C1", "C2", "C3", "C4"))
    _project(c1, "P1", 80000, 50000, started=D(2017, 6, 15), signed=D(2017, 6, 20))
    _project(c1, "P2", 30000, 30000, started=D(2017, 7, 15), producing=D(2017, 7, 1), signed=D(2017, 6, 14))
    _project(c1, "P3", 45000, None, started=D(2017, 7, 16), signed=D(2017, 7, 10))
    _project(c1, "P4", 20000, None, started=D(2017, 6, 30), producing=D(2017, 7, 20))
    _project(c2, "P5", 90000, 70000, started=D(2017, 6, 16), producing=D(2017, 6, 18), signed=D(2017, 6, 16))
    _project(c2, "P6", 10000, None, started=D(2017, 6, 14))
    _project(c3, "P7", 10000, 10000, signed=D(2017, 7, 1))
    _project(c4, "P8", 5000, None, started=D(2017, 7, 2))
    return load_campaign({
        "code": "test-2017", "name": "测试招商月", "starts_on": D(2017, 6, 15), "ends_on": "2017-07-15",
        "goal_note": "新开工12个，签约25亿元", "goals": {"new_starts": 12, "signed_amount": 250000},
        "is_synthetic": True,
        "targets": [{"unit": "C1", "new_starts": 4, "new_production": 2, "signed_amount": 100000},
                    {"unit": "C2", "new_starts": 3, "new_production": 1, "signed_amount": 60000,
                     "annual_task_share_pct": 40},
                    {"unit": "C3", "new_starts": 3, "new_production": 0, "signed_amount": 40000}]})


def _table(rows: list[dict]) -> list[tuple]:
    return [(r["name"], r["actual_new_starts"], r["actual_new_production"], r["actual_signed_amount"],
             r["pct_new_starts"], r["pct_new_production"], r["pct_signed_amount"]) for r in rows]


def test_the_whole_campaign_against_a_hand_count(campaign) -> None:  # type: ignore[no-untyped-def]
    progress = campaign_progress(campaign, as_of=D(2017, 8, 1))
    assert progress["counted_until"] == D(2017, 7, 15) and progress["ended"] and progress["started"]
    assert _table(progress["rows"]) == [
        ("甲县", 3, 1, 95000, 75.0, 50.0, 95.0),
        ("乙县", 1, 1, 70000, 33.3, 100.0, 116.7),
        ("丙县", 0, 0, 10000, 0.0, None, 25.0),
        ("丁县", 1, 0, 0, None, None, None),
        ("合计", 5, 2, 175000, 50.0, 66.7, 87.5),
    ]
    total = progress["total"]
    assert (total["target_new_starts"], total["target_new_production"], total["target_signed_amount"]) == (10, 3, 200000)
    assert [r["met_signed_amount"] for r in progress["rows"]] == [False, True, False, None, False]
    assert progress["rows"][1]["annual_task_share_pct"] == 40.0 and progress["rows"][0]["annual_task_share_pct"] is None


def test_the_live_table_counts_up_to_as_of(campaign) -> None:  # type: ignore[no-untyped-def]
    progress = campaign_progress(campaign, as_of=D(2017, 6, 30))
    assert not progress["ended"] and progress["counted_until"] == D(2017, 6, 30)
    assert _table(progress["rows"]) == [
        ("甲县", 2, 0, 50000, 50.0, 0.0, 50.0),
        ("乙县", 1, 1, 70000, 33.3, 100.0, 116.7),
        ("丙县", 0, 0, 0, 0.0, None, 0.0),
        ("合计", 3, 1, 120000, 30.0, 33.3, 60.0),
    ]


def test_the_last_day_is_a_campaign_day(campaign) -> None:  # type: ignore[no-untyped-def]
    # 含首尾两天: on 07-15 the campaign still runs (a live table, no summary yet); on 07-16 it has ended.
    assert not campaign_progress(campaign, as_of=D(2017, 7, 15))["ended"]
    assert campaign_progress(campaign, as_of=D(2017, 7, 16))["ended"]


def test_before_the_start_nothing_is_counted(campaign) -> None:  # type: ignore[no-untyped-def]
    progress = campaign_progress(campaign, as_of=D(2017, 6, 1))
    assert not progress["started"] and progress["counted_until"] is None
    assert [r["actual_new_starts"] + r["actual_signed_amount"] for r in progress["rows"]] == [0, 0, 0, 0]


def test_the_progress_is_one_grouped_query(campaign, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(3):  # targets, the grouped stages, the units
        campaign_progress(campaign, as_of=D(2017, 8, 1))


def test_the_summary_against_the_goals(campaign) -> None:  # type: ignore[no-untyped-def]
    summary = campaign_summary(campaign)
    assert summary["days"] == 31
    assert [(m["code"], m["goal"], m["actual"], m["pct"]) for m in summary["measures"]] == [
        ("new_starts", 12, 5, 41.7), ("new_production", 3, 2, 66.7), ("signed_amount", 250000, 175000, 70.0)]
    assert [(m["met"], m["missed"]) for m in summary["measures"]] == [
        ([], ["甲县", "乙县", "丙县"]), (["乙县"], ["甲县"]), (["乙县"], ["甲县", "丙县"])]
    assert summary["sentences"] == [
        "测试招商月期间全市新开工项目5个，完成目标12个的41.7%；新投产项目2个，完成目标3个的66.7%；"
        "签约金额17.50亿元，完成目标25.00亿元的70.0%。",
        "新开工项目：没有县市区完成目标；甲县（完成75.0%，差1个）、乙县（完成33.3%，差2个）、丙县（完成0.0%，差3个）未完成。",
        "新投产项目：乙县完成目标；甲县（完成50.0%，差1个）未完成。",
        "签约金额：乙县完成目标；甲县（完成95.0%，差0.50亿元）、丙县（完成25.0%，差3.00亿元）未完成。",
    ]


def test_the_summary_uses_the_targets_when_there_is_no_goal(campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(goal_new_starts=None, goal_signed_amount=None)
    campaign.refresh_from_db()
    summary = campaign_summary(campaign)
    assert [(m["goal"], m["pct"]) for m in summary["measures"]] == [(10, 50.0), (3, 66.7), (200000, 87.5)]
    assert summary["sentences"][0].startswith("测试招商月期间全市新开工项目5个，完成目标10个的50.0%；")


@pytest.mark.parametrize(("actual", "target", "pct"), [
    (38, 40, 95.0), (0, 3, 0.0), (1, 3, 33.3), (2, 3, 66.7), (7, 6, 116.7), (5, 0, None), (5, None, None),
    (Decimal("760000"), Decimal("800000"), 95.0), (50000, 800000, 6.3), (1, 8, 12.5), (1, 16, 6.3),
])
def test_completion_pct(actual, target, pct) -> None:  # type: ignore[no-untyped-def]
    assert calc.completion_pct(actual, target) == pct


def test_the_window_and_the_example_sentence() -> None:
    assert calc.campaign_window(D(2017, 6, 15), D(2017, 7, 15), None) == (D(2017, 6, 15), D(2017, 7, 15))
    assert calc.campaign_window(D(2017, 6, 15), D(2017, 7, 15), D(2017, 6, 15)) == (D(2017, 6, 15), D(2017, 6, 15))
    assert calc.campaign_window(D(2017, 6, 15), D(2017, 7, 15), D(2017, 6, 14)) is None
    # the example: 38 of 40 new starts; 76亿 of 80亿 signed; every county met production
    rows = calc.campaign_rows([
        {"name": "甲县", "target_new_starts": 40, "actual_new_starts": 38, "target_new_production": 1,
         "actual_new_production": 1, "target_signed_amount": 800000, "actual_signed_amount": 760000}])
    sentences = calc.campaign_sentences("产业招商月", rows, {"new_starts": 40, "signed_amount": 800000})
    assert sentences[0] == ("产业招商月期间全市新开工项目38个，完成目标40个的95.0%；新投产项目1个，完成目标1个的100.0%；"
                            "签约金额76.00亿元，完成目标80.00亿元的95.0%。")
    assert sentences[2] == "新投产项目：甲县完成目标，全部县市区均完成目标。"


def test_loading_again_replaces_the_targets_and_is_audited(campaign, counties) -> None:  # type: ignore[no-untyped-def]
    load_campaign({"code": "test-2017", "name": "测试招商月", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
                   "targets": [{"unit": "C4", "new_starts": 2}]})
    assert Campaign.objects.count() == 1
    assert list(CampaignTarget.objects.values_list("unit__code", "new_starts")) == [("C4", 2)]
    assert AuditEntry.objects.filter(action="projects.campaign.load").count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "x", "name": "x", "starts_on": "2017-07-15", "ends_on": "2017-06-15"}, "早于开始日期"),
    ({"code": "x", "name": "x", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
      "targets": [{"unit": "NOPE"}]}, "「NOPE」不在单位名录中"),
    ({"code": "x", "name": "x", "starts_on": "6月15日", "ends_on": "2017-07-15"}, "不是日期"),
    ({"code": "x", "name": "x", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
      "targets": [{"unit": "C1", "new_starts": -1}]}, "不能为负数"),
    ({"code": "x", "name": "x", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
      "targets": [{"unit": "C1"}, {"unit": "C1"}]}, "重复"),
    ({"name": "x"}, "须有 code"),
    ({"code": "x", "name": "x", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
      "targets": ["C1"]}, "应为列表，每个县市区一行"),
    ({"code": "x", "name": "x", "starts_on": "2017-06-15", "ends_on": "2017-07-15",
      "targets": [{"unit": "C1", "new_starts": 2.5}]}, "应为整数个项目"),
])
def test_a_bad_definition_is_refused_with_a_reason(counties, data, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError, match=message):
        load_campaign(data)
    assert not Campaign.objects.exists()


def test_the_shipped_2017_campaign_loads(reference_data) -> None:  # type: ignore[no-untyped-def]
    (campaign,) = load_campaigns()
    assert (campaign.code, campaign.name) == ("zhaoshang-2017", "2017年产业招商月")
    assert (campaign.starts_on, campaign.ends_on) == (D(2017, 6, 15), D(2017, 7, 15))
    assert (campaign.goal_new_starts, campaign.goal_signed_amount) == (40, Decimal(800000))
    assert campaign.is_synthetic  # the county split is example data
    targets = list(campaign.targets.all())
    assert len(targets) == 13
    assert sum(t.new_starts for t in targets) == 40 and sum(t.signed_amount for t in targets) == 800000


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_pages_show_the_table_and_the_summary(client, cast, campaign) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.office)
    listing = client.get("/projects/campaigns/").content.decode()
    assert "测试招商月" in listing and "2017-06-15 — 2017-07-15" in listing and "已结束" in listing
    page = client.get("/projects/campaigns/test-2017/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="campaign-summary"' in html and "没有县市区完成目标" in html and "示例数据" in html
    assert 'class="data cards"' in html and 'data-label="签约金额完成率"' in html  # folds into cards on a phone
    assert "116.7%" in html and "合计" in html
    live = client.get("/projects/campaigns/test-2017/?as_of=2017-06-30").content.decode()
    assert 'id="campaign-summary"' not in live and "统计 2017-06-15 至 2017-06-30" in live


def test_the_pages_refuse_bad_input(client, cast, campaign) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.office)
    assert client.get("/projects/campaigns/nope/").status_code == 404
    bad = client.get("/projects/campaigns/test-2017/?as_of=7月1日")
    assert bad.status_code == 400 and "不是日期" in bad.content.decode()


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("yyx_rep", 200), ("yyx_rev", 200), ("auditor", 403), ("sysadmin", 403),
])
def test_who_may_open_the_campaigns(client, cast, campaign, who, status) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(cast, who))
    assert client.get("/projects/campaigns/").status_code == status
    assert client.get("/projects/campaigns/test-2017/").status_code == status


# --- the command line -----------------------------------------------------------------------------------------


def test_the_command_loads_and_shows_a_campaign(reference_data, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from django.core.management import call_command

    call_command("campaigns", "load")
    out = capsys.readouterr().out
    assert "已加载专项活动「2017年产业招商月」（zhaoshang-2017，2017-06-15—2017-07-15），13 个县市区目标【示例数据】。" in out
    yyx = Unit.objects.get(code="430621")
    _project(yyx, "Y1", 60000, 50000, started=D(2017, 6, 20), signed=D(2017, 6, 20))
    call_command("campaigns", "show", "zhaoshang-2017", "--as-of", "2017-08-01")
    out = capsys.readouterr().out
    # 1 of 40 new starts = 2.5 %; 50,000万元 = 5.00亿元 of 80亿元 = 6.25 % → 6.3 % (half away from zero);
    # 岳阳县: 1 of 4 = 25.0 %, 0 of 2, 50,000 of 70,000 = 71.43 → 71.4 %
    assert "2017年产业招商月期间全市新开工项目1个，完成目标40个的2.5%；" in out
    assert "签约金额5.00亿元，完成目标80.00亿元的6.3%。" in out
    assert "岳阳县\t4\t1\t25.0%\t2\t0\t0.0%\t70,000.00\t50,000.00\t71.4%" in out
    call_command("campaigns", "show", "zhaoshang-2017", "--as-of", "2017-06-30", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] is None and data["progress"]["total"]["actual_new_starts"] == 1
    with pytest.raises(AppError, match="没有代码为「nope」的专项活动"):
        call_command("campaigns", "show", "nope")
