"""Table tests of the workflow's pure rules: transitions, deadlines with 调休, reminders, discipline, checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newind.submissions.calc import (
    Action,
    CheckRule,
    Discipline,
    FieldSpec,
    ReminderKind,
    RuleError,
    State,
    allowed_actions,
    check_values,
    default_deadline,
    discipline_of,
    discipline_table,
    evaluate_rule,
    is_workday,
    next_workday,
    parse_number,
    reminder_due,
    transition,
    workdays_before,
    yoy_change_pct,
    yoy_change_text,
)

D = dt.date
S, A = State, Action

TRANSITION_TABLE = [
    # state, action, role, allowed, to
    (S.NOT_STARTED, A.SAVE, "REPORTER", True, S.DRAFT),
    (S.DRAFT, A.SAVE, "REPORTER", True, S.DRAFT),
    (S.RETURNED, A.SAVE, "REPORTER", True, S.RETURNED),
    (S.DRAFT, A.SUBMIT, "REPORTER", True, S.SUBMITTED),
    (S.RETURNED, A.SUBMIT, "REPORTER", True, S.SUBMITTED),
    (S.NOT_STARTED, A.SUBMIT, "REPORTER", False, None),  # nothing filled yet
    (S.SUBMITTED, A.SAVE, "REPORTER", False, None),  # locked while under review
    (S.SUBMITTED, A.APPROVE, "REVIEWER", True, S.APPROVED),
    (S.SUBMITTED, A.RETURN, "REVIEWER", True, S.RETURNED),
    (S.SUBMITTED, A.RETURN, "OFFICE", True, S.RETURNED),
    (S.SUBMITTED, A.APPROVE, "REPORTER", False, None),  # no self-approval
    (S.SUBMITTED, A.APPROVE, "LEADER", False, None),
    (S.DRAFT, A.SAVE, "REVIEWER", False, None),  # the reviewer does not fill in
    (S.DRAFT, A.SAVE, "OFFICE", False, None),
    (S.APPROVED, A.PUBLISH, "OFFICE", True, S.PUBLISHED),
    (S.APPROVED, A.PUBLISH, "REVIEWER", False, None),
    (S.APPROVED, A.RETURN, "OFFICE", True, S.RETURNED),
    (S.APPROVED, A.RETURN, "REVIEWER", False, None),
    (S.SUBMITTED, A.PUBLISH, "OFFICE", False, None),  # not reviewed yet
    (S.PUBLISHED, A.CORRECT, "OFFICE", True, S.PUBLISHED),
    (S.PUBLISHED, A.CORRECT, "REPORTER", False, None),
    (S.PUBLISHED, A.SAVE, "REPORTER", False, None),
    (S.DRAFT, A.SAVE, None, False, None),
    (S.DRAFT, A.SAVE, "AUDITOR", False, None),
]


@pytest.mark.parametrize(("state", "action", "role", "allowed", "to"), TRANSITION_TABLE)
def test_transition_table(state: State, action: Action, role: str | None, allowed: bool, to: State | None) -> None:
    step = transition(state, action, role)
    assert step.allowed is allowed
    assert step.to_state == to
    if not allowed:
        assert "不能" in step.message


def test_allowed_actions_lists_buttons() -> None:
    assert allowed_actions(S.SUBMITTED, "REVIEWER") == [A.RETURN, A.APPROVE]
    assert allowed_actions(S.SUBMITTED, "REPORTER") == []
    assert allowed_actions(S.APPROVED, "OFFICE") == [A.RETURN, A.PUBLISH]


@given(st.sampled_from(list(State)), st.sampled_from(list(Action)),
       st.sampled_from(["REPORTER", "REVIEWER", "OFFICE", "LEADER", "AUDITOR", "SYSADMIN", None]))
def test_leaders_and_admins_never_change_a_report(state: State, action: Action, role: str | None) -> None:
    step = transition(state, action, role)
    if role in ("LEADER", "AUDITOR", "SYSADMIN", None):
        assert not step.allowed
    if step.allowed:
        assert step.to_state in State


# The library's view of 2017/2018 (chinese_calendar): National Day 2017 ran 10-01..10-08 (09-30 Sat was
# the 调休 working day); Spring Festival 2018 ran 02-15..02-21 with Sun 02-11 and Sat 02-24 working;
# Qingming 2018 had Sun 04-08 as a working day.
WORKDAYS = [
    (D(2017, 10, 8), False), (D(2017, 9, 30), True), (D(2017, 10, 9), True),
    (D(2018, 2, 11), True), (D(2018, 2, 15), False), (D(2018, 2, 24), True), (D(2018, 4, 8), True),
    (D(2017, 1, 28), False), (D(2017, 2, 4), True), (D(2017, 5, 6), False),
]


@pytest.mark.parametrize(("day", "expected"), WORKDAYS)
def test_is_workday_follows_the_chinese_calendar(day: dt.date, expected: bool) -> None:
    assert is_workday(day) is expected


DEADLINES = [
    # (year, kind, n) -> deadline
    ((2017, "M", 3), D(2017, 4, 10)),   # 04-08 is a Saturday → Monday 04-10
    ((2017, "M", 9), D(2017, 10, 9)),   # 10-08 falls in the National Day holiday → 10-09
    ((2018, "M", 3), D(2018, 4, 8)),    # 04-08 is a Sunday but a 调休 working day: stays
    ((2017, "M", 12), D(2018, 1, 8)),   # December → 8 January of the next year (a Monday)
    ((2018, "M", 2), D(2018, 3, 8)),    # 1—2月 → 03-08 (Thursday)
    ((2017, "M", 1 + 1), D(2017, 3, 8)),
    ((2017, "M", 4), D(2017, 5, 8)),    # Monday after the Labour Day weekend
    ((2017, "Q", 1), D(2017, 4, 10)),   # a quarter ends in March too
    ((2017, "Y", 0), D(2018, 1, 8)),
    ((2018, "M", 9), D(2018, 10, 8)),   # National Day 2018 ended 10-07 → 10-08 Monday
]


@pytest.mark.parametrize(("period", "expected"), DEADLINES)
def test_default_deadline_is_the_8th_moved_to_a_working_day(period: tuple[int, str, int], expected: dt.date) -> None:
    assert default_deadline(*period) == expected


def test_spring_festival_pushes_a_deadline_past_the_holiday() -> None:
    # A deadline on the 15th of February 2018 (除夕) would be moved past the whole holiday to 02-22.
    assert next_workday(D(2018, 2, 15)) == D(2018, 2, 22)
    # Two working days before 2018-02-22 are 02-13 and 02-14 (the holiday in between does not count).
    assert workdays_before(D(2018, 2, 22), 2) == D(2018, 2, 13)
    # And the 调休 Sunday counts as a working day.
    assert workdays_before(D(2018, 2, 12), 1) == D(2018, 2, 11)


REMINDERS = [
    (D(2017, 4, 6), D(2017, 4, 10), ReminderKind.BEFORE),   # Mon 04-10: two working days back is Thu 04-06
    (D(2017, 4, 7), D(2017, 4, 10), None),
    (D(2017, 4, 11), D(2017, 4, 10), ReminderKind.OVERDUE),
    (D(2017, 4, 10), D(2017, 4, 10), None),
    # Before the 10-09 deadline the last working days are 09-30 (调休 Saturday) and 09-29: remind on 09-29.
    (D(2017, 9, 29), D(2017, 10, 9), ReminderKind.BEFORE),
    (D(2017, 9, 28), D(2017, 10, 9), None),
    (D(2017, 10, 10), D(2017, 10, 9), ReminderKind.OVERDUE),
]


@pytest.mark.parametrize(("today", "deadline", "expected"), REMINDERS)
def test_reminder_due(today: dt.date, deadline: dt.date, expected: ReminderKind | None) -> None:
    assert reminder_due(today, deadline, 2) == expected


DISCIPLINE = [
    (D(2018, 1, 8), D(2018, 1, 5), D(2018, 3, 1), Discipline.ON_TIME),
    (D(2018, 1, 8), D(2018, 1, 8), D(2018, 3, 1), Discipline.ON_TIME),
    (D(2018, 1, 8), D(2018, 1, 9), D(2018, 3, 1), Discipline.LATE),
    (D(2018, 1, 8), None, D(2018, 1, 9), Discipline.MISSING),
    (D(2018, 1, 8), None, D(2018, 1, 8), Discipline.PENDING),
]


@pytest.mark.parametrize(("deadline", "submitted", "today", "expected"), DISCIPLINE)
def test_discipline_of(deadline: dt.date, submitted: dt.date | None, today: dt.date, expected: Discipline) -> None:
    assert discipline_of(deadline, submitted, today) == expected


def test_discipline_table_counts_per_unit() -> None:
    table = discipline_table([{"unit": "a", "discipline": Discipline.ON_TIME},
                              {"unit": "a", "discipline": Discipline.LATE},
                              {"unit": "b", "discipline": Discipline.MISSING}])
    assert table["a"] == {"on_time": 1, "late": 1, "missing": 0, "pending": 0}
    assert table["b"]["missing"] == 1


RULES = [
    ("a <= b", {"a": Decimal(1), "b": Decimal(2)}, True),
    ("a <= b", {"a": Decimal(3), "b": Decimal(2)}, False),
    ("a >= b + c", {"a": Decimal(5), "b": Decimal(2), "c": Decimal(3)}, True),
    ("a >= b + c", {"a": Decimal("4.99"), "b": Decimal(2), "c": Decimal(3)}, False),
    ("a >= b + c", {"a": Decimal(5), "b": Decimal(2), "c": None}, None),  # missing figure: not judged
    ("0 <= a <= 100", {"a": Decimal(50)}, True),
    ("0 <= a <= 100", {"a": Decimal(150)}, False),
    ("a * 2 - b / 4 == 1", {"a": Decimal(1), "b": Decimal(4)}, True),
    ("-a < 0", {"a": Decimal(1)}, True),
]


@pytest.mark.parametrize(("rule", "values", "expected"), RULES)
def test_evaluate_rule(rule: str, values: dict[str, Decimal | None], expected: bool | None) -> None:
    assert evaluate_rule(rule, values) is expected


@pytest.mark.parametrize("rule", [
    "__import__('os').system('true') == 0", "a.b < 1", "a", "f(a) < 1", "a < 'x'", "[a][0] < 1",
    "a if b else c", "a < True", "a ** 2 < 1",
])
def test_unsafe_rules_are_refused(rule: str) -> None:
    with pytest.raises(RuleError):
        evaluate_rule(rule, {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234.5", Decimal("1234.5")), (" 12 ", Decimal(12)), (12.5, Decimal("12.5")), ("", None), (None, None),
    ("-3", Decimal(-3)),
])
def test_parse_number(text: object, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12万", "abc", "NaN", "inf", True])
def test_parse_number_refuses_text(text: object) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


SPECS = [
    FieldSpec("out", "规模工业总产值", "亿元", minimum=Decimal(0), maximum=Decimal(1000)),
    FieldSpec("va", "规模工业增加值", "亿元", minimum=Decimal(0), maximum=Decimal(1000)),
    FieldSpec("g", "增速", "%", yoy_check=False),
    FieldSpec("elec", "用电量", "亿千瓦时", required=False),
]
CHECKS = [CheckRule("va <= out", "增加值不能大于总产值。")]


def _check(values: dict[str, str | None], explanations: dict[str, str] | None = None, *,
           complete: bool = True) -> tuple[dict[str, list[str]], list[str]]:
    parsed = {k: (Decimal(v) if v is not None else None) for k, v in values.items()}
    result = check_values(SPECS, parsed, explanations or {}, {"out": Decimal(100), "va": Decimal(30),
                                                               "g": Decimal(5)}, CHECKS, Decimal(30),
                          require_complete=complete)
    return result.field_errors, result.form_errors


def test_check_values_accepts_a_good_report() -> None:
    assert _check({"out": "110", "va": "33", "g": "50", "elec": None}) == ({}, [])


def test_check_values_required_only_when_submitting() -> None:
    errors, _ = _check({"out": "110", "va": None, "g": "5"})
    assert list(errors) == ["va"] and "必填" in errors["va"][0]
    assert _check({"out": "110", "va": None, "g": "5"}, complete=False) == ({}, [])


def test_check_values_range_relation_and_yoy() -> None:
    errors, form_errors = _check({"out": "1200", "va": "33", "g": "5"})
    assert "超出合理范围" in errors["out"][0] and "0 至 1000 亿元" in errors["out"][0]
    # +40% against last year without an explanation; the growth rate itself is not bound.
    errors, _ = _check({"out": "140", "va": "33", "g": "500"})
    assert list(errors) == ["out"] and "+40.0%" in errors["out"][0] and "±30%" in errors["out"][0]
    assert _check({"out": "140", "va": "33", "g": "5"}, {"out": "新投产企业3家"}) == ({}, [])
    assert _check({"out": "100", "va": "101", "g": "5"}, {"va": "x"})[1] == ["增加值不能大于总产值。"]
    # Exactly at the bound is allowed.
    assert _check({"out": "130", "va": "39", "g": "5"}) == ({}, [])


@pytest.mark.parametrize(("value", "last", "kind", "unit", "expected"), [
    ("8.6", "8.8", "rate", "%", "-0.2个百分点"),  # was "-2.3%"
    ("-5.2", "-15.7", "rate", "%", "+10.5个百分点"),  # was "66.9%"
    ("54.5", "52.0", "ratio", "%", "+2.5个百分点"),
    ("195.3", "180.5", "level", "亿元", "+8.2%"),  # 195.3 / 180.5 − 1 = 8.1994…%
    ("5", "-10", "level", "亿元", "—"),  # a profit from a loss: no growth rate (was +150%)
    ("5", "0", "level", "亿元", "—"),
    ("5", None, "level", "亿元", "—"),
    (None, "8.8", "rate", "%", "—"),
    ("0.590", "0.604", "ratio", "吨标准煤/万元", "-0.014吨标准煤/万元"),  # a ratio in its own unit and precision
])
def test_yoy_change_text_follows_the_rate_rule(value, last, kind, unit, expected):
    spec = FieldSpec("x", "指标", unit, value_kind=kind, decimals=3)
    now, before = (None if t is None else Decimal(t) for t in (value, last))
    assert yoy_change_text(now, before, spec) == expected


def test_yoy_change_pct_has_no_growth_from_a_base_at_or_below_zero():
    assert yoy_change_pct(Decimal("130"), Decimal("100")) == Decimal("30")  # exactly the ±30% bound
    assert yoy_change_pct(Decimal("5"), Decimal("-10")) is None  # was +150
    assert yoy_change_pct(Decimal("5"), Decimal("0")) is None and yoy_change_pct(Decimal("5"), None) is None


def test_late_or_missing_is_discipline_of_over_whole_columns() -> None:
    import datetime as dt

    import pandas as pd

    from newind.submissions.calc import Discipline, discipline_of, late_or_missing

    today = dt.date(2017, 4, 10)
    # (deadline, first submitted): on time, the deadline's own day, a day late, never (deadline passed),
    # never (deadline is today: not yet missing), never (deadline to come)
    rows = [(dt.date(2017, 4, 8), dt.date(2017, 4, 7)), (dt.date(2017, 4, 8), dt.date(2017, 4, 8)),
            (dt.date(2017, 4, 8), dt.date(2017, 4, 9)), (dt.date(2017, 4, 8), None),
            (dt.date(2017, 4, 10), None), (dt.date(2017, 5, 8), None)]
    late, missing = late_or_missing(pd.Series([d for d, _ in rows]), pd.Series([s for _, s in rows]), today)
    assert late.tolist() == [False, False, True, False, False, False]
    assert missing.tolist() == [False, False, False, True, False, False]
    assert [discipline_of(d, s, today) for d, s in rows] == [
        Discipline.ON_TIME, Discipline.ON_TIME, Discipline.LATE, Discipline.MISSING, Discipline.PENDING,
        Discipline.PENDING]
