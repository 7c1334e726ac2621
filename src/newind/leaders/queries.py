"""Reads behind the leaders' responsibility page and assessment item: the records newind keeps (meetings,
supervision tasks, approved monthly reports, case closures on the timeline, red lights), framed for
`leaders.calc.responsibility`. One code path for the page, the API and `newind leaders show`.

A period is cumulative like every figure (1–N月, a quarter 1–N季度, a year): the window runs from 1 January
to the last day of its last month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db.models import F

from newind.cases.choices import Action, CaseKind
from newind.cases.models import CaseEvent
from newind.cases.sla import TZ
from newind.indicators.periods import Period, PeriodKind
from newind.leaders.calc import Rules, responsibility
from newind.submissions.models import Submission
from newind.supervision.models import Meeting, SupervisionTask, UnitHead

RULES_FILE = "leaders/rules.yaml"


def load_rules() -> tuple[Rules, int]:
    """The rules and the release day (definitions/leaders/rules.yaml)."""
    path = settings.DEFINITIONS_DIR / RULES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = Rules(meetings_per_month=int(data.get("meetings_per_month", 1)),
                  meeting_kinds=tuple(data.get("meeting_kinds") or ("monthly",)),
                  follow_days=int(data.get("follow_days", 10)))
    return rules, int(data.get("release_day", 15))


def window(period: Period) -> tuple[dt.date, dt.date]:
    last_month = period.months_covered
    return dt.date(period.year, 1, 1), dt.date(period.year, last_month, calendar.monthrange(period.year, last_month)[1])


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


def heads_frame(unit_ids: list[int] | None = None) -> pd.DataFrame:
    qs = UnitHead.objects.filter(is_principal=True)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = qs.order_by("unit__sort_order", "unit__code", "id").values(
        "id", "unit_id", "name", "post", "user_id", unit_code=F("unit__code"), unit_name=F("unit__name"))
    frame = pd.DataFrame(list(rows), columns=["id", "unit_id", "name", "post", "user_id", "unit_code", "unit_name"])
    return frame.rename(columns={"id": "head_id"})


def _red_lights(period: Period, units: pd.DataFrame, release_day: int) -> pd.DataFrame:
    """The targets newly lit red in each month of the period, with the day the unit's figures came out."""
    from newind.targets.queries import warning_list

    empty = pd.DataFrame(columns=["unit_id", "lit_on"])
    if units.empty:
        return empty
    codes = units["unit_code"].tolist()
    by_code = dict(zip(units["unit_code"], units["unit_id"], strict=True))
    last = period.months_covered
    published = pd.DataFrame(list(Submission.objects.filter(
        unit_id__in=units["unit_id"].tolist(), task__year=period.year, task__period_kind=PeriodKind.MONTH_CUM,
        published_at__isnull=False).values("unit_id", "published_at", n=F("task__period_n"))),
        columns=["unit_id", "published_at", "n"])
    blocks = []
    for n in range(2, last + 1):  # the monthly periods (1–2月 is the first), a dozen reads at most
        listed = warning_list(Period.month(period.year, n), unit_codes=codes)
        if listed.empty:
            continue
        red = listed[(listed["light"] == "red") & (listed["previous_light"] != "red")]
        if red.empty:
            continue
        month = pd.DataFrame({"unit_id": red["unit_code"].map(by_code).to_numpy(), "n": n})
        blocks.append(month.dropna(subset=["unit_id"]))
    if not blocks:
        return empty
    lit = pd.concat(blocks, ignore_index=True)
    if not published.empty:
        published["published_on"] = pd.to_datetime(published["published_at"], utc=True).dt.tz_convert(TZ).dt.date
        released = published.groupby(["unit_id", "n"])["published_on"].max().rename("published_on").reset_index()
        lit = lit.merge(released, on=["unit_id", "n"], how="left")
    else:
        lit["published_on"] = None
    fallback = lit["n"].map(lambda n: dt.date(period.year + n // 12, n % 12 + 1, release_day))
    lit["lit_on"] = lit["published_on"].where(lit["published_on"].notna(), fallback)
    return lit[["unit_id", "lit_on"]]


def responsibility_table(period: Period | str, unit_ids: list[int] | None = None) -> pd.DataFrame:
    """Per principal unit head over the period: the measures of `leaders.calc` (OUT_COLUMNS)."""
    period = Period.parse(period) if not isinstance(period, Period) else period
    rules, release_day = load_rules()
    start, end = window(period)
    lo, hi = _aware(start), _aware(end + dt.timedelta(days=1))
    heads = heads_frame(unit_ids)
    ids = heads["unit_id"].tolist()
    head_ids = heads["head_id"].tolist()
    by_user = {int(u): int(h) for u, h in zip(heads["user_id"], heads["head_id"], strict=True) if pd.notna(u)}
    meetings = pd.DataFrame(list(Meeting.objects.filter(held_on__gte=start, held_on__lte=end, chair_id__in=head_ids)
                                 .values("chair_id", "kind")), columns=["chair_id", "kind"])
    tasks = pd.DataFrame(list(SupervisionTask.objects.filter(case__received_at__gte=lo, case__received_at__lt=hi)
                              .values("instructing_head_id", "created_by_id")),
                         columns=["instructing_head_id", "created_by_id"])
    # Personally assigned or instructed: the head's 批示 (instructing head) or a task the head filed themself.
    instructed = tasks["instructing_head_id"].where(tasks["instructing_head_id"].notna(),
                                                     tasks["created_by_id"].map(by_user))
    tasks_instructed = pd.DataFrame({"head_id": instructed.dropna().astype(int)})
    reports = pd.DataFrame(list(Submission.objects.filter(
        unit_id__in=ids, task__year=period.year, approved_at__isnull=False,
        task__period_kind=PeriodKind.MONTH_CUM, task__period_n__lte=period.months_covered)
        .values("unit_id", "approved_by_id")), columns=["unit_id", "approved_by_id"]).rename(
        columns={"approved_by_id": "approved_by"})
    closures = pd.DataFrame(list(CaseEvent.objects.filter(
        kind=Action.CLOSE, case__kind=CaseKind.SUPERVISION, at__gte=lo, at__lt=hi, case__lead_unit_id__in=ids)
        .values("actor_id", lead=F("case__lead_unit_id"))), columns=["lead", "actor_id"]).rename(
        columns={"actor_id": "closed_by", "lead": "unit_id"})
    lights = _red_lights(period, heads, release_day)
    late = _aware(end + dt.timedelta(days=rules.follow_days + 1))
    unit_tasks = pd.DataFrame(list(SupervisionTask.objects.filter(
        case__received_at__gte=lo, case__received_at__lt=late, case__lead_unit_id__in=ids)
        .values(lead=F("case__lead_unit_id"), received=F("case__received_at"))), columns=["lead", "received"]).rename(
        columns={"lead": "unit_id"})
    unit_tasks["created_on"] = pd.to_datetime(unit_tasks["received"], utc=True).dt.tz_convert(TZ).dt.date
    return responsibility(heads, months=period.months_covered, rules=rules, meetings=meetings,
                          tasks_instructed=tasks_instructed, reports=reports, closures=closures, lights=lights,
                          unit_tasks=unit_tasks[["unit_id", "created_on"]])


def as_json(period: Period | str, unit_ids: list[int] | None = None) -> dict[str, Any]:
    period = Period.parse(period) if not isinstance(period, Period) else period
    table = responsibility_table(period, unit_ids)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return {"period": period.key, "period_label": period.label, "heads": rows}
