"""The monthly overview: the ONE read that both the dispatch report and the leaders' dashboard show.

`monthly_overview(period)` loads every current monthly figure of the period (and of the same period
last year) for the city, its 13 counties/zones, its parks, the 14 市州 and the province in one query,
then computes growth, ranks and the comparison with the province. Each installed domain adds its part
(`newind.core.parts`: targets' progress, lights and warnings, the forecasts, and what comes next), read
once here and joined onto the rows by (indicator, unit). Ranks and lights are never computed anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from newind.core.errors import NotFound
from newind.core.office import office
from newind.core.parts import OverviewPart, installed_parts
from newind.indicators import periods
from newind.indicators.models import Frequency, Indicator, Observation
from newind.indicators.periods import Period, PeriodKind
from newind.indicators.queries import (
    office_month,
    office_months,
    period_frame,
)
from newind.reports import calc
from newind.units.models import PeerGroupMember, Unit, UnitKind

# The units under the city whose published levels add up to it (along the admin hierarchy) while the
# statistics bureau's own city figure has not arrived: the counties and the functional zones.
ROLLUP_KINDS = (UnitKind.COUNTY, UnitKind.ZONE)
# The city, the province, the peer groups and the headline indicator are the office's identity:
# definitions/office.yaml, read through newind.core.office.office().
# What the key table, the league tables and the cards show of the domains' row columns (a target's light,
# a year-end forecast): there, empty, when no installed domain gives them.
SHOWN_PART_COLUMNS = ["target_kind", "target_kind_label", "target_type", "target_value", "schedule_pct",
                      "completion_pct", "gap_pts", "vs_target_text", "vs_target_gap_text", "light", "light_label",
                      "light_reason", "responsible_unit_name", "ye_forecast", "ye_lower", "ye_upper", "ye_method",
                      "ye_method_label", "ye_backtest_mape", "ye_prob_hard", "ye_growth", "ye_growth_lower",
                      "ye_growth_upper", "ye_growth_method_label", "ye_growth_prob_hard"]


@dataclass
class Overview:
    """Everything the monthly report and the dashboard show for one period (frames, already ranked)."""

    period: Period
    city_code: str
    city_name: str
    # One row per key indicator of the city: value, growth (+ basis), province rank/difference, target,
    # light and forecast.
    key: pd.DataFrame
    # League tables: one row per unit × indicator of the group, with rank_by/rank/tied/reported.
    counties: pd.DataFrame
    parks: pd.DataFrame
    # The headline growth by period for the city and the province (this year and last), for the charts.
    trend: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    is_synthetic: bool = False
    # Set when the city has no own figure for the period and `key` is the roll-up of its units' published
    # levels: '县市区汇总（13个单位中的1个）', and what that roll-up cannot show and why.
    city_basis: str = ""
    city_notes: list[str] = field(default_factory=list)
    # Each installed domain's part of the overview (newind.core.parts), by the part's name.
    parts: dict[str, OverviewPart] = field(default_factory=dict)

    def part_frame(self, name: str, key: str) -> pd.DataFrame:
        """A frame of one domain's part ('targets', 'warnings'); empty when that domain is not installed."""
        part = self.parts.get(name)
        frame = part.frames.get(key) if part is not None else None
        return frame if frame is not None else pd.DataFrame()

    # The overview API's (and older callers') names for the targets' and the forecasts' frames.
    @property
    def progress(self) -> pd.DataFrame:
        return self.part_frame("targets", "progress")

    @property
    def warnings(self) -> pd.DataFrame:
        """Red and yellow lights, most severe first, with the change since last month."""
        return self.part_frame("targets", "warnings")

    @property
    def turned_green(self) -> pd.DataFrame:
        """Targets lit last month that are green now (转绿)."""
        return self.part_frame("targets", "turned_green")

    @property
    def forecasts(self) -> pd.DataFrame:
        return self.part_frame("forecasts", "forecasts")

    @property
    def headline(self) -> pd.Series | None:
        rows = self.key[self.key["indicator_code"] == office().headline_indicators.headline]
        return None if rows.empty else rows.iloc[0]

    @property
    def red(self) -> pd.DataFrame:
        return self.warnings[self.warnings["light"] == "red"] if not self.warnings.empty else self.warnings

    @property
    def yellow(self) -> pd.DataFrame:
        return self.warnings[self.warnings["light"] == "yellow"] if not self.warnings.empty else self.warnings

    def headline_sentence(self) -> str:
        """The report's opening sentence from the headline row (the same numbers the tables show)."""
        row = self.headline
        if row is None:
            return f"{self.period.short_label}，{self.city_name}暂无规模工业增加值数据。"
        return calc.headline_sentence(
            self.period.short_label, str(row["indicator_name"]), _opt(row["value"]), str(row["measure_unit"]),
            int(row["decimals"]), _opt(row["growth_pct"]), str(row["growth_basis"]), _opt(row["province_diff_pp"]),
            _opt_int(row["province_rank"]), bool(row["province_tied"]) if _opt_int(row["province_rank"]) else False,
            region=self.city_basis or "全市",
        )


