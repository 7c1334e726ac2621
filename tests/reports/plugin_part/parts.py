"""A domain that plugs in with this one file, as parks (亩均), assistance or projects will (newind.core.parts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from newind.core.parts import Column, DashboardCard, DomainPart, OverviewPart, Section, Table


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    # 亩均 scores of the city's headline row, and a frame of its own.
    scores = pd.DataFrame({"unit_code": ["430621", "430603"], "unit_name": ["岳阳县", "云溪区"], "score": [88.5, 91.0]})
    rows = pd.DataFrame({"indicator_code": ["industrial_va_above_size"], "unit_code": [city_code],
                         "mu_grade": ["A"]})
    return OverviewPart(frames={"scores": scores}, row_columns=rows, columns=["mu_grade"],
                        sources=["亩均评价（测试）"], is_synthetic=True)


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    scores = overview.part_frame("plugin", "scores")
    table = Table("亩均评价", f"亩均效益评价（{overview.period.label}）", [Column("单位"), Column("得分", "number", 1)],
                  [[r.unit_name, r.score] for r in scores.itertuples()], note("单位：分。"))
    return [Section("亩均效益评价", [f"本期评价{len(scores)}个单位。"], [table])]


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    return [DashboardCard("plugin_part/card.html", {"count": len(overview.part_frame("plugin", "scores"))})]


def key_sentences(overview: Any) -> list[str]:
    return ["亩均评价已覆盖2个单位。"]


PART = DomainPart(name="plugin", order=30, overview=overview_part, report_sections=report_sections,
                  dashboard_cards=dashboard_cards, key_sentences=key_sentences)
