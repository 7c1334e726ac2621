"""Pure rules of the accountability list and the alerts: who is past the ladder, who reported late too often,
the fingerprints, the sentences and the alert lifecycle (no database; frames in, frames out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from newind.accountability.choices import AlertState, Cause
from newind.cases.sla import working_days_between_ordinals
from newind.submissions.calc import late_or_missing

# 报表迟报: a unit makes the list with this many late or missing monthly reports in one year (issue 13 §6,
# "repeatedly late reports"; the assessment's discipline item counts the same reports, −1 each).
LATE_REPORTS_MIN = 2
NO_HEAD = "（未登记主要负责人）"


def fingerprint(cause: str, obj: str, period: str) -> str:
    """The one key of an entry or an alert: rule | object | period."""
    return f"{cause}|{obj}|{period}"


def working_days_late(deadline_days: pd.Series, as_of: dt.datetime) -> np.ndarray:
    """For each deadline day, the whole working days a case is late at `as_of`: the working days after the
    deadline's day up to the day before `as_of` (a rung after N days is reached at 24:00 of the N-th)."""
    ordinals = np.asarray([d.toordinal() for d in deadline_days], dtype=np.int64)
    yesterday = (as_of.date() - dt.timedelta(days=1)).toordinal()
    return working_days_between_ordinals(ordinals, np.full(len(ordinals), yesterday, dtype=np.int64))


def past_last_rung(late_days: np.ndarray, last_rung_days: int) -> np.ndarray:
    """Which cases are past the ladder's last rung (late at least that many working days)."""
    return np.asarray(late_days) >= last_rung_days


def overdue_reason(code: str, title: str, deadline_text: str, late_days: int, rung_days: int,
                   rung_label: str, as_of_text: str) -> str:
    return (f"督办事项 {code}「{title}」办结时限为 {deadline_text}，截至{as_of_text}已逾期 {late_days} 个工作日，"
            f"超过逾期升级阶梯最后一级（逾期 {rung_days} 个工作日报{rung_label}督办）仍未办结。")


def project_person(head: str, direct: str, leader: str) -> str:
    """Who answers for a stalled project: the responsible unit's principal head, naming the project's 直接责任人
    beside; without a head on record the 直接责任人, then the 联点市领导."""
    if head and direct:
        return f"{head}（直接责任人：{direct}）"
    return head or direct or leader or NO_HEAD


def stalled_reason(name: str, code: str, light_reason: str) -> str:
    return f"重大项目「{name}」（{code}）进度停滞：{light_reason}"


def late_report_counts(rows: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Per unit: late and missing monthly reports among `rows` (unit_id, deadline, submitted_on; one row a
    report), only reports whose deadline has passed. Late: first submitted after the deadline's day;
    missing: nothing submitted by `today` after the deadline (as submissions.calc.discipline_of)."""
    cols = ["unit_id", "late", "missing", "total", "periods"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    r = rows.copy()
    late, missing = late_or_missing(r["deadline"], r["submitted_on"], today)
    r["late"], r["missing"] = late.astype(int), missing.astype(int)
    r = r[(r["late"] + r["missing"]) > 0]
    if r.empty:
        return pd.DataFrame(columns=cols)
    r["label"] = r["period_label"] + np.where(r["late"] == 1, "迟报", "缺报")
    out = r.groupby("unit_id", sort=True).agg(late=("late", "sum"), missing=("missing", "sum"),
                                              periods=("label", lambda s: "、".join(s)))
    out["total"] = out["late"] + out["missing"]
    return out.reset_index()[cols]


def repeatedly_late(counts: pd.DataFrame, minimum: int = LATE_REPORTS_MIN) -> pd.DataFrame:
    """The units with at least `minimum` late or missing reports."""
    if counts.empty:
        return counts
    return counts[counts["total"] >= minimum].reset_index(drop=True)


def late_reason(unit_name: str, year: int, late: int, missing: int, periods: str, minimum: int = LATE_REPORTS_MIN) -> str:
    return (f"{unit_name}{year}年月度报表迟报 {late} 次、缺报 {missing} 次（{periods}），合计 {late + missing} 次，"
            f"达到一年内 {minimum} 次及以上的问责标准。")


def cause_label(cause: str) -> str:
    return Cause(cause).label


# --- alerts ------------------------------------------------------------------------------------------------


def alert_transition(state: str, found: bool) -> tuple[str, bool]:
    """What a scan does to an existing alert: (new state, reopened?). An alert already resolved whose cause is
    found again reopens; an open or acknowledged one stays as it is (the scan counts the occurrence)."""
    if found and AlertState(state) == AlertState.RESOLVED:
        return AlertState.OPEN, True
    return state, False


ALERT_MOVES: dict[tuple[str, str], str] = {
    (AlertState.OPEN, "acknowledge"): AlertState.ACKNOWLEDGED,
    (AlertState.OPEN, "resolve"): AlertState.RESOLVED,
    (AlertState.ACKNOWLEDGED, "resolve"): AlertState.RESOLVED,
}


def alert_move(state: str, action: str) -> str | None:
    """The state an alert moves to by a person's action (acknowledge, resolve); None if not allowed."""
    return ALERT_MOVES.get((AlertState(state), action))


def subscribers_text(names: Iterable[str]) -> str:
    people = [n for n in names if n]
    return f"（订阅人：{'、'.join(people)}）" if people else ""
