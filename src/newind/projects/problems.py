"""Project problems handed to departments (项目问题交办, issue 12 §3): each is a `project_problem` case of the
case engine, linked to its project by `ProjectProblem`.

`hand_over` files the case under the `project_problem` SLA profile (definitions/sla/project_problem.yaml)
and assigns it to the department through the engine's own action (`cases.services.apply_action`, the
transition table of `cases.calc`), so the department then accepts, answers, asks for an extension and closes
it on the case pages (/cases/…), and the office's call-back (回访销号) evaluates it, like any case.
`problem_rows` is the project page's list; `overdue_problems` the monthly report's list across projects.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newind.audit.services import record
from newind.cases import services as case_services
from newind.cases.calc import CLOSED_STATES, OPEN_STATES
from newind.cases.choices import Action, CaseKind, CaseRole, Channel, State
from newind.cases.queries import overdue_days
from newind.cases.sla import SlaProfile, end_of_day, format_deadline, load_profile, to_local
from newind.core.errors import AppError
from newind.indicators.periods import Period, PeriodKind
from newind.projects import calc
from newind.projects.models import Project, ProjectProblem
from newind.units.models import Unit

PROFILE = "project_problem"
_OPEN = [str(s) for s in OPEN_STATES]
_CLOSED = [str(s) for s in CLOSED_STATES]


@transaction.atomic
def hand_over(project: Project, *, title: str, description: str, department: Unit, category_codes: Sequence[str],
              user: Any, now: dt.datetime | None = None, co_units: Sequence[Unit] = ()) -> ProjectProblem:
    """File a project's problem as a `project_problem` case and assign it to `department` (the office's
    交办, through the case engine), linked to the project; audited. The caller has checked that the user may
    hand problems over (access.PROJECT_PROBLEM_PAGE) and may change the project (access.project_for)."""
    if department.kind != "department":
        raise AppError(f"「{department.name}」不是市直部门：项目问题只能交办给市直部门，请从部门名单中选择。")
    if not description.strip():
        raise AppError("请写明问题内容：项目推进中遇到了什么问题，希望部门解决什么。")
    moment = to_local(now or case_services.clock())
    case = case_services.file_case(
        user=user, title=title, profile_code=PROFILE, received_at=moment, category_codes=category_codes,
        kind=CaseKind.PROJECT_PROBLEM, channel=Channel.PLATFORM, description=description.strip(),
        concerned_name=f"{project.name}（{project.code}）", is_synthetic=project.is_synthetic)
    case = case_services.apply_action(case, Action.ASSIGN, user=user, role=CaseRole.OFFICE, now=moment,
                                      lead_unit=department, co_units=list(co_units) or None,
                                      note=f"重大项目「{project.name}」问题交办。")
    link = ProjectProblem.objects.create(project=project, case=case)
    record("projects.problem.hand_over", user=user, obj=link, unit=project.county,
           after={"project": project.code, "case": case.code, "department": department.code,
                  "close_deadline": to_local(case.close_deadline).isoformat()},
           summary=f"项目「{project.name}」的问题「{case.title}」交办{department.name}（事项 {case.code}），"
                   f"办结时限 {format_deadline(case.close_deadline)}。")
    return link


def _profile(code: str, cache: dict[str, SlaProfile]) -> SlaProfile:
    if code not in cache:
        cache[code] = load_profile(code)
    return cache[code]


def _moment(today: dt.date | dt.datetime | None) -> dt.datetime:
    """The moment a light is judged at: a datetime as given; a day as its end (24:00), so a problem due that
    day is 临近时限, not yet 已逾期, and one due the day before is 已逾期."""
    if today is None:
        return to_local(timezone.now())
    if isinstance(today, dt.datetime):
        return to_local(today)
    return end_of_day(today)


ROW_FIELDS = ("case_id", "case__code", "case__title", "case__state", "case__lead_unit__name", "case__received_at",
              "case__close_deadline", "case__closed_at", "case__sla_profile", "case__is_synthetic")


def problem_rows(project: Project, today: dt.date | dt.datetime | None = None) -> list[dict[str, Any]]:
    """The project's problems for its page: open ones first (nearest deadline first) with department, deadline,
    state and deadline light (red past the deadline, yellow from the profile's reminder day, green before),
    then the closed ones (latest first). One query; the profiles are read once each."""
    moment = _moment(today)
    rows = list(ProjectProblem.objects.filter(project=project).order_by().values(*ROW_FIELDS))
    states = dict(State.choices)
    profiles: dict[str, SlaProfile] = {}
    out = []
    for r in rows:
        deadline = to_local(r["case__close_deadline"])
        is_open = r["case__state"] in _OPEN
        light = ""
        if is_open:
            profile = _profile(r["case__sla_profile"], profiles)
            remind = profile.reminder_at(profile.stage(profile.close_stage), deadline)
            light = calc.deadline_light(moment, deadline, remind)
        out.append({
            "case_id": r["case_id"], "code": r["case__code"], "title": r["case__title"],
            "department": r["case__lead_unit__name"] or "（未交办）", "state": r["case__state"],
            "state_label": states.get(r["case__state"], r["case__state"]), "is_open": is_open,
            "received_at": to_local(r["case__received_at"]), "deadline": deadline,
            "deadline_text": format_deadline(deadline),
            "closed_at": to_local(r["case__closed_at"]) if r["case__closed_at"] else None,
            "light": light, "light_label": calc.DEADLINE_LABELS.get(light, ""),
            "url": f"/cases/{r['case_id']}/", "is_synthetic": r["case__is_synthetic"]})
    open_rows = sorted((r for r in out if r["is_open"]), key=lambda r: (r["deadline"], r["case_id"]))
    closed_rows = sorted((r for r in out if not r["is_open"]),
                         key=lambda r: (r["closed_at"] or r["deadline"], r["case_id"]), reverse=True)
    return open_rows + closed_rows


def _as_of(period_or_date: Period | str | dt.date) -> dt.date:
    """The day of the count: a date as given; a period ('2017-06', a Period) its last day."""
    if isinstance(period_or_date, dt.date):
        return period_or_date
    period = period_or_date if isinstance(period_or_date, Period) else Period.parse(period_or_date)
    month = 12 if period.kind == PeriodKind.ANNUAL else period.n * 3 if period.kind == PeriodKind.QUARTER_CUM \
        else period.n
    return dt.date(period.year, month, calendar.monthrange(period.year, month)[1])


OVERDUE_FIELDS = ("project_id", "project__code", "project__name", "project__county__name",
                  "project__county__sort_order", "case_id", "case__code", "case__title", "case__state",
                  "case__lead_unit__name", "case__close_deadline", "case__is_synthetic")


def overdue_problems(period_or_date: Period | str | dt.date) -> list[dict[str, Any]]:
    """Every project's problem overdue and still open at the end of the day (or of the period's last day):
    received by then, its closing deadline (moved only by an approved extension) passed, and open then (not
    closed, or closed only after that day). Project, county, department and working days overdue, the
    longest overdue first; one query, the working days counted at once."""
    day = _as_of(period_or_date)
    moment = end_of_day(day)
    links = (ProjectProblem.objects.filter(case__kind=CaseKind.PROJECT_PROBLEM, case__received_at__lt=moment,
                                           case__close_deadline__lt=moment)
             .filter(Q(case__state__in=_OPEN) | Q(case__state__in=_CLOSED, case__closed_at__gt=moment))
             .order_by().values(*OVERDUE_FIELDS))
    rows = list(links)
    late = overdue_days([r["case__close_deadline"] for r in rows], [day] * len(rows))
    states = dict(State.choices)
    out = [{"project_id": r["project_id"], "project_code": r["project__code"], "project_name": r["project__name"],
            "county": r["project__county__name"], "county_sort": r["project__county__sort_order"],
            "case_id": r["case_id"], "case_code": r["case__code"], "title": r["case__title"],
            "department": r["case__lead_unit__name"] or "（未交办）",
            "state_label": states.get(r["case__state"], r["case__state"]),
            "deadline_text": format_deadline(r["case__close_deadline"]), "working_days_overdue": days,
            "is_synthetic": r["case__is_synthetic"]} for r, days in zip(rows, late, strict=True)]
    out.sort(key=lambda r: (-(r["working_days_overdue"] or 0), r["county_sort"], r["project_code"], r["case_id"]))
    return out


def departments() -> list[Unit]:
    """The departments a problem may be handed to (市直部门), in the registry's order."""
    return list(Unit.objects.filter(kind="department").order_by("sort_order", "code"))


