"""The major projects' scale benchmark (issue 12 §9): N synthetic projects (default 5,000) with M months of
monthly progress (default 60: 2013-01 … 2017-12, i.e. 55 reports a project, 1—2月 combined), then the
portfolio figures (`portfolio.portfolio`) and the county league table (`league.league_table`) of one month,
timed as the pages and the API compute them (`newind bench projects`). The project lights of the month are
timed too (not a goal of the issue).

The projects come from projects.synthetic (the demo's generator, labelled 示例数据, code prefix BENCH-XM-) and
are written set-wise by projects.demo.save (bulk_create for the registry, COPY / executemany for the stages,
plans and progress); `delete_bench_projects` removes them.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

from newind.bench.cases import CPU, _timed, loadavg

GOAL_S = 1.0
CODE_PREFIX = "BENCH-XM-"
HORIZON_YEAR = 2017
PERIOD = "2017-06"


def bench_spec(n: int, months: int, *, seed: int = 2017) -> Any:
    """The generator's spec: every project signed before the window and building all through it."""
    from newind.projects.demo import places
    from newind.projects.synthetic import Spec

    counties, parks, _ = places()
    first_m = HORIZON_YEAR * 12 + 11 - months + 1  # the window's first calendar month
    first = dt.date(first_m // 12, first_m % 12 + 1, 1)
    return Spec(n_projects=n, counties=counties, parks=parks, sign_from=_months_before(first, 18),
                sign_to=_months_before(first, 8), horizon_year=HORIZON_YEAR, first_report_year=first.year, seed=seed,
                code_prefix=CODE_PREFIX, pipeline_share=0.0, late_share=0.0, stalled_share=0.02, stopped_share=0.01,
                falsified_share=0.01, duration=(months + 24, months + 36))


def _months_before(day: dt.date, k: int) -> dt.date:
    m = day.year * 12 + day.month - 1 - k
    return dt.date(m // 12, m % 12 + 1, 1)


def generate_projects(n: int, months: int, *, seed: int = 2017) -> dict[str, Any]:
    """Write n projects with `months` months of progress ending 2017-12, unless BENCH projects exist."""
    from django.db import transaction
    from django.utils import timezone

    from newind.projects.demo import save
    from newind.projects.models import Project
    from newind.projects.synthetic import generate

    if Project.objects.filter(code__startswith=CODE_PREFIX).exists():
        return {"written": {}, "generate_s": 0.0, "write_s": 0.0}
    t0 = time.perf_counter()
    data = generate(bench_spec(n, months, seed=seed))
    first_m = HORIZON_YEAR * 12 + 11 - months + 1
    g = data.progress
    data.progress = g[g["year"] * 12 + g["month"] - 1 >= first_m].reset_index(drop=True)
    generate_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with transaction.atomic():
        written = save(data, source="基准测试重大项目", published_at=timezone.make_aware(dt.datetime(2018, 1, 8, 10)))
    return {"written": written, "generate_s": round(generate_s, 2), "write_s": round(time.perf_counter() - t1, 1)}


def measure(*, runs: int = 3, period: str = PERIOD) -> dict[str, Any]:
    """Time the month's portfolio, league table and lights (`runs` each) after refreshing the statistics."""
    from django.db import connection

    from newind.core.bulk import refresh_planner_statistics
    from newind.projects.league import league_table
    from newind.projects.lights import project_lights
    from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan
    from newind.projects.portfolio import portfolio

    for model in (Project, ProjectStage, ProjectYearPlan, ProjectProgress):
        refresh_planner_statistics(model)
    figures: dict[str, Any] = {
        "bench": "projects", "database": connection.vendor, "period": period,
        "projects": Project.objects.count(), "progress_rows": ProjectProgress.objects.count(),
        "stage_rows": ProjectStage.objects.count(), "plan_rows": ProjectYearPlan.objects.count(),
        "loadavg_before": loadavg()}
    # The first call of a process also imports modules and parses the scheme and rule files (cached after):
    # timed apart, so the runs below are what a page served by a running process costs.
    t = time.perf_counter()
    league_table(period)
    figures["first_league_s"] = round(time.perf_counter() - t, 3)
    figures["portfolio_s"], data = _timed(lambda: portfolio(period), runs, "portfolio_s")
    figures["portfolio_units"] = len(data["units"])
    figures["league_s"], league = _timed(lambda: league_table(period), runs, "league_s")
    figures["league_ranked"] = sum(1 for u in league["units"] if u["rank"] is not None)
    figures["lights_s"], lights = _timed(lambda: project_lights(period), runs, "lights_s")
    figures["lit_rows"] = len(lights)
    for key in ("portfolio_s", "league_s", "lights_s"):
        figures[key.replace("_s", "_median_s")] = round(statistics.median(figures[key]), 3)
        figures[key.replace("_s", "_max_s")] = max(figures[key])
    figures["cpu_s"] = {k: CPU[k] for k in ("portfolio_s", "league_s", "lights_s")}
    figures["loadavg_after"] = loadavg()
    figures["goal_s"] = GOAL_S
    figures["goal_met"] = figures["portfolio_max_s"] <= GOAL_S and figures["league_max_s"] <= GOAL_S
    return figures


def delete_bench_projects() -> int:
    from newind.projects.models import Project, ProjectChange, ProjectImportBatch, ProjectProgress

    mine = Project.objects.filter(code__startswith=CODE_PREFIX)
    ProjectProgress.objects.filter(project__in=mine).delete()
    ProjectChange.objects.filter(project__in=mine).delete()
    deleted, _ = mine.delete()
    ProjectImportBatch.objects.filter(file_name__startswith="基准测试重大项目").delete()
    return deleted


def summary_line(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False)
