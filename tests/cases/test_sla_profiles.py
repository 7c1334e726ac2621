"""Profile behaviour beyond the presets' table: limits, office days, lead times, ladders and variants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from newind.cases.sla import (
    TZ,
    Limit,
    OfficeDay,
    load_profile,
    parse_profile,
    parse_received,
    profiles_dir,
)
from newind.core.errors import AppError


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def _raw(code: str) -> dict:
    return yaml.safe_load((profiles_dir() / f"{code}.yaml").read_text(encoding="utf-8"))


def test_a_limit_is_days_or_hours_never_both():
    with pytest.raises(ValueError):
        Limit()
    with pytest.raises(ValueError):
        Limit(working_days=1, working_minutes=60)
    assert Limit(working_minutes=90).label() == "90个工作分钟"
    assert Limit(working_minutes=120).label() == "2个工作小时"
    assert Limit(working_days=7).label() == "7个工作日"


def test_office_day_label_and_minutes():
    assert OfficeDay().label() == "08:30—12:00、14:30—17:30"
    assert OfficeDay().minutes() == 390  # 3 h 30 + 3 h
    with pytest.raises(ValueError):
        OfficeDay(())
    with pytest.raises(ValueError):  # overlapping periods
        OfficeDay(((dt.time(8, 0), dt.time(12, 0)), (dt.time(11, 0), dt.time(17, 0))))


def test_a_profile_with_its_own_office_day_and_a_half_hour_limit(tmp_path: Path):
    raw = _raw("zhongshan")
    raw.update(code="summer", office_day=[["08:00", "12:00"], ["15:00", "18:00"]])
    raw["stages"][0]["limit"] = {"working_hours": 0.5}
    (tmp_path / "summer.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    profile = load_profile("summer", tmp_path)
    assert profile.office_day.label() == "08:00—12:00、15:00—18:00"
    # 17:50 + 30 working minutes: 10 min to 18:00, then 20 min from 08:00 on the 调休 Saturday.
    assert profile.deadlines(parse_received("2017-09-29T17:50"))["contact"] == at("2017-09-30T08:20")
    # The reminder goes out 30 working minutes before (capped by the limit itself): at receipt.
    contact = profile.stage("contact")
    assert profile.reminder_at(contact, at("2017-09-30T08:20")) == at("2017-09-29T17:50")
    # A working-day reminder opens at this profile's opening, 08:00.
    assert profile.reminder_at(profile.stage("close"), at("2017-10-13T00:00")) == at("2017-10-12T08:00")


def test_a_profile_that_is_not_a_mapping_is_refused():
    with pytest.raises(AppError, match="不是一个映射"):
        parse_profile(["code", "x"], "x.yaml")


def test_an_unknown_stage_is_a_404():
    with pytest.raises(AppError, match="没有「reply」这一环节") as error:
        load_profile("zhongshan").stage("reply")
    assert error.value.status == 404


@pytest.mark.parametrize(("lead", "expected"), [
    # Deadline 2017-10-16 24:00 (Monday). 0: up to the deadline itself; 1: before Monday starts;
    # 2: before Friday 10-13 starts (the working day before Monday).
    (0, "2017-10-17T00:00"), (1, "2017-10-16T00:00"), (2, "2017-10-13T00:00"),
])
def test_the_extension_lead_time_in_whole_working_days(lead, expected):
    raw = _raw("quanzhou")
    raw["extension_lead_working_days"] = lead
    profile = parse_profile(raw)
    assert profile.latest_extension_request(at("2017-10-17T00:00")) == at(expected)


def test_an_extension_lead_time_across_national_day():
    # A deadline at 24:00 of Monday 10-09 with 2 WD lead: the working day before 10-09 is the 调休 Saturday
    # 09-30, so the request must come before 09-30 starts, i.e. by 24:00 of 09-29.
    raw = _raw("quanzhou")
    raw["extension_lead_working_days"] = 2
    assert parse_profile(raw).latest_extension_request(at("2017-10-10T00:00")) == at("2017-09-30T00:00")


def test_zaozhuang_reminds_two_working_days_ahead_across_the_holiday():
    profile = load_profile("zaozhuang")
    plan = profile.deadlines(parse_received("2017-09-29T10:00"))["plan"]  # 10-09 24:00
    # 2 WD ahead: the opening of the working day before 10-09, which is the 调休 Saturday 09-30.
    assert profile.reminder_at(profile.stage("plan"), plan) == at("2017-09-30T08:30")


def test_xuchang_escalates_across_spring_festival():
    profile = load_profile("xuchang")
    assign = profile.deadlines(parse_received("2018-02-09T17:10"))["assign"]  # 2018-02-13 24:00
    # Rungs after 2, 5 and 10 working days late: 02-14, 02-22 → 24:00 of 02-22; then 02-23, 02-24 (调休),
    # 02-26 → 24:00 of 02-26; then 02-27, 02-28, 03-01, 03-02, 03-05 → 24:00 of 03-05.
    assert [profile.escalation_at(s, assign) for s in profile.escalation] == [
        at("2018-02-23T00:00"), at("2018-02-27T00:00"), at("2018-03-06T00:00")]
    assert [s.after_working_days for s in profile.escalation] == [2, 5, 10]


def test_when_both_variants_apply_the_longer_limit_wins():
    raw = _raw("zaozhuang")
    raw["stages"].append({"code": "complex", "name": "复杂事项办结", "limit": {"working_days": 40},
                          "condition": "complex"})
    profile = parse_profile(raw)
    received = parse_received("2017-09-29T10:00")
    assert profile.closing_stage(multi_department=True, complex_case=True).code == "complex"
    assert profile.closing_stage(multi_department=True).code == "multi_department"
    assert profile.closing_stage().code == "close"
    assert profile.close_deadline(received, multi_department=True, complex_case=True) == (
        profile.deadlines(received)["complex"])


def test_a_dispute_window_of_two_working_days():
    raw = _raw("zhongshan")
    raw["dispute_working_days"] = 2
    # Assigned Friday 2018-02-09: 02-11 (调休 Sunday) and 02-12 → 24:00 of 02-12.
    assert parse_profile(raw).dispute_until(at("2018-02-09T15:00")) == at("2018-02-13T00:00")
