"""The reads behind the projects' section of the monthly report and their dashboard card (projects.parts).

What the section needs beyond the portfolio (projects.portfolio), the league (projects.league) and the
lights (projects.lights): the month's stage events and the problems overdue at the month's end. Each is one
query for all projects; the shaping is `projects.calc` ("the monthly report's section").
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Q
from django.utils import timezone

from newind.cases.calc import CLOSED_STATES
from newind.cases.choices import CaseKind, State
from newind.cases.models import Case
from newind.cases.queries import overdue_days
from newind.cases.sla import day_of_deadline, end_of_day, format_deadline, to_local
from newind.indicators.periods import Period
from newind.projects import calc
from newind.projects.lights import as_period as month_of
from newind.projects.models import ProjectStage

EVENT_FIELDS = {"project_id": "project_id", "stage": "stage", "actual_on": "actual_on", "project__code": "code",
                "project__name": "name", "project__county__code": "county_code",
                "project__county__name": "county_name", "project__total_investment": "total_investment",
                "project__contract_amount": "contract_amount", "project__is_synthetic": "is_synthetic"}
PROBLEM_COLUMNS = ["case_id", "case_code", "title", "project_code", "project_name", "county_name", "lead_unit_name",
                   "state", "state_label", "close_deadline", "deadline_text", "working_days_late", "is_synthetic"]
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
    """The project problems (project_problem cases linked by ProjectProblem) still open at `moment` and past
    their closing deadline (`Case.close_deadline`, moved only by an approved extension), the longest overdue
    first, with the working days late up to `moment`'s day (PROBLEM_COLUMNS).

    "Open at the moment" holds for a case received by then and not closed by then: its state is open now,
    or it was closed after the moment (the report of a past month counts what was overdue at that month's
    end, not what is overdue today)."""
    closed = [str(s) for s in CLOSED_STATES]
    rows = (Case.objects.filter(kind=CaseKind.PROJECT_PROBLEM, project_link__isnull=False,
                                received_at__lte=moment, close_deadline__lt=moment)
            .filter(~Q(state__in=closed) | Q(closed_at__gt=moment))
            .order_by("close_deadline", "id")
            .values_list("id", "code", "title", "project_link__project__code", "project_link__project__name",
                         "project_link__project__county__name", "lead_unit__name", "state", "close_deadline",
                         "is_synthetic"))
    columns = ["case_id", "case_code", "title", "project_code", "project_name", "county_name", "lead_unit_name",
               "state", "close_deadline", "is_synthetic"]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    deadlines = list(frame["close_deadline"])
    frame["working_days_late"] = overdue_days(deadlines, [day_of_deadline(moment)] * len(frame))
    frame["deadline_text"] = [format_deadline(d) for d in deadlines]  # a few dozen cases, not projects
    frame["state_label"] = frame["state"].map(dict(State.choices))
    frame["lead_unit_name"] = frame["lead_unit_name"].fillna("（未交办）")
    return frame[PROBLEM_COLUMNS]
