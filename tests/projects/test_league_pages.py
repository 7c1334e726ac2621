"""The league and portfolio pages and the API give the same figures as league_table() and portfolio(); the
spine publication of the portfolio figures is versioned, follows the progress_published signal, and a target
on a projects indicator gets its light with no code of its own."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.projects.league import league_table
from newind.projects.models import ProjectProgress
from newind.projects.portfolio import portfolio
from newind.projects.signals import progress_published
from newind.projects.spine import publish_portfolio

from .league_data import make_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(reference_data):  # type: ignore[no-untyped-def]
    return make_projects()


def _current(code: str, unit: str, n: int = 6) -> Decimal | None:
    obs = Observation.objects.filter(indicator__code=code, unit__code=unit, year=2017, period_kind="M", period_n=n,
                                     is_current=True).first()
    return None if obs is None else obs.value


def test_the_league_page_shows_the_table_and_the_narrative(projects, client_as):  # type: ignore[no-untyped-def]
    html = client_as("office").get("/projects/league/?period=2017-06").content.decode()
    data = league_table("2017-06")
    for sentence in data["narrative"]:
        assert sentence in html
    assert re.search(r'data-label="县市区">云溪区</td>\s*<td data-label="名次">第1名</td>\s*<td data-label="进退位">'
                     r'<span class="league-move up">进1位</span>', html)
    assert re.search(r'data-label="县市区">岳阳县</td>.*?退2位.*?−0.30.*?\+0.20.*?76.32', html, re.S)
    assert 'class="data cards"' in html  # rows become cards on a phone


def test_the_league_page_defaults_to_the_latest_month_and_a_reporter_may_open_it(projects, client_as):  # type: ignore[no-untyped-def]
    html = client_as("yyx_rep").get("/projects/league/").content.decode()
    assert "2017年1—6月县市区重大项目赛马" in html  # June is the latest month with progress


def test_without_progress_the_page_says_so(reference_data, client_as):  # type: ignore[no-untyped-def]
    response = client_as("office").get("/projects/league/")
    assert response.status_code == 200 and "还没有已发布的项目月度进度" in response.content.decode()
    assert "还没有已发布的项目月度进度" in client_as("office").get("/projects/portfolio/").content.decode()


def test_the_portfolio_page_shows_dashes_quota_and_veto(projects, client_as):  # type: ignore[no-untyped-def]
    client = client_as("leader")
    june = client.get("/projects/portfolio/?period=2017-06").content.decode()
    assert "2017年1—6月重大项目组合指标" in june
    row = re.search(r'data-label="县市区">云溪区</td>(.*?)</tr>', june, re.S)
    assert row and '<td data-label="开工率">—</td>' in row.group(1) and "128,000.00" in row.group(1)
    park = re.search(r'data-label="园区">岳阳绿色化工产业园</td>(.*?)</tr>', june, re.S)
    assert park and "未完成（进行中）" in park.group(1)
    year = client.get("/projects/portfolio/?period=2017").content.decode()
    park = re.search(r'data-label="园区">岳阳绿色化工产业园</td>(.*?)</tr>', year, re.S)
    assert park and "未完成，一票否决" in park.group(1)


def test_the_pages_refuse_those_without_access(projects, client_as):  # type: ignore[no-untyped-def]
    assert client_as("auditor").get("/projects/league/?period=2017-06").status_code == 403
    assert client_as("auditor").get("/api/projects/league?period=2017-06").status_code == 403


def test_the_api_is_the_same_dict(projects, client_as):  # type: ignore[no-untyped-def]
    client = client_as("office")
    assert client.get("/api/projects/league?period=2017-06").json() == league_table("2017-06")
    assert client.get("/api/projects/portfolio?period=2017-06").json() == portfolio("2017-06")
    bad = client.get("/api/projects/league?period=2017-13")
    assert bad.status_code == 400 and "月" in bad.json()["message"]


def test_publishing_writes_versions_and_a_re_publish_is_a_no_op(projects):  # type: ignore[no-untyped-def]
    written = publish_portfolio("2017-06")
    assert written > 0
    assert _current("projects_signed_amount", "430621") == Decimal("118000")
    assert _current("projects_investment_completion_pct", "430621") == Decimal("55.56")
    assert _current("projects_signed_count", "P430603") == Decimal("8")
    assert _current("projects_started_rate_pct", "430603") is None  # "—" is not published
    assert publish_portfolio("2017-06") == 0
    # A correction of June's progress: a new current row, then a new version of the figure
    a1 = projects["A1"]
    ProjectProgress.objects.filter(project=a1, year=2017, month=6).update(is_current=False)
    ProjectProgress.objects.create(project=a1, year=2017, month=6, month_investment=0, ytd_investment=31000,
                                   since_start_investment=31000, is_current=True)
    progress_published.send(sender=None, year=2017, month=6, unit_ids=[a1.county_id], user=None)
    # (31,000 + 1,000 + 9,000) ÷ 54,000 = 75.93 %
    assert _current("projects_investment_completion_pct", "430621") == Decimal("75.93")
    versions = Observation.objects.filter(indicator__code="projects_investment_completion_pct", unit__code="430621",
                                          year=2017, period_n=6).order_by("version")
    assert [(o.version, o.value, o.is_current) for o in versions] == [
        (1, Decimal("55.56"), False), (2, Decimal("75.93"), True)]


def test_the_signal_publishes_the_month_and_the_later_months(projects):  # type: ignore[no-untyped-def]
    progress_published.send(sender=None, year=2017, month=5, unit_ids=[], user=None)
    assert _current("projects_signed_count", "430682", 5) == Decimal("2")
    assert _current("projects_signed_count", "430682", 6) == Decimal("3")  # June follows May's publication


def test_a_target_on_a_projects_indicator_gets_a_light(projects):  # type: ignore[no-untyped-def]
    from newind.targets.models import Target
    from newind.targets.queries import target_progress
    from newind.units.models import Unit

    publish_portfolio("2017-06")
    ind = Indicator.objects.get(code="projects_signed_amount")
    Target.objects.create(indicator=ind, unit=Unit.objects.get(code="430621"), year=2017, kind="hard",
                          target_type="level", value=Decimal("400000"))
    rows = target_progress(Period.month(2017, 6), indicator_codes=["projects_signed_amount"])
    row = rows.iloc[0]
    assert row["unit_code"] == "430621" and float(row["actual"]) == 118000.0
    # 118,000 of 400,000 by June = 29.5 % against the calendar schedule (序时) 6/12 = 50 %: 20.5 points behind,
    # between 10 and 30 → yellow under the default rules
    assert row["completion_pct"] == pytest.approx(118000 / 400000 * 100)
    assert row["schedule_pct"] == pytest.approx(50.0) and row["gap_pts"] == pytest.approx(50.0 - 29.5)
    assert row["light"] == "yellow" and row["light_label"] == "黄灯"
