""""What it would take" (newind.scoring.whatif): hand cases where both 规下 items move with tax_paid, and a
hypothesis check that the answer lifts the firm against this year's benchmarks while 0.02 万元 less does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newind.scoring.calc import evaluate
from newind.scoring.schemes import load_scheme
from newind.scoring.whatif import increase_to_next_class

DEFAULT = load_scheme("mujun-default")


def below(rows: list[tuple]) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=["credit_code", "land_area", "tax_paid", "power_use"])
    f["size"] = "below"
    f["name"] = f["credit_code"]
    for c in ("value_added", "sales_revenue", "energy_use", "emissions", "rd_spending", "avg_employees"):
        f[c] = np.nan
    f["tax_paid"] = f["tax_paid"].astype(float)
    return f


# Five 规下 firms: Σland 50, Σtax 100 → tax_per_mu benchmark 2.0; Σpower 100 → tax_per_power 1.0.
#   P1: 4/2 = 2 → 1.5 × 50 = 75; 1/1 → 50; total 125.   P5: 2/2 → 50; 2/1 → 1.5 × 50 = 75; total 125.
#   P2: 2/2 → 50; 1/1 → 50; 100.   P4: 1/2 → 25; 1/1 → 50; 75.   P3: 1/2 → 25; 0.5/1 → 25; 50.
# n = 5: A ≤ round(1.0) = 1, B ≤ round(3.75) = 4, C ≤ round(4.75) = 5. P1 = P5 share rank 1 (both A).
ROWS = [("P1", 10, 40, 40), ("P2", 10, 20, 20), ("P3", 10, 10, 20), ("P4", 10, 10, 10), ("P5", 10, 20, 10)]


def test_hand_cases_with_two_items_on_tax() -> None:
    frame = below(ROWS)
    ev = evaluate(frame, DEFAULT)
    firms = ev.firms.set_index("credit_code")
    assert firms["total"].to_dict() == {"P1": 125.0, "P2": 100.0, "P3": 50.0, "P4": 75.0, "P5": 125.0}
    assert firms["class_initial"].to_dict() == {"P1": "A", "P2": "B", "P3": "C", "P4": "B", "P5": "A"}
    w = increase_to_next_class(ev).set_index(ev.firms["credit_code"])
    # P2 → A needs the 1st total, 125 (raw ≥ 124.995): a gain of 24.995. Per 万元 of tax: tax_per_mu
    # 50 ÷ (10 × 2) = 2.5 and tax_per_power 50 ÷ (20 × 1) = 2.5, both until tax 30. 24.995 ÷ 5 = 4.999 → 5.00.
    assert (w.loc["P2", "next_class"], w.loc["P2", "increase"]) == ("A", 5.00)
    # P4 → A: gain 124.995 − 75 = 49.995. tax_per_power 50 ÷ (10 × 1) = 5 per 万元 saturates at tax 15
    # (+25, with tax_per_mu +12.5: +37.5 at tax 15); then tax_per_mu alone, 2.5 per 万元:
    # 12.495 ÷ 2.5 = 4.998 → tax 19.998 → an increase of 9.998 → 10.00.
    assert (w.loc["P4", "next_class"], w.loc["P4", "increase"]) == ("A", 10.00)
    # P3 → B needs the 4th total, 75 (raw ≥ 74.995): 24.995 ÷ (2.5 + 2.5) = 4.999 → 5.00.
    assert (w.loc["P3", "next_class"], w.loc["P3", "increase"]) == ("B", 5.00)
    assert w.loc["P3", "note"] == "其他条件不变、按今年基准值和分档线，实缴税金至少增加 5.00 万元可升为B类"
    assert w.loc["P1", "note"] == "已是最高类（A类）"
    for code, extra, lifted in [("P4", 10.00, "A"), ("P4", 9.99, "B"), ("P2", 5.00, "A"), ("P2", 4.99, "B")]:
        raised = frame.copy()
        raised.loc[raised["credit_code"] == code, "tax_paid"] += extra
        again = evaluate(raised, DEFAULT, benchmarks=ev.benchmarks).firms.set_index("credit_code")
        assert again.loc[code, "class_initial"] == lifted, (code, extra)


def test_a_protected_firm_needs_the_class_above_its_floor() -> None:
    # Six 规下 firms under a scheme whose C line is 50%: the last is D by rank but protected (C), so
    # its next class is B, which needs rank ≤ round(0.75 × 6) = 5 (ties allowed): the 5th total.
    frame = below([("Q1", 10, 60, 60), ("Q2", 10, 50, 50), ("Q3", 10, 40, 40), ("Q4", 10, 30, 30),
                   ("Q5", 10, 20, 20), ("Q6", 10, 10, 10)])
    frame["flag"] = ["", "", "", "", "", "保护"]
    levels = [lv.model_copy(update={"top_share": s}) if s else lv
              for lv, s in zip(DEFAULT.classes.levels, [0.20, 0.75, 0.80, None], strict=True)]
    scheme = DEFAULT.model_copy(update={"classes": DEFAULT.classes.model_copy(update={"levels": levels})})
    ev = evaluate(frame, scheme)
    firms = ev.firms.set_index("credit_code")
    # Σtax 210, Σland 60 → 3.5; Σpower 210 → 1.0. Q6: tax_per_mu 1/3.5 × 50 = 14.29; tax_per_power 1 → 50.
    # n = 6: A ≤ 1, B ≤ 5 (4.5 → 5), C ≤ 5 (4.8 → 5), so Q6 (6th) is D by rank, C by protection.
    assert (firms.loc["Q6", "class_by_rank"], firms.loc["Q6", "class_initial"]) == ("D", "C")
    w = increase_to_next_class(ev).set_index(ev.firms["credit_code"])
    assert w.loc["Q6", "next_class"] == "B"
    # Q5's total: 50 × 2/3.5 + 50 × 1 = 78.57 (raw 78.5714…); Q6 needs raw ≥ 78.565. Q6's per 万元:
    # tax_per_mu 50 ÷ (10 × 3.5) = 1.4286, tax_per_power 50 ÷ 10 = 5 (saturates at tax 15, +25).
    # From 64.2857: +25 + 5 × 1.4286 = 32.14 at tax 15, i.e. 96.43 > 78.565, so within the first piece:
    # (78.565 − 64.2857) ÷ (5 + 1.4286) = 2.2212 → 2.23.
    q6_raw = 50 * (1 / 3.5) + 50
    assert w.loc["Q6", "increase"] == pytest.approx(np.ceil((78.565 - q6_raw) / (5 + 50 / 35) * 100) / 100)


positive = st.floats(min_value=1.0, max_value=1000, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(positive, positive, positive, positive, positive, positive, positive),
                     min_size=3, max_size=20), data=st.data())
def test_the_increase_lifts_the_firm_and_a_little_less_does_not(rows, data) -> None:  # noqa: ANN001
    frame = pd.DataFrame(rows, columns=["land_area", "tax_paid", "value_added", "sales_revenue", "energy_use",
                                        "avg_employees", "power_use"])
    frame["emissions"] = frame["energy_use"] / 3
    frame["rd_spending"] = frame["sales_revenue"] / 50
    frame["credit_code"] = [f"F{i}" for i in range(len(frame))]
    frame["name"] = frame["credit_code"]
    frame["size"] = data.draw(st.sampled_from(["above", "below"]))
    ev = evaluate(frame, DEFAULT)
    w = increase_to_next_class(ev)
    answered = w.index[w["increase"].notna()]
    if not len(answered):
        return
    row = data.draw(st.sampled_from(list(answered)))
    target = w.loc[row, "next_class"]
    for extra, reaches in [(w.loc[row, "increase"], True), (w.loc[row, "increase"] - 0.02, False)]:
        if extra < 0:
            continue
        raised = frame.copy()
        raised.loc[row, "tax_paid"] += extra
        again = evaluate(raised, DEFAULT, benchmarks=ev.benchmarks)
        got = again.firms.loc[row, "class_initial"]
        order = DEFAULT.classes.codes
        assert (order.index(got) <= order.index(target)) == reaches, (extra, got, target)


def test_score_thresholds_give_the_class_minimum_as_the_boundary() -> None:
    classes = {"by": "score_thresholds", "levels": [
        {"code": "A", "label": "甲", "min_total": 120}, {"code": "B", "label": "乙", "min_total": 90},
        {"code": "C", "label": "丙", "min_total": 60}, {"code": "D", "label": "丁"}]}
    scheme = DEFAULT.model_copy(update={"classes": type(DEFAULT.classes).model_validate(classes)})
    ev = evaluate(below(ROWS), scheme)
    firms = ev.firms.set_index("credit_code")
    assert firms["class_initial"].to_dict() == {"P1": "A", "P2": "B", "P3": "D", "P4": "C", "P5": "A"}
    w = increase_to_next_class(ev).set_index(ev.firms["credit_code"])
    # P2 (100) → A needs a raw 119.995: 19.995 ÷ 5 points per 万元 = 3.999 → 4.00 (tax 24 < 30, no cap).
    # P3 (50) → C needs 59.995: 9.995 ÷ 5 = 1.999 → 2.00. P4 (75) → B needs 89.995: 14.995 ÷ 7.5 = 1.9993 → 2.00.
    assert w.loc[["P2", "P3", "P4"], "increase"].tolist() == [4.00, 2.00, 2.00]
    assert w.loc[["P2", "P3", "P4"], "next_class"].tolist() == ["A", "C", "B"]
