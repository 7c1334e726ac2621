"""The registry's pure checks (projects.calc, section "registry" and "park entry thresholds"): cells read,
records matched and compared, and the park entry-threshold check against a hand calculation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from newind.projects import calc

THRESHOLDS = {"national": {"investment": 300.0, "tax": 30.0, "output": 500.0},
              "provincial": {"investment": 200.0, "tax": 20.0, "output": 300.0}, "municipal": {}}


@pytest.mark.parametrize("text,expected", [
    ("", None), ("120000", Decimal("120000")), ("1,234.5", Decimal("1234.5")), ("0", Decimal(0)),
    ("-1", "bad"), ("五万", "bad"), ("nan", "bad"), ("1e20", "bad"),
])
def test_amounts(text: str, expected: object) -> None:
    assert calc.parse_amount(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("", None), ("2017-04-01", dt.date(2017, 4, 1)), ("2017/4/1", dt.date(2017, 4, 1)),
    ("2017年4月1日", dt.date(2017, 4, 1)), ("2017.4.1", dt.date(2017, 4, 1)), ("2017-04-01 00:00:00", dt.date(2017, 4, 1)),
    ("2017-13-01", "bad"), ("明年", "bad"), ("1800-01-01", "bad"),
])
def test_dates(text: str, expected: object) -> None:
    assert calc.parse_day(text) == expected


@pytest.mark.parametrize("header,field", [
    ("项目编号", "code"), ("总投资（万元）", "total_investment"), ("总投资(万元)", "total_investment"),
    ("计划开工日期", "planned:started"), ("实际入库日期", "actual:in_stats"), ("实际入库纳统日期", "actual:in_stats"),
    ("计划投产时间", "planned:producing"), ("2017年计划投资（万元）", "plan:2017"), ("2018年度计划投资", "plan:2018"),
    ("年度计划投资", "plan"), ("开工佐证材料", "evidence:started"), ("入库佐证", "evidence:in_stats"), ("备注", None),
])
def test_headers_are_found_by_name(header: str, field: str | None) -> None:
    assert calc.header_field(header) == field


def test_field_labels_read_in_chinese() -> None:
    assert calc.registry_field_label("actual:started") == "实际开工日期"
    assert calc.registry_field_label("plan:2017") == "2017年计划投资（万元）"
    assert calc.registry_field_label("county_id") == "所在县市区"
    assert calc.registry_field_label("is_stopped") == "停工"  # changed on the project page (projects.services)
    assert calc.registry_field_label("stage") == "当前阶段"
    assert calc.registry_field_label("evidence:started") == "开工佐证材料"


def _sheet(rows: list[list[object]], header: list[str]) -> calc.RegistrySheet:
    found = calc.registry_sheet(pd.DataFrame([header, *rows]), "表1")
    assert found is not None
    return found


LOOKUPS = calc.RegistryLookups(counties={"岳阳县": 1, "430621": 1}, parks={"p430609": 7}, units={"市工信局": 9},
                               county_names=["岳阳县"], park_names=["岳阳县工业园"])


def test_a_row_becomes_a_record_with_codes_ids_and_plans() -> None:
    header = ["项目编号", "项目名称", "所在县市区", "所在园区", "投资方类型", "所属清单", "总投资", "当前阶段", "实际签约日期",
              "工作专班", "责任单位", "年度计划投资", "计划年度"]
    recs = _sheet([["xm9", "某项目", "430621", "P430609", "中国500强、央企", "省“五个100”", "8000", "签约", "2017-02-01",
                    "", "市工信局", "3000", "2017"]], header)
    [rec], problems = calc.check_registry_rows(recs, LOOKUPS)
    assert problems == []
    assert (rec["code"], rec["county_id"], rec["park_id"], rec["responsible_unit_id"]) == ("XM9", 1, 7, 9)
    assert rec["investor_flags"] == ["china500", "central_soe"] and rec["lists"] == ["province_5x100"]
    assert (rec["total_investment"], rec["stage"], rec["actual:signed"]) == (Decimal(8000), "signed", dt.date(2017, 2, 1))
    assert rec["has_task_force"] is False and rec["plans"] == {2017: Decimal(3000)} and rec["row"] == 2


def test_out_of_province_funds_cannot_exceed_the_total() -> None:
    recs = _sheet([["XM1", "甲", "岳阳县", "100", "150"]], ["项目编号", "项目名称", "所在县市区", "总投资", "其中省外资金"])
    _records, [problem] = calc.check_registry_rows(recs, LOOKUPS)
    assert (problem.sheet, problem.row, problem.column) == ("表1", 2, "E") and "大于总投资" in problem.message


def test_a_plan_without_its_year_is_a_header_problem() -> None:
    recs = _sheet([["XM1", "甲", "岳阳县", "100", "50"]], ["项目编号", "项目名称", "所在县市区", "总投资", "年度计划投资"])
    assert [(p.row, p.column) for p in recs.problems] == [(1, "E")]


def test_matching_by_code_then_by_name_within_the_county() -> None:
    records = [{"sheet": "", "row": 2, "columns": {"code": "A"}, "code": "XM1", "county_id": 1, "name": "甲"},
               {"sheet": "", "row": 3, "columns": {"code": "A"}, "code": "", "county_id": 1, "name": "乙 "},
               {"sheet": "", "row": 4, "columns": {"code": "A"}, "code": "XM3", "county_id": 2, "name": "乙"},
               {"sheet": "", "row": 5, "columns": {"code": "A"}, "code": "", "county_id": 2, "name": "丙"}]
    ids, problems = calc.match_records(records, {"XM1": 10}, {(1, "乙"): 11})
    # 乙 in county 2 is another project (new, XM3); 丙 has no code and no namesake: refused.
    assert ids == [10, 11, None, None]
    assert [(p.row, p.column) for p in problems] == [(5, "A")]


def test_the_diff_compares_only_what_the_record_carries_and_keeps_blank_stage_dates() -> None:
    existing = {10: {"code": "XM1", "name": "甲", "total_investment": Decimal("100.00"), "leader_name": "张",
                     "investor_flags": ["foreign", "fortune500"], "stage": "signed",
                     "actual:signed": dt.date(2017, 1, 1), "plan:2017": Decimal("50.00")}}
    rec = {"code": "XM1", "name": "甲", "total_investment": Decimal(100), "investor_flags": ["fortune500", "foreign"],
           "stage": "started", "actual:signed": None, "actual:started": dt.date(2017, 3, 1), "plans": {2017: Decimal(50)}}
    added, changes, unchanged = calc.diff_registry([rec], [10], existing)
    assert added == [] and unchanged == 0
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [
        ("stage", "signed", "started"), ("actual:started", None, dt.date(2017, 3, 1))]
    same = {**rec, "stage": "signed", "actual:started": None}
    assert calc.diff_registry([same], [10], existing)[1:] == ([], 1)


# Hand calculation for the park entry thresholds (万元/亩):
#   provincial park, land 400 亩: investment 120,000 ÷ 400 = 300 ≥ 200 passed; tax 12,000 ÷ 400 = 30 ≥ 20
#   passed; output 200,000 ÷ 400 = 500 ≥ 300 passed.
#   provincial park, land 100 亩: 50,000 ÷ 100 = 500 ≥ 200 passed; 1,500 ÷ 100 = 15 < 20 failed;
#   20,000 ÷ 100 = 200 < 300 failed.
#   national park, land 400 亩, same figures: 300 ≥ 300 passed (equal passes); 30 ≥ 30 passed; 500 ≥ 500 passed;
#   with tax 11,999: 29.9975 < 30 failed.
@pytest.mark.parametrize("level,land,total,tax,output,expected", [
    ("provincial", 400, 120000, 12000, 200000, [("investment", 300.0, True), ("tax", 30.0, True), ("output", 500.0, True)]),
    ("provincial", 100, 50000, 1500, 20000, [("investment", 500.0, True), ("tax", 15.0, False), ("output", 200.0, False)]),
    ("national", 400, 120000, 12000, 200000, [("investment", 300.0, True), ("tax", 30.0, True), ("output", 500.0, True)]),
    ("national", 400, 120000, 11999, 200000, [("investment", 300.0, True), ("tax", 29.9975, False),
                                              ("output", 500.0, True)]),
    ("provincial", None, 50000, 1500, 20000, [("investment", None, None), ("tax", None, None), ("output", None, None)]),
    ("provincial", 100, 50000, None, None, [("investment", 500.0, True), ("tax", None, None), ("output", None, None)]),
])
def test_the_entry_threshold_check_equals_the_hand_calculation(level, land, total, tax, output, expected) -> None:  # type: ignore[no-untyped-def]
    checks = calc.project_entry_checks(level, None if land is None else Decimal(land), Decimal(total),
                                       None if tax is None else Decimal(tax),
                                       None if output is None else Decimal(output), THRESHOLDS)
    got = [(c.measure, None if c.per_mu is None else round(c.per_mu, 4), c.passed) for c in checks]
    assert got == expected
    required = [c.required for c in checks]
    assert required == list(THRESHOLDS[level].values())


def test_no_level_or_no_thresholds_means_no_check() -> None:
    assert calc.project_entry_checks(None, Decimal(1), Decimal(1), None, None, THRESHOLDS) == []
    assert calc.project_entry_checks("municipal", Decimal(1), Decimal(1), None, None, THRESHOLDS) == []


def test_values_read_in_chinese() -> None:
    assert calc.value_text("stage", "in_stats") == "入库纳统"
    assert calc.value_text("investor_flags", ["fortune500", "out_of_province"]) == "世界500强、省外资金"
    assert calc.value_text("total_investment", Decimal("1200.50")) == "1200.5"
    assert calc.value_text("has_task_force", True) == "是" and calc.value_text("leader_name", "") == "（空）"
    assert calc.value_text("county_id", 3, {3: "岳阳县"}) == "岳阳县"
