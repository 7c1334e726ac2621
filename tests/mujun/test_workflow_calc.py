"""The evaluation workflow's pure rules: the transition table, the notice period and publication blockers."""

from __future__ import annotations

import datetime as dt

import pytest

from newind.mujun.calc import can_object, notice_end, publish_blockers, run_actions, run_transition


@pytest.mark.parametrize(("state", "action", "role", "allowed", "to"), [
    ("filling", "close_filling", "office", True, "verifying"),
    ("filling", "close_filling", "leader", False, None),
    ("verifying", "verify", "office", True, "confirming"),
    ("confirming", "confirm", "enterprise", True, "confirming"),
    ("confirming", "confirm", "office", False, None),
    ("confirming", "start_notice", "office", True, "notice"),
    ("notice", "object", "enterprise", True, "notice"),
    ("notice", "object", "office", False, None),
    ("verifying", "object", "enterprise", False, None),
    ("notice", "decide", "office", True, "notice"),
    ("notice", "publish", "office", True, "published"),
    ("filling", "adjust", "office", False, None),  # nothing to adjust before the figures are in
    ("notice", "adjust", "office", True, "notice"),
    ("published", "adjust", "office", False, None),
    ("published", "object", "enterprise", False, None),
    ("notice", "publish", None, False, None),
])
def test_the_transition_table(state: str, action: str, role: str | None, allowed: bool, to: str | None) -> None:
    step = run_transition(state, action, role)
    assert (step.allowed, step.to_state) == (allowed, to)
    if not allowed:
        assert step.message


def test_a_published_evaluation_says_a_re_evaluation_is_a_new_version() -> None:
    assert "新建版本" in run_transition("published", "adjust", "office").message
    assert run_actions("published", "office") == []
    assert [a.value for a in run_actions("notice", "enterprise")] == ["object"]


@pytest.mark.parametrize(("start", "days", "end"), [
    (dt.date(2018, 7, 2), 7, dt.date(2018, 7, 8)),
    (dt.date(2018, 7, 2), 1, dt.date(2018, 7, 2)),
    (dt.date(2018, 12, 28), 7, dt.date(2019, 1, 3)),
])
def test_the_notice_lasts_n_calendar_days(start: dt.date, days: int, end: dt.date) -> None:
    assert notice_end(start, days) == end


def test_a_notice_of_no_days_is_refused() -> None:
    with pytest.raises(ValueError):
        notice_end(dt.date(2018, 7, 2), 0)


def test_publication_waits_for_the_end_of_the_notice_and_every_objection() -> None:
    end = dt.date(2018, 7, 8)
    assert publish_blockers(today=dt.date(2018, 7, 9), end=end, open_objections=0) == []
    assert len(publish_blockers(today=end, end=end, open_objections=0)) == 1
    assert len(publish_blockers(today=dt.date(2018, 7, 9), end=end, open_objections=2)) == 1
    assert publish_blockers(today=dt.date(2018, 7, 9), end=None, open_objections=0) == ["尚未开始公示。"]


def test_objections_are_open_from_the_first_to_the_last_day_of_the_notice() -> None:
    start, end = dt.date(2018, 7, 2), dt.date(2018, 7, 8)
    assert [can_object(today=start + dt.timedelta(days=d), start=start, end=end) for d in (-1, 0, 6, 7)] == [
        False, True, True, False]
    assert not can_object(today=start, start=None, end=None)


def test_the_stored_results_table_says_what_the_json_document_says() -> None:
    import json

    import numpy as np

    from newind.mujun.calc import evaluation_document, results_table
    from newind.mujun.synthetic import synthetic_frame
    from newind.scoring.calc import evaluate
    from newind.scoring.schemes import load_scheme

    scheme = load_scheme("mujun-default")
    frame = synthetic_frame(400, seed=7)
    frame.loc[3, "flag"], frame.loc[3, "flag_reason"] = "否决", '含"引号"与\\反斜杠'
    frame.loc[5, "flag"] = "不参评"
    ev = evaluate(frame, scheme)
    doc = evaluation_document(frame, scheme, year=2017, scope="430600", evaluation=ev)
    table = results_table(ev, frame).set_index("credit_code")
    assert len(table) == 400 and table["rated"].sum() == len(doc["firms"])
    for f in doc["firms"]:
        row = table.loc[f["credit_code"]]
        assert json.loads(row["items"]) == f["items"]
        assert json.loads(row["reasons"]) == f["reasons"]
        assert json.loads(row["what_it_would_take"]) == f["what_it_would_take"]
        assert (row["total"], row["rank"], row["rated_among"], row["class"]) == (
            f["total"], f["rank"], f["rated_among"], f["class"])
    for d in doc["not_rated"]:
        row = table.loc[d["credit_code"]]
        assert json.loads(row["reasons"]) == [d["reason"]] and row["class"] == (d["class"] or "")
        assert json.loads(row["items"]) == [] and np.isnan(row["total"])
