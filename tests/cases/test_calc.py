"""The case transition table, its time rules, and invariants over any sequence of allowed actions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.cases.calc import (
    TRANSITIONS,
    CaseFacts,
    allowed_actions,
    rating_action,
    step,
    transition,
)
from newind.cases.choices import Action, CaseRole, State
from newind.cases.sla import TZ, load_profile, parse_received

A, S, R = Action, State, CaseRole
PROFILE = load_profile("zhongshan")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


# Every (state, action, role) the workflow allows, and where it leads: the whole table, read as sentences.
ALLOWED = [
    (S.RECEIVED, A.ASSIGN, R.OFFICE, S.ASSIGNED),
    (S.RECEIVED, A.ASSIGN, R.LEADER, S.ASSIGNED),  # a leader's instruction assigns directly
    (S.ASSIGNED, A.DISPUTE, R.LEAD, S.DISPUTED),
    (S.DISPUTED, A.SETTLE_KEEP, R.OFFICE, S.ASSIGNED),
    (S.DISPUTED, A.SETTLE_REASSIGN, R.OFFICE, S.ASSIGNED),
    (S.ASSIGNED, A.ACCEPT, R.LEAD, S.IN_PROGRESS),
    (S.REDO, A.ACCEPT, R.LEAD, S.IN_PROGRESS),
    (S.IN_PROGRESS, A.REPLY, R.LEAD, S.IN_PROGRESS),
    (S.IN_PROGRESS, A.REPLY, R.CO_HANDLER, S.IN_PROGRESS),
    (S.EXTENSION_PENDING, A.REPLY, R.CO_HANDLER, S.EXTENSION_PENDING),
    (S.EXTENSION_PENDING, A.REPLY, R.LEAD, S.EXTENSION_PENDING),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION, R.LEAD, S.EXTENSION_PENDING),
    (S.EXTENSION_PENDING, A.APPROVE_EXTENSION, R.OFFICE, S.IN_PROGRESS),
    (S.EXTENSION_PENDING, A.APPROVE_EXTENSION, R.LEADER, S.IN_PROGRESS),
    (S.EXTENSION_PENDING, A.REJECT_EXTENSION, R.OFFICE, S.IN_PROGRESS),
    (S.EXTENSION_PENDING, A.REJECT_EXTENSION, R.LEADER, S.IN_PROGRESS),
    (S.IN_PROGRESS, A.CLOSE, R.LEAD, S.CLOSED),
    (S.CLOSED, A.RATE_SATISFIED, R.FIRM, S.EVALUATED),
    (S.CLOSED, A.RATE_SATISFIED, R.OFFICE, S.EVALUATED),  # the office's call-back
    (S.CLOSED, A.RATE_UNSATISFIED_REDO, R.FIRM, S.REDO),
    (S.CLOSED, A.RATE_UNSATISFIED_REDO, R.OFFICE, S.REDO),
    (S.CLOSED, A.RATE_UNSATISFIED_FINAL, R.OFFICE, S.EVALUATED),
    (S.EVALUATED, A.ARCHIVE, R.OFFICE, S.ARCHIVED),
    # 督办销号 (only under a profile with closure_review: tests/supervision/test_closure_rules.py)
    (S.IN_PROGRESS, A.SUBMIT_CLOSURE, R.LEAD, S.REVIEW),
    (S.REVIEW, A.REVIEW_PASS, R.OFFICE, S.AWAITING_LEADER),
    (S.REVIEW, A.REVIEW_FAIL, R.OFFICE, S.REDO),
    (S.AWAITING_LEADER, A.LEADER_INSTRUCT, R.LEADER, S.IN_PROGRESS),
    (S.AWAITING_LEADER, A.SIGN_OFF, R.OFFICE, S.CLOSED),
    (S.AWAITING_LEADER, A.SIGN_OFF, R.LEADER, S.CLOSED),  # the leader signs off before the window ends
]


def test_the_table_is_exactly_the_allowed_list():
    listed = {(s, a, r): to for s, a, r, to in ALLOWED}
    from_table = {(s, a, r): to for (s, a), (to, roles) in TRANSITIONS.items() for r in roles}
    assert from_table == listed


@pytest.mark.parametrize(("state", "action", "role"), [
    (s, a, r) for s in State for a in Action for r in CaseRole
    if (s, a, r) not in {(x[0], x[1], x[2]) for x in ALLOWED}])
def test_everything_else_is_refused_with_a_chinese_reason(state, action, role):
    outcome = transition(state, action, role)
    assert not outcome.allowed and outcome.facts is None
    assert outcome.message.endswith("。") and (State(state).label in outcome.message)


@pytest.mark.parametrize(("sentence", "state", "action", "role"), [
    ("a firm cannot close its own appeal", S.IN_PROGRESS, A.CLOSE, R.FIRM),
    ("a co-handler cannot close the case, only answer the lead unit", S.IN_PROGRESS, A.CLOSE, R.CO_HANDLER),
    ("a lead unit cannot approve its own extension", S.EXTENSION_PENDING, A.APPROVE_EXTENSION, R.LEAD),
    ("the lead unit cannot settle a dispute about itself", S.DISPUTED, A.SETTLE_KEEP, R.LEAD),
    ("a leader cannot settle a dispute: the office does", S.DISPUTED, A.SETTLE_REASSIGN, R.LEADER),
    ("a co-handler cannot dispute the assignment", S.ASSIGNED, A.DISPUTE, R.CO_HANDLER),
    ("a firm cannot call an unsatisfied rating objective: the office judges", S.CLOSED, A.RATE_UNSATISFIED_FINAL,
     R.FIRM),
    ("nobody archives a case that was closed but not evaluated", S.CLOSED, A.ARCHIVE, R.OFFICE),
    ("an archived case is final", S.ARCHIVED, A.RATE_UNSATISFIED_REDO, R.FIRM),
    ("no role is no permission", S.RECEIVED, A.ASSIGN, None),
])
def test_refusals_read_like_sentences(sentence, state, action, role):
    assert not transition(state, action, role).allowed, sentence


def test_allowed_actions_for_buttons():
    assert allowed_actions(S.IN_PROGRESS, R.LEAD) == [A.REPLY, A.REQUEST_EXTENSION, A.CLOSE]
    assert allowed_actions(S.CLOSED, R.FIRM) == [A.RATE_SATISFIED, A.RATE_UNSATISFIED_REDO]
    assert allowed_actions(S.ARCHIVED, R.OFFICE) == []


def test_rating_action_maps_ratings_and_reasons():
    assert rating_action("satisfied", None) == A.RATE_SATISFIED
    assert rating_action("basically_satisfied", None) == A.RATE_SATISFIED
    assert rating_action("unsatisfied", "subjective") == A.RATE_UNSATISFIED_REDO
    assert rating_action("unsatisfied", "objective") == A.RATE_UNSATISFIED_FINAL


# --- the time rules -------------------------------------------------------------------------------------

RECEIVED = parse_received("2017-09-29T10:00")
CLOSE = PROFILE.close_deadline(RECEIVED)  # 5 WD after 09-29: 10-12 24:00


def facts(state: State = S.RECEIVED, **kw) -> CaseFacts:  # type: ignore[no-untyped-def]
    return CaseFacts(state=state, received_at=RECEIVED, close_deadline=CLOSE, **kw)


def test_a_dispute_within_one_working_day_is_accepted_once():
    # Assigned Friday 09-29 16:00: the window is 24:00 of the 调休 Saturday 09-30.
    assigned = facts(S.ASSIGNED, assigned_at=at("2017-09-29T16:00"))
    ok = step(assigned, A.DISPUTE, R.LEAD, now=at("2017-09-30T23:59"), profile=PROFILE, reason="不属于本单位职责")
    assert ok.allowed and ok.facts is not None and ok.facts.state == S.DISPUTED and ok.facts.dispute_used
    # The office settles (keeps the assignment); the settlement is final: no second dispute.
    kept = step(ok.facts, A.SETTLE_KEEP, R.OFFICE, now=at("2017-10-09T09:00"), profile=PROFILE, reason="职责明确")
    assert kept.facts is not None and kept.facts.state == S.ASSIGNED
    again = step(kept.facts, A.DISPUTE, R.LEAD, now=at("2017-10-09T09:30"), profile=PROFILE, reason="仍有异议")
    assert not again.allowed and "裁定为最终决定" in again.message


def test_a_dispute_after_the_window_is_refused():
    assigned = facts(S.ASSIGNED, assigned_at=at("2017-09-29T16:00"))
    # 2017-10-01 00:00 is 24:00 of 09-30: still inside; one minute later, through the holiday, it is not.
    assert step(assigned, A.DISPUTE, R.LEAD, now=at("2017-10-01T00:00"), profile=PROFILE, reason="x").allowed
    late = step(assigned, A.DISPUTE, R.LEAD, now=at("2017-10-01T00:01"), profile=PROFILE, reason="x")
    assert not late.allowed and "1 个工作日内提出（截至 2017-09-30 24:00）" in late.message


def test_a_reassignment_after_a_dispute_is_also_final():
    disputed = facts(S.DISPUTED, assigned_at=at("2017-10-09T09:00"), dispute_used=True)
    moved = step(disputed, A.SETTLE_REASSIGN, R.OFFICE, now=at("2017-10-09T15:00"), profile=PROFILE,
                 reason="改由市自然资源局牵头")
    assert moved.facts is not None and moved.facts.assigned_at == at("2017-10-09T15:00")
    # The newly assigned unit is inside its 1 WD window but the settlement is final.
    assert not step(moved.facts, A.DISPUTE, R.LEAD, now=at("2017-10-09T16:00"), profile=PROFILE, reason="x").allowed


def test_reasons_are_required_where_they_are_counted():
    assigned = facts(S.ASSIGNED, assigned_at=at("2017-09-29T16:00"))
    refused = step(assigned, A.DISPUTE, R.LEAD, now=at("2017-09-29T17:00"), profile=PROFILE, reason="  ")
    assert not refused.allowed and refused.message == "「提出交办异议」须写明理由。"
    closed = facts(S.CLOSED, closed_at=at("2017-10-10T10:00"))
    assert not step(closed, A.RATE_UNSATISFIED_REDO, R.FIRM, now=at("2017-10-11T10:00"), profile=PROFILE).allowed


def test_an_extension_moves_the_deadline_only_when_approved():
    working = facts(S.IN_PROGRESS)
    new = at("2017-10-20T00:00")
    asked = step(working, A.REQUEST_EXTENSION, R.LEAD, now=at("2017-10-11T16:00"), profile=PROFILE,
                 reason="需省厅批复", new_deadline=new)
    assert asked.facts is not None and asked.facts.close_deadline == CLOSE and asked.facts.requested_deadline == new
    rejected = step(asked.facts, A.REJECT_EXTENSION, R.OFFICE, now=at("2017-10-11T17:00"), profile=PROFILE,
                    reason="可在时限内办结")
    assert rejected.facts is not None
    assert (rejected.facts.close_deadline, rejected.facts.requested_deadline, rejected.facts.extensions_approved) == (
        CLOSE, None, 0)
    again = step(rejected.facts, A.REQUEST_EXTENSION, R.LEAD, now=at("2017-10-11T17:10"), profile=PROFILE,
                 reason="补充说明", new_deadline=new)
    assert again.facts is not None
    approved = step(again.facts, A.APPROVE_EXTENSION, R.OFFICE, now=at("2017-10-11T17:20"), profile=PROFILE)
    assert approved.facts is not None
    assert (approved.facts.close_deadline, approved.facts.extensions_approved) == (new, 1)


def test_an_extension_must_be_asked_a_working_day_before_expiry():
    working = facts(S.IN_PROGRESS)  # deadline 10-12 24:00: the request must come before 10-12 00:00
    late = step(working, A.REQUEST_EXTENSION, R.LEAD, now=at("2017-10-12T08:00"), profile=PROFILE,
                reason="来不及", new_deadline=at("2017-10-20T00:00"))
    assert not late.allowed and "最迟 2017-10-11 24:00" in late.message and "按原时限考核" in late.message
    earlier = step(working, A.REQUEST_EXTENSION, R.LEAD, now=at("2017-10-12T00:00"), profile=PROFILE,
                   reason="需补材料", new_deadline=at("2017-10-20T00:00"))
    assert earlier.allowed
    backwards = step(working, A.REQUEST_EXTENSION, R.LEAD, now=at("2017-10-09T09:00"), profile=PROFILE,
                     reason="x", new_deadline=CLOSE)
    assert not backwards.allowed and "晚于当前办结时限" in backwards.message


def test_close_unsatisfied_redo_and_close_again():
    working = facts(S.IN_PROGRESS)
    closed = step(working, A.CLOSE, R.LEAD, now=at("2017-10-10T10:00"), profile=PROFILE).facts
    assert closed is not None and closed.closed_at == at("2017-10-10T10:00")
    redo = step(closed, A.RATE_UNSATISFIED_REDO, R.FIRM, now=at("2017-10-11T09:00"), profile=PROFILE,
                reason="答复敷衍").facts
    assert redo is not None and (redo.state, redo.redo_count) == (S.REDO, 1)
    # A redo keeps the original deadline: the case is judged on its final closure against it.
    assert redo.close_deadline == CLOSE


# --- invariants over any sequence of allowed actions -----------------------------------------------------

MOVES = sorted({(a, r) for (_, a), (_, roles) in TRANSITIONS.items() for r in roles})
START = parse_received("2017-09-29T10:00")


def _run(moves: list[tuple[Action, CaseRole]], minutes: list[int]) -> tuple[list[Action], list[CaseFacts]]:
    """Apply the moves that are allowed (skipping refused ones), moving the clock forward between them."""
    current = facts(S.RECEIVED)
    now, done, trail = START, [], [current]
    for (action, role), gap in zip(moves, minutes, strict=False):
        now = now + dt.timedelta(minutes=gap)
        deadline = current.close_deadline + dt.timedelta(days=3)
        outcome = step(current, action, role, now=now, profile=PROFILE, reason="理由", new_deadline=deadline)
        if outcome.allowed:
            assert outcome.facts is not None
            current = outcome.facts
            done.append(action)
            trail.append(current)
    return done, trail


sequences = st.lists(st.sampled_from(MOVES), max_size=60)
gaps = st.lists(st.integers(min_value=0, max_value=3 * 24 * 60), min_size=60, max_size=60)


def _walk(data: st.DataObject, length: int = 40) -> tuple[list[Action], list[CaseFacts]]:
    """Mostly moves the table allows in the current state (so walks get deep), sometimes any move."""
    current, now, done, trail = facts(S.RECEIVED), START, [], [facts(S.RECEIVED)]
    for _ in range(length):
        options = [(a, r) for (s, a), (_, roles) in TRANSITIONS.items() if s == current.state for r in roles]
        pool = options if options and data.draw(st.integers(0, 4)) else MOVES
        action, role = data.draw(st.sampled_from(sorted(pool)))
        now = now + dt.timedelta(minutes=data.draw(st.integers(0, 2 * 24 * 60)))
        outcome = step(current, action, role, now=now, profile=PROFILE, reason="理由",
                       new_deadline=current.close_deadline + dt.timedelta(days=3))
        if outcome.allowed:
            assert outcome.facts is not None
            current = outcome.facts
            done.append(action)
            trail.append(current)
    return done, trail


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_sequence_reaches_archive_without_closure_and_evaluation(data):
    done, trail = _walk(data)
    if trail[-1].state == S.ARCHIVED:
        last_close = max(i for i, a in enumerate(done) if a == A.CLOSE)
        after = done[last_close + 1:]
        assert after[:1] in ([A.RATE_SATISFIED], [A.RATE_UNSATISFIED_FINAL]) and after[-1] == A.ARCHIVE
        assert A.ASSIGN in done and done.index(A.ASSIGN) < last_close


@settings(max_examples=150, deadline=None)
@given(sequences, gaps)
def test_the_deadline_moves_only_with_an_approval_and_disputes_happen_at_most_once(moves, minutes):
    done, trail = _run(moves, minutes)
    for action, before, after in zip(done, trail[:-1], trail[1:], strict=True):
        if action == A.APPROVE_EXTENSION:
            assert after.close_deadline == before.requested_deadline and after.close_deadline > before.close_deadline
        else:
            assert after.close_deadline == before.close_deadline
    assert done.count(A.DISPUTE) <= 1
    assert trail[-1].extensions_approved == done.count(A.APPROVE_EXTENSION)
    assert trail[-1].redo_count == done.count(A.RATE_UNSATISFIED_REDO)


@settings(max_examples=100, deadline=None)
@given(sequences, gaps)
def test_a_dispute_is_only_ever_accepted_inside_the_window(moves, minutes):
    current, now = facts(S.RECEIVED), START
    for (action, role), gap in zip(moves, minutes, strict=False):
        now = now + dt.timedelta(minutes=gap)
        outcome = step(current, action, role, now=now, profile=PROFILE, reason="理由",
                       new_deadline=current.close_deadline + dt.timedelta(days=3))
        if outcome.allowed and action == A.DISPUTE:
            assert current.assigned_at is not None and now <= PROFILE.dispute_until(current.assigned_at)
        if outcome.allowed:
            assert outcome.facts is not None
            current = outcome.facts


def test_the_walk_strategy_does_reach_the_archive():
    """Guard for the invariant above: a walk taking the table's moves reaches 归档 (so it is not vacuous)."""
    path = [(A.ASSIGN, R.OFFICE), (A.ACCEPT, R.LEAD), (A.CLOSE, R.LEAD), (A.RATE_UNSATISFIED_REDO, R.FIRM),
            (A.ACCEPT, R.LEAD), (A.CLOSE, R.LEAD), (A.RATE_SATISFIED, R.FIRM), (A.ARCHIVE, R.OFFICE)]
    done, trail = _run(path, [60] * len(path))
    assert done == [a for a, _ in path] and trail[-1].state == S.ARCHIVED and trail[-1].redo_count == 1
