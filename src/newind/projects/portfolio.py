"""The portfolio figures (组合指标) of every county and park for a period: the one read behind
`newind projects portfolio`, the page /projects/portfolio/, the API /api/projects/portfolio, the spine
publication (projects.spine) and the 赛马 league (projects.league).

Four set-wise reads (projects with a 500强 flag computed in SQL; the stage dates pivoted by conditional
aggregation, one row per project; each project's latest current progress row of the year by a grouped
join; the year's plans), then pure pandas in `projects.calc` (the definitions are in its section
"portfolio and league" and in docs/projects.md "组合指标与赛马"). No Python loop per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.conf import settings
from django.db import connection

from newind.core.errors import AppError
from newind.indicators.periods import Period, PeriodKind, parse_period
from newind.projects import calc
from newind.projects.choices import STAGE_ORDER, Stage
from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan
from newind.scoring.calc import round_half_up
from newind.units.models import Unit, UnitKind

COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.ZONE)
SOURCE = "重大项目库（项目阶段、月度进度、年度投资计划），市新型工业化办公室"


def quotas_path() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "projects" / "quotas.yaml"


@lru_cache(maxsize=4)
def _quota_file(path: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise AppError(f"重大项目引进指标文件 {Path(path).name} 无法读取：{exc}") from exc
    problems = []
    for i, year in enumerate(data):
        for j, rule in enumerate(year.get("rules", [])):
            missing = [k for k in ("label", "min_count", "min_investment", "units") if k not in rule]
            if missing:
                problems.append(f"第{i + 1}年第{j + 1}条缺少 {'、'.join(missing)}")
    if problems:
        raise AppError(f"重大项目引进指标文件 {Path(path).name} 有误：{'；'.join(problems)}。")
    return list(data)


def quota_rules(year: int, path: Path | None = None) -> list[dict[str, Any]]:
    """The year's quota rules from definitions/projects/quotas.yaml (empty when the year has none)."""
    for entry in _quota_file(str(path or quotas_path())):
        if int(entry["year"]) == year:
            return list(entry.get("rules", []))
    return []


def as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def previous_period(period: Period) -> Period:
    """The period before: the previous month (1—2月 → the previous year's 1—12月), quarter or year."""
    if period.kind == PeriodKind.MONTH_CUM:
        return Period.month(period.year, period.n - 1) if period.n > 2 else Period.month(period.year - 1, 12)
    if period.kind == PeriodKind.QUARTER_CUM:
        return Period.quarter(period.year, period.n - 1) if period.n > 1 else Period.quarter(period.year - 1, 4)
    return Period.annual(period.year - 1)


# --- the reads -------------------------------------------------------------------------------------------

