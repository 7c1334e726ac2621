"""Reproducible synthetic enterprises for Yueyang (示例数据), loaded by `newind demo`.

What it makes (numpy Generator, fixed seed: the same seed gives the same firms on every machine):
- about 1,500 规上 and 500 规下 firms in Yueyang's 9 县市区 and 4 功能区, about two thirds of them in the park
  their county hosts, with valid 统一社会信用代码 (GB 32100-2015 check character), GB/T 4754-2017 industry
  codes (a park's firms lean to its leading industries), land with a rented part, a few 公用事业 firms;
- their 2016 and 2017 annual figures (the nine enterprise indicators): skewed (log-normal) sizes, value
  added, tax, energy and emissions as noisy ratios of revenue, so per-mu figures spread realistically;
  about 8% of 规上 firms have no emission figure, 规下 firms only the figures their evaluation uses;
- the park registry (definitions/parks/yueyang-demo.yaml, 示例数据);
- `demo_flags(year)`: the year's 否决 / 保护 / 不参评 flags for a few firms, in the columns of
  `newind mujun flags import` (统一社会信用代码, 年度, 标记, 原因);
- `BAD_FIRM`: one more firm whose credit code has a wrong check character, which the registry import
  refuses (tests/enterprises/test_demo.py).

The registry goes through the same plan as a file import (`plan_registry` → `apply_registry_import`) and the
figures through `plan_observations` → `apply_observation_plan`, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import TextIO

import numpy as np
import pandas as pd

from newind.enterprises import choices
from newind.enterprises.calc import CREDIT_CHARSET, credit_check_char
from newind.enterprises.choices import Status
from newind.enterprises.services import apply_registry_import, lookups, plan_registry

SEED = 20170708  # July: when the office does the 亩均 evaluation by hand
DEMO_SOURCE = "示例数据（合成企业，固定随机种子）"
YEARS = (2016, 2017)
N_ABOVE, N_BELOW = 1500, 500
# County or zone → (weight in the city's firms, the park it hosts or None).
COUNTIES: dict[str, tuple[float, str | None]] = {
    "430602": (0.04, None), "430603": (0.10, "P430603"), "430611": (0.05, "P430610"),
    "430621": (0.08, "P430609"), "430623": (0.08, "P430606"), "430624": (0.09, "P430607"),
    "430626": (0.08, "P430608"), "430681": (0.11, "P430604"), "430682": (0.08, "P430605"),
    "Z430601": (0.14, "P430601"), "Z430602": (0.07, "P430602"), "Z430603": (0.03, None),
    "Z430604": (0.05, "P430611"),
}
# Leading-industry 小类 per park (mirrors the prefixes in definitions/parks/yueyang-demo.yaml).
PARK_INDUSTRIES: dict[str, list[str]] = {
    "P430601": ["3411", "3511", "3921", "2710"], "P430602": ["3460", "3670", "3714", "3971"],
    "P430603": ["2511", "2614", "2653", "2929"], "P430604": ["4210", "3216", "3311"],
    "P430605": ["2444", "2662"], "P430606": ["1713", "1810", "1391"], "P430607": ["3421", "1361", "1523"],
    "P430608": ["1391", "1432", "3031"], "P430609": ["1331", "3443"], "P430610": ["1361", "1521", "2740"],
    "P430611": ["1331", "1751"],
}
OTHER_INDUSTRIES = ["1311", "1411", "1951", "2231", "2319", "2438", "2641", "2921", "3021", "3130", "3311",
                    "3352", "3389", "3424", "3484", "3599", "3812", "3831", "3990", "4190", "0612", "1019"]
UTILITY_INDUSTRIES = ["4411", "4430", "4610", "4620"]
PLACES = ["岳", "巴陵", "洞庭", "君山", "湘北", "汨江", "云溪", "南湖", "楼西", "新墙", "黄沙", "麻塘", "荣家湾", "鹿角",
          "城陵", "白石", "长湖", "东风", "金凤", "青港"]
WORDS = ["华", "盛", "鑫", "源", "泰", "恒", "隆", "兴", "达", "丰", "瑞", "宏", "永", "新", "佳", "诚", "信", "和", "昌", "润"]
TRADE = {"13": "农产品", "14": "食品", "15": "饮料", "17": "纺织", "18": "服饰", "19": "皮革", "22": "纸业",
         "23": "印务", "24": "文体用品", "25": "石化", "26": "化工", "27": "药业", "29": "塑胶", "30": "建材",
         "31": "钢业", "32": "有色金属", "33": "金属制品", "34": "机械", "35": "装备", "36": "汽车零部件",
         "37": "船舶", "38": "电气", "39": "电子", "41": "制造", "42": "再生资源", "44": "电力", "46": "水务",
         "06": "矿业", "10": "矿业"}
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]

# One firm whose credit code is refused: its 18th character is not the check character (it should be 'W').
BAD_FIRM = {"统一社会信用代码": "91430600000000001X", "企业名称": "岳阳示例校验码错误有限公司", "所在县市区": "岳阳县",
            "所在园区": "岳阳县工业园", "规模": "规上", "行业代码": "1331", "状态": "在产"}


def _credit_codes(rng: np.random.Generator, divisions: np.ndarray) -> list[str]:
    """Valid, distinct 统一社会信用代码: 9 (工商) 1 (企业), the county's division code, a random body, the check."""
    body_chars = np.array(list(CREDIT_CHARSET))
    codes: list[str] = []
    seen: set[str] = set()
    for division in divisions:
        while True:
            # Synthetic bodies start with "MA" as codes issued after 2015 do; the rest is random.
            first17 = f"91{division}MA" + "".join(rng.choice(body_chars, 7))
            code = first17 + credit_check_char(first17)
            if code not in seen:
                seen.add(code)
                codes.append(code)
                break
    return codes


