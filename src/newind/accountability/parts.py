"""The dashboard's alerts card (newind.core.parts; issue 13 §7): the alerts not yet resolved, the latest five.
Alerts are live, not a figure of the period: the card shows them as they stand now."""

from __future__ import annotations

from typing import Any

import pandas as pd

from newind.accountability.choices import AlertState
from newind.core.parts import DashboardCard, DomainPart, OverviewPart

NAME = "accountability"


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    from newind.accountability.models import Alert
    from newind.accounts.access import alerts_in_scope

    alerts = alerts_in_scope(user) if user is not None else Alert.objects.all()
    live = alerts.exclude(state=AlertState.RESOLVED).select_related("unit").order_by("-last_raised_at", "-id")
    rows = [{"id": a.pk, "rule": a.get_rule_display(), "title": a.title, "state": a.get_state_display(),
             "is_synthetic": a.is_synthetic} for a in live[:5]]
    frame = pd.DataFrame(rows, columns=["id", "rule", "title", "state", "is_synthetic"])
    return OverviewPart(frames={"alerts": frame, "count": pd.DataFrame([{"open": live.count()}])})


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    """The alerts card; none on the meeting-room screen, whose one screen is for the figures and warnings."""
    if screen:
        return []
    count = overview.part_frame(NAME, "count")
    latest = overview.part_frame(NAME, "alerts")
    items = [{"rule": r.rule, "title": r.title, "state": r.state} for r in latest.itertuples()]
    return [DashboardCard("accountability/dashboard_card.html", {
        "open_count": int(count.iloc[0]["open"]) if not count.empty else 0, "latest": items,
        "synthetic": bool(latest["is_synthetic"].astype(bool).any()) if not latest.empty else False})]


PART = DomainPart(name=NAME, order=80, overview=overview_part, dashboard_cards=dashboard_cards)
