"""The assessment's scale benchmark (issue 13 §9): the annual assessment of a province — 14 cities, 122
counties, 143 parks and 60 departments — with 100,000 cases and 20,000 firms behind the items, on the
shipped schemes (county, park, department) pointed at the synthetic units (`newind bench assessment`).

What is behind the items, all written set-wise and labelled 示例数据 (code prefix BENCHA-):
- the spine: each county's growth, investment growth, high-tech and value-added levels, energy intensity and
  the projects' investment completion for 1—12月 2017; each park's 技工贸总收入 for 2016 and 2017 and its
  investment completion; each park's 亩均税收 (2017) computed from its firms' tax and land — 20,000 firms,
  40,000 annual figures, summed per park in one query as the 亩均 evaluation publishes it;
- a 规模工业增加值 target per county;
- 100,000 cases: 80,000 firms' appeals (a firm as the concerned unit) led by the departments, counties and
  parks, and 20,000 supervision tasks led by all 325 units, received over 2017;
- 11 monthly reports per unit (3,575 submissions), some late, some missing;
- a principal head per unit and the 月调度 each county's head chaired.
Measured: each scheme's `assessment.queries.assessment` (reading every source and scoring), and storing
one version (`services.run`). Goal: the three together ≤ 5 s.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Sum

from newind.bench.cases import loadavg

PREFIX = "BENCHA-"
SOURCE = "基准测试合成数据（非真实数据）"
CITIES, COUNTIES, PARKS, DEPARTMENTS, FIRMS = 14, 122, 143, 60, 20_000
APPEALS, TASKS = 80_000, 20_000
GOAL_S = 5.0
KIND_GROUPS = {"county": f"{PREFIX}counties", "park": f"{PREFIX}parks", "department": f"{PREFIX}departments"}


def _spread(total: int, parts: int) -> list[int]:
    """`total` units over `parts` cities as evenly as possible (122 counties over 14 cities: 8 or 9 each)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@transaction.atomic
def build_units() -> dict[str, pd.DataFrame]:
    """The province, its cities, counties, parks, departments and firms, with admin and park links and the three
    peer groups the bench schemes assess."""
    from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitKind, UnitLink

    admin, _ = Hierarchy.objects.get_or_create(code="admin", defaults={"name": "行政隶属"})
    park_h, _ = Hierarchy.objects.get_or_create(code="park", defaults={"name": "园区归属"})
    units = [Unit(code=f"{PREFIX}P", name="基准测试省", kind=UnitKind.PROVINCE, is_synthetic=True)]
    parent: dict[str, str] = {}
    for c in range(CITIES):
        units.append(Unit(code=f"{PREFIX}C{c:02d}", name=f"基准市{c + 1}", kind=UnitKind.CITY, is_synthetic=True))
        parent[f"{PREFIX}C{c:02d}"] = f"{PREFIX}P"
    for c, n in enumerate(_spread(COUNTIES, CITIES)):
        for k in range(n):
            code = f"{PREFIX}C{c:02d}K{k:02d}"
            units.append(Unit(code=code, name=f"基准市{c + 1}县{k + 1}", kind=UnitKind.COUNTY, is_synthetic=True))
            parent[code] = f"{PREFIX}C{c:02d}"
    for c, n in enumerate(_spread(PARKS, CITIES)):
        for q in range(n):
            code = f"{PREFIX}C{c:02d}Q{q:02d}"
            units.append(Unit(code=code, name=f"基准市{c + 1}园区{q + 1}", kind=UnitKind.PARK, is_synthetic=True))
            parent[code] = f"{PREFIX}C{c:02d}"
    units += [Unit(code=f"{PREFIX}D{d:02d}", name=f"基准部门{d + 1}", kind=UnitKind.DEPARTMENT, is_synthetic=True)
              for d in range(DEPARTMENTS)]
    units += [Unit(code=f"{PREFIX}E{e:05d}", name=f"基准企业{e + 1}", kind=UnitKind.ENTERPRISE, is_synthetic=True)
              for e in range(FIRMS)]
    Unit.objects.bulk_create(units, batch_size=5000)
    rows = pd.DataFrame(list(Unit.objects.filter(code__startswith=PREFIX).values_list("id", "code", "kind")),
                        columns=["id", "code", "kind"])
    ids = dict(zip(rows["code"], rows["id"], strict=True))
    links = [UnitLink(hierarchy=admin, parent_id=ids[p], child_id=ids[c]) for c, p in parent.items()]
    parks = rows[rows["kind"] == "park"].reset_index(drop=True)
    rng = np.random.default_rng(2017)
    firms = rows[rows["kind"] == "enterprise"].reset_index(drop=True)
    firms["park_id"] = parks["id"].to_numpy()[rng.integers(0, len(parks), len(firms))]
    links += [UnitLink(hierarchy=park_h, parent_id=int(p), child_id=int(f))
              for f, p in zip(firms["id"], firms["park_id"], strict=True)]
    UnitLink.objects.bulk_create(links, batch_size=5000)
    for kind, code in KIND_GROUPS.items():
        group = PeerGroup.objects.create(code=code, name=f"基准测试{kind}", editable=False)
        members = rows[rows["kind"] == kind]
        PeerGroupMember.objects.bulk_create([PeerGroupMember(group=group, unit_id=int(u), sort_order=i)
                                             for i, u in enumerate(members["id"])], batch_size=5000)
    return {kind: rows[rows["kind"] == kind].reset_index(drop=True) for kind in ("county", "park", "department")} | {
        "firm": firms}


