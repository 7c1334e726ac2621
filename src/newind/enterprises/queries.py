"""Reads of the enterprise registry: search, one firm's page, and the evaluation frame the scoring engine takes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q, QuerySet

from newind.core.errors import AppError
from newind.enterprises.choices import DEREGISTERED, Status
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


def evaluation_frame(year: int, scope_code: str, flags: pd.DataFrame | None = None, *,
                     with_unit_id: bool = False) -> pd.DataFrame:
    """The scoring engine's input for one year and scope, one row per firm: credit_code, name, size
    ('above'|'below'), county and park (unit codes; park '' outside parks), industry (GB/T 4754 code),
    is_utility, one float column per indicator in ENTERPRISE_INDICATORS (NaN when the firm has no current
    annual figure) and flag ('' or the year's 否决/保护/不参评, from `flags` with columns credit_code and flag
    when given).

    One raw SQL statement (`evaluation_frame_sql`) read with a cursor into pandas (DataFrame.from_records):
    no ORM row objects, no pivot in pandas. `with_unit_id` adds each firm's unit id (column unit_id), for
    the writer of the results (no second query for the scope's firms).
    """
    from django.db import connection

    unit = scope_unit(scope_code)
    codes = dict(Indicator.objects.filter(code__in=ENTERPRISE_INDICATORS).values_list("code", "id"))
    sql, params = evaluation_frame_sql(connection.vendor, unit, int(year), codes)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=["credit_code", "name", "size", "county", "park", "industry",
                                                     "is_utility", *ENTERPRISE_INDICATORS, "unit_id",
                                                     *(["figures"] if connection.vendor == "postgresql" else [])])
    if "figures" in frame:  # grouped figures (PostgreSQL): as many current figures as indicators with one
        have = frame[list(ENTERPRISE_INDICATORS)].notna().sum(axis=1).to_numpy()
        twice = frame["figures"].fillna(0).to_numpy(dtype=float) != have
    else:  # one join per indicator (SQLite): a second current figure repeats the firm's row
        twice = frame["credit_code"].duplicated(keep="first").to_numpy()
    if twice.any():
        firms = "、".join(frame.loc[twice, "credit_code"].astype(str).head(5))
        raise AppError(f"企业 {firms} 的{year}年度数据中同一指标有不止一个当前值，未作评价：请先核对年度数据。")
    frame["park"] = frame["park"].fillna("")
    frame["industry"] = frame["industry"].fillna("")
    frame["is_utility"] = frame["is_utility"].astype(bool)
    frame["flag"] = ""
    if flags is not None and not flags.empty:
        given = flags.drop_duplicates("credit_code", keep="last").set_index("credit_code")["flag"]
        frame["flag"] = frame["credit_code"].map(given).fillna("")
    for code in ENTERPRISE_INDICATORS:
        frame[code] = frame[code].astype(float)
    return frame[[*FRAME_COLUMNS, *(["unit_id"] if with_unit_id else [])]].sort_values("credit_code").reset_index(drop=True)


def evaluation_frame_sql(vendor: str, unit: Unit, year: int, indicator_ids: dict[str, int]) -> tuple[str, list[object]]:
    """The statement of `evaluation_frame` and its parameters (identifiers from the models; every value a
    parameter). A park scope takes the park's own firms; a region its firms by county, the counties found by
    walking the admin links below the region (enterprises are linked there too: the walk stops at them).

    SQLite: each indicator is one LEFT JOIN probing the hot-path covering index (indicator, year, period,
    unit) for the firm's current figure: cheaper there than grouping the year's 180,000 figures by firm.
    PostgreSQL: the year's current figures grouped by firm once (one aggregate per indicator, FILTER by
    indicator) and joined by hash: with planner statistics PostgreSQL misjudges the scope's size and runs
    the nine probes as 180,000 nested-loop index scans (0.6–1.1 s against 0.3–0.4 s). The statement also
    gives each firm's count of current figures (`figures`), so a firm with two current figures of one
    indicator is refused instead of one of them being taken (`evaluation_frame`)."""
    q = connection_quote
    profile, unit_t, obs_t = (q(m._meta.db_table) for m in (EnterpriseProfile, Unit, Observation))
    head, head_params, scope_where, scope_params = _scope_sql(unit)
    firms = (f"FROM {profile} p JOIN {unit_t} u ON u.id = p.unit_id JOIN {unit_t} c ON c.id = p.county_id "
             f"LEFT JOIN {unit_t} k ON k.id = p.park_id")
    select = "SELECT p.credit_code, u.name, p.size, c.code, k.code, u.industry_code, p.is_utility, "
    if vendor == "postgresql":
        ids = [indicator_ids.get(code, -1) for code in ENTERPRISE_INDICATORS]
        aggregates = ", ".join(f"CAST(max(o.value) FILTER (WHERE o.indicator_id = %s) AS double precision) AS {code}"
                               for code in ENTERPRISE_INDICATORS)
        figs = (f"figs AS (SELECT o.unit_id, {aggregates}, count(o.value) AS figures FROM {obs_t} o "
                f"WHERE o.indicator_id IN ({', '.join(['%s'] * len(ids))}) AND o.year = %s AND o.period_kind = 'Y' "
                f"AND o.period_n = 0 AND o.is_current GROUP BY o.unit_id) ")
        with_clause = (head.rstrip() + ", " if head else "WITH ") + figs
        sql = (f"{with_clause}{select}{', '.join('f.' + code for code in ENTERPRISE_INDICATORS)}, p.unit_id, "
               f"f.figures {firms} LEFT JOIN figs f ON f.unit_id = p.unit_id WHERE p.status <> %s AND {scope_where}")
        return sql, [*head_params, *ids, *ids, year, DEREGISTERED, *scope_params]
    joins, columns, join_params = [], [], []
    for i, code in enumerate(ENTERPRISE_INDICATORS):
        joins.append(f"LEFT JOIN {obs_t} o{i} ON o{i}.indicator_id = %s AND o{i}.year = %s AND o{i}.period_kind = 'Y' "
                     f"AND o{i}.period_n = 0 AND o{i}.unit_id = p.unit_id AND o{i}.is_current")
        columns.append(f"CAST(o{i}.value AS REAL) AS {code}")
        join_params += [indicator_ids.get(code, -1), year]
    sql = (f"{head}{select}{', '.join(columns)}, p.unit_id {firms} {' '.join(joins)} "
           f"WHERE p.status <> %s AND {scope_where}")
    return sql, [*head_params, *join_params, DEREGISTERED, *scope_params]


def _scope_sql(unit: Unit) -> tuple[str, list[object], str, list[object]]:
    """The WITH clause, its parameters, the WHERE term on profiles `p` and its parameters selecting a
    scope's firms as `scope_profiles` does (CROSS JOIN keeps SQLite's join order: the walk follows the
    parent index instead of scanning the hierarchy's links)."""
    from newind.units.models import Hierarchy, UnitLink

    if unit.kind == UnitKind.PARK:
        return "", [], "p.park_id = %s", [unit.pk]
    q = connection_quote
    unit_t, link_t, hier_t = (q(m._meta.db_table) for m in (Unit, UnitLink, Hierarchy))
    head = (f"WITH RECURSIVE scope_units(id) AS (SELECT r.id FROM {unit_t} r WHERE r.id = %s UNION SELECT l.child_id FROM scope_units s "
            f"CROSS JOIN {link_t} l CROSS JOIN {unit_t} cu WHERE l.parent_id = s.id AND cu.id = l.child_id "
            f"AND l.hierarchy_id = (SELECT h.id FROM {hier_t} h WHERE h.code = %s) AND cu.kind <> %s) ")
    return head, [unit.pk, "admin", str(UnitKind.ENTERPRISE)], "p.county_id IN (SELECT id FROM scope_units)", []


def scope_units_by_credit_code(scope_code: str) -> pd.DataFrame:
    """credit_code and unit_id of the scope's registered, not deregistered firms (`scope_profiles`), in one
    raw query (the ORM's IN list of the scope's 20,000 unit ids cost over a second)."""
    from django.db import connection

    head, head_params, where, where_params = _scope_sql(scope_unit(scope_code))
    sql = (f"{head}SELECT p.credit_code, p.unit_id FROM {connection_quote(EnterpriseProfile._meta.db_table)} p "
           f"WHERE p.status <> %s AND {where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head_params, DEREGISTERED, *where_params])
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=["credit_code", "unit_id"])


def connection_quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


def enterprise_counts(profiles: QuerySet[EnterpriseProfile]) -> dict[str, int]:
    """How many firms of each size class ('above', 'below') the queryset holds."""
    return {size: n for size, n in profiles.order_by().values_list("size").annotate(n=Count("id"))}
