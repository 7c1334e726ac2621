"""The reads behind the projects' section of the monthly report and their dashboard card (projects.parts).

What the section needs beyond the portfolio (projects.portfolio), the league (projects.league) and the
lights (projects.lights): the month's stage events and the problems overdue at the month's end. Each is one
query for all projects; the shaping is `projects.calc` ("the monthly report's section").
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from newind.cases.sla import day_of_deadline, end_of_day, to_local
from newind.indicators.periods import Period
from newind.projects import calc, problems
from newind.projects.lights import as_period as month_of
from newind.projects.models import ProjectStage

EVENT_FIELDS = {"project_id": "project_id", "stage": "stage", "actual_on": "actual_on", "project__code": "code",
                "project__name": "name", "project__county__code": "county_code",
                "project__county__name": "county_name", "project__total_investment": "total_investment",
                "project__contract_amount": "contract_amount", "project__is_synthetic": "is_synthetic"}
PROBLEM_COLUMNS = ["case_id", "case_code", "title", "project_code", "project_name", "county_name", "lead_unit_name",
                   "state_label", "deadline_text", "working_days_late", "is_synthetic"]
PROBLEMS_SOURCE = "重大项目问题交办（事项办理记录）"


def month_events(period: Period) -> pd.DataFrame:
    """The projects signed, started and completed (竣工 or 投产) in the period's own month (calc.report_month),
    one row per project and list: code, name, county, total investment and the amount signed (万元)."""
    p = month_of(period)
    first, last = calc.report_month(p.year, p.n)
    rows = (ProjectStage.objects.filter(stage__in=list(calc.EVENT_OF_STAGE), actual_on__gte=first, actual_on__lte=last)
            .order_by().values_list(*EVENT_FIELDS))
    frame = pd.DataFrame.from_records(list(rows), columns=list(EVENT_FIELDS.values()))
    for column in ("total_investment", "contract_amount"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    # The amount signed: the contract amount, or the total investment when it is blank (as the portfolio).
    frame["signed_amount"] = frame["contract_amount"].fillna(frame["total_investment"])
    return calc.month_events(frame)


def as_of(period: Period, now: dt.datetime | None = None) -> dt.datetime:
    """The moment a period's problems are counted at: 24:00 of its last day, or now for the running month."""
    p = month_of(period)
    end = end_of_day(calc.report_month(p.year, p.n)[1])
    return min(end, to_local(now or timezone.now()))


def as_of_text(moment: dt.datetime) -> str:
    """'2017年3月31日': the day a count as of `moment` belongs to (24:00 is the day before's end)."""
    day = day_of_deadline(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def overdue_problems(moment: dt.datetime) -> pd.DataFrame:
    """The project problems overdue and still open at `moment` (projects.problems.overdue_problems, the one
    rule), as the report's frame (PROBLEM_COLUMNS), the longest overdue first."""
    rows = problems.overdue_problems(moment)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    frame = pd.DataFrame.from_records(rows).rename(columns={
        "county": "county_name", "department": "lead_unit_name", "working_days_overdue": "working_days_late"})
    return frame[PROBLEM_COLUMNS]
