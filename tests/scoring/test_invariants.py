"""Hypothesis invariants of the engine (issue 10, item 3): raising a higher-better input never lowers a
firm's points; class counts follow the cut-offs; a vetoed firm is never above C; a protected firm is
never D; T firms change neither n nor the benchmarks. Run on the default scheme and on a scheme that uses
every method."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newind.scoring.calc import class_cutoff, evaluate
from newind.scoring.schemes import Scheme, load_scheme

DEFAULT = load_scheme("mujun-default")
INPUTS = ["land_area", "tax_paid", "value_added", "sales_revenue", "energy_use", "emissions", "rd_spending",
          "avg_employees", "power_use"]
# One input of each default item that is higher-better (a numerator): raising it can only help the firm.
NUMERATORS = ["tax_paid", "value_added", "rd_spending"]

ALL_METHODS = Scheme.model_validate({
    "code": "all-methods", "version": 1, "name": "四种方法", "source": "测试",
    "inputs": {c: {"label": c, "unit": "u"} for c in INPUTS},
    "groups": [{"code": "above", "label": "规上", "items": [
        {"code": "r", "label": "r", "numerator": "tax_paid", "denominator": "land_area", "unit": "u", "weight": 25,
         "method": "ratio_to_benchmark", "cap": 1.5, "benchmark": {"kind": "multiple", "factor": 1.2}},
        {"code": "e", "label": "e", "numerator": "value_added", "denominator": "energy_use", "unit": "u",
         "weight": 25, "method": "efficacy_coefficient"},
        {"code": "c", "label": "c", "numerator": "rd_spending", "denominator": "sales_revenue", "unit": "%",
         "scale": 100, "weight": 25, "method": "completion_rate", "benchmark": {"kind": "fixed", "value": 2}},
        {"code": "k", "label": "k", "numerator": "value_added", "denominator": "avg_employees", "unit": "u",
         "weight": 25, "method": "rank_points"},
    ]}],
    "classes": DEFAULT.classes.model_dump(),
    "flags": DEFAULT.flags.model_dump(),
})

positive = st.floats(min_value=0.5, max_value=5000, allow_nan=False, allow_infinity=False)


@st.composite
def frames(draw, min_size: int = 1, max_size: int = 25, flags: bool = True, below: bool = True):  # noqa: ANN001, ANN201
    n = draw(st.integers(min_size, max_size))
    rows = []
    for i in range(n):
        values = [draw(positive) for _ in INPUTS]
        if draw(st.integers(0, 9)) == 0:
            values[INPUTS.index("emissions")] = float("nan")
        flag = draw(st.sampled_from(["", "", "", "否决", "保护", "不参评"])) if flags else ""
        size = draw(st.sampled_from(["above", "above", "below"])) if below else "above"
        rows.append((f"F{i:03d}", size, *values, flag, flags and draw(st.integers(0, 19)) == 0))
    f = pd.DataFrame(rows, columns=["credit_code", "size", *INPUTS, "flag", "is_utility"])
    f["name"] = f["credit_code"]
    return f


def _points(ev, row: int) -> float:  # noqa: ANN001
    return float(ev.items.loc[ev.items["row"] == row, "points"].sum())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(min_size=2, flags=False), data=st.data(), scheme=st.sampled_from([DEFAULT, ALL_METHODS]))
def test_raising_a_higher_better_input_never_lowers_the_firms_points(frame, data, scheme) -> None:  # noqa: ANN001
    row = data.draw(st.integers(0, len(frame) - 1))
    column = data.draw(st.sampled_from(NUMERATORS))
    factor = data.draw(st.floats(min_value=1.0, max_value=50.0))
    before = evaluate(frame, scheme)
    if before.firms.loc[row, "status"] != "rated":
        return
    raised = frame.copy()
    raised.loc[row, column] = raised.loc[row, column] * factor
    after = evaluate(raised, scheme)
    assert after.firms.loc[row, "status"] == "rated"
    assert _points(after, row) >= _points(before, row) - 1e-9
    # and item by item
    b = before.items[before.items["row"] == row].set_index("item")["points"]
    a = after.items[after.items["row"] == row].set_index("item")["points"]
    assert (a >= b - 1e-9).all(), pd.concat([b, a], axis=1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(flags=False, below=False), distinct=st.booleans())
def test_class_counts_follow_the_cut_offs(frame, distinct: bool) -> None:  # noqa: ANN001
    if distinct:  # distinct totals: tax alone decides (1 … n times the smallest), the rest equal
        for c in INPUTS:
            frame[c] = 10.0
        frame["tax_paid"] = np.arange(1, len(frame) + 1, dtype=float)
        frame["land_area"] = 1000.0  # keeps every tax_per_mu below the 1.5 cap
    ev = evaluate(frame, DEFAULT)
    rated = ev.firms[ev.firms["status"] == "rated"]
    n = len(rated)
    counts = rated["class_by_rank"].value_counts()
    cumulative = 0
    for level in DEFAULT.classes.levels[:-1]:
        k = int(class_cutoff(level.top_share, n))
        cumulative += int(counts.get(level.code, 0))
        # the firms in this class or better are exactly those ranked within the cut-off
        assert cumulative == int((rated["rank"] <= k).sum())
        assert cumulative >= min(k, n)  # ties can only add firms at a boundary, never take places away
        if distinct and rated["total"].is_unique:
            assert cumulative == k
    assert cumulative + int(counts.get("D", 0)) == n


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(), scheme=st.sampled_from([DEFAULT, ALL_METHODS]))
def test_vetoed_never_above_c_protected_never_d_and_t_not_ranked(frame, scheme) -> None:  # noqa: ANN001
    ev = evaluate(frame, scheme)
    firms = ev.firms
    flag = frame["flag"]
    vetoed = firms[(flag == "否决") & (firms["status"] == "rated")]
    protected = firms[(flag == "保护") & (firms["status"] == "rated")]
    assert vetoed["class_initial"].isin(["C", "D"]).all()
    assert protected["class_initial"].isin(["A", "B", "C"]).all()
    in_scheme = firms["group"].isin([g.code for g in scheme.groups])
    t = firms[((flag == "不参评") | frame["is_utility"]) & in_scheme]
    assert (t["status"] == "T").all() and t["rank"].isna().all() and (t["class_initial"] == "T").all()
    for group, n in ev.rated_among.items():
        assert n == int(((firms["status"] == "rated") & (firms["group"] == group)).sum())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames(min_size=2, flags=False))
def test_t_firms_change_neither_the_benchmarks_nor_anyones_class(frame) -> None:  # noqa: ANN001
    base = evaluate(frame, DEFAULT)
    extra = frame.iloc[[0]].copy()
    extra["credit_code"] = "UTILITY"
    extra[INPUTS] = [1e6, 1.0, 1.0, 1.0, 1e6, 1e6, 0.5, 1e6, 1e6]
    extra["is_utility"] = True
    with_t = evaluate(pd.concat([frame, extra], ignore_index=True), DEFAULT)
    assert pd.DataFrame(with_t.benchmarks).equals(pd.DataFrame(base.benchmarks))
    assert with_t.firms["class_initial"].iloc[:-1].tolist() == base.firms["class_initial"].tolist()
