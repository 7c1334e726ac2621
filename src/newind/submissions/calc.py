"""Pure rules of the monthly submission workflow: states and transitions, deadlines by the Chinese
working calendar, reminders, reporting discipline, and the checks a submitted figure must pass.

Nothing here touches the database, so each rule is tested with a whole table of cases.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import chinese_calendar
import pandas as pd

from newind.core.numbers import fmt_number
from newind.indicators.calc import change_on_last_year, change_unit, yoy_growth_pct

# The states, actions, reminder kinds and discipline labels are written once, in choices.py (models share them).
from newind.submissions.choices import Action, Discipline, ReminderKind, State

# --- states and transitions -----------------------------------------------------------------------


# (state, action) -> (next state, roles allowed). Roles are the names of newind.accounts.access.Role.
# Why these: the unit's reporter fills and submits; the unit's reviewer approves or sends back; the
# office may also send back a submission (before or after review) and alone publishes and corrects.
TRANSITIONS: dict[tuple[State, Action], tuple[State, frozenset[str]]] = {
    (State.NOT_STARTED, Action.SAVE): (State.DRAFT, frozenset({"REPORTER"})),
    (State.DRAFT, Action.SAVE): (State.DRAFT, frozenset({"REPORTER"})),
    # A returned report keeps showing 退回 on the office's board until it is submitted again.
    (State.RETURNED, Action.SAVE): (State.RETURNED, frozenset({"REPORTER"})),
    (State.DRAFT, Action.SUBMIT): (State.SUBMITTED, frozenset({"REPORTER"})),
    (State.RETURNED, Action.SUBMIT): (State.SUBMITTED, frozenset({"REPORTER"})),
    (State.SUBMITTED, Action.RETURN): (State.RETURNED, frozenset({"REVIEWER", "OFFICE"})),
    (State.APPROVED, Action.RETURN): (State.RETURNED, frozenset({"OFFICE"})),
    (State.SUBMITTED, Action.APPROVE): (State.APPROVED, frozenset({"REVIEWER"})),
    (State.APPROVED, Action.PUBLISH): (State.PUBLISHED, frozenset({"OFFICE"})),
    (State.PUBLISHED, Action.CORRECT): (State.PUBLISHED, frozenset({"OFFICE"})),
}

EDITABLE_STATES = frozenset({State.NOT_STARTED, State.DRAFT, State.RETURNED})
NEEDS_REASON = frozenset({Action.RETURN, Action.CORRECT})


@dataclass(frozen=True)
class Transition:
    allowed: bool
    to_state: State | None
    message: str = ""


def transition(state: str, action: str, role: str | None) -> Transition:
    """Decide whether `role` may take `action` on a report in `state`, and the state it leads to."""
    st, act = State(state), Action(action)
    rule = TRANSITIONS.get((st, act))
    if rule is None:
        return Transition(False, None, f"报表当前状态为「{st.label}」，不能执行「{act.label}」。")
    to_state, roles = rule
    if role not in roles:
        return Transition(False, None, f"您的角色不能对「{st.label}」的报表执行「{act.label}」。")
    return Transition(True, to_state)


def allowed_actions(state: str, role: str | None) -> list[Action]:
    """The actions `role` may take on a report in `state` (for showing buttons)."""
    return [a for a in Action if transition(state, a, role).allowed]


# --- deadlines, reminders and discipline --------------------------------------------------------------


def period_end_month(year: int, kind: str, n: int) -> tuple[int, int]:
    """The calendar (year, month) in which a period ends: 1—3月 → March, 一季度 → March, a year → December."""
    if kind == "M":
        return year, n
    if kind == "Q":
        return year, n * 3
    return year, 12


def is_workday(day: dt.date) -> bool:
    """A working day by the Chinese calendar with 调休; outside the library's years, Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # chinese_calendar only knows the years the State Council has announced.
        return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, otherwise the next working day."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def workdays_before(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days before `day` (count=0 gives `day` moved back to a working day)."""
    current = day
    while not is_workday(current):
        current -= dt.timedelta(days=1)
    for _ in range(count):
        current -= dt.timedelta(days=1)
        while not is_workday(current):
            current -= dt.timedelta(days=1)
    return current


