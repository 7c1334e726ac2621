"""Working-time arithmetic and SLA profiles of the case engine. Pure: no database.

Working days come from `chinese_calendar` (the State Council's yearly holiday notices, 调休 included): a
Saturday or Sunday made a working day counts, a holiday on a weekday does not. The library knows only the
years it ships (`LIBRARY_YEARS`); the office adds a newer year's 放假安排 in definitions/calendar/holidays.yaml
until a package release has it. Any other year raises `CalendarRangeError` (a Chinese sentence) rather than
guessing Monday–Friday, because a wrong deadline on a public case is worse than a refusal.

How a deadline is represented — the one convention used everywhere in `cases`:

* "N working days after a receipt on day d" ends at 24:00 of the N-th working day strictly after d (the
  day of receipt never counts, whatever the hour). 24:00 is stored as **00:00 of the next calendar day**,
  an exact instant: a case is on time when it is done at or before the deadline (`done_at <= deadline`).
  `format_deadline` prints such an instant as "2017-10-10 24:00", so a reader sees the day it belongs to.
* An hour limit counts working minutes inside the profile's office day (default 08:30–12:00, 14:30–17:30)
  on working days only. A receipt outside office time starts counting at the next opening; a limit that
  runs out exactly at a closing time ends at that closing time (12:00, not 14:30).
* All datetimes are aware, in Asia/Shanghai; a naive one is read as Shanghai local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
import yaml
from chinese_calendar import constants as _calendar_data

from newind.cases.choices import Action
from newind.core.errors import AppError, Problem

TZ = ZoneInfo("Asia/Shanghai")

# The years chinese_calendar holds announced holidays for (1.11: 2004–2026).
LIBRARY_YEARS: tuple[int, int] = (
    min(d.year for d in _calendar_data.holidays), max(d.year for d in _calendar_data.holidays))
# The file where the office writes a year's 放假安排 the package does not hold yet (the State Council
# publishes each year's in the autumn before; a package release follows some weeks later).
CALENDAR_FILE = "calendar/holidays.yaml"


class CalendarRangeError(AppError):
    """A date outside the years the working calendar knows."""


@dataclass(frozen=True)
class ExtraYears:
    """Years the office added in definitions/calendar/holidays.yaml: their holidays and working weekends."""

    years: frozenset[int] = frozenset()
    holidays: frozenset[dt.date] = frozenset()
    working_weekends: frozenset[dt.date] = frozenset()


def parse_extra_years(data: Any, name: str = CALENDAR_FILE) -> ExtraYears:
    """Read the office's holiday file: `{year: {holidays: [dates], working_weekends: [dates]}}`; every date
    must lie in its year, and the years must follow the package's last year without a gap."""
    years = (data or {}).get("years") or {}
    if not isinstance(years, dict):
        raise AppError(f"{name}：years 应是“年份: 放假安排”的对照表。", code="calendar_file")
    holidays: set[dt.date] = set()
    weekends: set[dt.date] = set()
    for year, entry in years.items():
        if not isinstance(year, int) or not isinstance(entry, dict):
            raise AppError(f"{name}：「{year}」应是年份，其下写 holidays 和 working_weekends 两个日期列表。",
                           code="calendar_file")
        for key, into in (("holidays", holidays), ("working_weekends", weekends)):
            for day in entry.get(key) or []:
                if not isinstance(day, dt.date) or day.year != year:
                    raise AppError(f"{name}：{year} 年的 {key} 中「{day}」不是 {year} 年的日期（写成 {year}-10-01）。",
                                   code="calendar_file")
                if key == "working_weekends" and day.weekday() < 5:
                    raise AppError(f"{name}：{day:%Y-%m-%d} 不是周末，不能列为调休上班日。", code="calendar_file")
                into.add(day)
    # Years the package already holds are its own (an upgrade wins over the file); the rest must follow its
    # last year without a gap, so the calendar has no hole a deadline could fall into.
    added = sorted(y for y in years if y > LIBRARY_YEARS[1])
    if added != list(range(LIBRARY_YEARS[1] + 1, LIBRARY_YEARS[1] + 1 + len(added))):
        raise AppError(f"{name}：补充的年份须紧接 {LIBRARY_YEARS[1]} 年且连续（软件包已收录 "
                       f"{LIBRARY_YEARS[0]}—{LIBRARY_YEARS[1]} 年），现为 {'、'.join(map(str, added))}。",
                       code="calendar_file")
    holidays = {d for d in holidays if d.year in added}
    weekends = {d for d in weekends if d.year in added}
    return ExtraYears(frozenset(added), frozenset(holidays), frozenset(weekends))


