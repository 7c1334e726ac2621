"""向上争取 (funding sought from national and provincial programmes): the status table and the deadline
rules, pure (no ORM) so they are tested on their own.

An item is researched (研究), applied for (申报) before its deadline, then approved (获批, with the amount
obtained) or rejected (未获批). The office may send an applied item back to 研究 (a mistaken filing) but
a decided item is final: a new round of the same programme is a new item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from newind.core.errors import Conflict
from newind.funding.choices import Action, Status, Urgency

# (from status, action) -> to status: the whole workflow.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.RESEARCHING, Action.APPLY): Status.APPLYING,
    (Status.APPLYING, Action.APPROVE): Status.APPROVED,
    (Status.APPLYING, Action.REJECT): Status.REJECTED,
    (Status.APPLYING, Action.REOPEN): Status.RESEARCHING,
}
OPEN = frozenset({Status.RESEARCHING, Status.APPLYING})
# Days before a deadline at which an open item turns red and yellow on the list.
RED_DAYS = 7
YELLOW_DAYS = 30
# A dashboard of a month long past is read as of that month's end, not of today (see reference_date).
STALE_DAYS = 62


def actions_from(status: Status) -> list[Action]:
    """The actions the table allows from a status, in the table's order."""
    return [action for (source, action) in TRANSITIONS if source == status]


@dataclass(frozen=True)
class Step:
    status: Status
    amount_obtained: Decimal | None


def step(status: Status, action: Action, *, today: dt.date, deadline: dt.date | None,
         window_start: dt.date | None = None, amount_obtained: Decimal | None = None) -> Step:
    """The new status after an action, or Conflict with the Chinese reason it is refused."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise Conflict(f"当前状态为「{status.label}」，不能{action.label}。")
    if action == Action.APPLY:
        if window_start is not None and today < window_start:
            raise Conflict(f"申报窗口{window_start.isoformat()}才开启，不能提前提交申报。")
        if deadline is not None and today > deadline:
            raise Conflict(f"申报截止日期{deadline.isoformat()}已过，不能再提交申报；如有下一批次，请新建事项。")
    if action == Action.APPROVE:
        if amount_obtained is None or amount_obtained <= 0:
            raise Conflict("登记获批须填写获批（到位）金额，且金额应大于0（万元）。")
        return Step(target, amount_obtained)
    if action in (Action.REJECT, Action.REOPEN):
        return Step(target, None)
    return Step(target, None)


def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    """Calendar days from today to the deadline (0: today is the last day; negative: passed)."""
    return None if deadline is None else (deadline - today).days


def urgency(status: Status, deadline: dt.date | None, today: dt.date) -> Urgency:
    """An item still in 研究 is judged against its deadline; an applied or decided one is past the race."""
    if status != Status.RESEARCHING:
        return Urgency.CLOSED
    left = days_left(deadline, today)
    if left is None:
        return Urgency.GREEN
    if left < 0:
        return Urgency.OVERDUE
    if left <= RED_DAYS:
        return Urgency.RED
    if left <= YELLOW_DAYS:
        return Urgency.YELLOW
    return Urgency.GREEN


def reference_date(period_end: dt.date | None, today: dt.date) -> dt.date:
    """The day a dashboard's deadline list is read at: today, unless the dashboard shows a month that ended
    more than two months ago (a meeting looking back at 2017-06 wants the deadlines that month faced)."""
    if period_end is not None and (today - period_end).days > STALE_DAYS:
        return period_end
    return today


def totals(items: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group (`by`: level or owner unit): items, applied, approved, rejected, amounts sought and
    obtained (万元), and the approval rate = approved ÷ decided (None before any decision).

    `items` has columns status, amount_sought, amount_obtained and `by`.
    """
    columns = [by, "items", "applied", "approved", "rejected", "amount_sought", "amount_obtained", "approval_rate"]
    if items.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = items.assign(
        applied=items["status"].isin([Status.APPLYING, Status.APPROVED, Status.REJECTED]).astype(int),
        approved=(items["status"] == Status.APPROVED).astype(int),
        rejected=(items["status"] == Status.REJECTED).astype(int),
        amount_sought=pd.to_numeric(items["amount_sought"], errors="coerce").fillna(0.0),
        amount_obtained=pd.to_numeric(items["amount_obtained"], errors="coerce").fillna(0.0),
    )
    out = frame.groupby(by, sort=True).agg(
        items=("status", "size"), applied=("applied", "sum"), approved=("approved", "sum"),
        rejected=("rejected", "sum"), amount_sought=("amount_sought", "sum"),
        amount_obtained=("amount_obtained", "sum")).reset_index()
    decided = out["approved"] + out["rejected"]
    out["approval_rate"] = (out["approved"] / decided.where(decided > 0) * 100).round(1)
    out["approval_rate"] = out["approval_rate"].astype(object).where(decided > 0, None)
    return out[columns]
