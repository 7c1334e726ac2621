"""The import service: long and wide files, conversions, missing values, all-or-nothing, versions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from newind.core.errors import AppError
from newind.imports.services import ImportOptions, import_file
from newind.indicators.models import ImportBatch, Observation
from newind.indicators.periods import Period
from newind.indicators.queries import indicator_by_code, observation_history
from newind.units.queries import unit_by_code

pytestmark = pytest.mark.django_db

HUNAN = Path(__file__).resolve().parents[2] / "src" / "newind" / "imports" / "data" / "hunan"


def obs(indicator: str, unit: str, period: str) -> list[Observation]:
    return observation_history(indicator_by_code(indicator), unit_by_code(unit).id, Period.parse(period))


def problems_of(excinfo: pytest.ExceptionInfo[AppError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_it_imports_the_hunan_file_keeps_both_2013_releases_and_reimport_is_a_noop(reference_data):
    preview, batch = import_file(HUNAN / "prefectures_annual_2005_2016.csv")
    assert batch is not None and preview.counts["added"] == 645 == Observation.objects.count()
    versions = obs("gdp", "430000", "2013")
    assert [(v.release, v.value, v.is_current) for v in versions] == [
        ("first", Decimal("24501.7"), False), ("yearbook", Decimal("24621.67"), True)]
    # The source of every row is kept from the file's own source column.
    assert versions[0].source != versions[1].source or versions[0].source
    assert Observation.objects.filter(source="").count() == 0

    again, second = import_file(HUNAN / "prefectures_annual_2005_2016.csv")
    assert second is None and again.is_noop and again.counts["unchanged"] == 645
    assert "数据均未变化" in again.notes[0]
    assert Observation.objects.count() == 645 and ImportBatch.objects.count() == 1


def test_it_imports_cumulative_monthly_growth_as_published(reference_data):
    import_file(HUNAN / "industrial_va_growth_2017_jan_nov.csv")
    v = obs("industrial_va_above_size_growth_pct", "430600", "2017-11")
    assert len(v) == 1 and v[0].period_kind == "M" and v[0].period_n == 11 and v[0].price_basis == "comparable"


def test_one_bad_cell_writes_nothing_and_names_sheet_row_and_column(reference_data, make_xlsx):
    path = make_xlsx([
        ["各市州地区生产总值（亿元）"],
        ["地区", "2015年", "2016年"],
        ["岳阳市", 2886.28, 3100.87],
        ["长沙市", 8510.13, "九千"],
    ], sheet="市州")
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert problems_of(excinfo) == [
        "工作表「市州」第4行第C列：「2016年」的值「九千」不是数字：请填写数字（单位：亿元），空缺请留空或填“—”。"]
    assert "未导入任何数据" in excinfo.value.message
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_every_problem_is_listed_at_once(reference_data, make_csv):
    path = make_csv("地区,年份,指标,数值,计量单位\n"
                    "岳阳市,2016,地区生产总值,abc,亿元\n"
                    "火星市,2016,地区生产总值,1,亿元\n"
                    "岳阳市,2016,幸福指数,1,亿元\n"
                    "岳阳市,2015,地区生产总值,8,%\n"
                    "岳阳市,2016年13月,地区生产总值,8,亿元\n")
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    texts = problems_of(excinfo)
    assert len(texts) == 5
    assert texts[0].startswith("第2行第D列：「数值」的值「abc」不是数字")
    assert texts[1].startswith("第3行第A列：「地区」列：未找到单位「火星市」") and "岳阳市" in texts[1]
    assert texts[2].startswith("第4行第C列：「指标」列：未知指标「幸福指数」：请使用指标目录中的名称、别名或代码（如")
    assert texts[3].startswith("第5行第D列：「数值」的计量单位「%」与指标的计量单位「亿元」不相容")
    assert texts[4].startswith("第6行第B列：「年份」列：时期「2016年13月」有误")
    assert Observation.objects.count() == 0


def test_a_revised_figure_keeps_the_old_version_and_the_new_one_is_current(reference_data, make_csv):
    header = "地区,代码,年份,指标,数值,计量单位,来源\n"
    import_file(make_csv(header + "岳阳市,430600,2016,gdp,3100.87,亿元,统计公报\n", "v1.csv"))
    preview, batch = import_file(make_csv(header + "岳阳市,430600,2016,gdp,3100.90,亿元,统计年报\n", "v2.csv"))
    assert preview.counts == {"added": 0, "changed": 1, "unchanged": 0, "skipped_missing": 0}
    line = preview.changed_lines()[0]
    assert (line["unit"], line["old_text"], line["new_text"]) == ("岳阳市", "3100.87", "3100.9")
    versions = obs("gdp", "430600", "2016")
    assert [(v.version, v.value, v.is_current, v.source) for v in versions] == [
        (1, Decimal("3100.87"), False, "统计公报"), (2, Decimal("3100.9"), True, "统计年报")]
    assert versions[1].batch == batch and versions[1].supersedes == versions[0]


def test_wan_yuan_converts_to_yi_yuan_exactly(reference_data, make_csv):
    path = make_csv("地区,年份,指标,数值,计量单位\n岳阳市,2016,地区生产总值,12345.6789,万元\n"
                    "长沙市,2016,地区生产总值,85101300,万元\n株洲市,2016,地区生产总值,251200000000,元\n")
    preview, _ = import_file(path)
    assert "已将万元换算为亿元：2个数值" in preview.notes
    assert "已将元换算为亿元：1个数值" in preview.notes
    yueyang = obs("gdp", "430600", "2016")[0]
    assert yueyang.value == Decimal("1.23456789") and str(yueyang.value) == "1.23456789"
    assert yueyang.original == "12345.6789 万元" and yueyang.measure_unit == "亿元"
    assert obs("gdp", "430100", "2016")[0].value == Decimal("8510.13")
    assert obs("gdp", "430200", "2016")[0].value == Decimal("2512")


def test_wide_table_with_title_total_row_notes_and_dashes(reference_data, make_xlsx):
    path = make_xlsx([
        ["2014—2016年岳阳市各县市区地区生产总值"],
        [None, None, None, "单位：万元"],
        ["县市区", "2014年", "2015年", "2016年"],
        ["岳阳县", 2200000, 2380000, "—"],
        ["华容县", 2010000, "…", 2300000],
        ["  临湘市", 1850000.5, 1990000, None],
        ["合计", 6060000.5, 4370000, 2300000],
        [],
        ["注：2016年部分县市区数据暂缺。"],
        ["资料来源：岳阳市统计局"],
    ], name="counties.xlsx")
    preview, batch = import_file(path)
    assert preview.counts == {"added": 6, "changed": 0, "unchanged": 0, "skipped_missing": 3}
    assert "空缺值（—、…、空白等）3个，已跳过，未记为0。" in preview.notes
    assert "已将万元换算为亿元：6个数值" in preview.notes
    assert preview.warnings == []  # 合计 matches the units' sum
    assert "合计行已与各单位之和核对，3处均一致（合计行不导入）。" in preview.notes
    linxiang = obs("gdp", "430682", "2014")[0]
    assert linxiang.value == Decimal("185.0000500") and linxiang.source == "岳阳市统计局"
    assert not obs("gdp", "430621", "2016")  # "—" is missing, never zero
    assert Observation.objects.count() == 6  # the 合计 row is not stored


def test_a_total_row_that_does_not_add_up_is_a_warning_not_an_error(reference_data, make_xlsx):
    path = make_xlsx([["各县市区地区生产总值（亿元）"], ["地区", "2016"], ["岳阳县", 230], ["华容县", 231.5],
                      ["合计", 500]])
    preview, batch = import_file(path)
    assert batch is not None and preview.counts["added"] == 2
    assert len(preview.warnings) == 1 and "合计" in preview.warnings[0] and "461.5" in preview.warnings[0]


def test_wide_table_by_indicators_with_units_in_headers_and_period_in_title(reference_data, make_xlsx):
    path = make_xlsx([
        ["2017年1—11月各县市区工业主要指标"],
        ["序号", "地区", "规模工业增加值（万元）", "规模工业增加值增速（%）", "工业用电量（万千瓦时）"],
        [1, "岳阳县", 856000, 8.1, 51230],
        [2, "经开区", 1250000.5, "9.0%", "-"],
    ])
    preview, _ = import_file(path, ImportOptions(source="岳阳市统计局月报"))
    assert preview.counts["added"] == 5 and preview.skipped_missing == 1
    zone_va = obs("industrial_va_above_size", "Z430601", "2017-11")[0]
    assert zone_va.value == Decimal("125.00005") and zone_va.original == "1250000.5 万元"
    assert obs("industrial_va_above_size_growth_pct", "Z430601", "2017-11")[0].value == Decimal("9.0")
    assert obs("industrial_electricity", "430621", "2017-11")[0].value == Decimal("5.123")
    assert zone_va.source == "岳阳市统计局月报"


def test_wide_table_indicator_given_by_parameter(reference_data, make_xlsx):
    path = make_xlsx([["地区", "2015", "2016"], ["岳阳市", 2886.28, 3100.87]])
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert "未能确定这些数据属于哪项指标" in problems_of(excinfo)[0]
    preview, _ = import_file(path, ImportOptions(indicator="gdp", release="年鉴"))
    assert preview.counts["added"] == 2
    assert obs("gdp", "430600", "2016")[0].release == "yearbook"


def test_gbk_csv_from_chinese_excel(reference_data, make_csv):
    text = "地区,代码,年份,指标,数值,单位,发布类型,来源\n岳阳市,430600.0,2016,地区生产总值,3100.87,亿元,初步核算,湖南统计公报\n"
    preview, _ = import_file(make_csv(text, encoding="gbk"))
    v = obs("gdp", "430600", "2016")[0]
    assert (v.value, v.release, v.source) == (Decimal("3100.87"), "first", "湖南统计公报")


@pytest.mark.parametrize("word,code", [("yearbook", "yearbook"), ("年鉴", "yearbook"), ("初步核算", "first"),
                                       ("公开发布", "published"), ("快报", "flash"), ("正式", "official"),
                                       ("修订", "revised"), ("预估", "estimate"), ("", "official")])
def test_release_words(reference_data, make_csv, word, code):
    import_file(make_csv(f"地区,年份,指标,数值,发布类型\n岳阳市,2016,gdp,3100.87,{word}\n"))
    assert obs("gdp", "430600", "2016")[0].release == code


def test_january_alone_is_refused_for_a_monthly_cumulative_indicator(reference_data, make_csv):
    path = make_csv("地区,时期,指标,数值\n岳阳县,2017年1月,规模工业增加值,50\n岳阳县,2017年1-2月,规模工业增加值,98\n")
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    [text] = problems_of(excinfo)
    assert text.startswith("第2行第B列：时期「2017年1月」有误") and "1—2月" in text
    assert Observation.objects.count() == 0


def test_an_annual_period_for_a_monthly_indicator_is_a_problem(reference_data, make_csv):
    with pytest.raises(AppError) as excinfo:
        import_file(make_csv("地区,时期,指标,数值\n岳阳县,2017,规模工业增加值,500\n"))
    assert "月度累计" in problems_of(excinfo)[0]


def test_duplicate_figures_with_different_values_name_both_rows(reference_data, make_csv):
    path = make_csv("地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n长沙市,2016,gdp,9323.7\n岳阳市,2016,地区生产总值,3100.9\n"
                    "长沙市,2016,gdp,9323.70\n")
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    [text] = problems_of(excinfo)
    assert text.startswith("第4行第D列：「数值」列：与第2行第D列是同一数据") and "3100.87 与 3100.9" in text


def test_mangled_credit_and_industry_codes_are_refused(reference_data, make_xlsx):
    path = make_xlsx([
        ["企业名称", "统一社会信用代码", "行业代码", "地区", "2016"],
        ["甲公司", 914306001234567890, "2511", "岳阳市", 1.0],
        ["乙公司", "9.1430600E+17", 611, "岳阳市", 1.0],
        ["丙公司", "91430600MA4L0XXX0K", "0611", "岳阳市", 1.0],
    ], text_columns={"Sheet1": ["C"]})
    with pytest.raises(AppError) as excinfo:
        import_file(path, ImportOptions(indicator="gdp"))
    texts = problems_of(excinfo)
    # Excel keeps 15 significant digits: the cell already lost its last digits.
    assert any(t.startswith("工作表「Sheet1」第2行第B列：统一社会信用代码「9.14306001234568e+17」已被 Excel 当作数字")
               for t in texts)
    assert any(t.startswith("工作表「Sheet1」第3行第B列：统一社会信用代码「9.1430600E+17」") for t in texts)
    assert any(t.startswith("工作表「Sheet1」第3行第C列：行业代码「611」已被 Excel 当作数字") for t in texts)
    assert not any("第4行第B列" in t or "第4行第C列" in t for t in texts)
    assert Observation.objects.count() == 0


def test_a_total_row_of_a_growth_rate_is_not_summed(reference_data, make_xlsx):
    path = make_xlsx([["2017年1—11月各县市区工业指标"], ["地区", "规模工业增加值（亿元）", "规模工业增加值增速（%）"],
                      ["岳阳县", 85.6, 8.1], ["平江县", 60.2, 7.6], ["合计", 145.8, 7.9]])
    preview, _ = import_file(path)
    # Only the additive level is checked against the sum; a rate never sums.
    assert preview.warnings == [] and "合计行已与各单位之和核对，1处均一致（合计行不导入）。" in preview.notes
    assert Observation.objects.count() == 4


def test_figures_written_between_preview_and_confirm_are_a_conflict(reference_data, make_csv):
    from newind.imports.services import apply_import, prepare_import

    data = "地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n".encode()
    first, second = prepare_import(data, "a.csv"), prepare_import(data, "b.csv")
    apply_import(first)
    with pytest.raises(AppError) as excinfo:
        apply_import(second)  # previewed before the first write: it would no longer be an addition
    assert excinfo.value.status == 409 and "未写入任何数据" in excinfo.value.message
    assert Observation.objects.count() == 1 and ImportBatch.objects.count() == 1



def test_a_total_that_does_not_add_up_is_a_warning_with_its_cell_and_unit(reference_data, make_xlsx):
    path = make_xlsx([
        ["2016年岳阳市各县市区地区生产总值"],
        [None, None, "单位：万元"],
        ["县市区", "2015年", "2016年"],
        ["岳阳县", 2380000, 2500000],
        ["华容县", 2200000, 2300000],
        ["合计", 4580000, 4900000],
    ], name="totals.xlsx")
    preview, _ = import_file(path, dry_run=True)
    # 2016: 250 + 230 = 480 亿元, the 合计 row says 490 亿元 (both shown in the indicator's unit).
    assert len(preview.warnings) == 1
    warning = preview.warnings[0]
    assert "第6行第C列" in warning and "为490亿元" in warning and "各单位之和480亿元" in warning
