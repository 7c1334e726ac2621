"""Reads of the case engine: the category taxonomy, the overdue list and the metrics, set-wise.

The metrics read each case once (`values()` into one frame, a second query for the category tags) and
compute every figure in `cases.calc.case_metrics`: no query and no Python loop per case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, F, IntegerField, Max, Min, Q, QuerySet, Sum, TextField, Value, When
from django.db.models import Case as DbCase
from django.db.models.functions import Cast

from newind.cases.calc import (
    CLOSED_STATES,
    METRIC_COLUMNS,
    OPEN_STATES,
    REASON_COLUMNS,
    SATISFIED_RATINGS,
    metric_rates,
)
from newind.cases.sla import TZ, day_of_deadline, format_deadline, to_local
from newind.core.errors import AppError, Problem

GROUPINGS = {"department": "承办单位", "category": "分类", "month": "受理月份"}
REASON_LABELS = {"unsatisfied_subjective": "不满意·主观原因（次）", "unsatisfied_objective": "不满意·客观原因（次）",
                 "reopened": "退回重办（件）"}


def categories_path() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "cases" / "categories.yaml"


def categories(path: Path | None = None) -> dict[str, str]:
    """The category taxonomy, code → Chinese name, in file order (checked: codes and names unique)."""
    source = path or categories_path()
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    problems: list[Problem] = []
    items = raw.get("categories") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise AppError(f"{source.name} 须有非空的 categories 列表。", code="invalid_definition")
    out: dict[str, str] = {}
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
            problems.append(Problem(f"第{i}个分类须有 code 和 name。"))
            continue
        if item["code"] in out or item["name"] in out.values():
            problems.append(Problem(f"分类「{item['name']}」（{item['code']}）重复。"))
        out[str(item["code"])] = str(item["name"])
    if problems:
        raise AppError(f"{source.name} 有 {len(problems)} 处问题。", problems=problems, code="invalid_definition")
    return out


_FIELDS = ["id", "state", "received_at", "closed_at", "close_deadline", "extensions_approved", "rating",
           "lead_unit_id", "redo_count", "unsatisfied_reason_kind"]
_DATETIMES = ("received_at", "closed_at", "close_deadline")


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset straight from the cursor, without Django's per-row converter pass
    (the metrics turn the columns into a frame and convert them there, a column at once)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def case_frame(cases: QuerySet[Any] | None = None) -> pd.DataFrame:
    """One row per case with what the metrics need (one query), plus the month of receipt (Shanghai time)."""
    from newind.cases.models import Case

    queryset = (cases if cases is not None else Case.objects.all()).order_by()
    # Datetimes as text, parsed by pandas a column at once: the drivers would build a Python datetime per
    # value (SQLite through Django's converter, psycopg through Django's time-zone loader), which was most
    # of the time at 100,000 cases. The text carries its offset on PostgreSQL and is UTC on SQLite.
    texts = {f"{c}_text": Cast(c, output_field=TextField()) for c in _DATETIMES}
    queryset = queryset.annotate(**texts)
    fields = [f"{c}_text" if c in _DATETIMES else c for c in _FIELDS]
    queryset = queryset.values_list(*fields)
    frame = pd.DataFrame(_raw_rows(queryset), columns=_FIELDS)
    if frame.empty:
        frame["month"] = pd.Series(dtype=object)
        return frame
    for column in _DATETIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    local = frame["received_at"].dt.tz_convert(TZ)
    # Formatting 100,000 dates is slow; format the dozen distinct months once.
    month_number = local.dt.year * 100 + local.dt.month
    frame["month"] = month_number.map({m: f"{m // 100}-{m % 100:02d}" for m in month_number.unique()})
    # The lead units' names in a second, small query rather than a join on every case row.
    from newind.units.models import Unit

    unit_ids = [int(u) for u in frame["lead_unit_id"].dropna().unique()]
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    frame["lead_unit__name"] = frame["lead_unit_id"].map(names).fillna("（未交办）")
    frame["rating"] = frame["rating"].fillna("")
    return frame


def _counts(prefix: str, now: dt.datetime) -> dict[str, Any]:
    """The per-group counts as SQL aggregates over cases (reached through `prefix`, e.g. "case__")."""

    def when(**conditions: Any) -> Sum:
        return Sum(DbCase(When(Q(**{f"{prefix}{k}": v for k, v in conditions.items()}), then=Value(1)),
                          default=Value(0), output_field=IntegerField()))

    closed = [str(s) for s in CLOSED_STATES]
    return {
        "total": Count(f"{prefix}id" if prefix else "id"),
        "closed": when(state__in=closed),
        "closed_on_time": when(state__in=closed, closed_at__lte=F(f"{prefix}close_deadline")),
        "extended": when(extensions_approved__gt=0),
        "rated": Sum(DbCase(When(~Q(**{f"{prefix}rating": ""}), then=Value(1)), default=Value(0),
                            output_field=IntegerField())),
        "satisfied": when(rating__in=[str(r) for r in SATISFIED_RATINGS]),
        "overdue_done_late": when(state__in=closed, closed_at__gt=F(f"{prefix}close_deadline")),
        "overdue_still_open": when(state__in=[str(s) for s in OPEN_STATES], close_deadline__lt=now),
        "avg_working_days_to_close": Avg(f"{prefix}working_days_to_close",
                                         filter=Q(**{f"{prefix}state__in": closed})),
        # The unsatisfied ratings by reason and the reopened cases (REASON_COLUMNS), from the case row: every
        # unsatisfied rating for a subjective reason sent the case back once (redo_count), one for an
        # objective reason ends the evaluation and stays on the case.
        "unsatisfied_subjective": Sum(f"{prefix}redo_count"),
        "unsatisfied_objective": when(rating="unsatisfied", unsatisfied_reason_kind="objective"),
        "reopened": when(redo_count__gt=0),
    }


def _month_expression(base: QuerySet[Any]) -> Any:
    """The Shanghai month of receipt ("2017-10") as a plain SQL CASE over month boundaries.

    Django's TruncMonth with a time zone runs a Python function per row on SQLite (2.7 s at 100,000
    cases); comparing with a few dozen precomputed boundaries runs in the database on both.
    """
    span = base.order_by().aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return None
    first, last = to_local(span["first"]), to_local(span["last"])
    year, month = first.year, first.month
    branches = []
    while (year, month) <= (last.year, last.month):
        following = (year + (month == 12), month % 12 + 1)
        start_next = dt.datetime(following[0], following[1], 1, tzinfo=TZ)
        # First match wins: the first boundary the receipt lies before is its month's end.
        branches.append(When(received_at__lt=start_next, then=Value(f"{year}-{month:02d}")))
        year, month = following
    return DbCase(*branches, default=Value(""), output_field=TextField())


def metrics(by: str, *, now: dt.datetime, cases: QuerySet[Any] | None = None,
            where: dict[str, Any] | None = None) -> pd.DataFrame:
    """办结率, 按期办结率, 延期率, 满意率, average working days to close and overdue counts, per department
    (lead unit), per category (a case with two tags counts in both) or per month of receipt (Shanghai time);
    plus the unsatisfied ratings by reason and the reopened cases (`REASON_COLUMNS`).

    `where` (from `case_filter`) selects the cases by lookups on `Case`; the category grouping applies it
    through its join (`case__…`) rather than as a subquery.

    One `GROUP BY` query with conditional sums (the working days to close are stored at closure), then the
    rates in `calc.metric_rates`: the same definitions as `calc.case_metrics`, which tests compare it with.
    """
    from newind.cases.models import Case, CaseCategory
    from newind.units.models import Unit

    if by not in GROUPINGS:
        raise AppError(f"不能按「{by}」统计：请选择 {'、'.join(f'{k}（{v}）' for k, v in GROUPINGS.items())}。")
    moment = to_local(now)
    base = cases if cases is not None else Case.objects.all()
    if where:
        base = base.filter(**where)
    if by == "department":
        # Grouped by the id alone (no join per case row); the few names are read afterwards.
        rows = list(base.order_by().values("lead_unit_id").annotate(**_counts("", moment)))
        names = dict(Unit.objects.filter(pk__in=[r["lead_unit_id"] for r in rows if r["lead_unit_id"]])
                     .values_list("pk", "name"))
        for row in rows:
            row["lead_unit__name"] = names.get(row["lead_unit_id"])
        frame = pd.DataFrame(rows)
        keys = ["lead_unit_id", "lead_unit__name"]
    elif by == "month":
        month = _month_expression(base)
        rows = [] if month is None else list(base.order_by().annotate(month=month).values("month")
                                             .annotate(**_counts("", moment)))
        frame = pd.DataFrame(rows)
        keys = ["month"]
    else:
        tags = CaseCategory.objects.all() if cases is None else CaseCategory.objects.filter(case__in=cases.values("id"))
        if where:
            tags = tags.filter(**{f"case__{k}": v for k, v in where.items()})
        rows = tags.order_by().values("category").annotate(**_counts("case__", moment))
        frame = pd.DataFrame(list(rows))
        keys = ["category"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *METRIC_COLUMNS, *REASON_COLUMNS])
    if by == "department":
        frame["lead_unit__name"] = frame["lead_unit__name"].fillna("（未交办）")
    frame = frame.sort_values(keys, na_position="last").reset_index(drop=True)
    out = metric_rates(frame, keys)
    for column in REASON_COLUMNS:
        out[column] = frame[column].fillna(0).astype(int).to_numpy()
    if by == "category":
        names = categories()
        out.insert(1, "category_name", out["category"].map(names).fillna(out["category"]))
    return out


def overdue(*, now: dt.datetime, cases: QuerySet[Any] | None = None) -> dict[str, QuerySet[Any]]:
    """Cases past their closing deadline: still open (`still_open`), and closed after it (`done_late`)."""
    from django.db.models import F

    from newind.cases.models import Case

    base = cases if cases is not None else Case.objects.all()
    moment = to_local(now)
    still_open = base.filter(Q(state__in=[str(s) for s in OPEN_STATES]), close_deadline__lt=moment)
    done_late = base.filter(state__in=[str(s) for s in CLOSED_STATES], closed_at__gt=F("close_deadline"))
    related = ("lead_unit", "concerned_unit")
    return {"still_open": still_open.select_related(*related).order_by("close_deadline", "id"),
            "done_late": done_late.select_related(*related).order_by("close_deadline", "id")}


def unsatisfied_reasons(cases: QuerySet[Any] | None = None) -> dict[str, Any]:
    """The reasons of unsatisfied ratings and of reopened cases, kept on the timeline and counted (one GROUP BY
    over the rating events of `cases`, default every case): a case rated twice counts twice, as it was.

    Returns {"unsatisfied": n, "reopened": n, "cases_reopened": n, "by_kind": {kind: n},
    "reasons": [{"reason", "kind", "reopened", "count"}, …] most frequent first}.
    """
    from newind.cases.choices import Action
    from newind.cases.models import Case, CaseEvent

    events = CaseEvent.objects.filter(kind__in=[Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL])
    if cases is not None:
        events = events.filter(case_id__in=cases.order_by().values("pk"))
    rows = list(events.order_by().values("kind", "note").annotate(count=Count("id")).order_by("-count", "note"))
    kinds = {str(Action.RATE_UNSATISFIED_REDO): "subjective", str(Action.RATE_UNSATISFIED_FINAL): "objective"}
    reasons = [{"reason": r["note"], "kind": kinds[r["kind"]], "reopened": r["kind"] == Action.RATE_UNSATISFIED_REDO,
                "count": r["count"]} for r in rows]
    by_kind = {"subjective": 0, "objective": 0}
    for r in reasons:
        by_kind[r["kind"]] += r["count"]
    reopened_cases = (cases if cases is not None else Case.objects.all()).filter(redo_count__gt=0).count()
    return {"unsatisfied": sum(by_kind.values()), "reopened": by_kind["subjective"], "cases_reopened": reopened_cases,
            "by_kind": by_kind, "reasons": reasons}


def case_filter(*, units: set[int] | None = None, year: int | None = None, kind: str | None = None) -> dict[str, Any]:
    """Lookups on `Case` for the metrics and the overdue list: the lead units (None: every case, including the
    ones not yet assigned; a set: only cases led by those units), the year of receipt (Shanghai time) and the
    kind. Bad values are a Chinese 400 naming the parameter."""
    from newind.cases.choices import CaseKind

    where: dict[str, Any] = {}
    if units is not None:
        where["lead_unit_id__in"] = sorted(units)
    if year is not None:
        if not 2000 <= int(year) <= 2100:
            raise AppError(f"参数「year」（年度）应在 2000—2100 之间，收到 {year}。")
        where["received_at__gte"] = dt.datetime(int(year), 1, 1, tzinfo=TZ)
        where["received_at__lt"] = dt.datetime(int(year) + 1, 1, 1, tzinfo=TZ)
    if kind:
        if kind not in CaseKind.values:
            names = "、".join(f"{v}（{label}）" for v, label in CaseKind.choices)
            raise AppError(f"参数「kind」（事项类型）不能是「{kind}」：请选择 {names}。")
        where["kind"] = kind
    return where


def overdue_days(deadlines: list[dt.datetime], end_days: list[dt.date]) -> list[int | None]:
    """Working days late for each pair: the working days after the deadline's own day up to `end_day` (the day
    of closure, or the day of the count), at once; None where the working calendar does not reach (it raises
    rather than guess)."""
    from newind.cases.sla import CalendarRangeError, day_of_deadline, working_days_between

    if not deadlines:
        return []
    try:
        days = working_days_between([day_of_deadline(d) for d in deadlines], end_days)
    except CalendarRangeError:
        return [None] * len(deadlines)
    return [int(d) for d in days]


def unsatisfied_reason_counts(where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The reasons given with unsatisfied ratings, counted (from the timeline, so a reason stays counted after
    the redo and a later satisfied rating): reason kind, text, how many times, most frequent first."""
    from newind.cases.choices import Action
    from newind.cases.models import CaseEvent

    events = CaseEvent.objects.filter(kind__in=[Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL])
    if where:
        events = events.filter(**{f"case__{k}": v for k, v in where.items()})
    rows = events.order_by().values("kind", "note").annotate(n=Count("id")).order_by("-n", "kind", "note")
    labels = {Action.RATE_UNSATISFIED_REDO.value: "主观原因（退回重办）", Action.RATE_UNSATISFIED_FINAL.value: "客观原因"}
    return [{"reason_kind": labels.get(r["kind"], r["kind"]), "reason": r["note"] or "（未写明）", "count": r["n"]}
            for r in rows]


