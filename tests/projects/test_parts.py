"""The 重大项目 section of the monthly report and the projects' dashboard cards (projects.parts, issue 12 §7).

The data: the hand-made league set (tests/projects/league_data.py, 1—6月 2017) plus, for the month of June,
stage dates that change none of the league's inputs (no planned date falls due with them), leaders on two
projects and six cases of which two are project problems overdue at 24:00 of 30 June. By hand:

  June's events (calendar month 2017-06-01 … 06-30):
    签约     B2 2017-06-30, total 15,000, no contract amount → 15,000 signed
    开工     C2 2017-06-12 (C4's 2017-07-01 start is July's; A3's 2017-05-20 投产 is May's)
    竣工投产 B1 竣工 2017-06-15; C3 竣工 06-08 and 投产 06-18 → once, "竣工、投产", dated 06-18
  Investment 1—6月 (万元; ytd = latest current row ≤ June of the projects with a 2017 plan):
    岳阳县 plan 40,000 + 4,000 + 10,000 = 54,000, ytd 20,000 + 1,000 (A2's May row) + 9,000 = 30,000 → 55.56 %
    临湘市 plan 30,000, ytd 30,000 → 100 %;  云溪区 plan 1,000, ytd 600 → 60 %
    city   plan 85,000, ytd 60,600 → 71.29 %
  Signed 1—6月: 岳阳县 2 (118,000), 临湘市 3 (77,500), 云溪区 8 (128,000) → 13, 323,500万元
  Red lights at June's end (definitions/projects/lights.yaml):
    A1 started 2017-04-20, not 入库纳统: months April → June = 2 ≥ red_from 2 → red (入库纳统滞后)
    B3 planned start 2016-12-01, not started: 6 months ≥ 3 → red (开工滞后)
    A2 planned start 2017-06-10: June has just ended → 0 months → yellow only; B1, C3, A3 are completed
  Overdue problems at 24:00 of 30 June (working days after the deadline's day up to 30 June):
    P1 (A1) deadline 2017-06-09 24:00, open → 15 working days (June 12–30, three full weeks)
    P2 (B1) deadline 2017-06-20 24:00, closed on 2017-07-05 (after the month) → 8 (June 21–23, 26–30)
    not overdue: P3 closed on time, P4 deadline in July; not a project problem: P5 (no project), P6 (appeal)
  League: the hand totals of tests/projects/test_league.py — 云溪区 83.00 (1st, 进1位), 临湘市 82.00 (2nd,
    进1位), 岳阳县 76.32 (3rd, 退2位).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from newind.cases.models import Case
from newind.cases.sla import TZ
from newind.indicators.periods import Period
from newind.projects import calc, parts, report
from newind.projects.models import Project, ProjectProblem, ProjectProgress, ProjectStage
from newind.units.models import Unit

from .league_data import make_projects
from .lights_fixtures import unit
from .test_league import A_TOTAL, B_TOTAL, C_TOTAL

pytestmark = pytest.mark.django_db
JUNE = Period.month(2017, 6)
D = dt.date


def _midnight(day: dt.date) -> dt.datetime:
    """24:00 of `day` (stored as 00:00 of the next day, Shanghai time), as the case engine keeps deadlines."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=TZ)


def _case(code: str, deadline: dt.date, *, project: Project | None, kind: str = "project_problem",
          state: str = "in_progress", closed: dt.date | None = None, lead: Unit | None = None) -> Case:
    case = Case.objects.create(code=code, kind=kind, title=f"问题{code}", state=state, sla_profile="project_problem",
                               received_at=dt.datetime(2017, 5, 2, 9, 0, tzinfo=TZ), close_deadline=_midnight(deadline),
                               original_close_deadline=_midnight(deadline), lead_unit=lead,
                               closed_at=None if closed is None else dt.datetime.combine(closed, dt.time(10), tzinfo=TZ))
    if project is not None:
        ProjectProblem.objects.create(project=project, case=case)
    return case


@pytest.fixture
def figures(reference_data) -> None:  # type: ignore[no-untyped-def]
    """The demo's 2016–2017 indicator figures, as tests/reports/conftest.py `demo_figures` loads them: the
    report and the dashboard need the month's indicators before any domain's part."""
    from newind.indicators.demo import demo_candidates
    from newind.indicators.services import bulk_insert_observations, make_batch

    candidates = demo_candidates()
    rows = candidates[candidates["year"] >= 2016].reset_index(drop=True)
    batch = make_batch("示例数据（测试）", "", None, "demo")
    bulk_insert_observations(rows.assign(version=1, is_current=True, batch_id=batch.id, reason="示例数据"))


