"""The reasons of unsatisfied ratings and reopened cases are kept (a later 满意 does not erase them) and counted.

By hand: 化工's case is rated 不满意 twice for the same subjective reason (two redos), then 满意; 纺织's is rated
不满意 once for an objective reason (the office's call-back, no redo). So: 3 unsatisfied ratings (2 subjective,
1 objective), 2 reopenings, 1 case reopened; the reasons: the subjective one twice, the objective one once.
"""

from __future__ import annotations

import pytest

from newind.cases.choices import Action, CaseRole
from newind.cases.models import Case
from newind.cases.queries import unsatisfied_reasons
from newind.cases.services import apply_action, rate
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db

SUBJECTIVE = "答复敷衍，没有上门核实"
OBJECTIVE = "所提补贴不符合现行政策"


def _close(case, people, when: str):  # type: ignore[no-untyped-def]
    case = apply_action(case, Action.ACCEPT, user=people.fgw, role=CaseRole.LEAD, now=at(when))
    return apply_action(case, Action.CLOSE, user=people.fgw, role=CaseRole.LEAD, now=at(when))


def test_reasons_are_kept_and_counted(people, filed) -> None:  # type: ignore[no-untyped-def]
    mine = _close(filed.mine, people, "2017-09-30T09:00")
    for day in ("2017-10-09", "2017-10-10"):
        mine = rate(mine, "unsatisfied", user=people.firm, role=CaseRole.FIRM, reason=SUBJECTIVE,
                    reason_kind="subjective", now=at(f"{day}T09:00"))
        assert mine.state == "redo"
        mine = _close(mine, people, f"{day}T15:00")
    mine = rate(mine, "satisfied", user=people.firm, role=CaseRole.FIRM, now=at("2017-10-11T09:00"))
    assert (mine.state, mine.rating, mine.unsatisfied_reason, mine.redo_count) == ("evaluated", "satisfied", "", 2)

    theirs = apply_action(filed.theirs, Action.ACCEPT, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-09-30T09:00"))
    theirs = apply_action(theirs, Action.CLOSE, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-09-30T10:00"))
    theirs = rate(theirs, "unsatisfied", user=people.office, role=CaseRole.OFFICE, reason=OBJECTIVE,
                  reason_kind="objective", now=at("2017-10-09T09:00"))
    assert theirs.state == "evaluated" and theirs.redo_count == 0

    counted = unsatisfied_reasons()
    assert (counted["unsatisfied"], counted["reopened"], counted["cases_reopened"]) == (3, 2, 1)
    assert counted["by_kind"] == {"subjective": 2, "objective": 1}
    assert counted["reasons"] == [
        {"reason": SUBJECTIVE, "kind": "subjective", "reopened": True, "count": 2},
        {"reason": OBJECTIVE, "kind": "objective", "reopened": False, "count": 1},
    ]
    # For a selection of cases (纺织's only), and for none.
    only_theirs = unsatisfied_reasons(Case.objects.filter(pk=theirs.pk))
    assert (only_theirs["unsatisfied"], only_theirs["reopened"], only_theirs["cases_reopened"]) == (1, 0, 0)
    nothing = unsatisfied_reasons(Case.objects.none())
    assert (nothing["unsatisfied"], nothing["reasons"]) == (0, [])


def test_a_firm_cannot_call_its_own_unsatisfied_rating_objective(people, filed) -> None:  # type: ignore[no-untyped-def]
    """An objective reason (no redo) is the office's judgement on the call-back; the firm's 不满意 reopens."""
    from newind.core.errors import AppError

    mine = _close(filed.mine, people, "2017-09-30T09:00")
    with pytest.raises(AppError) as error:
        rate(mine, "unsatisfied", user=people.firm, role=CaseRole.FIRM, reason="政策不允许", reason_kind="objective",
             now=at("2017-10-09T09:00"))
    assert error.value.status == 403
    with pytest.raises(AppError, match="须选择原因类型"):
        rate(mine, "unsatisfied", user=people.firm, role=CaseRole.FIRM, reason="不满意", now=at("2017-10-09T09:00"))
    mine.refresh_from_db()
    assert mine.state == "closed" and unsatisfied_reasons()["unsatisfied"] == 0
