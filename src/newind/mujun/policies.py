"""Differentiated policies per class (definitions/mujun_policies/*.yaml): which firms a policy hits in an
evaluation and by how much, e.g. Shandong's D-class electricity surcharge (+0.05 / +0.10 / +0.15 元/kWh
after 1 / 2 / 3+ consecutive D years). The arithmetic (`policy_amounts`) is pure and set-wise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.conf import settings

from newind.core.errors import AppError


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    source: str
    applies_to_class: str
    base_indicator: str
    base_unit: str
    rate_unit: str
    amount_unit: str
    steps: tuple[tuple[int, float], ...]  # (consecutive years, rate), ascending years


def policy_dir() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "mujun_policies"


def load_policy(code: str) -> Policy:
    path = policy_dir() / f"{code}.yaml"
    if not path.exists():
        known = "、".join(sorted(p.stem for p in policy_dir().glob("*.yaml"))) or "无"
        raise AppError(f"找不到差别化政策「{code}」：可选 {known}。", status=404, code="not_found")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = tuple(sorted((int(s["years"]), float(s["rate"])) for s in data.get("steps", [])))
    if not steps or steps[0][0] != 1 or any(b[0] != a[0] + 1 for a, b in zip(steps, steps[1:], strict=False)):
        raise AppError(f"差别化政策「{code}」的档次应从连续 1 年起逐年设置。")
    return Policy(code=str(data["code"]), name=str(data["name"]), source=str(data.get("source", "")),
                  applies_to_class=str(data["applies_to_class"]), base_indicator=str(data["base_indicator"]),
                  base_unit=str(data["base_unit"]), rate_unit=str(data["rate_unit"]),
                  amount_unit=str(data["amount_unit"]), steps=steps)


def all_policies() -> list[Policy]:
    return [load_policy(p.stem) for p in sorted(policy_dir().glob("*.yaml"))]


def consecutive_years(classes: pd.DataFrame, year: int, klass: str, up_to: int) -> pd.Series:
    """Per firm (index credit_code): how many consecutive years ending in `year` it was in `klass`
    (0 when not this year), counted up to `up_to`. `classes` has columns credit_code, year, klass."""
    wide = classes.pivot_table(index="credit_code", columns="year", values="klass", aggfunc="last")
    streak = pd.Series(0, index=wide.index, dtype=int)
    alive = pd.Series(True, index=wide.index)
    for back in range(up_to):  # one pass per year looked back (≤ the policy's steps), not per firm
        col = year - back
        hit = (wide[col] == klass) if col in wide.columns else pd.Series(False, index=wide.index)
        alive &= hit.fillna(False).astype(bool)
        streak += alive.astype(int)
    return streak


def policy_amounts(policy: Policy, firms: pd.DataFrame, classes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The firms the policy hits in `year`: credit_code, name, class, consecutive years, rate, base, amount.

    `firms` has credit_code, name, klass and `base` (the base indicator's value, e.g. 用电量 万千瓦时);
    `classes` the class history (credit_code, year, klass) including `year`."""
    top = policy.steps[-1][0]
    streak = consecutive_years(classes, year, policy.applies_to_class, top)
    hit = firms[firms["klass"] == policy.applies_to_class].copy()
    hit["years"] = hit["credit_code"].map(streak).fillna(1).astype(int).clip(lower=1, upper=top)
    rates = dict(policy.steps)
    hit["rate"] = hit["years"].map(rates).astype(float)
    hit["amount"] = np.round(hit["rate"] * hit["base"].astype(float), 2)
    return hit.sort_values(["amount", "credit_code"], ascending=[False, True]).reset_index(drop=True)


def run_policy_amounts(run: Any, policy: Policy) -> pd.DataFrame:
    """The policy applied to a stored run: class history from the latest run of each earlier year of the
    same scope, the base indicator from the spine's current annual figures."""
    from newind.indicators.models import Observation
    from newind.mujun.models import EvaluationRun, FirmResult

    earlier = (EvaluationRun.objects.filter(scope_code=run.scope_code, year__lt=run.year, year__gte=run.year - 10)
               .order_by("year", "-version"))
    latest_by_year: dict[int, int] = {}
    for r in earlier.values("pk", "year"):  # a few years at most
        latest_by_year.setdefault(r["year"], r["pk"])
    run_ids = [run.pk, *latest_by_year.values()]
    classes = pd.DataFrame(list(FirmResult.objects.filter(run_id__in=run_ids).values_list(
        "credit_code", "run__year", "klass")), columns=["credit_code", "year", "klass"])
    firms = pd.DataFrame(list(run.results.values_list("credit_code", "name", "klass", "unit_id")),
                         columns=["credit_code", "name", "klass", "unit_id"])
    base = pd.DataFrame(list(Observation.objects.filter(
        indicator__code=policy.base_indicator, year=run.year, period_kind="Y", is_current=True,
        unit_id__in=firms.loc[firms["klass"] == policy.applies_to_class, "unit_id"].dropna().tolist())
        .values_list("unit_id", "value")), columns=["unit_id", "value"])
    firms["base"] = firms["unit_id"].map(base.set_index("unit_id")["value"].astype(float)) if not base.empty else np.nan
    return policy_amounts(policy, firms, classes, run.year)
