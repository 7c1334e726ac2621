"""Domains plug in (newind.core.parts): the overview, the report and the dashboard compose whatever parts
are installed — a new domain adds one parts.py, and without the targets app there is no 目标预警 at all."""

from __future__ import annotations

import pytest
from django.test import modify_settings

from newind.core import parts as core_parts
from newind.indicators.periods import Period

PERIOD = Period.month(2017, 3)
PLUGIN = "tests.reports.plugin_part"


def _names() -> list[str]:
    return [p.name for p in core_parts.installed_parts()]


def test_the_parts_are_found_from_the_installed_apps_in_their_order():
    # targets (order 10), forecasts, 重大项目 (order 40), then 向上争取's dashboard card (order 60), the decisions'
    # section (70), the reform lists' progress (75) and the alerts' card (80)
    assert _names() == ["targets", "forecasts", "projects", "funding", "supervision", "reform", "accountability"]
    with modify_settings(INSTALLED_APPS={"append": PLUGIN}):
        assert _names() == ["targets", "forecasts", "plugin", "projects", "funding", "supervision", "reform",
                            "accountability"]
    with modify_settings(INSTALLED_APPS={"remove": "newind.forecasts"}):
        assert _names() == ["targets", "projects", "funding", "supervision", "reform", "accountability"]


def test_a_parts_module_without_a_part_is_refused(monkeypatch):
    import types

    fake = types.ModuleType("newind.targets.parts")
    monkeypatch.setitem(__import__("sys").modules, "newind.targets.parts", fake)
    with pytest.raises(TypeError, match="newind.targets.parts must define PART = DomainPart"):
        core_parts.installed_parts()


def test_a_new_domain_adds_its_section_row_columns_and_card(demo_figures, client_as):
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    with modify_settings(INSTALLED_APPS={"append": PLUGIN}):
        overview = monthly_overview(PERIOD)
        content = build_content(overview, with_charts=False)
        page = client_as("leader").get("/dashboard/?period=2017-03").content.decode()
    # Its frame and its column on the city's rows (empty on the rows it says nothing about).
    assert list(overview.part_frame("plugin", "scores")["unit_name"]) == ["岳阳县", "云溪区"]
    key = overview.key.set_index("indicator_code")
    assert key.at["industrial_va_above_size", "mu_grade"] == "A"
    assert key["mu_grade"].isna().sum() == len(key) - 1
    assert "亩均评价（测试）" in overview.sources and overview.is_synthetic
    # Its section comes after the targets' and the forecasts' (and before the projects', order 40), numbered
    # by the report, tables too.
    assert [s.heading for s in content.sections] == [
        "一、主要指标完成情况", "二、县市区及功能区赛马排名", "三、园区发展情况", "四、目标预警", "五、年底预测",
        "六、亩均效益评价", "七、重大项目"]
    titles = [t.title for t in content.tables]
    assert titles[-1] == f"表{len(titles)}  亩均效益评价（2017年1—3月）"
    assert [t.title.split("  ")[0] for t in content.tables] == [f"表{i}" for i in range(1, len(titles) + 1)]
    assert content.sections[-2].paragraphs == ["本期评价2个单位。"]
    # Without projects on file the 重大项目 section says so, with no table.
    assert content.sections[-1].paragraphs == ["本月暂无重大项目数据。"] and not content.sections[-1].tables
    assert "亩均评价已覆盖2个单位。" in content.sections[0].paragraphs
    # Its card on the dashboard, beside the targets' warning card.
    assert 'id="plugin-card"' in page and "已评价 2 个单位" in page and 'id="warnings"' in page


def test_without_the_targets_app_the_report_and_the_dashboard_have_no_warnings(demo_figures, client_as, monkeypatch):
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    without = [p for p in core_parts.installed_parts() if p.name != "targets"]
    monkeypatch.setattr(core_parts, "installed_parts", lambda: without)
    for module in ("newind.reports.queries", "newind.reports.content", "newind.dashboard.views"):
        monkeypatch.setattr(f"{module}.installed_parts", lambda: without)
    overview = monthly_overview(PERIOD)
    content = build_content(overview, with_charts=False)
    assert [s.heading for s in content.sections] == [
        "一、主要指标完成情况", "二、县市区及功能区赛马排名", "三、园区发展情况", "四、年底预测", "五、重大项目"]
    assert overview.warnings.empty and "targets" not in overview.parts
    # The rows still have the columns the tables show, empty: no light, no completion.
    assert overview.key["light"].isna().all() and overview.counties["completion_pct"].isna().all()
    page = client_as("leader").get("/dashboard/?period=2017-03").content.decode()
    assert 'id="warnings"' not in page and "领导驾驶舱" in page