def _observations(ind: dict[str, Any], unit_ids: np.ndarray, code: str, values: np.ndarray, *, year: int = 2017,
                  kind: str = "M", n: int = 12) -> pd.DataFrame:
    indicator = ind[code]
    return pd.DataFrame({"indicator_id": indicator.pk, "unit_id": unit_ids, "year": year, "period_kind": kind,
                         "period_n": n, "value": [Decimal(f"{v:.4f}") for v in values],
                         "measure_unit": indicator.measure_unit, "price_basis": indicator.price_basis,
                         "release": "official", "source": SOURCE, "is_synthetic": True})


def write_records(units: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The figures, targets, cases, reports, heads and meetings behind the items (see the module docstring)."""
    from newind.cases.models import Case
    from newind.cases.sla import TZ, load_profile
    from newind.indicators.models import Indicator, Observation
    from newind.indicators.services import bulk_insert_observations
    from newind.submissions.models import ReportingTask, Submission
    from newind.supervision.models import Meeting, UnitHead
    from newind.targets.models import Target

    rng = np.random.default_rng(13)
    ind = {i.code: i for i in Indicator.objects.all()}
    counties, parks, departments, firms = units["county"], units["park"], units["department"], units["firm"]
    c_ids, p_ids = counties["id"].to_numpy(), parks["id"].to_numpy()
    nc, npk = len(c_ids), len(p_ids)
    va = rng.uniform(50, 800, nc) * 10_000
    parts = [
        _observations(ind, c_ids, "industrial_va_above_size_growth_pct", rng.normal(7.5, 2.5, nc)),
        _observations(ind, c_ids, "industrial_investment_growth_pct", rng.normal(12, 8, nc)),
        _observations(ind, c_ids, "industrial_va_above_size", va),
        _observations(ind, c_ids, "high_tech_va", va * rng.uniform(0.1, 0.45, nc)),
        _observations(ind, c_ids, "energy_per_va", rng.uniform(0.3, 1.4, nc)),
        _observations(ind, c_ids, "projects_investment_completion_pct", rng.uniform(60, 120, nc)),
        _observations(ind, p_ids, "park_tgm_income", income := rng.uniform(50, 1500, npk) * 10_000),
        _observations(ind, p_ids, "park_tgm_income", income / rng.uniform(0.9, 1.3, npk), year=2016),
        _observations(ind, p_ids, "projects_investment_completion_pct", rng.uniform(60, 120, npk)),
        # the firms' annual tax and land (亩均 inputs)
        _observations(ind, firms["id"].to_numpy(), "tax_paid", rng.lognormal(5, 1.2, len(firms)), kind="A", n=0),
        _observations(ind, firms["id"].to_numpy(), "land_area", rng.uniform(10, 300, len(firms)), kind="A", n=0),
    ]
    frame = pd.concat(parts, ignore_index=True)
    bulk_insert_observations(frame)
    # 亩均税收 per park = Σ tax ÷ Σ land of its firms, in one grouped query each (what the 亩均 evaluation publishes).
    sums = {}
    for code in ("tax_paid", "land_area"):
        sums[code] = dict(Observation.objects.filter(indicator__code=code, unit__code__startswith=PREFIX,
                                                     is_current=True)
                          .values("unit__parent_links__parent_id").annotate(s=Sum("value"))
                          .values_list("unit__parent_links__parent_id", "s"))
    parks = pd.Series(p_ids)
    per_mu = parks.map(sums["tax_paid"]).astype(float) / parks.map(sums["land_area"]).astype(float)
    has = per_mu.notna().to_numpy()  # a park without firms has no 亩均税收
    bulk_insert_observations(_observations(ind, p_ids[has], "mujun_tax_per_mu", per_mu.to_numpy()[has], kind="A", n=0))
    Target.objects.bulk_create([Target(indicator=ind["industrial_va_above_size"], unit_id=int(u), year=2017, kind="hard",
                                       target_type="level", value=Decimal(f"{v * rng.uniform(0.9, 1.1):.2f}"),
                                       source=SOURCE, is_synthetic=True) for u, v in zip(c_ids, va, strict=True)],
                               batch_size=2000)
    # Cases: appeals led by departments, counties and parks with a firm as the concerned unit; supervision tasks
    # led by every unit. One deadline computation per day of receipt, not per case.
    leaders = np.concatenate([departments["id"].to_numpy(), c_ids, p_ids])
    profile = load_profile("zhongshan")
    start = dt.datetime(2017, 1, 3, 9, 0, tzinfo=TZ)
    per_day = {d: profile.close_deadline(start + dt.timedelta(days=d)) for d in range(360)}
    n = APPEALS + TASKS
    day = rng.integers(0, 360, n)
    late = rng.random(n) < 0.15
    open_ = rng.random(n) < 0.1
    lead = leaders[rng.integers(0, len(leaders), n)]
    concerned = firms["id"].to_numpy()[rng.integers(0, len(firms), n)]
    ratings = np.array(["satisfied", "basically_satisfied", "unsatisfied", ""])[rng.integers(0, 4, n)]
    t0 = time.perf_counter()
    batch = []
    for i in range(n):
        received = start + dt.timedelta(days=int(day[i]))
        deadline = per_day[int(day[i])]
        closed = None if open_[i] else deadline + dt.timedelta(days=3) if late[i] else deadline - dt.timedelta(days=1)
        is_task = i >= APPEALS
        batch.append(Case(code=f"{PREFIX}{i:06d}", kind="supervision" if is_task else "appeal", title="示例事项",
                          sla_profile="supervision" if is_task else "zhongshan", received_at=received,
                          close_deadline=deadline, original_close_deadline=deadline,
                          state="in_progress" if closed is None else "closed", closed_at=closed,
                          lead_unit_id=int(lead[i]), concerned_unit_id=None if is_task else int(concerned[i]),
                          rating="" if closed is None or is_task else str(ratings[i]), is_synthetic=True))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    cases_s = time.perf_counter() - t0
    # Monthly reports 1—2月 … 1—12月 (11 tasks) for every assessed unit: 8 % late, 3 % never submitted.
    assessed = np.concatenate([c_ids, p_ids, departments["id"].to_numpy()])
    tasks = [ReportingTask.objects.create(form_code="bench", title=f"基准测试1—{m}月", year=2017, period_kind="M",
                                          period_n=m, deadline=dt.date(2017, m + 1, 8) if m < 12 else dt.date(2018, 1, 8),
                                          is_demo=True) for m in range(2, 13)]
    subs = []
    for task in tasks:
        draw = rng.random(len(assessed))
        for u, x in zip(assessed, draw, strict=True):
            at = None if x < 0.03 else dt.datetime.combine(task.deadline + dt.timedelta(days=2 if x < 0.11 else -1),
                                                           dt.time(10), tzinfo=TZ)
            subs.append(Submission(task=task, unit_id=int(u), state="approved" if at else "not_started",
                                   first_submitted_at=at, submitted_at=at))
    Submission.objects.bulk_create(subs, batch_size=5000)
    heads = UnitHead.objects.bulk_create([UnitHead(unit_id=int(u), name=f"负责人{i}", post="主要负责人", is_principal=True,
                                                   is_synthetic=True) for i, u in enumerate(assessed)], batch_size=2000)
    head_of = {h.unit_id: h for h in UnitHead.objects.filter(unit__code__startswith=PREFIX)}
    meetings = [Meeting(kind="monthly", held_on=dt.date(2017, m, 10), title=f"{m}月调度会", chair=head_of[int(u)],
                        is_synthetic=True) for u in c_ids for m in range(1, 13) if rng.random() < 0.85]
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    return {"observations": len(frame) + int(has.sum()), "cases": n, "cases_write_s": round(cases_s, 1),
            "submissions": len(subs), "heads": len(heads), "meetings": len(meetings), "firms": len(firms)}


def bench_schemes() -> list[Any]:
    """The shipped county, park and department schemes, assessing the benchmark's units."""
    from newind.assessment.schemes import UnitSelection, load_scheme

    return [load_scheme(kind=k).model_copy(update={"units": UnitSelection(peer_group=g)})
            for k, g in KIND_GROUPS.items()]


def measure(*, runs: int = 3, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    from django.db import connection

    from newind.assessment import queries, services
    from newind.cases.models import Case
    from newind.core.bulk import refresh_planner_statistics
    from newind.indicators.models import Observation
    from newind.submissions.models import Submission

    for model in (Case, Observation, Submission):
        refresh_planner_statistics(model)
    figures: dict[str, Any] = {"bench": "assessment", "database": connection.vendor, "loadavg_before": loadavg()}
    as_of = dt.date(2018, 1, 20)
    totals = []
    for _ in range(runs):
        t_all = time.perf_counter()
        for scheme in bench_schemes():
            t = time.perf_counter()
            _, data = queries.assessment(scheme, 2017, as_of=as_of)
            figures.setdefault(f"{scheme.kind}_s", []).append(round(time.perf_counter() - t, 3))
            figures[f"{scheme.kind}_units"] = len(data["units"])
            figures[f"{scheme.kind}_rated"] = sum(1 for u in data["units"] if u["rank"] is not None)
        totals.append(round(time.perf_counter() - t_all, 3))
    figures["all_three_s"] = totals
    t = time.perf_counter()
    for scheme in bench_schemes():
        services.run(scheme, 2017, user=None, as_of=as_of, is_synthetic=True)
    figures["store_three_versions_s"] = round(time.perf_counter() - t, 3)
    figures["loadavg_after"] = loadavg()
    figures["goal_s"] = GOAL_S
    figures["goal_met"] = max(totals) <= GOAL_S
    if progress:
        for kind in KIND_GROUPS:
            progress(f"  {kind}: {figures[f'{kind}_units']} 个单位，用时 {figures[f'{kind}_s']} 秒")
        progress(f"  三个方案合计：{totals} 秒；保存三个版本：{figures['store_three_versions_s']} 秒")
    return figures


def delete_bench_data() -> int:
    from newind.assessment.models import AssessmentRun
    from newind.cases.models import Case
    from newind.indicators.models import Observation
    from newind.submissions.models import ReportingTask
    from newind.supervision.models import Meeting, UnitHead
    from newind.targets.models import Target
    from newind.units.models import PeerGroup, Unit, UnitLink

    with transaction.atomic():
        # The bench's runs: synthetic runs of the shipped schemes whose first unit is a bench unit (read in Python:
        # JSON lookups differ across databases, and there are three such runs).
        runs = [r.pk for r in AssessmentRun.objects.filter(is_synthetic=True).only("pk", "result")
                if str((r.result.get("units") or [{}])[0].get("code", "")).startswith(PREFIX)]
        deleted = AssessmentRun.objects.filter(pk__in=runs).delete()[0]
        deleted += Case.objects.filter(code__startswith=PREFIX).delete()[0]
        deleted += Meeting.objects.filter(chair__unit__code__startswith=PREFIX).delete()[0]
        deleted += UnitHead.objects.filter(unit__code__startswith=PREFIX).delete()[0]
        deleted += ReportingTask.objects.filter(form_code="bench", title__startswith="基准测试").delete()[0]
        deleted += Target.objects.filter(unit__code__startswith=PREFIX).delete()[0]
        deleted += Observation.objects.filter(unit__code__startswith=PREFIX).delete()[0]
        deleted += PeerGroup.objects.filter(code__in=list(KIND_GROUPS.values())).delete()[0]
        deleted += UnitLink.objects.filter(child__code__startswith=PREFIX).delete()[0]
        deleted += Unit.objects.filter(code__startswith=PREFIX).delete()[0]
    return deleted


def summary_line(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False)

