"""The SQL recompute (`recompute_period`) stores exactly what the frame path (`compute_period`) computes,
and what a hand calculation gives, on SQLite and on PostgreSQL (run the file with both databases).

The tiny hierarchy is the one of test_derived.py (E1..E3 enterprises under K1/K2, park Q over E1 and E3).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from newind.indicators import derived_sql
from newind.indicators.derived import compute_period, derived_frame, recompute_period
from newind.indicators.models import DerivedFigure, Indicator
from newind.indicators.periods import Period
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from newind.units.models import Hierarchy, Unit, UnitLink

from .test_derived import PERIOD, tiny  # noqa: F401  (the fixture)

KEY = ["indicator_code", "unit_code", "kind", "scope"]


def _stored() -> pd.DataFrame:
    frame = derived_frame(PERIOD)
    return frame[[*KEY, "value", "last_year_value", "rank", "reported", "tied", "is_synthetic"]]


def _computed(**options: object) -> pd.DataFrame:
    result = compute_period(PERIOD, **options)  # type: ignore[arg-type]
    codes = dict(Unit.objects.values_list("id", "code"))
    inds = dict(Indicator.objects.values_list("id", "code"))
    frame = result.frame.assign(unit_code=result.frame["unit_id"].map(codes),
                                indicator_code=result.frame["indicator_id"].map(inds))
    return frame[[*KEY, "value", "last_year_value", "rank", "reported", "tied", "is_synthetic"]]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a = a.sort_values(KEY).reset_index(drop=True)
    b = b.sort_values(KEY).reset_index(drop=True)
    assert a[KEY].equals(b[KEY]), (a[KEY], b[KEY])
    for col in ("value", "last_year_value"):
        np.testing.assert_allclose(a[col].astype(float), b[col].astype(float), rtol=1e-12, equal_nan=True)
    for col in ("rank", "reported"):
        assert list(a[col].astype("Int64")) == list(b[col].astype("Int64")), col
    for col in ("tied", "is_synthetic"):
        assert list(a[col].astype(bool)) == list(b[col].astype(bool)), col


@pytest.mark.parametrize("include_leaves", [True, False])
def test_the_sql_recompute_stores_what_the_frame_path_computes(tiny, include_leaves):  # noqa: F811
    recompute_period(PERIOD, include_leaves=include_leaves)
    _same(_stored(), _computed(include_leaves=include_leaves))


def test_the_default_cache_keeps_the_units_above_the_enterprises(tiny):  # noqa: F811
    recompute_period(PERIOD)
    frame = derived_frame(PERIOD)
    # No enterprise has a stored growth or rank; every unit above them has its roll-up, growth and ranks.
    assert not frame[frame["kind"].isin(["growth", "rank"])]["unit_code"].str.startswith("E").any()
    growth = frame[frame["kind"] == "growth"].set_index("unit_code")["value"]
    # By hand: K1 30 against 28, K2 5 against 4, C and P 35 against 32, the park Q 15 against 12.
    assert growth.to_dict() == pytest.approx({"K1": (30 / 28 - 1) * 100, "K2": 25.0, "C": 9.375, "P": 9.375,
                                              "Q": 25.0})
    ranks = frame[(frame["kind"] == "rank") & (frame["scope"] == "siblings:admin")
                  & (frame["indicator_code"] == "lvl")].set_index("unit_code")
    assert ranks.loc["K1", "rank"] == 1 and ranks.loc["K2", "rank"] == 2 and ranks.loc["K1", "reported"] == 2


def test_growth_from_a_negative_or_zero_base_is_not_stored(tiny):  # noqa: F811
    # A profit from −10 to 5 (K1) and from 0 to 3 (K2): no growth rate ("—"), on both paths.
    profit = Indicator.objects.create(code="profit", name="利润", name_en="profit", measure_unit="亿元",
                                      frequency="monthly", value_kind="level", additive=False,
                                      price_basis="current")
    u = dict(Unit.objects.values_list("code", "id"))
    rows = [{"indicator_id": profit.id, "unit_id": u[code], "year": year, "period_kind": "M", "period_n": 6,
             "value": Decimal(v), "measure_unit": "亿元", "price_basis": "current", "release": "official",
             "source": "测试", "original": "", "is_synthetic": False}
            for code, year, v in [("K1", 2016, "-10"), ("K1", 2017, "5"), ("K2", 2016, "0"), ("K2", 2017, "3"),
                                  ("C", 2016, "4"), ("C", 2017, "5")]]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)
    recompute_period(PERIOD)
    frame = derived_frame(PERIOD)
    growth = frame[(frame["kind"] == "growth") & (frame["indicator_code"] == "profit")]
    assert growth.set_index("unit_code")["value"].to_dict() == pytest.approx({"C": 25.0})
    _same(_stored(), _computed())


def test_an_empty_period_stores_nothing(tiny):  # noqa: F811
    result = recompute_period(Period.month(2017, 5))
    assert result.rows == 0 and derived_frame(Period.month(2017, 5)).empty


def _ids() -> dict[tuple, int]:
    rows = DerivedFigure.objects.filter(year=PERIOD.year, period_kind=PERIOD.kind.value, period_n=PERIOD.n)
    return {(r.indicator.code, r.unit.code, r.kind, r.scope): r.id for r in rows.select_related("indicator", "unit")}


def test_a_recompute_rewrites_only_the_rows_that_changed(tiny):  # noqa: F811
    recompute_period(PERIOD)
    first = _ids()
    # Nothing changed: nothing is written (every row keeps its id).
    again = recompute_period(PERIOD)
    assert _ids() == first and again.rows == len(first)
    # E2 (under K1, in no park) revised from 20 to 22 for 2017.
    rows = [{"indicator_id": Indicator.objects.get(code="lvl").id, "unit_id": tiny["E2"].id, "year": 2017,
             "period_kind": "M", "period_n": 6, "value": Decimal("22"), "measure_unit": "亿元",
             "price_basis": "current", "release": "official", "source": "测试", "original": "",
             "is_synthetic": False}]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)
    recompute_period(PERIOD)
    _same(_stored(), _computed())
    after = _ids()
    assert set(after) == set(first)
    frame = derived_frame(PERIOD).set_index(["indicator_code", "unit_code", "kind", "scope"])
    # By hand: K1 = E1 10 + E2 22 = 32, the city and the province 32 + 5 = 37; K1's growth 32 against 28.
    assert frame.loc[("lvl", "K1", "rollup", "admin"), "value"] == 32.0
    assert frame.loc[("lvl", "P", "rollup", "admin"), "value"] == 37.0
    assert frame.loc[("lvl", "K1", "growth", "nominal"), "value"] == pytest.approx((32 / 28 - 1) * 100)
    changed = {key for key in first if after[key] != first[key]}
    # The rows under E2 were written again; the park's (E1 + E3) and the rate's were left alone.
    assert ("lvl", "K1", "rollup", "admin") in changed and ("lvl", "P", "growth", "nominal") in changed
    assert not {key for key in changed if key[1] == "Q" or key[0] == "rate"}


def test_sqlite_leaf_sums_by_upsert_equal_the_portable_group_by(tiny, monkeypatch):  # noqa: F811
    """SQLite sums the leaves per combination of parents by upserts (`_leaf_sums_upsert`); PostgreSQL and the
    DuckDB floor run the portable GROUP BY. Both give the same rows, also for a leaf in a park only (E4, no
    county) and a leaf in no hierarchy at all (E5, whose figures no roll-up counts)."""
    if connection.vendor != "sqlite":
        pytest.skip("the upsert path is SQLite's (MAX(a, b) is SQLite's scalar MAX)")
    assert derived_sql.Tables.django().upsert_leaf_sums
    u = {code: Unit.objects.create(code=code, name=code, kind="enterprise") for code in ("E4", "E5")}
    UnitLink.objects.create(hierarchy=Hierarchy.objects.get(code="park"), parent=Unit.objects.get(code="Q"),
                            child=u["E4"])
    lvl = Indicator.objects.get(code="lvl")
    rows = [{"indicator_id": lvl.id, "unit_id": u[code].id, "year": year, "period_kind": "M", "period_n": 6,
             "value": Decimal(v), "measure_unit": "亿元", "price_basis": "current", "release": "official",
             "source": "测试", "original": "", "is_synthetic": code == "E4"}
            for code, year, v in [("E4", 2017, "7"), ("E4", 2016, "6"), ("E5", 2017, "100"), ("E5", 2016, "1")]]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)
    django_tables = derived_sql.Tables.django
    stored = {}
    for upsert in (False, True):
        monkeypatch.setattr(derived_sql.Tables, "django",
                            classmethod(lambda cls, flag=upsert: replace(django_tables(), upsert_leaf_sums=flag)))
        DerivedFigure.objects.all().delete()
        recompute_period(PERIOD, include_leaves=True)
        stored[upsert] = _stored()
    _same(stored[True], stored[False])
    _same(stored[True], _computed(include_leaves=True))
    frame = stored[True].set_index(KEY)
    # By hand: the park Q = E1 10 + E3 5 + E4 7 = 22 from 3 firms (E3 and E4 synthetic); K1 = E1 10 + E2 20 = 30
    # (E4 has no county, E5 no parent); the province P = 10 + 20 + 5 = 35; Q's growth 22 against 8 + 4 + 6 = 18.
    assert frame.loc[("lvl", "Q", "rollup", "park"), ["value", "reported"]].tolist() == [22.0, 3]
    assert bool(frame.loc[("lvl", "Q", "rollup", "park"), "is_synthetic"])
    assert frame.loc[("lvl", "K1", "rollup", "admin"), ["value", "reported"]].tolist() == [30.0, 2]
    assert not bool(frame.loc[("lvl", "K1", "rollup", "admin"), "is_synthetic"])
    assert frame.loc[("lvl", "P", "rollup", "admin"), "value"] == 35.0
    assert frame.loc[("lvl", "Q", "growth", "nominal"), "value"] == pytest.approx((22 / 18 - 1) * 100)


def test_only_additive_levels_and_counts_are_summed(tiny):  # noqa: F811
    share = Indicator.objects.create(code="share", name="占比", name_en="share", measure_unit="%",
                                     frequency="monthly", value_kind="level", additive=False,
                                     price_basis="current")
    ids = list(Indicator.objects.values_list("id", flat=True))
    assert derived_sql.summable_indicator_ids(ids) == [Indicator.objects.get(code="lvl").id]
    assert share.id not in derived_sql.summable_indicator_ids(ids)
    assert derived_sql.summable_indicator_ids([]) == []


def _leaf_step(tables: derived_sql.Tables) -> tuple[str, list[object]]:
    ids = list(Indicator.objects.values_list("id", flat=True))
    steps = derived_sql.statements(PERIOD, tables, hierarchies=("admin", "park"), leaf_kinds=("enterprise",),
                                   indicator_ids=ids, summable_ids=derived_sql.summable_indicator_ids(ids),
                                   include_leaves=False, computed_at=None)
    return next((sql, params) for _, sql, params in steps if sql.startswith("CREATE TEMP TABLE nd_parent AS "))


def test_the_leaf_step_reads_no_temporary_table(tiny):  # noqa: F811
    """PostgreSQL runs no part of a plan that reads a temporary table in a parallel worker, so the step that
    reads the period's half a million leaf figures (province scale) joins only the real tables."""
    sql, _ = _leaf_step(replace(derived_sql.Tables.django(), upsert_leaf_sums=False))
    body = sql.removeprefix("CREATE TEMP TABLE nd_parent AS ")
    assert "nd_" not in body.replace("nd_parent", ""), body


