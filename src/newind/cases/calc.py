"""Pure rules of the case engine: the one transition table, the guards in working time, and the metrics.

`TRANSITIONS` is the whole workflow, modelled on `submissions.calc.TRANSITIONS`: (state, action) →
(next state, roles in the case allowed). `step` applies one action to a `CaseFacts` snapshot and checks the
time rules the table cannot express (the 1-working-day dispute window, a settlement being final, an
extension asked early enough, reasons). Services call `step` and store what it returns; nothing here
touches the database, so every rule is tested with tables and hypothesis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from newind.cases.choices import Action, CaseRole, Rating, State
from newind.cases.sla import (
    EPOCH_ORDINAL,
    TZ,
    ProgressRule,
    SlaProfile,
    day_of_deadline,
    end_of_day,
    format_deadline,
    previous_working_day,
    to_local,
    working_days_between_ordinals,
    working_days_deadline,
)

R = CaseRole
_OFFICE = frozenset({R.OFFICE})

# (state, action) -> (next state, roles in the case allowed). Why these:
# - the office (or a leader's instruction) assigns; the lead unit may dispute the assignment once, within
#   the profile's window (1 working day), and the office alone settles it, finally (keep or reassign);
# - the lead unit accepts, answers, asks for an extension and closes; co-handlers answer the lead unit;
# - the office or the leader in charge approves or rejects an extension;
# - the firm rates the handling (or the office rates it on the call-back); an unsatisfied rating for a
#   subjective reason sends the case back (退回重办), one the office judges objective ends the evaluation;
# - only the office archives, and only an evaluated case.
TRANSITIONS: dict[tuple[State, Action], tuple[State, frozenset[CaseRole]]] = {
    (State.RECEIVED, Action.ASSIGN): (State.ASSIGNED, frozenset({R.OFFICE, R.LEADER})),
    (State.ASSIGNED, Action.DISPUTE): (State.DISPUTED, frozenset({R.LEAD})),
    (State.DISPUTED, Action.SETTLE_KEEP): (State.ASSIGNED, _OFFICE),
    (State.DISPUTED, Action.SETTLE_REASSIGN): (State.ASSIGNED, _OFFICE),
    (State.ASSIGNED, Action.ACCEPT): (State.IN_PROGRESS, frozenset({R.LEAD})),
    (State.REDO, Action.ACCEPT): (State.IN_PROGRESS, frozenset({R.LEAD})),
    (State.IN_PROGRESS, Action.REPLY): (State.IN_PROGRESS, frozenset({R.LEAD, R.CO_HANDLER})),
    (State.EXTENSION_PENDING, Action.REPLY): (State.EXTENSION_PENDING, frozenset({R.LEAD, R.CO_HANDLER})),
    (State.IN_PROGRESS, Action.REQUEST_EXTENSION): (State.EXTENSION_PENDING, frozenset({R.LEAD})),
    (State.EXTENSION_PENDING, Action.APPROVE_EXTENSION): (State.IN_PROGRESS, frozenset({R.OFFICE, R.LEADER})),
    (State.EXTENSION_PENDING, Action.REJECT_EXTENSION): (State.IN_PROGRESS, frozenset({R.OFFICE, R.LEADER})),
    (State.IN_PROGRESS, Action.CLOSE): (State.CLOSED, frozenset({R.LEAD})),
    (State.CLOSED, Action.RATE_SATISFIED): (State.EVALUATED, frozenset({R.FIRM, R.OFFICE})),
    (State.CLOSED, Action.RATE_UNSATISFIED_REDO): (State.REDO, frozenset({R.FIRM, R.OFFICE})),
    (State.CLOSED, Action.RATE_UNSATISFIED_FINAL): (State.EVALUATED, _OFFICE),
    (State.EVALUATED, Action.ARCHIVE): (State.ARCHIVED, _OFFICE),
    # 督办销号 (issue 13 §2), only under a profile with `closure_review` (the lead unit's plain 办结 is refused
    # there, and these are refused elsewhere — `step`): the lead unit asks for 销号; the office reviews the
    # checklist (事实清楚、问题解决、任务完成、结论准确、措施合法): all passed → the instructing leader's window,
    # any failed → 退回重办 with the reasons; in the window the leader adds an instruction (the task reopens)
    # or signs off, and when the window has passed with nothing added the office (the job) signs it off (销号).
    (State.IN_PROGRESS, Action.SUBMIT_CLOSURE): (State.REVIEW, frozenset({R.LEAD})),
    (State.REVIEW, Action.REVIEW_PASS): (State.AWAITING_LEADER, _OFFICE),
    (State.REVIEW, Action.REVIEW_FAIL): (State.REDO, _OFFICE),
    (State.AWAITING_LEADER, Action.LEADER_INSTRUCT): (State.IN_PROGRESS, frozenset({R.LEADER})),
    (State.AWAITING_LEADER, Action.SIGN_OFF): (State.CLOSED, frozenset({R.OFFICE, R.LEADER})),
}
# The actions that exist only under a profile with closure review (督办销号), and the one they replace.
REVIEW_ACTIONS = frozenset({Action.SUBMIT_CLOSURE, Action.REVIEW_PASS, Action.REVIEW_FAIL, Action.LEADER_INSTRUCT,
                            Action.SIGN_OFF})
# The states in which the lead unit has done its part and waits for the office or the leader: no reminder,
# 催办 or escalation runs against the unit while its closure is under review.
WAITING_STATES = frozenset({State.REVIEW, State.AWAITING_LEADER})

# Actions that need a written reason (kept on the timeline and counted).
NEEDS_REASON = frozenset({Action.DISPUTE, Action.SETTLE_KEEP, Action.SETTLE_REASSIGN, Action.REQUEST_EXTENSION,
                          Action.REJECT_EXTENSION, Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL,
                          Action.REVIEW_FAIL, Action.LEADER_INSTRUCT})
CLOSED_STATES = frozenset({State.CLOSED, State.EVALUATED, State.ARCHIVED})
OPEN_STATES = frozenset(State) - CLOSED_STATES
SATISFIED_RATINGS = frozenset({Rating.SATISFIED, Rating.BASICALLY_SATISFIED})


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case: its state and the moments that bound its time rules."""

    state: State
    received_at: dt.datetime
    close_deadline: dt.datetime
    assigned_at: dt.datetime | None = None
    dispute_used: bool = False  # an assignment is disputed at most once: the settlement is final
    requested_deadline: dt.datetime | None = None  # the new date of a pending extension request
    closed_at: dt.datetime | None = None
    redo_count: int = 0
    extensions_approved: int = 0
    # 督办销号: the profile asks for the closure review; when the closure was asked and the review passed.
    closure_review: bool = False
    closure_submitted_at: dt.datetime | None = None
    review_passed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Step:
    allowed: bool
    facts: CaseFacts | None = None
    message: str = ""


