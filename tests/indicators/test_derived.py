"""Set-wise derived figures on a tiny hand-made hierarchy with hand-computed expected numbers.

    admin:  P (province) ─ C (city) ─ K1 (county) ─ E1, E2 (enterprises), Q (park, no figures of its own)
                                    └ K2 (county) ─ E3
    park:   Q ─ E1, E3

lvl (亿元, additive level) 2017年1—6月: E1 10, E2 20, E3 5; 2016年1—6月: E1 8, E2 20, E3 4.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from newind.indicators.derived import compute_period, derived_frame, recompute_period, resolve_ancestors
from newind.indicators.models import DerivedFigure, Indicator
from newind.indicators.periods import Period
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitLink

PERIOD = Period.month(2017, 6)


def test_resolve_ancestors_walks_every_level_once():
    edges = pd.DataFrame({"parent_id": [1, 2, 3, 3, 9], "child_id": [2, 3, 4, 5, 6]})
    got = resolve_ancestors(edges, [4, 5, 6, 7]).sort_values(["leaf_id", "depth"])
    assert list(got.itertuples(index=False, name=None)) == [
        (4, 3, 1), (4, 2, 2), (4, 1, 3), (5, 3, 1), (5, 2, 2), (5, 1, 3), (6, 9, 1),
    ]


@pytest.fixture
def tiny(db):
    admin = Hierarchy.objects.create(code="admin", name="行政隶属")
    park = Hierarchy.objects.create(code="park", name="园区归属")
    u = {code: Unit.objects.create(code=code, name=code, kind=kind) for code, kind in [
        ("P", "province"), ("C", "city"), ("K1", "county"), ("K2", "county"), ("Q", "park"),
        ("E1", "enterprise"), ("E2", "enterprise"), ("E3", "enterprise"),
    ]}
    for h, parent, child in [(admin, "P", "C"), (admin, "C", "K1"), (admin, "C", "K2"), (admin, "K1", "E1"),
                             (admin, "K1", "E2"), (admin, "K2", "E3"), (admin, "K1", "Q"), (park, "Q", "E1"),
                             (park, "Q", "E3")]:
        UnitLink.objects.create(hierarchy=h, parent=u[parent], child=u[child])
    group = PeerGroup.objects.create(code="counties", name="县")
    for i, code in enumerate(["K1", "K2"]):
        PeerGroupMember.objects.create(group=group, unit=u[code], sort_order=i)
    lvl = Indicator.objects.create(code="lvl", name="总量", name_en="level", measure_unit="亿元", frequency="monthly",
                                   value_kind="level", additive=True, price_basis="current")
    rate = Indicator.objects.create(code="rate", name="能耗", name_en="rate", measure_unit="%", frequency="monthly",
                                    value_kind="rate", additive=False, direction="lower", price_basis="comparable")
    figures = [
        (lvl, "E1", 2017, "10"), (lvl, "E2", 2017, "20"), (lvl, "E3", 2017, "5"),
        (lvl, "E1", 2016, "8"), (lvl, "E2", 2016, "20"), (lvl, "E3", 2016, "4"),
        (rate, "K1", 2017, "3.0"), (rate, "K2", 2017, "3.0"), (rate, "K1", 2016, "2.0"), (rate, "K2", 2016, "9.0"),
    ]
    rows = [{"indicator_id": ind.id, "unit_id": u[code].id, "year": year, "period_kind": "M", "period_n": 6,
             "value": Decimal(v), "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
             "release": "official", "source": "测试", "original": "", "is_synthetic": code == "E3"}
            for ind, code, year, v in figures]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)
    return u


def _by(frame: pd.DataFrame, kind: str, scope: str, indicator: str = "lvl") -> dict[str, tuple]:
    part = frame[(frame["kind"] == kind) & (frame["scope"] == scope) & (frame["indicator_code"] == indicator)]
    return {r.unit_code: r for r in part.itertuples(index=False)}


def test_it_rolls_up_grows_and_ranks_one_period(tiny):
    # With the leaves kept too (the enterprises' own growth and sibling ranks), as the cache held until issue 9.
    result = recompute_period(PERIOD, include_leaves=True)
    frame = derived_frame(PERIOD)
    assert len(frame) == result.rows == DerivedFigure.objects.count()

    admin = _by(frame, "rollup", "admin")
    assert {c: (r.value, r.reported) for c, r in admin.items()} == {
        "K1": (30.0, 2), "K2": (5.0, 1), "C": (35.0, 3), "P": (35.0, 3),
    }
    # The park sits under K1 in the admin tree but has no leaves there: no double counting.
    assert {c: (r.value, r.reported) for c, r in _by(frame, "rollup", "park").items()} == {"Q": (15.0, 2)}
    # Any synthetic leaf makes the roll-up synthetic (示例数据).
    assert admin["K2"].is_synthetic and not admin["K1"].is_synthetic

    growth = _by(frame, "growth", "nominal")
    expected = {"E1": 25.0, "E2": 0.0, "E3": 25.0, "K1": 30 / 28 * 100 - 100, "K2": 25.0, "C": 9.375, "P": 9.375,
                "Q": 25.0}
    assert set(growth) == set(expected)
    for code, pct in expected.items():
        assert growth[code].value == pytest.approx(pct)
    assert growth["C"].last_year_value == pytest.approx(32.0)
    # A published rate is never recomputed into a growth.
    assert frame[(frame["kind"] == "growth") & (frame["indicator_code"] == "rate")].empty

    siblings = _by(frame, "rank", "siblings:admin")
    # E3 and Q are alone among their siblings: counted as reported, but a unit alone is not "第1位".
    ranks_of = {c: (None if pd.isna(r.rank) else r.rank, r.reported) for c, r in siblings.items()
                if c.startswith(("E", "K", "Q"))}
    assert ranks_of == {"E2": (1, 2), "E1": (2, 2), "E3": (None, 1), "K1": (1, 2), "K2": (2, 2), "Q": (None, 1)}
    park = _by(frame, "rank", "siblings:park")
    assert {c: r.rank for c, r in park.items()} == {"E1": 1, "E3": 2}
    # Lower-is-better rate with a tie (并列): both first among the 2 that reported.
    tie = _by(frame, "rank", "group:counties", "rate")
    assert {c: (r.rank, r.tied, r.reported) for c, r in tie.items()} == {"K1": (1, True, 2), "K2": (1, True, 2)}


def test_recompute_replaces_the_period_rows(tiny):
    first = recompute_period(PERIOD)
    recompute_period(PERIOD)
    assert DerivedFigure.objects.count() == first.rows
    other = compute_period(Period.month(2017, 5))
    assert other.frame.empty
