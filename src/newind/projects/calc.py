"""Pure calculations of the projects app (no ORM at run time): frames in, frames out.

Other parts of the app append their own sections below; each section says what it computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.projects.choices import STAGE_ORDER

# --- portfolio and league ------------------------------------------------------------------------------
#
# The portfolio figures (组合指标) of a county or a park for a period, and the inputs of the county 赛马.
# A period is cumulative like every newind figure: a month N is 1–N月 (no 1月 figure: 1–2月 is the first),
# a quarter N is 1–3N月, a year is 1–12月. Its window is S = 1 January to E = the last day of its last
# month. Projects belong to a county by Project.county and to a park by Project.park (a project in a park
# counts for both). Every project on file counts, falsified ones included (they are also deducted in 赛马).
#
# "Reached stage s by date d": the project has an actual date (ProjectStage.actual_on) on stage s or any
# later stage (choices.STAGE_ORDER), the earliest of them ≤ d — a project at 投产 has also started, even
# when its 开工 row has no date. "Signed in the period": reached 签约 on a date in [S, E].
#
# Figures (a rate is numerator ÷ denominator × 100, in %; null — shown "—" — when the denominator is 0):
#   signed_count              projects signed in the period
#   signed_amount             Σ 签约金额 of those (contract_amount, or total_investment when it is blank), 万元
#   started_rate_pct          开工率: of the projects whose planned 开工 date is in [S, E], those that
#                             reached 开工 by E
#   investment_completion_pct 投资完成率: Σ 年初至报告期累计完成投资 ÷ Σ 年度计划投资, over the projects with
#                             an annual plan (ProjectYearPlan) for the year; a project's cumulative figure
#                             is its current progress row of the latest month ≤ the period's last month of
#                             that year (0 when it has none) — "completed ytd ÷ annual plan", also for a
#                             month or a quarter
#   completed_production_rate_pct 竣工投产率: of the projects whose planned 投产 date is in [S, E], those
#                             that reached 投产 by E
#   performance_rate_pct      履约率: of the projects signed by E whose planned 开工 date is ≤ E (the
#                             contract's start has fallen due, in any year), those that reached 开工 by E
#   funds_in_place_pct        资金到位率: Σ 累计到位资金 ÷ Σ 签约金额, over the projects signed by E whose latest
#                             progress row of the year gives a funds figure
#   conversion_rate_pct       立项转化率: signed_count ÷ the projects in the pipeline during the period
#                             (not signed before S: never signed, or signed on or after S)
#   industry_fit_pct          产业契合度: industrial projects (Project.is_industrial) signed in the period ÷
#                             signed_count ("industrial ÷ all new projects")
#   bands                     the projects signed in the period by total investment, lower bound inclusive,
#                             upper exclusive: 0.3–1亿 = [3,000, 10,000) 万元, 1–2亿 = [10,000, 20,000),
#                             2–10亿 = [20,000, 100,000), ≥10亿 = [100,000, ∞); below 0.3亿 is in no band
#   quota (引进指标)           from definitions/projects/quotas.yaml: a park with a rule for the year must have
#                             ≥ min_count projects signed from 1 January to E with total investment
#                             ≥ min_investment (industrial ones only when the rule says so).
#                             quota_met: true when it has them, false when not (yet), null for a unit with
#                             no rule (every county, the municipal parks). veto (一票否决): true only when the
#                             period reaches the year end (month 12, Q4, the year) and quota_met is false;
#                             before the year end a missing quota shows quota_met false with veto false
#                             ("尚未完成", still possible).
# 赛马 inputs per county: overdue_starts = projects whose planned 开工 date is ≤ E without a start by E;
#   falsified = projects flagged 弄虚作假 (Project.is_falsified); top500_investors = projects signed in the
#   period whose investor_flags include fortune500, china500 or private500 (a project counts once).

BANDS: tuple[tuple[str, str, float, float], ...] = (
    ("0.3-1", "0.3—1亿元", 3_000.0, 10_000.0),
    ("1-2", "1—2亿元", 10_000.0, 20_000.0),
    ("2-10", "2—10亿元", 20_000.0, 100_000.0),
    ("10+", "10亿元及以上", 100_000.0, float("inf")),
)
TOP500_FLAGS = ("fortune500", "china500", "private500")
RATE_FIGURES: dict[str, tuple[str, str]] = {
    # rate code: (numerator column, denominator column) of the unit sums
    "started_rate_pct": ("started_of_due", "start_due_in"),
    "investment_completion_pct": ("ytd_planned", "plan"),
    "completed_production_rate_pct": ("producing_of_due", "production_due_in"),
    "performance_rate_pct": ("performed", "contract_due"),
    "funds_in_place_pct": ("funds", "funds_base"),
    "conversion_rate_pct": ("signed_in", "pipeline"),
    "industry_fit_pct": ("industrial_signed", "signed_in"),
}
FIGURE_LABELS = {
    "signed_count": ("签约项目", "个"), "signed_amount": ("签约金额", "万元"),
    "started_rate_pct": ("开工率", "%"), "investment_completion_pct": ("投资完成率", "%"),
    "completed_production_rate_pct": ("竣工投产率", "%"), "performance_rate_pct": ("履约率", "%"),
    "funds_in_place_pct": ("资金到位率", "%"), "conversion_rate_pct": ("立项转化率", "%"),
    "industry_fit_pct": ("产业契合度", "%"),
}


@dataclass(frozen=True)
class Window:
    """A cumulative period's window: 1 January of `year` to the last day of `last_month`."""

    year: int
    last_month: int

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 1, 1)

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, self.last_month, 1) + pd.offsets.MonthEnd(0)

    @property
    def year_end(self) -> bool:
        return self.last_month == 12