def transition(state: str, action: str, role: str | None) -> Step:
    """Whether `role` (a role in the case) may take `action` in `state` by the table alone."""
    st, act = State(state), Action(action)
    rule = TRANSITIONS.get((st, act))
    if rule is None:
        return Step(False, message=f"事项当前状态为「{st.label}」，不能执行「{act.label}」。")
    if role is None or role not in rule[1]:
        who = CaseRole(role).label if role in CaseRole.values else "您"
        return Step(False, message=f"{who}不能对「{st.label}」的事项执行「{act.label}」。")
    return Step(True)


def allowed_actions(state: str, role: str | None, *, closure_review: bool = False) -> list[Action]:
    """The actions the table lets `role` take in `state` (for buttons; `step` still checks the time rules).
    Under closure review (督办销号) 申请销号 replaces 办结; elsewhere the review actions do not exist."""
    return [a for a in Action if transition(state, a, role).allowed
            and (a not in REVIEW_ACTIONS if not closure_review else a != Action.CLOSE)]


def review_outcome(checks: Mapping[str, bool], items: Sequence[str]) -> Action:
    """The office's 销号 review: every checklist item passed → 审核通过; any failed → 退回重办. Every item
    must be judged (a missing one is a ValueError: the page asks for each)."""
    missing = [i for i in items if i not in checks]
    if missing:
        raise ValueError(f"unjudged checklist items: {missing}")
    return Action.REVIEW_PASS if all(bool(checks[i]) for i in items) else Action.REVIEW_FAIL


