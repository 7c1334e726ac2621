"""Differentiated policies per class as data: Shandong's D-class electricity surcharge by consecutive D years."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from newind.mujun.policies import all_policies, consecutive_years, load_policy, policy_amounts
from tests.mujun.conftest import JS, MR, _write


def test_the_shipped_policies_load() -> None:
    policy = load_policy("shandong-d-electricity")
    assert policy.steps == ((1, 0.05), (2, 0.10), (3, 0.15)) and policy.applies_to_class == "D"
    assert [p.code for p in all_policies()] == ["shandong-d-electricity"]


def test_the_surcharge_by_consecutive_d_years_by_hand() -> None:
    history = pd.DataFrame([
        # X: D 2013–2017 (5 years, capped at the last step: 3+); Y: D 2016–2017 (2); Z: D 2017 only (C 2016);
        # W: D 2015 and 2017 with C 2016 between (1); V: C in 2017 (not hit).
        *[("X", y, "D") for y in range(2013, 2018)], ("Y", 2016, "D"), ("Y", 2017, "D"), ("Z", 2016, "C"),
        ("Z", 2017, "D"), ("W", 2015, "D"), ("W", 2016, "C"), ("W", 2017, "D"), ("V", 2017, "C")],
        columns=["credit_code", "year", "klass"])
    assert consecutive_years(history, 2017, "D", 3).to_dict() == {"V": 0, "W": 1, "X": 3, "Y": 2, "Z": 1}
    firms = pd.DataFrame({"credit_code": list("XYZWV"), "name": list("XYZWV"), "klass": ["D", "D", "D", "D", "C"],
                          "base": [1000.0, 500.0, 200.0, 100.0, 9999.0]})
    out = policy_amounts(load_policy("shandong-d-electricity"), firms, history, 2017).set_index("credit_code")
    # amount (万元) = rate (元/kWh) × 用电量 (万kWh): X 0.15 × 1000 = 150; Y 0.10 × 500 = 50; Z 0.05 × 200 = 10;
    # W 0.05 × 100 = 5; V is C: not listed.
    assert out["amount"].to_dict() == {"X": 150.0, "Y": 50.0, "Z": 10.0, "W": 5.0}
    assert out["rate"].to_dict() == {"X": 0.15, "Y": 0.10, "Z": 0.05, "W": 0.05}


@pytest.mark.django_db
def test_the_policy_list_of_a_run_as_excel(client_as, cast, figures) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from newind.mujun import services
    from newind.mujun.models import FirmResult

    _write([(JS, "power_use", 2017, "10")])
    run = services.run_evaluation(2017, "430600")
    services.advance(run, "close_filling", user=None, as_office=True)
    js = FirmResult.objects.get(run=run, credit_code=JS)
    services.adjust_class(js, "D", "未完成节能任务", user=cast.office)
    response = client_as("office").get(f"/mujun/runs/{run.pk}/policy/shandong-d-electricity.xlsx")
    assert response.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    body = rows[next(i for i, r in enumerate(rows) if r[0] == "序号") + 1:]
    # JS: D in 2017 only → 0.05 元/kWh × 10 万kWh = 0.5 万元; MR (B) is not listed.
    assert [(r[1], r[4], r[5], r[6], r[7]) for r in body] == [(JS, 1, 0.05, 10.0, 0.5)]
    assert MR not in [r[1] for r in body]