@pytest.fixture
def june(figures):  # type: ignore[no-untyped-def]
    p = make_projects()
    stage = ProjectStage.objects.create
    stage(project=p["C2"], stage="started", actual_on=D(2017, 6, 12))
    stage(project=p["B1"], stage="completed", actual_on=D(2017, 6, 15))
    stage(project=p["C3"], stage="completed", actual_on=D(2017, 6, 8))
    stage(project=p["C3"], stage="producing", actual_on=D(2017, 6, 18))
    stage(project=p["C4"], stage="started", actual_on=D(2017, 7, 1))
    # C2 reports June (no plan: outside 投资完成率), so it is not stalled.
    ProjectProgress.objects.create(project=p["C2"], year=2017, month=6, month_investment=Decimal(500),
                                   ytd_investment=Decimal(500), since_start_investment=Decimal(500), is_current=True)
    dept = unit("D0001", "市发展和改革委员会", "department")
    Project.objects.filter(pk=p["A1"].pk).update(leader_name="王副市长", responsible_unit=dept)
    Project.objects.filter(pk=p["B3"].pk).update(leader_name="李副市长")
    _case("P1", D(2017, 6, 9), project=p["A1"], lead=dept)
    _case("P2", D(2017, 6, 20), project=p["B1"], state="closed", closed=D(2017, 7, 5), lead=dept)
    _case("P3", D(2017, 6, 15), project=p["C1"], state="closed", closed=D(2017, 6, 14), lead=dept)
    _case("P4", D(2017, 7, 10), project=p["C2"], lead=dept)
    _case("P5", D(2017, 6, 1), project=None)
    _case("P6", D(2017, 6, 1), project=None, kind="appeal")
    return p


def _content(period: Period = JUNE):  # type: ignore[no-untyped-def]
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    return build_content(monthly_overview(period), with_charts=False)


def _section(content):  # type: ignore[no-untyped-def]
    found = [s for s in content.sections if s.heading.endswith("、重大项目")]
    assert len(found) == 1, [s.heading for s in content.sections]
    return found[0]


def _table(section, key: str):  # type: ignore[no-untyped-def]
    return next(t for t in section.tables if t.key == key)


# --- the pure helpers -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "first", "last", "label"), [
    (2, D(2017, 1, 1), D(2017, 2, 28), "2017年1—2月"),  # no January report: January is in 1—2月
    (6, D(2017, 6, 1), D(2017, 6, 30), "2017年6月"),
    (12, D(2017, 12, 1), D(2017, 12, 31), "2017年12月"),
])
def test_the_report_month_is_the_calendar_month_of_the_period(n, first, last, label):  # type: ignore[no-untyped-def]
    assert calc.report_month(2017, n) == (first, last)
    assert calc.report_month_label(2017, n) == label


@pytest.mark.parametrize(("change", "text"), [(2, "进2位"), (-1, "退1位"), (0, "持平"), (None, "—"),
                                              (float("nan"), "—")])
def test_rank_change_text(change, text):  # type: ignore[no-untyped-def]
    assert calc.rank_change_text(change) == text


# --- the reads --------------------------------------------------------------------------------------------

def test_the_months_events_by_hand(june):  # type: ignore[no-untyped-def]
    events = report.month_events(JUNE)
    got = [(r.event_label, r.code, r.stages, r.actual_on, r.total_investment, r.signed_amount)
           for r in events.itertuples()]
    assert got == [
        ("签约", "B2", "签约", D(2017, 6, 30), 15000.0, 15000.0),
        ("开工", "C2", "开工", D(2017, 6, 12), 3000.0, 3000.0),
        ("竣工投产", "B1", "竣工", D(2017, 6, 15), 60000.0, 60000.0),
        ("竣工投产", "C3", "竣工、投产", D(2017, 6, 18), 3000.0, 3000.0),
    ]


def test_the_overdue_problems_at_the_months_end_by_hand(june):  # type: ignore[no-untyped-def]
    moment = report.as_of(JUNE)
    assert moment == dt.datetime(2017, 7, 1, 0, 0, tzinfo=TZ) and report.as_of_text(moment) == "2017年6月30日"
    problems = report.overdue_problems(moment)
    assert list(problems["case_code"]) == ["P1", "P2"]
    assert list(problems["working_days_late"]) == [15, 8]
    assert list(problems["project_code"]) == ["A1", "B1"]
    assert list(problems["deadline_text"]) == ["2017-06-09 24:00", "2017-06-20 24:00"]
    # A month later P2 is closed and P4 (deadline 10 July) is overdue instead.
    july = report.overdue_problems(report.as_of(Period.month(2017, 7)))
    assert list(july["case_code"]) == ["P1", "P4"]