def _opt(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type, call-overload]


def _opt_int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type, call-overload]


# --- periods -------------------------------------------------------------------------------------------

def available_periods(city_code: str | None = None) -> list[Period]:
    """Monthly periods with a figure of the headline indicator for the city, or for one of the units it is
    rolled up from (then the overview shows their 县市区汇总), newest first (`indicators.queries.office_months`)."""
    return office_months(city_code)


def overview_period(text: str | None, city_code: str | None = None) -> Period:
    """The period asked for ('2017-03'), or the office's latest month; an AppError when there is none
    (`indicators.periods.resolve_period`, the one rule of every page's default month)."""
    return periods.resolve_period(text, office_month(city_code), kind=PeriodKind.MONTH_CUM,
                                  what="全市月度数据（规模工业增加值等）")


# --- the overview --------------------------------------------------------------------------------------

def _indicator_meta() -> pd.DataFrame:
    rows = list(Indicator.objects.filter(frequency=Frequency.MONTHLY).values(
        "code", "name", "measure_unit", "direction", "value_kind", "growth_indicator", "decimals", "price_basis",
        "sort_order", "source_department"))
    meta = pd.DataFrame(rows, columns=["code", "name", "measure_unit", "direction", "value_kind",
                                       "growth_indicator", "decimals", "price_basis", "sort_order",
                                       "source_department"])
    meta = meta.rename(columns={"code": "indicator_code", "name": "indicator_name"})
    meta["higher_is_better"] = meta["direction"] != "lower"
    return meta


def _group_members() -> pd.DataFrame:
    groups = office().peer_groups
    rows = list(PeerGroupMember.objects.filter(group__code__in=[groups.counties.code, groups.parks.code,
                                                                groups.province.code])
                .values_list("group__code", "unit__code", "sort_order", "group__min_reporting"))
    return pd.DataFrame(rows, columns=["group_code", "unit_code", "member_order", "min_reporting"])


def _observations(period: Period, unit_codes: list[str], indicator_codes: list[str]) -> pd.DataFrame:
    """Current figures of the period and the same period last year (`indicators.queries.period_frame`)."""
    frame = period_frame(period, unit_codes=unit_codes, indicator_codes=indicator_codes)
    return frame[["indicator_code", "unit_code", "unit_name", "year", "value", "source", "is_synthetic"]]


def _trend(period: Period, growth_code: str) -> pd.DataFrame:
    """The headline growth for the city and the province, every month of this year and last, up to the period."""
    city_code, province_code = office().city.code, office().province.code
    rows = list(Observation.objects.filter(
        is_current=True, period_kind=period.kind.value, year__in=[period.year - 1, period.year],
        unit__code__in=[city_code, province_code], indicator__code=growth_code,
    ).values_list("unit__code", "year", "period_n", "value", "is_synthetic"))
    frame = pd.DataFrame(rows, columns=["unit_code", "year", "period_n", "value", "is_synthetic"])
    frame["value"] = frame["value"].astype(float)
    frame = frame[(frame["year"] < period.year) | (frame["period_n"] <= period.n)]
    wide = frame.pivot_table(index=["year", "period_n"], columns="unit_code", values="value").reset_index()
    for code in (city_code, province_code):
        if code not in wide.columns:
            wide[code] = float("nan")
    wide = wide.rename(columns={city_code: "city", province_code: "province"})
    wide["period_label"] = [Period.month(int(y), int(n)).label for y, n in zip(wide["year"], wide["period_n"],
                                                                               strict=True)]
    wide.columns.name = None
    return wide[["year", "period_n", "period_label", "city", "province"]].sort_values(["year", "period_n"])


