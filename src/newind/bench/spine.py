"""The spine benchmark: bulk-load synthetic enterprise observations, then recompute one month's derived figures.

Shape (issue 2, item 9): enterprises (2,000 for a city, 20,000 for a province of 14 cities), each in a county
of the admin hierarchy (enterprise → county → city → province) and most of them in a park (enterprise →
park), × 12 monthly indicators × 5 years of cumulative months. Monthly figures are 1–N月 with 1–2月
combined, so a year has 11 periods (n = 2..12): 5 years × 11 = 55 periods per enterprise and indicator,
not 60. Every unit and figure is labelled synthetic.

Measured: the bulk load through `bulk_insert_observations` (`core.bulk.bulk_insert`: COPY of typed rows on
PostgreSQL, executemany on SQLite) in chunks built with numpy; the full recompute
of roll-ups, nominal growth and ranks for one month through `derived.recompute_period`; peak RSS.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from newind.core.bulk import refresh_planner_statistics
from newind.core.errors import AppError
from newind.indicators.derived import derived_frame, recompute_period, recompute_period_frames
from newind.indicators.derived_sql import Tables, run_statements, statements, summable_indicator_ids
from newind.indicators.models import DerivedFigure, ImportBatch, Indicator, Observation, Release
from newind.indicators.periods import Period
from newind.indicators.services import bulk_insert_observations, load_indicator_catalogue, make_batch
from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitKind, UnitLink

SOURCE = "基准测试合成数据（非真实数据）"
PREFIX = "BENCH-"
# Twelve additive monthly indicators of the catalogue, in the order they are used.
BENCH_INDICATORS = [
    "industrial_va_above_size", "industrial_output_above_size", "main_business_revenue", "industrial_profit",
    "industrial_tax", "industrial_electricity", "emerging_industry_va", "high_tech_va", "industrial_investment",
    "tech_renovation_investment", "park_tgm_income", "above_size_enterprises",
]
# Size of each indicator relative to an enterprise's value added (above_size_enterprises is 1 per firm).
RATIOS = np.array([1.0, 3.6, 3.5, 0.2, 0.15, 0.06, 0.25, 0.22, 0.5, 0.2, 4.0, 0.0])
SEASON = np.array([0.062, 0.058, 0.083, 0.082, 0.085, 0.088, 0.080, 0.082, 0.090, 0.092, 0.096, 0.102])
ROWS_PER_CHUNK = 200_000


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    cities: int
    counties_per_city: int = 9
    parks_per_city: int = 8
    indicators: int = 12
    years: int = 5
    last_year: int = 2017
    in_park_share: float = 0.6  # share of enterprises that sit in a park
    recompute_month: int = 6

    @property
    def periods(self) -> int:
        return self.years * 11

    @property
    def observations(self) -> int:
        return self.enterprises * self.indicators * self.periods


SCALES = {
    "city": Scale("city", enterprises=2_000, cities=1, parks_per_city=8),
    "province": Scale("province", enterprises=20_000, cities=14, parks_per_city=8),
}
# Issue 9 item 8: the province recompute within 5× of DuckDB doing the same on the same data in the same run.
GOALS = {"city": {"recompute_s": 2.0},
         "province": {"recompute_s": 20.0, "peak_rss_mb": 2048.0, "ratio_to_duckdb": 5.0,
                      "ratio_to_duckdb_fresh": 5.0}}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def require_empty_database() -> None:
    """The benchmark writes millions of synthetic rows: refuse a database that already holds figures."""
    if Observation.objects.exists() or Unit.objects.filter(code__startswith=PREFIX).exists():
        raise AppError("基准测试会写入大量合成数据，目标数据库中已有观测值或基准测试单位：请另建一个空数据库"
                       "（NEWIND_DATABASE_URL），或不设置该变量以使用临时 SQLite 文件。")


@transaction.atomic
def build_units(scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """Create the synthetic province, cities, counties, parks and enterprises with their links in both
    hierarchies; return the enterprises as a frame (unit_id, county_id, park_id or NaN)."""
    admin, _ = Hierarchy.objects.get_or_create(code="admin", defaults={"name": "行政隶属"})
    park_h, _ = Hierarchy.objects.get_or_create(code="park", defaults={"name": "园区归属"})
    units = [Unit(code=f"{PREFIX}P", name="基准测试省", kind=UnitKind.PROVINCE, is_synthetic=True)]
    for c in range(scale.cities):
        units.append(Unit(code=f"{PREFIX}C{c:02d}", name=f"基准测试市{c + 1}", kind=UnitKind.CITY, is_synthetic=True))
        units += [Unit(code=f"{PREFIX}C{c:02d}K{k:02d}", name=f"基准测试市{c + 1}县{k + 1}", kind=UnitKind.COUNTY,
                       is_synthetic=True) for k in range(scale.counties_per_city)]
        units += [Unit(code=f"{PREFIX}C{c:02d}Q{q:02d}", name=f"基准测试市{c + 1}园区{q + 1}", kind=UnitKind.PARK,
                       is_synthetic=True) for q in range(scale.parks_per_city)]
    units += [Unit(code=f"{PREFIX}E{e:06d}", name=f"基准测试企业{e + 1}", kind=UnitKind.ENTERPRISE, is_synthetic=True)
              for e in range(scale.enterprises)]
    Unit.objects.bulk_create(units, batch_size=5000)
    ids = dict(Unit.objects.filter(code__startswith=PREFIX).values_list("code", "id"))

    # Enterprises spread over cities, then counties within the city; most of them in one of the city's parks.
    e = np.arange(scale.enterprises)
    city = rng.integers(0, scale.cities, scale.enterprises)
    county = rng.integers(0, scale.counties_per_city, scale.enterprises)
    park = rng.integers(0, scale.parks_per_city, scale.enterprises)
    in_park = rng.random(scale.enterprises) < scale.in_park_share
    frame = pd.DataFrame({
        "unit_id": pd.Series([f"{PREFIX}E{i:06d}" for i in e]).map(ids).to_numpy(),
        "county_id": pd.Series([f"{PREFIX}C{c:02d}K{k:02d}" for c, k in zip(city, county, strict=True)]).map(ids),
        "park_id": pd.Series([f"{PREFIX}C{c:02d}Q{q:02d}" for c, q in zip(city, park, strict=True)]).map(ids)
        .where(in_park),
    })
    links = [UnitLink(hierarchy=admin, parent_id=ids[f"{PREFIX}P"], child_id=ids[f"{PREFIX}C{c:02d}"])
             for c in range(scale.cities)]
    for c in range(scale.cities):
        links += [UnitLink(hierarchy=admin, parent_id=ids[f"{PREFIX}C{c:02d}"], child_id=ids[f"{PREFIX}C{c:02d}K{k:02d}"])
                  for k in range(scale.counties_per_city)]
        # Parks sit under a county of their city in the admin tree too (as the reference data has them).
        links += [UnitLink(hierarchy=admin, parent_id=ids[f"{PREFIX}C{c:02d}K{q % scale.counties_per_city:02d}"],
                           child_id=ids[f"{PREFIX}C{c:02d}Q{q:02d}"]) for q in range(scale.parks_per_city)]
    links += [UnitLink(hierarchy=admin, parent_id=int(p), child_id=int(u))
              for u, p in zip(frame["unit_id"], frame["county_id"], strict=True)]
    parked = frame.dropna(subset=["park_id"])
    links += [UnitLink(hierarchy=park_h, parent_id=int(p), child_id=int(u))
              for u, p in zip(parked["unit_id"], parked["park_id"], strict=True)]
    UnitLink.objects.bulk_create(links, batch_size=5000)
    return frame


def observation_chunks(scale: Scale, n_enterprises: int) -> list[tuple[int, int]]:
    """Enterprise index ranges, each producing about ROWS_PER_CHUNK observation rows (bounded memory)."""
    step = max(1, ROWS_PER_CHUNK // (scale.indicators * scale.periods))
    return [(start, min(start + step, n_enterprises)) for start in range(0, n_enterprises, step)]


def chunk_frame(scale: Scale, enterprise_ids: np.ndarray, indicators: pd.DataFrame, batch_id: int,
                rng: np.random.Generator) -> pd.DataFrame:
    """Observation rows for some enterprises, all indicators and periods, built with numpy only."""
    n_e, n_i, n_y = len(enterprise_ids), scale.indicators, scale.years
    base = rng.lognormal(np.log(0.4), 1.0, n_e)  # 亿元 of value added a year, very uneven
    growth = 1.0 + rng.normal(0.07, 0.10, (n_e, 1, n_y))  # each enterprise's year-on-year growth
    level = base[:, None, None] * np.cumprod(growth, axis=2)  # (e, 1, y)
    ratios = RATIOS[:n_i] * rng.lognormal(0.0, 0.2, (n_e, n_i))  # (e, i)
    single = (level[:, :, :, None] * ratios[:, :, None, None] * SEASON[None, None, None, :]
              * rng.lognormal(0.0, 0.05, (n_e, n_i, n_y, 12)))
    cum = np.cumsum(single, axis=3)[:, :, :, 1:]  # n = 2..12
    if n_i == len(BENCH_INDICATORS):  # above_size_enterprises is a stock: 1 per enterprise, every period
        cum[:, BENCH_INDICATORS.index("above_size_enterprises")] = 1.0
    values = np.round(cum, 4).ravel()
    e_idx, i_idx, y_idx, n_idx = (a.ravel() for a in np.indices(cum.shape))
    return pd.DataFrame({
        "indicator_id": indicators["id"].to_numpy()[i_idx],
        "unit_id": enterprise_ids[e_idx],
        "year": scale.last_year - n_y + 1 + y_idx,
        "period_kind": "M",
        "period_n": n_idx + 2,
        "value": values,
        "measure_unit": indicators["measure_unit"].to_numpy()[i_idx],
        "price_basis": indicators["price_basis"].to_numpy()[i_idx],
        "release": str(Release.OFFICIAL),
        "source": SOURCE,
        "is_synthetic": True,
        "batch_id": batch_id,
    })


def load_observations(scale: Scale, enterprises: pd.DataFrame, rng: np.random.Generator,
                      progress: Callable[[str], None]) -> tuple[int, float]:
    """Bulk-load every enterprise figure in chunks; return (rows, seconds including building the frames)."""
    indicators = pd.DataFrame(list(Indicator.objects.filter(code__in=BENCH_INDICATORS[:scale.indicators])
                                   .values("id", "code", "measure_unit", "price_basis")))
    indicators = indicators.set_index("code").loc[BENCH_INDICATORS[:scale.indicators]].reset_index()
    digest = hashlib.sha256(f"bench-{scale}".encode()).hexdigest()
    batch = make_batch(f"基准测试：{scale.name}", digest, None, "bench", notes=[SOURCE])
    ids = enterprises["unit_id"].to_numpy(dtype=np.int64)
    rows = 0
    started = time.perf_counter()
    chunks = observation_chunks(scale, len(ids))
    for k, (a, b) in enumerate(chunks):
        frame = chunk_frame(scale, ids[a:b], indicators, batch.id, rng)
        with transaction.atomic():
            bulk_insert_observations(frame)
        rows += len(frame)
        if k % 10 == 0 or k == len(chunks) - 1:
            progress(f"  已写入 {rows:,} / {scale.observations:,} 个观测值（{time.perf_counter() - started:.1f} 秒）")
    elapsed = time.perf_counter() - started
    ImportBatch.objects.filter(pk=batch.pk).update(added=rows)
    return rows, elapsed


def check_rollup(period: Period) -> float:
    """Largest absolute difference between the stored city/province roll-ups and a direct SQL sum over
    each one's enterprises (via the admin links), across indicators; 0 when the recompute is right."""
    derived = derived_frame(period, kind="rollup", scope="admin")
    derived = derived[derived["unit_code"].str.startswith(PREFIX)]
    direct = direct_admin_sums(period)
    merged = derived.merge(direct, on=["indicator_code", "unit_code"], how="outer", suffixes=("", "_direct"))
    if merged[["value", "value_direct"]].isna().any().any():
        return float("inf")
    return float((merged["value"] - merged["value_direct"]).abs().max()) if len(merged) else 0.0