def _load_extra_years() -> ExtraYears:
    try:
        from django.conf import settings

        path = Path(settings.DEFINITIONS_DIR) / CALENDAR_FILE
    except Exception:  # settings not configured (a pure use of this module): the package's years only
        return ExtraYears()
    if not path.exists():
        return ExtraYears()
    return parse_extra_years(yaml.safe_load(path.read_text(encoding="utf-8")), CALENDAR_FILE)


EXTRA = _load_extra_years()
# The years the working calendar covers: the package's, then the office's additions.
CALENDAR_YEARS: tuple[int, int] = (LIBRARY_YEARS[0], max([LIBRARY_YEARS[1], *EXTRA.years]))


def _out_of_range(day: dt.date) -> CalendarRangeError:
    first, last = CALENDAR_YEARS
    # Firms and departments read this on the pages: it says whom to ask, not what to install. The operator's
    # remedy (upgrade chinesecalendar, or add the year to definitions/calendar/holidays.yaml) is in
    # docs/deploy.md and in that file's header.
    return CalendarRangeError(
        f"工作日历只收录了 {first}—{last} 年的法定节假日和调休安排，无法计算 {day.year} 年的工作日"
        f"（{day:%Y-%m-%d}），因此暂时无法计算办理时限：请联系市新型工业化领导小组办公室补充国务院公布的"
        f" {day.year} 年放假安排。",
        code="calendar_range")


def is_working_day(day: dt.date) -> bool:
    """A working day by the Chinese calendar with 调休 (a working Saturday counts, a holiday does not)."""
    if day.year in EXTRA.years:
        return day in EXTRA.working_weekends or (day.weekday() < 5 and day not in EXTRA.holidays)
    if not LIBRARY_YEARS[0] <= day.year <= LIBRARY_YEARS[1]:
        raise _out_of_range(day)
    return _library_workday(day)


@cache
def _library_workday(day: dt.date) -> bool:
    # Cached: chinese_calendar validates each date against its whole table (min/max over every holiday, about
    # 0.1 ms a call), which was most of the time of deadline arithmetic over many cases (the demo's 2,000).
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise _out_of_range(day) from None


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day strictly before `day`."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after `day` (n = 0 gives `day` itself)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    for _ in range(n):
        day = next_working_day(day)
    return day


def to_local(moment: dt.datetime) -> dt.datetime:
    """`moment` in Asia/Shanghai; a naive datetime is taken to be Shanghai local time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of `day`, i.e. 00:00 of the next calendar day, Shanghai time."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=TZ)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=TZ)


def day_of_deadline(deadline: dt.datetime) -> dt.date:
    """The calendar day a deadline belongs to: 00:00 is 24:00 of the day before."""
    local = to_local(deadline)
    if local.time() == dt.time(0, 0):
        return local.date() - dt.timedelta(days=1)
    return local.date()


def working_days_deadline(received: dt.datetime, n: int) -> dt.datetime:
    """24:00 of the n-th working day after the day of receipt (as 00:00 of the day after it)."""
    return end_of_day(add_working_days(to_local(received).date(), n))


def format_deadline(moment: dt.datetime) -> str:
    """'2017-10-10 24:00' for an end of day, '2017-09-30 09:00' otherwise (Shanghai time)."""
    local = to_local(moment)
    if local.time() == dt.time(0, 0):
        return f"{local.date() - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


# --- the office day and working hours ---------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeDay:
    """The office's working periods of a working day, in order, e.g. 08:30–12:00 and 14:30–17:30."""

    periods: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(8, 30), dt.time(12, 0)),
                                                    (dt.time(14, 30), dt.time(17, 30)))

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("an office day needs at least one period")
        previous_end = dt.time(0, 0)
        for start, end in self.periods:
            if not (previous_end <= start < end):
                raise ValueError("office periods must be increasing and must not overlap")
            previous_end = end

    @property
    def opening(self) -> dt.time:
        return self.periods[0][0]

    def minutes(self) -> int:
        """Working minutes in one working day."""
        return sum(_minutes(end) - _minutes(start) for start, end in self.periods)

    def label(self) -> str:
        return "、".join(f"{s:%H:%M}—{e:%H:%M}" for s, e in self.periods)


