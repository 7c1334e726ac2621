"""Reads of 向上争取 items: the list as a frame, the deadline list, totals per level and owner unit.

Each function takes the queryset the caller may read (`accounts.access.funding_items_in_scope`), so the
page, the API, the export and the dashboard card show the same rows to the same user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from newind.funding import calc
from newind.funding.choices import Level, Status, Urgency

COLUMNS = ["id", "code", "title", "programme", "level", "issuer", "window_start", "deadline", "owner_unit_id",
           "owner_unit__name", "owner_person", "amount_sought", "status", "amount_obtained", "applied_on",
           "decided_on", "is_synthetic"]


def items_frame(items: QuerySet[Any], today: dt.date) -> pd.DataFrame:
    """One row per item with its labels, days left and urgency (one query)."""
    frame = pd.DataFrame.from_records(list(items.values_list(*COLUMNS)), columns=COLUMNS)
    if frame.empty:
        return frame.assign(level_label=[], status_label=[], days_left=[], days_over=[], urgency=[], urgency_label=[])
    levels, statuses = dict(Level.choices), dict(Status.choices)
    urgency = [calc.urgency(Status(s), d, today) for s, d in zip(frame["status"], frame["deadline"], strict=True)]
    return frame.assign(
        level_label=frame["level"].map(levels), status_label=frame["status"].map(statuses),
        days_left=[calc.days_left(d, today) for d in frame["deadline"]],
        days_over=[-(calc.days_left(d, today) or 0) for d in frame["deadline"]],
        urgency=[u.value for u in urgency], urgency_label=[u.label for u in urgency])


def deadline_list(items: QuerySet[Any], today: dt.date, horizon_days: int = 60) -> pd.DataFrame:
    """Items still in 研究 whose deadline falls within the horizon, or has passed unapplied within the last
    30 days, soonest first (the dashboard's list)."""
    open_items = items.filter(status=Status.RESEARCHING, deadline__isnull=False,
                              deadline__gte=today - dt.timedelta(days=30),
                              deadline__lte=today + dt.timedelta(days=horizon_days))
    frame = items_frame(open_items, today)
    if frame.empty:
        return frame
    return frame.sort_values(["deadline", "code"]).reset_index(drop=True)


def totals(items: QuerySet[Any], by: str) -> pd.DataFrame:
    """Totals per level (by="level") or per responsible unit (by="owner_unit__name")."""
    frame = pd.DataFrame.from_records(list(items.values_list("status", "amount_sought", "amount_obtained", by)),
                                      columns=["status", "amount_sought", "amount_obtained", by])
    out = calc.totals(frame, by)
    if by == "level" and not out.empty:
        out["level"] = out["level"].map(dict(Level.choices))
    return out


URGENCY_ORDER = [Urgency.OVERDUE, Urgency.RED, Urgency.YELLOW, Urgency.GREEN, Urgency.CLOSED]