def reached_dates(stages: pd.DataFrame) -> pd.DataFrame:
    """Per project, the date it reached each stage: the earliest actual date of that stage or a later one.

    `stages`: project_id and one column `actual_<stage>` per stage of STAGE_ORDER (dates or NaT; missing
    columns are taken as NaT). Returns project_id-indexed columns `reached_<stage>` (datetime64)."""
    frame = stages.set_index("project_id")
    cols = [f"actual_{s}" for s in STAGE_ORDER]
    wide = pd.DataFrame({c: pd.to_datetime(frame[c]) if c in frame.columns else pd.NaT for c in cols},
                        index=frame.index)
    # A reverse cumulative minimum along the stages: the earliest date on this stage or any later one.
    values = wide.to_numpy(dtype="datetime64[ns]")
    as_int = values.view("int64").copy()
    nat = np.iinfo("int64").min
    as_int[as_int == nat] = np.iinfo("int64").max
    rev = np.minimum.accumulate(as_int[:, ::-1], axis=1)[:, ::-1]
    rev[rev == np.iinfo("int64").max] = nat
    return pd.DataFrame(rev.view("datetime64[ns]"), index=wide.index, columns=[f"reached_{s}" for s in STAGE_ORDER])


def project_figures(projects: pd.DataFrame, stages: pd.DataFrame, progress: pd.DataFrame, plans: pd.DataFrame,
                    window: Window) -> pd.DataFrame:
    """One row per project with the 0/1 and amount columns the unit figures sum.

    projects: id, county_id, park_id, total_investment, contract_amount (NaN = blank), is_industrial,
      is_falsified, is_top500 (bool); stages: as `reached_dates` plus planned_started and planned_producing
      (the planned 开工 and 投产 dates); progress: project_id, ytd_investment, funds_in_place (the latest
      current row of the year ≤ the last month; NaN = none); plans: project_id, planned_investment.
    """
    s, e = window.start, window.end
    p = projects.set_index("id")
    reached = reached_dates(stages).reindex(p.index)
    planned = stages.set_index("project_id")[["planned_started", "planned_producing"]].reindex(p.index)
    planned_start = pd.to_datetime(planned["planned_started"])
    planned_prod = pd.to_datetime(planned["planned_producing"])
    signed_on, started_on = reached["reached_signed"], reached["reached_started"]
    producing_on = reached["reached_producing"]
    signed_in = (signed_on >= s) & (signed_on <= e)
    signed_by = signed_on <= e
    started_by = started_on <= e
    start_due_in = (planned_start >= s) & (planned_start <= e)
    start_due_by = planned_start <= e
    production_due_in = (planned_prod >= s) & (planned_prod <= e)
    total = p["total_investment"].astype(float)
    base = p["contract_amount"].astype(float).fillna(total)
    prog = progress.set_index("project_id").reindex(p.index)
    ytd = prog["ytd_investment"].astype(float).fillna(0.0)
    funds = prog["funds_in_place"].astype(float)
    plan = plans.set_index("project_id")["planned_investment"].astype(float).reindex(p.index)
    has_plan = plan.notna()
    has_funds = signed_by & funds.notna()
    out = pd.DataFrame({
        "county_id": p["county_id"], "park_id": p["park_id"], "total_investment": total,
        "signed_in": signed_in.astype(int), "signed_amount": base.where(signed_in, 0.0),
        "start_due_in": start_due_in.astype(int), "started_of_due": (start_due_in & started_by).astype(int),
        "plan": plan.fillna(0.0), "ytd_planned": ytd.where(has_plan, 0.0),
        "production_due_in": production_due_in.astype(int),
        "producing_of_due": (production_due_in & (producing_on <= e)).astype(int),
        "contract_due": (signed_by & start_due_by).astype(int),
        "performed": (signed_by & start_due_by & started_by).astype(int),
        "funds": funds.where(has_funds, 0.0).fillna(0.0), "funds_base": base.where(has_funds, 0.0),
        "pipeline": (~(signed_on < s)).astype(int),
        "industrial_signed": (signed_in & p["is_industrial"].astype(bool)).astype(int),
        "overdue_starts": (start_due_by & ~started_by).astype(int),
        "falsified": p["is_falsified"].astype(bool).astype(int),
        "top500_investors": (signed_in & p["is_top500"].astype(bool)).astype(int),
    }, index=p.index)
    for code, _label, low, high in BANDS:
        out[f"band_{code}"] = (signed_in & (total >= low) & (total < high)).astype(int)
    return out