DEFAULT_OFFICE_DAY = OfficeDay()


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=TZ)


def add_working_minutes(start: dt.datetime, minutes: int, office: OfficeDay = DEFAULT_OFFICE_DAY) -> dt.datetime:
    """The moment `minutes` working minutes after `start`, counting only office periods of working days.

    A limit that runs out exactly at the end of a period ends there (12:00), not at the next opening.
    """
    if minutes < 0:
        raise ValueError("minutes must be ≥ 0")
    local = to_local(start)
    day, left = local.date(), dt.timedelta(minutes=minutes)
    moment = local
    while True:
        if is_working_day(day):
            for p_start, p_end in office.periods:
                begin, end = _at(day, p_start), _at(day, p_end)
                if moment >= end:
                    continue
                begin = max(begin, moment)
                if begin + left <= end:
                    return begin + left
                left -= end - begin
                moment = end
        day += dt.timedelta(days=1)
        moment = start_of_day(day)


def subtract_working_minutes(end: dt.datetime, minutes: int, office: OfficeDay = DEFAULT_OFFICE_DAY) -> dt.datetime:
    """The moment `minutes` working minutes before `end` (the mirror of `add_working_minutes`).

    A span that runs out exactly at the start of a period ends there (14:30), not at the previous closing.
    """
    if minutes < 0:
        raise ValueError("minutes must be ≥ 0")
    local = to_local(end)
    day, left = local.date(), dt.timedelta(minutes=minutes)
    if local.time() == dt.time(0, 0):  # 24:00 of the previous day
        day -= dt.timedelta(days=1)
        local = end_of_day(day)
    moment = local
    while True:
        if is_working_day(day):
            for p_start, p_end in reversed(office.periods):
                begin, finish = _at(day, p_start), _at(day, p_end)
                if moment <= begin:
                    continue
                finish = min(finish, moment)
                if finish - left >= begin:
                    return finish - left
                left -= finish - begin
                moment = begin
        day -= dt.timedelta(days=1)
        moment = end_of_day(day)


# --- limits, stages and profiles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A stage limit: whole working days, or working minutes of the office day."""

    working_days: int | None = None
    working_minutes: int | None = None

    def __post_init__(self) -> None:
        if (self.working_days is None) == (self.working_minutes is None):
            raise ValueError("a limit is either working days or working hours")

    def deadline(self, received: dt.datetime, office: OfficeDay = DEFAULT_OFFICE_DAY) -> dt.datetime:
        """The deadline of this limit for a receipt at `received`."""
        if self.working_days is not None:
            return working_days_deadline(received, self.working_days)
        assert self.working_minutes is not None
        return add_working_minutes(received, self.working_minutes, office)

    def label(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days}个工作日"
        assert self.working_minutes is not None
        hours, rest = divmod(self.working_minutes, 60)
        return f"{hours}个工作小时" if not rest else f"{self.working_minutes}个工作分钟"


class Condition:
    """When a stage replaces the regular closing limit."""

    MULTI_DEPARTMENT = "multi_department"  # the case has co-handling units
    COMPLEX = "complex"  # the office marked the case 复杂疑难
    ALL = (MULTI_DEPARTMENT, COMPLEX)
    LABELS = {MULTI_DEPARTMENT: "多部门协同办理", COMPLEX: "复杂疑难事项"}


class Who:
    """Whose deadline a stage is (the reminder goes to them)."""

    LEAD = "lead"
    CO_HANDLER = "co_handler"
    ALL = (LEAD, CO_HANDLER)


