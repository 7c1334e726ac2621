"""Working-day arithmetic and the SLA presets, pinned by hand across National Day 2017 and Spring Festival 2018.

The calendar, as announced by the State Council (and held by chinese_calendar):
  2017-09-29 Fri  working        2017-09-30 Sat  working (调休)    2017-10-01 Sun … 2017-10-08 Sun  holiday
  2017-10-09 Mon  working …      (then an ordinary October: weekends off)
  2018-02-09 Fri  working        2018-02-10 Sat  off               2018-02-11 Sun  working (调休)
  2018-02-12 Mon … 2018-02-14 Wed working        2018-02-15 Thu … 2018-02-21 Wed holiday
  2018-02-22 Thu, 2018-02-23 Fri working         2018-02-24 Sat  working (调休)   2018-02-25 Sun off

Working days counted after a receipt (the day of receipt never counts), worked out by hand:
  after 2017-09-29: #1 09-30  #2 10-09  #3 10-10  #5 10-12  #7 10-16  #10 10-19  #15 10-26  #25 11-09  #30 11-16
  after 2017-09-30: #1 10-09  #2 10-10  #3 10-11  #5 10-13  #7 10-17  #10 10-20  #15 10-27  #25 11-10  #30 11-17
  after 2018-02-09: #1 02-11  #2 02-12  #3 02-13  #5 02-22  #7 02-24  #10 02-28  #15 03-07  #25 03-21  #30 03-28
  after 2018-02-14: #1 02-22  #2 02-23  #3 02-24  #5 02-27  #7 03-01  #10 03-06  #15 03-13  #25 03-27  #30 04-03
A deadline of N working days ends at 24:00 of that day, stored as 00:00 of the next calendar day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.cases.sla import (
    CALENDAR_YEARS,
    DEFAULT_OFFICE_DAY,
    TZ,
    CalendarRangeError,
    OfficeDay,
    add_working_days,
    add_working_minutes,
    callback_due,
    day_of_deadline,
    format_deadline,
    is_working_day,
    load_profile,
    next_working_day,
    parse_received,
    subtract_working_minutes,
    working_days_between,
    working_days_deadline,
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(("day", "working"), [
    ("2017-09-29", True), ("2017-09-30", True),  # the 调休 Saturday works
    ("2017-10-01", False), ("2017-10-04", False), ("2017-10-08", False),  # National Day week, Sunday 10-08 too
    ("2017-10-09", True), ("2017-10-14", False),
    ("2018-02-10", False), ("2018-02-11", True),  # a 调休 Sunday works
    ("2018-02-15", False), ("2018-02-19", False), ("2018-02-21", False),  # Spring Festival, Mon 02-19 too
    ("2018-02-22", True), ("2018-02-24", True), ("2018-02-25", False),
])
def test_working_days_follow_the_announced_calendar_with_tiaoxiu(day, working):
    assert is_working_day(dt.date.fromisoformat(day)) is working


def test_the_calendar_covers_2004_to_2026_and_refuses_other_years_in_chinese():
    first, last = CALENDAR_YEARS
    assert first == 2004 and last >= 2026  # chinesecalendar 1.11 (pyproject's minimum) holds 2004–2026
    beyond = last + 1
    with pytest.raises(CalendarRangeError, match=f"只收录了 2004—{last} 年.*无法计算 {beyond} 年的工作日"):
        is_working_day(dt.date(beyond, 1, 4))
    with pytest.raises(CalendarRangeError, match="2003 年"):
        working_days_deadline(at("2003-06-02T09:00"), 1)
    # A deadline that runs past the last known year is refused, not guessed.
    with pytest.raises(CalendarRangeError, match=f"{beyond} 年"):
        add_working_days(dt.date(last, 12, 28), 10)


@pytest.mark.parametrize(("day", "n", "expected"), [
    ("2017-09-29", 0, "2017-09-29"),
    ("2017-09-29", 1, "2017-09-30"), ("2017-09-29", 2, "2017-10-09"), ("2017-09-29", 5, "2017-10-12"),
    ("2017-10-01", 1, "2017-10-09"),  # a receipt on a holiday: the first working day after it
    ("2018-02-09", 1, "2018-02-11"), ("2018-02-14", 1, "2018-02-22"), ("2018-02-14", 3, "2018-02-24"),
])
def test_add_working_days(day, n, expected):
    assert add_working_days(dt.date.fromisoformat(day), n) == dt.date.fromisoformat(expected)


def test_n_working_days_end_at_24_00_stored_as_the_next_midnight():
    deadline = working_days_deadline(at("2017-09-29T17:00"), 3)
    # #3 after 09-29 is 10-10; its 24:00 is 2017-10-11 00:00 +08:00.
    assert deadline == dt.datetime(2017, 10, 11, 0, 0, tzinfo=TZ)
    assert deadline.isoformat() == "2017-10-11T00:00:00+08:00"
    assert format_deadline(deadline) == "2017-10-10 24:00"
    assert day_of_deadline(deadline) == dt.date(2017, 10, 10)
    # The hour of receipt does not matter for a working-day limit: 00:01 and 23:59 on 09-29 agree.
    assert working_days_deadline(at("2017-09-29T00:01"), 3) == working_days_deadline(at("2017-09-29T23:59"), 3)
    # A UTC receipt is converted to Shanghai first: 2017-09-29 16:30 UTC is 09-30 00:30 in Shanghai.
    utc = dt.datetime(2017, 9, 29, 16, 30, tzinfo=dt.UTC)
    assert format_deadline(working_days_deadline(utc, 1)) == "2017-10-09 24:00"


@pytest.mark.parametrize(("received", "minutes", "expected"), [
    ("2017-09-29T17:00", 60, "2017-09-30T09:00"),  # 30 min to 17:30, then 30 min from 08:30 on the 调休 Saturday
    ("2017-09-30T17:20", 60, "2017-10-09T09:20"),  # 10 min, then the holiday week, then 50 min on Monday 10-09
    ("2018-02-14T17:00", 60, "2018-02-22T09:00"),  # the last day before Spring Festival
    ("2018-02-09T17:10", 60, "2018-02-11T09:10"),  # Saturday 02-10 is off, Sunday 02-11 works
    ("2017-10-09T11:00", 60, "2017-10-09T12:00"),  # runs out exactly at noon: 12:00, not 14:30
    ("2017-10-09T11:30", 60, "2017-10-09T15:00"),  # 30 min before noon, 30 min after 14:30
    ("2017-10-09T12:30", 60, "2017-10-09T15:30"),  # received at lunch: counting starts at 14:30
    ("2017-10-09T07:00", 60, "2017-10-09T09:30"),  # before opening
    ("2017-10-09T17:30", 60, "2017-10-10T09:30"),  # at closing time: nothing left today
    ("2017-10-09T20:00", 60, "2017-10-10T09:30"),  # in the evening
    ("2017-10-03T10:00", 60, "2017-10-09T09:30"),  # on a holiday
    ("2017-10-09T08:30", 390, "2017-10-09T17:30"),  # a whole office day (3.5 h + 3 h) ends at its closing
    ("2017-10-09T08:30", 391, "2017-10-10T08:31"),  # one minute more: the next opening + 1 min
    ("2017-10-09T08:30", 0, "2017-10-09T08:30"),
])
def test_hour_limits_count_office_time_on_working_days(received, minutes, expected):
    assert add_working_minutes(at(received), minutes) == at(expected)


@pytest.mark.parametrize(("end", "minutes", "expected"), [
    ("2017-09-30T09:00", 60, "2017-09-29T17:00"),  # the mirror of the first case above
    ("2017-10-09T09:20", 60, "2017-09-30T17:20"),
    ("2017-10-09T15:00", 30, "2017-10-09T14:30"),  # runs out exactly at 14:30, not at 12:00
    ("2017-10-09T15:00", 60, "2017-10-09T11:30"),
    ("2017-10-11T00:00", 30, "2017-10-10T17:00"),  # 24:00 of 10-10 less 30 min: 17:00 on 10-10
])
def test_subtracting_working_minutes_mirrors_adding_them(end, minutes, expected):
    assert subtract_working_minutes(at(end), minutes) == at(expected)


def test_a_profile_may_have_its_own_office_day():
    summer = OfficeDay(((dt.time(8, 0), dt.time(12, 0)), (dt.time(15, 0), dt.time(18, 0))))
    assert summer.minutes() == 7 * 60
    # 17:00 + 2 h: 1 h to 18:00, the next working day 08:00 + 1 h.
    assert add_working_minutes(at("2017-09-29T17:00"), 120, summer) == at("2017-09-30T09:00")
    with pytest.raises(ValueError):
        OfficeDay(((dt.time(14, 0), dt.time(12, 0)),))


# Every preset, for four receipts, against the hand-counted working days in the module docstring.
PRESET_TABLE = {
    "zhongshan": {
        # contact 1 working hour; stage_reply 3 WD; close 5 WD
        "2017-09-29T17:00": {"contact": "2017-09-30 09:00", "stage_reply": "2017-10-10 24:00", "close": "2017-10-12 24:00"},
        "2017-09-30T17:20": {"contact": "2017-10-09 09:20", "stage_reply": "2017-10-11 24:00", "close": "2017-10-13 24:00"},
        "2018-02-09T17:10": {"contact": "2018-02-11 09:10", "stage_reply": "2018-02-13 24:00", "close": "2018-02-22 24:00"},
        "2018-02-14T17:00": {"contact": "2018-02-22 09:00", "stage_reply": "2018-02-24 24:00", "close": "2018-02-27 24:00"},
    },
    "zaozhuang": {
        # start 1 WD; plan 2 WD; close 10 WD; multi_department 25 WD
        "2017-09-29T17:00": {"start": "2017-09-30 24:00", "plan": "2017-10-09 24:00", "close": "2017-10-19 24:00",
                             "multi_department": "2017-11-09 24:00"},
        "2017-09-30T17:20": {"start": "2017-10-09 24:00", "plan": "2017-10-10 24:00", "close": "2017-10-20 24:00",
                             "multi_department": "2017-11-10 24:00"},
        "2018-02-09T17:10": {"start": "2018-02-11 24:00", "plan": "2018-02-12 24:00", "close": "2018-02-28 24:00",
                             "multi_department": "2018-03-21 24:00"},
        "2018-02-14T17:00": {"start": "2018-02-22 24:00", "plan": "2018-02-23 24:00", "close": "2018-03-06 24:00",
                             "multi_department": "2018-03-27 24:00"},
    },
    "quanzhou": {
        # co_handler 3 WD; lead 7 WD
        "2017-09-29T17:00": {"co_handler": "2017-10-10 24:00", "lead": "2017-10-16 24:00"},
        "2017-09-30T17:20": {"co_handler": "2017-10-11 24:00", "lead": "2017-10-17 24:00"},
        "2018-02-09T17:10": {"co_handler": "2018-02-13 24:00", "lead": "2018-02-24 24:00"},
        "2018-02-14T17:00": {"co_handler": "2018-02-24 24:00", "lead": "2018-03-01 24:00"},
    },
    "xuchang": {
        # assign 3 WD; close 15 WD; complex 30 WD
        "2017-09-29T17:00": {"assign": "2017-10-10 24:00", "close": "2017-10-26 24:00", "complex": "2017-11-16 24:00"},
        "2017-09-30T17:20": {"assign": "2017-10-11 24:00", "close": "2017-10-27 24:00", "complex": "2017-11-17 24:00"},
        "2018-02-09T17:10": {"assign": "2018-02-13 24:00", "close": "2018-03-07 24:00", "complex": "2018-03-28 24:00"},
        "2018-02-14T17:00": {"assign": "2018-02-24 24:00", "close": "2018-03-13 24:00", "complex": "2018-04-03 24:00"},
    },
}


@pytest.mark.parametrize(("code", "received"), [(c, r) for c, rows in PRESET_TABLE.items() for r in rows])
def test_every_preset_pins_its_deadlines_across_the_holidays(code, received):
    profile = load_profile(code)
    deadlines = profile.deadlines(parse_received(received))
    assert {k: format_deadline(v) for k, v in deadlines.items()} == PRESET_TABLE[code][received]
    assert list(deadlines) == list(PRESET_TABLE[code][received])  # in the profile's order


def test_closing_deadline_variants_for_multi_department_and_complex_cases():
    received = parse_received("2017-09-29T17:00")
    zaozhuang, xuchang, quanzhou = load_profile("zaozhuang"), load_profile("xuchang"), load_profile("quanzhou")
    assert format_deadline(zaozhuang.close_deadline(received)) == "2017-10-19 24:00"
    assert format_deadline(zaozhuang.close_deadline(received, multi_department=True)) == "2017-11-09 24:00"
    assert format_deadline(zaozhuang.close_deadline(received, complex_case=True)) == "2017-10-19 24:00"  # no variant
    assert format_deadline(xuchang.close_deadline(received, complex_case=True)) == "2017-11-16 24:00"
    assert format_deadline(xuchang.close_deadline(received, multi_department=True)) == "2017-10-26 24:00"
    assert format_deadline(quanzhou.close_deadline(received)) == "2017-10-16 24:00"  # the lead unit's 7 WD


def test_reminder_chase_and_escalation_moments_for_zhongshan():
    profile = load_profile("zhongshan")
    received = parse_received("2017-09-29T17:00")
    deadlines = profile.deadlines(received)
    close = deadlines["close"]  # 2017-10-12 24:00
    # Reminder 1 WD before: the opening of the deadline's own working day.
    assert profile.reminder_at(profile.stage("close"), close) == at("2017-10-12T08:30")
    # The contact limit (09:00 on the 调休 Saturday) is reminded 30 working minutes before: the opening, 08:30.
    assert profile.reminder_at(profile.stage("contact"), deadlines["contact"]) == at("2017-09-30T08:30")
    # One received at 11:30 on 10-09 must be contacted by 15:00; 30 working minutes before is 14:30.
    late_morning = profile.deadlines(parse_received("2017-10-09T11:30"))["contact"]
    assert (late_morning, profile.reminder_at(profile.stage("contact"), late_morning)) == (
        at("2017-10-09T15:00"), at("2017-10-09T14:30"))
    # 催办 the next working day at opening: Friday 10-13 08:30.
    assert profile.chase_at(close) == at("2017-10-13T08:30")
    # Ladder 1/3/5 WD late: 24:00 of 10-13, of 10-17 (10-16, 10-17 after the weekend) and of 10-19.
    assert [profile.escalation_at(s, close) for s in profile.escalation] == [
        at("2017-10-14T00:00"), at("2017-10-18T00:00"), at("2017-10-20T00:00")]
    assert [s.label for s in profile.escalation] == ["承办单位主要负责人", "市新型工业化办公室", "分管市领导"]


def test_reminders_across_spring_festival_for_xuchang():
    profile = load_profile("xuchang")
    close = profile.close_deadline(parse_received("2018-02-09T17:10"))  # 2018-03-07 24:00
    # 3 WD before: the opening of the working day 2 WD before 03-07 → 03-05 (Mon) 08:30.
    assert profile.reminder_at(profile.stage("close"), close) == at("2018-03-05T08:30")
    assign = profile.deadlines(parse_received("2018-02-14T17:00"))["assign"]  # 2018-02-24 24:00 (调休 Saturday)
    # 3 WD before 02-24 counts 02-24, 02-23, 02-22: opening of 02-22.
    assert profile.reminder_at(profile.stage("assign"), assign) == at("2018-02-22T08:30")
    # The chase after a deadline on the 调休 Saturday is Monday 02-26 (Sunday 02-25 is off).
    assert profile.chase_at(assign) == at("2018-02-26T08:30")


def test_extension_and_dispute_windows():
    profile = load_profile("quanzhou")
    lead = profile.close_deadline(parse_received("2017-09-29T17:00"))  # 2017-10-16 24:00 (a Monday)
    # ≥ 1 WD before expiry: before Monday 10-16 starts, i.e. by 2017-10-16 00:00 (the weekend still counts as
    # before: a whole working day remains).
    assert profile.latest_extension_request(lead) == at("2017-10-16T00:00")
    # Assigned on the last day before National Day: the dispute window is 24:00 of the 调休 Saturday …
    assert profile.dispute_until(at("2017-09-29T16:00")) == at("2017-10-01T00:00")
    # … and assigned on the Saturday, it runs through the holiday to 24:00 of Monday 10-09.
    assert profile.dispute_until(at("2017-09-30T10:00")) == at("2017-10-10T00:00")


def test_callback_is_due_the_working_day_after_closure():
    assert callback_due(at("2018-02-14T16:00")) == at("2018-02-22T08:30")
    assert callback_due(at("2017-09-29T10:00")) == at("2017-09-30T08:30")


def test_working_days_between_is_vectorised_and_agrees_with_counting():
    starts = [dt.date(2017, 9, 29), dt.date(2018, 2, 9), dt.date(2018, 2, 14), dt.date(2017, 10, 9)]
    ends = [dt.date(2017, 10, 12), dt.date(2018, 3, 7), dt.date(2018, 2, 21), dt.date(2017, 10, 9)]
    # 09-30, 10-09..10-12 = 5; #15 after 02-09 is 03-07 = 15; the festival alone = 0; same day = 0.
    assert list(working_days_between(starts, ends)) == [5, 15, 0, 0]
    assert list(working_days_between([dt.date(2017, 10, 12)], [dt.date(2017, 9, 29)])) == [0]  # never negative
    with pytest.raises(CalendarRangeError):
        working_days_between([dt.date(2003, 1, 1)], [dt.date(2003, 1, 5)])


def test_the_vectorised_calendar_agrees_with_the_library_day_by_day():
    from newind.cases.sla import _calendar_ordinals

    working = set(_calendar_ordinals(2017, 2018).tolist())
    day = dt.date(2017, 1, 1)
    while day.year < 2019:
        assert (day.toordinal() in working) is is_working_day(day), day
        day += dt.timedelta(days=1)


def test_a_received_time_is_read_in_shanghai_time():
    assert parse_received("2017-09-29T17:00") == at("2017-09-29T17:00")
    assert parse_received("2017-09-29T09:00+00:00") == at("2017-09-29T17:00")
    from newind.core.errors import AppError

    with pytest.raises(AppError, match="受理时间「29/09/2017」格式不对"):
        parse_received("29/09/2017")


# --- invariants of the working-time arithmetic, over 2017–2018 -------------------------------------------------

days = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2018, 12, 31))
moments = st.builds(lambda d, m: dt.datetime.combine(d, dt.time(0, 0), tzinfo=TZ) + dt.timedelta(minutes=m),
                    days, st.integers(0, 24 * 60 - 1))
spans = st.integers(0, 5 * 390)  # up to five office days


def _in_office(moment: dt.datetime) -> bool:
    return is_working_day(moment.date()) and any(
        dt.datetime.combine(moment.date(), s, tzinfo=TZ) < moment <= dt.datetime.combine(moment.date(), e, tzinfo=TZ)
        for s, e in DEFAULT_OFFICE_DAY.periods)


@settings(max_examples=200, deadline=None)
@given(moments, spans, spans)
def test_adding_working_minutes_is_monotonic_and_ends_inside_office_time(start, m1, m2):
    low, high = sorted((m1, m2))
    assert add_working_minutes(start, low) <= add_working_minutes(start, high)
    if high > 0:
        assert _in_office(add_working_minutes(start, high))


@settings(max_examples=200, deadline=None)
@given(days, st.sampled_from(DEFAULT_OFFICE_DAY.periods), st.integers(1, 200), spans)
def test_subtracting_undoes_adding_from_inside_office_time(day, period, offset, minutes):
    day = day if is_working_day(day) else next_working_day(day)
    begin, end = (dt.datetime.combine(day, t, tzinfo=TZ) for t in period)
    start = min(begin + dt.timedelta(minutes=offset), end - dt.timedelta(minutes=1))
    assert subtract_working_minutes(add_working_minutes(start, minutes), minutes) == start


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(0, 40))
def test_a_working_day_deadline_ends_a_working_day_n_working_days_later(received, n):
    deadline = working_days_deadline(received, n)
    assert deadline.time() == dt.time(0, 0)
    last = day_of_deadline(deadline)
    assert list(working_days_between([received.date()], [last])) == [n]
    if n > 0:
        assert is_working_day(last)
        assert add_working_days(received.date(), n + 1) == next_working_day(last)


# --- the office's holiday file (definitions/calendar/holidays.yaml) ---------------------------------------

def test_the_shipped_holiday_file_adds_no_year_it_does_not_know():
    from newind.cases import sla

    assert sla.EXTRA.years == frozenset() and sla.CALENDAR_YEARS == sla.LIBRARY_YEARS


def test_a_year_after_the_package_is_read_from_the_office_file_with_its_调休(monkeypatch):
    from newind.cases import sla

    year = sla.LIBRARY_YEARS[1] + 1
    # A made-up arrangement (not the real one): Jan 1 and the Monday after it off, the Saturday after made
    # a working day. Which weekday each date is follows from the calendar itself.
    jan1 = dt.date(year, 1, 1)
    monday = next(jan1 + dt.timedelta(days=i) for i in range(1, 8) if (jan1 + dt.timedelta(days=i)).weekday() == 0)
    saturday = monday + dt.timedelta(days=5)
    extra = sla.parse_extra_years({"years": {year: {"holidays": [jan1, monday], "working_weekends": [saturday]}}})
    assert extra.years == {year}
    monkeypatch.setattr(sla, "EXTRA", extra)
    monkeypatch.setattr(sla, "CALENDAR_YEARS", (sla.LIBRARY_YEARS[0], year))
    monkeypatch.setattr(sla, "_WORKING_ORDINALS", None)
    assert not is_working_day(jan1) and not is_working_day(monday)
    assert is_working_day(saturday) and is_working_day(monday + dt.timedelta(days=1))
    assert not is_working_day(saturday + dt.timedelta(days=1))  # the Sunday stays a rest day
    # Hand count from the day before the Monday holiday: Tue, Wed, Thu, Fri, Sat (made working) = 5.
    sunday_before = monday - dt.timedelta(days=1)
    assert add_working_days(sunday_before, 5) == saturday
    from newind.cases.sla import working_days_between

    assert list(working_days_between([sunday_before], [saturday])) == [5]  # the vectorised path agrees


@pytest.mark.parametrize(("data", "message"), [
    ({"years": {"2030": {}}}, "应是年份"),
    ({"years": {3000: {"holidays": []}}}, "须紧接"),
    ({"years": {2027: {"holidays": [dt.date(2028, 1, 1)]}}}, "不是 2027 年的日期"),
    ({"years": {2027: {"working_weekends": [dt.date(2027, 1, 4)]}}}, "不是周末"),
])
def test_a_wrong_holiday_file_is_refused_in_chinese(data, message):
    from newind.cases import sla
    from newind.core.errors import AppError

    if sla.LIBRARY_YEARS[1] != 2026:
        pytest.skip("the cases are written for chinesecalendar's 2026 as its last year")
    with pytest.raises(AppError, match=message):
        sla.parse_extra_years(data)


def test_a_year_the_package_already_holds_is_left_to_the_package():
    from newind.cases import sla

    extra = sla.parse_extra_years({"years": {2017: {"holidays": [dt.date(2017, 3, 1)]}}})
    assert extra.years == frozenset() and not extra.holidays  # 2017-03-01 stays a working day
    assert is_working_day(dt.date(2017, 3, 1))
