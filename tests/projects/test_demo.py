"""The demo's major projects (projects.demo, projects.synthetic): about 300 synthetic projects with stages,
plans and monthly progress that obey the progress checks, a few stalled / late / stopped / falsified ones,
problems on the case engine, the 2017 产业招商月, and the figures the portfolio and the league compute from
them. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from newind.projects import synthetic
from newind.projects.demo import CAMPAIGN_CODE, CODE_PREFIX, N_PROJECTS, UNMET_QUOTA_PARK, load_demo

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    from newind.cases.models import Case
    from newind.indicators.models import Observation
    from newind.projects.models import (
        Campaign,
        CampaignTarget,
        Project,
        ProjectChange,
        ProjectProblem,
        ProjectProgress,
        ProjectStage,
        ProjectStoppage,
        ProjectYearPlan,
    )

    return {m.__name__: m.objects.count() for m in (
        Project, ProjectStage, ProjectStoppage, ProjectYearPlan, ProjectProgress, ProjectChange, ProjectProblem,
        Campaign, CampaignTarget, Case, Observation)}


@pytest.fixture
def demo(reference_data):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    load_demo(out)
    return out.getvalue()


def _progress() -> pd.DataFrame:
    from newind.projects.models import ProjectProgress

    rows = ProjectProgress.objects.values("project_id", "year", "month", "month_investment", "ytd_investment",
                                          "since_start_investment", "project__total_investment", "is_current",
                                          "published_at", "is_synthetic")
    frame = pd.DataFrame.from_records(list(rows))
    for c in ("month_investment", "ytd_investment", "since_start_investment", "project__total_investment"):
        frame[c] = frame[c].astype(float)
    return frame.sort_values(["project_id", "year", "month"]).reset_index(drop=True)


def test_loading_twice_changes_nothing(demo):  # type: ignore[no-untyped-def]
    before = _counts()
    out = io.StringIO()
    load_demo(out)
    assert _counts() == before
    assert "已存在 300 个，跳过" in out.getvalue() and "写入数据底座 0 个" in out.getvalue()
    assert before["Project"] == N_PROJECTS and before["ProjectProblem"] == 8
    assert before["Campaign"] == 1 and before["CampaignTarget"] == 13  # 9 counties and 4 zones
    assert before["Observation"] > 0  # the 2017 portfolio figures in the spine


def test_every_row_is_synthetic_and_the_registry_has_its_cases(demo):  # type: ignore[no-untyped-def]
    from newind.projects.models import Project, ProjectStoppage

    projects = pd.DataFrame.from_records(list(Project.objects.values(
        "code", "is_synthetic", "is_falsified", "falsified_reason", "investor_flags", "park__kind", "county__kind",
        "stage", "is_stopped")))
    assert len(projects) == 300 and projects["is_synthetic"].all()
    assert projects["code"].str.startswith(CODE_PREFIX).all()
    assert set(projects["county__kind"]) == {"county", "zone"}
    assert set(projects["park__kind"].dropna()) == {"park"} and projects["park__kind"].notna().mean() > 0.5
    falsified = projects[projects["is_falsified"]]
    assert len(falsified) >= 3 and (falsified["falsified_reason"].str.len() > 0).all()
    assert (projects.loc[~projects["is_falsified"], "falsified_reason"] == "").all()
    top500 = projects["investor_flags"].map(lambda f: bool({"fortune500", "china500", "private500"} & set(f)))
    assert top500.sum() >= 10
    assert {"planning", "negotiating", "land", "started", "in_stats", "producing"} <= set(projects["stage"])
    stops = list(ProjectStoppage.objects.values("reason", "resumed_on", "project__is_stopped"))
    assert stops and all(s["reason"] for s in stops)
    # a project is 停工 exactly when its stoppage has no resumption
    assert all(s["project__is_stopped"] == (s["resumed_on"] is None) for s in stops)
    assert projects["is_stopped"].sum() == sum(s["resumed_on"] is None for s in stops)


def test_the_progress_obeys_the_reporting_rules(demo):  # type: ignore[no-untyped-def]
    g = _progress()
    assert len(g) > 2000 and g["is_synthetic"].all() and g["is_current"].all() and g["published_at"].notna().all()
    assert set(g["year"]) == {2016, 2017} and g["month"].between(2, 12).all()  # no 1月 report
    # the cumulative figures never fall: within a year (ytd) and over the whole project (since start)
    assert (g.groupby(["project_id", "year"])["ytd_investment"].diff().dropna() >= 0).all()
    assert (g.groupby("project_id")["since_start_investment"].diff().dropna() >= 0).all()
    assert (g["since_start_investment"] <= g["project__total_investment"]).all()
    assert (g["ytd_investment"] <= g["since_start_investment"] + 0.005).all()
    # 1—2月 is the year's first report: its month figure is the year to date
    feb = g[g["month"] == 2]
    assert np.allclose(feb["month_investment"], feb["ytd_investment"])
    # a later month's own figure is the difference of two consecutive reports' year to date
    prev = g.groupby(["project_id", "year"])[["month", "ytd_investment"]].shift()
    consecutive = prev["month"].notna() & (g["month"] == prev["month"] + 1)
    assert consecutive.sum() > 1000
    assert np.allclose(g.loc[consecutive, "month_investment"],
                       g.loc[consecutive, "ytd_investment"] - prev.loc[consecutive, "ytd_investment"], atol=0.011)


def test_stalled_and_late_projects_light_up(demo):  # type: ignore[no-untyped-def]
    from newind.projects.lights import project_lights

    lights = project_lights("2017-12")
    kinds = lights.groupby("kind")["project_id"].nunique()
    assert kinds.get("stalled", 0) >= 3  # started, not completed, no report for 2+ months
    assert kinds.get("start", 0) >= 3  # the planned start passed without a start
    assert kinds.get("stopped", 0) >= 1
    g = _progress()
    last = (g["year"] * 12 + g["month"]).groupby(g["project_id"]).max()
    stalled = lights.loc[lights["kind"] == "stalled", "project_id"].unique()
    assert (last.reindex(stalled).fillna(0) <= 2017 * 12 + 10).all()  # last report 2017年1—10月 or earlier


def test_problems_are_cases_handed_to_departments(demo):  # type: ignore[no-untyped-def]
    from newind.projects.models import ProjectProblem

    links = list(ProjectProblem.objects.select_related("case", "case__lead_unit", "project"))
    assert len(links) == 8
    for link in links:
        assert link.case.kind == "project_problem" and link.case.is_synthetic
        assert link.case.lead_unit is not None and link.case.lead_unit.kind == "department"
        assert link.project.name in link.case.title
    assert {link.case.state for link in links} == {"assigned", "in_progress"}


def test_the_campaign_and_its_county_targets(demo):  # type: ignore[no-untyped-def]
    from newind.projects.models import Campaign

    c = Campaign.objects.get(code=CAMPAIGN_CODE)
    assert (c.starts_on, c.ends_on, c.is_synthetic) == (dt.date(2017, 6, 15), dt.date(2017, 7, 15), True)
    targets = list(c.targets.values("unit__kind", "new_starts", "signed_amount"))
    assert {t["unit__kind"] for t in targets} == {"county", "zone"}
    # 40 new starts and 80亿 (800,000万元) shared out, each share rounded
    assert abs(sum(t["new_starts"] for t in targets) - 40) <= len(targets) / 2
    assert abs(float(sum(t["signed_amount"] for t in targets)) - 800_000) <= 100 * len(targets)


def test_the_portfolio_league_and_quotas_have_figures(demo):  # type: ignore[no-untyped-def]
    from newind.projects.league import league_table
    from newind.projects.portfolio import portfolio

    june = portfolio("2017-06")
    assert june["synthetic"] is True
    units = {u["code"]: u for u in june["units"]}
    assert len(units) == 13 + 11  # the counties and zones, then the parks
    with_figures = [u for u in units.values() if u["investment_completion_pct"] is not None]
    assert len(with_figures) >= 15
    assert sum(u["signed_count"] for u in units.values() if u["kind"] == "county") > 20
    league = league_table("2017-06")
    ranks = sorted(u["rank"] for u in league["units"] if u["rank"] is not None)
    assert len(ranks) == 13 and ranks[0] == 1 and ranks[-1] <= 13
    assert league["previous_period"] == "2017-05" and league["narrative"]
    december = {u["code"]: u for u in portfolio("2017-12")["units"]}
    quota_parks = [c for c, u in december.items() if u["quota"] is not None]
    assert len(quota_parks) == 9
    assert december[UNMET_QUOTA_PARK]["quota_met"] is False and december[UNMET_QUOTA_PARK]["veto"] is True
    assert all(december[c]["quota_met"] is True and not december[c]["veto"] for c in quota_parks
               if c != UNMET_QUOTA_PARK)


def _spec(**kw):  # type: ignore[no-untyped-def]
    base = {"n_projects": 60, "counties": [1, 2, 3], "parks": [(10, 1), (11, 2)], "sign_from": dt.date(2016, 1, 1),
            "sign_to": dt.date(2017, 6, 30), "horizon_year": 2017, "first_report_year": 2016, "seed": 7}
    return synthetic.Spec(**{**base, **kw})


def test_the_generator_is_deterministic_and_forces_the_quota_projects():
    a, b = synthetic.generate(_spec(quota_hits={11: 100_000.0})), synthetic.generate(_spec(quota_hits={11: 100_000.0}))
    pd.testing.assert_frame_equal(a.progress, b.progress)
    pd.testing.assert_frame_equal(a.projects, b.projects)
    other = synthetic.generate(_spec(seed=8))
    assert not a.progress.equals(other.progress)
    p = a.projects
    hit = p[(p["park_id"] == 11) & (p["total_investment"] >= 100_000) & p["is_industrial"]]
    signed = a.stages[(a.stages["stage"] == "signed") & a.stages["i"].isin(hit["i"])]
    assert (signed["actual_on"].dt.year == 2017).any()
    # a park's project is counted in the park's host county
    assert (p.loc[p["park_id"] == 10, "county_id"] == 1).all() and (p.loc[p["park_id"] == 11, "county_id"] == 2).all()


def test_the_generator_scales_to_the_benchmark_shape():
    data = synthetic.generate(_spec(n_projects=200, sign_from=dt.date(2011, 1, 1), sign_to=dt.date(2012, 6, 30),
                                    first_report_year=2013, duration=(84, 96), pipeline_share=0.0, late_share=0.0,
                                    stalled_share=0.0, stopped_share=0.0))
    # 5 years × 11 reports (1—2月 … 1—12月) for every project that builds through 2013–2017
    per_project = data.progress.groupby("i").size()
    assert len(per_project) == 200 and per_project.max() == 55 and per_project.median() == 55
    assert set(data.plans["year"]) == {2013, 2014, 2015, 2016, 2017}
