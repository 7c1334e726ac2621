"""Targets in the monthly overview, the report and the dashboard (newind.core.parts).

The overview gets every target's progress for the period and the warning list (red and yellow now, and
those green again, 转绿); each indicator's row in the key table and the league tables carries its most
severe target's light (`pick_target_rows`), so no row looks better than the warning list. The report gets
the 目标预警 section, the dashboard its warning card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from newind.core import numbers
from newind.core.parts import Column, DashboardCard, DomainPart, OverviewPart, Section, Table, cell
from newind.indicators.models import Indicator
from newind.targets.calc import LIGHT_LABELS, pick_target_rows
from newind.targets.queries import PROGRESS_COLUMNS, WARNING_EXTRA, target_progress, warning_list

NAME = "targets"
# What each overview row (key indicators, league tables) shows of its target.
ROW_COLUMNS = ["target_kind", "target_kind_label", "target_type", "target_value", "schedule_pct", "completion_pct",
               "gap_pts", "vs_target_text", "vs_target_gap_text", "light", "light_label", "light_reason",
               "responsible_unit_name"]
# The meeting-room screen has room for the most severe few; the rest are a click away and in the report.
SCREEN_WARNINGS = 6


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _on_levels(progress: pd.DataFrame) -> pd.DataFrame:
    """A growth target set on the growth indicator belongs to its level's row in the tables."""
    to_level = dict(Indicator.objects.exclude(growth_indicator="").values_list("growth_indicator", "code"))
    return progress.assign(indicator_code=progress["indicator_code"].map(lambda c: to_level.get(c, c)))


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    """Progress and lights of every target of the period's year, and the warning list."""
    progress = target_progress(period)
    if progress.empty:
        progress = _empty(PROGRESS_COLUMNS)
    # Reuse this period's progress (no second computation); without targets the list still carries the
    # other sources' lights (registered by higher apps: the projects' lights).
    listed = warning_list(period, current=progress).reset_index(drop=True)
    # Every column the sections and cards read is there, even where the list leaves one out.
    listed = listed.reindex(columns=list(dict.fromkeys([*listed.columns, *PROGRESS_COLUMNS, *WARNING_EXTRA])))
    lit = listed["light"].isin(["red", "yellow"])
    rows = pick_target_rows(_on_levels(progress)) if not progress.empty else progress
    return OverviewPart(
        frames={"progress": progress, "warnings": listed[lit].reset_index(drop=True),
                "turned_green": listed[~lit].reset_index(drop=True)},
        row_columns=rows.reindex(columns=["indicator_code", "unit_code", *ROW_COLUMNS]),
        columns=ROW_COLUMNS,
        is_synthetic=bool(progress["is_synthetic"].fillna(False).astype(bool).any()),
    )


def completion_cell(completion_pct: object, by_points: object) -> object:
    """A level target's completion (a number, %); a rate or ratio target's actual against the target in
    points ("差 2.6 个百分点", text), never a completion % of a rate; None before there is a figure."""
    if isinstance(by_points, str) and by_points:
        return by_points
    return cell(completion_pct)


def _target_text(value: object, target_type: object, measure_unit: object) -> str:
    if cell(value) is None:
        return "—"
    if str(target_type) in {"growth", "rate"}:
        return f"增长{numbers.fmt_number(value, 1)}%"
    return f"{numbers.fmt_number(value, 2)}{measure_unit}"


