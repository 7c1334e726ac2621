"""The issue's hand-made table of 12 firms (issue 10, "Done when"), scored by definitions/schemes/mujun-default.yaml.

Nine 规上 firms (A1–A9) and three 规下 firms (B1–B3), with: a 规上 firm without an emissions figure (A3), a
vetoed firm (A5, 否决), a protected firm (A7, 保护), a utility (A9, 公用事业 → T, left out of n and of the
benchmarks although its figures would change them a lot), a tie (A4 = A6, on the B/C boundary rank), and a
规下 firm without a power figure (B3, not rated with the reason). Every expected number below is worked
out by hand from the table, written as the arithmetic itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from newind.mujun.calc import evaluation_document
from newind.scoring.calc import class_counts, evaluate
from newind.scoring.schemes import load_scheme
from newind.scoring.whatif import increase_to_next_class

NAN = float("nan")
COLUMNS = ["credit_code", "size", "land_area", "tax_paid", "value_added", "sales_revenue", "energy_use",
           "emissions", "rd_spending", "avg_employees", "power_use", "flag", "is_utility"]
ROWS = [
    # code  size    land  tax  va   sales energy emis  rd  emp  power  flag   utility
    ("A1", "above", 10, 60, 300, 1800, 100, 10, 54, 30, NAN, "", False),
    ("A2", "above", 20, 40, 200, 800, 100, 20, 16, 70, NAN, "", False),
    ("A3", "above", 10, 20, 100, 500, 50, NAN, 10, 20, NAN, "", False),  # no emissions figure
    ("A4", "above", 10, 10, 100, 400, 50, 10, 2, 20, NAN, "", False),  # tie with A6
    ("A5", "above", 10, 30, 150, 600, 50, 15, 12, 30, NAN, "否决", False),
    ("A6", "above", 10, 10, 100, 400, 50, 10, 2, 20, NAN, "", False),
    ("A7", "above", 20, 10, 50, 300, 100, 25, 3, 10, NAN, "保护", False),
    ("A8", "above", 10, 20, 50, 200, 25, 10, 1, 10, NAN, "", False),
    ("A9", "above", 100, 1, 10, 50, 1000, 100, 1, 50, NAN, "", True),  # utility: class T
    ("B1", "below", 5, 10, NAN, NAN, NAN, NAN, NAN, NAN, 20, "", False),
    ("B2", "below", 15, 10, NAN, NAN, NAN, NAN, NAN, NAN, 30, "", False),
    ("B3", "below", 10, 5, NAN, NAN, NAN, NAN, NAN, NAN, NAN, "", False),  # no power figure
]

# Benchmarks = Σ numerator ÷ Σ denominator over the rated firms of the size class (A1–A8; B1–B2):
#   Σland 10+20+10+10+10+10+20+10 = 100; Σtax 60+40+20+10+30+10+10+20 = 200      → tax_per_mu 2.0
#   Σva 300+200+100+100+150+100+50+50 = 1050                                        → va_per_mu 10.5
#   Σenergy 100+100+50+50+50+50+100+25 = 525                                        → va_per_energy 2.0
#   emissions: only firms that have it (A3 out): Σva 950, Σemis 10+20+10+15+10+25+10 = 100 → 9.5
#   Σemployees 30+70+20+20+30+20+10+10 = 210                                        → labour 5.0
#   Σrd 54+16+10+2+12+2+3+1 = 100, Σsales 1800+800+500+400+600+400+300+200 = 5000    → rd 2.0 %
#   规下: Σland 5+15 = 20, Σtax 20 → 1.0; Σpower 20+30 = 50 → tax_per_power 0.4
BENCHMARKS = {
    "above": {"tax_per_mu": 2.0, "va_per_mu": 10.5, "va_per_energy": 2.0, "va_per_emission": 9.5,
              "labour_productivity": 5.0, "rd_intensity": 2.0},
    "below": {"tax_per_mu": 1.0, "tax_per_power": 0.4},
}


def pts(weight: float, value: float, benchmark: float) -> float:
    """The default rule, by hand: weight × min(value ÷ benchmark, 1.5)."""
    return weight * min(value / benchmark, 1.5)


def above_points(land, tax, va, sales, energy, emis, rd, emp) -> dict[str, float]:  # noqa: ANN001
    return {
        "tax_per_mu": pts(30, tax / land, 2.0),
        "va_per_mu": pts(20, va / land, 10.5),
        "va_per_energy": pts(20, va / energy, 2.0),
        "va_per_emission": NAN if math.isnan(emis) else pts(10, va / emis, 9.5),
        "labour_productivity": pts(10, va / emp, 5.0),
        "rd_intensity": pts(10, rd / sales * 100, 2.0),
    }


# Item points by hand (the formula above, applied to each row):
A = {
    "A1": {"tax_per_mu": 45.0, "va_per_mu": 30.0, "va_per_energy": 30.0, "va_per_emission": 15.0,
           "labour_productivity": 15.0, "rd_intensity": 15.0},  # everything capped at 1.5 × weight
    "A2": {"tax_per_mu": 30.0, "va_per_mu": 20 * 10 / 10.5, "va_per_energy": 20.0, "va_per_emission": 10 * 10 / 9.5,
           "labour_productivity": 10 * (200 / 70) / 5, "rd_intensity": 10.0},
    "A4": {"tax_per_mu": 15.0, "va_per_mu": 20 * 10 / 10.5, "va_per_energy": 20.0, "va_per_emission": 10 * 10 / 9.5,
           "labour_productivity": 10.0, "rd_intensity": 10 * 0.5 / 2},
    "A5": {"tax_per_mu": 45.0, "va_per_mu": 20 * 15 / 10.5, "va_per_energy": 30.0, "va_per_emission": 10 * 10 / 9.5,
           "labour_productivity": 10.0, "rd_intensity": 10.0},
    "A7": {"tax_per_mu": 30 * 0.5 / 2, "va_per_mu": 20 * 2.5 / 10.5, "va_per_energy": 20 * 0.5 / 2,
           "va_per_emission": 10 * 2 / 9.5, "labour_productivity": 10.0, "rd_intensity": 10 * 1 / 2},
    "A8": {"tax_per_mu": 30.0, "va_per_mu": 20 * 5 / 10.5, "va_per_energy": 20.0, "va_per_emission": 10 * 5 / 9.5,
           "labour_productivity": 10.0, "rd_intensity": 10 * 0.5 / 2},
}
A["A6"] = dict(A["A4"])
# A3 has no emissions figure: va_per_emission = the mean points of the 7 rated 规上 firms that have one.
MEAN_EMISSION_POINTS = (15.0 + 10 * 10 / 9.5 * 4 + 10 * 2 / 9.5 + 10 * 5 / 9.5) / 7  # A1, A2/A4/A5/A6, A7, A8
A["A3"] = {"tax_per_mu": 30.0, "va_per_mu": 20 * 10 / 10.5, "va_per_energy": 20.0,
           "va_per_emission": MEAN_EMISSION_POINTS, "labour_productivity": 10.0, "rd_intensity": 10.0}
B = {
    "B1": {"tax_per_mu": 50 * 1.5, "tax_per_power": 50 * (10 / 20) / 0.4},  # 2.0 ÷ 1.0 capped at 1.5
    "B2": {"tax_per_mu": 50 * (10 / 15) / 1.0, "tax_per_power": 50 * (10 / 30) / 0.4},
}
# Totals rounded half-up to 2 decimals (as published), then competition ranks:
#   A1 150.00, A5 134.10, A3 98.26, A2 95.29, A8 77.29, A4 = A6 77.07, A7 34.37.
#   n = 8 rated 规上 (A9 is T): A if r ≤ round(1.6) = 2, B if r ≤ round(6.0) = 6, C if r ≤ round(7.6) = 8.
#   The tie A4 = A6 shares rank 6, so both are B (7 firms in A or B where the cut-off says 6).
#   A5 ranks 2nd (A) but is vetoed: C. A7 ranks 8th (C) and is protected: at worst C, so C.
#   规下: n = 2: A if r ≤ round(0.4) = 0 (none), B if r ≤ round(1.5) = 2: both B.
EXPECTED = {
    # code: (total, rank, class_by_rank, class_initial)
    "A1": (150.00, 1, "A", "A"),
    "A5": (134.10, 2, "A", "C"),
    "A3": (98.26, 3, "B", "B"),
    "A2": (95.29, 4, "B", "B"),
    "A8": (77.29, 5, "B", "B"),
    "A4": (77.07, 6, "B", "B"),
    "A6": (77.07, 6, "B", "B"),
    "A7": (34.37, 8, "C", "C"),
    "B1": (137.50, 1, "B", "B"),
    "B2": (75.00, 2, "B", "B"),
}


@pytest.fixture
def frame() -> pd.DataFrame:
    f = pd.DataFrame(ROWS, columns=COLUMNS)
    f["name"] = "企业" + f["credit_code"]
    for c in COLUMNS[2:11]:
        f[c] = f[c].astype(float)
    return f


@pytest.fixture
def scheme():  # noqa: ANN201
    return load_scheme("mujun-default")


def test_hand_points_agree_with_the_formula_rows() -> None:
    # The hand table of points above is what the formula gives for each row (a check on the test itself).
    rows = {r[0]: r for r in ROWS}
    for code, expected in A.items():
        land, tax, va, sales, energy, emis, rd, emp = rows[code][2:10]
        by_formula = above_points(land, tax, va, sales, energy, emis, rd, emp)
        for item, value in expected.items():
            if not (item == "va_per_emission" and code == "A3"):
                assert by_formula[item] == pytest.approx(value), (code, item)


def test_every_benchmark_equals_the_hand_calculation(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    for group, items in BENCHMARKS.items():
        for item, value in items.items():
            assert ev.benchmarks[group][item] == pytest.approx(value), (group, item)


def test_every_items_points_equal_the_hand_calculation(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    code_of = frame["credit_code"]
    items = ev.items.assign(code=code_of.loc[ev.items["row"]].to_numpy())
    got = {(c, i): p for c, i, p in items[["code", "item", "points"]].itertuples(index=False)}
    expected = {(c, i): p for c, d in {**A, **B}.items() for i, p in d.items()}
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-9), key
    # A3's emissions item is filled, and says so
    a3 = items[(items["code"] == "A3") & (items["item"] == "va_per_emission")].iloc[0]
    assert bool(a3["filled"]) and np.isnan(a3["value"])
    assert "平均得分 9.21" in a3["note"] and "7 家规上参评企业" in a3["note"]


def test_every_total_rank_and_class_equal_the_hand_calculation(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    firms = ev.firms.set_index("credit_code")
    for code, (total, rank, by_rank, initial) in EXPECTED.items():
        row = firms.loc[code]
        hand_total = round(sum({**A, **B}[code].values()) + 1e-9, 2)
        assert hand_total == pytest.approx(total), code
        assert row["total"] == pytest.approx(total), code
        assert int(row["rank"]) == rank, code
        assert row["class_by_rank"] == by_rank, code
        assert row["class_initial"] == initial, code
    assert ev.rated_among == {"above": 8, "below": 2}
    assert ev.cutoffs["above"] == {"A": 2, "B": 6, "C": 8}
    assert ev.cutoffs["below"] == {"A": 0, "B": 2, "C": 2}
    assert class_counts(ev) == {"A": 1, "B": 7, "C": 2, "D": 0, "T": 1}


def test_utility_is_class_t_and_the_firm_without_power_is_not_rated(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    firms = ev.firms.set_index("credit_code")
    assert firms.loc["A9", "status"] == "T" and firms.loc["A9", "class_initial"] == "T"
    assert "公用事业企业" in firms.loc["A9", "reason"] and np.isnan(firms.loc["A9", "rank"])
    assert firms.loc["B3", "status"] == "missing" and firms.loc["B3", "class_initial"] is None
    assert firms.loc["B3", "reason"] == "缺少「用电量」，不参与评价"


def test_the_reasons_explain_the_class(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    firms = ev.firms.set_index("credit_code")
    assert firms.loc["A4", "reason_rank"] == (
        "总分 77.07 分，在 8 家规上参评企业中排第 6 名（2 家并列），不超过B类线（前 round(0.75×8) = 6 名）"
        " → 按排名为B类（鼓励提升类）")
    assert firms.loc["A5", "reason_flag"] == "年度标记「否决」：最高评为C类，由A类调为C类"
    assert firms.loc["A7", "reason_flag"] == "年度标记「保护」：最低评为C类，按排名已不低于C类，不作调整"


def test_protection_lifts_a_d_firm_to_c_when_the_cut_offs_leave_a_d(frame, scheme) -> None:
    # The same table under cut-offs 20 / 50 / 80: n = 8 → A ≤ 2, B ≤ round(4.0) = 4, C ≤ round(6.4) = 6.
    levels = [lv.model_copy(update={"top_share": s}) if s else lv
              for lv, s in zip(scheme.classes.levels, [0.20, 0.50, 0.80, None], strict=True)]
    variant = scheme.model_copy(update={"classes": scheme.classes.model_copy(update={"levels": levels})})
    ev = evaluate(frame, variant)
    firms = ev.firms.set_index("credit_code")
    got = {c: (firms.loc[c, "class_by_rank"], firms.loc[c, "class_initial"]) for c in EXPECTED if c[0] == "A"}
    assert got == {
        "A1": ("A", "A"), "A5": ("A", "C"),  # vetoed
        "A3": ("B", "B"), "A2": ("B", "B"),
        "A8": ("C", "C"), "A4": ("C", "C"), "A6": ("C", "C"),
        "A7": ("D", "C"),  # 8th > 6: D by rank, protected → C
    }
    assert firms.loc["A7", "reason_flag"] == "年度标记「保护」：最低评为C类，由D类调为C类"
    # What it would take A4 (C, rank 6) to reach B: the 4th total, 95.29 (A2), published as 95.29 from
    # a raw total ≥ 95.285. A4's raw total is 15 + 20×10/10.5 + 20 + 10×10/9.5 + 10 + 2.5; tax_per_mu
    # gives 30 × (tax/10)/2 = 1.5 points per 万元 until 45 points (tax 30): the gap is not capped.
    a4_raw = 15 + 20 * 10 / 10.5 + 20 + 10 * 10 / 9.5 + 10 + 2.5
    needed = (95.285 - a4_raw) / 1.5  # 12.1407…
    assert needed == pytest.approx(12.1407, abs=1e-4)
    whatif = increase_to_next_class(ev).set_index(ev.firms["credit_code"])
    assert whatif.loc["A4", "next_class"] == "B"
    assert whatif.loc["A4", "increase"] == pytest.approx(math.ceil(needed * 100) / 100)  # 12.15
    # and it does lift A4 to B against this year's benchmarks, while 0.01 less does not
    for extra, expected_class in [(12.15, "B"), (12.14, "C")]:
        raised = frame.copy()
        raised.loc[raised["credit_code"] == "A4", "tax_paid"] += extra
        again = evaluate(raised, variant, benchmarks=ev.benchmarks).firms.set_index("credit_code")
        assert again.loc["A4", "class_initial"] == expected_class, extra


def test_what_it_would_take_says_why_when_there_is_no_answer(frame, scheme) -> None:
    ev = evaluate(frame, scheme)
    w = increase_to_next_class(ev).set_index(ev.firms["credit_code"])
    assert w.loc["A1", "note"] == "已是最高类（A类）"
    assert w.loc["A5", "note"] == "有否决标记，最高只能评为C类"
    # A8 (B) would need 134.095 − 77.287 points to reach A; tax_per_mu can add at most 45 − 30 = 15.
    assert np.isnan(w.loc["A8", "increase"]) and "全部封顶也达不到" in w.loc["A8", "note"]
    # 规下 has no A places at n = 2.
    assert "没有名额" in w.loc["B2", "note"]


def test_the_json_document_has_the_issue_shape(frame, scheme) -> None:
    doc = evaluation_document(frame, scheme, year=2017, scope="430600")
    assert {"year", "scheme", "scope", "benchmarks", "firms", "not_rated", "class_counts"} <= set(doc)
    assert (doc["year"], doc["scheme"], doc["scope"]) == (2017, "mujun-default", "430600")
    assert doc["benchmarks"] == BENCHMARKS  # rd_intensity in %
    assert doc["class_counts"] == {"A": 1, "B": 7, "C": 2, "D": 0, "T": 1}
    by_code = {f["credit_code"]: f for f in doc["firms"]}
    assert set(by_code) == set(EXPECTED)
    a5 = by_code["A5"]
    assert {"credit_code", "name", "size", "items", "total", "rank", "rated_among", "class_initial", "class",
            "reasons"} <= set(a5)
    assert (a5["size"], a5["total"], a5["rank"], a5["rated_among"]) == ("above", 134.10, 2, 8)
    assert (a5["class_initial"], a5["class"]) == ("C", "C")
    assert a5["reasons"][1] == "年度标记「否决」：最高评为C类，由A类调为C类"
    assert a5["reasons"][2] == "初评为C类（按排名为A类）"
    assert [i["code"] for i in a5["items"]] == ["tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission",
                                               "labour_productivity", "rd_intensity"]
    item = a5["items"][1]
    assert item == {"code": "va_per_mu", "value": 15.0, "benchmark": 10.5, "points": round(20 * 15 / 10.5, 4)}
    a3_emission = by_code["A3"]["items"][3]
    assert a3_emission["value"] is None and a3_emission["points"] == round(MEAN_EMISSION_POINTS, 4)
    assert {d["credit_code"]: (d["class"], d["reason"]) for d in doc["not_rated"]} == {
        "A9": ("T", "公用事业企业，不参评（T类），不计入参评企业数和基准值"),
        "B3": (None, "缺少「用电量」，不参与评价"),
    }