def direct_admin_sums(period: Period) -> pd.DataFrame:
    """SUM of enterprise figures per county, city and province straight from SQL (one GROUP BY per level)."""
    obs = Observation._meta.db_table
    link = UnitLink._meta.db_table
    unit = Unit._meta.db_table
    ind = Indicator._meta.db_table
    admin_id = Hierarchy.objects.get(code="admin").id
    frames = []
    # Levels above the enterprise: county (1 link), city (2 links), province (3 links).
    for depth in (1, 2, 3):
        joins = " ".join(
            f"JOIN {link} l{d} ON l{d}.child_id = {'o.unit_id' if d == 1 else f'l{d - 1}.parent_id'} "
            f"AND l{d}.hierarchy_id = %s" for d in range(1, depth + 1))
        sql = (f"SELECT i.code, u.code, SUM(o.value) FROM {obs} o {joins} "
               f"JOIN {unit} u ON u.id = l{depth}.parent_id JOIN {ind} i ON i.id = o.indicator_id "
               f"JOIN {unit} e ON e.id = o.unit_id "
               f"WHERE o.is_current = %s AND o.year = %s AND o.period_kind = %s AND o.period_n = %s "
               f"AND e.kind = %s GROUP BY i.code, u.code")
        params = [admin_id] * depth + [True, period.year, period.kind.value, period.n, str(UnitKind.ENTERPRISE)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            frames.append(pd.DataFrame(cursor.fetchall(), columns=["indicator_code", "unit_code", "value_direct"]))
    out = pd.concat(frames, ignore_index=True)
    out["value_direct"] = out["value_direct"].astype(float)
    return out

# --- the floor: DuckDB running the same statements on a copy of the same data --------------------------------

DUCKDB_TABLES = Tables(observation="obs", unit="unit", link="link", hierarchy="hier", indicator="ind",
                       member="member", group="grp", derived="derived", real="DOUBLE")
# An id as the Django table has (the recompute deletes the rows that changed by id), from a sequence.
DUCKDB_DERIVED = ("CREATE TABLE derived (id BIGINT DEFAULT nextval('derived_id'), indicator_id BIGINT, unit_id BIGINT, year INTEGER, period_kind VARCHAR, "
                  "period_n INTEGER, kind VARCHAR, scope VARCHAR, value DOUBLE, last_year_value DOUBLE, "
                  "rank INTEGER, reported INTEGER, tied BOOLEAN, is_synthetic BOOLEAN, computed_at TIMESTAMP)")


def _copy_rows(db: object, table: str, sql: str, params: list[object], columns: dict[str, str]) -> None:
    """Copy a query's rows into a DuckDB table chunk by chunk, so memory holds one chunk at a time (a
    province's two years are 5 million rows). `columns`: name → DuckDB type."""
    db.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(200_000):
            chunk = pd.DataFrame.from_records(rows, columns=list(columns))
            db.register("chunk", chunk)  # type: ignore[attr-defined]
            db.execute(f"INSERT INTO {table} SELECT * FROM chunk")  # type: ignore[attr-defined]
            db.unregister("chunk")  # type: ignore[attr-defined]


def duckdb_copy(period: Period, indicator_ids: list[int]) -> object:
    """An in-memory DuckDB holding what the recompute reads: the current observations of the period's two
    years (every month, so DuckDB filters the period as the database does), the units, links, hierarchies,
    indicators and peer groups. Not timed."""
    try:
        import duckdb  # optional: `pip install -e '.[bench]'`
    except ImportError:
        raise AppError("DuckDB 对照需要可选依赖 duckdb：请运行 pip install -e '.[bench]'，或加 --no-floor 跳过对照。") from None

    obs = Observation._meta.db_table
    ids = ", ".join(str(int(i)) for i in indicator_ids) or "NULL"
    real = "double precision" if connection.vendor == "postgresql" else "REAL"
    db = duckdb.connect(":memory:")
    _copy_rows(db, "obs",
               f"SELECT indicator_id, unit_id, year, period_kind, period_n, CAST(value AS {real}), is_synthetic, "
               f"is_current FROM {obs} WHERE is_current = %s AND year IN (%s, %s) AND period_kind = %s "
               f"AND indicator_id IN ({ids})", [True, period.year, period.year - 1, period.kind.value],
               {"indicator_id": "BIGINT", "unit_id": "BIGINT", "year": "INTEGER", "period_kind": "VARCHAR",
                "period_n": "INTEGER", "value": "DOUBLE", "is_synthetic": "BOOLEAN", "is_current": "BOOLEAN"})
    frames = {
        "unit": pd.DataFrame(list(Unit.objects.values_list("id", "kind")), columns=["id", "kind"]),
        "link": pd.DataFrame(list(UnitLink.objects.values_list("hierarchy_id", "parent_id", "child_id")),
                             columns=["hierarchy_id", "parent_id", "child_id"]),
        "hier": pd.DataFrame(list(Hierarchy.objects.values_list("id", "code")), columns=["id", "code"]),
        "ind": pd.DataFrame(list(Indicator.objects.values_list("id", "additive", "value_kind", "direction")),
                            columns=["id", "additive", "value_kind", "direction"]),
        "member": pd.DataFrame(list(PeerGroupMember.objects.values_list("group_id", "unit_id")),
                               columns=["group_id", "unit_id"]),
        "grp": pd.DataFrame(list(PeerGroup.objects.values_list("id", "code", "min_reporting")),
                            columns=["id", "code", "min_reporting"]),
    }
    frames["ind"] = frames["ind"].astype({"additive": bool})
    for name, frame in frames.items():
        db.register(f"src_{name}", frame)
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM src_{name}")
        db.unregister(f"src_{name}")
    db.execute("CREATE SEQUENCE derived_id")
    db.execute(DUCKDB_DERIVED)
    return db


def duckdb_floor(db: object, period: Period, indicator_ids: list[int], include_leaves: bool) -> dict:
    """Time DuckDB running the recompute's own portable statements (`derived_sql.statements`; SQLite sums the
    leaves by upserts instead of their GROUP BY, `Tables.upsert_leaf_sums`, PostgreSQL runs them as DuckDB
    does) on its copy: the floor that the database's recompute is compared with. Returns seconds and the rows
    it stored, by kind."""
    steps = statements(period, DUCKDB_TABLES, hierarchies=("admin", "park"), leaf_kinds=("enterprise",),
                       indicator_ids=indicator_ids, summable_ids=summable_indicator_ids(indicator_ids),
                       include_leaves=include_leaves, computed_at=timezone.now())

    def run(sql: str, params: list[object]) -> list[tuple]:
        cursor = db.execute(sql.replace("%s", "?"), params)  # type: ignore[attr-defined]
        return cursor.fetchall() if sql.lstrip().upper().startswith("SELECT") else []

    started = time.perf_counter()
    run_statements(run, steps)
    seconds = time.perf_counter() - started
    counts = dict(db.execute("SELECT kind, COUNT(*) FROM derived GROUP BY kind").fetchall())  # type: ignore[attr-defined]
    return {"seconds": seconds, "counts": {str(k): int(v) for k, v in counts.items()}}


def run_spine(scale: Scale, progress: Callable[[str], None] = lambda _: None, seed: int = 20170307,
              recompute_only: bool = False, before: bool = False, floor: bool = True) -> dict:
    """Build, load, recompute and measure at one scale on the current database; return the summary.

    With `recompute_only`, the bench data already loaded (by a run with --keep) are reused and only the
    recompute is measured again (load figures are then null). `before` also times the frame path of
    issue 2 (`recompute_period_frames` with every leaf row: read into pandas, computed, written back), and
    `floor` DuckDB running the same statements on a copy of the same data (needs the optional duckdb)."""
    units_s: float | None = None
    load_s: float | None = None
    analyze_s: float | None = None
    if recompute_only:
        rows = Observation.objects.filter(batch__source_kind="bench").count()
        if not rows:
            raise AppError("数据库中没有基准测试数据：请先不带 --recompute-only、加 --keep 运行一次。")
        progress(f"沿用已写入的 {rows:,} 个基准测试观测值，只重新测量重算。")
    else:
        require_empty_database()
        rng = np.random.default_rng(seed)
        load_indicator_catalogue()
        t0 = time.perf_counter()
        enterprises = build_units(scale, rng)
        units_s = time.perf_counter() - t0
        progress(f"已建立 {scale.enterprises:,} 家企业及其行政、园区层级（{units_s:.1f} 秒）。")
        rows, load_s = load_observations(scale, enterprises, rng, progress)
        progress(f"已写入 {rows:,} 个观测值，用时 {load_s:.1f} 秒。")
        t0 = time.perf_counter()
        refresh_planner_statistics(Observation)
        analyze_s = time.perf_counter() - t0
        progress(f"已更新查询规划统计（ANALYZE；PostgreSQL 另做 VACUUM），用时 {analyze_s:.1f} 秒。")
    period = Period.month(scale.last_year, scale.recompute_month)
    codes = BENCH_INDICATORS[:scale.indicators]
    indicator_ids = list(Indicator.objects.filter(code__in=codes).values_list("id", flat=True))
    measured: dict[str, dict] = {}
    if before:
        t0 = time.perf_counter()
        frames = recompute_period_frames(period, indicator_codes=codes, include_leaves=True)
        measured["frames_all_rows"] = {"seconds": time.perf_counter() - t0, "rows": len(frames.frame),
                                       "parts": frames.timings}
        progress(f"（对照）旧的数据框重算（读入 pandas、计算、写回，含每家企业）：{len(frames.frame):,} 行，"
                 f"用时 {measured['frames_all_rows']['seconds']:.2f} 秒。")
    # The SQL path with every leaf row too (what the cache held before issue 9), then the cache as kept. The
    # cache as kept is timed twice over: "fresh", into a period with no stored rows (every row is new: the
    # first recompute of a month), and "steady", three runs over the period's rows of the run before (a
    # recompute after a publish; only what changed is written). Before each, the period's dead rows are
    # vacuumed (PostgreSQL), as autovacuum does after a delete of that size: otherwise the first recompute
    # after switching from every leaf's rows to the cache walks 620,000 dead index entries.
    t0 = time.perf_counter()
    result = recompute_period(period, indicator_codes=codes, include_leaves=True)
    measured["sql_all_rows"] = {"seconds": time.perf_counter() - t0, "rows": result.rows, "parts": result.timings,
                                "counts": result.counts}
    # Fresh, like steady, is the best of three runs, each into the emptied period: the first of them follows
    # the 632,000-row write above, whose pages have just pushed the observations' index out of the
    # database's page cache (SQLite's 64 MB, PostgreSQL's shared buffers), a state of the benchmark's own
    # making that the cache as kept never produces. All three are printed (`fresh.runs_s`).
    fresh: list[dict] = []
    for _ in range(3):
        clear_period(period)
        t0 = time.perf_counter()
        result = recompute_period(period, indicator_codes=codes, include_leaves=False)
        fresh.append({"seconds": time.perf_counter() - t0, "rows": result.rows, "parts": result.timings,
                      "counts": result.counts})
    measured["sql_fresh"] = {**min(fresh, key=lambda r: r["seconds"]), "runs": [r["seconds"] for r in fresh]}
    vacuum_derived()
    runs: list[dict] = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = recompute_period(period, indicator_codes=codes, include_leaves=False)
        runs.append({"seconds": time.perf_counter() - t0, "rows": result.rows, "parts": result.timings,
                     "counts": result.counts})
    measured["sql"] = {**min(runs, key=lambda r: r["seconds"]), "runs": [r["seconds"] for r in runs]}
    recompute_s = measured["sql"]["seconds"]
    progress(f"已在数据库内（SQL）重算 {period.label} 的汇总、同比和排名：{measured['sql']['rows']:,} 行，"
             f"用时 {recompute_s:.2f} 秒（三次中最快；该期无已存数据时三次中最快 {measured['sql_fresh']['seconds']:.2f} 秒；"
             f"连同每家企业的同比与排名 {measured['sql_all_rows']['rows']:,} 行："
             f"{measured['sql_all_rows']['seconds']:.2f} 秒）。")
    duck: dict[str, dict] = {}
    if floor:
        db = duckdb_copy(period, indicator_ids)
        # The same sequence on DuckDB: three runs into an empty period (fresh), then three over its own rows.
        db.execute("DELETE FROM derived")  # type: ignore[attr-defined]
        duck["sql_all_rows"] = duckdb_floor(db, period, indicator_ids, True)

        def duckdb_fresh() -> dict:
            db.execute("DELETE FROM derived")  # type: ignore[attr-defined]
            return duckdb_floor(db, period, indicator_ids, False)

        duck["sql_fresh"] = min((duckdb_fresh() for _ in range(3)), key=lambda r: r["seconds"])
        duck["sql"] = min((duckdb_floor(db, period, indicator_ids, False) for _ in range(3)),
                          key=lambda r: r["seconds"])
        for label, best in duck.items():
            if best["counts"] != measured[label]["counts"]:
                raise AppError(f"DuckDB 对照结果的行数与数据库重算不一致：{best['counts']} ≠ {measured[label]['counts']}。")
        db.close()  # type: ignore[attr-defined]
        for label in duck:
            measured[label]["ratio_to_duckdb"] = measured[label]["seconds"] / duck[label]["seconds"]
        progress(f"DuckDB 对照（同一数据、同一批可移植 SQL；SQLite 的叶子汇总改用逐行累加）：{duck['sql']['seconds']:.3f} 秒，"
                 f"本系统为其 {measured['sql']['ratio_to_duckdb']:.1f} 倍；该期无已存数据时 DuckDB "
                 f"{duck['sql_fresh']['seconds']:.3f} 秒，{measured['sql_fresh']['ratio_to_duckdb']:.1f} 倍（含企业行："
                 f"DuckDB {duck['sql_all_rows']['seconds']:.3f} 秒，{measured['sql_all_rows']['ratio_to_duckdb']:.1f} 倍）。")
    diff = check_rollup(period)
    summary = {
        "bench": "spine",
        "scale": scale.name,
        "database": connection.vendor,
        "enterprises": scale.enterprises,
        "indicators": scale.indicators,
        "periods": scale.periods,
        "observations": rows,
        "recompute_only": recompute_only,
        "units_s": round(units_s, 2) if units_s is not None else None,
        "load_s": round(load_s, 2) if load_s is not None else None,
        "load_rate_obs_per_s": round(rows / load_s) if load_s else None,
        "analyze_s": round(analyze_s, 2) if analyze_s is not None else None,
        "recompute_period": period.key,
        "recompute_s": round(recompute_s, 3),
        "derived_rows": measured["sql"]["rows"],
        "derived_counts": measured["sql"]["counts"],
        "recompute_parts_s": {k: round(v, 3) for k, v in measured["sql"]["parts"].items()},
        "recompute_runs_s": [round(v, 3) for v in measured["sql"]["runs"]],
        "duckdb_s": round(duck["sql"]["seconds"], 4) if duck else None,
        "ratio_to_duckdb": round(measured["sql"]["ratio_to_duckdb"], 2) if duck else None,
        "fresh": {
            "recompute_s": round(measured["sql_fresh"]["seconds"], 3),
            "parts_s": {k: round(v, 3) for k, v in measured["sql_fresh"]["parts"].items()},
            "runs_s": [round(v, 3) for v in measured["sql_fresh"]["runs"]],
            "duckdb_s": round(duck["sql_fresh"]["seconds"], 4) if duck else None,
            "ratio_to_duckdb": round(measured["sql_fresh"]["ratio_to_duckdb"], 2) if duck else None,
        },
        "ratio_to_duckdb_fresh": round(measured["sql_fresh"]["ratio_to_duckdb"], 2) if duck else None,
        "with_every_leaf": {
            "recompute_s": round(measured["sql_all_rows"]["seconds"], 3),
            "derived_rows": measured["sql_all_rows"]["rows"],
            "parts_s": {k: round(v, 3) for k, v in measured["sql_all_rows"]["parts"].items()},
            "duckdb_s": round(duck["sql_all_rows"]["seconds"], 4) if duck else None,
            "ratio_to_duckdb": round(measured["sql_all_rows"]["ratio_to_duckdb"], 2) if duck else None,
        },
        "frames_before_s": (round(measured["frames_all_rows"]["seconds"], 3) if before else None),
        "frames_before_parts_s": ({k: round(v, 3) for k, v in measured["frames_all_rows"]["parts"].items()}
                                  if before else None),
        "rollup_max_abs_diff": diff,
        "peak_rss_mb": peak_rss_mb(),
        "scale_detail": asdict(scale),
    }
    goals = GOALS.get(scale.name, {})
    summary["goals"] = goals
    # A goal not measured in this run (no DuckDB floor) is left out, not counted as met.
    summary["goals_met"] = all(summary[k] <= v for k, v in goals.items() if summary[k] is not None) if goals else None
    summary["cpu_load_1min"] = round(os.getloadavg()[0], 2)  # other work on the machine inflates timings
    return summary


def clear_period(period: Period) -> None:
    """Remove the period's stored derived rows and vacuum them away (untimed: the "fresh" recompute's start)."""
    DerivedFigure.objects.filter(year=period.year, period_kind=period.kind.value, period_n=period.n).delete()
    vacuum_derived()


def vacuum_derived() -> None:
    """PostgreSQL: VACUUM (ANALYZE) the derived-figure table (what autovacuum does after a large delete)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(DerivedFigure._meta.db_table)}")


def summary_line(summary: dict) -> str:
    """The benchmark's last output line: one JSON object."""
    return json.dumps(summary, ensure_ascii=False, sort_keys=False)


def delete_bench_data() -> None:
    """Remove what the benchmark wrote (for a database given by NEWIND_DATABASE_URL without --keep)."""
    with transaction.atomic():
        bench_units = Unit.objects.filter(code__startswith=PREFIX)
        DerivedFigure.objects.filter(unit__in=bench_units).delete()
        batches = list(ImportBatch.objects.filter(source_kind="bench").values_list("id", flat=True))
        # Raw DELETE: the ORM would first fetch millions of rows to check the self-reference (supersedes).
        with connection.cursor() as cursor:
            for batch_id in batches:
                cursor.execute(f"DELETE FROM {Observation._meta.db_table} WHERE batch_id = %s", [batch_id])
        ImportBatch.objects.filter(id__in=batches).delete()
        UnitLink.objects.filter(child__in=bench_units).delete()
        bench_units.delete()
