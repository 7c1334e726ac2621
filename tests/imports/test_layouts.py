"""Table shapes offices actually send: several sheets, 单位 columns, 单位 lines, codes as numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.core.errors import AppError
from newind.imports.services import ImportOptions, import_file
from newind.indicators.models import Observation
from tests.imports.conftest import write_xlsx

pytestmark = pytest.mark.django_db


def values() -> set[tuple[str, str, int, int, Decimal]]:
    return set(Observation.objects.values_list("indicator__code", "unit__code", "year", "period_n", "value"))


def test_a_workbook_with_several_sheets_and_a_cover_sheet(reference_data, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {
        "说明": [["本表由市统计局提供"], ["请勿修改格式"]],
        "GDP": [["各市州地区生产总值（亿元）"], ["地区", "2016年"], ["岳阳市", 3100.87]],
        "增速": [["各市州地区生产总值增速（%）"], ["地区", "2016年"], ["岳阳市", 8.1]],
    })
    preview, _ = import_file(path)
    assert preview.counts["added"] == 2
    assert "工作表「说明」中没有找到数据表（表头应有地区或单位一列），已跳过。" in preview.notes
    assert values() == {("gdp", "430600", 2016, 0, Decimal("3100.87")),
                        ("gdp_real_growth_pct", "430600", 2016, 0, Decimal("8.1"))}


def test_problems_in_several_sheets_are_listed_in_reading_order(reference_data, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {
        "一": [["各市州地区生产总值（亿元）"], ["地区", "2016年"], ["岳阳市", "x"]],
        "二": [["各市州地区生产总值（亿元）"], ["地区", "2016年"], ["某某市", 1], ["长沙市", "y"]],
    })
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert [(p.sheet, p.row, p.column) for p in excinfo.value.problems] == [("一", 3, "B"), ("二", 3, "A"), ("二", 4, "B")]


def test_dan_wei_column_beside_a_region_column_is_the_unit_of_measure(reference_data, make_csv):
    import_file(make_csv("地区,年份,指标,数值,单位\n岳阳市,2016,gdp,31008700,万元\n"))
    assert values() == {("gdp", "430600", 2016, 0, Decimal("3100.87"))}


def test_dan_wei_column_alone_is_the_reporting_unit(reference_data, make_csv):
    import_file(make_csv("单位,2016年\n岳阳市,3100.87\n"), ImportOptions(indicator="地区生产总值"))
    assert values() == {("gdp", "430600", 2016, 0, Decimal("3100.87"))}


def test_a_unit_line_below_the_table_and_short_names(reference_data, make_xlsx):
    path = make_xlsx([["2017年1—11月规模工业增加值"], ["县市区", "规模工业增加值"], ["经开区", 856000], ["新港区", 120000],
                      [], ["单位：万元"], ["资料来源：岳阳市统计局"]])
    preview, _ = import_file(path)
    assert "已将万元换算为亿元：2个数值" in preview.notes
    assert values() == {("industrial_va_above_size", "Z430601", 2017, 11, Decimal("85.6")),
                        ("industrial_va_above_size", "Z430602", 2017, 11, Decimal("12"))}
    assert set(Observation.objects.values_list("source", flat=True)) == {"岳阳市统计局"}


def test_division_codes_that_excel_turned_into_numbers_are_fine(reference_data, make_xlsx):
    path = make_xlsx([["代码", "地区", "2016"], [430600, "岳阳市", 3100.87], ["430100.0", "长沙市", 9323.7]])
    import_file(path, ImportOptions(indicator="gdp"))
    assert {v[1] for v in values()} == {"430600", "430100"}


def test_a_name_and_code_that_disagree_are_a_problem(reference_data, make_csv):
    with pytest.raises(AppError) as excinfo:
        import_file(make_csv("地区,代码,年份,指标,数值\n岳阳市,430100,2016,gdp,1\n"))
    assert "「岳阳市」与代码「430100」不是同一个单位" in str(excinfo.value.problems[0])


def test_an_unknown_column_is_named_not_silently_dropped(reference_data, make_xlsx):
    path = make_xlsx([["各县市区地区生产总值（亿元）"], ["地区", "2016年", "幸福感"], ["岳阳县", 230, 9]])
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    [problem] = excinfo.value.problems
    assert (problem.row, problem.column) == (2, "C") and "无法识别列名「幸福感」" in problem.message


def test_rank_and_remark_columns_are_ignored(reference_data, make_xlsx):
    path = make_xlsx([["各县市区地区生产总值（亿元）"], ["序号", "地区", "2016年", "排名", "备注"],
                      [1, "岳阳县", 230, 2, "含新港区"], [2, "华容县", 231.5, 1, ""]])
    preview, _ = import_file(path)
    assert preview.counts["added"] == 2


def test_regions_by_years_with_an_indicator_column(reference_data, make_xlsx):
    path = make_xlsx([["主要经济指标"], ["地区", "指标", "计量单位", "2015年", "2016年"],
                      ["岳阳市", "地区生产总值", "万元", 28862800, 31008700],
                      ["岳阳市", "GDP增速", "%", 8.6, 8.1]])
    preview, _ = import_file(path)
    assert preview.counts["added"] == 4 and "已将万元换算为亿元：2个数值" in preview.notes
    assert ("gdp", "430600", 2016, 0, Decimal("3100.87")) in values()
    assert ("gdp_real_growth_pct", "430600", 2015, 0, Decimal("8.6")) in values()


def test_dan_wei_as_the_reporting_unit_in_a_long_table(reference_data, make_csv):
    import_file(make_csv("单位,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n"))
    assert values() == {("gdp", "430600", 2016, 0, Decimal("3100.87"))}


def test_a_unit_of_measure_written_in_the_header_row(reference_data, make_xlsx):
    path = make_xlsx([["各市州地区生产总值"], ["地区", "2016年", "单位：万元"], ["岳阳市", 31008700]])
    preview, _ = import_file(path)
    assert values() == {("gdp", "430600", 2016, 0, Decimal("3100.87"))}


def test_quan_shi_must_be_named(reference_data, make_xlsx):
    path = make_xlsx([["各县市区地区生产总值（亿元）"], ["地区", "2016年"], ["岳阳县", 230], ["全市", 3100.87]])
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert "全市、全省等请写成单位全称（如 岳阳市、湖南省）" in str(excinfo.value.problems[0])


def test_an_unknown_county_is_answered_with_county_names(reference_data, make_csv):
    with pytest.raises(AppError) as excinfo:
        import_file(make_csv("地区,年份,指标,数值\n岳阳县,2016,gdp,310\n火星县,2016,gdp,1\n"))
    text = str(excinfo.value.problems[0])
    assert "未找到单位「火星县」" in text and "岳阳楼区" in text and "长沙市" not in text
