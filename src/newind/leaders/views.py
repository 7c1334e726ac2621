"""The leaders' responsibility page (/leaders/): the same table as `newind leaders show` (`queries.as_json`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newind.accounts.access import LEADERS_PAGE, page_required
from newind.indicators.periods import Period
from newind.leaders.calc import LABELS
from newind.leaders.queries import as_json, load_rules


def _default_period() -> Period:
    """The office's month (the latest 1—N月 with figures, as the dashboard and the report open on), else the
    month before today."""
    from newind.indicators.queries import office_month

    month = office_month()
    if month is not None:
        return month
    today = timezone.localdate()
    return Period.month(today.year, max(today.month - 1, 2)) if today.month > 2 else Period.annual(today.year - 1)


@login_required
@page_required(LEADERS_PAGE)
def page(request: HttpRequest) -> HttpResponse:
    asked = (request.GET.get("period") or "").strip()
    period = Period.parse(asked) if asked else _default_period()
    data = as_json(period)
    rules, _ = load_rules()
    return render(request, "leaders/page.html", {"data": data, "labels": LABELS, "rules": rules,
                                                 "period": period})
