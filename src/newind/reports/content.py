"""The monthly dispatch report's content, built once from the overview and rendered three ways.

Word, PDF and Excel all render this one `ReportContent`, so the three documents cannot disagree with
each other or with the dashboard (which reads the same `Overview`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from newind.core import numbers
from newind.indicators.calc import MIN_REPORTING
from newind.indicators.sources import SourceLabel, source_labels, sources_text
from newind.reports import calc
from newind.reports.queries import GROUP_LABELS, HEADLINE_INDICATOR, Overview

ISSUER = "岳阳市新型工业化领导小组办公室"
SYNTHETIC_MARK = "（示例数据）"
SECOND_INDICATOR = "industrial_investment"
PARK_INDICATOR = "park_tgm_income"


@dataclass
class Column:
    title: str
    kind: str = "text"  # text | number | code | light
    decimals: int | None = 2  # None: each row's own precision (Table.row_decimals)


@dataclass
class Table:
    key: str  # the sheet name in the workbook
    title: str
    columns: list[Column]
    rows: list[list[object]]
    note: str
    row_decimals: list[int] | None = None

    def decimals(self, row_index: int, column: Column) -> int:
        """Display decimals of one cell: the column's, or the row's own (an indicator's precision)."""
        if column.decimals is not None:
            return column.decimals
        return self.row_decimals[row_index] if self.row_decimals else 2


@dataclass
class Chart:
    key: str
    title: str
    png: bytes
    note: str


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportContent:
    title: str
    subtitle: str
    headline: str
    sections: list[Section]
    issuer: str
    date_text: str
    is_synthetic: bool
    period_label: str
    sources: list[SourceLabel] = field(default_factory=list)  # for the 数据来源说明 after the date
    doc_number: str = ""  # 发文字号 under the masthead, e.g. 岳新工办〔2017〕12号 ("" for none)

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def source_notes(self) -> list[str]:
        """The 数据来源说明 after the date: each label with its note (the stored text when it has none)."""
        return [f"{s.label}：{s.note or '原始记录：' + '；'.join(s.texts)}" for s in self.sources
                if s.note or any(t != s.label for t in s.texts)]


def _v(value: object) -> object:
    """A cell value: None for missing, plain Python numbers otherwise (no numpy or pandas scalars)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        return value.item()
    return value


def _note(overview: Overview, extra: str = "") -> str:
    sources = sources_text(overview.sources, "本平台数据库")
    text = f"时期：{overview.period.label}（1—N月累计）。来源：{sources}。{extra}"
    return text + (SYNTHETIC_MARK if overview.is_synthetic else "")


def build_content(overview: Overview, issued: dt.date | None = None, with_charts: bool = True,
                  doc_number: str = "") -> ReportContent:
    """Assemble the report from the overview: sentences, tables and charts, every figure with its unit,
    period and source; synthetic figures marked 示例数据. `issued` is the 成文日期 (today when not
    given) and `doc_number` the 发文字号 (normalised by calc.doc_number_text)."""
    period = overview.period
    issued = issued or timezone.localdate()  # Beijing time, not the server's UTC date
    sections = [
        _key_section(overview, with_charts),
        _league_section(overview, with_charts),
        _parks_section(overview),
        _warning_section(overview),
        _forecast_section(overview),
    ]
    return ReportContent(
        title=f"{overview.city_name}新型工业化月度调度通报",
        subtitle=f"（{period.label}）" + (SYNTHETIC_MARK if overview.is_synthetic else ""),
        headline=overview.headline_sentence(),
        sections=sections,
        issuer=ISSUER,
        date_text=f"{issued.year}年{issued.month}月{issued.day}日",
        is_synthetic=overview.is_synthetic,
        period_label=period.label,
        sources=source_labels(overview.sources),
        doc_number=calc.doc_number_text(doc_number),
    )


# --- sections ------------------------------------------------------------------------------------------

def _key_section(overview: Overview, with_charts: bool) -> Section:
    key = overview.key
    rows = []
    for r in key.itertuples(index=False):
        rows.append([
            r.indicator_name, r.measure_unit, _v(r.value), _v(r.growth_pct), r.growth_basis or "—",
            calc.rank_label(r.province_rank, r.province_tied, r.province_reported),
            _completion(r.completion_pct, r.vs_target_gap_text), _v(r.schedule_pct), _v(r.light),
        ])
    basis = f"，{overview.city_basis}" if overview.city_basis else ""
    table = Table(
        key="主要指标", title=f"表1  {overview.city_name}主要工业指标完成情况（{overview.period.label}{basis}）",
        columns=[Column("指标"), Column("计量单位"), Column(f"{overview.period.short_label}累计", "number", None),
                 Column("同比增长（%）", "number", 1), Column("口径"), Column("全省位次"),
                 Column("目标完成（%）", "number", 1), Column("序时进度（%）", "number", 1),
                 Column("预警", "light")],
        rows=rows,
        note=_note(overview, "增速口径：可比价、公布数为统计部门公布的增速；名义为按现价计算的同比增长。"
                             "增速、比率目标不计完成百分比，列出实际与目标之差（个百分点）。"
                             "全省位次为14个市州中有数据者的位次；有数据的市州不足"
                             f"{_min_reporting(key, 'province_min_reporting')}个时不排位次（—）。"),
        row_decimals=[int(d) for d in key["decimals"]],
    )
    paragraphs = _key_sentences(overview)
    charts = []
    if with_charts and not overview.trend.empty:
        from newind.reports import charts as charts_mod

        charts.append(Chart("trend", f"图1  {overview.city_name}与全省规模工业增加值累计增速",
                            charts_mod.trend_chart(overview.trend, overview.city_name),
                            _note(overview, "单位：%。")))
    return Section("一、主要指标完成情况", paragraphs, [table], charts)


def _key_sentences(overview: Overview) -> list[str]:
    out = list(overview.city_notes)  # why the city's figures are a roll-up, and what it cannot show
    key = overview.key.set_index("indicator_code")
    growth = key["growth_pct"].dropna()
    faster = [f"{key.at[c, 'indicator_name']}{'增长' if g >= 0 else '下降'}{abs(g):.1f}%"
              + ("（名义）" if key.at[c, "growth_basis"] == calc.BASIS_NOMINAL else "")
              for c, g in growth.items() if c != HEADLINE_INDICATOR]
    if faster:
        out.append("其他主要指标：" + "，".join(faster) + "。")
    progress = overview.progress
    if overview.targets_available and not progress.empty:
        own = progress[progress["unit_code"] == overview.city_code]
        counts = own["light"].value_counts()
        out.append(f"{overview.city_name}本级年度目标{len(own)}项（含硬指标、底线指标和奋斗目标）："
                   f"绿灯{int(counts.get('green', 0))}项、黄灯{int(counts.get('yellow', 0))}项、"
                   f"红灯{int(counts.get('red', 0))}项。表中预警为该指标各项目标中最严重的灯。")
    return out


def _league_rows(frame: pd.DataFrame, main: str, second: str | None) -> tuple[list[list[object]], list[str]]:
    a = frame[frame["indicator_code"] == main].set_index("unit_code")
    b = frame[frame["indicator_code"] == second].set_index("unit_code") if second else None
    a = a.sort_values(["rank", "member_order"], na_position="last")
    rows = []
    for code, r in a.iterrows():
        row = [calc.rank_label(r["rank"], r["tied"]), str(r["unit_name"]), str(code), _v(r["value"]),
               _v(r["growth_pct"])]
        if b is not None:
            br = b.loc[code] if code in b.index else None
            row += [_v(br["value"]) if br is not None else None, _v(br["growth_pct"]) if br is not None else None,
                    calc.rank_label(br["rank"], br["tied"]) if br is not None else "—"]
        row += [_completion(r["completion_pct"], r["vs_target_gap_text"]), _v(r["light"])]
        rows.append(row)
    return rows, [str(r) for r in a["unit_name"]]


def _names(frame: pd.DataFrame, code: str) -> tuple[str, str, str]:
    rows = frame[frame["indicator_code"] == code]
    if rows.empty:
        return code, "", ""
    r = rows.iloc[0]
    return str(r["indicator_name"]), str(r["measure_unit"]), str(r["growth_basis"] or "")


def _league_section(overview: Overview, with_charts: bool) -> Section:
    frame = overview.counties
    name, unit, basis = _names(frame, HEADLINE_INDICATOR)
    name2, unit2, basis2 = _names(frame, SECOND_INDICATOR)
    rows, _ = _league_rows(frame, HEADLINE_INDICATOR, SECOND_INDICATOR if name2 != SECOND_INDICATOR else None)
    columns = [Column("位次"), Column("单位"), Column("代码", "code"), Column(f"{name}（{unit}）", "number"),
               Column(f"{name}增速（%，{basis or '—'}）", "number", 1)]
    if name2 != SECOND_INDICATOR:
        columns += [Column(f"{name2}（{unit2}）", "number"), Column(f"{name2}增速（%，{basis2 or '—'}）", "number", 1),
                    Column(f"{name2}增速位次")]
    columns += [Column("目标完成（%）", "number", 1), Column("预警", "light")]
    label = GROUP_LABELS.get("yueyang-counties-zones", "县市区")
    table = Table("县市区排名", f"表2  {label}{name}增速排名（{overview.period.label}）", columns, rows,
                  _note(overview, "位次按增速从高到低排列，增速相同者并列；"
                                  f"有数据的单位不足{_min_reporting(frame)}个时不排名（—）。"))
    paragraphs = [_league_sentence(frame, label, name)]
    charts = []
    if with_charts and rows:
        from newind.reports import charts as charts_mod

        head = overview.headline
        city_growth = None if head is None else _v(head["growth_pct"])
        sub = frame[frame["indicator_code"] == HEADLINE_INDICATOR]
        charts.append(Chart("league", f"图2  {label}{name}累计增速",
                            charts_mod.league_chart(sub, overview.city_name, city_growth),  # type: ignore[arg-type]
                            _note(overview, "单位：%。")))
    return Section(f"二、{label}赛马排名", paragraphs, [table], charts)


def _min_reporting(frame: pd.DataFrame, column: str = "min_reporting") -> int:
    """The group's minimum of members with a figure before anything is ranked (as the ranks used it)."""
    values = frame[column].dropna() if column in frame.columns else pd.Series(dtype=float)
    return int(values.iloc[0]) if not values.empty else MIN_REPORTING


def _league_sentence(frame: pd.DataFrame, label: str, name: str, code: str = HEADLINE_INDICATOR) -> str:
    reported = frame[(frame["indicator_code"] == code) & frame["growth_pct"].notna()]
    sub = reported[reported["rank"].notna()]
    if sub.empty and not reported.empty:
        # Too few units have a figure to rank (`ranking_applies`): say who has one, and rank nobody.
        who = "、".join(f"{r.unit_name}（{r.growth_pct:.1f}%）" for r in reported.itertuples())
        return (f"本期{label}中只有{len(reported)}个单位有{name}增长数据：{who}；"
                f"不足{_min_reporting(reported)}个，不排名。")
    if sub.empty:
        return f"本期{label}尚无{name}数据。"
    sub = sub.sort_values("rank")
    top = "、".join(f"{r.unit_name}（{r.growth_pct:.1f}%）" for r in sub.head(3).itertuples())
    bottom = "、".join(f"{r.unit_name}（{r.growth_pct:.1f}%）" for r in sub.tail(3).itertuples())
    negative = sub[sub["growth_pct"] < 0]
    nominal = "（名义增长）" if (sub["growth_basis"] == calc.BASIS_NOMINAL).any() else ""
    text = f"{label}{name}增速{nominal}居前三位的是{top}；居后三位的是{bottom}。"
    if not negative.empty:
        text += "负增长的有" + "、".join(negative["unit_name"].astype(str)) + "。"
    return text


def _parks_section(overview: Overview) -> Section:
    frame = overview.parks
    main = PARK_INDICATOR if not frame[frame["indicator_code"] == PARK_INDICATOR].empty else HEADLINE_INDICATOR
    second = HEADLINE_INDICATOR if main != HEADLINE_INDICATOR else None
    name, unit, basis = _names(frame, main)
    rows, _ = _league_rows(frame, main, second)
    columns = [Column("位次"), Column("园区"), Column("代码", "code"), Column(f"{name}（{unit}）", "number"),
               Column(f"{name}增长（%，{basis or '—'}）", "number", 1)]
    if second:
        name2, unit2, basis2 = _names(frame, second)
        columns += [Column(f"{name2}（{unit2}）", "number"), Column(f"{name2}增速（%，{basis2 or '—'}）", "number", 1),
                    Column(f"{name2}增速位次")]
    columns += [Column("目标完成（%）", "number", 1), Column("预警", "light")]
    title_name = name if name.startswith("园区") else f"园区{name}"
    table = Table("园区排名", f"表3  {title_name}增长排名（{overview.period.label}）", columns, rows,
                  _note(overview, "位次按增长从高到低排列，增长相同者并列；名义增长按现价计算；"
                                  f"有数据的园区不足{_min_reporting(frame)}个时不排名（—）。"))
    return Section("三、园区发展情况", [_league_sentence(frame, "" if name.startswith("园区") else "园区", name, main)],
                   [table])


def _warning_section(overview: Overview) -> Section:
    if not overview.targets_available:
        return Section("四、目标预警", ["本平台尚未启用目标管理，本期无预警。"])
    if not overview.has_targets:
        return Section("四、目标预警", [f"{overview.period.year}年尚未下达年度目标，本期无预警。"])
    warnings = overview.warnings
    if warnings.empty:
        return Section("四、目标预警", [f"{overview.period.label}，各项年度目标均按序时推进，无红灯、黄灯。"])
    paragraphs = []
    for light, label in (("red", "红灯"), ("yellow", "黄灯")):
        part = warnings[warnings["light"] == light]
        if part.empty:
            continue
        # By unit, in the order of the most severe (the list is sorted by severity).
        by_unit = part.groupby("unit_name", sort=False)["indicator_name"].agg(
            lambda s: "、".join(dict.fromkeys(s)))
        items = "；".join(f"{unit}（{names}）" for unit, names in by_unit.items())
        paragraphs.append(f"亮{label}{len(part)}项，涉及{len(by_unit)}个单位：{items}。")
    if "change" in warnings.columns:
        new_red = warnings[warnings["change"] == "新亮红灯"]
        if not new_red.empty:
            paragraphs.append("本月新亮红灯：" + "、".join(
                f"{r.unit_name}{r.indicator_name}（{r.target_kind_label}）" for r in new_red.itertuples()) + "。")
    green = overview.turned_green
    if not green.empty:
        paragraphs.append("本月转绿：" + "、".join(
            f"{r.unit_name}{r.indicator_name}（{r.target_kind_label}）" for r in green.itertuples()) + "。")
    paragraphs.append("各项预警的目标、完成情况、序时进度和责任单位见表4。")
    rows = [[_v(r.light), r.unit_name, str(r.unit_code), r.indicator_name, r.target_kind_label,
             _target_text(r.target_value, r.target_type, r.measure_unit),
             _completion(r.completion_pct, r.vs_target_text), _v(r.schedule_pct),
             _v(r.gap_pts), r.responsible_unit_name or r.unit_name, getattr(r, "change", "") or "",
             r.light_reason or ""] for r in warnings.itertuples()]
    table = Table("目标预警", f"表4  目标预警清单（{overview.period.label}）",
                  [Column("预警", "light"), Column("单位"), Column("代码", "code"), Column("指标"), Column("目标类型"),
                   Column("年度目标"), Column("完成（%）", "number", 1), Column("序时进度（%）", "number", 1),
                   Column("差距（个百分点）", "number", 1), Column("责任单位"), Column("较上月"), Column("原因")],
                  rows, _note(overview, "按严重程度排序；红灯为严重滞后或预计完不成硬指标、底线指标；"
                                        "增速、比率目标列出实际与目标之差（个百分点），不计完成百分比。"))
    return Section("四、目标预警", paragraphs, [table])


def _completion(completion_pct: object, by_points: object) -> object:
    """A level target's completion (a number, %); a rate or ratio target's actual against the target in
    points ("差 2.6 个百分点", text), never a completion % of a rate; None before there is a figure."""
    if isinstance(by_points, str) and by_points:
        return by_points
    return _v(completion_pct)


def _target_text(value: object, target_type: object, measure_unit: object) -> str:
    if _v(value) is None:
        return "—"
    if str(target_type) in {"growth", "rate"}:
        return f"增长{calc.fmt_number(value, 1)}%"
    return f"{calc.fmt_number(value, 2)}{measure_unit}"


def _forecast_section(overview: Overview) -> Section:
    key = overview.key
    has = key["ye_forecast"].notna() if "ye_forecast" in key else pd.Series(False, index=key.index)
    if not overview.forecasts_available or not bool(has.any()):
        return Section("五、年底预测", ["本期暂无年底预测（预测模块尚未提供数据）。"])
    sub = key[has]
    rows = [[r.indicator_name, r.measure_unit, _v(r.value), _v(r.ye_forecast), _v(r.ye_lower), _v(r.ye_upper),
             r.ye_method_label or r.ye_method or "—", _v(r.ye_backtest_mape), _pct(r.ye_prob_hard), _v(r.light)]
            for r in sub.itertuples()]
    table = Table("年底预测", f"表5  {overview.city_name}主要指标年底预测（{overview.period.year}年）",
                  [Column("指标"), Column("计量单位"), Column(f"{overview.period.short_label}累计", "number", None),
                   Column("全年预测", "number", None), Column("预测下限", "number", None),
                   Column("预测上限", "number", None),
                   Column("预测方法"), Column("回测误差MAPE（%）", "number", 1),
                   Column("完成硬指标概率（%）", "number", 0), Column("预警", "light")],
                  rows, _note(overview, "预测区间为约80%的预测区间；方法为历年回测误差最小者。"),
                  row_decimals=[int(d) for d in sub["decimals"]])
    first = sub.iloc[0]
    decimals, unit = int(first["decimals"]), str(first["measure_unit"])
    # A missing end of an interval is "—" alone, never "—%" (core.numbers.fmt_range).
    text = (f"按{first['ye_method_label'] or first['ye_method']}预测，全年{first['indicator_name']}约"
            f"{calc.fmt_number(first['ye_forecast'], decimals, unit)}"
            f"（区间{numbers.fmt_range(first['ye_lower'], first['ye_upper'], decimals, unit)}）")
    if _v(first["ye_growth"]) is not None:
        text += (f"；全年累计增速预计{calc.fmt_number(first['ye_growth'], 1, '%')}（区间"
                 f"{numbers.fmt_range(first['ye_growth_lower'], first['ye_growth_upper'], 1, '%')}，"
                 f"{first['ye_growth_method_label']}）")
        if _v(first["ye_growth_prob_hard"]) is not None:
            text += f"，完成增速硬指标的概率约{float(first['ye_growth_prob_hard']) * 100:.0f}%"
    text += "。"
    return Section("五、年底预测", [text], [table])


def _pct(probability: object) -> object:
    """A probability (0–1) as a percentage for the table; None when not given."""
    value = _v(probability)
    return None if value is None else float(value) * 100  # type: ignore[arg-type]
