"""The one benchmarking read: the page, the CLI and the API all call `benchmark()`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from newind.benchmark import calc
from newind.core.errors import AppError, NotFound
from newind.indicators.calc import MIN_REPORTING, ranking_applies, share_of_group_sum_pct, share_of_parent_pct
from newind.indicators.models import Frequency, Indicator, Release, ValueKind
from newind.indicators.periods import Period, PeriodKind
from newind.indicators.queries import current_values, indicator_by_code, latest_period
from newind.indicators.sources import source_labels
from newind.units.models import PeerGroup, Unit, UnitKind
from newind.units.queries import peer_group_by_code, peer_group_units, require_unit_in_group, unit_by_code

MAX_SPAN_YEARS = 40

# How the narrative names the members of a group when its name does not say ("14个市州" does).
_KIND_NOUNS = {
    frozenset({UnitKind.CITY}): "市州", frozenset({UnitKind.COUNTY}): "县市区",
    frozenset({UnitKind.COUNTY, UnitKind.ZONE}): "县市区和功能区", frozenset({UnitKind.ZONE}): "功能区",
    frozenset({UnitKind.PARK}): "园区", frozenset({UnitKind.PEER_CITY}): "城市",
    frozenset({UnitKind.CITY, UnitKind.PEER_CITY}): "城市", frozenset({UnitKind.DEPARTMENT}): "部门",
}
_PARENT_SCOPE = {UnitKind.PROVINCE: "全省", UnitKind.CITY: "全市"}


@dataclass
class BenchmarkResult:
    """Everything one benchmarking view shows; `as_dict()` is the JSON of the API and the CLI."""

    unit: Unit
    group: PeerGroup
    indicator: Indicator
    period_kind: PeriodKind
    period_n: int
    years: list[int]
    by_year: pd.DataFrame  # one row per year: value, rank, reported, shares, ahead_*, behind_*
    ranking: pd.DataFrame  # every member and year: rank, tied, value, share_of_group_pct
    trend: dict[str, str | None]
    narrative: list[str]
    period_labels: dict[int, str]
    span_label: str
    group_size: int
    shares_apply: bool
    share_labels: dict[str, str]
    sources: list[str]
    gap_sources: list[str]  # sources of the unit's own figures and its 标兵/追兵 figures only
    releases: list[dict[str, str]]
    synthetic: bool
    missing: dict[int, list[str]] = field(default_factory=dict)
    # Other groups where enough members report the indicator (said when this one cannot be ranked).
    groups_with_data: list[dict[str, Any]] = field(default_factory=list)
    province_column: str = "占全省%"  # table heading of share_of_province_pct: 占全省% / 占全市%

    @property
    def is_rate(self) -> bool:
        return self.indicator.value_kind in (ValueKind.RATE, ValueKind.RATIO)

    @property
    def gap_unit(self) -> str:
        return "个百分点" if self.indicator.measure_unit == "%" else self.indicator.measure_unit

    def as_dict(self) -> dict[str, Any]:
        """The API/CLI JSON (issue 2 item 7 fields plus the ranking tables and provenance)."""
        years = []
        ranking = self.ranking
        for row in self.by_year.to_dict("records"):
            year = int(row["year"])
            table = ranking[ranking["year"] == year]
            years.append({
                "year": year,
                "period": self.period_labels[year],
                "value": _num(row["value"]),
                "rank": _int(row["rank"]),
                "tied": bool(row["tied"]),
                "reported": int(row["reported"]),
                "ranked": bool(row["ranked"]),
                "group_size": self.group_size,
                "missing": self.missing.get(year, []),
                "share_of_group_pct": _num(row.get("share_of_group_pct")),
                "share_of_province_pct": _num(row.get("share_of_province_pct")),
                "province_value": _num(row.get("province_value")),
                "ahead": _neighbour(row, "ahead"),
                "behind": _neighbour(row, "behind"),
                "ranking": [
                    {"rank": _int(r["rank"]), "tied": bool(r["tied"]), "code": r["unit_code"],
                     "name": r["unit_name"], "value": _num(r["value"]),
                     "share_of_group_pct": _num(r.get("share_of_group_pct")),
                     "release": r["release"] if isinstance(r["release"], str) else None, "is_synthetic": bool(r["is_synthetic"])}
                    for r in table.to_dict("records")
                ],
            })
        ind = self.indicator
        province = self.group.province
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "group": {"code": self.group.code, "name": self.group.name, "size": self.group_size,
                      "min_reporting": self.group.min_reporting,
                      "province": {"code": province.code, "name": province.name} if province else None},
            "indicator": {"code": ind.code, "name": ind.name, "measure_unit": ind.measure_unit,
                          "value_kind": ind.value_kind, "direction": ind.direction,
                          "price_basis": ind.price_basis, "decimals": ind.decimals},
            "gap_unit": self.gap_unit,
            "period": {"kind": self.period_kind.value, "n": self.period_n, "span": self.span_label,
                       "labels": {str(y): label for y, label in self.period_labels.items()}},
            "share_basis": self.share_labels if self.shares_apply else {},
            "province_column": self.province_column,
            "years": years,
            "trend": self.trend,
            "narrative": self.narrative,
            "groups_with_data": self.groups_with_data,
            "sources": self.sources,
            "gap_sources": self.gap_sources,
            "source_labels": [s.as_dict() for s in source_labels(self.sources)],
            "releases": self.releases,
            "synthetic": self.synthetic,
        }


def _num(value: object, digits: int = 6) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return round(float(value), digits)  # type: ignore[arg-type]


def _int(value: object) -> int | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return int(value)  # type: ignore[call-overload]


def _neighbour(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if row.get(f"{prefix}_code") is None or pd.isna(row[f"{prefix}_code"]):
        return None
    return {"code": row[f"{prefix}_code"], "name": row[f"{prefix}_name"], "rank": _int(row[f"{prefix}_rank"]),
            "value": _num(row[f"{prefix}_value"]), "gap": _num(row[f"{prefix}_gap"]),
            "gap_ratio": _num(row[f"{prefix}_gap_ratio"])}


def period_of_each_year(indicator: Indicator, period: str | Period | None) -> tuple[PeriodKind, int, int | None]:
    """Which period of each year to compare: (kind, n, year named in `period` or None).

    Annual indicators compare annual figures; monthly and quarterly ones compare the cumulative figure
    named by `period` (e.g. '2017-11': 1—11月 of every year). Without one, n is 12 (or 4) here and
    `benchmark()` narrows it to the latest period published in the last year of the span.
    """
    if period is None or period == "":
        if indicator.frequency == Frequency.MONTHLY:
            return PeriodKind.MONTH_CUM, 12, None
        if indicator.frequency == Frequency.QUARTERLY:
            return PeriodKind.QUARTER_CUM, 4, None
        return PeriodKind.ANNUAL, 0, None
    p = period if isinstance(period, Period) else Period.parse(period)
    return p.kind, p.n, p.year


def _group_wording(group: PeerGroup, members: list[Unit]) -> tuple[str, str]:
    """(scope, noun) for "居{scope}14个{noun}第2位"."""
    match = re.search(r"\d+个(.+)$", group.name)
    prefix = group.name[:match.start()] if match else ""
    noun = match.group(1) if match else _KIND_NOUNS.get(frozenset(u.kind for u in members), "单位")
    scope = _PARENT_SCOPE.get(UnitKind(group.province.kind), prefix) if group.province else prefix
    return scope, noun


def _check_span(year_from: int, year_to: int) -> list[int]:
    try:
        start, end = int(year_from), int(year_to)
    except (TypeError, ValueError):
        raise AppError("起止年份必须是四位数字年份，例如 2012 和 2016。") from None
    if start > end:
        raise AppError(f"起始年份{start}晚于截止年份{end}：请把起始年份改为不晚于截止年份。")
    if end - start + 1 > MAX_SPAN_YEARS:
        raise AppError(f"所选年份跨度超过{MAX_SPAN_YEARS}年：请缩小起止年份范围。")
    Period.annual(start), Period.annual(end)  # range check with the project's message
    return list(range(start, end + 1))


def benchmark(unit_code: str, group_code: str, indicator_code: str, year_from: int | None = None,
              year_to: int | None = None, period: str | Period | None = None) -> BenchmarkResult:
    """Rank, shares, 标兵/追兵 gaps, trends and narrative for one unit in one peer group over a span."""
    unit = unit_by_code(unit_code)
    group = peer_group_by_code(group_code)
    indicator = indicator_by_code(indicator_code)
    require_unit_in_group(unit, group)
    kind, n, period_year = period_of_each_year(indicator, period)
    if year_from is None or year_to is None:
        if period_year is None:
            raise AppError("请填写起止年份，例如 --from 2012 --to 2016。")
        year_from = period_year if year_from is None else year_from
        year_to = period_year if year_to is None else year_to
    years = _check_span(year_from, year_to)
    members = peer_group_units(group)
    order = {u.id: i for i, u in enumerate(members)}
    ids = list(order)
    if group.province_id:
        ids.append(group.province_id)
    if period in (None, "") and kind != PeriodKind.ANNUAL:
        latest = latest_period([indicator.code], unit_ids=list(order), year=years[-1], kind=kind)
        n = latest.n if latest is not None else n
    values = current_values(indicator, unit_ids=ids, years=years, period_kind=kind, period_n=n)
    figures = values[values["unit_id"].isin(order.keys())].assign(order=lambda f: f["unit_id"].map(order))
    if figures.empty:
        raise NotFound(
            f"{years[0]}—{years[-1]}年{group.name}没有{indicator.name}数据：请先导入数据，或换一个指标或年份范围。", code="no_data")
    higher = indicator.higher_is_better
    is_rate = indicator.value_kind in (ValueKind.RATE, ValueKind.RATIO)
    shares_apply = indicator.additive and indicator.value_kind in (ValueKind.LEVEL, ValueKind.COUNT)

    # Every member in every year, so the ranking tables list a member without a figure (unranked).
    grid = pd.DataFrame([(u.id, u.code, u.name, i) for i, u in enumerate(members)],
                        columns=["unit_id", "unit_code", "unit_name", "order"]).merge(pd.DataFrame({"year": years}),
                                                                                      how="cross")
    figures = grid.merge(figures.drop(columns=["unit_code", "unit_name", "order"]), on=["unit_id", "year"], how="left")
    figures["is_synthetic"] = figures["is_synthetic"].fillna(False).astype(bool)
    minimum = group.min_reporting
    ranked = calc.rank_by_year(figures, higher, minimum)
    by_year = calc.neighbours(ranked, unit.code, years, higher, with_ratio=not is_rate)
    province_rows = values[values["unit_id"] == group.province_id] if group.province_id else values.iloc[0:0]
    by_year["province_value"] = by_year["year"].map(province_rows.set_index("year")["value"])
    share_labels: dict[str, str] = {}
    if shares_apply:
        ranked["share_of_group_pct"] = share_of_group_sum_pct(ranked, "value", ["year"], minimum)
        focus_shares = ranked.loc[ranked["unit_code"] == unit.code, ["year", "share_of_group_pct"]]
        by_year = by_year.merge(focus_shares, on="year", how="left")
        by_year["share_of_province_pct"] = share_of_parent_pct(
            by_year, province_rows[["year", "value"]], "value", ["year"])
        share_labels["share_of_group_pct"] = f"占{group.name}中有数据单位合计的比重"
        if group.province:
            share_labels["share_of_province_pct"] = f"占{group.province.name}公布数的比重"
    else:
        ranked["share_of_group_pct"] = float("nan")
        by_year["share_of_group_pct"] = float("nan")
        by_year["share_of_province_pct"] = float("nan")

    labels = {y: Period(y, kind, n).label for y in years}
    span_label = _span_label(years, kind, n)
    missing = {int(y): list(g["unit_name"]) for y, g in ranked[ranked["value"].isna()].groupby("year")}
    scope, noun = _group_wording(group, members)
    province_has_share = shares_apply and by_year["share_of_province_pct"].notna().any()
    share_column = ("share_of_province_pct" if province_has_share else "share_of_group_pct") if shares_apply else None
    share_label = (f"占{scope or group.province.name}的比重" if province_has_share and group.province
                   else f"占{scope}{noun}合计的比重")
    trend = {
        "share": calc.share_trend(by_year[share_column]) if share_column else None,
        "share_basis": share_column,
        "gap_ahead": calc.gap_trend(by_year["ahead_gap"]),
        "gap_behind": calc.gap_trend(by_year["behind_gap"]),
    }
    latest = by_year.dropna(subset=["value"]).tail(1)
    # When the unit's latest figure cannot be ranked here, say where this indicator can be compared.
    elsewhere = (groups_with_data(indicator, int(latest["year"].iloc[0]), kind, n, exclude=group)
                 if not latest.empty and not bool(latest["ranked"].iloc[0]) else [])
    used = pd.concat([figures.dropna(subset=["value"]), province_rows], ignore_index=True)
    synthetic = bool(used["is_synthetic"].any())
    ctx = calc.NarrativeContext(
        unit_name=unit.name, indicator_name=indicator.name, measure_unit=indicator.measure_unit,
        decimals=indicator.decimals, is_rate=is_rate, scope=scope, noun=noun, group_size=len(members),
        period_labels=labels, span_label=span_label, missing=missing, share_column=share_column,
        share_label=share_label, synthetic=synthetic, province_name=group.province.name if group.province else "",
        min_reporting=minimum, groups_with_data=[f"{g['name']}（{g['reported']}/{g['size']}个成员有数据）"
                                                 for g in elsewhere],
    )
    release_labels = dict(Release.choices)
    return BenchmarkResult(
        unit=unit, group=group, indicator=indicator, period_kind=kind, period_n=n, years=years,
        by_year=by_year, ranking=ranked, trend=trend, narrative=calc.narrative(by_year, ctx),
        period_labels=labels, span_label=span_label, group_size=len(members), shares_apply=shares_apply,
        share_labels=share_labels, sources=sorted(used["source"].dropna().unique().tolist()),
        gap_sources=_gap_sources(ranked, by_year, unit.code),
        releases=[{"code": r, "label": str(release_labels.get(r, r))} for r in sorted(used["release"].unique())],
        synthetic=synthetic, missing=missing, groups_with_data=elsewhere,
        province_column=f"占{scope if group.province and scope else '上级'}%",
    )


def groups_with_data(indicator: Indicator, year: int, kind: PeriodKind, n: int,
                     exclude: PeerGroup | None = None) -> list[dict[str, Any]]:
    """Peer groups with enough members (`ranking_applies`) reporting `indicator` for one period: code,
    name, reported and size, in the groups' order. Two queries, whatever the number of groups."""
    from newind.indicators.models import Observation
    from newind.units.models import PeerGroupMember

    members = list(PeerGroupMember.objects.exclude(group=exclude).values_list(
        "group_id", "group__code", "group__name", "group__min_reporting", "unit_id").order_by("group_id"))
    with_figure = set(Observation.objects.filter(
        indicator=indicator, year=year, period_kind=kind.value, period_n=n, is_current=True,
        unit_id__in={m[4] for m in members}).values_list("unit_id", flat=True))
    groups: dict[int, dict[str, Any]] = {}
    for group_id, code, name, minimum, unit_id in members:
        g = groups.setdefault(group_id, {"code": code, "name": name, "reported": 0, "size": 0, "min": minimum})
        g["size"] += 1
        g["reported"] += unit_id in with_figure
    return [{k: v for k, v in g.items() if k != "min"} for g in groups.values()
            if ranking_applies(g["reported"], g["min"])]


