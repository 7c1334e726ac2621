"""The monthly dispatch report's content, built once from the overview and rendered three ways.

Word, PDF and Excel all render this one `ReportContent`, so the three documents cannot disagree with
each other or with the dashboard (which reads the same `Overview`). The indicators' own sections (key
figures, the counties' and the parks' league tables) come first; then each installed domain's sections
(`newind.core.parts`: targets' 目标预警, the forecasts' 年底预测, …), and the report numbers them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from newind.core.office import office
from newind.core.parts import Chart, Column, Section, Table, cell, installed_parts
from newind.indicators.calc import MIN_REPORTING
from newind.indicators.sources import SourceLabel, source_labels, sources_text
from newind.reports import calc
from newind.reports.queries import Overview

__all__ = ["Chart", "Column", "ReportContent", "Section", "Table", "build_content"]

SYNTHETIC_MARK = "（示例数据）"
CHINESE_NUMERALS = "一二三四五六七八九十"


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


_v = cell


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
    ]
    for part in installed_parts():
        if part.report_sections is not None:
            sections += part.report_sections(overview, lambda extra: _note(overview, extra))
    _number(sections)
    return ReportContent(
        title=f"{overview.city_name}新型工业化月度调度通报",
        subtitle=f"（{period.label}）" + (SYNTHETIC_MARK if overview.is_synthetic else ""),
        headline=overview.headline_sentence(),
        sections=sections,
        issuer=office().office.name,
        date_text=f"{issued.year}年{issued.month}月{issued.day}日",
        is_synthetic=overview.is_synthetic,
        period_label=period.label,
        sources=source_labels(overview.sources),
        doc_number=calc.doc_number_text(doc_number),
    )


def _number(sections: list[Section]) -> None:
    """一、二、… before each heading, 表1/图1 … before each table's and chart's title, in document order."""
    tables = charts = 0
    for i, section in enumerate(sections):
        section.heading = f"{CHINESE_NUMERALS[i] if i < len(CHINESE_NUMERALS) else i + 1}、{section.heading}"
        for table in section.tables:
            tables += 1
            table.title = f"表{tables}  {table.title}"
        for chart in section.charts:
            charts += 1
            chart.title = f"图{charts}  {chart.title}"


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
        key="主要指标", title=f"{overview.city_name}主要工业指标完成情况（{overview.period.label}{basis}）",
        columns=[Column("指标"), Column("计量单位"), Column(f"{overview.period.short_label}累计", "number", None),
                 Column("同比增长（%）", "number", 1), Column("口径"), Column("全省位次"),
                 Column("目标完成（%）", "number", 1), Column("序时进度（%）", "number", 1),
                 Column("预警", "light")],
        rows=rows,
        note=_note(overview, "增速口径：可比价、公布数为统计部门公布的增速；名义为按现价计算的同比增长。"
                             "增速、比率目标不计完成百分比，列出实际与目标之差（个百分点）。"
                             f"全省位次为{office().peer_groups.province.label}中有数据者的位次；有数据的市州不足"
                             f"{_min_reporting(key, 'province_min_reporting')}个时不排位次（—）。"),
        row_decimals=[int(d) for d in key["decimals"]],
    )
    paragraphs = _key_sentences(overview)
    charts = []
    if with_charts and not overview.trend.empty:
        from newind.reports import charts as charts_mod

        charts.append(Chart("trend", f"{overview.city_name}与全省规模工业增加值累计增速",
                            charts_mod.trend_chart(overview.trend, overview.city_name),
                            _note(overview, "单位：%。")))
    return Section("主要指标完成情况", paragraphs, [table], charts)


def _key_sentences(overview: Overview) -> list[str]:
    out = list(overview.city_notes)  # why the city's figures are a roll-up, and what it cannot show
    key = overview.key.set_index("indicator_code")
    growth = key["growth_pct"].dropna()
    faster = [f"{key.at[c, 'indicator_name']}{'增长' if g >= 0 else '下降'}{abs(g):.1f}%"
              + ("（名义）" if key.at[c, "growth_basis"] == calc.BASIS_NOMINAL else "")
              for c, g in growth.items() if c != office().headline_indicators.headline]
    if faster:
        out.append("其他主要指标：" + "，".join(faster) + "。")
    for part in installed_parts():  # e.g. the targets' count of lights of the city's own targets
        if part.key_sentences is not None:
            out += part.key_sentences(overview)
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
    headline, second = office().headline_indicators.headline, office().headline_indicators.second
    name, unit, basis = _names(frame, headline)
    name2, unit2, basis2 = _names(frame, second)
    rows, _ = _league_rows(frame, headline, second if name2 != second else None)
    columns = [Column("位次"), Column("单位"), Column("代码", "code"), Column(f"{name}（{unit}）", "number"),
               Column(f"{name}增速（%，{basis or '—'}）", "number", 1)]
    if name2 != second:
        columns += [Column(f"{name2}（{unit2}）", "number"), Column(f"{name2}增速（%，{basis2 or '—'}）", "number", 1),
                    Column(f"{name2}增速位次")]
    columns += [Column("目标完成（%）", "number", 1), Column("预警", "light")]
    label = office().peer_groups.counties.label
    table = Table("县市区排名", f"{label}{name}增速排名（{overview.period.label}）", columns, rows,
                  _note(overview, "位次按增速从高到低排列，增速相同者并列；"
                                  f"有数据的单位不足{_min_reporting(frame)}个时不排名（—）。"))
    paragraphs = [_league_sentence(frame, label, name)]
    charts = []
    if with_charts and rows:
        from newind.reports import charts as charts_mod

        head = overview.headline
        city_growth = None if head is None else _v(head["growth_pct"])
        sub = frame[frame["indicator_code"] == headline]
        charts.append(Chart("league", f"{label}{name}累计增速",
                            charts_mod.league_chart(sub, overview.city_name, city_growth),  # type: ignore[arg-type]
                            _note(overview, "单位：%。")))
    return Section(f"{label}赛马排名", paragraphs, [table], charts)


def _min_reporting(frame: pd.DataFrame, column: str = "min_reporting") -> int:
    """The group's minimum of members with a figure before anything is ranked (as the ranks used it)."""
    values = frame[column].dropna() if column in frame.columns else pd.Series(dtype=float)
    return int(values.iloc[0]) if not values.empty else MIN_REPORTING


def _league_sentence(frame: pd.DataFrame, label: str, name: str, code: str = "") -> str:
    code = code or office().headline_indicators.headline
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
    headline, park = office().headline_indicators.headline, office().headline_indicators.park
    main = park if not frame[frame["indicator_code"] == park].empty else headline
    second = headline if main != headline else None
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
    table = Table("园区排名", f"{title_name}增长排名（{overview.period.label}）", columns, rows,
                  _note(overview, "位次按增长从高到低排列，增长相同者并列；名义增长按现价计算；"
                                  f"有数据的园区不足{_min_reporting(frame)}个时不排名（—）。"))
    return Section("园区发展情况", [_league_sentence(frame, "" if name.startswith("园区") else "园区", name, main)],
                   [table])


def _completion(completion_pct: object, by_points: object) -> object:
    """A level target's completion (a number, %); a rate or ratio target's actual against the target in
    points ("差 2.6 个百分点", text), never a completion % of a rate; None before there is a figure."""
    if isinstance(by_points, str) and by_points:
        return by_points
    return _v(completion_pct)
