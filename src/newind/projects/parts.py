"""Major projects in the monthly overview, the report and the dashboard (newind.core.parts; issue 12 §7).

The overview reads, once per period: the month's signed, started and completed projects
(projects.report.month_events), investment completion against plan per county (the portfolio,
projects.portfolio), the red-light projects with their city leader and responsible unit
(projects.lights.red_projects), the project problems overdue at the month's end
(projects.report.overdue_problems) and the county 赛马 league (projects.league.league_table). The report
gets the 重大项目 section from these frames, the dashboard a projects card and the league chart. Amounts are
万元, rates %, scores 分; every table note gives the period and the source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from newind.core import numbers
from newind.core.parts import Column, DashboardCard, DomainPart, OverviewPart, Section, Table, cell
from newind.projects import calc, report
from newind.projects.league import league_table
from newind.projects.lights import period_end, red_projects
from newind.projects.portfolio import SOURCE, compute, unit_rows

NAME = "projects"
HEADING = "重大项目"
EMPTY_TEXT = "本月暂无重大项目数据。"
SENTENCE_ITEMS = 10  # red projects named in the sentence; the table lists them all
EVENT_COLUMNS = ["event", "event_label", "stages", "code", "name", "county_name", "total_investment",
                 "signed_amount", "actual_on", "is_synthetic"]
INVESTMENT_COLUMNS = ["code", "name", "project_count", "plan", "ytd_planned", "investment_completion_pct",
                      "signed_count", "signed_amount"]
RED_COLUMNS = ["code", "name", "county_name", "leader_name", "responsible_unit_name", "kinds", "reasons",
               "is_synthetic"]
LEAGUE_COLUMNS = ["rank", "code", "name", "total", "deductions", "bonus", "previous_rank", "rank_change",
                  "rank_change_text"]


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _investment(portfolio: Any) -> pd.DataFrame:
    """Per county: the plans and the completed investment (sums, 万元) beside the portfolio's rounded rates."""
    counties = portfolio.counties()
    if counties.empty:
        return _frame([], INVESTMENT_COLUMNS)
    rows = pd.DataFrame(unit_rows(counties))  # the JSON's rounding, so the report prints what the API gives
    rows["plan"] = counties["plan"].to_numpy(dtype=float)
    rows["ytd_planned"] = counties["ytd_planned"].to_numpy(dtype=float)
    return rows[INVESTMENT_COLUMNS]


