"""Synthetic major projects for the demo (示例数据), loaded by `newind demo` after the reference units.

What it makes (projects.synthetic, numpy Generator with a fixed seed: the same projects on every machine):
- about 300 projects signed from September 2015 to November 2017 in Yueyang's counties, zones and parks
  (70% in a park, counted in the park's host county too), some still 谋划储备 or 在谈; each with its stage
  dates (planned and actual), its year plans for 2016 and 2017 and its published monthly progress
  (1–2月 … 1–12月) up to 2017-12; a few stalled (no report for 2+ months), late to start, stopped with a
  reason, or flagged 弄虚作假 with a reason; investor flags (some 500强);
- one industrial project of the quota's size in each park with a 2017 quota (definitions/projects/
  quotas.yaml) except 平江工业园, so the quota check shows one 一票否决 at 2017-12;
- a handful of problems handed to departments: `project_problem` cases filed and assigned through the
  case engine (cases.services) and linked to their projects (ProjectProblem);
- the campaign 2017 产业招商月 (2017-06-15 → 07-15) with a synthetic target per county;
- the portfolio figures of every month of 2017 published into the spine (projects.spine).

Idempotent: the projects are loaded once (recognised by their code prefix); the campaign by its code; the
spine publication writes nothing when the figures are the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from decimal import Decimal
from typing import Any, TextIO

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from newind.projects.synthetic import MARK, Spec, Synthetic, generate

SEED = 20170615  # the first day of the 2017 产业招商月
N_PROJECTS = 300
CODE_PREFIX = "DEMO-XM-"
YEAR = 2017
UNMET_QUOTA_PARK = "P430608"  # 平江工业园: its quota left unmet, so the year end shows a 一票否决
CAMPAIGN_CODE = "zhaoshang-2017"
PROBLEMS: list[tuple[str, str]] = [
    ("项目用地报批进度慢，影响按期开工", "land"), ("施工用电增容未完成", "utilities"),
    ("环评批复尚未取得", "environment"), ("项目贷款审批时间长", "financing"),
    ("施工许可办理材料反复补正", "approval"), ("技术工人招聘困难", "labour"),
    ("进场道路未建成，设备运输受阻", "logistics"), ("招商引资奖励政策未兑现", "policy"),
]
PROBLEM_DEPARTMENTS = {"land": "D430600-ZRZY", "utilities": "D430600-GDGS", "environment": "D430600-STHJ",
                       "financing": "D430600-JRB", "approval": "D430600-XZSP", "labour": "D430600-RSJ",
                       "logistics": "D430600-JTYS", "policy": "D430600-FGW"}
FALLBACK_DEPARTMENT = "D430600-GXJ"  # in the reference data: the case demo's departments may be absent


def places() -> tuple[list[int], list[tuple[int, int]], dict[str, int]]:
    """The counties and zones (ids), the parks with their host county (admin hierarchy), and code → id."""
    from newind.units.models import Unit, UnitKind, UnitLink
    from newind.units.services import ADMIN_HIERARCHY

    counties = list(Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.ZONE], code__regex=r"^(4306|Z4306)")
                    .order_by("sort_order", "code").values_list("id", flat=True))
    county_set = set(counties)
    hosts = dict(UnitLink.objects.filter(hierarchy__code=ADMIN_HIERARCHY, child__kind=UnitKind.PARK)
                 .values_list("child_id", "parent_id"))
    parks = [(pk, hosts[pk]) for pk in Unit.objects.filter(kind=UnitKind.PARK).order_by("sort_order", "code")
             .values_list("id", flat=True) if hosts.get(pk) in county_set]
    codes = dict(Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK])
                 .values_list("code", "id"))
    return counties, parks, codes


def demo_spec(n: int = N_PROJECTS, seed: int = SEED) -> Spec:
    from newind.projects.portfolio import quota_rules

    counties, parks, codes = places()
    hits = {codes[code]: float(rule["min_investment"]) for rule in quota_rules(YEAR) for code in rule["units"]
            if code in codes and code != UNMET_QUOTA_PARK}
    return Spec(n_projects=n, counties=counties, parks=parks, sign_from=dt.date(2015, 9, 1),
                sign_to=dt.date(2017, 11, 30), horizon_year=YEAR, first_report_year=2016, seed=seed,
                code_prefix=CODE_PREFIX, quota_hits=hits)


def _dates(series: pd.Series) -> pd.Series:
    """datetime64 → datetime.date objects, None for NaT (as the database adapters take them)."""
    return pd.Series(series.dt.date.astype(object), index=series.index).where(series.notna(), None)


def _amount(v: Any) -> Decimal | None:
    return None if v is None or pd.isna(v) else Decimal(f"{float(v):.2f}")


def save(data: Synthetic, *, source: str, published_at: dt.datetime) -> dict[str, int]:
    """Write the frames: projects with bulk_create (their ids are needed), one 建档 change per project,
    then the stages, stoppages, plans and progress set-wise (core.bulk.bulk_insert: COPY on PostgreSQL).
    Every row is 示例数据. Returns the counts written."""
    from newind.core.bulk import bulk_insert
    from newind.projects.choices import ChangeKind, StoppageReview
    from newind.projects.models import (
        Project,
        ProjectChange,
        ProjectImportBatch,
        ProjectProgress,
        ProjectStage,
        ProjectStoppage,
        ProjectYearPlan,
    )

    p = data.projects
    batch = ProjectImportBatch.objects.create(
        file_name=f"{source}（{MARK}）", sha256=hashlib.sha256(f"{source}:{len(p)}".encode()).hexdigest(),
        source_kind="demo", added=len(p))
    stage_since = _dates(p["stage_since"])
    objects = [Project(
        code=r["code"], name=r["name"], county_id=int(r["county_id"]),
        park_id=None if pd.isna(r["park_id"]) else int(r["park_id"]), industry_code=r["industry_code"],
        is_industrial=bool(r["is_industrial"]), investor_name=r["investor_name"], investor_flags=r["investor_flags"],
        lists=r["lists"], total_investment=_amount(r["total_investment"]),
        out_of_province_investment=_amount(r["out_of_province_investment"]),
        contract_amount=_amount(r["contract_amount"]), land_area=_amount(r["land_area"]),
        expected_annual_tax=_amount(r["expected_annual_tax"]),
        expected_annual_output=_amount(r["expected_annual_output"]), leader_name=r["leader_name"],
        responsible_unit_id=int(r["county_id"]), responsible_person=r["responsible_person"],
        has_task_force=bool(r["has_task_force"]), stage=r["stage"], stage_since=since,
        is_stopped=bool(r["is_stopped"]), is_falsified=bool(r["is_falsified"]),
        falsified_reason=r["falsified_reason"], is_synthetic=True)
        for r, since in zip(p.to_dict("records"), stage_since, strict=True)]  # the registry: a few thousand rows
    Project.objects.bulk_create(objects, batch_size=1000)
    if any(o.pk is None for o in objects):  # (a backend that returns no ids: read them back by code)
        ids = dict(Project.objects.filter(code__in=p["code"].tolist()).values_list("code", "id"))
        pid = p["code"].map(ids).to_numpy()
    else:
        pid = np.array([o.pk for o in objects])
    ProjectChange.objects.bulk_create([ProjectChange(project_id=int(x), kind=ChangeKind.CREATED, batch=batch,
                                                     reason=f"载入{MARK}", changed_at=published_at) for x in pid],
                                      batch_size=2000)
    stages = pd.DataFrame({"project_id": pid[data.stages["i"]], "stage": data.stages["stage"],
                           "planned_on": _dates(data.stages["planned_on"]),
                           "actual_on": _dates(data.stages["actual_on"]), "evidence": data.stages["evidence"]})
    stops = data.stoppages
    stoppages = pd.DataFrame({"project_id": pid[stops["i"]], "stopped_on": _dates(stops["stopped_on"]),
                              "reason": stops["reason"], "resumed_on": _dates(stops["resumed_on"]),
                              "resume_reason": stops["resume_reason"]})
    plans = pd.DataFrame({"project_id": pid[data.plans["i"]], "year": data.plans["year"],
                          "planned_investment": data.plans["planned_investment"]})
    g = data.progress
    progress = pd.DataFrame({
        "project_id": pid[g["i"]], "year": g["year"], "month": g["month"], "month_investment": g["month_investment"],
        "ytd_investment": g["ytd_investment"], "since_start_investment": g["since_start_investment"],
        "funds_in_place": g["funds_in_place"], "image_progress": g["image_progress"], "problems": g["problems"]})
    written = {"projects": len(objects)}
    written["stages"] = bulk_insert(ProjectStage, stages)
    written["stoppages"] = bulk_insert(ProjectStoppage, stoppages, constants={
        "review": str(StoppageReview.CONFIRMED), "review_note": f"{MARK}"})
    written["plans"] = bulk_insert(ProjectYearPlan, plans)
    written["progress"] = bulk_insert(ProjectProgress, progress, constants={
        "explanation": "", "is_current": True, "published_at": published_at, "recorded_at": published_at,
        "is_synthetic": True})
    return written


def _problems(out: TextIO) -> int:
    """File and assign a few project problems on the case engine; returns how many were filed."""
    from newind.cases import services
    from newind.cases.choices import Action, CaseRole
    from newind.cases.sla import TZ
    from newind.projects.models import Project, ProjectProblem
    from newind.projects.problems import hand_over
    from newind.units.models import Unit

    if ProjectProblem.objects.filter(project__code__startswith=CODE_PREFIX).exists():
        return 0
    units = {u.code: u for u in Unit.objects.filter(kind="department")}
    fallback = units.get(FALLBACK_DEPARTMENT)
    if fallback is None:
        out.write(f"重大项目（{MARK}）：缺少{FALLBACK_DEPARTMENT}，未生成项目问题。\n")
        return 0
    # The stalled, stopped and late projects first: they are the ones with problems.
    projects = list(Project.objects.filter(code__startswith=CODE_PREFIX, stage__in=["land", "started", "in_stats"])
                    .order_by("-is_stopped", "code")[:len(PROBLEMS)])
    for k, (project, (title, category)) in enumerate(zip(projects, PROBLEMS, strict=False)):
        received = dt.datetime(YEAR, 11, 6 + k, 9, 30, tzinfo=TZ)
        lead = units.get(PROBLEM_DEPARTMENTS[category], fallback)
        case = hand_over(project, title=f"{project.name}：{title}", department=lead, category_codes=[category],
                         description=f"{project.name}（{project.code}）{title}。（{MARK}）", user=None,
                         now=received).case
        if k % 2 == 0:  # half accepted by the department and in hand
            services.apply_action(case, Action.ACCEPT, user=None, role=CaseRole.LEAD,
                                  now=received + dt.timedelta(hours=3), unit=lead)
    return len(projects)


def ensure_campaign() -> bool:
    """The campaigns of definitions/projects/campaigns.yaml (the 2017 产业招商月, its county targets 示例数据),
    once; returns whether they were loaded."""
    from newind.projects.campaigns import load_campaigns
    from newind.projects.models import Campaign

    if Campaign.objects.filter(code=CAMPAIGN_CODE).exists():
        return False
    load_campaigns()
    return True


@transaction.atomic
def load_demo(out: TextIO) -> None:
    """The demo projects, problems, campaign and the 2017 spine figures (a second run adds nothing)."""
    from newind.audit.services import record
    from newind.indicators.periods import Period
    from newind.projects.models import Project
    from newind.projects.spine import publish_portfolio

    started = time.perf_counter()
    if Project.objects.filter(code__startswith=CODE_PREFIX).exists():
        out.write(f"重大项目（{MARK}）：已存在 {Project.objects.filter(is_synthetic=True).count()} 个，跳过。\n")
    else:
        spec = demo_spec()
        if not spec.counties:
            out.write(f"重大项目（{MARK}）：没有县市区参考单位，跳过。\n")
            return
        data = generate(spec)
        published = timezone.make_aware(dt.datetime(2018, 1, 8, 10, 0))
        written = save(data, source="示例重大项目", published_at=published)
        record("demo.projects", user=None, summary=f"载入示例重大项目 {written['projects']} 个、月度进度 "
                                                   f"{written['progress']} 行（{MARK}）。", after={**written, "seed": SEED})
        out.write(f"重大项目（{MARK}）：{written['projects']} 个项目，{written['stages']} 个阶段日期，"
                  f"{written['plans']} 个年度计划，{written['progress']} 行月度进度（2016—2017年），"
                  f"{written['stoppages']} 次停工。\n")
    filed = _problems(out)
    if filed:
        out.write(f"重大项目（{MARK}）：{filed} 个项目问题已交办承办部门（事项引擎）。\n")
    if ensure_campaign():
        out.write(f"重大项目（{MARK}）：专项活动「2017年产业招商月」（2017-06-15 至 07-15）及各县市区目标已建立。\n")
    figures = sum(publish_portfolio(Period.month(YEAR, m), reason=f"载入{MARK}：发布重大项目组合指标")
                  for m in range(2, 13))
    out.write(f"重大项目（{MARK}）：2017年各月组合指标写入数据底座 {figures} 个，用时 "
              f"{time.perf_counter() - started:.1f} 秒。\n")
