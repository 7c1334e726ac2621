"""`newind bench projects` at a tiny scale (counts, not timings): 20 projects × 6 months of progress."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from newind.bench.projects import CODE_PREFIX, bench_spec, delete_bench_projects, generate_projects, measure
from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan

pytestmark = pytest.mark.django_db


def test_the_command_writes_measures_and_cleans_up(reference_data):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("bench", "projects", "--projects", "20", "--months", "6", "--runs", "2", "--period", "2017-12",
                 stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["bench"] == "projects" and figures["period"] == "2017-12"
    # 20 projects, each building all through 2017-07 … 2017-12: 6 monthly reports each
    assert figures["projects"] == 20 and figures["progress_rows"] == 20 * 6
    assert figures["stage_rows"] == 20 * 10  # every stage planned (谋划储备 … 达产)
    assert figures["plan_rows"] == 20  # one plan each, for 2017
    assert len(figures["portfolio_s"]) == 2 and len(figures["league_s"]) == 2 and len(figures["lights_s"]) == 2
    assert figures["portfolio_median_s"] <= figures["portfolio_max_s"]
    assert figures["league_ranked"] >= 3  # counties with projects are ranked
    assert "已删除基准测试项目数据" in out.getvalue()
    assert not Project.objects.filter(code__startswith=CODE_PREFIX).exists()
    assert not ProjectProgress.objects.exists()


def test_generate_and_measure_keep_the_rows_until_deleted(reference_data):  # type: ignore[no-untyped-def]
    written = generate_projects(12, 14)
    # 14 calendar months 2016-11 … 2017-12 hold 13 reports (1—2月 2017 covers January)
    assert written["written"]["projects"] == 12 and ProjectProgress.objects.count() == 12 * 13
    assert set(ProjectYearPlan.objects.values_list("year", flat=True)) == {2016, 2017}
    assert ProjectStage.objects.count() == 12 * 10
    assert generate_projects(12, 14)["written"] == {}  # a second call writes nothing
    figures = measure(runs=1, period="2017-06")
    assert figures["projects"] == 12 and figures["progress_rows"] == 156 and figures["portfolio_units"] > 0
    spec = bench_spec(12, 14)
    assert spec.first_report_year == 2016 and spec.pipeline_share == 0.0
    assert delete_bench_projects() > 12 and not Project.objects.exists()
