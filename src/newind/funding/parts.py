"""向上争取 on the leaders' dashboard (newind.core.parts): the items still to be applied for whose deadline
is near, and what the year has obtained so far."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import Count, Sum
from django.utils import timezone

from newind.core.parts import DashboardCard, DomainPart, OverviewPart
from newind.funding import calc, queries
from newind.funding.choices import Status

NAME = "funding"
CARD_ITEMS = 8


def period_end(period: Any) -> dt.date:
    """The last day a period (annual, 1–N月, 1–N季度 cumulative) covers."""
    kind = str(getattr(period, "kind", "Y"))
    n = int(getattr(period, "n", 0) or 0)
    month = 12 if n == 0 else (3 * n if kind.upper().startswith("Q") else n)
    return dt.date(period.year, month, calendar.monthrange(period.year, month)[1])


def _items(user: Any) -> Any:
    from newind.accounts.access import funding_items_in_scope
    from newind.funding.models import Opportunity

    # The CLI and the jobs (user None) build the city's report: every item.
    return Opportunity.objects.select_related("owner_unit") if user is None else funding_items_in_scope(user)


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    today = calc.reference_date(period_end(period), timezone.localdate())
    items = _items(user)
    deadlines = queries.deadline_list(items, today)
    year = items.filter(status=Status.APPROVED, decided_on__year=today.year).aggregate(
        approved=Count("id"), obtained=Sum("amount_obtained"))
    obtained = pd.DataFrame({"approved": [year["approved"]], "obtained": [float(year["obtained"] or 0)],
                             "as_of": [today]})
    return OverviewPart(frames={"deadlines": deadlines, "obtained": obtained},
                        is_synthetic=bool(not deadlines.empty and deadlines["is_synthetic"].any()))


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    """The card in the normal mode; the meeting-room screen keeps its one screen for the figures, the
    warnings and the league charts (tests/dashboard/test_browser.py), so it has no funding card."""
    if screen:
        return []
    deadlines = overview.part_frame(NAME, "deadlines")
    obtained = overview.part_frame(NAME, "obtained")
    if obtained.empty:
        return []
    limit = CARD_ITEMS
    rows = deadlines.to_dict("records") if not deadlines.empty else []
    as_of = obtained["as_of"].iloc[0]
    return [DashboardCard("funding/dashboard_card.html", {
        "items": rows[:limit], "more": max(0, len(rows) - limit), "as_of": as_of, "year": as_of.year,
        "approved": int(obtained["approved"].iloc[0]), "obtained": float(obtained["obtained"].iloc[0]),
        "synthetic": bool(rows and any(r["is_synthetic"] for r in rows)),
    })]


PART = DomainPart(name=NAME, order=60, overview=overview_part, dashboard_cards=dashboard_cards)