def _league(period: Any, has_counties: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if not has_counties:
        return _frame([], LEAGUE_COLUMNS), _frame([], ["sentence"]), ""
    data = league_table(period)
    units = _frame(data["units"], [c for c in LEAGUE_COLUMNS if c != "rank_change_text"])
    units["rank_change_text"] = [calc.rank_change_text(c) for c in units["rank_change"]]
    return units, pd.DataFrame({"sentence": data["narrative"]}), str(data["scheme_name"])


def _end_label(period: Any) -> str:
    end = period_end(period)
    return f"{end.year}年{end.month}月末"


def _summary(period: Any, events: pd.DataFrame, investment: pd.DataFrame, red: pd.DataFrame,
             problems: pd.DataFrame, moment: Any, scheme_name: str) -> pd.DataFrame:
    """One row: the month's counts, the period's cumulative figures of the city and the counts of lights."""
    month = calc.report_month_label(period.year, period.n)
    signed = events[events["event"] == "signed"]
    plan, ytd = float(investment["plan"].sum()), float(investment["ytd_planned"].sum())
    return pd.DataFrame([{
        # The lights are judged at a point in time: the period's last day, "2017年6月末" (not "1—6月末").
        "month_label": month, "period_label": period.label, "end_label": _end_label(period),
        "signed_month": len(signed), "signed_month_amount": float(signed["signed_amount"].sum()),
        "started_month": int((events["event"] == "started").sum()),
        "completed_month": int((events["event"] == "completed").sum()),
        "signed_count": int(investment["signed_count"].sum()), "signed_amount": float(investment["signed_amount"].sum()),
        "plan": plan, "ytd_planned": ytd,
        # The city's rate from the summed levels (never a sum or mean of the counties' rates).
        "investment_completion_pct": None if plan == 0 else float(calc.ratio_pct(pd.Series([ytd]),
                                                                                    pd.Series([plan])).iloc[0]),
        "red_count": len(red), "problem_count": len(problems),
        "as_of_text": report.as_of_text(moment), "scheme_name": scheme_name,
    }])


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    """The period's project frames for the section and the cards (the city's: every project)."""
    period = report.month_of(period)
    portfolio = compute(period)
    moment = report.as_of(period)
    events = report.month_events(period)
    problems = report.overdue_problems(moment)
    has_data = not portfolio.per_project.empty or not events.empty or not problems.empty
    if not has_data:
        return OverviewPart(frames={"summary": pd.DataFrame()})
    investment = _investment(portfolio)
    red = _frame(red_projects(period), RED_COLUMNS)
    league, narrative, scheme_name = _league(period, not investment.empty)
    synthetic = bool(portfolio.synthetic or events["is_synthetic"].astype(bool).any()
                     or problems["is_synthetic"].astype(bool).any())
    sources = [SOURCE] + ([report.PROBLEMS_SOURCE] if not problems.empty else [])
    return OverviewPart(
        frames={"summary": _summary(period, events, investment, red, problems, moment, scheme_name),
                "events": events[EVENT_COLUMNS], "investment": investment, "red": red, "problems": problems,
                "league": league, "narrative": narrative},
        sources=sources, is_synthetic=synthetic)


# --- the report's section ---------------------------------------------------------------------------------

def _amount(value: object) -> str:
    return numbers.fmt_number(value, 2, "万元")


def _month_sentence(s: pd.Series) -> str:
    if not (s["signed_month"] or s["started_month"] or s["completed_month"]):
        return f"{s['month_label']}，全市没有重大项目签约、开工或竣工投产。"
    return (f"{s['month_label']}，全市重大项目签约{s['signed_month']}个、签约金额{_amount(s['signed_month_amount'])}，"
            f"开工{s['started_month']}个，竣工投产{s['completed_month']}个。")


def _cumulative_sentence(s: pd.Series) -> str:
    text = f"{s['period_label']}累计签约重大项目{s['signed_count']}个、签约金额{_amount(s['signed_amount'])}；"
    if s["plan"] == 0:
        return text + "尚无项目下达年度投资计划，投资完成率不计（—）。"
    return (text + f"有年度计划的项目年初至报告期累计完成投资{_amount(s['ytd_planned'])}，为年度计划投资"
                   f"{_amount(s['plan'])}的{numbers.fmt_number(s['investment_completion_pct'], 1, '%')}（投资完成率）。")


def _red_sentence(red: pd.DataFrame, end_label: str) -> str:
    if red.empty:
        return f"截至{end_label}，没有亮红灯的重大项目。"
    items = "；".join(f"{r.name}（{r.county_name}，联点市领导{r.leader_name or '未明确'}，"
                     f"责任单位{r.responsible_unit_name or '未明确'}）" for r in red.head(SENTENCE_ITEMS).itertuples())
    more = f"等，全部{len(red)}个见下表" if len(red) > SENTENCE_ITEMS else ""
    return f"截至{end_label}，亮红灯的重大项目{len(red)}个：{items}{more}。"


def _problems_sentence(problems: pd.DataFrame, as_of_text: str) -> str:
    if problems.empty:
        return f"截至{as_of_text}，没有逾期未办结的项目问题。"
    by_unit = problems.groupby("lead_unit_name", sort=False).size()
    units = "、".join(f"{unit}{count}件" for unit, count in by_unit.items())
    return f"截至{as_of_text}，逾期未办结的项目问题{len(problems)}件（{units}）。"


def _events_table(events: pd.DataFrame, s: pd.Series, note: Callable[[str], str]) -> Table:
    rows = [[r.event_label, r.stages, r.name, str(r.code), r.county_name, cell(r.total_investment),
             cell(r.signed_amount) if r.event == "signed" else None, f"{r.actual_on:%Y-%m-%d}"]
            for r in events.itertuples()]
    return Table("重大项目节点", f"本月签约、开工、竣工投产的重大项目（{s['month_label']}）",
                 [Column("类别"), Column("阶段"), Column("项目名称"), Column("项目编号", "code"), Column("县市区"),
                  Column("总投资（万元）", "number"), Column("签约金额（万元）", "number"), Column("实际日期")],
                 rows, note(f"单位：万元。按项目阶段的实际日期统计{s['month_label']}内的签约、开工、竣工或投产；"
                            "同月竣工并投产的项目只列一次，日期为其中较晚者；签约金额未填的按总投资计。"))


def _investment_table(investment: pd.DataFrame, s: pd.Series, note: Callable[[str], str]) -> Table:
    rows = [[r.name, str(r.code), cell(r.project_count), cell(r.plan), cell(r.ytd_planned),
             cell(r.investment_completion_pct), cell(r.signed_count), cell(r.signed_amount)]
            for r in investment.itertuples()]
    rows.append(["合计", "", int(investment["project_count"].sum()), s["plan"], s["ytd_planned"],
                 cell(s["investment_completion_pct"]), s["signed_count"], s["signed_amount"]])
    return Table("重大项目投资完成", f"各县市区重大项目投资完成情况（{s['period_label']}）",
                 [Column("县市区"), Column("代码", "code"), Column("项目（个）", "number", 0),
                  Column("年度计划投资（万元）", "number"), Column("累计完成投资（万元）", "number"),
                  Column("投资完成率（%）", "number", 1), Column("签约项目（个）", "number", 0),
                  Column("签约金额（万元）", "number")],
                 rows, note("单位：万元、个、%。投资完成率 = 有年度计划项目的年初至报告期累计完成投资 ÷ 年度计划投资；"
                            "合计行按全市合计数计算；无年度计划的为“—”。"))


def _red_table(red: pd.DataFrame, s: pd.Series, note: Callable[[str], str]) -> Table:
    rows = [["red", r.name, str(r.code), r.county_name, r.leader_name or "—", r.responsible_unit_name or "—",
             "、".join(r.kinds), r.reasons] for r in red.itertuples()]
    return Table("重大项目红灯", f"亮红灯的重大项目（{s['end_label']}）",
                 [Column("预警", "light"), Column("项目名称"), Column("项目编号", "code"), Column("县市区"),
                  Column("联点市领导"), Column("责任单位"), Column("红灯类型"), Column("原因")],
                 rows, note("预警规则：开工、入库纳统、投资序时、停滞四类，阈值由市新型工业化办公室设定。"))


def _problems_table(problems: pd.DataFrame, s: pd.Series, note: Callable[[str], str]) -> Table:
    rows = [[str(r.case_code), r.title, r.project_name, r.county_name, r.lead_unit_name, r.deadline_text,
             cell(r.working_days_late), r.state_label] for r in problems.itertuples()]
    return Table("重大项目逾期问题", f"逾期未办结的项目问题（截至{s['as_of_text']}）",
                 [Column("事项编号", "code"), Column("问题"), Column("项目名称"), Column("县市区"), Column("承办单位"),
                  Column("办结时限"), Column("逾期（工作日）", "number", 0), Column("状态")],
                 rows, note(f"单位：工作日。项目问题为交办承办单位的事项，截至{s['as_of_text']}未办结且已过办结时限"
                            "（经批准延期的按延期后的时限）；逾期最久的在前。"))


def _league_table(league: pd.DataFrame, s: pd.Series, note: Callable[[str], str]) -> Table:
    rows = [["—" if cell(r.rank) is None else str(int(r.rank)), r.name, str(r.code), cell(r.total),
             cell(r.deductions), cell(r.bonus), "—" if cell(r.previous_rank) is None else str(int(r.previous_rank)),
             r.rank_change_text] for r in league.itertuples()]
    return Table("重大项目赛马", f"县市区重大项目赛马排名（{s['period_label']}）",
                 [Column("位次"), Column("县市区"), Column("代码", "code"), Column("总分（分）", "number"),
                  Column("扣分（分）", "number"), Column("加分（分）", "number"), Column("上期位次"),
                  Column("进位/退位")],
                 rows, note(f"单位：分。计分方案：{s['scheme_name']}（功效系数法，最优100%、最差60%），"
                            "逾期未开工每个扣0.1分、弄虚作假每个扣0.2分，引进500强项目加分有上限；"
                            "参评县市区不足规定个数时不排名次（—）。"))


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    """重大项目: the month's events, investment against plan per county, red lights, overdue problems and the
    county 赛马 league, each a sentence and a table; 本月暂无重大项目数据 when there is none."""
    summary = overview.part_frame(NAME, "summary")
    if summary.empty:
        return [Section(HEADING, [EMPTY_TEXT])]
    s = summary.iloc[0]
    events, investment = overview.part_frame(NAME, "events"), overview.part_frame(NAME, "investment")
    red, problems = overview.part_frame(NAME, "red"), overview.part_frame(NAME, "problems")
    league = overview.part_frame(NAME, "league")
    paragraphs = [_month_sentence(s), _cumulative_sentence(s), _red_sentence(red, s["end_label"]),
                  _problems_sentence(problems, s["as_of_text"]),
                  *overview.part_frame(NAME, "narrative").get("sentence", pd.Series(dtype=object)).tolist()]
    tables = []
    if not events.empty:
        tables.append(_events_table(events, s, note))
    if not investment.empty:
        tables.append(_investment_table(investment, s, note))
    if not red.empty:
        tables.append(_red_table(red, s, note))
    if not problems.empty:
        tables.append(_problems_table(problems, s, note))
    if not league.empty:
        tables.append(_league_table(league, s, note))
    return [Section(HEADING, paragraphs, tables)]


# --- the dashboard ------------------------------------------------------------------------------------------

def league_chart(league: pd.DataFrame) -> dict[str, Any]:
    """The ranked counties' totals as a bar series for static/dashboard/dashboard.js (plain JSON types), rank
    order; none when too few counties report to rank (the chart would imply a ranking the table withholds)."""
    rated = league[league["total"].notna() & league["rank"].notna()] if not league.empty else league
    return {"names": [str(n) for n in rated.get("name", [])],
            "values": [round(float(v), 2) for v in rated.get("total", [])], "unit": "分"}


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    """The projects card (signed count and amount, 投资完成率, red lights) and the league chart's card. The
    meeting-room screen keeps its one screen for the figures, the warnings and the indicator charts."""
    if screen:
        return []
    summary = overview.part_frame(NAME, "summary")
    if summary.empty:
        return [DashboardCard("projects/dashboard_card.html", {"has_data": False, "empty_text": EMPTY_TEXT,
                                                                "period_label": overview.period.label})]
    s = summary.iloc[0]
    league = overview.part_frame(NAME, "league")
    card = {"has_data": True, "period_label": s["period_label"], "month_label": s["month_label"],
            "signed_count": int(s["signed_count"]), "signed_amount": numbers.fmt_number(s["signed_amount"], 2),
            "signed_month": int(s["signed_month"]),
            "completion": numbers.fmt_number(s["investment_completion_pct"], 1, "%"),
            "red_count": int(s["red_count"]), "problem_count": int(s["problem_count"]), "source": SOURCE,
            "synthetic": bool(overview.parts[NAME].is_synthetic)}
    cards = [DashboardCard("projects/dashboard_card.html", card)]
    chart = league_chart(league)
    if chart["values"]:
        cards.append(DashboardCard("projects/dashboard_league.html", {
            "period_label": s["period_label"], "scheme_name": s["scheme_name"], "chart": chart,
            "narrative": overview.part_frame(NAME, "narrative")["sentence"].tolist()[:1]}))
    return cards


PART = DomainPart(name=NAME, order=40, overview=overview_part, report_sections=report_sections,
                  dashboard_cards=dashboard_cards)