def synthetic_firms(seed: int = SEED) -> pd.DataFrame:
    """The synthetic firms with county and park codes (no database needed)."""
    rng = np.random.default_rng(seed)
    n = N_ABOVE + N_BELOW
    county_codes = list(COUNTIES)
    weights = np.array([COUNTIES[c][0] for c in county_codes])
    county = rng.choice(county_codes, n, p=weights / weights.sum())
    host = np.array([COUNTIES[c][1] or "" for c in county])
    in_park = (host != "") & (rng.random(n) < 0.68)
    park = np.where(in_park, host, "")
    size = np.array([choices.ABOVE] * N_ABOVE + [choices.BELOW] * N_BELOW)
    leading = rng.random(n) < 0.6
    industry = np.array([rng.choice(PARK_INDUSTRIES[p]) if p and lead else rng.choice(OTHER_INDUSTRIES)
                         for p, lead in zip(park, leading, strict=True)])
    utility = np.zeros(n, dtype=bool)
    utility[rng.choice(N_ABOVE, 8, replace=False)] = True
    industry = np.where(utility, rng.choice(UTILITY_INDUSTRIES, n), industry)
    divisions = np.array([c if c.isdigit() else "430600" for c in county])
    codes = _credit_codes(rng, divisions)
    names = []
    seen: set[str] = set()
    for i in range(n):
        while True:
            name = (rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(WORDS)
                    + TRADE.get(industry[i][:2], "实业") + rng.choice(FORMS))
            if name not in seen:
                seen.add(name)
                names.append("岳阳" + name if not name.startswith("岳") else name)
                break
    status = np.where(rng.random(n) < 0.03, choices.SUSPENDED, choices.PRODUCING)
    land = np.where(size == choices.ABOVE, rng.lognormal(np.log(55), 0.8, n), rng.lognormal(np.log(14), 0.7, n))
    land = np.round(np.clip(land, 2, 3000), 1)
    rented_share = np.where(rng.random(n) < 0.25, rng.uniform(0.1, 1.0, n), 0.0)
    rented = np.round(land * rented_share, 1)
    # Founding dates and the 失信 flag (the policy criteria read them) from a generator of their own, so the
    # firms above keep the values they had before these attributes existed.
    extra = np.random.default_rng(seed + 11)
    founded = [dt.date(1990, 1, 1) + dt.timedelta(days=int(d)) for d in extra.integers(0, 27 * 365, n)]
    dishonest = extra.random(n) < 0.02
    return pd.DataFrame({
        "sheet": "", "row": np.arange(2, n + 2), "credit_code": codes, "name": names, "short_name": "",
        "county_code": county, "park_code": park, "size": size, "industry_code": industry, "status": status,
        "land_area": [Decimal(str(v)) for v in land], "land_rented": [Decimal(str(v)) for v in rented],
        "is_utility": utility, "founded_on": founded, "dishonest": dishonest,
    })


