"""Which of an indicator's targets a table cell or a card shows (moved from reports.calc with the targets' part)."""

import pandas as pd
import pytest

from newind.targets.calc import pick_target_rows


@pytest.mark.parametrize(("targets", "kind", "light"), [
    # The most severe light wins, whatever its kind: a row never looks better than the warning list.
    ([("stretch", "red"), ("hard", "green")], "stretch", "red"),
    ([("floor", "yellow"), ("stretch", "green")], "floor", "yellow"),
    # Equal lights: the binding kind first.
    ([("stretch", "green"), ("floor", "green"), ("hard", "green")], "hard", "green"),
    ([("stretch", "red"), ("floor", "red")], "floor", "red"),
    # A target without a light yet (no figure) comes after any lit one.
    ([("hard", None), ("stretch", "green")], "stretch", "green"),
])
def test_pick_target_rows(targets, kind, light):
    progress = pd.DataFrame([{"indicator_code": "va", "unit_code": "A", "target_kind": k, "light": lt}
                             for k, lt in targets])
    out = pick_target_rows(progress)
    assert len(out) == 1 and out.iloc[0]["target_kind"] == kind and out.iloc[0]["light"] == light
