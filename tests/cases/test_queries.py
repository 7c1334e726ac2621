"""Metrics per department, category and month, and the overdue list, against hand-counted figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newind.cases.calc import case_metrics
from newind.cases.models import Case, CaseCategory
from newind.cases.queries import case_frame, metrics, overdue
from newind.cases.sla import working_days_to_close
from tests.cases.conftest import at

NOW = at("2017-11-01T09:00")


def _case(n: int, lead, *, received: str, deadline: str, state: str, closed: str | None = None,  # type: ignore[no-untyped-def]
          rating: str = "", extended: int = 0, categories: tuple[str, ...] = ()) -> Case:
    days = working_days_to_close(at(received), at(closed)) if closed else None  # as services.apply_action stores it
    case = Case.objects.create(code=f"T{n}", title=f"事项{n}", lead_unit=lead, sla_profile="zhongshan",
                               received_at=at(received), close_deadline=at(deadline),
                               original_close_deadline=at(deadline), state=state, working_days_to_close=days,
                               closed_at=at(closed) if closed else None, rating=rating, extensions_approved=extended)
    CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in categories])
    return case


@pytest.fixture
def five_cases(units):  # type: ignore[no-untyped-def]
    return [
        # c1: 发改委, received 09-29, closed 10-10 before its 10-12 24:00 deadline, satisfied.
        #     Working days to close: 09-30, 10-09, 10-10 = 3.
        _case(1, units.fgw, received="2017-09-29T10:00", deadline="2017-10-13T00:00", state="archived",
              closed="2017-10-10T10:00", rating="satisfied", categories=("financing", "land")),
        # c2: 发改委, closed 10-20 after its 10-16 24:00 deadline (done late), unsatisfied.
        #     Working days: 10-10…10-13, 10-16…10-20 = 9.
        _case(2, units.fgw, received="2017-10-09T09:00", deadline="2017-10-17T00:00", state="evaluated",
              closed="2017-10-20T09:00", rating="unsatisfied", categories=("financing",)),
        # c3: 发改委, extension approved to 10-26 24:00, closed 10-25: on time, basically satisfied.
        #     Working days: 10-10…10-13, 10-16…10-20, 10-23…10-25 = 12.
        _case(3, units.fgw, received="2017-10-09T09:00", deadline="2017-10-27T00:00", state="evaluated",
              closed="2017-10-25T16:00", rating="basically_satisfied", extended=1, categories=("land",)),
        # c4: 发改委, still in progress on 11-01, past its 10-16 24:00 deadline (overdue, still open).
        _case(4, units.fgw, received="2017-10-09T09:00", deadline="2017-10-17T00:00", state="in_progress",
              categories=("financing",)),
        # c5: 自然资源局, received 2018-02-14, closed 02-22 (the first working day after Spring Festival = 1 WD),
        #     on time, not rated yet. (Counted with NOW in 2017 it is not overdue: it is closed.)
        _case(5, units.zrzy, received="2018-02-14T10:00", deadline="2018-02-28T00:00", state="closed",
              closed="2018-02-22T11:00", categories=("approval",)),
    ]


def _rows(frame: pd.DataFrame, key: str) -> dict[object, dict[str, object]]:
    return {row[key]: row for row in frame.to_dict("records")}


def test_metrics_per_department(five_cases, units):
    rows = _rows(metrics("department", now=NOW), "lead_unit__name")
    fgw = rows["市发展和改革委员会"]
    # 4 cases, 3 closed (c1–c3), 2 on time (c1, c3), 1 extended (c3), 3 rated, 2 satisfied (满意 + 基本满意).
    assert {k: fgw[k] for k in ("total", "closed", "closed_on_time", "extended", "rated", "satisfied")} == {
        "total": 4, "closed": 3, "closed_on_time": 2, "extended": 1, "rated": 3, "satisfied": 2}
    # 3/4 = 75.0%; 2/3 = 66.7%; 1/4 = 25.0%; 2/3 = 66.7%; (3 + 9 + 12) / 3 = 8.0 working days.
    assert (fgw["closure_rate"], fgw["on_time_rate"], fgw["extension_rate"], fgw["satisfaction_rate"]) == (
        75.0, 66.7, 25.0, 66.7)
    assert fgw["avg_working_days_to_close"] == 8.0
    assert (fgw["overdue_done_late"], fgw["overdue_still_open"]) == (1, 1)
    zrzy = rows["市自然资源和规划局"]
    # One closed case, on time, 1 working day; nobody rated it: 满意率 is no number, not 0%.
    assert (zrzy["total"], zrzy["closure_rate"], zrzy["on_time_rate"], zrzy["satisfaction_rate"],
            zrzy["avg_working_days_to_close"]) == (1, 100.0, 100.0, None, 1.0)


def test_metrics_per_category_count_a_case_in_each_of_its_categories(five_cases):
    rows = _rows(metrics("category", now=NOW), "category")
    assert set(rows) == {"financing", "land", "approval"}
    financing, land = rows["financing"], rows["land"]
    assert financing["category_name"] == "融资" and land["category_name"] == "用地"
    # 融资: c1, c2, c4 → closed 2 of 3 (66.7%), on time 1 of 2 (50.0%), satisfied 1 of 2 rated (50.0%),
    # (3 + 9) / 2 = 6.0 working days, one done late (c2) and one still open (c4).
    assert (financing["total"], financing["closure_rate"], financing["on_time_rate"], financing["extension_rate"],
            financing["satisfaction_rate"], financing["avg_working_days_to_close"],
            financing["overdue_done_late"], financing["overdue_still_open"]) == (3, 66.7, 50.0, 0.0, 50.0, 6.0, 1, 1)
    # 用地: c1, c3 → all closed on time, one extended (50.0%), both satisfied, (3 + 12) / 2 = 7.5.
    assert (land["total"], land["on_time_rate"], land["extension_rate"], land["satisfaction_rate"],
            land["avg_working_days_to_close"]) == (2, 100.0, 50.0, 100.0, 7.5)


def test_metrics_per_month_of_receipt(five_cases):
    rows = _rows(metrics("month", now=NOW), "month")
    assert list(rows) == ["2017-09", "2017-10", "2018-02"]
    october = rows["2017-10"]
    # c2, c3, c4: closed 2 of 3, on time 1 of 2, extended 1 of 3 (33.3%), (9 + 12) / 2 = 10.5.
    assert (october["total"], october["closure_rate"], october["on_time_rate"], october["extension_rate"],
            october["avg_working_days_to_close"]) == (3, 66.7, 50.0, 33.3, 10.5)


def test_metrics_run_in_a_fixed_number_of_queries(five_cases, units):
    for i in range(6, 40):
        _case(i, units.rsj, received="2017-10-09T09:00", deadline="2017-10-17T00:00", state="in_progress",
              categories=("labour", "other"))
    # One GROUP BY query each (by department, one more for the units' names; by month, one first for the
    # span of months).
    for by, expected in (("department", 2), ("month", 2), ("category", 1)):
        with CaptureQueriesContext(connection) as queries:
            metrics(by, now=NOW)
        assert len(queries) == expected, by


def test_the_overdue_list_splits_done_late_from_still_open(five_cases):
    lists = overdue(now=NOW)
    assert [c.code for c in lists["still_open"]] == ["T4"]
    assert [c.code for c in lists["done_late"]] == ["T2"]
    # On 10-16 at noon c4 is not yet overdue (its deadline is 10-16 24:00).
    assert list(overdue(now=at("2017-10-16T12:00"))["still_open"]) == []


def test_months_follow_shanghai_time_at_the_boundary(units):
    # 2017-10-31 23:30 in Shanghai is 15:30 UTC on the 31st; 2017-11-01 00:10 Shanghai is 16:10 UTC on 10-31:
    # by UTC both would be October, in Shanghai the second is November.
    _case(1, units.fgw, received="2017-10-31T23:30", deadline="2017-11-08T00:00", state="in_progress")
    _case(2, units.fgw, received="2017-11-01T00:10", deadline="2017-11-09T00:00", state="in_progress")
    _case(3, units.fgw, received="2018-01-01T00:00", deadline="2018-01-09T00:00", state="in_progress")
    rows = metrics("month", now=NOW).to_dict("records")
    # December has no cases and no row; January 2018 starts at 00:00 Shanghai.
    assert [(r["month"], r["total"]) for r in rows] == [("2017-10", 1), ("2017-11", 1), ("2018-01", 1)]
    assert metrics("month", now=NOW, cases=Case.objects.none()).empty


def test_an_unknown_grouping_is_refused(db):
    from newind.core.errors import AppError

    with pytest.raises(AppError, match="不能按「county」统计"):
        metrics("county", now=NOW)


def test_case_metrics_of_no_cases_is_an_empty_table():
    out = case_metrics(pd.DataFrame(), ["month"], dt.datetime(2017, 1, 1, tzinfo=dt.UTC))
    assert out.empty and "closure_rate" in out.columns


def test_the_sql_metrics_agree_with_the_frame_metrics_on_many_cases(units):
    """The SQL path (GROUP BY) and the pure frame path (`calc.case_metrics`) share one set of definitions."""
    import random

    rng = random.Random(11)
    leads = [units.fgw, units.zrzy, units.rsj, None]
    for i in range(120):
        day = rng.randrange(0, 200)
        received = at("2017-03-01T09:00") + dt.timedelta(days=day, minutes=rng.randrange(600))
        deadline = received + dt.timedelta(days=rng.randrange(3, 15))
        state = rng.choice(["received", "in_progress", "redo", "closed", "evaluated", "archived"])
        closed = received + dt.timedelta(days=rng.randrange(0, 20), hours=rng.randrange(10)) \
            if state in ("closed", "evaluated", "archived") else None
        _case(100 + i, rng.choice(leads), received=received.isoformat()[:16], deadline=deadline.isoformat()[:16],
              state=state, closed=closed.isoformat()[:16] if closed else None,
              rating=rng.choice(["", "satisfied", "basically_satisfied", "unsatisfied"]) if closed else "",
              extended=rng.choice([0, 0, 0, 1]), categories=tuple(rng.sample(["financing", "land", "labour"], 2)))
    now = at("2017-08-01T12:00")
    frame = case_frame()
    by_department = case_metrics(frame, ["lead_unit_id", "lead_unit__name"], now)
    sql_department = metrics("department", now=now)
    assert sql_department.to_dict("records") == by_department.to_dict("records")
    assert metrics("month", now=now).to_dict("records") == case_metrics(frame, ["month"], now).to_dict("records")
    tags = pd.DataFrame(list(CaseCategory.objects.values_list("case_id", "category")), columns=["id", "category"])
    by_category = case_metrics(frame.merge(tags, on="id"), ["category"], now)
    assert metrics("category", now=now).drop(columns="category_name").to_dict("records") == by_category.to_dict(
        "records")
    assert sql_department["total"].sum() == 120
    # A selection of cases (one department) gives that department's figures alone, by category too.
    selected = Case.objects.filter(lead_unit=units.fgw)
    fgw_rows = metrics("department", now=now, cases=selected).to_dict("records")
    assert fgw_rows == [r for r in by_department.to_dict("records") if r["lead_unit_id"] == units.fgw.pk]
    fgw_frame = case_frame(selected).merge(tags, on="id")
    assert metrics("category", now=now, cases=selected).drop(columns="category_name").to_dict("records") == (
        case_metrics(fgw_frame, ["category"], now).to_dict("records"))
