"""The JSON document and table of an evaluation beyond the 12-firm case: the synthetic firms of the bench,
aggregates with a single unit, ties in the table, answers that do not exist."""

from __future__ import annotations

import pandas as pd
import pytest

from newind.mujun.calc import evaluation_document, evaluation_table, unit_aggregates
from newind.mujun.synthetic import synthetic_frame
from newind.scoring.calc import class_cutoff, evaluate
from newind.scoring.schemes import load_scheme
from tests.mujun.test_twelve_firms import COLUMNS, ROWS

SCHEME = load_scheme("mujun-default")


def twelve() -> pd.DataFrame:
    f = pd.DataFrame(ROWS, columns=COLUMNS)
    f["name"] = "企业" + f["credit_code"]
    f["county"] = "430621"
    return f


def test_synthetic_firms_are_labelled_reproducible_and_classed_by_the_cut_offs() -> None:
    a, b = synthetic_frame(3000, seed=7), synthetic_frame(3000, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert a["name"].str.startswith("示例数据").all() and a["credit_code"].is_unique
    assert 0.04 < a["emissions"].isna().mean() < 0.12
    ev = evaluate(a, SCHEME)
    rated = ev.firms[ev.firms["status"] == "rated"]
    for group, n in ev.rated_among.items():
        by_rank = rated.loc[rated["group"] == group, "class_by_rank"].value_counts()
        # ties are rare in continuous synthetic data, so the A class holds about round(0.2 n) firms
        assert abs(int(by_rank.get("A", 0)) - int(class_cutoff(0.20, n))) <= 2
    assert (ev.firms.loc[a["is_utility"].to_numpy(), "status"] == "T").all()


def test_a_single_unit_gets_no_rank() -> None:
    frame = twelve()
    ev = evaluate(frame, SCHEME)
    [county] = unit_aggregates(ev, frame, "county")
    assert county["county"] == "430621" and county["rank_by_tax_per_mu"] is None and county["ranked_among"] is None
    assert county["rated"] == 10  # A1–A8, B1, B2
    assert county["class_counts"] == {"A": 1, "B": 7, "C": 2, "D": 0, "T": 1}
    assert unit_aggregates(ev, frame, "park") == []


def test_the_table_marks_ties_and_the_document_says_when_there_is_no_answer() -> None:
    doc = evaluation_document(twelve(), SCHEME, year=2017, scope="430621")
    text = evaluation_table(doc)
    assert "  6=  B       77.07  A4" in text and "  6=  B       77.07  A6" in text
    a8 = next(f for f in doc["firms"] if f["credit_code"] == "A8")
    assert a8["what_it_would_take"]["increase"] is None
    assert a8["what_it_would_take"]["note"] == "即使「实缴税金」相关各项得分全部封顶也达不到上一类"
    assert a8["what_it_would_take"]["unit"] == "万元" and a8["what_it_would_take"]["next_class"] == "A"
    assert [f["credit_code"] for f in doc["firms"]] == ["A1", "A5", "A3", "A2", "A8", "A4", "A6", "A7", "B1", "B2"]
    assert doc["scheme_version"] == 1 and len(doc["scheme_sha256"]) == 64
    assert doc["cutoffs"] == {"above": {"A": 2, "B": 6, "C": 8}, "below": {"A": 0, "B": 2, "C": 2}}


@pytest.mark.parametrize("code", ["mujun-default", "mujun-huaian-2024", "mujun-shandong-2019"])
def test_every_shipped_scheme_evaluates_the_synthetic_firms(code: str) -> None:
    scheme = load_scheme(code)
    frame = synthetic_frame(500, seed=3)
    doc = evaluation_document(frame, scheme, year=2017, scope="synthetic")
    assert len(doc["firms"]) + len(doc["not_rated"]) == 500
    assert sum(doc["class_counts"].values()) == len(doc["firms"]) + doc["class_counts"]["T"]
