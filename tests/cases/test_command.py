"""`newind cases due` prints the same deadlines as the table tests, as JSON and as a Chinese table."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from newind.cli import main
from tests.cases.test_sla import PRESET_TABLE


def _due(capsys, *args: str) -> str:  # type: ignore[no-untyped-def]
    assert main(["cases", "due", *args]) == 0
    return capsys.readouterr().out


def test_json_for_zhongshan_on_the_eve_of_national_day(db, capsys):
    body = json.loads(_due(capsys, "--profile", "zhongshan", "--received", "2017-09-29T17:00", "--format", "json"))
    # contact: 30 min to 17:30, then 30 min from 08:30 on the 调休 Saturday; stage_reply 3 WD → 10-10 24:00;
    # close 5 WD → 10-12 24:00 (24:00 is written as the next day's 00:00).
    assert body == {"profile": "zhongshan", "received": "2017-09-29T17:00:00+08:00",
                    "deadlines": {"contact": "2017-09-30T09:00:00+08:00", "stage_reply": "2017-10-11T00:00:00+08:00",
                                  "close": "2017-10-13T00:00:00+08:00"}}


@pytest.mark.parametrize(("code", "received"), [(c, r) for c, rows in PRESET_TABLE.items() for r in rows])
def test_the_table_format_agrees_with_the_pinned_table(db, capsys, code, received):
    # call_command: the same command without `newind`'s first-run loading of reference data (slow per case).
    call_command("cases", "due", "--profile", code, "--received", received)
    out = capsys.readouterr().out
    assert f"（{code}）" in out and "工作时间 08:30—12:00、14:30—17:30" in out
    for deadline in PRESET_TABLE[code][received].values():
        assert deadline in out
    assert "「24:00」指当日结束" in out


def test_the_console_prints_an_error_as_a_chinese_sentence(db, capsys):
    # (One `newind` call per test: Django's run_from_argv closes the connections when a command ends.)
    assert main(["cases", "due", "--profile", "beijing", "--received", "2017-09-29T17:00"]) == 2
    assert "没有名为「beijing」的时限方案：可用的方案有 project_problem、quanzhou、supervision、xuchang、zaozhuang、zhongshan。" in capsys.readouterr().err


def test_bad_times_and_years_are_refused(db):
    from newind.cases.sla import CALENDAR_YEARS
    from newind.core.errors import AppError

    with pytest.raises(AppError, match="受理时间「2017/09/29」格式不对"):
        call_command("cases", "due", "--profile", "zhongshan", "--received", "2017/09/29")
    beyond = CALENDAR_YEARS[1] + 1
    with pytest.raises(AppError, match=f"无法计算 {beyond} 年的工作日"):
        call_command("cases", "due", "--profile", "zhongshan", "--received", f"{beyond}-01-04T09:00")


def test_call_command_gives_the_same_json(db, capsys):
    call_command("cases", "due", "--profile", "quanzhou", "--received", "2018-02-14T17:00", "--format", "json")
    body = json.loads(capsys.readouterr().out)
    assert body["deadlines"] == {"co_handler": "2018-02-25T00:00:00+08:00", "lead": "2018-03-02T00:00:00+08:00"}


def test_the_chinese_table_for_zhongshan_line_by_line(db, capsys):
    call_command("cases", "due", "--profile", "zhongshan", "--received", "2017-09-29T17:00")
    assert capsys.readouterr().out.splitlines() == [
        "时限方案：中山模式（1小时联系、3日答复、5日办结）（zhongshan）",
        "受理时间：2017-09-29 17:00（北京时间）；工作时间 08:30—12:00、14:30—17:30",
        "环节\t时限\t截止时间",
        "联系企业\t1个工作小时\t2017-09-30 09:00",
        "阶段答复\t3个工作日\t2017-10-10 24:00",
        "办结\t5个工作日\t2017-10-12 24:00",
        "注：「24:00」指当日结束（即次日 00:00）；工作日已计入法定节假日和调休。",
    ]


def test_a_variant_stage_is_labelled_in_the_table(db, capsys):
    call_command("cases", "due", "--profile", "xuchang", "--received", "2018-02-14T17:00")
    out = capsys.readouterr().out
    # xuchang from 2018-02-14: assign 3 WD → 02-24 (调休 Saturday); close 15 WD → 03-13; complex 30 WD → 04-03.
    assert "交办\t3个工作日\t2018-02-24 24:00" in out
    assert "办结\t15个工作日\t2018-03-13 24:00" in out
    assert "复杂事项办结（复杂疑难事项）\t30个工作日\t2018-04-03 24:00" in out