def demo_registry(seed: int = SEED) -> pd.DataFrame:
    """The synthetic firms as registry records: the columns `plan_registry` takes (county and park as unit ids)."""
    firms = synthetic_firms(seed)
    found = lookups()
    firms.insert(5, "county_id", firms["county_code"].str.lower().map(found.counties))
    firms.insert(6, "park_id", firms["park_code"].str.lower().map(found.parks).astype(object))
    firms["park_id"] = firms["park_id"].where(firms["park_code"] != "", None)
    return firms.drop(columns=["county_code", "park_code"])


def demo_figures(registry: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Long frame (credit_code, indicator, year, value) of the firms' 2016–2017 annual figures."""
    rng = np.random.default_rng(seed + 1)
    n = len(registry)
    above = (registry["size"] == choices.ABOVE).to_numpy()
    # 2017 revenue (万元): 规上 ≥ 2000 (the threshold), heavy right tail; 规下 below it.
    revenue = np.where(above, 2000 + rng.lognormal(np.log(12000), 1.25, n), rng.uniform(150, 1990, n))
    land = registry["land_area"].astype(float).to_numpy()
    va = revenue * rng.uniform(0.16, 0.34, n)
    tax = revenue * np.clip(rng.lognormal(np.log(0.032), 0.6, n), 0.002, 0.2)
    energy = va * np.clip(rng.lognormal(np.log(0.35), 0.9, n), 0.02, 6.0)
    emissions = energy * np.clip(rng.lognormal(np.log(0.004), 0.8, n), 0.0002, 0.05)
    rd = revenue * np.where(rng.random(n) < 0.15, 0.0, np.clip(rng.lognormal(np.log(0.012), 0.8, n), 0, 0.08))
    employees = np.maximum(5, np.round(revenue / np.clip(rng.lognormal(np.log(90), 0.5, n), 20, 800)))
    power = energy * rng.uniform(0.25, 0.5, n) + revenue * 0.002
    growth = rng.normal(0.08, 0.14, n)  # 2016 → 2017, per firm
    rows = []
    by_year = {}
    for year, factor in ((2017, np.ones(n)), (2016, 1.0 / (1.0 + np.clip(growth, -0.5, 1.0)))):
        by_year[year] = {
            "land_area": land, "tax_paid": tax * factor, "value_added": va * factor,
            "sales_revenue": revenue * factor, "energy_use": energy * factor ** 0.7,
            "emissions": emissions * factor ** 0.7, "rd_spending": rd * factor,
            "avg_employees": np.round(employees * factor ** 0.3), "power_use": power * factor ** 0.8,
        }
    no_emissions = above & (rng.random(n) < 0.08)
    below_only = {"land_area", "tax_paid", "sales_revenue", "power_use", "avg_employees"}
    codes = registry["credit_code"].to_numpy()
    for year, figures in by_year.items():
        for code, values in figures.items():
            keep = above | (code in below_only)
            if code == "emissions":
                keep = keep & ~no_emissions
            rows.append(pd.DataFrame({"credit_code": codes[keep], "indicator": code, "year": year,
                                      "value": np.round(values[keep], 0 if code == "avg_employees" else 2)}))
    return pd.concat(rows, ignore_index=True)


def demo_flags(year: int = 2017, seed: int = SEED) -> pd.DataFrame:
    """The year's flags for a few demo firms: columns 统一社会信用代码, 年度, 标记, 原因."""
    registry = synthetic_firms(seed)
    rng = np.random.default_rng(seed + year)
    above = registry[registry["size"] == choices.ABOVE]["credit_code"].to_numpy()
    picked = rng.choice(above, 12, replace=False)
    flags = (["否决"] * 4) + (["保护"] * 6) + (["不参评"] * 2)
    reasons = {"否决": "发生一般及以上安全生产事故", "保护": "投产未满2年的新建企业", "不参评": "停产整改中"}
    return pd.DataFrame({"统一社会信用代码": picked, "年度": year, "标记": flags,
                         "原因": [reasons[f] for f in flags]})


def registry_rows(registry: pd.DataFrame) -> list[dict[str, str]]:
    """The registry as rows of an import file with Chinese headers (for tests and for exporting the demo)."""
    from newind.units.models import Unit

    names = dict(Unit.objects.filter(id__in=set(registry["county_id"]) | set(registry["park_id"].dropna()))
                 .values_list("id", "name"))
    size_label = {choices.ABOVE: "规上", choices.BELOW: "规下"}
    status_label = dict(Status.choices)
    return [{"统一社会信用代码": r.credit_code, "企业名称": r.name, "所在县市区": names[r.county_id],
             "所在园区": names.get(r.park_id, "") if r.park_id is not None and r.park_id == r.park_id else "",
             "规模": size_label[r.size], "行业代码": r.industry_code, "状态": status_label[r.status],
             "用地面积（亩）": str(r.land_area), "其中租用（亩）": str(r.land_rented),
             "公用事业": "是" if r.is_utility else "否", "成立日期": str(r.founded_on),
             "列入失信名单": "是" if r.dishonest else "否"} for r in registry.itertuples()]


def load_demo(out: TextIO, seed: int = SEED) -> None:
    """Load the synthetic firms and their figures (idempotent). The parks they sit in come first, from
    `parks.demo` (parks is listed before enterprises in INSTALLED_APPS, so its demo runs first)."""

    from newind.indicators.models import Indicator
    from newind.indicators.services import (
        apply_observation_plan,
        candidate_frame,
        make_batch,
        plan_observations,
    )
    from newind.units.models import Unit

    registry = demo_registry(seed)
    digest = hashlib.sha256(f"newind-demo-enterprises-seed-{seed}".encode()).hexdigest()
    preview = plan_registry(registry, f"示例数据：岳阳市合成企业名录（随机种子 {seed}）", digest)
    batch = apply_registry_import(preview, None, "demo", synthetic=True)
    counts = preview.counts
    out.write(f"示例数据：企业档案新增 {counts['added']} 家、变更 {counts['changed']} 家（标注为示例数据）。\n"
              if batch else f"示例数据：企业档案已是最新（{len(registry)} 家）。\n")
    figures = demo_figures(registry, seed)
    units = dict(Unit.objects.filter(code__in=registry["credit_code"].tolist()).values_list("code", "id"))
    inds = {i.code: i for i in Indicator.objects.filter(code__in=figures["indicator"].unique().tolist())}
    candidates = candidate_frame([])
    candidates = pd.DataFrame({
        "indicator_id": figures["indicator"].map(lambda c: inds[c].id), "unit_id": figures["credit_code"].map(units),
        "year": figures["year"], "period_kind": "Y", "period_n": 0,
        "value": [Decimal(str(v)) for v in figures["value"]],
        "measure_unit": figures["indicator"].map(lambda c: inds[c].measure_unit),
        "price_basis": figures["indicator"].map(lambda c: inds[c].price_basis), "release": "official",
        "source": DEMO_SOURCE, "original": "", "is_synthetic": True,
    })[list(candidates.columns)]
    plan = plan_observations(candidates)
    if plan.is_noop:
        out.write(f"示例数据：企业年度数据已是最新（{len(candidates)} 个数）。\n")
        return
    obs_batch = make_batch(f"示例数据：岳阳市合成企业年度数据（随机种子 {seed}）", digest, None, "demo", plan,
                           ["合成数据，仅供演示，不是统计部门公布的数字。"])
    apply_observation_plan(plan, obs_batch, None, "示例数据")
    out.write(f"示例数据：企业年度数据新增 {plan.counts['added']} 个、变更 {plan.counts['changed']} 个。\n")