SUM_COLUMNS = ("signed_in", "signed_amount", "start_due_in", "started_of_due", "plan", "ytd_planned",
               "production_due_in", "producing_of_due", "contract_due", "performed", "funds", "funds_base",
               "pipeline", "industrial_signed", "overdue_starts", "falsified", "top500_investors",
               *(f"band_{b[0]}" for b in BANDS))


def ratio_pct(num: pd.Series, den: pd.Series) -> pd.Series:
    """num ÷ den × 100, NaN where den is 0 (the figure is "—")."""
    den = den.astype(float)
    return (num.astype(float) / den.where(den != 0) * 100.0).astype(float)


def unit_figures(per_project: pd.DataFrame, unit_column: str, unit_ids: list[int]) -> pd.DataFrame:
    """Sum the per-project columns by unit (county_id or park_id) and compute the rates; one row per unit of
    `unit_ids` (a unit without a project has zero counts and null rates)."""
    sums = (per_project.dropna(subset=[unit_column]).groupby(unit_column)[list(SUM_COLUMNS)].sum()
            .reindex(unit_ids, fill_value=0))
    sums.index = sums.index.astype(int)
    out = sums.rename(columns={"signed_in": "signed_count"}).copy()
    for code, (num, den) in RATE_FIGURES.items():
        out[code] = ratio_pct(sums[num], sums[den])
    out["project_count"] = per_project.groupby(unit_column).size().reindex(unit_ids, fill_value=0).to_numpy()
    return out


def quota_status(per_project: pd.DataFrame, rules: list[dict[str, Any]], unit_codes: pd.Series,
                 window: Window) -> pd.DataFrame:
    """quota_required, quota_brought_in, quota_met (True/False/None) and veto per park id of `unit_codes`
    (index = unit id, values = unit code) for the year's rules (see the section's comment)."""
    out = pd.DataFrame(index=unit_codes.index)
    out["quota_label"] = None
    out["quota_required"] = np.nan
    out["quota_min_investment"] = np.nan
    out["quota_brought_in"] = np.nan
    signed = per_project[per_project["signed_in"] == 1]
    for rule in rules:
        ids = unit_codes.index[unit_codes.isin(rule["units"])]
        mask = signed["total_investment"] >= float(rule["min_investment"])
        if rule.get("industrial_only", True):
            mask &= signed["industrial_signed"] == 1
        counts = signed[mask].groupby("park_id").size()
        out.loc[ids, "quota_label"] = rule["label"]
        out.loc[ids, "quota_required"] = float(rule["min_count"])
        out.loc[ids, "quota_min_investment"] = float(rule["min_investment"])
        out.loc[ids, "quota_brought_in"] = counts.reindex(ids, fill_value=0).to_numpy(dtype=float)
    has_rule = out["quota_required"].notna()
    met = out["quota_brought_in"] >= out["quota_required"]
    out["quota_met"] = pd.Series(np.where(has_rule, met, None), index=out.index, dtype=object)
    out["veto"] = (has_rule & ~met & window.year_end).astype(bool)
    return out