def key_sentences(overview: Any) -> list[str]:
    """How the city's own targets stand: how many, and how many of each light."""
    progress = overview.part_frame(NAME, "progress")
    if progress.empty:
        return []
    own = progress[progress["unit_code"] == overview.city_code]
    counts = own["light"].value_counts()
    return [f"{overview.city_name}本级年度目标{len(own)}项（含硬指标、底线指标和奋斗目标）："
            f"绿灯{int(counts.get('green', 0))}项、黄灯{int(counts.get('yellow', 0))}项、"
            f"红灯{int(counts.get('red', 0))}项。表中预警为该指标各项目标中最严重的灯。"]


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    """目标预警: the red and yellow lights by unit, what changed since last month, and their table."""
    heading = "目标预警"
    progress = overview.part_frame(NAME, "progress")
    warnings = overview.part_frame(NAME, "warnings")
    if progress.empty and warnings.empty and overview.part_frame(NAME, "turned_green").empty:
        return [Section(heading, [f"{overview.period.year}年尚未下达年度目标，本期无预警。"])]
    if warnings.empty:
        return [Section(heading, [f"{overview.period.label}，各项年度目标均按序时推进，无红灯、黄灯。"])]
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
    green = overview.part_frame(NAME, "turned_green")
    if not green.empty:
        paragraphs.append("本月转绿：" + "、".join(
            f"{r.unit_name}{r.indicator_name}（{r.target_kind_label}）" for r in green.itertuples()) + "。")
    paragraphs.append("各项预警的目标、完成情况、序时进度和责任单位见下表。")
    rows = [[cell(r.light), r.unit_name, str(r.unit_code), r.indicator_name, r.target_kind_label,
             _target_text(r.target_value, r.target_type, r.measure_unit),
             completion_cell(r.completion_pct, r.vs_target_text), cell(r.schedule_pct),
             cell(r.gap_pts), r.responsible_unit_name or r.unit_name, getattr(r, "change", "") or "",
             r.light_reason or ""] for r in warnings.itertuples()]
    table = Table("目标预警", f"目标预警清单（{overview.period.label}）",
                  [Column("预警", "light"), Column("单位"), Column("代码", "code"), Column("指标"), Column("目标类型"),
                   Column("年度目标"), Column("完成（%）", "number", 1), Column("序时进度（%）", "number", 1),
                   Column("差距（个百分点）", "number", 1), Column("责任单位"), Column("较上月"), Column("原因")],
                  rows, note("按严重程度排序；红灯为严重滞后或预计完不成硬指标、底线指标；"
                             "增速、比率目标列出实际与目标之差（个百分点），不计完成百分比。"))
    return [Section(heading, paragraphs, [table])]


def warning_items(warnings: pd.DataFrame) -> list[dict[str, Any]]:
    """The red and yellow lights, most severe first, with the responsible unit and what changed."""
    items = []
    for r in warnings.itertuples():
        if getattr(r, "target_type", "") == "project":  # another source's light (a project): its reason says it
            items.append({"light": r.light, "light_label": LIGHT_LABELS.get(str(r.light), ""), "unit": r.unit_name,
                          "indicator": r.indicator_name, "kind": r.target_kind_label, "vs_target": r.light_reason,
                          "completion": "—", "schedule": "—", "gap": "—",
                          "responsible": r.responsible_unit_name or r.unit_name,
                          "change": getattr(r, "change", "") or "", "reason": ""})
            continue
        items.append({
            "light": r.light, "light_label": LIGHT_LABELS.get(str(r.light), ""),
            "unit": r.unit_name, "indicator": r.indicator_name, "kind": r.target_kind_label,
            "vs_target": r.vs_target_text if isinstance(r.vs_target_text, str) else "",
            "completion": numbers.fmt_number(r.completion_pct, 1, "%"),
            "schedule": numbers.fmt_number(r.schedule_pct, 1, "%"),
            "gap": numbers.fmt_number(r.gap_pts, 1, " 个百分点"), "responsible": r.responsible_unit_name or r.unit_name,
            "change": getattr(r, "change", "") or "", "reason": r.light_reason or "",
        })
    return items


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    """The warning card: red and yellow lights (the most severe few on the meeting-room screen), 转绿."""
    warnings = warning_items(overview.part_frame(NAME, "warnings"))
    shown = warnings[:SCREEN_WARNINGS] if screen else warnings
    green = overview.part_frame(NAME, "turned_green")
    return [DashboardCard("targets/dashboard_warnings.html", {
        "has_targets": not overview.part_frame(NAME, "progress").empty or bool(warnings),
        "year": overview.period.year,
        "warnings": shown,
        "more_warnings": len(warnings) - len(shown),
        "turned_green": [f"{r.unit_name}{r.indicator_name}（{r.target_kind_label}）" for r in green.itertuples()],
    })]


PART = DomainPart(name=NAME, order=10, overview=overview_part, report_sections=report_sections,
                  dashboard_cards=dashboard_cards, key_sentences=key_sentences)