class EscalateTo:
    """The rungs of the escalation ladder."""

    LEAD_HEAD = "lead_head"
    OFFICE = "office"
    LEADER = "leader"
    LABELS = {LEAD_HEAD: "承办单位主要负责人", OFFICE: "市新型工业化办公室", LEADER: "分管市领导"}


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    limit: Limit
    who: str = Who.LEAD
    # A stage with a condition replaces the profile's closing stage for cases that meet it.
    condition: str | None = None
    # The timeline entries that meet the stage ("action" or "action:role in the case", e.g. "reply:co_handler"):
    # once one is on the case's timeline the stage's reminder is no longer sent. Empty: met only by closure.
    done_by: tuple[str, ...] = ()

    def met_by(self, events: Iterable[tuple[str, str]]) -> bool:
        """Is the stage met by one of the case's (action, role) timeline entries?"""
        wanted = set(self.done_by)
        return any(action in wanted or f"{action}:{role}" in wanted for action, role in events)


@dataclass(frozen=True)
class EscalationStep:
    """Escalate to `to` once the case is `after_working_days` working days late."""

    after_working_days: int
    to: str

    @property
    def label(self) -> str:
        return EscalateTo.LABELS[self.to]


@dataclass(frozen=True)
class TimeClass:
    """A class of time limit a case is filed under (督办: 紧急、一般、疑难、文件、纪要、年度): its closing limit in
    working days — fixed, or chosen by the office within [min_days, max_days] (紧急 1–5) — or, for an annual
    task, 24:00 of the year's last working day."""

    code: str
    name: str
    min_days: int = 0
    max_days: int = 0
    until_year_end: bool = False

    def deadline(self, received: dt.datetime, days: int | None = None) -> dt.datetime:
        local = to_local(received)
        if self.until_year_end:
            last = dt.date(local.year, 12, 31)
            while not is_working_day(last):
                last -= dt.timedelta(days=1)
            return end_of_day(last)
        if days is None:
            if self.min_days != self.max_days:
                raise AppError(f"「{self.name}」事项须在 {self.min_days}—{self.max_days} 个工作日内选定办结时限。")
            days = self.max_days
        if not self.min_days <= days <= self.max_days:
            raise AppError(f"「{self.name}」事项的办结时限须为 {self.min_days}—{self.max_days} 个工作日，"
                           f"不能是 {days} 个工作日。")
        return working_days_deadline(local, days)

    def label(self) -> str:
        if self.until_year_end:
            return f"{self.name}（当年年底前）"
        if self.min_days != self.max_days:
            return f"{self.name}（{self.min_days}—{self.max_days}个工作日）"
        return f"{self.name}（{self.max_days}个工作日）"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    name: str


@dataclass(frozen=True)
class ClosureReview:
    """销号 review: the office judges every item; then the instructing leader has N working days to add an
    instruction before the case is signed off."""

    checklist: tuple[ChecklistItem, ...]
    leader_window_working_days: int


