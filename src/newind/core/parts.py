"""How a domain app plugs into the monthly overview, the leaders' dashboard and the monthly report.

An app adds one file, `<app>/parts.py`, holding `PART = DomainPart(...)`. Nothing else registers it: the
overview (`reports.queries.monthly_overview`), the report (`reports.content.build_content`) and the
dashboard ask `installed_parts()`, which finds the `PART` of every app in INSTALLED_APPS, in `order`.
An app that is not installed simply contributes nothing. Example (a park domain adding a section)::

    # newind/parks/parts.py
    from newind.core.parts import DomainPart, OverviewPart, Section

    def overview_part(period, user, city_code):
        return OverviewPart(frames={"results": parks_results(period)})

    def report_sections(overview, note):
        results = overview.part_frame("parks", "results")
        return [Section("亩均评价", [f"本期评价{len(results)}家企业。"])]

    PART = DomainPart(name="parks", order=30, overview=overview_part, report_sections=report_sections)

The hooks, each optional:
- `overview(period, user, city_code) -> OverviewPart`: the domain's frames for the period, read once per
  overview; `row_columns` (keyed by indicator_code and unit_code) are joined onto the key-indicator and
  league-table rows, so a card or a table row can show the domain's figure beside the indicator's. `user`
  is who asks (None for the CLI and jobs), for domains whose part depends on what that user may read.
- `report_sections(overview, note) -> list[Section]`: sections after the indicators' own, numbered by the
  report (一、二、… and 表1, 表2, …: give headings and titles without numbers); `note(extra)` is the
  report's standard note (period, sources, 示例数据).
- `key_sentences(overview) -> list[str]`: sentences after the key figures in the report's first section.
- `dashboard_cards(overview, screen) -> list[DashboardCard]`: cards in the dashboard's grid, each a
  template of the app with its context; `screen` is the meeting-room mode (less room).
  A card draws a bar chart as the dashboard's own are drawn (static/dashboard/dashboard.js): an element
  with an id and `data-part-chart="<json id>"`, beside `{{ series|json_script:"<json id>" }}` holding
  {names, values, unit, reference (optional)} (the projects' 赛马 chart, templates/projects/).

The building blocks of the report (Column, Table, Chart, Section) live here too, so a domain builds its
section without importing the reports app (reports sit above every domain: tests/core/test_layering.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# --- the report's building blocks (rendered by reports.word, reports.pdf and reports.excel) ----------


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


def cell(value: object) -> object:
    """A table cell's value: None for missing, plain Python numbers otherwise (no numpy or pandas scalars)."""
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


# --- the plug-in interface ------------------------------------------------------------------------------


@dataclass
class OverviewPart:
    """One domain's contribution to a period's overview.

    `frames`: named frames the domain's sections and cards (and the overview API) read back through
    `Overview.part_frame(name, key)`. `row_columns`: indicator_code, unit_code and the columns joined onto
    the overview's rows; `columns` names those columns so they exist (empty) when the domain has no rows.
    `sources` and `is_synthetic` join the report's 数据来源 and 示例数据 mark.
    """

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    row_columns: pd.DataFrame | None = None
    columns: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    is_synthetic: bool = False


@dataclass(frozen=True)
class DashboardCard:
    """A card of the dashboard's grid: the app's template and what it shows."""

    template: str
    context: dict[str, Any]


OverviewHook = Callable[[Any, Any, str], OverviewPart]
SectionsHook = Callable[[Any, Callable[[str], str]], list[Section]]
CardsHook = Callable[[Any, bool], list[DashboardCard]]
SentencesHook = Callable[[Any], list[str]]


@dataclass(frozen=True)
class DomainPart:
    """What one domain app adds (see the module docstring); `order` places it among the parts."""

    name: str
    order: int
    overview: OverviewHook | None = None
    report_sections: SectionsHook | None = None
    dashboard_cards: CardsHook | None = None
    key_sentences: SentencesHook | None = None


def app_modules(name: str, *, newind_only: bool = False) -> list[tuple[int, Any]]:
    """(app index, module) of every installed app that has a module `name` (e.g. "parts", "demo"), in
    INSTALLED_APPS order: how domains plug in by shipping one file (`newind_only`: the project's own apps).
    An app without the module is skipped; an import error inside a module that exists is raised."""
    from django.apps import apps

    found = []
    for index, config in enumerate(apps.get_app_configs()):
        if newind_only and not config.name.startswith("newind."):
            continue
        try:
            found.append((index, importlib.import_module(f"{config.name}.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return found


def installed_parts() -> list[DomainPart]:
    """The `PART` of every installed app that has a `parts` module, in `order` (then app order)."""
    found = []
    for index, module in app_modules("parts"):
        if module.__name__ == __name__:  # this module: the interface, not a part
            continue
        part = getattr(module, "PART", None)
        if not isinstance(part, DomainPart):
            raise TypeError(f"{module.__name__} must define PART = DomainPart(...)")
        found.append((part.order, index, part))
    return [part for _, _, part in sorted(found, key=lambda item: (item[0], item[1]))]