def _fetch(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Plain rows of one query through the driver: numbers cast to double precision and dates to ISO text in
    numbers, so no per-value converter runs in Python (Django's per-row converters were most of the time of
    these reads at 5,000 projects; `newind bench projects`)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _float(column: str) -> str:
    # DOUBLE PRECISION is float8 on PostgreSQL and REAL affinity on SQLite ("DOUB").
    return f"CAST({column} AS DOUBLE PRECISION)"


def _date_sql(column: str) -> str:
    """A date column as the driver returns it fastest, NULL staying NULL: days since 1970-01-01 on
    PostgreSQL (an integer), the stored ISO text on SQLite (an expression has no declared type, so no
    converter runs; MIN of ISO text is the earliest date). The one database-specific part of these reads."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return column


def read_projects() -> pd.DataFrame:
    # A 500强 investor: the JSON list's text holds one of the flags, quoted (as the ORM's Cast + contains).
    top500 = " OR ".join(["CAST(investor_flags AS TEXT) LIKE %s"] * len(calc.TOP500_FLAGS))
    rows = _fetch(f"SELECT id, county_id, park_id, {_float('total_investment')}, {_float('contract_amount')}, "
                  f"is_industrial, is_falsified, CASE WHEN {top500} THEN 1 ELSE 0 END, is_synthetic, "
                  f"{_date_sql('falsified_on')} "
                  f"FROM {_table(Project)}", [f'%"{flag}"%' for flag in calc.TOP500_FLAGS])
    cols = ["id", "county_id", "park_id", "total_investment", "contract_amount", "is_industrial", "is_falsified",
            "is_top500", "is_synthetic", "falsified_on"]
    frame = pd.DataFrame.from_records(rows, columns=cols)
    frame["falsified_on"] = _dates(frame["falsified_on"])
    for c in ("total_investment", "contract_amount"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    for c in ("is_industrial", "is_falsified", "is_top500", "is_synthetic"):
        frame[c] = frame[c].astype(bool)
    return frame


def _dates(values: pd.Series) -> pd.Series:
    """Day numbers or ISO texts (see _date_sql) → datetime64, NaT for NULL."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return pd.to_datetime(values, unit="D")
    return pd.to_datetime(values, format="%Y-%m-%d")


def read_stages() -> pd.DataFrame:
    """One row per project with a stage row: actual_<stage> per stage, planned_started, planned_producing
    (conditional aggregation in SQL, one row per project; dates as _date_sql gives them)."""
    columns = {f"actual_{s}": ("actual_on", s) for s in STAGE_ORDER}
    columns["planned_started"] = ("planned_on", str(Stage.STARTED))
    columns["planned_producing"] = ("planned_on", str(Stage.PRODUCING))
    # The stage codes are the app's own constants (choices.Stage), not input: written into the SQL as literals.
    select = ", ".join(f"MIN(CASE WHEN stage = '{stage}' THEN {_date_sql(field)} END)"
                       for field, stage in columns.values())
    rows = _fetch(f"SELECT project_id, {select} FROM {_table(ProjectStage)} GROUP BY project_id")
    frame = pd.DataFrame.from_records(rows, columns=["project_id", *columns])
    for c in columns:
        frame[c] = _dates(frame[c])
    return frame


def read_latest_progress(year: int, last_month: int) -> pd.DataFrame:
    """Each project's current progress row of the latest month ≤ last_month of the year (one grouped join)."""
    table = _table(ProjectProgress)
    sql = (f"SELECT p.project_id, {_float('p.ytd_investment')}, {_float('p.funds_in_place')} FROM {table} p JOIN "
           f"(SELECT project_id, MAX(month) AS m FROM {table} WHERE year = %s AND month <= %s AND is_current "
           f"GROUP BY project_id) l ON p.project_id = l.project_id AND p.month = l.m "
           f"WHERE p.year = %s AND p.is_current")
    frame = pd.DataFrame.from_records(_fetch(sql, [year, last_month, year]),
                                      columns=["project_id", "ytd_investment", "funds_in_place"])
    for c in ("ytd_investment", "funds_in_place"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def read_plans(year: int) -> pd.DataFrame:
    rows = _fetch(f"SELECT project_id, {_float('planned_investment')} FROM {_table(ProjectYearPlan)} "
                  f"WHERE year = %s", [year])
    frame = pd.DataFrame.from_records(rows, columns=["project_id", "planned_investment"])
    frame["planned_investment"] = pd.to_numeric(frame["planned_investment"], errors="coerce").astype(float)
    return frame


@dataclass
class Registry:
    """What does not depend on the period (the projects and their stage dates): read once when several
    periods are computed together (the league's period and the one before)."""

    projects: pd.DataFrame
    stages: pd.DataFrame


def read_registry() -> Registry:
    return Registry(read_projects(), read_stages())


def read_units(projects: pd.DataFrame) -> pd.DataFrame:
    """The counties (县市区 and 功能区) and parks that have projects, counties first, in the registry's order."""
    ids = set(projects["county_id"].dropna().astype(int)) | set(projects["park_id"].dropna().astype(int))
    rows = Unit.objects.filter(id__in=ids).values_list("id", "code", "name", "kind", "sort_order")
    units = pd.DataFrame.from_records(list(rows), columns=["id", "code", "name", "kind", "sort_order"])
    units["is_county"] = units["kind"].isin(COUNTY_KINDS)
    units["group"] = np.where(units["is_county"], "county", "park")
    return units.sort_values(["is_county", "sort_order", "code"], ascending=[False, True, True]).set_index("id")


# --- the computation -------------------------------------------------------------------------------------

@dataclass
class Portfolio:
    """The period's figures: `figures` has one row per unit (index = unit id) with the unit columns, the sums
    of calc.SUM_COLUMNS, the rates and the quota columns; `per_project` the per-project columns."""

    period: Period
    window: calc.Window
    figures: pd.DataFrame
    per_project: pd.DataFrame
    synthetic: bool

    def counties(self) -> pd.DataFrame:
        return self.figures[self.figures["group"] == "county"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.key, "period_label": self.period.label,
            "source": SOURCE, "synthetic": self.synthetic,
            "bands": [{"code": b[0], "label": b[1], "min_wan": b[2], "max_wan": None if b[3] == float("inf") else b[3]}
                      for b in calc.BANDS],
            "units": unit_rows(self.figures),
        }


def compute(period: Period | str, registry: Registry | None = None) -> Portfolio:
    period = as_period(period)
    window = calc.window_of(period.year, period.kind.value, period.n)
    registry = registry or read_registry()
    projects, stages = registry.projects, registry.stages
    if stages.empty:
        stages = pd.DataFrame(columns=["project_id", "planned_started", "planned_producing"])
    per_project = calc.project_figures(projects, stages, read_latest_progress(period.year, window.last_month),
                                       read_plans(period.year), window)
    units = read_units(projects)
    county_ids = units.index[units["is_county"]].tolist()
    park_ids = units.index[~units["is_county"]].tolist()
    figures = pd.concat([calc.unit_figures(per_project, "county_id", county_ids),
                         calc.unit_figures(per_project, "park_id", park_ids)])
    quota = calc.quota_status(per_project, quota_rules(period.year), units["code"], window)
    figures = units.join(figures).join(quota)
    return Portfolio(period=period, window=window, figures=figures, per_project=per_project,
                     synthetic=bool(projects["is_synthetic"].any()) if not projects.empty else False)


def _num(v: Any, decimals: int = 2) -> float | None:
    return None if v is None or pd.isna(v) else float(round_half_up(float(v), decimals))


def unit_rows(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """The JSON rows of the units (one dict per unit; the frame has at most a few dozen units)."""
    rounded = {c: [_num(v) for v in figures[c]] for c in calc.RATE_FIGURES}
    amount = [_num(v) for v in figures["signed_amount"]]
    records = figures.reset_index().to_dict("records")
    out = []
    for i, r in enumerate(records):
        quota = None
        if r["quota_label"] is not None and not pd.isna(r["quota_required"]):
            quota = {"label": r["quota_label"], "required": int(r["quota_required"]),
                     "min_investment_wan": float(r["quota_min_investment"]),
                     "brought_in": int(r["quota_brought_in"])}
        out.append({
            "code": r["code"], "name": r["name"], "kind": r["group"],
            "project_count": int(r["project_count"]),
            "signed_count": int(r["signed_count"]), "signed_amount": amount[i],
            **{c: rounded[c][i] for c in calc.RATE_FIGURES},
            "bands": {b[0]: int(r[f"band_{b[0]}"]) for b in calc.BANDS},
            "overdue_starts": int(r["overdue_starts"]), "falsified": int(r["falsified"]),
            "top500_investors": int(r["top500_investors"]),
            "quota": quota, "quota_met": None if r["quota_met"] is None else bool(r["quota_met"]),
            "veto": bool(r["veto"]),
        })
    return out


def portfolio(period: Period | str) -> dict[str, Any]:
    """The portfolio JSON of `newind projects portfolio --format json` (the report and the dashboard call
    this): {"period", "units": [{"code", "name", "signed_count", "signed_amount", "started_rate_pct",
    "investment_completion_pct", "completed_production_rate_pct", "bands", "quota_met", "veto", …}], …}."""
    return compute(period).as_dict()


def latest_period() -> Period | None:
    """The latest month with current progress (the pages' default period), or None when there is none."""
    row = (ProjectProgress.objects.filter(is_current=True).order_by("-year", "-month")
           .values_list("year", "month").first())
    return Period.month(int(row[0]), int(row[1])) if row else None


def period_or_latest(text: str | None) -> Period:
    """The period asked for (a page's or the API's `period`), else the latest month with progress."""
    if text:
        return parse_period(text)
    latest = latest_period()
    if latest is None:
        raise AppError("还没有已发布的项目月度进度，请在地址中指定期别，例如 ?period=2017-06。", status=404,
                       code="not_found")
    return latest