OVERDUE_FIELDS = ("id", "code", "kind", "title", "concerned_name", "lead_unit__name", "state", "received_at",
                  "close_deadline", "original_close_deadline", "closed_at", "extensions_approved", "redo_count",
                  "is_synthetic")


def overdue_counts(*, now: dt.datetime, where: dict[str, Any] | None = None) -> dict[str, int]:
    """How many cases are overdue and still open, and how many were closed late: one scan, two sums."""
    from newind.cases.models import Case

    moment = to_local(now)
    closed = [str(s) for s in CLOSED_STATES]
    counts = Case.objects.filter(**(where or {})).order_by().aggregate(
        still_open=Sum(DbCase(When(Q(state__in=[str(s) for s in OPEN_STATES], close_deadline__lt=moment),
                                   then=Value(1)), default=Value(0), output_field=IntegerField())),
        done_late=Sum(DbCase(When(Q(state__in=closed, closed_at__gt=F("close_deadline")), then=Value(1)),
                             default=Value(0), output_field=IntegerField())))
    return {k: int(v or 0) for k, v in counts.items()}


def overdue_rows(which: str, *, now: dt.datetime, where: dict[str, Any] | None = None, offset: int = 0,
                 limit: int | None = 50) -> list[dict[str, Any]]:
    """One page of an overdue list (`still_open` or `done_late`, the longest overdue first) as plain rows with
    the working days late (to `now` for an open case, to its closure for one done late), labels included."""
    from newind.cases.choices import CaseKind, State
    from newind.cases.models import Case

    lists = overdue(now=now, cases=Case.objects.filter(**(where or {})))
    queryset = lists[which].values(*OVERDUE_FIELDS)
    rows = list(queryset[offset:offset + limit] if limit is not None else queryset[offset:])
    moment = to_local(now)
    # An open case is late up to the day of the count (a count "as of 24:00" is that day's, as deadlines are).
    today = day_of_deadline(moment)
    days = overdue_days([r["close_deadline"] for r in rows],
                        [to_local(r["closed_at"]).date() if which == "done_late" else today for r in rows])
    kinds, states = dict(CaseKind.choices), dict(State.choices)
    for row, late in zip(rows, days, strict=True):
        row["working_days_late"] = late
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["state_label"] = states.get(row["state"], row["state"])
        row["lead_unit__name"] = row["lead_unit__name"] or "（未交办）"
        row["deadline_text"] = format_deadline(row["close_deadline"])
    return rows
