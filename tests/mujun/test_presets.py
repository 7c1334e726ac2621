"""The two presets beside the default, each on a small table worked out by hand: Huai'an 2024 (45/35/20,
benchmark = 2 × the aggregate, no cap, cut-offs 20/60/95) and Shandong 2019 (five 规上 indicators, 规下 not
in the scheme)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newind.mujun.calc import evaluation_document
from newind.scoring.calc import evaluate
from newind.scoring.schemes import load_scheme

INPUTS = ["land_area", "tax_paid", "value_added", "sales_revenue", "energy_use", "emissions", "rd_spending",
          "avg_employees", "power_use"]


def frame(rows: list[dict]) -> pd.DataFrame:
    f = pd.DataFrame(rows)
    for c in INPUTS:
        f[c] = f.get(c, np.nan)
        f[c] = f[c].astype(float)
    f["name"] = f["credit_code"]
    return f


# Four 规上 firms (land, tax, sales, energy): Σland 50, Σtax 160, Σsales 3000, Σenergy 500.
# Huai'an benchmarks = 2 × aggregate: tax_per_mu 2 × 160/50 = 6.4; sales_per_mu 2 × 3000/50 = 120;
# tax_per_energy 2 × 160/500 = 0.64.
HUAIAN_ROWS = [
    {"credit_code": "H1", "size": "above", "land_area": 10, "tax_paid": 100, "sales_revenue": 1000, "energy_use": 100},
    {"credit_code": "H2", "size": "above", "land_area": 10, "tax_paid": 20, "sales_revenue": 500, "energy_use": 50},
    {"credit_code": "H3", "size": "above", "land_area": 20, "tax_paid": 20, "sales_revenue": 1000, "energy_use": 100},
    {"credit_code": "H4", "size": "above", "land_area": 10, "tax_paid": 20, "sales_revenue": 500, "energy_use": 250},
]


def test_huaian_2024_by_hand() -> None:
    scheme = load_scheme("mujun-huaian-2024")
    ev = evaluate(frame(HUAIAN_ROWS), scheme)
    assert ev.benchmarks["above"] == pytest.approx({"tax_per_mu": 6.4, "sales_per_mu": 120.0, "tax_per_energy": 0.64})
    hand = {
        # H1's tax ratios are 10/6.4 = 1.5625 and 1.0/0.64 = 1.5625: above 1.5, and not capped here.
        "H1": 45 * (10 / 6.4) + 35 * (100 / 120) + 20 * (1.0 / 0.64),  # 130.73
        "H2": 45 * (2 / 6.4) + 35 * (50 / 120) + 20 * (0.4 / 0.64),  # 41.15
        "H3": 45 * (1 / 6.4) + 35 * (50 / 120) + 20 * (0.2 / 0.64),  # 27.86
        "H4": 45 * (2 / 6.4) + 35 * (50 / 120) + 20 * (0.08 / 0.64),  # 31.15
    }
    firms = ev.firms.set_index("credit_code")
    for code, points in hand.items():
        assert firms.loc[code, "item_points"] == pytest.approx(points), code
        assert firms.loc[code, "total"] == round(points + 1e-9, 2), code
    # n = 4: A ≤ round(0.8) = 1, B ≤ round(2.4) = 2, C ≤ round(3.8) = 4 → H1 A, H2 B, H4 C, H3 C.
    assert firms["rank"].to_dict() == {"H1": 1, "H2": 2, "H3": 4, "H4": 3}
    assert firms["class_initial"].to_dict() == {"H1": "A", "H2": "B", "H3": "C", "H4": "C"}
    assert ev.cutoffs["above"] == {"A": 1, "B": 2, "C": 4}


def test_huaian_what_it_would_take_has_no_cap_to_hit() -> None:
    # H2 (41.15, B) → A needs H1's 130.73 (raw ≥ 130.725). Per 万元 of tax: tax_per_mu 45 ÷ (10 × 6.4)
    # and tax_per_energy 20 ÷ (50 × 0.64), no cap: (130.725 − raw) ÷ (0.703125 + 0.625).
    scheme = load_scheme("mujun-huaian-2024")
    ev = evaluate(frame(HUAIAN_ROWS), scheme)
    doc = evaluation_document(frame(HUAIAN_ROWS), scheme, year=2024, scope="320800", evaluation=ev)
    h2 = next(f for f in doc["firms"] if f["credit_code"] == "H2")
    raw = 45 * (2 / 6.4) + 35 * (50 / 120) + 20 * (0.4 / 0.64)
    expected = np.ceil((130.725 - raw) / (45 / 64 + 20 / 32) * 100) / 100
    assert h2["what_it_would_take"]["next_class"] == "A"
    assert h2["what_it_would_take"]["increase"] == pytest.approx(expected)


def test_shandong_2019_by_hand_and_below_size_firms_are_outside() -> None:
    scheme = load_scheme("mujun-shandong-2019")
    rows = [
        {"credit_code": "S1", "size": "above", "land_area": 10, "tax_paid": 30, "value_added": 200,
         "sales_revenue": 1000, "energy_use": 100, "emissions": 10, "rd_spending": 30, "avg_employees": 20},
        {"credit_code": "S2", "size": "above", "land_area": 10, "tax_paid": 10, "value_added": 100,
         "sales_revenue": 1000, "energy_use": 400, "emissions": 40, "rd_spending": 10, "avg_employees": 20},
        {"credit_code": "S3", "size": "below", "land_area": 5, "tax_paid": 5, "power_use": 10},
    ]
    ev = evaluate(frame(rows), scheme)
    # Σland 20, Σtax 40 → 2; Σsales 2000 / Σenergy 500 → 4; / Σemissions 50 → 40; Σrd 40 / Σsales → 2 %;
    # Σva 300 / Σemployees 40 → 7.5.
    assert ev.benchmarks["above"] == pytest.approx({"tax_per_mu": 2.0, "sales_per_energy": 4.0,
                                                    "sales_per_emission": 40.0, "rd_intensity": 2.0,
                                                    "labour_productivity": 7.5})
    s1 = 40 * 1.5 + 20 * 1.5 + 15 * 1.5 + 10 * 1.5 + 15 * (10 / 7.5)  # 3/2, 10/4, 100/40 and 3/2 all capped
    s2 = 40 * 0.5 + 20 * (2.5 / 4) + 15 * (25 / 40) + 10 * 0.5 + 15 * (5 / 7.5)
    firms = ev.firms.set_index("credit_code")
    assert firms.loc["S1", "item_points"] == pytest.approx(s1)
    assert firms.loc["S2", "item_points"] == pytest.approx(s2)
    assert firms.loc["S3", "status"] == "outside"
    assert firms.loc["S3", "reason"] == f"方案「{scheme.name}」不评价规下企业，不参与评价"
    assert ev.rated_among == {"above": 2}