def default_deadline(year: int, kind: str, n: int, day_of_month: int = 8) -> dt.date:
    """The 8th of the month after the period ends, moved to the next working day (调休 included)."""
    end_year, end_month = period_end_month(year, kind, n)
    if end_month == 12:
        nominal = dt.date(end_year + 1, 1, day_of_month)
    else:
        nominal = dt.date(end_year, end_month + 1, day_of_month)
    return next_workday(nominal)


def reminder_due(today: dt.date, deadline: dt.date, lead_workdays: int = 2) -> ReminderKind | None:
    """Which reminder is due today: `lead_workdays` working days before the deadline, or the day after it."""
    if today == deadline + dt.timedelta(days=1):
        return ReminderKind.OVERDUE
    if lead_workdays > 0 and today == workdays_before(deadline, lead_workdays):
        return ReminderKind.BEFORE
    return None


def discipline_of(deadline: dt.date, first_submitted_on: dt.date | None, today: dt.date) -> Discipline:
    """On time, late, missing (deadline passed with nothing submitted) or not yet due."""
    if first_submitted_on is not None:
        return Discipline.ON_TIME if first_submitted_on <= deadline else Discipline.LATE
    return Discipline.MISSING if today > deadline else Discipline.PENDING


def late_or_missing(deadline: pd.Series, submitted_on: pd.Series, today: dt.date) -> tuple[pd.Series, pd.Series]:
    """`discipline_of` over whole columns (one row a report): late = first submitted after the deadline's day;
    missing = nothing submitted and the deadline passed before `today`. The accountability list's repeated
    late reports and the assessment's reporting-discipline malus both count with it."""
    due, sent = pd.to_datetime(deadline), pd.to_datetime(submitted_on)
    return sent.notna() & (sent > due), sent.isna() & (due < pd.Timestamp(today))


def discipline_table(rows: Iterable[Mapping[str, object]]) -> dict[object, dict[str, int]]:
    """Count each unit's on-time, late, missing and pending reports from rows with `unit` and `discipline`."""
    table: dict[object, dict[str, int]] = {}
    for row in rows:
        counts = table.setdefault(row["unit"], {str(d): 0 for d in Discipline})
        counts[str(row["discipline"])] += 1
    return table


# --- check relations: a small, safe evaluator ---------------------------------------------------------

_BINOPS: dict[type, Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
_CMPOPS: dict[type, Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}


class RuleError(ValueError):
    """A check relation that is not a comparison of sums of indicator codes and numbers."""


def parse_rule(rule: str) -> ast.Expression:
    """Parse a check relation such as `a <= b + c`; reject anything but arithmetic and comparisons."""
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"校验关系「{rule}」无法解析：{exc.msg}") from None
    if not isinstance(tree.body, ast.Compare):
        raise RuleError(f"校验关系「{rule}」必须是比较式，例如 a <= b + c。")
    for node in ast.walk(tree):
        ok = isinstance(node, ast.Expression | ast.Compare | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load
                        | ast.Constant | ast.USub | ast.UAdd) or type(node) in _BINOPS or type(node) in _CMPOPS
        if not ok:
            raise RuleError(f"校验关系「{rule}」含有不允许的写法（{type(node).__name__}）。")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool)
                                               or not isinstance(node.value, int | float)):
            raise RuleError(f"校验关系「{rule}」只能含数字常量。")
    return tree


def rule_names(rule: str) -> set[str]:
    """The indicator codes a check relation refers to."""
    return {n.id for n in ast.walk(parse_rule(rule)) if isinstance(n, ast.Name)}


def evaluate_rule(rule: str, values: Mapping[str, Decimal | None]) -> bool | None:
    """True/False for a check relation over `values`; None when a figure it needs is missing."""
    tree = parse_rule(rule)
    if any(values.get(name) is None for name in rule_names(rule)):
        return None

    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Name):
            value = values[node.id]
            assert value is not None
            return Decimal(value)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise RuleError("校验关系中出现除以零。")
            return _BINOPS[type(node.op)](left, right)
        raise RuleError(f"不支持的表达式 {type(node).__name__}")

    compare = tree.body
    assert isinstance(compare, ast.Compare)
    left = ev(compare.left)
    for op, comparator in zip(compare.ops, compare.comparators, strict=True):
        right = ev(comparator)
        if not _CMPOPS[type(op)](left, right):
            return False
        left = right
    return True