def monthly_overview(period: Period, city_code: str | None = None, user: object = None) -> Overview:
    """Compute the month's overview (see module docstring). One query for the figures, vectorised after;
    then each installed domain's part (`user` is who asks, None for the CLI and jobs)."""
    ident = office()
    city_code = city_code or ident.city.code
    province_code, groups = ident.province.code, ident.peer_groups
    headline = ident.headline_indicators.headline
    meta = _indicator_meta()
    members = _group_members()
    city = Unit.objects.filter(code=city_code).values_list("name", flat=True).first()
    if city is None:
        raise NotFound(f"未找到单位「{city_code}」：平台的参考单位数据尚未加载，请联系平台运维人员。")
    unit_codes = sorted({city_code, province_code, *members["unit_code"]})
    obs = _observations(period, unit_codes, meta["indicator_code"].tolist())
    rollup = None
    if obs[(obs["unit_code"] == city_code) & (obs["year"] == period.year)].empty:
        # No figure of the statistics bureau yet: the city is the sum of what its units published.
        rollup = city_rollup(period, city_code, city, meta)
        replaced = (obs["unit_code"] == city_code) & obs["indicator_code"].isin(rollup.rows["indicator_code"])
        obs = pd.concat([obs[~replaced], rollup.rows], ignore_index=True)
        # A partial sum is not the city: it is neither ranked among the 市州 nor compared with the province.
        members = members[~((members["group_code"] == groups.province.code) & (members["unit_code"] == city_code))]

    growth_codes = set(meta["growth_indicator"].replace("", pd.NA).dropna())
    level_meta = meta[~meta["indicator_code"].isin(growth_codes)]
    to_level = {g: lvl for lvl, g in zip(meta["indicator_code"], meta["growth_indicator"], strict=True) if g}
    cur = obs[obs["year"] == period.year]
    reported = cur[cur["indicator_code"].isin(growth_codes)].assign(
        growth_reported=lambda f: f["value"],
        indicator_code=lambda f: f["indicator_code"].map(to_level),
    )
    reported = reported.merge(meta[["indicator_code", "growth_indicator"]], on="indicator_code", how="left")
    growth_basis = meta.set_index("indicator_code")["price_basis"]
    reported["growth_price_basis"] = reported["growth_indicator"].map(growth_basis)
    levels = cur[cur["indicator_code"].isin(level_meta["indicator_code"])]
    # A level may be missing for units that only publish the growth rate (the other 市州): keep them.
    only_growth = reported[["indicator_code", "unit_code", "unit_name", "source", "is_synthetic"]].merge(
        levels[["indicator_code", "unit_code"]], on=["indicator_code", "unit_code"], how="left", indicator=True)
    only_growth = only_growth[only_growth["_merge"] == "left_only"].drop(columns="_merge").assign(value=float("nan"))
    levels = pd.concat([levels.drop(columns="year"), only_growth], ignore_index=True)
    last = obs[(obs["year"] == period.year - 1) & obs["indicator_code"].isin(level_meta["indicator_code"])]
    figures = calc.attach_growth(levels, last, reported, meta)
    figures = figures.merge(level_meta[["indicator_code", "indicator_name", "measure_unit", "decimals",
                                        "higher_is_better", "sort_order", "source_department"]],
                            on="indicator_code", how="inner")
    figures["period_label"] = period.label

    ranked = calc.league_ranks(figures.merge(members, on="unit_code", how="inner"), ["group_code"])
    ranked = ranked.sort_values(["group_code", "sort_order", "member_order"]).reset_index(drop=True)

    parts = {part.name: part.overview(period, user, city_code) for part in installed_parts() if part.overview}

    key = _key_table(figures, ranked, city_code, parts)
    labels = rollup.labels if rollup else {}
    key["city_basis"] = [labels.get(str(c), "") for c in key["indicator_code"]]
    if rollup is not None:
        key["province_diff_pp"] = float("nan")
    counties = _attach_parts(ranked[ranked["group_code"] == groups.counties.code], parts)
    parks = _attach_parts(ranked[ranked["group_code"] == groups.parks.code], parts)
    headline_growth = meta.set_index("indicator_code")["growth_indicator"].get(headline, "")
    trend = _trend(period, headline_growth or headline)

    shown = pd.concat([figures[figures["unit_code"].isin([city_code, province_code])],
                       counties, parks], ignore_index=True)
    sources = sorted(set(shown["source"].dropna().astype(str)))
    sources = sorted(set(sources).union(*(p.sources for p in parts.values())))
    synthetic = bool(shown["is_synthetic"].fillna(False).astype(bool).any()) or any(
        p.is_synthetic for p in parts.values())
    return Overview(period=period, city_code=city_code, city_name=city, key=key, counties=counties, parks=parks,
                    trend=trend, sources=sources, is_synthetic=synthetic, parts=parts,
                    city_basis=rollup.label if rollup else "", city_notes=rollup.notes if rollup else [])


