"""Reproducible synthetic monthly figures for Yueyang (示例数据), loaded by `newind demo`.

What it makes (numpy Generator, fixed seed, so the same seed gives the same numbers on every machine):
- Yueyang's 13 monthly reporting units (9 县市区 + 4 功能区), its 11 parks and the city 430600 itself:
  cumulative 1–N月 figures (n = 2..12; there is no 1月 release) for 2012–2016 and 2017 1–2月..1–11月 of the
  monthly industry, investment and park indicators. The city's levels are the sum of the 13 units' stored
  (rounded) figures; its rates come from the same underlying volumes, so they are consistent with the levels.
- For Hunan's other 13 市州 and the province: the 1–N月 comparable-price growth of above-size industrial value
  added for 2016–2017, except 2017年1—11月, which is the real published figure written by the importer's
  demo. Yueyang's own series is the city series above (one series).

How: a real (constant-price) single-month volume per unit is grown year on year by a unit-specific rate
with monthly noise, on a seasonal profile (1–2月 small, a fourth-quarter peak). Comparable-price growth is
the cumulative growth of these volumes, stored as its own indicator (as published), never derived from the
nominal figures; nominal levels are volumes × a yearly industrial price index. Other levels are ratios of
value added (or of investment) with small noise. Flows are cumulated from non-negative single months, so
cumulative figures never fall within a year. 2017 is calibrated so that the city's 1—11月 growth equals the
real published 5.4%; 临湘市 and 君山区 do badly in 2017 so the warning lights have something to show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from newind.indicators.calc import yoy_growth_pct
from newind.indicators.models import Indicator, Release
from newind.indicators.services import (
    apply_observation_plan,
    candidate_frame,
    make_batch,
    plan_observations,
)
from newind.units.models import Unit

SEED = 20170307  # the day of the speech that started the drive
DEMO_SOURCE = "示例数据（合成，固定随机种子）"
CITY = "430600"
PROVINCE = "430000"
FIRST_YEAR, LAST_YEAR = 2012, 2017
# The latest period of the synthetic Yueyang series (2017年1—11月): the last one the office has.
LAST_MONTH_OF_LAST_YEAR = 11
REAL_GROWTH_CSV = Path(__file__).resolve().parents[1] / "imports" / "data" / "hunan" / \
    "industrial_va_growth_2017_jan_nov.csv"
GROWTH = "industrial_va_above_size_growth_pct"

# Share of each calendar month in a year's industrial output (1–2月 small: Spring Festival; Q4 heavy).
SEASON = np.array([0.062, 0.058, 0.083, 0.082, 0.085, 0.088, 0.080, 0.082, 0.090, 0.092, 0.096, 0.102])
SEASON = SEASON / SEASON.sum()
# Investment is more back-loaded than output.
INVEST_SEASON = np.array([0.035, 0.035, 0.065, 0.075, 0.085, 0.095, 0.080, 0.085, 0.095, 0.100, 0.110, 0.140])
INVEST_SEASON = INVEST_SEASON / INVEST_SEASON.sum()

# City-wide real growth of above-size industrial value added the units scatter around (%), by year.
CITY_REAL_GROWTH = {2012: 13.8, 2013: 11.9, 2014: 9.6, 2015: 8.1, 2016: 7.6, 2017: 5.6}
# Yearly change of industrial prices (%): falling 2012–2016, the 2017 rebound.
PRICE_CHANGE = {2012: -1.5, 2013: -1.8, 2014: -1.5, 2015: -4.5, 2016: -1.0, 2017: 6.0}


@dataclass(frozen=True)
class UnitProfile:
    code: str
    va_2016: float  # above-size industrial value added in 2016, 亿元 (nominal)
    growth_bias: float  # percentage points above/below the city's real growth
    output_ratio: float  # gross output / value added
    tax_rate: float  # industrial tax / value added
    kwh_per_va: float  # 亿千瓦时 per 亿元 of value added
    energy_intensity: float  # 吨标准煤/万元 in 2016
    invest_ratio: float  # industrial investment / value added
    firms_per_yi: float  # above-size enterprises per 亿元 of value added
    growth_2017: float | None = None  # an override for the units that do badly in 2017


# The 13 units of the monthly 赛马 (peer group yueyang-counties-zones); sizes are deliberately uneven.
UNITS = [
    UnitProfile("430602", 58.0, 0.4, 3.0, 0.10, 0.030, 0.18, 0.55, 1.20),   # 岳阳楼区
    UnitProfile("430603", 232.0, -0.6, 4.6, 0.26, 0.110, 1.45, 0.42, 0.55),  # 云溪区: petrochemicals
    UnitProfile("430611", 46.0, 0.0, 3.4, 0.09, 0.045, 0.35, 0.70, 1.30, growth_2017=-1.8),  # 君山区
    UnitProfile("430621", 84.0, 0.8, 3.5, 0.09, 0.050, 0.42, 0.68, 1.15),   # 岳阳县
    UnitProfile("430623", 79.0, 0.5, 3.6, 0.09, 0.055, 0.48, 0.66, 1.10),   # 华容县
    UnitProfile("430624", 96.0, 1.2, 3.4, 0.10, 0.045, 0.36, 0.72, 1.25),   # 湘阴县
    UnitProfile("430626", 71.0, 1.0, 3.3, 0.09, 0.040, 0.33, 0.75, 1.20),   # 平江县
    UnitProfile("430681", 141.0, 0.6, 4.0, 0.10, 0.070, 0.62, 0.60, 1.05),  # 汨罗市: recycling economy
    UnitProfile("430682", 89.0, -0.4, 3.9, 0.11, 0.085, 0.95, 0.58, 0.95, growth_2017=-4.6),  # 临湘市
    UnitProfile("Z430601", 178.0, 1.5, 3.2, 0.12, 0.040, 0.25, 0.62, 0.85),  # 经开区
    UnitProfile("Z430602", 55.0, 1.8, 3.7, 0.11, 0.060, 0.55, 0.95, 0.90),  # 新港区
    UnitProfile("Z430603", 24.0, 0.2, 2.8, 0.12, 0.025, 0.15, 0.80, 1.40),  # 南湖新区
    UnitProfile("Z430604", 19.0, 0.3, 3.3, 0.08, 0.040, 0.30, 0.85, 1.60),  # 屈原管理区
]
# Park → (hosting county or zone, park's share of the host's value added in 2016).
PARKS = {
    "P430601": ("Z430601", 0.78), "P430602": ("Z430602", 0.72), "P430603": ("430603", 0.62),
    "P430604": ("430681", 0.56), "P430605": ("430682", 0.52), "P430606": ("430623", 0.46),
    "P430607": ("430624", 0.50), "P430608": ("430626", 0.42), "P430609": ("430621", 0.45),
    "P430610": ("430611", 0.48), "P430611": ("Z430604", 0.50),
}
HUNAN_CITIES = ["430100", "430200", "430300", "430400", "430500", "430700", "430800", "430900", "431000",
                "431100", "431200", "431300", "433100"]

FLOW_LEVELS = [
    "industrial_va_above_size", "industrial_output_above_size", "main_business_revenue", "industrial_profit",
    "industrial_tax", "industrial_electricity", "emerging_industry_va", "high_tech_va", "industrial_investment",
    "tech_renovation_investment",
]
YEARS = np.arange(FIRST_YEAR - 1, LAST_YEAR + 1)  # 2011 is generated for 2012's growth, never stored


def _cum(single: np.ndarray) -> np.ndarray:
    return np.cumsum(single, axis=-1)


def _growth_pct(cur: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """The project's growth rule (`yoy_growth_pct`: none from a base ≤ 0) over the demo's cubes."""
    return np.asarray(yoy_growth_pct(cur, prev), dtype=float).reshape(np.shape(cur))


def generate(seed: int = SEED) -> pd.DataFrame:
    """The synthetic figures as a long frame: unit_code, indicator_code, year, period_n, value (float).

    Pure: no database. Values are already rounded to the catalogue's display decimals.
    """
    rng = np.random.default_rng(seed)
    n_units, n_years = len(UNITS), len(YEARS)
    shape = (n_units, n_years, 12)
    y_index = {int(y): i for i, y in enumerate(YEARS)}

    # Real single-month volumes at 2016 prices.
    growth = np.zeros((n_units, n_years))
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        g = CITY_REAL_GROWTH[y] + np.array([u.growth_bias for u in UNITS]) + rng.normal(0.0, 1.2, n_units)
        if y == LAST_YEAR:
            g = np.array([u.growth_2017 if u.growth_2017 is not None else gi for u, gi in zip(UNITS, g, strict=True)])
        growth[:, y_index[y]] = g
    va_2016 = np.array([u.va_2016 for u in UNITS])
    compound = np.prod(1.0 + growth[:, y_index[2012]:y_index[2016] + 1] / 100.0, axis=1)
    volume = np.zeros(shape)
    volume[:, 0, :] = (va_2016 / compound)[:, None] * SEASON[None, :] * rng.lognormal(0.0, 0.03, (n_units, 12))
    for yi in range(1, n_years):
        monthly_g = growth[:, yi][:, None] / 100.0 + rng.normal(0.0, 0.025, (n_units, 12))
        volume[:, yi, :] = volume[:, yi - 1, :] * (1.0 + monthly_g)
    # Calibrate 2017 so the city's 1—11月 real growth is the published figure (imported as real data).
    real_city = _real_growth_2017_11().get(CITY, 5.4)
    last, prev = y_index[LAST_YEAR], y_index[LAST_YEAR - 1]
    m = LAST_MONTH_OF_LAST_YEAR
    ratio = volume[:, last, :m].sum() / volume[:, prev, :m].sum()
    volume[:, last, :] *= (1.0 + real_city / 100.0) / ratio

    # Industrial price index, 2016 = 1: chained forwards to 2017 and backwards to 2011.
    price = np.ones(n_years)
    price[y_index[2017]] = 1 + PRICE_CHANGE[2017] / 100
    for y in range(2015, FIRST_YEAR - 2, -1):
        price[y_index[y]] = price[y_index[y + 1]] / (1 + PRICE_CHANGE[y + 1] / 100)
    va = volume * price[None, :, None]

    def noisy(sd: float) -> np.ndarray:
        return rng.lognormal(0.0, sd, shape)

    def drift(base: np.ndarray, per_year: float, sd: float) -> np.ndarray:
        years_from_2016 = (YEARS - 2016)[None, :, None]
        return base[:, None, None] * (1.0 + per_year) ** years_from_2016 * noisy(sd)

    def col(attr: str) -> np.ndarray:
        return np.array([getattr(u, attr) for u in UNITS])

    single: dict[str, np.ndarray] = {"industrial_va_above_size": va}
    single["industrial_output_above_size"] = va * drift(col("output_ratio"), 0.0, 0.02)
    single["main_business_revenue"] = single["industrial_output_above_size"] * rng.uniform(0.94, 0.99, shape)
    margin = np.clip(rng.normal(0.055, 0.012, (n_units, n_years, 1)), 0.015, None) * noisy(0.15)
    margin[:, y_index[2015], :] *= 0.75  # the 2015 price slump squeezed profits
    margin[:, y_index[2017], :] *= 1.30  # and the 2017 rebound restored them
    single["industrial_profit"] = single["main_business_revenue"] * margin
    single["industrial_tax"] = va * drift(col("tax_rate"), 0.01, 0.06)
    single["industrial_electricity"] = volume * drift(col("kwh_per_va"), -0.02, 0.04)
    single["emerging_industry_va"] = va * drift(np.full(n_units, 0.24), 0.06, 0.05)
    single["high_tech_va"] = va * drift(np.full(n_units, 0.21), 0.07, 0.05)
    energy = volume * drift(col("energy_intensity"), -0.045, 0.03)  # 万吨标准煤
    annual_invest = va.sum(axis=2) * col("invest_ratio")[:, None] * rng.lognormal(0.0, 0.12, (n_units, n_years))
    single["industrial_investment"] = annual_invest[:, :, None] * INVEST_SEASON[None, None, :] * noisy(0.10)
    single["tech_renovation_investment"] = single["industrial_investment"] * \
        np.clip(rng.normal(0.38, 0.06, (n_units, n_years, 1)), 0.15, 0.7) * noisy(0.08)

    # Parks: a share of the host's figures (share drifts up by about a point a year).
    host_row = {u.code: i for i, u in enumerate(UNITS)}
    park_codes = list(PARKS)
    hosts = np.array([host_row[PARKS[p][0]] for p in park_codes])
    base_share = np.array([PARKS[p][1] for p in park_codes])
    share = np.clip(base_share[:, None] + 0.01 * (YEARS - 2016)[None, :] +
                    rng.normal(0.0, 0.01, (len(park_codes), n_years)), 0.2, 0.95)[:, :, None]
    park_single = {
        "industrial_va_above_size": va[hosts] * share,
        "industrial_output_above_size": single["industrial_output_above_size"][hosts] * share,
        "main_business_revenue": single["main_business_revenue"][hosts] * share,
        "industrial_tax": single["industrial_tax"][hosts] * share * 0.95,
        "industrial_investment": single["industrial_investment"][hosts] * np.clip(share + 0.05, 0, 0.98),
        "tech_renovation_investment": single["tech_renovation_investment"][hosts] * np.clip(share + 0.05, 0, 0.98),
    }
    park_single["park_tgm_income"] = park_single["main_business_revenue"] * rng.uniform(1.08, 1.18, (len(park_codes), n_years, 1))
    park_volume = volume[hosts] * share

    frames: list[pd.DataFrame] = []
    stored_years = YEARS >= FIRST_YEAR

    def emit(codes: list[str], indicator: str, cum: np.ndarray, decimals: int) -> pd.DataFrame:
        """Long rows for n = 2..12 of the stored years, rounded; drops 2017 after 1—11月."""
        arr = cum[:, stored_years, 1:]  # month index 1 = 1—2月
        u, yi, ni = np.meshgrid(np.arange(arr.shape[0]), np.arange(arr.shape[1]), np.arange(arr.shape[2]),
                                indexing="ij")
        frame = pd.DataFrame({
            "unit_code": np.asarray(codes)[u.ravel()],
            "indicator_code": indicator,
            "year": YEARS[stored_years][yi.ravel()],
            "period_n": ni.ravel() + 2,
            "value": np.round(arr.ravel(), decimals),
        })
        keep = (frame["year"] < LAST_YEAR) | (frame["period_n"] <= LAST_MONTH_OF_LAST_YEAR)
        return frame[keep]

    unit_codes = [u.code for u in UNITS]
    decimals = {"industrial_electricity": 2}
    unit_cum = {k: _cum(v) for k, v in single.items()}
    for code, cum in unit_cum.items():
        frames.append(emit(unit_codes, code, cum, decimals.get(code, 2)))
    # City levels: the sum of the 13 units' stored (rounded) figures, so the roll-up is exact.
    level_frame = pd.concat(frames, ignore_index=True)
    city_levels = level_frame.groupby(["indicator_code", "year", "period_n"], as_index=False)["value"].sum()
    city_levels["value"] = city_levels["value"].round(2)
    frames.append(city_levels.assign(unit_code=CITY))

    # Comparable-price growth: cumulative growth of real volumes (units, parks and the city).
    vol_cum = _cum(volume)
    g_units = np.full(shape, np.nan)
    g_units[:, 1:, :] = _growth_pct(vol_cum[:, 1:, :], vol_cum[:, :-1, :])
    frames.append(emit(unit_codes, GROWTH, g_units, 1))
    city_vol = vol_cum.sum(axis=0, keepdims=True)
    g_city = np.full((1, n_years, 12), np.nan)
    g_city[:, 1:, :] = _growth_pct(city_vol[:, 1:, :], city_vol[:, :-1, :])
    city_growth = emit([CITY], GROWTH, g_city, 1)
    # 2017年1—11月 of the city is real (written by the importer's demo), not synthetic.
    frames.append(city_growth[~((city_growth["year"] == LAST_YEAR) &
                                (city_growth["period_n"] == LAST_MONTH_OF_LAST_YEAR))])
    park_vol_cum = _cum(park_volume)
    g_parks = np.full(park_vol_cum.shape, np.nan)
    g_parks[:, 1:, :] = _growth_pct(park_vol_cum[:, 1:, :], park_vol_cum[:, :-1, :])
    frames.append(emit(park_codes, GROWTH, g_parks, 1))

    # Industrial investment growth (nominal, as published): from the cumulative levels, units and city.
    inv_cum = unit_cum["industrial_investment"]
    g_inv = np.full(shape, np.nan)
    g_inv[:, 1:, :] = _growth_pct(inv_cum[:, 1:, :], inv_cum[:, :-1, :])
    frames.append(emit(unit_codes, "industrial_investment_growth_pct", g_inv, 1))
    city_inv = inv_cum.sum(axis=0, keepdims=True)
    g_city_inv = np.full((1, n_years, 12), np.nan)
    g_city_inv[:, 1:, :] = _growth_pct(city_inv[:, 1:, :], city_inv[:, :-1, :])
    frames.append(emit([CITY], "industrial_investment_growth_pct", g_city_inv, 1))

    # Energy per unit of value added: cumulative energy / cumulative value added at 2016 prices.
    energy_cum = _cum(energy)
    frames.append(emit(unit_codes, "energy_per_va", energy_cum / vol_cum, 3))
    frames.append(emit([CITY], "energy_per_va", energy_cum.sum(axis=0, keepdims=True) /
                       vol_cum.sum(axis=0, keepdims=True), 3))

    # Above-size enterprises: a stock (end of period), not cumulative; the city is the sum of the units.
    firms_2016 = va_2016 * col("firms_per_yi")
    trend = firms_2016[:, None] * (1.045 ** (YEARS - 2016))[None, :]
    within = 1.0 + 0.012 * (np.arange(12) - 11)[None, None, :] / 11
    firms = np.round(trend[:, :, None] * within + rng.normal(0.0, 1.0, shape))
    firms[:, y_index[2017], :] -= np.array([8.0 if u.growth_2017 is not None else 0.0 for u in UNITS])[:, None]
    firms_frame = emit(unit_codes, "above_size_enterprises", firms, 0)
    frames.append(firms_frame)
    city_firms = firms_frame.groupby(["indicator_code", "year", "period_n"], as_index=False)["value"].sum()
    frames.append(city_firms.assign(unit_code=CITY))
    park_firms = np.round(firms[hosts] * share)
    frames.append(emit(park_codes, "above_size_enterprises", park_firms, 0))

    # Parks' levels.
    for code, arr in park_single.items():
        frames.append(emit(park_codes, code, _cum(arr), 2))

    # Park share of value added: hosts of parks and the city.
    park_va_cum = _cum(park_single["industrial_va_above_size"])
    host_park_va = np.zeros(shape)
    np.add.at(host_park_va, hosts, park_va_cum)
    va_cum = unit_cum["industrial_va_above_size"]
    has_park = np.isin(np.arange(n_units), hosts)
    frames.append(emit([c for c, h in zip(unit_codes, has_park, strict=True) if h], "park_va_share_pct",
                       host_park_va[has_park] / va_cum[has_park] * 100.0, 1))
    frames.append(emit([CITY], "park_va_share_pct",
                       host_park_va.sum(axis=0, keepdims=True) / va_cum.sum(axis=0, keepdims=True) * 100.0, 1))

    frames.append(_hunan_growth(rng))
    out = pd.concat(frames, ignore_index=True)
    return out[["unit_code", "indicator_code", "year", "period_n", "value"]].reset_index(drop=True)


def _real_growth_2017_11() -> dict[str, float]:
    """The published 1—11月 2017 growth by region code (the real file the importer's demo loads)."""
    frame = pd.read_csv(REAL_GROWTH_CSV, dtype={"region_code": str})
    frame = frame[(frame["indicator"] == GROWTH) & (frame["period"] == "2017-11")]
    return dict(zip(frame["region_code"], frame["value"].astype(float), strict=True))


def _hunan_growth(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic 1–N月 growth for the other 13 市州 and the province in 2016–2017, ending near the real
    2017年1—11月 figure (which is not written here). Yueyang's own series comes from `generate`."""
    real = _real_growth_2017_11()
    codes = [*HUNAN_CITIES, PROVINCE]
    rows = []
    for code in codes:
        end_2017 = real.get(code, 7.0)
        annual_2016 = end_2017 + rng.normal(0.3, 0.6)
        for year, level, last_n in ((2016, annual_2016, 12), (2017, end_2017, 10)):
            start_gap = rng.normal(0.0, 0.9)
            n = np.arange(2, last_n + 1)
            span = 12 - 2 if year == 2016 else LAST_MONTH_OF_LAST_YEAR - 2
            end_n = 12 if year == 2016 else LAST_MONTH_OF_LAST_YEAR
            path = level + start_gap * (end_n - n) / span + rng.normal(0.0, 0.15, len(n)) * (end_n - n) / span
            rows.append(pd.DataFrame({"unit_code": code, "indicator_code": GROWTH, "year": year,
                                      "period_n": n, "value": np.round(path, 1)}))
    return pd.concat(rows, ignore_index=True)


def demo_candidates(seed: int = SEED) -> pd.DataFrame:
    """The synthetic figures as an observation candidate frame (labelled synthetic, 示例数据)."""
    frame = generate(seed)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=frame["indicator_code"].unique().tolist())}
    missing = sorted(set(frame["indicator_code"]) - set(indicators))
    units = dict(Unit.objects.filter(code__in=frame["unit_code"].unique().tolist()).values_list("code", "id"))
    missing += sorted(set(frame["unit_code"]) - set(units))
    if missing:
        from newind.core.errors import AppError

        raise AppError(f"示例数据所需的指标或单位不存在：{'、'.join(missing)}。请先加载参考单位和指标目录。")
    meta = pd.DataFrame([
        {"indicator_code": c, "indicator_id": i.id, "measure_unit": i.measure_unit, "price_basis": i.price_basis,
         "decimals": i.decimals}
        for c, i in indicators.items()
    ])
    frame = frame.merge(meta, on="indicator_code", how="left")
    frame["unit_id"] = frame["unit_code"].map(units)
    # Decimal from the rounded float's fixed-point text: exact, and equal on every re-run.
    frame["value"] = [Decimal(f"{v:.{d}f}") for v, d in zip(frame["value"], frame["decimals"], strict=True)]
    frame["period_kind"] = "M"
    frame["release"] = str(Release.OFFICIAL)
    frame["source"] = DEMO_SOURCE
    frame["original"] = ""
    frame["is_synthetic"] = True
    return candidate_frame(frame.to_dict("records"))


def load_demo(out: TextIO, seed: int = SEED) -> int:
    """Write the synthetic monthly figures (idempotent: a second run adds nothing); return rows written."""
    candidates = demo_candidates(seed)
    plan = plan_observations(candidates)
    if plan.is_noop:
        out.write(f"示例数据：岳阳市月度合成数据已是最新（{len(candidates)} 个数）。\n")
        return 0
    digest = hashlib.sha256(f"newind-demo-monthly-seed-{seed}".encode()).hexdigest()
    batch = make_batch(f"示例数据：岳阳市月度合成数据（随机种子 {seed}）", digest, None, "demo", plan,
                       ["合成数据，仅供演示，不是统计部门公布的数字。"])
    written = apply_observation_plan(plan, batch, None, "示例数据")
    counts = plan.counts
    out.write(f"示例数据：岳阳市月度合成数据新增 {counts['added']} 个、变更 {counts['changed']} 个"
              f"（标注为示例数据）。\n")
    return written