@dataclass(frozen=True)
class ProgressRule:
    """Progress reports owed by long tasks: monthly by the given day of the next month for tasks whose limit
    is longer than `monthly_over_working_days`; quarterly (by the day after each quarter) for the classes named."""

    monthly_day: int = 5
    monthly_over_working_days: int = 20
    quarterly_classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaProfile:
    code: str
    name: str
    description: str
    stages: tuple[Stage, ...]
    close_stage: str
    escalation: tuple[EscalationStep, ...]
    # The reminder: this many working days before a working-day deadline (at the office opening),
    # this many working minutes before an hour deadline.
    remind_working_days: int = 1
    remind_working_minutes: int = 30
    # An extension must be asked at least this many working days before the closing deadline.
    extension_lead_working_days: int = 1
    # An assignment may be disputed within this many working days of the assignment.
    dispute_working_days: int = 1
    office_day: OfficeDay = field(default_factory=OfficeDay)
    # 督办 (issue 13 §2): the time classes a case may be filed under, the 销号 review and the progress rule.
    time_classes: tuple[TimeClass, ...] = ()
    closure_review: ClosureReview | None = None
    progress: ProgressRule | None = None

    def time_class(self, code: str) -> TimeClass:
        for item in self.time_classes:
            if item.code == code:
                return item
        known = "、".join(t.name for t in self.time_classes) or "（本方案不分类）"
        raise AppError(f"时限方案「{self.name}」没有「{code}」这一时限类别：可选 {known}。", code="not_found")

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise AppError(f"时限方案「{self.name}」没有「{code}」这一环节。", code="not_found", status=404)

    def deadlines(self, received: dt.datetime) -> dict[str, dt.datetime]:
        """Every stage's deadline for a receipt at `received`, in the profile's order."""
        return {s.code: s.limit.deadline(received, self.office_day) for s in self.stages}

    def closing_stage(self, *, multi_department: bool = False, complex_case: bool = False) -> Stage:
        """The stage whose deadline closes the case: a complex or multi-department variant when one applies."""
        wanted = []
        if complex_case:
            wanted.append(Condition.COMPLEX)
        if multi_department:
            wanted.append(Condition.MULTI_DEPARTMENT)
        # Of the variants that apply, the longest limit wins: a complex multi-department case gets the most time.
        variants = [s for s in self.stages if s.condition in wanted]
        if variants:
            return max(variants, key=lambda s: (s.limit.working_days or 0, s.limit.working_minutes or 0))
        return self.stage(self.close_stage)

    def close_deadline(self, received: dt.datetime, *, multi_department: bool = False,
                       complex_case: bool = False) -> dt.datetime:
        """The deadline a case is judged against (until an approved extension moves it)."""
        stage = self.closing_stage(multi_department=multi_department, complex_case=complex_case)
        return stage.limit.deadline(received, self.office_day)

    def reminder_at(self, stage: Stage, deadline: dt.datetime) -> dt.datetime:
        """When to remind before `deadline`: the office opening `remind_working_days` − 1 working days before
        the deadline's own day (1 → the opening of the last day), or working minutes before an hour limit."""
        if stage.limit.working_minutes is not None:
            return subtract_working_minutes(deadline, min(self.remind_working_minutes, stage.limit.working_minutes),
                                            self.office_day)
        day = day_of_deadline(deadline)
        for _ in range(max(self.remind_working_days - 1, 0)):
            day = previous_working_day(day)
        return _at(day, self.office_day.opening)

    def chase_at(self, deadline: dt.datetime) -> dt.datetime:
        """The 催办 notice: the office opening of the first working day after the deadline's day."""
        return _at(next_working_day(day_of_deadline(deadline)), self.office_day.opening)

    def escalation_at(self, step: EscalationStep, deadline: dt.datetime) -> dt.datetime:
        """The moment a case becomes `step.after_working_days` working days late: 24:00 of the N-th working
        day after the deadline's day."""
        return end_of_day(add_working_days(day_of_deadline(deadline), step.after_working_days))

    def latest_extension_request(self, deadline: dt.datetime) -> dt.datetime:
        """The last moment an extension may be asked: `extension_lead_working_days` whole working days must
        remain before the deadline (1 → before the deadline's own working day starts)."""
        day = day_of_deadline(deadline)
        for _ in range(max(self.extension_lead_working_days - 1, 0)):
            day = previous_working_day(day)
        if self.extension_lead_working_days == 0:
            return to_local(deadline)
        return start_of_day(day)

    def dispute_until(self, assigned_at: dt.datetime) -> dt.datetime:
        """The end of the window for disputing an assignment: 24:00 of the N-th working day after it."""
        return working_days_deadline(assigned_at, self.dispute_working_days)


def callback_due(closed_at: dt.datetime, office: OfficeDay = DEFAULT_OFFICE_DAY) -> dt.datetime:
    """The call-back task: the office opening of the working day after closure."""
    return _at(next_working_day(to_local(closed_at).date()), office.opening)


# --- vectorised working-day counts (metrics over many cases at once) ------------------------------------------


def _calendar_ordinals(first: int, last: int) -> np.ndarray:
    """The ordinals of every working day of the years, from the library's own holiday and 调休 tables at once
    (tested equal to `is_working_day` day by day)."""
    days = np.arange(dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal() + 1, dtype=np.int64)
    weekday = (days + 6) % 7  # date.weekday() of an ordinal: 0001-01-01 was a Monday
    holidays = np.fromiter((d.toordinal() for d in (*_calendar_data.holidays, *EXTRA.holidays)), dtype=np.int64)
    made_working = np.fromiter((d.toordinal() for d in (*_calendar_data.workdays, *EXTRA.working_weekends)),
                               dtype=np.int64)
    working = ((weekday < 5) & ~np.isin(days, holidays)) | np.isin(days, made_working)
    return days[working]


_WORKING_ORDINALS: np.ndarray | None = None