def league_frame(figures: pd.DataFrame, codes: pd.Series, names: pd.Series) -> pd.DataFrame:
    """The scoring engine's frame for the county 赛马 (scheme projects-saima): one row per county with the
    item inputs (rates rounded to 2 decimals as published, NaN where "—") and the adjustment counts."""
    return pd.DataFrame({
        "credit_code": codes.to_numpy(), "name": names.to_numpy(), "league": "county",
        "signed_amount": figures["signed_amount"].astype(float).round(2).to_numpy(),
        **{c: figures[c].round(2).to_numpy() for c in RATE_FIGURES},
        "overdue_starts": figures["overdue_starts"].to_numpy(dtype=float),
        "falsified": figures["falsified"].to_numpy(dtype=float),
        "top500_investors": figures["top500_investors"].to_numpy(dtype=float),
    })


def rank_changes(now: pd.Series, before: pd.Series) -> pd.Series:
    """进位/退位 per unit code: previous rank − rank (positive = moved up); NaN without a previous rank."""
    prev = before.reindex(now.index)
    return (prev - now).astype(float)


def league_narrative(units: list[dict[str, Any]], period_label: str, *, previous_label: str | None,
                     min_reporting: int) -> list[str]:
    """Chinese sentences from the league's numbers only: who leads, who moved most, who was deducted or
    got a bonus. `units` are the league rows (rank order, with total, rank, rank_change, deductions, bonus,
    overdue_starts, falsified, top500_investors)."""
    ranked = [u for u in units if u["rank"] is not None]
    if len(ranked) < min_reporting:
        return [f"{period_label}参评县市区不足{min_reporting}个，不排名次。"]
    first = [u for u in ranked if u["rank"] == 1]
    lead = "、".join(u["name"] for u in first)
    text = [f"{period_label}县市区重大项目赛马，{lead}以 {first[0]['total']:.2f} 分{'并列' if len(first) > 1 else ''}居第一"]
    last_rank = max(u["rank"] for u in ranked)
    last = [u for u in ranked if u["rank"] == last_rank]
    if last_rank > 1:
        text[0] += f"，{'、'.join(u['name'] for u in last)}以 {last[0]['total']:.2f} 分居末位"
    text[0] += f"（共 {len(ranked)} 个县市区参评）。"
    moves = [u for u in ranked if u.get("rank_change") is not None]
    if previous_label is None or not moves:
        text.append("上期没有可比的排名，本期不计进位、退位。")
    else:
        up = max(u["rank_change"] for u in moves)
        down = min(u["rank_change"] for u in moves)
        if up <= 0 and down >= 0:
            text.append(f"与{previous_label}相比，各县市区名次没有变化。")
        else:
            if up > 0:
                who = [u for u in moves if u["rank_change"] == up]
                text.append(f"与{previous_label}相比，进位最多的是{'、'.join(_move(u) for u in who)}，"
                            f"上升 {up} 位。")
            if down < 0:
                who = [u for u in moves if u["rank_change"] == down]
                text.append(f"退位最多的是{'、'.join(_move(u) for u in who)}，下降 {-down} 位。")
    deducted = sorted((u for u in ranked if u["deductions"] > 0), key=lambda u: (-u["deductions"], u["rank"]))
    if deducted:
        parts = []
        for u in deducted:
            why = []
            if u["overdue_starts"]:
                why.append(f"逾期未开工 {u['overdue_starts']} 个")
            if u["falsified"]:
                why.append(f"弄虚作假 {u['falsified']} 个")
            parts.append(f"{u['name']}扣 {u['deductions']:.2f} 分（{'、'.join(why)}）")
        text.append(f"{len(deducted)} 个县市区被扣分：{'；'.join(parts)}。")
    else:
        text.append("本期没有县市区因逾期未开工或弄虚作假被扣分。")
    bonus = sorted((u for u in ranked if u["bonus"] > 0), key=lambda u: (-u["bonus"], u["rank"]))
    if bonus:
        text.append("引进500强企业投资项目加分：" + "；".join(
            f"{u['name']} {u['top500_investors']} 个，加 {u['bonus']:.2f} 分" for u in bonus) + "。")
    return text


def _move(u: dict[str, Any]) -> str:
    return f"{u['name']}（由第 {u['rank'] + u['rank_change']} 位升至第 {u['rank']} 位）" if u["rank_change"] > 0 \
        else f"{u['name']}（由第 {u['rank'] + u['rank_change']} 位降至第 {u['rank']} 位）"


def window_of(year: int, kind: str, n: int) -> Window:
    """The window of a period given as (year, kind Y/Q/M, n)."""
    last = 12 if kind == "Y" else 3 * n if kind == "Q" else n
    return Window(year, last)


def date_or_nat(value: dt.date | None) -> pd.Timestamp:
    return pd.Timestamp(value) if value is not None else pd.NaT