def test_the_running_month_counts_up_to_now():  # type: ignore[no-untyped-def]
    now = dt.datetime(2017, 6, 14, 10, 30, tzinfo=TZ)
    assert report.as_of(JUNE, now) == now and report.as_of_text(now) == "2017年6月14日"


# --- the report's section ---------------------------------------------------------------------------------

def test_the_section_figures_equal_the_hand_calculation(june):  # type: ignore[no-untyped-def]
    content = _content()
    section = _section(content)
    # After the indicators' three sections, 目标预警 and 年底预测; the last (向上争取 has a card, no section).
    assert section.heading == "六、重大项目" and content.sections[-1] is section
    city_rate = 60600 / 85000 * 100
    assert section.paragraphs[:4] == [
        "2017年6月，全市重大项目签约1个、签约金额15,000.00万元，开工1个，竣工投产2个。",
        "2017年1—6月累计签约重大项目13个、签约金额323,500.00万元；有年度计划的项目年初至报告期累计完成投资"
        f"60,600.00万元，为年度计划投资85,000.00万元的{city_rate:.1f}%（投资完成率）。",
        "截至2017年6月末，亮红灯的重大项目2个：项目A1（岳阳县，联点市领导王副市长，责任单位市发展和改革委员会）；"
        "项目B3（临湘市，联点市领导李副市长，责任单位未明确）。",
        "截至2017年6月30日，逾期未办结的项目问题2件（市发展和改革委员会2件）。",
    ]
    assert f"{city_rate:.1f}" == "71.3"
    # The league's narrative follows (the sentences of projects.league, made from its numbers).
    assert section.paragraphs[4].startswith("2017年1—6月县市区重大项目赛马，云溪区以 83.00 分居第一")

    events = _table(section, "重大项目节点")
    assert [[r[0], r[1], r[3], r[5], r[6], r[7]] for r in events.rows] == [
        ["签约", "签约", "B2", 15000.0, 15000.0, "2017-06-30"], ["开工", "开工", "C2", 3000.0, None, "2017-06-12"],
        ["竣工投产", "竣工", "B1", 60000.0, None, "2017-06-15"], ["竣工投产", "竣工、投产", "C3", 3000.0, None, "2017-06-18"]]

    invest = _table(section, "重大项目投资完成")
    rows = {r[1]: r for r in invest.rows}
    #                       county,   code,    projects, plan,    ytd,     rate,  signed, amount
    assert rows["430621"] == ["岳阳县", "430621", 4, 54000.0, 30000.0, 55.56, 2, 118000.0]
    assert rows["430682"] == ["临湘市", "430682", 3, 30000.0, 30000.0, 100.0, 3, 77500.0]
    assert rows["430603"] == ["云溪区", "430603", 8, 1000.0, 600.0, 60.0, 8, 128000.0]
    assert invest.rows[-1][:5] == ["合计", "", 15, 85000.0, 60600.0]
    assert invest.rows[-1][5] == pytest.approx(city_rate) and invest.rows[-1][6:] == [13, 323500.0]
    assert rows["430621"][5] == round(30000 / 54000 * 100, 2)

    red = _table(section, "重大项目红灯")
    assert [r[:7] for r in red.rows] == [
        ["red", "项目A1", "A1", "岳阳县", "王副市长", "市发展和改革委员会", "入库纳统滞后"],
        ["red", "项目B3", "B3", "临湘市", "李副市长", "—", "开工滞后"]]

    problems = _table(section, "重大项目逾期问题")
    assert [[r[0], r[2], r[4], r[5], r[6]] for r in problems.rows] == [
        ["P1", "项目A1", "市发展和改革委员会", "2017-06-09 24:00", 15],
        ["P2", "项目B1", "市发展和改革委员会", "2017-06-20 24:00", 8]]

    league = _table(section, "重大项目赛马")
    assert [[r[0], r[2], r[3], r[7]] for r in league.rows] == [
        ["1", "430603", C_TOTAL, "进1位"], ["2", "430682", B_TOTAL, "进1位"], ["3", "430621", A_TOTAL, "退2位"]]
    assert [r[4] for r in league.rows] == [0.0, 0.1, 0.3] and [r[6] for r in league.rows] == ["2", "3", "1"]