def step(facts: CaseFacts, action: str, role: str | None, *, now: dt.datetime, profile: SlaProfile,
         reason: str = "", new_deadline: dt.datetime | None = None) -> Step:
    """Apply one action at `now`: the table, then the time rules; the new facts, or why it is refused."""
    act = Action(action)
    by_table = transition(facts.state, act, role)
    if not by_table.allowed:
        return by_table
    now = to_local(now)
    if act in NEEDS_REASON and not reason.strip():
        return Step(False, message=f"「{act.label}」须写明理由。")
    if act in REVIEW_ACTIONS and not facts.closure_review:
        return Step(False, message=f"该事项的时限方案「{profile.name}」不设销号审核，不能执行「{act.label}」。")
    if act == Action.CLOSE and facts.closure_review:
        return Step(False, message="督办事项办结须经销号审核：请点击「申请销号」，经市新型工业化办公室审核、"
                                   "交办领导审定后销号。")
    next_state = TRANSITIONS[(facts.state, act)][0]
    changes: dict[str, object] = {"state": next_state}
    if act == Action.ASSIGN:
        changes["assigned_at"] = now
    elif act == Action.DISPUTE:
        if facts.dispute_used:
            return Step(False, message="该事项的交办异议已由市新型工业化办公室裁定，裁定为最终决定，不能再次提出异议。")
        assert facts.assigned_at is not None
        until = profile.dispute_until(facts.assigned_at)
        if now > until:
            return Step(False, message=f"交办异议须在交办后 {profile.dispute_working_days} 个工作日内提出"
                                       f"（截至 {format_deadline(until)}），已超过期限：请按交办意见办理。")
        changes["dispute_used"] = True
    elif act == Action.SETTLE_REASSIGN:
        changes["assigned_at"] = now  # a new assignment to the unit the office chose
    elif act == Action.REQUEST_EXTENSION:
        if new_deadline is None or to_local(new_deadline) <= to_local(facts.close_deadline):
            return Step(False, message=f"申请延期须给出晚于当前办结时限（{format_deadline(facts.close_deadline)}）的新时限。")
        latest = profile.latest_extension_request(facts.close_deadline)
        if now > latest:
            return Step(False, message=f"延期须在办结时限前至少 {profile.extension_lead_working_days} 个工作日提出"
                                       f"（最迟 {format_deadline(latest)}），现已超过：请按原时限办结，逾期将按原时限考核。")
        changes["requested_deadline"] = to_local(new_deadline)
    elif act == Action.APPROVE_EXTENSION:
        assert facts.requested_deadline is not None
        changes.update(close_deadline=facts.requested_deadline, requested_deadline=None,
                       extensions_approved=facts.extensions_approved + 1)
    elif act == Action.REJECT_EXTENSION:
        changes["requested_deadline"] = None  # judged against the deadline it had
    elif act == Action.CLOSE:
        changes["closed_at"] = now
    elif act == Action.RATE_UNSATISFIED_REDO:
        changes["redo_count"] = facts.redo_count + 1
    elif act == Action.SUBMIT_CLOSURE:
        changes["closure_submitted_at"] = now
    elif act == Action.REVIEW_PASS:
        changes["review_passed_at"] = now
    elif act in (Action.REVIEW_FAIL, Action.LEADER_INSTRUCT):
        changes.update(closure_submitted_at=None, review_passed_at=None)
        if act == Action.REVIEW_FAIL:
            changes["redo_count"] = facts.redo_count + 1
    elif act == Action.SIGN_OFF:
        assert facts.review_passed_at is not None and facts.closure_submitted_at is not None
        until = leader_window_until(facts.review_passed_at, profile)
        if role == R.OFFICE and now < until:
            return Step(False, message=f"交办领导审定期至 {format_deadline(until)}，期满领导未补充批示的方可销号；"
                                       "领导本人可提前审定销号。")
        # The task was done when its closure was asked (the review confirmed it): judged on time by that moment.
        changes["closed_at"] = facts.closure_submitted_at
    return Step(True, replace(facts, **changes))  # type: ignore[arg-type]


