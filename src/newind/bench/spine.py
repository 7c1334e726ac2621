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

from newind.core.errors import AppError
from newind.indicators.derived import derived_frame, recompute_period
from newind.indicators.models import DerivedFigure, ImportBatch, Indicator, Observation, Release
from newind.indicators.periods import Period
from newind.indicators.services import bulk_insert_observations, load_indicator_catalogue, make_batch
from newind.units.models import Hierarchy, Unit, UnitKind, UnitLink

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
GOALS = {"city": {"recompute_s": 2.0}, "province": {"recompute_s": 20.0, "peak_rss_mb": 2048.0}}


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


def run_spine(scale: Scale, progress: Callable[[str], None] = lambda _: None, seed: int = 20170307,
              recompute_only: bool = False) -> dict:
    """Build, load, recompute and measure at one scale on the current database; return the summary.

    With `recompute_only`, the bench data already loaded (by a run with --keep) are reused and only the
    recompute is measured again (load figures are then null)."""
    units_s: float | None = None
    load_s: float | None = None
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
    period = Period.month(scale.last_year, scale.recompute_month)
    t1 = time.perf_counter()
    result = recompute_period(period, indicator_codes=BENCH_INDICATORS[:scale.indicators])
    recompute_s = time.perf_counter() - t1
    progress(f"已重算 {period.label} 的汇总、同比和排名：{len(result.frame):,} 行，用时 {recompute_s:.2f} 秒。")
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
        "recompute_period": period.key,
        "recompute_s": round(recompute_s, 3),
        "derived_rows": len(result.frame),
        "derived_counts": result.counts,
        "recompute_parts_s": {k: round(v, 3) for k, v in result.timings.items()},
        "rollup_max_abs_diff": diff,
        "peak_rss_mb": peak_rss_mb(),
        "scale_detail": asdict(scale),
    }
    goals = GOALS.get(scale.name, {})
    summary["goals"] = goals
    summary["goals_met"] = all(summary[k] <= v for k, v in goals.items()) if goals else None
    summary["cpu_load_1min"] = round(os.getloadavg()[0], 2)  # other work on the machine inflates timings
    return summary


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
