"""Synthetic firms for the scale benchmark (labelled 示例数据; not the demo data of issue 10 item 6).

Skewed (log-normal) land, output and intensities, correlated through one 'efficiency' factor per firm,
so benchmarks and classes behave as in a real year. Built with numpy in one go (no loop per firm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTIES = ["430602", "430603", "430611", "430621", "430623", "430624", "430626", "430681", "430682"]


def synthetic_frame(firms: int = 20_000, *, seed: int = 2017, above_share: float = 0.75) -> pd.DataFrame:
    """`firms` synthetic firms in the evaluation frame's shape (see newind.scoring.calc)."""
    rng = np.random.default_rng(seed)
    n = firms
    above = rng.random(n) < above_share
    eff = rng.normal(0.0, 0.6, n)  # one efficiency factor moves every ratio of a firm together
    land = np.round(np.exp(rng.normal(np.where(above, 3.6, 2.3), 0.8, n)), 1) + 1.0
    sales = land * np.exp(rng.normal(np.where(above, 5.6, 4.6), 0.6, n) + eff)
    va = sales * np.clip(rng.normal(0.25, 0.06, n), 0.05, 0.6)
    tax = sales * np.clip(rng.normal(0.04, 0.015, n), 0.002, 0.15) * np.exp(0.3 * eff)
    energy = va / np.exp(rng.normal(0.8, 0.7, n) + 0.5 * eff)
    emissions = va / np.exp(rng.normal(3.0, 0.9, n) + 0.5 * eff)
    emissions[rng.random(n) < 0.08] = np.nan  # some firms report no emission figure
    rd = sales * np.clip(rng.normal(0.015, 0.012, n), 0.0005, 0.1)
    employees = np.maximum(np.round(va / np.exp(rng.normal(2.5, 0.5, n) + 0.3 * eff)), 1.0)
    power = energy * np.exp(rng.normal(-0.2, 0.3, n)) * 0.8
    flag = np.full(n, "", dtype=object)
    draw = rng.random(n)
    flag[draw < 0.01] = "否决"
    flag[(draw >= 0.01) & (draw < 0.03)] = "保护"
    flag[(draw >= 0.03) & (draw < 0.035)] = "不参评"
    frame = pd.DataFrame({
        "credit_code": [f"SYN{i:015d}" for i in range(n)],
        "name": [f"示例数据企业{i:05d}" for i in range(n)],
        "size": np.where(above, "above", "below"),
        "county": rng.choice(COUNTIES, n),
        "park": np.where(rng.random(n) < 0.6, rng.choice([f"P{j:02d}" for j in range(1, 9)], n), ""),
        "industry": rng.choice(["C13", "C26", "C30", "C33", "C34", "C38", "C39"], n),
        "is_utility": rng.random(n) < 0.01,
        "land_area": land, "tax_paid": np.round(tax, 2), "value_added": np.round(va, 2),
        "sales_revenue": np.round(sales, 2), "energy_use": np.round(energy, 2), "emissions": emissions,
        "rd_spending": np.round(rd, 2), "avg_employees": employees, "power_use": np.round(power, 2),
        "flag": flag, "flag_reason": np.where(flag != "", "示例数据", ""),
    })
    return frame