def leader_window_until(review_passed_at: dt.datetime, profile: SlaProfile) -> dt.datetime:
    """The end of the instructing leader's window: 24:00 of the N-th working day after the review passed."""
    days = profile.closure_review.leader_window_working_days if profile.closure_review else 0
    return working_days_deadline(review_passed_at, days)


def rating_action(rating: str, reason_kind: str | None) -> Action:
    """The action a call-back rating means: satisfied; unsatisfied for a subjective reason → redo;
    unsatisfied for an objective reason → evaluated without redo."""
    if Rating(rating) in SATISFIED_RATINGS:
        return Action.RATE_SATISFIED
    return Action.RATE_UNSATISFIED_FINAL if reason_kind == "objective" else Action.RATE_UNSATISFIED_REDO


# --- metrics, set-wise over a frame of cases ---------------------------------------------------------------

METRIC_COLUMNS = ["total", "closed", "closed_on_time", "extended", "rated", "satisfied", "closure_rate",
                  "on_time_rate", "extension_rate", "satisfaction_rate", "avg_working_days_to_close",
                  "overdue_done_late", "overdue_still_open"]
METRIC_LABELS = {
    "total": "事项数（件）", "closed": "办结（件）", "closed_on_time": "按期办结（件）", "extended": "延期（件）",
    "rated": "已评价（件）", "satisfied": "满意（件）", "closure_rate": "办结率（%）", "on_time_rate": "按期办结率（%）",
    "extension_rate": "延期率（%）", "satisfaction_rate": "满意率（%）",
    "avg_working_days_to_close": "平均办结用时（工作日）", "overdue_done_late": "逾期办结（件）",
    "overdue_still_open": "逾期未办结（件）",
}


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    # A rate without a denominator is no number (None), not 0%.
    rate = (numerator / denominator.where(denominator > 0)) * 100
    return rate.round(1)


def _local_ordinals(moments: pd.Series) -> np.ndarray:
    """Each moment's calendar day in Shanghai as a `date.toordinal()` number, vectorised."""
    local = moments.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    return local.astype(np.int64) + EPOCH_ORDINAL


def case_metrics(cases: pd.DataFrame, by: Sequence[str], now: dt.datetime) -> pd.DataFrame:
    """办结率, 按期办结率, 延期率, 满意率, average working days to close and overdue cases per group, at once.

    `cases` has one row per case (or per case and category) with columns `state`, `received_at`,
    `closed_at`, `close_deadline` (aware datetimes or NaT), `extensions_approved`, `rating` and the `by`
    columns. Definitions: 办结 = state 办结/回访评价/归档; 按期 = closed at or before the closing deadline in
    force (moved only by an approved extension); 延期率 = cases with an approved extension over all cases;
    满意率 = 满意 + 基本满意 over rated cases; working days to close = working days after the day of receipt
    up to the day of closure; overdue = closed after the deadline (done late) or still open past it.
    """
    if cases.empty:
        return pd.DataFrame(columns=[*by, *METRIC_COLUMNS, *REASON_COLUMNS])
    frame = cases.copy()
    now_ts = pd.Timestamp(to_local(now))
    closed = frame["state"].isin([str(s) for s in CLOSED_STATES])
    closed_at = pd.to_datetime(frame["closed_at"], utc=True)
    deadline = pd.to_datetime(frame["close_deadline"], utc=True)
    received = pd.to_datetime(frame["received_at"], utc=True)
    frame["total"] = 1
    frame["closed"] = closed.astype(int)
    frame["closed_on_time"] = (closed & (closed_at <= deadline)).astype(int)
    frame["extended"] = (frame["extensions_approved"].fillna(0) > 0).astype(int)
    frame["rated"] = frame["rating"].fillna("").astype(str).ne("").astype(int)
    frame["satisfied"] = frame["rating"].isin([str(r) for r in SATISFIED_RATINGS]).astype(int)
    frame["overdue_done_late"] = (closed & (closed_at > deadline)).astype(int)
    frame["overdue_still_open"] = (~closed & (deadline < now_ts)).astype(int)
    days = np.full(len(frame), np.nan)
    if closed.any():
        days[closed.to_numpy()] = working_days_between_ordinals(_local_ordinals(received[closed]),
                                                                _local_ordinals(closed_at[closed]))
    frame["days_to_close"] = days
    # The unsatisfied ratings by reason and the reopened cases (REASON_COLUMNS), as queries.metrics counts them.
    redo = pd.to_numeric(frame.get("redo_count", pd.Series(0, index=frame.index)), errors="coerce").fillna(0)
    kind = frame.get("unsatisfied_reason_kind", pd.Series("", index=frame.index)).fillna("").astype(str)
    frame["unsatisfied_subjective"] = redo.astype(int)
    frame["unsatisfied_objective"] = (frame["rating"].eq(str(Rating.UNSATISFIED)) & kind.eq("objective")).astype(int)
    frame["reopened"] = (redo > 0).astype(int)
    grouped = frame.groupby(list(by), dropna=False, sort=True)
    out = grouped[METRIC_COUNTS + REASON_COLUMNS].sum()
    out["avg_working_days_to_close"] = grouped["days_to_close"].mean()
    out = out.reset_index()
    rates = metric_rates(out, by)
    for column in REASON_COLUMNS:
        rates[column] = out[column].astype(int).to_numpy()
    return rates


