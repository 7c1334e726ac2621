"""Synthetic major projects (示例数据) as frames, for the demo (projects.demo) and the scale benchmark
(bench.projects): the registry, stage dates, stoppages, year plans and monthly progress, drawn from a numpy
Generator with a fixed seed (the same rows on every machine). No database here: the callers insert.

The shape of a project (amounts in 万元; months are calendar months, `m = year * 12 + month - 1`):
- most are signed between `sign_from` and `sign_to`; the others (`pipeline_share`) are still 谋划储备 or 在谈;
- a signed one is registered, given land and planned to start 1–5 months after signing; it starts within
  a few days to ten weeks of that (a `late_share` never start: 开工滞后), then builds for `duration`
  months (plus a slip), is registered in the statistics (入库纳统) a month or so after the start, completes,
  and produces 1–2 months later; every stage has its planned date, and an actual date once it falls on or
  before the horizon's end;
- its investment is spread over the construction months by random monthly weights (a stoppage's months
  weigh nothing), so the cumulative since start never falls and stays ≤ the total; the year to date is
  the cumulative since start less the previous December's; 1–2月 is one report (month 2);
- a `stalled_share` stop reporting 2–4 reporting months before the horizon (停滞); a `stopped_share` have a
  stoppage with a reason (half of them resumed); a `falsified_share` are flagged 弄虚作假 with a reason;
- each year the project builds in has a plan (年度计划投资) of that year's expected share × 0.8–1.25.
`quota_hits` forces, per park, one industrial project of at least the given total signed in the horizon's
last year (the 引进指标 of definitions/projects/quotas.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from newind.projects.choices import STAGE_ORDER, InvestorFlag, ProjectList, Stage

MARK = "示例数据"
INDUSTRIES: list[tuple[str, str]] = [
    ("2614", "有机化工新材料"), ("2651", "合成树脂"), ("2669", "精细化工"), ("3130", "特种钢材"), ("3360", "金属表面处理"),
    ("3484", "智能装备"), ("3670", "汽车零部件"), ("3743", "船舶配套"), ("3825", "光伏组件"), ("3841", "锂电池"),
    ("3971", "电子元件"), ("3985", "电子专用材料"), ("2710", "生物医药"), ("1391", "粮油食品加工"), ("1520", "茶饮料"),
    ("2221", "纸制品"), ("4220", "再生资源利用"), ("3042", "装配式建材"),
]
NON_INDUSTRIAL: list[tuple[str, str]] = [("5532", "港口物流园"), ("4813", "园区道路"), ("7281", "会展中心"),
                                         ("4610", "污水处理厂")]
SUFFIXES = ["产业园", "生产基地", "扩能改造", "一期", "二期", "技改", "智能工厂", "产业化"]
STOP_REASONS = ["环保督察整改，暂停施工", "资金链紧张，施工暂停", "用地手续变更，等待批复", "设计方案调整", "征拆协调未完成"]
FALSIFIED_REASONS = ["虚报开工：现场核查未见实质施工", "虚报完成投资：报送数与财务凭证不符", "以旧项目充当新签约项目"]
IMAGE = [(0.15, "场地平整、基础施工"), (0.45, "主体结构施工"), (0.75, "厂房封顶、设备采购"), (0.95, "设备安装调试"),
         (1.01, "收尾工程、试生产准备")]
LEADERS = ["示例市领导甲", "示例市领导乙", "示例市领导丙", "示例市领导丁", "示例市领导戊", "示例市领导己"]


@dataclass(frozen=True)
class Spec:
    """What to generate. `counties`: county (and zone) unit ids for projects outside a park; `parks`:
    (park id, its county id); `park_share` of the projects are in a park."""

    n_projects: int
    counties: list[int]
    parks: list[tuple[int, int]]
    sign_from: dt.date
    sign_to: dt.date
    horizon_year: int  # progress runs to December of this year
    first_report_year: int  # no progress row before this year
    seed: int
    code_prefix: str = "DEMO-XM-"
    park_share: float = 0.7
    pipeline_share: float = 0.1
    late_share: float = 0.04
    stalled_share: float = 0.04
    stopped_share: float = 0.03
    falsified_share: float = 0.02
    duration: tuple[int, int] = (10, 30)
    quota_hits: dict[int, float] = field(default_factory=dict)


@dataclass
class Synthetic:
    """The frames: `projects` (column `i` is the project's position; callers map it to the saved id),
    `stages`, `stoppages`, `plans`, `progress` (each with `i`)."""

    projects: pd.DataFrame
    stages: pd.DataFrame
    stoppages: pd.DataFrame
    plans: pd.DataFrame
    progress: pd.DataFrame


def _month_to_date(m: np.ndarray, day: np.ndarray | int = 1) -> np.ndarray:
    """Month index (year*12+month-1) and day of month (capped at 28) → datetime64[D]."""
    months = (np.asarray(m, dtype="int64") - 1970 * 12).astype("datetime64[M]")
    return months.astype("datetime64[D]") + (np.minimum(np.asarray(day), 28) - 1).astype("timedelta64[D]")


def _date_to_month(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[M]").astype("int64") + 1970 * 12


def generate(spec: Spec) -> Synthetic:
    """The frames of `spec` (deterministic for a given spec)."""
    rng = np.random.default_rng(spec.seed)
    n = spec.n_projects
    i = np.arange(n)
    horizon_m = spec.horizon_year * 12 + 11
    horizon_day = np.datetime64(dt.date(spec.horizon_year, 12, 31))

    # --- the registry ---
    in_park = (rng.random(n) < spec.park_share) & (len(spec.parks) > 0)
    park_pick = rng.integers(0, max(len(spec.parks), 1), n)
    county_pick = rng.integers(0, len(spec.counties), n)
    park_ids = np.array([p for p, _ in spec.parks] or [0])
    park_counties = np.array([c for _, c in spec.parks] or [0])
    county_id = np.where(in_park, park_counties[park_pick], np.array(spec.counties)[county_pick])
    park_id = np.where(in_park, park_ids[park_pick], -1)
    total = np.round(np.exp(rng.normal(np.log(15_000), 1.0, n)).clip(1_500, 400_000), -1)
    industrial = rng.random(n) < 0.85
    pipeline = rng.random(n) < spec.pipeline_share
    span = (spec.sign_to - spec.sign_from).days
    signed_on = np.datetime64(spec.sign_from) + rng.integers(0, span + 1, n).astype("timedelta64[D]")
    # The quota parks' own big projects, signed early in the horizon's last year.
    for park, minimum in spec.quota_hits.items():
        where = np.flatnonzero((park_id == park) & ~pipeline)
        if where.size == 0:
            where = np.flatnonzero(~pipeline)[:1]
            park_id[where] = park
            county_id[where] = dict(spec.parks)[park]
        j = where[0]
        total[j] = round(minimum * float(rng.uniform(1.05, 1.8)), -1)
        industrial[j] = True
        signed_on[j] = np.datetime64(dt.date(spec.horizon_year, 1, 10)) + np.timedelta64(int(rng.integers(0, 140)), "D")
    industry = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)]
    other = np.array(NON_INDUSTRIAL)[rng.integers(0, len(NON_INDUSTRIAL), n)]
    industry = np.where(industrial[:, None], industry, other)
    suffix = np.array(SUFFIXES)[rng.integers(0, len(SUFFIXES), n)]
    flags_draw = rng.random((n, 6))
    flag_codes = [InvestorFlag.FORTUNE_500, InvestorFlag.CHINA_500, InvestorFlag.PRIVATE_500,
                  InvestorFlag.CENTRAL_SOE, InvestorFlag.FOREIGN, InvestorFlag.OUT_OF_PROVINCE]
    flag_odds = np.array([0.05, 0.06, 0.05, 0.04, 0.06, 0.4])
    has_flag = flags_draw < flag_odds
    flags = [[str(c) for c, h in zip(flag_codes, row, strict=True) if h] for row in has_flag]  # n short lists
    out_of_province = np.where(has_flag[:, 5], np.round(total * rng.uniform(0.3, 1.0, n), -1), np.nan)
    contract = np.where(rng.random(n) < 0.7, np.round(total * rng.uniform(0.8, 1.0, n), -1), np.nan)
    land = np.round(total / rng.uniform(150, 600, n), 1)
    major = total >= 50_000
    lists = [[str(x) for x in (ProjectList.CITY_MAJOR if mj else None, ProjectList.INDUSTRIAL if ind else None,
                                 ProjectList.PROVINCE_FIVE_100 if tot >= 200_000 else None) if x]
             for mj, ind, tot in zip(major, industrial, total, strict=True)]
    falsified = rng.random(n) < spec.falsified_share

    # --- stage dates ---
    sign_m = _date_to_month(signed_on)
    planned_start_m = sign_m + rng.integers(1, 6, n)
    planned_start = _month_to_date(planned_start_m, rng.integers(1, 29, n))
    start = planned_start + rng.integers(-10, 75, n).astype("timedelta64[D]")
    late = (~pipeline) & (rng.random(n) < spec.late_share) & (planned_start < horizon_day)
    duration = rng.integers(spec.duration[0], spec.duration[1] + 1, n)
    slip = rng.integers(0, 5, n)
    start_m = _date_to_month(start)
    complete_m = start_m + duration + slip  # the month construction ends (its last month of investment)
    planned_complete = _month_to_date(planned_start_m + duration, 28)
    completed_on = _month_to_date(complete_m, rng.integers(1, 29, n))
    producing_on = completed_on + rng.integers(20, 60, n).astype("timedelta64[D]")
    planned: dict[str, np.ndarray] = {
        Stage.PLANNING: signed_on - rng.integers(120, 300, n).astype("timedelta64[D]"),
        Stage.NEGOTIATING: signed_on - rng.integers(30, 110, n).astype("timedelta64[D]"),
        Stage.SIGNED: signed_on,
        Stage.REGISTERED: signed_on + rng.integers(10, 40, n).astype("timedelta64[D]"),
        Stage.LAND: signed_on + rng.integers(20, 70, n).astype("timedelta64[D]"),
        Stage.STARTED: planned_start,
        Stage.IN_STATS: planned_start + np.timedelta64(30, "D"),
        Stage.COMPLETED: planned_complete,
        Stage.PRODUCING: planned_complete + np.timedelta64(45, "D"),
        Stage.FULL_PRODUCTION: planned_complete + np.timedelta64(225, "D"),
    }
    actual: dict[str, np.ndarray] = {
        Stage.PLANNING: planned[Stage.PLANNING], Stage.NEGOTIATING: planned[Stage.NEGOTIATING],
        Stage.SIGNED: signed_on, Stage.REGISTERED: planned[Stage.REGISTERED], Stage.LAND: planned[Stage.LAND],
        Stage.STARTED: start,
        Stage.IN_STATS: start + rng.integers(15, 50, n).astype("timedelta64[D]"),
        Stage.COMPLETED: completed_on, Stage.PRODUCING: producing_on,
        Stage.FULL_PRODUCTION: producing_on + rng.integers(150, 300, n).astype("timedelta64[D]"),
    }
    nat = np.datetime64("NaT")
    no_stats = rng.random(n) < 0.08  # started but never registered in the statistics (入库纳统 light)
    actual[Stage.IN_STATS] = np.where(no_stats, nat, actual[Stage.IN_STATS])
    for s in STAGE_ORDER[STAGE_ORDER.index(Stage.STARTED):]:
        actual[s] = np.where(late, nat, actual[s])
    negotiating_only = rng.random(n) < 0.5
    for s in STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED):]:
        actual[s] = np.where(pipeline, nat, actual[s])
    actual[Stage.NEGOTIATING] = np.where(pipeline & ~negotiating_only, nat, actual[Stage.NEGOTIATING])
    for s in STAGE_ORDER:
        actual[s] = np.where(actual[s] <= horizon_day, actual[s], nat)
        if s == Stage.IN_STATS:  # registered no earlier than the start
            actual[s] = np.where(np.isnat(actual[Stage.STARTED]), nat, actual[s])

    # --- stoppages, stalled, the construction grid ---
    building = ~pipeline & ~late & (start_m <= horizon_m)
    stopped = building & (rng.random(n) < spec.stopped_share) & (complete_m > start_m + 4)
    stop_m = np.where(stopped, start_m + 2 + rng.integers(0, 3, n), -1)
    resumed = stopped & (rng.random(n) < 0.5)
    resume_m = np.where(resumed, stop_m + rng.integers(1, 4, n), horizon_m + 1000)
    complete_m = np.where(resumed, complete_m + (resume_m - stop_m), complete_m)
    completed_on = _month_to_date(complete_m, 28)
    # A stopped, not resumed project neither completes nor produces; a resumed one completes later.
    for s in (Stage.COMPLETED, Stage.PRODUCING, Stage.FULL_PRODUCTION):
        actual[s] = np.where(stopped & ~resumed, nat, actual[s])
    shift = np.where(resumed, resume_m - stop_m, 0) * 30
    for s in (Stage.COMPLETED, Stage.PRODUCING, Stage.FULL_PRODUCTION):
        moved = actual[s] + shift.astype("timedelta64[D]")
        actual[s] = np.where(moved <= horizon_day, moved, nat)
    stalled = building & ~stopped & (complete_m > horizon_m) & (start_m <= horizon_m - 6) & (
        rng.random(n) < spec.stalled_share / 0.6)
    stall_from = np.where(stalled, horizon_m - rng.integers(1, 4, n), horizon_m + 1)  # the first month unreported

    length = np.where(building, complete_m - start_m + 1, 0)
    offsets = np.concatenate([[0], np.cumsum(length)[:-1]])
    p = np.repeat(i, length)
    k = np.arange(length.sum()) - np.repeat(offsets, length)
    m = start_m[p] + k
    w = rng.gamma(2.0, 1.0, p.size) * (1.0 + np.sin(np.pi * (k + 0.5) / np.maximum(length[p], 1)))
    w = np.where((m >= stop_m[p]) & (m < resume_m[p]) & stopped[p], 0.0, w)
    csum = np.cumsum(w)
    first = np.repeat(offsets, length)  # each grid row's project's first row
    group_cum = csum - (csum[first] - w[first])
    group_total = np.repeat(np.add.reduceat(w, offsets[length > 0]) if p.size else np.array([]), length[length > 0])
    final_share = rng.uniform(0.88, 0.99, n)
    since = np.round(total[p] * final_share[p] * group_cum / np.where(group_total > 0, group_total, 1.0), 2)
    year = m // 12
    month = m % 12 + 1
    dec_k = year * 12 - 1 - start_m[p]  # position of the previous December in the project's grid
    prev_year_end = np.where(dec_k >= 0, since[np.clip(offsets[p] + dec_k, 0, max(p.size - 1, 0))], 0.0)
    ytd = np.round(since - prev_year_end, 2)
    prev_k = np.where(month > 2, k - 1, k - 2)
    prev_since = np.where(prev_k >= 0, since[np.clip(offsets[p] + prev_k, 0, max(p.size - 1, 0))], 0.0)
    month_inv = np.round(np.where(month == 2, ytd, since - prev_since), 2)
    base = np.where(np.isnan(contract), total, contract)
    funds_ratio = rng.uniform(0.8, 1.4, n)
    funds = np.where(rng.random(n)[p] < 0.7, np.round(np.minimum(base[p], since * funds_ratio[p]), 2), np.nan)
    share = since / total[p]
    image = np.select([share < t for t, _ in IMAGE], [text for _, text in IMAGE], default=IMAGE[-1][1])
    keep = (month != 1) & (m <= horizon_m) & (year >= spec.first_report_year) & (m < stall_from[p]) & ~(
        stopped[p] & ~resumed[p] & (m >= stop_m[p]))
    problems = np.where(rng.random(p.size) < 0.05, "施工用电负荷不足，需协调增容", "")
    progress = pd.DataFrame({
        "i": p, "year": year, "month": month, "month_investment": month_inv, "ytd_investment": ytd,
        "since_start_investment": since, "funds_in_place": funds, "image_progress": image, "problems": problems,
    })[keep].reset_index(drop=True)

    # --- year plans: each building year's expected share × 0.8–1.25 ---
    grid = pd.DataFrame({"i": p, "year": year, "w": w / np.where(group_total > 0, group_total, 1.0)})
    grid = grid[(grid["year"] >= spec.first_report_year) & (grid["year"] <= spec.horizon_year)]
    plans = grid.groupby(["i", "year"], as_index=False)["w"].sum()
    factor = rng.uniform(0.8, 1.25, len(plans))
    plans["planned_investment"] = np.round(total[plans["i"]] * final_share[plans["i"]] * plans["w"] * factor, -1)
    plans = plans[plans["planned_investment"] > 0].drop(columns="w")
    # The late starters plan for their planned start year too.
    late_plans = pd.DataFrame({"i": i[late], "year": planned_start[late].astype("datetime64[Y]").astype(int) + 1970,
                               "planned_investment": np.round(total[late] * 0.3, -1)})
    late_plans = late_plans[late_plans["year"].between(spec.first_report_year, spec.horizon_year)]
    plans = pd.concat([plans, late_plans], ignore_index=True).drop_duplicates(["i", "year"]).reset_index(drop=True)

    # --- stages (one row per stage with a planned or an actual date) ---
    stage_frames = []
    for s in STAGE_ORDER:
        pl, ac = planned[s], actual[s]
        if s in (Stage.SIGNED, Stage.REGISTERED, Stage.LAND):  # a pipeline project has no plan past 在谈 yet
            pl = np.where(pipeline & negotiating_only, nat, pl) if s != Stage.SIGNED else pl
        stage_frames.append(pd.DataFrame({"i": i, "stage": str(s), "planned_on": pl, "actual_on": ac}))
    stages = pd.concat(stage_frames, ignore_index=True)
    beyond_signed = stages["stage"].isin(STAGE_ORDER[STAGE_ORDER.index(Stage.REGISTERED):])
    stages = stages[~(beyond_signed & pipeline[stages["i"]])]
    stages = stages[stages["planned_on"].notna() | stages["actual_on"].notna()].reset_index(drop=True)
    stages["evidence"] = np.where(stages["actual_on"].notna(), "示例佐证材料（示例数据）", "")

    # --- the current stage: the last one with an actual date ---
    reached = np.stack([~np.isnat(actual[s]) for s in STAGE_ORDER], axis=1)
    last = np.where(reached.any(axis=1), reached.shape[1] - 1 - np.argmax(reached[:, ::-1], axis=1), 0)
    stage_codes = np.array(STAGE_ORDER)[last]
    since_dates = np.stack([actual[s] for s in STAGE_ORDER], axis=1)[i, last]

    stoppages = pd.DataFrame({
        "i": i[stopped], "stopped_on": _month_to_date(stop_m[stopped], 5),
        "reason": np.array(STOP_REASONS)[rng.integers(0, len(STOP_REASONS), int(stopped.sum()))],
        "resumed_on": np.where(resumed[stopped], _month_to_date(resume_m[stopped], 3), nat),
    })
    stoppages["resume_reason"] = np.where(stoppages["resumed_on"].notna(), "问题已解决，经核查同意复工", "")
    stoppages = stoppages[stoppages["stopped_on"] <= pd.Timestamp(horizon_day)].reset_index(drop=True)
    stopped_now = np.zeros(n, dtype=bool)
    stopped_now[stoppages.loc[stoppages["resumed_on"].isna(), "i"].to_numpy(dtype=int)] = True

    projects = pd.DataFrame({
        "i": i, "code": [f"{spec.code_prefix}{x + 1:05d}" for x in i],
        "name": [f"{ind}{suf}项目（示例{x + 1:03d}）" for x, ind, suf in zip(i, industry[:, 1], suffix, strict=True)],
        "county_id": county_id, "park_id": np.where(park_id >= 0, park_id, np.nan),
        "industry_code": industry[:, 0], "is_industrial": industrial,
        "investor_name": [f"示例投资有限公司{x % 97 + 1:02d}" for x in i], "investor_flags": flags, "lists": lists,
        "total_investment": total, "out_of_province_investment": out_of_province, "contract_amount": contract,
        "land_area": land, "expected_annual_tax": np.round(land * rng.uniform(8, 40, n), 1),
        "expected_annual_output": np.round(land * rng.uniform(200, 900, n), 1),
        "leader_name": np.array(LEADERS)[rng.integers(0, len(LEADERS), n)],
        "responsible_person": "示例责任人", "has_task_force": major,
        "stage": stage_codes, "stage_since": since_dates, "is_stopped": stopped_now,
        "is_falsified": falsified,
        "falsified_reason": np.where(falsified, np.array(FALSIFIED_REASONS)[rng.integers(0, 3, n)], ""),
        "late": late, "stalled": stalled,
    })
    for frame in (stages, stoppages):
        for col in frame.columns:
            if frame[col].dtype.kind == "M":
                frame[col] = pd.to_datetime(frame[col])
    projects["stage_since"] = pd.to_datetime(projects["stage_since"])
    return Synthetic(projects=projects, stages=stages, stoppages=stoppages, plans=plans, progress=progress)