# --- checking the figures of one report --------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of a report: the indicator, its unit of measure and the rules from the definitions."""

    code: str
    name: str
    measure_unit: str
    required: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # Year-on-year bound applies to levels and counts, not to rates (a growth rate's own change is no signal).
    yoy_check: bool = True
    decimals: int = 2
    value_kind: str = "level"  # a rate or ratio changes by a difference (个百分点), never by a growth %


@dataclass(frozen=True)
class CheckRule:
    rule: str
    message: str


@dataclass
class CheckResult:
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.field_errors and not self.form_errors

    def add(self, code: str, message: str) -> None:
        self.field_errors.setdefault(code, []).append(message)


def parse_number(text: object) -> Decimal | None:
    """A figure as typed or read from a cell: '1,234.5', ' 12 ', 12.0 → Decimal; '' or None → None.

    Raises ValueError for text that is not a number.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(str(text))
    if isinstance(text, int | float | Decimal):
        value = Decimal(str(text))
    else:
        s = str(text).strip().replace(",", "").replace("，", "")
        if not s:
            return None
        try:
            value = Decimal(s)
        except InvalidOperation:
            raise ValueError(s) from None
    if not value.is_finite():
        raise ValueError(str(text))
    return value


def yoy_change_pct(value: Decimal, last_year: Decimal | None) -> Decimal | None:
    """Nominal growth against last year's same period in %; None without a base or from a base ≤ 0
    (a profit from −10 to 5 has no growth rate). The project's one growth rule, `yoy_growth_pct`."""
    return _decimal(yoy_growth_pct(_float(value), _float(last_year)))


def yoy_change(value: Decimal | None, last_year: Decimal | None, value_kind: str) -> Decimal | None:
    """The change shown in a report's 同比 column by the rate rule (`change_on_last_year`): a rate or
    ratio by its difference (8.8 → 8.6 is −0.2 个百分点), a level by its growth % (None from a base ≤ 0)."""
    return _decimal(change_on_last_year(_float(value), _float(last_year), value_kind))


def yoy_change_text(value: Decimal | None, last_year: Decimal | None, spec: FieldSpec) -> str:
    """'-0.2个百分点', '+10.5个百分点', '+5.0%', or '—' (no figure, or growth from a base ≤ 0)."""
    change = yoy_change(value, last_year, spec.value_kind)
    unit = change_unit(spec.value_kind, spec.measure_unit)
    # Growth and 个百分点 with one decimal, as published; a ratio's difference in its own precision.
    return fmt_number(change, 1 if unit in ("%", "个百分点") else spec.decimals, unit, signed=True)


def _float(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def _decimal(value: float) -> Decimal | None:
    # Rounded to 9 places: 130 against 100 is +30%, not the float's 30.000000000000004 (over a ±30% bound).
    return None if value is None or value != value else Decimal(repr(round(float(value), 9)))


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_values(specs: list[FieldSpec], values: Mapping[str, Decimal | None], explanations: Mapping[str, str],
                 last_year: Mapping[str, Decimal | None], checks: list[CheckRule], yoy_bound_pct: Decimal,
                 *, require_complete: bool) -> CheckResult:
    """Check one report's figures: required (when submitting), range, check relations and the
    year-on-year bound (a larger change needs an explanation). Messages are complete Chinese sentences."""
    result = CheckResult()
    for spec in specs:
        value = values.get(spec.code)
        if value is None:
            if require_complete and spec.required:
                result.add(spec.code, f"「{spec.name}」为必填项：请填写数值（单位：{spec.measure_unit}）。")
            continue
        if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
            low = _fmt(spec.minimum) if spec.minimum is not None else "不限"
            high = _fmt(spec.maximum) if spec.maximum is not None else "不限"
            result.add(spec.code, f"「{spec.name}」为 {_fmt(value)} {spec.measure_unit}，超出合理范围"
                                  f"（{low} 至 {high} {spec.measure_unit}）：请核对数值和计量单位。")
        if spec.yoy_check:
            change = yoy_change_pct(value, last_year.get(spec.code))
            if change is not None and abs(change) > yoy_bound_pct and not explanations.get(spec.code, "").strip():
                result.add(spec.code, f"「{spec.name}」比上年同期变化 {change:+.1f}%，超过 ±{_fmt(yoy_bound_pct)}%："
                                      "请在「说明」栏写明原因。")
    for check in checks:
        if evaluate_rule(check.rule, values) is False:
            result.form_errors.append(check.message)
    return result
