"""Demo targets for 2017 (示例数据), built from the synthetic 2016 figures so that the lights show a mix.

The city's level targets are 2016's figure raised by a planned growth; each county, zone and park gets
its own planned growth (most near the city's, a few ambitious ones that fall behind). The counties' and
zones' 规模工业增加值 targets are made to add up to slightly less than the city's, so the decomposition
check has a visible shortfall to show. Idempotent: a target that exists is left as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.db import transaction

from newind.indicators.models import Indicator, Observation
from newind.targets.models import Target, TargetKind, TargetType
from newind.units.models import PeerGroup, Unit

YEAR = 2017
CITY = "430600"
SOURCE = "示例数据：2017年新型工业化目标任务分解（合成）"
OFFICE_DEPT = "D430600-GXJ"  # 市工信局: the responsible unit for the city's own targets

# Planned nominal growth of 规模工业增加值 (%) for the year's hard target, by unit; default 10%.
VA_PLAN = {
    CITY: 10.0, "430611": 12.0, "430682": 12.0, "430603": 14.0, "Z430602": 16.0, "Z430601": 11.0,
    "430602": 9.0, "430624": 10.0,
}
# Parks: planned growth of 技工贸总收入; default 12%.
TGM_PLAN = {"P430605": 20.0, "P430610": 16.0, "P430601": 12.0, "P430602": 26.0}
INVEST_PLAN = {CITY: 12.0, "430682": 25.0, "430611": 20.0, "Z430601": 15.0}
# Growth targets (%, comparable prices): the city's 8% is the speech's; counties default to 6%.
GROWTH_TARGET = {CITY: 8.0, "430611": 6.5, "430682": 6.5, "Z430601": 7.5, "Z430602": 7.5, "430603": 6.5}
STRETCH_EXTRA = 4.0  # the stretch target (校高指标) raises the planned growth by this many points


def _annual(indicator: Indicator, year: int) -> dict[str, float]:
    """Each unit's 1—12月 figure of `year` (the year's total of a cumulative monthly indicator)."""
    rows = Observation.objects.filter(indicator=indicator, is_current=True, year=year, period_kind="M",
                                      period_n=12).values_list("unit__code", "value")
    return {code: float(v) for code, v in rows}


def _units(codes: list[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=codes)}


def _members(group_code: str, kinds: list[str]) -> list[str]:
    """The peer group's units, or (without the group) Yueyang's units of those kinds."""
    group = PeerGroup.objects.filter(code=group_code).first()
    if group is not None:
        return [m.unit.code for m in group.peergroupmember_set.select_related("unit").order_by("sort_order")]
    return list(Unit.objects.filter(kind__in=kinds, code__regex=r"^[A-Z]?4306").order_by("sort_order", "code")
                .values_list("code", flat=True))


def demo_target_rows() -> list[dict[str, object]]:
    """The demo targets as plain rows (indicator, unit, kind, type, value)."""
    rows: list[dict[str, object]] = []
    counties = _members("yueyang-counties-zones", ["county", "zone"])
    parks = _members("yueyang-parks", ["park"])
    va = Indicator.objects.get(code="industrial_va_above_size")
    va_2016 = _annual(va, YEAR - 1)
    if not va_2016:
        return rows
    for code in [CITY, *counties]:
        if code not in va_2016:
            continue
        plan = VA_PLAN.get(code, 10.0)
        base = va_2016[code]
        hard = base * (1 + plan / 100)
        if code != CITY:
            hard *= 0.985  # counties' parts add up to a little less than the city's whole (a visible shortfall)
        rows.append({"indicator": va.code, "unit": code, "kind": TargetKind.HARD, "type": TargetType.LEVEL,
                     "value": round(hard, 2)})
        if code == CITY or code in ("Z430601", "430603", "430681"):
            rows.append({"indicator": va.code, "unit": code, "kind": TargetKind.STRETCH, "type": TargetType.LEVEL,
                         "value": round(base * (1 + (plan + STRETCH_EXTRA) / 100), 2)})
    inv = Indicator.objects.get(code="industrial_investment")
    inv_2016 = _annual(inv, YEAR - 1)
    for code in [CITY, *counties]:
        if code in inv_2016:
            rows.append({"indicator": inv.code, "unit": code, "kind": TargetKind.HARD, "type": TargetType.LEVEL,
                         "value": round(inv_2016[code] * (1 + INVEST_PLAN.get(code, 12.0) / 100), 2)})
    tgm = Indicator.objects.get(code="park_tgm_income")
    tgm_2016 = _annual(tgm, YEAR - 1)
    for code in parks:
        if code in tgm_2016:
            rows.append({"indicator": tgm.code, "unit": code, "kind": TargetKind.HARD, "type": TargetType.LEVEL,
                         "value": round(tgm_2016[code] * (1 + TGM_PLAN.get(code, 12.0) / 100), 2)})
    for code in [CITY, *counties]:
        g = GROWTH_TARGET.get(code, 6.0)
        rows.append({"indicator": "industrial_va_above_size_growth_pct", "unit": code, "kind": TargetKind.HARD,
                     "type": TargetType.GROWTH, "value": g})
        if code == CITY:
            rows.append({"indicator": "industrial_va_above_size_growth_pct", "unit": code,
                         "kind": TargetKind.FLOOR, "type": TargetType.GROWTH, "value": 7.0})
            rows.append({"indicator": "industrial_va_above_size_growth_pct", "unit": code,
                         "kind": TargetKind.STRETCH, "type": TargetType.GROWTH, "value": 9.0})
    return rows


@transaction.atomic
def load_demo(out: TextIO) -> int:
    """Create the 2017 demo targets that do not exist yet; return how many were created."""
    if not Indicator.objects.filter(code="industrial_va_above_size").exists():
        return 0
    rows = demo_target_rows()
    if not rows:
        out.write("示例目标：没有2016年示例数据，未生成目标任务。\n")
        return 0
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={str(r["indicator"]) for r in rows})}
    units = _units([str(r["unit"]) for r in rows] + [OFFICE_DEPT])
    existing = set(Target.objects.filter(year=YEAR).values_list("indicator__code", "unit__code", "kind"))
    new = []
    for r in rows:
        if (r["indicator"], r["unit"], r["kind"]) in existing or r["unit"] not in units:
            continue
        unit = units[str(r["unit"])]
        responsible = unit if unit.code != CITY else units.get(OFFICE_DEPT, unit)
        new.append(Target(indicator=indicators[str(r["indicator"])], unit=unit, year=YEAR, kind=r["kind"],
                          target_type=r["type"], value=Decimal(str(r["value"])), responsible_unit=responsible,
                          source=SOURCE, is_synthetic=True))
    Target.objects.bulk_create(new)
    if new:
        out.write(f"示例目标：新增2017年目标任务 {len(new)} 项（示例数据）。\n")
    else:
        out.write("示例目标：2017年目标任务已是最新。\n")
    return len(new)
