"""The county 重大项目赛马 league table: the portfolio figures of the counties scored by a unit scheme on the
scoring engine (definitions/schemes/projects-saima.yaml), ranked, compared with the previous period's rank
(进位/退位) and told in Chinese sentences made from the numbers. The one read behind
`newind projects league`, the page /projects/league/, the API /api/projects/league, the report section
and the dashboard (`league_table`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.indicators.calc import MIN_REPORTING
from newind.indicators.periods import Period
from newind.projects import calc
from newind.projects.portfolio import Portfolio, as_period, compute, previous_period, read_registry
from newind.scoring.calc import Evaluation, evaluate
from newind.scoring.schemes import Scheme, load_scheme

DEFAULT_SCHEME = "projects-saima"


def unit_scheme(code: str) -> Scheme:
    scheme = load_scheme(code)
    if scheme.kind != "unit":
        raise AppError(f"评价方案「{scheme.name}」是企业评价方案，不能用于县市区赛马：请选择 kind 为 unit 的方案。")
    return scheme


def score(portfolio: Portfolio, scheme: Scheme) -> Evaluation:
    counties = portfolio.counties()
    return evaluate(calc.league_frame(counties, counties["code"], counties["name"]).reset_index(drop=True), scheme)


def _ranks(portfolio: Portfolio, scheme: Scheme) -> tuple[Evaluation, pd.Series]:
    ev = score(portfolio, scheme)
    rated = ev.firms["status"] == "rated"
    rank = pd.Series(ev.firms["rank"].to_numpy(), index=ev.firms["credit_code"].to_numpy())
    if int(rated.sum()) < MIN_REPORTING:  # no rank among fewer than MIN_REPORTING peers
        rank[:] = np.nan
    return ev, rank


def league_table(period: Period | str, scheme_code: str = DEFAULT_SCHEME) -> dict[str, Any]:
    """The league JSON of `newind projects league --format json` (the report and the dashboard call this):
    {"period", "scheme", "units": [{"code", "name", "items": [{"code", "value", "points"}], "deductions",
    "bonus", "total", "rank", "rank_change", …}], "narrative": [...]}, units in rank order."""
    period = as_period(period)
    scheme = unit_scheme(scheme_code)
    registry = read_registry()  # the projects and stage dates, read once for both periods
    now = compute(period, registry)
    ev, rank = _ranks(now, scheme)
    before = previous_period(period)
    _, prev_rank = _ranks(compute(before, registry), scheme)
    has_previous = bool(prev_rank.notna().any())
    change = calc.rank_changes(rank, prev_rank) if has_previous else pd.Series(np.nan, index=rank.index)
    group = scheme.groups[0]
    items = ev.items.pivot_table(index="row", columns="item", values="points", aggfunc="first")
    values = ev.items.pivot_table(index="row", columns="item", values="value", aggfunc="first", dropna=False)
    firms = ev.firms
    counties = now.counties().reset_index(drop=True)
    rows: list[dict[str, Any]] = []
    for i in firms.index:  # one row per county (a dozen), not per project
        code = firms.at[i, "credit_code"]
        rated = firms.at[i, "status"] == "rated"
        r = rank.get(code)
        ch = change.get(code)
        rows.append({
            "code": code, "name": firms.at[i, "name"],
            "items": [{"code": it.code, "label": it.label, "unit": it.unit,
                       "value": _num(values.at[i, it.code]) if rated and i in values.index else None,
                       "points": _num(items.at[i, it.code], 4) if rated and i in items.index else None}
                      for it in group.items],
            "item_points": _num(firms.at[i, "item_points"], 4),
            "deductions": _num(firms.at[i, "malus"], 4) or 0.0, "bonus": _num(firms.at[i, "bonus"], 4) or 0.0,
            "total": _num(firms.at[i, "total"]),
            "rank": None if r is None or pd.isna(r) else int(r),
            "rank_change": None if ch is None or pd.isna(ch) else int(ch),
            "previous_rank": None if prev_rank.get(code) is None or pd.isna(prev_rank.get(code))
            else int(prev_rank[code]),
            "overdue_starts": int(counties.at[i, "overdue_starts"]), "falsified": int(counties.at[i, "falsified"]),
            "top500_investors": int(counties.at[i, "top500_investors"]),
            "reason": firms.at[i, "reason_rank"] or firms.at[i, "reason"],
        })
    rows.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, u["code"]))
    narrative = calc.league_narrative(rows, period.label, previous_label=before.label if has_previous else None,
                                      min_reporting=MIN_REPORTING)
    return {
        "period": period.key, "period_label": period.label, "scheme": scheme.code,
        "scheme_version": scheme.version, "scheme_name": scheme.name, "scheme_sha256": scheme.sha256,
        "scheme_source": scheme.source, "previous_period": before.key if has_previous else None,
        "synthetic": now.synthetic, "units": rows, "narrative": narrative,
    }


def _num(v: Any, decimals: int = 2) -> float | None:
    from newind.scoring.calc import round_half_up

    return None if v is None or pd.isna(v) else float(round_half_up(float(v), decimals))
