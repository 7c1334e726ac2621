"""The 向上争取 status table, deadline rules and totals, each against a hand calculation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from newind.core.errors import Conflict
from newind.funding import calc
from newind.funding.choices import Action, Status, Urgency

D = dt.date
R, A, OK, NO = Status.RESEARCHING, Status.APPLYING, Status.APPROVED, Status.REJECTED


@pytest.mark.parametrize(("status", "action", "expected"), [
    (R, Action.APPLY, A),
    (A, Action.APPROVE, OK),
    (A, Action.REJECT, NO),
    (A, Action.REOPEN, R),
    (R, Action.APPROVE, None),
    (R, Action.REJECT, None),
    (R, Action.REOPEN, None),
    (A, Action.APPLY, None),
    (OK, Action.REOPEN, None),
    (NO, Action.APPLY, None),
    (OK, Action.REJECT, None),
])
def test_the_status_table(status: Status, action: Action, expected: Status | None) -> None:
    kwargs = {"today": D(2017, 5, 1), "deadline": D(2017, 6, 30), "amount_obtained": Decimal("10")}
    if expected is None:
        with pytest.raises(Conflict, match=f"当前状态为「{status.label}」"):
            calc.step(status, action, **kwargs)
    else:
        assert calc.step(status, action, **kwargs).status == expected


def test_every_status_offers_exactly_the_table_actions() -> None:
    assert calc.actions_from(R) == [Action.APPLY]
    assert calc.actions_from(A) == [Action.APPROVE, Action.REJECT, Action.REOPEN]
    assert calc.actions_from(OK) == [] and calc.actions_from(NO) == []


def test_applying_is_refused_outside_the_window() -> None:
    # The last day counts (deadline 2017-06-30 inclusive); the day after does not.
    assert calc.step(R, Action.APPLY, today=D(2017, 6, 30), deadline=D(2017, 6, 30)).status == A
    with pytest.raises(Conflict, match="申报截止日期2017-06-30已过"):
        calc.step(R, Action.APPLY, today=D(2017, 7, 1), deadline=D(2017, 6, 30))
    with pytest.raises(Conflict, match="申报窗口2017-05-01才开启"):
        calc.step(R, Action.APPLY, today=D(2017, 4, 30), deadline=D(2017, 6, 30), window_start=D(2017, 5, 1))


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-5")])
def test_an_approval_needs_a_positive_amount(amount: Decimal | None) -> None:
    with pytest.raises(Conflict, match="获批（到位）金额"):
        calc.step(A, Action.APPROVE, today=D(2017, 8, 1), deadline=None, amount_obtained=amount)
    assert calc.step(A, Action.APPROVE, today=D(2017, 8, 1), deadline=None,
                     amount_obtained=Decimal("500")).amount_obtained == Decimal("500")


@pytest.mark.parametrize(("status", "deadline", "today", "expected"), [
    (R, D(2017, 12, 20), D(2017, 12, 20), Urgency.RED),      # the last day: 0 days left
    (R, D(2017, 12, 20), D(2017, 12, 13), Urgency.RED),      # 7 days left
    (R, D(2017, 12, 20), D(2017, 12, 12), Urgency.YELLOW),   # 8 days left
    (R, D(2017, 12, 20), D(2017, 11, 20), Urgency.YELLOW),   # 30 days left
    (R, D(2017, 12, 20), D(2017, 11, 19), Urgency.GREEN),    # 31 days left
    (R, D(2017, 12, 20), D(2017, 12, 21), Urgency.OVERDUE),  # the day after
    (R, None, D(2017, 12, 21), Urgency.GREEN),
    (A, D(2017, 12, 20), D(2017, 12, 21), Urgency.CLOSED),   # applied: out of the race
    (OK, D(2017, 12, 20), D(2017, 12, 19), Urgency.CLOSED),
])
def test_urgency(status: Status, deadline: dt.date | None, today: dt.date, expected: Urgency) -> None:
    assert calc.urgency(status, deadline, today) == expected


def test_days_left() -> None:
    assert calc.days_left(D(2018, 1, 15), D(2017, 12, 31)) == 15
    assert calc.days_left(D(2017, 12, 31), D(2018, 1, 2)) == -2
    assert calc.days_left(None, D(2018, 1, 2)) is None


def test_a_dashboard_of_a_month_long_past_reads_the_deadlines_of_that_month() -> None:
    assert calc.reference_date(D(2017, 11, 30), D(2026, 12, 2)) == D(2017, 11, 30)
    # Within two months of the period's end: today (62 days after 2026-10-01 is 2026-12-02).
    assert calc.reference_date(D(2026, 10, 1), D(2026, 12, 2)) == D(2026, 12, 2)
    assert calc.reference_date(D(2026, 9, 30), D(2026, 12, 2)) == D(2026, 9, 30)
    assert calc.reference_date(None, D(2026, 12, 2)) == D(2026, 12, 2)


def test_totals_per_level_against_a_hand_count() -> None:
    items = pd.DataFrame([
        {"level": "national", "status": OK, "amount_sought": Decimal("8000"), "amount_obtained": Decimal("5000")},
        {"level": "national", "status": NO, "amount_sought": Decimal("3000"), "amount_obtained": None},
        {"level": "national", "status": A, "amount_sought": Decimal("12000"), "amount_obtained": None},
        {"level": "national", "status": R, "amount_sought": Decimal("800"), "amount_obtained": None},
        {"level": "provincial", "status": R, "amount_sought": Decimal("1200"), "amount_obtained": None},
        {"level": "provincial", "status": A, "amount_sought": Decimal("1000"), "amount_obtained": None},
    ])
    out = calc.totals(items, "level").set_index("level")
    national = out.loc["national"]
    # 4 items; applied = 申报 + 获批 + 未获批 = 3; sought 8000 + 3000 + 12000 + 800 = 23800; obtained 5000;
    # approval rate = 1 approved ÷ (1 approved + 1 rejected) = 50.0%.
    assert (national["items"], national["applied"], national["approved"], national["rejected"]) == (4, 3, 1, 1)
    assert national["amount_sought"] == 23800.0 and national["amount_obtained"] == 5000.0
    assert national["approval_rate"] == 50.0
    provincial = out.loc["provincial"]
    # Nothing decided yet: the rate is "—" (None), never 0%.
    assert (provincial["items"], provincial["applied"], provincial["amount_sought"]) == (2, 1, 2200.0)
    assert provincial["approval_rate"] is None


def test_totals_of_nothing_is_an_empty_table_with_its_columns() -> None:
    out = calc.totals(pd.DataFrame(columns=["level", "status", "amount_sought", "amount_obtained"]), "level")
    assert out.empty and "approval_rate" in out.columns
