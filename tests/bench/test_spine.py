"""The spine benchmark's machinery at a tiny scale (not timed): the JSON summary and a correct roll-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pandas as pd
import pytest

from newind.bench.spine import PREFIX, SCALES, run_spine, summary_line
from newind.core.errors import AppError
from newind.indicators.derived import derived_frame
from newind.indicators.models import Observation
from newind.indicators.periods import Period
from newind.units.models import Unit, UnitLink

TINY = replace(SCALES["city"], enterprises=20, indicators=2, counties_per_city=3, parks_per_city=2, years=2)
FIELDS = {"scale", "observations", "load_s", "recompute_s", "peak_rss_mb", "database"}


def test_it_loads_recomputes_and_reports(db):
    summary = run_spine(TINY)
    line = json.loads(summary_line(summary))
    assert FIELDS <= set(line)
    assert line["scale"] == "city" and line["database"] in {"sqlite", "postgresql"}
    # 20 enterprises × 2 indicators × 2 years × 11 cumulative periods (1—2月 … 1—12月).
    assert line["observations"] == 20 * 2 * 2 * 11 == Observation.objects.count()
    assert not Observation.objects.filter(period_n=1).exists()
    assert Unit.objects.filter(code__startswith=PREFIX, kind="enterprise", is_synthetic=True).count() == 20
    assert line["rollup_max_abs_diff"] < 1e-6

    # The province roll-up equals the plain sum of every enterprise's figure, indicator by indicator.
    period = Period.month(2017, 6)
    figures = pd.DataFrame(list(Observation.objects.filter(year=2017, period_kind="M", period_n=6).values_list(
        "indicator__code", "value")), columns=["indicator_code", "value"])
    direct = figures.assign(value=figures["value"].astype(float)).groupby("indicator_code")["value"].sum()
    rolled = derived_frame(period, kind="rollup", scope="admin")
    province = rolled[rolled["unit_code"] == f"{PREFIX}P"].set_index("indicator_code")["value"]
    assert len(province) == 2
    for code, total in direct.items():
        assert province[code] == pytest.approx(total)
    # Every enterprise in a park is summed into exactly one park.
    in_parks = UnitLink.objects.filter(hierarchy__code="park").count()
    parks = derived_frame(period, kind="rollup", scope="park")
    assert in_parks > 0
    assert parks.groupby("indicator_code")["reported"].sum().tolist() == [in_parks, in_parks]


def test_it_refuses_a_database_that_already_holds_figures(db):
    run_spine(replace(TINY, enterprises=2, indicators=1, years=1))
    with pytest.raises(AppError, match="空数据库"):
        run_spine(TINY)


def test_the_command_prints_one_json_line_last():
    """End to end on a temporary SQLite file (the command migrates it itself and deletes it afterwards)."""
    env = {k: v for k, v in os.environ.items() if k != "NEWIND_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "newind.cli", "bench", "spine", "--scale", "city", "--enterprises", "10",
         "--indicators", "1", "--years", "2"],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert FIELDS <= set(line)
    assert line["observations"] == 10 * 1 * 2 * 11
    assert line["rollup_max_abs_diff"] < 1e-6
    # The DuckDB floor ran the same statements on a copy (it refuses to report when its row counts differ
    # from the database's), and the ratio printed is the recompute over it.
    # (recompute_s is printed to 3 decimals: on this tiny run its rounding alone moves the quotient by up to
    # 0.0005 / duckdb_s, so the check allows that much besides the ratio's own rounding to 2 decimals.)
    assert line["duckdb_s"] > 0 and line["ratio_to_duckdb"] == pytest.approx(
        line["recompute_s"] / line["duckdb_s"], rel=0.01, abs=0.01 + 0.0005 / line["duckdb_s"])
    assert "DuckDB 对照" in done.stdout and "倍" in done.stdout
    # The cache keeps the units above the enterprises; with every enterprise's growth and ranks too it is larger.
    assert line["with_every_leaf"]["derived_rows"] > line["derived_rows"] > 0


def test_the_duckdb_floor_computes_what_the_database_stores(db):
    """DuckDB running `derived_sql.statements` on its copy gives the same rows as the database's recompute."""
    from newind.bench.spine import BENCH_INDICATORS, duckdb_copy, duckdb_floor
    from newind.indicators.derived import recompute_period
    from newind.indicators.models import Indicator

    run_spine(replace(TINY, enterprises=30, indicators=2, years=2), floor=False)
    period = Period.month(2017, 6)
    ids = list(Indicator.objects.filter(code__in=BENCH_INDICATORS[:2]).values_list("id", flat=True))
    copy = duckdb_copy(period, ids)
    floor = duckdb_floor(copy, period, ids, include_leaves=False)
    stored = derived_frame(period)
    assert floor["counts"] == recompute_period(period, indicator_codes=BENCH_INDICATORS[:2]).counts
    duck = copy.execute("SELECT kind, scope, unit_id, indicator_id, value FROM derived").df()  # type: ignore[attr-defined]
    stored = stored.assign(indicator_id=stored["indicator_code"].map(dict(Indicator.objects.values_list("code", "id"))))
    key = ["kind", "scope", "unit_id", "indicator_id"]
    merged = stored.merge(duck, on=key, suffixes=("", "_duck"))
    assert len(merged) == len(stored) == len(duck)
    assert (merged["value"] - merged["value_duck"]).abs().max() < 1e-9