# --- the city as the roll-up of its units --------------------------------------------------------------

@dataclass
class CityRollup:
    """The city's figures summed from its units' published levels, as observation rows (both years)."""

    rows: pd.DataFrame
    label: str  # 县市区汇总（13个单位中的1个）
    labels: dict[str, str]  # per indicator: how many units its own sum covers
    notes: list[str]


def rollup_units(city_code: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the counties and zones directly under the city in the admin hierarchy."""
    city_code = city_code or office().city.code
    rows = (Unit.objects.filter(parent_links__hierarchy__code="admin", parent_links__parent__code=city_code,
                                kind__in=[str(k) for k in ROLLUP_KINDS])
            .order_by("sort_order", "code").values_list("code", "name"))
    return list(rows)


def city_rollup(period: Period, city_code: str, city_name: str, meta: pd.DataFrame) -> CityRollup:
    """Sum the additive levels the city's counties and zones published for the period (one price basis
    each; last year's base from the same units), or raise an AppError saying exactly why it cannot."""
    units = rollup_units(city_code)
    names = dict(units)
    total = len(units)
    none_yet = f"{period.label}{city_name}没有任何月度数据：市统计局的全市数据尚未导入"
    if not units:
        raise NotFound(f"{none_yet}，{city_name}下也没有可以汇总的县市区：请换一个时期，或先导入该期全市数据。")
    additive = set(Indicator.objects.filter(additive=True, value_kind__in=list(calc.NOMINAL_GROWTH_KINDS))
                   .values_list("code", flat=True))
    rows = list(Observation.objects.filter(
        is_current=True, period_kind=period.kind.value, period_n=period.n, year__in=[period.year, period.year - 1],
        unit__code__in=list(names), indicator__code__in=meta["indicator_code"].tolist(),
    ).values_list("indicator__code", "unit__code", "year", "value", "price_basis", "is_synthetic"))
    values = pd.DataFrame(rows, columns=["indicator_code", "unit_code", "year", "value", "price_basis",
                                         "is_synthetic"])
    values["value"] = values["value"].astype(float)
    published = values[values["year"] == period.year]
    if published.empty:
        raise NotFound(f"{none_yet}，{total}个县市区也都还没有发布该期数据，没有可以汇总的数：请换一个时期，"
                       "或等各县市区报表发布（或导入全市数据）后再看。")
    indicator_names = dict(zip(meta["indicator_code"], meta["indicator_name"], strict=True))
    not_additive = sorted(set(published["indicator_code"]) - additive, key=list(indicator_names).index)
    summed, skipped = calc.roll_up_levels(values[values["indicator_code"].isin(additive)], period.year)
    current = summed[summed["year"] == period.year]
    reasons = [f"「{indicator_names[c]}」{why}" for c, why in skipped.items()]
    if not_additive:
        reasons.append("、".join(f"「{indicator_names[c]}」" for c in not_additive)
                       + "是增速或比率，不能由各单位的数加总")
    reporters = sorted(set(published["unit_code"]), key=list(names).index)
    if current.empty:
        raise NotFound(f"{none_yet}；已发布该期数据的{len(reporters)}个县市区（{'、'.join(names[c] for c in reporters)}）"
                       f"没有可以加总的总量指标：{'；'.join(reasons)}。请等待市统计局的全市数据，或先导入该期数据。")
    label = calc.rollup_label(len(reporters), total)
    source = f"{label}：{'、'.join(names[c] for c in reporters)}已发布的数据"
    frame = summed.assign(unit_code=city_code, unit_name=city_name, source=source)
    labels = {str(r.indicator_code): calc.rollup_label(int(r.units), total) for r in current.itertuples()}
    notes = [f"市统计局{period.label}的全市数据尚未导入，全市数暂按{source}（可加总的总量指标，沿行政区划相加）显示，"
             "不参与全省市州排名和比较，全市数据导入后自动替换。"]
    if reasons:
        notes.append("以下指标暂无全市数：" + "；".join(reasons) + "，待市统计局公布全市数据后显示。")
    based = set(summed.loc[summed["year"] == period.year - 1, "indicator_code"])
    if based:
        notes.append("汇总数的同比增长为名义增长，以同一批单位的上年同期数为基数；可比价增速以统计部门公布数为准。")
    return CityRollup(rows=frame[["indicator_code", "unit_code", "unit_name", "year", "value", "source",
                                  "is_synthetic"]], label=label, labels=labels, notes=notes)


def _key_table(figures: pd.DataFrame, ranked: pd.DataFrame, city_code: str,
               parts: dict[str, OverviewPart]) -> pd.DataFrame:
    key = figures[figures["unit_code"] == city_code].copy()
    province_code, province_group = office().province.code, office().peer_groups.province.code
    province = figures[figures["unit_code"] == province_code][["indicator_code", "growth_pct"]].rename(
        columns={"growth_pct": "province_growth_pct"})
    key = key.merge(province, on="indicator_code", how="left")
    in_province = ranked[(ranked["group_code"] == province_group) & (ranked["unit_code"] == city_code)]
    in_province = in_province[["indicator_code", "rank", "tied", "reported", "rank_by", "ranked",
                               "min_reporting"]].rename(columns={
        "rank": "province_rank", "tied": "province_tied", "reported": "province_reported",
        "rank_by": "province_rank_by", "ranked": "province_ranked", "min_reporting": "province_min_reporting"})
    key = key.merge(in_province, on="indicator_code", how="left")
    # league_ranks already gives no rank where too few 市州 reported (`ranking_applies`); the count of
    # 市州 with a figure is kept so the card and the table can say how many reported.
    key["province_tied"] = key["province_tied"].astype("boolean").fillna(False).astype(bool)
    key["province_ranked"] = key["province_ranked"].astype("boolean").fillna(False).astype(bool)
    key["province_diff_pp"] = [calc.difference_pp(a, b) for a, b in
                               zip(key["growth_pct"], key["province_growth_pct"], strict=True)]
    key["province_diff_pp"] = key["province_diff_pp"].astype(float)
    key = _attach_parts(key, parts)
    return key.sort_values("sort_order").reset_index(drop=True)


def _attach_parts(frame: pd.DataFrame, parts: dict[str, OverviewPart]) -> pd.DataFrame:
    """Join each domain's row columns (a target's light, a forecast) by indicator and unit; the columns of
    a domain without rows for this frame are there, empty, so the documents and cards can read them."""
    out = frame.copy()
    for part in parts.values():
        rows = part.row_columns
        if rows is not None and not rows.empty:
            out = out.merge(rows.reindex(columns=["indicator_code", "unit_code", *part.columns]),
                            on=["indicator_code", "unit_code"], how="left")
    for col in [*(c for p in parts.values() for c in p.columns), *SHOWN_PART_COLUMNS]:
        if col not in out.columns:
            out[col] = pd.NA
    return out
