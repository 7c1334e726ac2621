"""Reads of the enterprise registry: search, one firm's page, and the evaluation frame the scoring engine takes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, FloatField, Q, QuerySet
from django.db.models.functions import Cast

from newind.core.errors import AppError
from newind.enterprises.choices import Status
from newind.enterprises.models import EnterpriseChange, EnterpriseProfile
from newind.indicators.models import Indicator, Observation
from newind.units.models import Unit, UnitKind
from newind.units.queries import descendant_ids, unit_by_code

# The nine annual enterprise indicators (definitions/indicators/yearly_enterprise.yaml), in display order.
ENTERPRISE_INDICATORS = ("land_area", "tax_paid", "value_added", "sales_revenue", "energy_use", "emissions",
                         "rd_spending", "avg_employees", "power_use")
FRAME_COLUMNS = ["credit_code", "name", "size", "county", "park", "industry", "is_utility",
                 *ENTERPRISE_INDICATORS, "flag"]
SEARCH_LIMIT = 50


def search_enterprises(profiles: QuerySet[EnterpriseProfile], text: str) -> QuerySet[EnterpriseProfile]:
    """Firms whose name, short name, former name, credit code or pinyin initials contain the text."""
    query = " ".join(str(text).split())[:60]
    qs = profiles.select_related("unit", "county", "park")
    if not query:
        return qs.order_by("unit__name")
    needle = query.upper() if query.isascii() else query
    match = (Q(unit__name__icontains=query) | Q(unit__short_name__icontains=query)
             | Q(credit_code__icontains=needle) | Q(former_names__icontains=query))
    if query.isascii() and query.isalpha():
        match |= Q(pinyin_initials__icontains=query.lower())
    return qs.filter(match).order_by("unit__name")


@dataclass
class FigureRow:
    indicator: Indicator
    year: int
    current: Observation
    versions: list[Observation]


def enterprise_figures(profile: EnterpriseProfile) -> list[FigureRow]:
    """The firm's annual figures, each with every version (value, release, source, who, when), newest year first."""
    rows = list(Observation.objects.filter(unit_id=profile.unit_id, period_kind="Y")
                .select_related("indicator", "batch", "created_by").order_by("indicator__sort_order", "year",
                                                                              "version"))
    grouped: dict[tuple[int, int], list[Observation]] = {}
    for obs in rows:
        grouped.setdefault((obs.indicator_id, obs.year), []).append(obs)
    out = [FigureRow(vs[0].indicator, year, next((v for v in vs if v.is_current), vs[-1]), vs)
           for (_, year), vs in grouped.items()]
    return sorted(out, key=lambda r: (-r.year, r.indicator.sort_order))


def enterprise_history(profile: EnterpriseProfile) -> QuerySet[EnterpriseChange]:
    return profile.changes.select_related("batch", "changed_by").order_by("-changed_at", "-id")


def scope_unit(scope_code: str) -> Unit:
    """A city, county, zone or park whose firms are evaluated together."""
    unit = unit_by_code(scope_code)
    if unit.kind not in (UnitKind.CITY, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK, UnitKind.PROVINCE):
        raise AppError(f"「{unit.name}」不能作为评价范围：请选择市、县市区、功能区或园区。")
    return unit


def scope_profiles(scope_code: str) -> QuerySet[EnterpriseProfile]:
    """The registered, not deregistered firms of a scope: a park's own firms, or a region's by county."""
    unit = scope_unit(scope_code)
    qs = EnterpriseProfile.objects.exclude(status=Status.DEREGISTERED)
    if unit.kind == UnitKind.PARK:
        return qs.filter(park=unit)
    return qs.filter(county_id__in=descendant_ids(unit, "admin"))


def evaluation_frame(year: int, scope_code: str, flags: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scoring engine's input for one year and scope, one row per firm (set-wise, three queries):
    credit_code, name, size ('above'|'below'), county and park (unit codes; park '' outside parks), industry
    (GB/T 4754 code), is_utility, one float column per indicator in ENTERPRISE_INDICATORS (NaN when the firm
    has no current annual figure) and flag ('' or the year's 否决/保护/不参评, from `flags` with columns
    credit_code and flag when given).
    """
    profiles = scope_profiles(scope_code)
    cols = ["unit_id", "credit_code", "unit__name", "size", "county__code", "park__code", "unit__industry_code",
            "is_utility"]
    firms = pd.DataFrame(list(profiles.values_list(*cols)), columns=cols).rename(columns={
        "unit__name": "name", "county__code": "county", "park__code": "park", "unit__industry_code": "industry"})
    firms["park"] = firms["park"].fillna("")
    firms["is_utility"] = firms["is_utility"].astype(bool)
    # The hot-path index (indicator, period, unit) reads the year's current figures of the nine indicators;
    # the scope is applied by the merge below (a unit IN (subquery) filter made SQLite scan for seconds).
    codes = dict(Indicator.objects.filter(code__in=ENTERPRISE_INDICATORS).values_list("id", "code"))
    values = pd.DataFrame(list(
        Observation.objects.filter(is_current=True, year=int(year), period_kind="Y", period_n=0,
                                   indicator_id__in=list(codes))
        # Read as floats in the database: converting ~10 values a firm to Decimal and back was most of the time.
        .annotate(v=Cast("value", FloatField())).values_list("unit_id", "indicator_id", "v")),
        columns=["unit_id", "indicator", "value"])
    values["indicator"] = values["indicator"].map(codes)
    values = values[values["unit_id"].isin(firms["unit_id"])]
    values["value"] = values["value"].astype(float)
    wide = values.pivot_table(index="unit_id", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(ENTERPRISE_INDICATORS))
    frame = firms.merge(wide, left_on="unit_id", right_index=True, how="left")
    frame["flag"] = ""
    if flags is not None and not flags.empty:
        given = flags.drop_duplicates("credit_code", keep="last").set_index("credit_code")["flag"]
        frame["flag"] = frame["credit_code"].map(given).fillna("")
    for code in ENTERPRISE_INDICATORS:
        frame[code] = frame[code].astype(float)
    return frame[FRAME_COLUMNS].sort_values("credit_code").reset_index(drop=True)


def enterprise_counts(profiles: QuerySet[EnterpriseProfile]) -> dict[str, int]:
    """How many firms of each size class ('above', 'below') the queryset holds."""
    return {size: n for size, n in profiles.order_by().values_list("size").annotate(n=Count("id"))}