def test_postgresql_may_run_the_leaf_step_on_parallel_workers(tiny):  # noqa: F811
    """The leaf step's plan is parallel safe: told to run every parallel-safe plan under a Gather (PostgreSQL's
    debug setting), it does. A plan that reads a temporary table is not, and the setting leaves it alone. At
    province scale the planner then splits the scan, the join and the aggregate between two processes by itself
    (docs/performance.md); the tiny data here would never be worth it, hence the setting."""
    if connection.vendor != "postgresql":
        pytest.skip("parallel plans are PostgreSQL's")
    sql, params = _leaf_step(derived_sql.Tables.django())
    select = sql.removeprefix("CREATE TEMP TABLE nd_parent AS ")
    with connection.cursor() as cur:
        # Renamed in PostgreSQL 16 (force_parallel_mode before).
        name = "debug_parallel_query" if connection.pg_version >= 160000 else "force_parallel_mode"
        cur.execute(f"SET LOCAL {name} = on")
        cur.execute("EXPLAIN " + select, params)
        plan = [row[0] for row in cur.fetchall()]
        cur.execute("CREATE TEMP TABLE nd_check AS SELECT 1 AS x")
        cur.execute("EXPLAIN SELECT x FROM nd_check")
        restricted = [row[0] for row in cur.fetchall()]
        cur.execute("DROP TABLE nd_check")
    assert plan[0].startswith("Gather"), plan
    assert not restricted[0].startswith("Gather"), restricted


def test_postgresql_gives_the_recompute_more_work_mem_and_puts_it_back(tiny, monkeypatch, settings):  # noqa: F811
    """The leaf roll-up's hash aggregate spilled to disk at 100,000 firms with PostgreSQL's default 4 MB: the
    recompute's statements run with NEWIND_RECOMPUTE_WORK_MEM, and the caller's transaction gets its own
    setting back afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("work_mem is PostgreSQL's")
    settings.NEWIND_RECOMPUTE_WORK_MEM = "48MB"
    seen = []
    real_run_statements = derived_sql.run_statements

    def spy(run, steps, counts=None):
        seen.append(run("SELECT current_setting('work_mem')", [])[0][0])
        return real_run_statements(run, steps, counts)

    monkeypatch.setattr(derived_sql, "run_statements", spy)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '5MB'")
        result = recompute_period(PERIOD)
        cur.execute("SELECT current_setting('work_mem')")
        after = cur.fetchone()[0]
    assert seen == ["48MB"] and after == "5MB"
    assert result.rows > 0
    _same(_stored(), _computed())