def test_every_table_gives_its_unit_period_and_source(june):  # type: ignore[no-untyped-def]
    section = _section(_content())
    assert [t.key for t in section.tables] == ["重大项目节点", "重大项目投资完成", "重大项目红灯", "重大项目逾期问题",
                                               "重大项目赛马"]
    for table in section.tables:
        assert "时期：2017年1—6月" in table.note and "来源：" in table.note, table.key
        assert "重大项目库" in table.note
        # Every figure's unit (the red list has no figure, only names and reasons).
        assert "单位：" in table.note or table.key == "重大项目红灯"
        assert re.match(r"表\d+  ", table.title) and "2017年" in table.title
    assert "重大项目问题交办（事项办理记录）" in _table(section, "重大项目逾期问题").note


def test_without_projects_the_section_says_so(figures):  # type: ignore[no-untyped-def]
    section = _section(_content())
    assert section.paragraphs == ["本月暂无重大项目数据。"] and section.tables == []


def test_a_month_without_events_or_problems_says_so_and_keeps_the_tables(june):  # type: ignore[no-untyped-def]
    ProjectStage.objects.filter(actual_on__gte=D(2017, 6, 1), actual_on__lte=D(2017, 6, 30)).delete()
    ProjectProblem.objects.all().delete()  # the cases stay, no longer a project's problems
    section = _section(_content())
    assert section.paragraphs[0] == "2017年6月，全市没有重大项目签约、开工或竣工投产。"
    assert section.paragraphs[3] == "截至2017年6月30日，没有逾期未办结的项目问题。"
    assert [t.key for t in section.tables] == ["重大项目投资完成", "重大项目红灯", "重大项目赛马"]


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_word_pdf_and_excel_render_the_section(june, fmt, tmp_path):  # type: ignore[no-untyped-def]
    from newind.reports.services import render_content

    content = _content()
    heading = _section(content).heading
    data = render_content(content, fmt)
    if fmt == "docx":
        texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
        assert heading in texts and any(t.startswith("截至2017年6月30日，逾期未办结的项目问题2件") for t in texts)
    elif fmt == "pdf":
        from tests.reports.test_documents import assert_only_shipped_cjk_fonts, pdf_text

        path = tmp_path / "r.pdf"
        path.write_bytes(data)
        assert data.startswith(b"%PDF")
        assert_only_shipped_cjk_fonts(path)  # the shipped CJK faces, so the Chinese extracts
        flat = re.sub(r"\s+", "", pdf_text(path))
        assert heading in flat and "县市区重大项目赛马排名" in flat and "市发展和改革委员会" in flat
    else:
        wb = load_workbook(io.BytesIO(data))
        assert {"重大项目节点", "重大项目投资完成", "重大项目红灯", "重大项目逾期问题", "重大项目赛马"} <= set(wb.sheetnames)
        ws = wb["重大项目投资完成"]
        values = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=6).value for r in range(3, ws.max_row + 1)}
        assert values["430621"] == 55.56 and values["430682"] == 100.0  # numbers, not text


def test_the_empty_section_renders_in_every_format(figures, tmp_path):  # type: ignore[no-untyped-def]
    from newind.reports.services import render_content

    content = _content()
    docx = Document(io.BytesIO(render_content(content, "docx")))
    assert "本月暂无重大项目数据。" in [p.text for p in docx.paragraphs]
    assert render_content(content, "pdf").startswith(b"%PDF")
    assert load_workbook(io.BytesIO(render_content(content, "xlsx"))).sheetnames


# --- the dashboard ----------------------------------------------------------------------------------------

def test_the_league_chart_series_is_the_tables(june):  # type: ignore[no-untyped-def]
    from newind.reports.queries import monthly_overview

    overview = monthly_overview(JUNE)
    chart = parts.league_chart(overview.part_frame("projects", "league"))
    assert chart == {"names": ["云溪区", "临湘市", "岳阳县"], "values": [C_TOTAL, B_TOTAL, A_TOTAL], "unit": "分"}
    cards = parts.dashboard_cards(overview, screen=False)
    card = cards[0].context
    assert (card["signed_count"], card["signed_amount"], card["completion"], card["red_count"]) == (
        13, "323,500.00", "71.3%", 2)
    assert parts.dashboard_cards(overview, screen=True) == []  # the meeting-room screen keeps its one screen
    # Too few counties reporting to rank: totals but no ranks, so no bars.
    unranked = overview.part_frame("projects", "league").assign(rank=None)
    assert parts.league_chart(unranked)["values"] == []


