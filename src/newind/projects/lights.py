"""Project lights (预警灯, issue 12 §4): the reads behind them, set-wise (five queries for every project).

`project_lights(period)` is the frame other parts read (the report's red-light projects, the targets'
warning list through the source registered in `ProjectsConfig.ready`); `red_projects(period)` its red
projects, one dict each; `lights_block(project, period)` the project page's block. The rules are
`projects.calc.project_lights_frame`, their thresholds definitions/projects/lights.yaml.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.conf import settings
from django.db.models import F, Max, Q, TextField
from django.db.models.functions import Cast

from newind.indicators.periods import Period, PeriodKind
from newind.projects import calc
from newind.projects.choices import STAGE_ORDER, Stage, StoppageReview, stage_index
from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectStoppage, ProjectYearPlan
from newind.targets.calc import RuleSet
from newind.targets.rules import rule_set

LIGHTS_COLUMNS = ["project_id", "code", "name", "county_code", "county_name", "leader_name",
                  "responsible_unit_name", "kind", "kind_label", "light", "light_label", "reason", "months",
                  "completion_pct", "schedule_pct", "gap_pts", "is_synthetic"]
SOURCE = "重大项目库（项目阶段、停工复工与月度投资进度）"


def config_path() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "projects" / "lights.yaml"


@lru_cache(maxsize=4)
def _config(path: str) -> calc.LightConfig:
    with open(path, encoding="utf-8") as fh:
        return calc.parse_light_config(yaml.safe_load(fh))


def light_config() -> calc.LightConfig:
    """The shipped thresholds (definitions/projects/lights.yaml)."""
    return _config(str(config_path()))


def as_period(period: Any) -> Period:
    """A month period from a Period, a text ('2017-06') or None (the latest month with progress)."""
    if period is None:
        return latest_period()
    if not isinstance(period, Period):
        period = Period.parse(period)
    if period.kind == PeriodKind.ANNUAL:
        return Period.month(period.year, 12)
    if period.kind == PeriodKind.QUARTER_CUM:
        return Period.month(period.year, period.n * 3)
    return period


def latest_period() -> Period:
    """The latest month with a current progress report; the last finished month when there is none."""
    row = (ProjectProgress.objects.filter(is_current=True).order_by("-year", "-month")
           .values_list("year", "month").first())
    if row:
        return Period.month(int(row[0]), int(row[1]))
    today = dt.date.today()
    year, month = (today.year, today.month - 1) if today.month > 2 else (today.year - 1, 12)
    return Period.month(year, max(month, 2))


def period_end(period: Period) -> dt.date:
    nxt = dt.date(period.year + (period.n == 12), period.n % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _reached(stages: pd.DataFrame, projects: pd.DataFrame, stage: str, end: dt.date) -> pd.Series:
    """Per project: has it reached `stage` (or a later one) by `end` — a dated actual on or before the end,
    or (no date at all) its current stage at or past it."""
    later = set(STAGE_ORDER[stage_index(stage):])
    dated = stages[stages["stage"].isin(later) & stages["actual_on"].notna()]
    on_time = set(dated.loc[dated["actual_on"] <= pd.Timestamp(end), "project_id"])
    any_date = set(dated["project_id"])
    by_stage = projects["stage"].isin(later)
    return projects["project_id"].isin(on_time) | (by_stage & ~projects["project_id"].isin(any_date))


def _facts(period: Period, project_ids: list[int] | None, unit_codes: list[str] | None) -> pd.DataFrame:
    end = period_end(period)
    qs = Project.objects.all()
    if project_ids is not None:
        qs = qs.filter(pk__in=project_ids)
    if unit_codes is not None:
        qs = qs.filter(Q(county__code__in=unit_codes) | Q(park__code__in=unit_codes))
    projects = pd.DataFrame(list(qs.values(
        "id", "code", "name", "county__code", "county__name", "leader_name", "responsible_unit__name", "stage",
        "is_synthetic")))
    if projects.empty:
        return projects
    projects = projects.rename(columns={"id": "project_id", "county__code": "county_code",
                                        "county__name": "county_name",
                                        "responsible_unit__name": "responsible_unit_name"})
    # Large id lists go through a subquery, not a parameter list (SQLite's limit on bound parameters).
    id_filter: Any = qs.values("id")
    # Dates as ISO text cast in SQL, tuples not dicts: no per-value converter in Python (5,000 projects' rows).
    stages = pd.DataFrame.from_records(list(ProjectStage.objects.filter(project_id__in=id_filter).annotate(
        p=Cast("planned_on", TextField()), a=Cast("actual_on", TextField())).values_list(
        "project_id", "stage", "p", "a")), columns=["project_id", "stage", "planned_on", "actual_on"])
    stages["actual_on"] = pd.to_datetime(stages["actual_on"], format="%Y-%m-%d")
    stages["planned_on"] = pd.to_datetime(stages["planned_on"], format="%Y-%m-%d")
    f = projects[["project_id", "stage"]].copy()
    start_rows = stages[stages["stage"] == Stage.STARTED].set_index("project_id")
    # reindex, not map: a map of an empty date column (no project has a start row) would try to make floats.
    f["planned_start"] = start_rows["planned_on"].reindex(f["project_id"]).to_numpy()
    actual = pd.Series(start_rows["actual_on"].reindex(f["project_id"]).to_numpy(), index=f.index)
    f["started_on"] = actual.where(actual <= pd.Timestamp(end))
    f["started"] = _reached(stages, f, Stage.STARTED, end)
    f["in_stats"] = _reached(stages, f, Stage.IN_STATS, end)
    f["completed"] = _reached(stages, f, Stage.COMPLETED, end)
    # A stoppage the office's review rejected does not count (projects.services.review_stoppage).
    stops = pd.DataFrame(list(ProjectStoppage.objects.filter(project_id__in=id_filter, stopped_on__lte=end).exclude(
        review=StoppageReview.REJECTED).filter(
        Q(resumed_on__isnull=True) | Q(resumed_on__gt=end)).order_by("project_id", "stopped_on").values(
        "project_id", "stopped_on", "reason")), columns=["project_id", "stopped_on", "reason"])
    stops = stops.drop_duplicates("project_id", keep="last").set_index("project_id")
    f["stopped"] = f["project_id"].isin(stops.index)
    f["stopped_on"] = pd.to_datetime(f["project_id"].map(stops["stopped_on"]))
    f["stop_reason"] = f["project_id"].map(stops["reason"])
    last = _last_reports(period, id_filter)
    code = f["project_id"].map(last).astype(float)
    f["last_year"] = np.floor(code / 100)
    f["last_month"] = code - f["last_year"] * 100
    now = pd.DataFrame(list(ProjectProgress.objects.filter(project_id__in=id_filter, is_current=True,
                                                           year=period.year, month=period.n)
                            .values("project_id", "ytd_investment")), columns=["project_id", "ytd_investment"])
    f["ytd"] = f["project_id"].map(now.set_index("project_id")["ytd_investment"]).astype(float)
    plans = pd.DataFrame(list(ProjectYearPlan.objects.filter(project_id__in=id_filter, year=period.year)
                              .values("project_id", "planned_investment")),
                         columns=["project_id", "planned_investment"])
    f["plan"] = f["project_id"].map(plans.set_index("project_id")["planned_investment"]).astype(float)
    return f.merge(projects.drop(columns=["stage"]), on="project_id")


def _last_reports(period: Period, id_filter: Any) -> pd.Series:
    """Per project, its latest current report up to the period as year × 100 + month: first the period's
    own year (the month index), then only for the projects without one there, the years before (so the
    whole history is not scanned for every project)."""
    current = ProjectProgress.objects.filter(project_id__in=id_filter, is_current=True)
    this_year = current.filter(year=period.year, month__lte=period.n)
    recent = pd.DataFrame.from_records(list(this_year.order_by().values("project_id").annotate(
        last=Max("month") + period.year * 100).values_list("project_id", "last")), columns=["project_id", "last"])
    older = pd.DataFrame.from_records(list(current.filter(year__lt=period.year).exclude(
        project_id__in=this_year.values("project_id")).order_by().values("project_id").annotate(
        last=Max(F("year") * 100 + F("month"))).values_list("project_id", "last")), columns=["project_id", "last"])
    return pd.concat([recent, older]).set_index("project_id")["last"]


def investment_rules(config: calc.LightConfig | None = None) -> RuleSet:
    """The targets' light rule file chosen for projects' 投资序时 (lights.yaml investment.rule_set)."""
    return rule_set((config or light_config()).investment_rule_set)


def project_lights(period: Any = None, *, unit_codes: list[str] | None = None,
                   project_ids: list[int] | None = None, rules: RuleSet | None = None) -> pd.DataFrame:
    """Every project's red and yellow lights at the end of `period` (a month; see LIGHTS_COLUMNS), red
    first. `unit_codes` keeps the projects of those counties or parks; `rules` overrides the rule file."""
    p = as_period(period)
    facts = _facts(p, project_ids, unit_codes)
    if facts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LIGHTS_COLUMNS})
    config = light_config()
    lit = calc.project_lights_frame(facts, p.year, p.n, config, rules or investment_rules(config))
    info = facts[["project_id", "code", "name", "county_code", "county_name", "leader_name",
                  "responsible_unit_name", "is_synthetic"]]
    out = lit.merge(info, on="project_id", how="left")
    out["responsible_unit_name"] = out["responsible_unit_name"].astype(object).fillna("")
    return out[LIGHTS_COLUMNS].reset_index(drop=True)


def red_projects(period: Any = None, *, unit_codes: list[str] | None = None) -> list[dict[str, Any]]:
    """The projects with at least one red light: code, name, county, leader, responsible unit, the red
    kinds and their reasons (「；」-joined), in the order of `project_lights`."""
    frame = project_lights(period, unit_codes=unit_codes)
    red = frame[frame["light"] == "red"]
    out: list[dict[str, Any]] = []
    for pid, grp in red.groupby("project_id", sort=False):
        first = grp.iloc[0]
        out.append({"project_id": int(pid), "code": first["code"], "name": first["name"],
                    "county_code": first["county_code"], "county_name": first["county_name"],
                    "leader_name": first["leader_name"], "responsible_unit_name": first["responsible_unit_name"],
                    "kinds": list(grp["kind_label"]), "reasons": "；".join(grp["reason"]),
                    "is_synthetic": bool(first["is_synthetic"])})
    return out


def lights_block(project: Project, period: Any = None) -> dict[str, Any]:
    """The project page's lights: its red and yellow lights at the end of `period` (default: the latest
    month with progress), for templates/projects/_detail_lights.html."""
    p = as_period(period)
    frame = project_lights(p, project_ids=[project.pk])
    items = frame[["kind", "kind_label", "light", "light_label", "reason"]].to_dict("records")
    return {"period": p, "period_label": p.label, "items": items, "stopped": any(i["kind"] == "stopped" for i in items),
            "source": SOURCE, "config_name": light_config().name}


# --- the targets' warning list (registered in ProjectsConfig.ready) ----------------------------------------

def warning_rows(period: Period, unit_codes: list[str] | None) -> pd.DataFrame:
    """The project lights as rows of the targets' warning list (its columns; one row per project and kind,
    keyed `project:<id>:<kind>` so the month-on-month change compares the same light)."""
    if period.kind != PeriodKind.MONTH_CUM:
        return pd.DataFrame()
    frame = project_lights(period, unit_codes=unit_codes)
    if frame.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "target_id": "project:" + frame["project_id"].astype(str) + ":" + frame["kind"],
        "indicator_code": "project_" + frame["kind"],
        "indicator_name": "重大项目「" + frame["name"] + "」" + frame["kind_label"],
        "measure_unit": "", "unit_code": frame["county_code"], "unit_name": frame["county_name"],
        "year": period.year, "target_kind": "project", "target_kind_label": "重大项目", "target_type": "project",
        "target_value": np.nan, "actual": np.nan, "actual_indicator_code": "", "period_label": period.label,
        "schedule_basis": "", "schedule_basis_label": "", "schedule_pct": frame["schedule_pct"].astype(float),
        "completion_pct": frame["completion_pct"].astype(float), "gap_pts": frame["gap_pts"].astype(float),
        "gap_unit": "个百分点", "vs_target_text": "", "vs_target_gap_text": "",
        "light": frame["light"], "light_label": frame["light_label"], "light_reason": frame["reason"],
        "forecast": np.nan, "forecast_lower": np.nan, "forecast_upper": np.nan, "forecast_method": "",
        "forecast_method_label": "", "prob_meet": np.nan,
        "responsible_unit_code": "",
        "responsible_unit_name": frame["responsible_unit_name"].where(frame["responsible_unit_name"] != "",
                                                                      frame["county_name"]),
        "source": SOURCE, "is_synthetic": frame["is_synthetic"].astype(bool), "rule_set": light_config().code,
    })