def _gap_sources(ranked: pd.DataFrame, by_year: pd.DataFrame, unit_code: str) -> list[str]:
    """Distinct sources of the figures a gap is made of: the unit's own and its neighbours' each year."""
    pairs = pd.concat([
        by_year[["year"]].assign(unit_code=unit_code),
        by_year[["year", "ahead_code"]].rename(columns={"ahead_code": "unit_code"}),
        by_year[["year", "behind_code"]].rename(columns={"behind_code": "unit_code"}),
    ]).dropna()
    used = ranked.merge(pairs, on=["year", "unit_code"])
    return sorted(used["source"].dropna().unique().tolist())


def _span_label(years: list[int], kind: PeriodKind, n: int) -> str:
    head = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    if kind == PeriodKind.ANNUAL:
        return head
    return head + ("各年" if len(years) > 1 else "") + Period(years[0], kind, n).short_label


def selector_options(group_code: str) -> dict[str, Any]:
    """What the page's selectors offer: every peer group, the chosen group's members, and the indicators
    that have current figures for that group (all indicators when the group has none yet).

    Each indicator says for how many members it has figures (the most in any one period) and whether
    that is enough to rank (`ranking_applies` with the group's minimum); ranked ones come first.
    """
    from django.db.models import Count

    from newind.indicators.models import Observation

    groups = [{"code": g.code, "name": g.name} for g in PeerGroup.objects.order_by("id")]
    group = PeerGroup.objects.filter(code=group_code).first()
    members = peer_group_units(group) if group else []
    reporting: dict[int, int] = {}
    if members:
        per_period = (Observation.objects.filter(unit_id__in=[u.id for u in members], is_current=True)
                      .values("indicator_id", "year", "period_kind", "period_n")
                      .annotate(units=Count("unit_id", distinct=True)).values_list("indicator_id", "units"))
        for indicator_id, units in per_period:
            reporting[indicator_id] = max(units, reporting.get(indicator_id, 0))
    minimum = group.min_reporting if group else MIN_REPORTING
    indicators = []
    for i in Indicator.objects.order_by("sort_order", "code"):
        if reporting and i.id not in reporting:
            continue
        n = reporting.get(i.id, 0)
        indicators.append({"code": i.code, "name": i.name, "measure_unit": i.measure_unit, "frequency": i.frequency,
                           "has_data": n > 0, "members_with_data": n, "group_size": len(members),
                           "rankable": bool(ranking_applies(n, minimum))})
    # Stable sort: the indicators that can be ranked first, each part in catalogue order.
    indicators.sort(key=lambda i: not i["rankable"])
    return {"groups": groups, "units": [{"code": u.code, "name": u.name} for u in members],
            "indicators": indicators, "min_reporting": minimum}