def test_the_dashboard_shows_the_projects_card_and_the_league_chart(june, client_as):  # type: ignore[no-untyped-def]
    page = client_as("leader").get("/dashboard/?period=2017-06").content.decode()
    card = page[page.index('id="projects-card"'):]
    card = card[:card.index("</section>")]
    assert "签约项目 <b>13</b> 个，签约金额 <b>323,500.00</b> 万元" in card
    assert "投资完成率 <b>71.3%</b>" in card and "重大项目 <b>2</b> 个" in card and "逾期未办结问题 <b>2</b> 件" in card
    assert "2017年1—6月" in card and "来源：重大项目库" in card
    assert 'id="chart-projects-league" data-part-chart="projects-league-data"' in page
    data = re.search(r'<script id="projects-league-data" type="application/json">(.*?)</script>', page, re.S)
    assert data and '"unit": "\\u5206"' in data.group(1) and "83.0" in data.group(1)
    # dashboard.js draws it as it draws the other bar charts
    assert 'id="warnings"' in page and 'id="chart-counties"' in page


def test_the_dashboard_says_when_there_are_no_projects(figures, client_as):  # type: ignore[no-untyped-def]
    page = client_as("office").get("/dashboard/?period=2017-03").content.decode()
    assert 'id="projects-card"' in page and "本月暂无重大项目数据。" in page
    assert 'id="chart-projects-league"' not in page


def test_a_county_reporter_does_not_see_the_dashboard(june, client_as):  # type: ignore[no-untyped-def]
    assert client_as("yyx_rep").get("/dashboard/?period=2017-06").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_league_chart_is_drawn_in_the_browser(june, client, cast, live_server, browser_page):  # type: ignore[no-untyped-def]
    from tests.browser_helpers import open_as, session_cookie

    session = session_cookie(client, cast.leader)  # all database work before the browser starts
    page = browser_page
    errors = open_as(page, live_server, session)
    page.goto(live_server.url + "/dashboard/?period=2017-06")
    # dashboard.js draws the part's chart with the same bar option as the counties' growth chart.
    page.wait_for_selector("#chart-projects-league canvas")
    page.wait_for_selector("#chart-counties canvas")
    box = page.locator("#chart-projects-league canvas").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    assert "投资完成率 71.3%" in page.locator("#projects-card").inner_text()
    page.locator("#projects-league-card").screenshot(path="/tmp/dashboard-projects-league.png")
    page.locator("#projects-card").screenshot(path="/tmp/dashboard-projects-card.png")
    assert not errors, errors


@pytest.mark.parametrize("period", [Period.month(2016, 2), Period.month(2017, 2), Period.month(2017, 12),
                                    Period.quarter(2017, 2), Period.annual(2017)])
def test_other_periods_build_the_section_from_their_own_month(june, period):  # type: ignore[no-untyped-def]
    """Before the first signing, at the year's end, and for a quarter or a year (its last month)."""
    from newind.core.parts import Section
    from newind.reports.queries import Overview

    part = parts.overview_part(period, None, "430600")
    overview = Overview(period=period, city_code="430600", city_name="岳阳市", key=pd.DataFrame(),
                        counties=pd.DataFrame(), parks=pd.DataFrame(), trend=pd.DataFrame(), parts={"projects": part})
    [section] = parts.report_sections(overview, lambda extra: extra)
    assert isinstance(section, Section) and section.heading == "重大项目" and section.paragraphs
    summary = part.frames["summary"].iloc[0]
    last_month = {"M": period.n, "Q": 3 * period.n, "Y": 12}[period.kind.value]
    assert summary["month_label"] == calc.report_month_label(period.year, last_month)
    if period == Period.quarter(2017, 2):  # 1—6月: the June figures above
        assert (summary["signed_count"], summary["red_count"], summary["problem_count"]) == (13, 2, 2)


def test_a_long_red_list_names_the_first_ten_and_points_to_the_table():  # type: ignore[no-untyped-def]
    red = pd.DataFrame({"name": [f"项目{i}" for i in range(12)], "county_name": "岳阳县", "leader_name": "",
                        "responsible_unit_name": ""})
    text = parts._red_sentence(red, "2017年6月末")
    assert text.startswith("截至2017年6月末，亮红灯的重大项目12个：项目0（岳阳县，联点市领导未明确，责任单位未明确）；")
    assert "项目9（" in text and "项目10" not in text and text.endswith("等，全部12个见下表。")