def _check_ordinals(ordinals: np.ndarray) -> None:
    if ordinals.size:
        for extreme in (int(ordinals.min()), int(ordinals.max())):
            day = dt.date.fromordinal(extreme)
            if not CALENDAR_YEARS[0] <= day.year <= CALENDAR_YEARS[1]:
                raise _out_of_range(day)


def working_days_between_ordinals(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`working_days_between` on proleptic ordinals (`date.toordinal()`), for whole columns at once."""
    global _WORKING_ORDINALS
    if _WORKING_ORDINALS is None:
        _WORKING_ORDINALS = _calendar_ordinals(*CALENDAR_YEARS)
    start, end = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    _check_ordinals(start)
    _check_ordinals(end)
    # One sorted array of the calendar's working days and two binary searches, not a loop per case.
    counts = (np.searchsorted(_WORKING_ORDINALS, end, side="right")
              - np.searchsorted(_WORKING_ORDINALS, start, side="right"))
    return np.maximum(counts, 0)


def working_days_between(starts: Iterable[dt.date], ends: Iterable[dt.date]) -> np.ndarray:
    """For each pair, the number of working days d with start < d ≤ end (0 when end ≤ start)."""
    return working_days_between_ordinals(np.asarray([d.toordinal() for d in starts], dtype=np.int64),
                                         np.asarray([d.toordinal() for d in ends], dtype=np.int64))


def working_days_to_close(received: dt.datetime, closed: dt.datetime) -> int:
    """Working days after the (Shanghai) day of receipt up to the day of closure: 0 when closed the same day."""
    return int(working_days_between([to_local(received).date()], [to_local(closed).date()])[0])


# The proleptic ordinal of 1970-01-01, to turn datetime64[D] day numbers into `date.toordinal()` values.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


# --- loading profiles from YAML -------------------------------------------------------------------------------


def profiles_dir() -> Path:
    from django.conf import settings

    return Path(settings.DEFINITIONS_DIR) / "sla"


def _time(text: Any, where: str, problems: list[Problem]) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        problems.append(Problem(f"{where}的时间「{text}」不是 HH:MM 格式。"))
        return None


def _limit(raw: Any, where: str, problems: list[Problem]) -> Limit | None:
    if not isinstance(raw, Mapping) or len(raw) != 1 or not ({"working_days", "working_hours"} & set(raw)):
        problems.append(Problem(f"{where}的时限须写成 working_days: N 或 working_hours: N 之一。"))
        return None
    if "working_days" in raw:
        value = raw["working_days"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(Problem(f"{where}的工作日数「{value}」须为正整数。"))
            return None
        return Limit(working_days=value)
    value = raw["working_hours"]
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        problems.append(Problem(f"{where}的工作小时数「{value}」须为正数。"))
        return None
    return Limit(working_minutes=round(value * 60))


_ACTION_CODES = frozenset(Action.values)


def parse_profile(raw: Any, source: str = "") -> SlaProfile:
    """Check one profile read from YAML and build it; an AppError lists every problem found."""
    problems: list[Problem] = []
    label = f"时限方案 {source}" if source else "时限方案"
    if not isinstance(raw, Mapping):
        raise AppError(f"{label}不是一个映射（键: 值）。", code="invalid_definition")
    for key in ("code", "name", "stages", "close_stage", "escalation"):
        if key not in raw:
            problems.append(Problem(f"缺少「{key}」。"))
    unknown = set(raw) - {"code", "name", "description", "stages", "close_stage", "escalation", "remind",
                          "extension_lead_working_days", "dispute_working_days", "office_day", "time_classes",
                          "closure_review", "progress"}
    if unknown:
        problems.append(Problem(f"不认识的键：{'、'.join(sorted(unknown))}。"))
    office = DEFAULT_OFFICE_DAY
    if "office_day" in raw:
        periods = []
        for i, period in enumerate(raw["office_day"] or [], 1):
            if not isinstance(period, list | tuple) or len(period) != 2:
                problems.append(Problem(f"office_day 第{i}段须写成 [开始, 结束]。"))
                continue
            start, end = (_time(t, f"office_day 第{i}段", problems) for t in period)
            if start and end:
                periods.append((start, end))
        try:
            office = OfficeDay(tuple(periods))
        except ValueError:
            problems.append(Problem("office_day 的时段须按时间先后排列、互不重叠，且至少一段。"))
    stages: list[Stage] = []
    for i, item in enumerate(raw.get("stages") or [], 1):
        where = f"第{i}个环节"
        if not isinstance(item, Mapping) or not item.get("code") or not item.get("name"):
            problems.append(Problem(f"{where}须有 code 和 name。"))
            continue
        limit = _limit(item.get("limit"), f"环节「{item['name']}」", problems)
        who = item.get("who", Who.LEAD)
        if who not in Who.ALL:
            problems.append(Problem(f"环节「{item['name']}」的 who 须为 {'、'.join(Who.ALL)} 之一。"))
        condition = item.get("condition")
        if condition is not None and condition not in Condition.ALL:
            problems.append(Problem(f"环节「{item['name']}」的 condition 须为 {'、'.join(Condition.ALL)} 之一。"))
        done_by = item.get("done_by") or []
        if not isinstance(done_by, list | tuple) or not all(isinstance(d, str) for d in done_by):
            problems.append(Problem(f"环节「{item['name']}」的 done_by 须为操作代码的列表（如 [accept, reply]）。"))
            done_by = []
        bad = [d for d in done_by if d.split(":")[0] not in _ACTION_CODES]
        if bad:
            problems.append(Problem(f"环节「{item['name']}」的 done_by 中「{'、'.join(bad)}」不是事项的操作。"))
        if limit:
            stages.append(Stage(str(item["code"]), str(item["name"]), limit, who, condition, tuple(done_by)))
    codes = [s.code for s in stages]
    if len(set(codes)) != len(codes):
        problems.append(Problem("环节代码重复。"))
    close = raw.get("close_stage")
    if close is not None and close not in codes:
        problems.append(Problem(f"close_stage「{close}」不是本方案的环节。"))
    elif close is not None and next(s for s in stages if s.code == close).limit.working_days is None:
        problems.append(Problem("办结环节须以工作日计时。"))
    steps: list[EscalationStep] = []
    for i, item in enumerate(raw.get("escalation") or [], 1):
        after = item.get("after_working_days") if isinstance(item, Mapping) else None
        to = item.get("to") if isinstance(item, Mapping) else None
        if not isinstance(after, int) or isinstance(after, bool) or after < 1 or to not in EscalateTo.LABELS:
            problems.append(Problem(f"升级第{i}级须写成 after_working_days: 正整数, to: "
                                    f"{'、'.join(EscalateTo.LABELS)} 之一。"))
            continue
        steps.append(EscalationStep(after, to))
    if [s.after_working_days for s in steps] != sorted({s.after_working_days for s in steps}):
        problems.append(Problem("升级阶梯的逾期工作日数须逐级递增。"))
    remind = raw.get("remind") or {}
    remind_days = remind.get("working_days", 1) if isinstance(remind, Mapping) else None
    remind_hours = remind.get("working_hours", 0.5) if isinstance(remind, Mapping) else None
    if not isinstance(remind_days, int) or isinstance(remind_days, bool) or remind_days < 1 \
            or not isinstance(remind_hours, int | float) or remind_hours <= 0:
        problems.append(Problem("remind 须写成 working_days: 正整数, working_hours: 正数。"))
        remind_days, remind_hours = 1, 0.5
    ints = {}
    for key, default in (("extension_lead_working_days", 1), ("dispute_working_days", 1)):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(f"{key} 须为不小于 0 的整数。"))
            value = default
        ints[key] = value
    classes = _time_classes(raw.get("time_classes"), problems)
    review = _closure_review(raw.get("closure_review"), problems)
    progress = _progress(raw.get("progress"), {c.code for c in classes}, problems)
    if problems:
        raise AppError(f"{label}有 {len(problems)} 处问题：请按下列说明修改 YAML 文件。", problems=problems,
                       code="invalid_definition")
    return SlaProfile(time_classes=classes, closure_review=review, progress=progress,code=str(raw["code"]), name=str(raw["name"]), description=str(raw.get("description", "")),
                      stages=tuple(stages), close_stage=str(close), escalation=tuple(steps),
                      remind_working_days=remind_days, remind_working_minutes=round(remind_hours * 60),
                      extension_lead_working_days=ints["extension_lead_working_days"],
                      dispute_working_days=ints["dispute_working_days"], office_day=office)


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _time_classes(raw: Any, problems: list[Problem]) -> tuple[TimeClass, ...]:
    out: list[TimeClass] = []
    for i, item in enumerate(raw or [], 1):
        if not isinstance(item, Mapping) or not item.get("code") or not item.get("name"):
            problems.append(Problem(f"time_classes 第{i}项须有 code 和 name。"))
            continue
        days, year_end = item.get("working_days"), item.get("until_year_end", False)
        if year_end is True and days is None:
            out.append(TimeClass(str(item["code"]), str(item["name"]), until_year_end=True))
        elif _positive(days):
            out.append(TimeClass(str(item["code"]), str(item["name"]), int(days), int(days)))  # type: ignore[arg-type]
        elif isinstance(days, list | tuple) and len(days) == 2 and all(_positive(d) for d in days) \
                and days[0] < days[1]:
            out.append(TimeClass(str(item["code"]), str(item["name"]), int(days[0]), int(days[1])))
        else:
            problems.append(Problem(f"时限类别「{item['name']}」须写 working_days: N、working_days: [最少, 最多] "
                                    "或 until_year_end: true 之一。"))
    if len({c.code for c in out}) != len(out):
        problems.append(Problem("时限类别代码重复。"))
    return tuple(out)


def _closure_review(raw: Any, problems: list[Problem]) -> ClosureReview | None:
    if raw is None:
        return None
    items = raw.get("checklist") if isinstance(raw, Mapping) else None
    window = raw.get("leader_window_working_days") if isinstance(raw, Mapping) else None
    if not isinstance(items, list) or not items or not all(isinstance(x, Mapping) and x.get("code") and x.get("name")
                                                           for x in items) or not _positive(window):
        problems.append(Problem("closure_review 须写 checklist（每项 code、name）和 leader_window_working_days: 正整数。"))
        return None
    return ClosureReview(tuple(ChecklistItem(str(x["code"]), str(x["name"])) for x in items), int(window))  # type: ignore[arg-type]


def _progress(raw: Any, class_codes: set[str], problems: list[Problem]) -> ProgressRule | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem("progress 须为映射。"))
        return None
    day, over = raw.get("monthly_day", 5), raw.get("monthly_over_working_days", 20)
    quarterly = raw.get("quarterly_classes") or []
    if not _positive(day) or day > 28 or not _positive(over):
        problems.append(Problem("progress 的 monthly_day 须为 1—28 的整数，monthly_over_working_days 须为正整数。"))
        return None
    bad = [c for c in quarterly if c not in class_codes]
    if bad:
        problems.append(Problem(f"progress 的 quarterly_classes 中「{'、'.join(map(str, bad))}」不是本方案的时限类别。"))
    return ProgressRule(int(day), int(over), tuple(str(c) for c in quarterly))


def profile_codes(directory: Path | None = None) -> list[str]:
    """The codes of the shipped profiles (file names in definitions/sla)."""
    return sorted(p.stem for p in (directory or profiles_dir()).glob("*.yaml"))


def load_profile(code: str, directory: Path | None = None) -> SlaProfile:
    """Read and check definitions/sla/<code>.yaml."""
    folder = directory or profiles_dir()
    path = folder / f"{code}.yaml"
    if not code.replace("_", "").replace("-", "").isalnum() or not path.is_file():
        known = "、".join(profile_codes(folder)) or "（无）"
        raise AppError(f"没有名为「{code}」的时限方案：可用的方案有 {known}。", status=404, code="not_found")
    profile = parse_profile(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    if profile.code != code:
        raise AppError(f"时限方案文件 {path.name} 里的 code 是「{profile.code}」，应与文件名「{code}」一致。",
                       code="invalid_definition")
    return profile


def parse_received(text: str) -> dt.datetime:
    """'2017-09-29T17:00' (Shanghai time unless an offset is given) → an aware datetime."""
    try:
        return to_local(dt.datetime.fromisoformat(text.strip()))
    except ValueError:
        raise AppError(f"受理时间「{text}」格式不对：请写成 YYYY-MM-DDTHH:MM，例如 2017-09-29T17:00。") from None