METRIC_COUNTS = ["total", "closed", "closed_on_time", "extended", "rated", "satisfied", "overdue_done_late",
                 "overdue_still_open"]
# Counted beside METRIC_COLUMNS: unsatisfied ratings for a subjective reason (each sent the case back once:
# the sum of redo_count), for an objective one (final, kept on the case), and the cases reopened at least once.
REASON_COLUMNS = ["unsatisfied_subjective", "unsatisfied_objective", "reopened"]


def metric_rates(counts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The rates from per-group counts (`METRIC_COUNTS` and `avg_working_days_to_close`), in one place for
    the frame path above and the SQL path in `queries.metrics`; rounded to one decimal, None without a base."""
    out = counts.copy()
    for column in METRIC_COUNTS:
        out[column] = out[column].fillna(0).astype(int)
    out["avg_working_days_to_close"] = pd.to_numeric(out["avg_working_days_to_close"], errors="coerce").astype(
        float).round(1)
    out["closure_rate"] = _rate(out["closed"], out["total"])
    out["on_time_rate"] = _rate(out["closed_on_time"], out["closed"])
    out["extension_rate"] = _rate(out["extended"], out["total"])
    out["satisfaction_rate"] = _rate(out["satisfied"], out["rated"])
    out = out[[*by, *METRIC_COLUMNS]]
    return out.astype(object).where(out.notna(), None)


# --- notices: reminders, 催办, escalations and call-backs due at a moment --------------------------------------


@dataclass(frozen=True)
class NoticeDue:
    """One notice the jobs should have produced by now (recorded once: kind, stage, level and deadline)."""

    kind: str  # NoticeKind value
    stage: str
    level: int
    deadline: dt.datetime
    due_at: dt.datetime
    to: str  # "lead", "co_handler", "lead_head", "office", "leader"


def notices_due(*, state: str, stage_deadlines: dict[str, dt.datetime], close_deadline: dt.datetime,
                profile: SlaProfile, now: dt.datetime, multi_department: bool = False, complex_case: bool = False,
                closed_at: dt.datetime | None = None, rating: str = "",
                events: Iterable[tuple[str, str]] = ()) -> list[NoticeDue]:
    """Every notice due for one case by `now`: a reminder before each stage deadline still ahead; for the
    closing deadline a 催办 the working day after it passes and each rung of the escalation ladder once the
    case is that many working days late; a call-back task the working day after closure until it is rated.
    A stage already met (one of its `done_by` entries among the case's timeline `events`, (action, role in the
    case) pairs) gets no reminder: the contact made, the stage reply given, the co-handler's answer in.

    The closing stage is the variant that applies (multi-department, complex), and its deadline is the
    case's `close_deadline` (moved only by an approved extension); variants that do not apply are skipped.
    """
    from newind.cases.choices import NoticeKind
    from newind.cases.sla import callback_due

    now = to_local(now)
    done = list(events)
    out: list[NoticeDue] = []
    if State(state) in WAITING_STATES:
        return out  # the closure is under review: nothing runs against the lead unit
    if State(state) == State.CLOSED and closed_at is not None and not rating and profile.closure_review is None:
        due = callback_due(closed_at, profile.office_day)
        if now >= due:
            out.append(NoticeDue(NoticeKind.CALLBACK, "", 0, to_local(closed_at), due, "office"))
        return out
    if State(state) not in OPEN_STATES:
        return out
    closing = profile.closing_stage(multi_department=multi_department, complex_case=complex_case)
    for stage in profile.stages:
        if stage.condition is not None and stage.code != closing.code:
            continue
        if stage.code == profile.close_stage and closing.code != profile.close_stage:
            continue
        deadline = close_deadline if stage.code == closing.code else stage_deadlines.get(stage.code)
        if deadline is None or (stage.code != closing.code and stage.met_by(done)):
            continue
        deadline = to_local(deadline)
        remind = profile.reminder_at(stage, deadline)
        if remind <= now < deadline:
            out.append(NoticeDue(NoticeKind.REMINDER, stage.code, 0, deadline, remind, stage.who))
    deadline = to_local(close_deadline)
    if now >= deadline:
        chase = profile.chase_at(deadline)
        if now >= chase:
            out.append(NoticeDue(NoticeKind.CHASE, closing.code, 0, deadline, chase, "lead"))
        for level, rung in enumerate(profile.escalation, 1):
            when = profile.escalation_at(rung, deadline)
            if now >= when:
                out.append(NoticeDue(NoticeKind.ESCALATION, closing.code, level, deadline, when, rung.to))
    return out


# --- progress reports owed by long tasks (督办: 每月5日前报送进展, issue 13 §2) ------------------------------------


def progress_due(received: dt.date, deadline_day: dt.date, limit_working_days: int | None, time_class: str,
                 rule: ProgressRule) -> list[dt.date]:
    """The days progress reports are due for one task: the rule's day of each month after the month of
    receipt up to the deadline, for a task whose limit exceeds `monthly_over_working_days`; the rule's day of
    the first month of each later quarter for the quarterly classes (年度任务)."""
    out: list[dt.date] = []
    if time_class in rule.quarterly_classes:
        months = [4, 7, 10]
    elif limit_working_days is not None and limit_working_days > rule.monthly_over_working_days:
        months = list(range(1, 13))
    else:
        return out
    year, month = received.year, received.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = dt.date(year, month, rule.monthly_day)
        if day > deadline_day:
            return out
        if month in months:
            out.append(day)


PROGRESS_STAGE = "progress"


def progress_reminders_due(*, state: str, received_at: dt.datetime, close_deadline: dt.datetime, time_class: str,
                           profile: SlaProfile, now: dt.datetime,
                           reported_at: Iterable[dt.datetime] = ()) -> list[NoticeDue]:
    """The progress-report reminders due by `now` for one task of a profile with a progress rule: for each due
    day (`progress_due`), from the office opening `remind_working_days` − 1 working days before it until its
    24:00, unless the lead unit already replied with progress (答复进展) since the 1st of that month. Nothing
    while the closure is under review or once the task is closed; nothing for a case without a time class."""
    from newind.cases.choices import NoticeKind

    rule = profile.progress
    if rule is None or not time_class or State(state) not in OPEN_STATES or State(state) in WAITING_STATES:
        return []
    klass = profile.time_class(time_class)
    limit = None if klass.until_year_end else klass.max_days
    moment = to_local(now)
    reports = [to_local(r) for r in reported_at]
    out: list[NoticeDue] = []
    for day in progress_due(to_local(received_at).date(), day_of_deadline(close_deadline), limit, time_class, rule):
        remind_day = day
        for _ in range(max(profile.remind_working_days - 1, 0)):
            remind_day = previous_working_day(remind_day)
        due_at = dt.datetime.combine(remind_day, profile.office_day.opening, tzinfo=TZ)
        end = end_of_day(day)
        if not due_at <= moment < end:
            continue
        month_start = dt.datetime.combine(day.replace(day=1), dt.time(0, 0), tzinfo=TZ)
        if any(month_start <= r <= moment for r in reports):
            continue
        out.append(NoticeDue(NoticeKind.PROGRESS, PROGRESS_STAGE, 0, end, due_at, "lead"))
    return out
