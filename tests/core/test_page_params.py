"""The pages (not only the API) answer hostile parameters and empty forms without a 500, on both databases.

The same classes of bug as the API's: int() or a date of a query parameter that overflows the database
(a huge year, a day past 9999-12-31), and dict[...] of a POST field that is not there.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.targets.models import Target
from newind.units.models import Unit
from tests.targets.factories import va_history

pytestmark = pytest.mark.django_db

HOSTILE = ["2017-13", "9" * 40, "-1", "0", "99999", "2017-02-30", "１２", "9999-12-31"]
PAGES = [
    ("office", "/benchmark/", ["unit", "group", "indicator", "period", "from", "to"]),
    ("office", "/dashboard/", ["period", "mode"]),
    ("office", "/reports/monthly", ["period"]),
    ("office", "/imports/history/", ["indicator", "unit", "period"]),
    ("office", "/targets/", ["period", "rules", "unit", "indicator"]),
    ("office", "/targets/manage/", ["year"]),
    ("yyx_rep", "/targets/", ["period", "unit"]),
    ("office", "/forecasts/", ["period"]),
    ("office", "/submissions/", ["page"]),
    ("auditor", "/audit/", ["page", "person", "unit", "action", "from", "to"]),
    ("auditor", "/audit/export.xlsx", ["from", "to"]),
    ("office", "/cases/metrics/", ["by", "year", "kind", "unit", "at"]),
    ("office", "/cases/overdue/", ["list", "page", "year", "unit", "at"]),
    ("office", "/cases/overdue.xlsx", ["year", "unit", "at"]),
]


@pytest.fixture
def data(cast):  # type: ignore[no-untyped-def]
    """Monthly figures, two targets and an issued monthly task: enough for every page to reach its queries."""
    from newind.submissions.services import issue_task

    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=4)
    va = Indicator.objects.get(code="industrial_va_above_size")
    targets = [Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                                     value=Decimal(str(value))) for code, value in (("430621", 133.1),
                                                                                     ("430623", 100.0))]
    task = issue_task(cast.office, period=Period.month(2017, 4), unit_ids=[Unit.objects.get(code="430621").pk])
    return {"target": targets[0].pk, "task": task.pk, "submission": task.submissions.get().pk}


def test_hostile_query_parameters_are_never_a_server_error(client_as, data):  # type: ignore[no-untyped-def]
    failures = []
    for who, url, params in PAGES:
        client = client_as(who)
        for name in params:
            for value in HOSTILE:
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append(f"{who} {url}?{name}={value} → {response.status_code}")
    assert failures == []


def test_forms_posted_empty_or_with_garbage_are_never_a_server_error(client_as, data):  # type: ignore[no-untyped-def]
    s, t = data["submission"], data["target"]
    posts = [
        "/targets/rules/", "/targets/new/", f"/targets/{t}/edit/", "/targets/import/", "/targets/share/",
        "/imports/", "/imports/confirm/", "/submissions/tasks/new/", f"/submissions/{s}/",
        f"/submissions/{s}/review/", f"/submissions/{s}/publish/", f"/submissions/{s}/correct/",
        f"/submissions/{s}/upload/",
    ]
    garbage = {"year": "9" * 40, "period": "2017-13", "rule_set": "x", "next": "//evil.example", "value": "1e400",
               "release": "x", "decision": "x", "unit_ids": "x", "units": "9" * 30, "deadline": "9999-99-99",
               "sha256": "0" * 64, "plan": "0" * 64, "file_name": "x", "v_industrial_tax": "1e400",
               "reason": "r", "action": "submit"}
    failures = []
    client = client_as("office")
    for url in posts:
        for body in ({}, garbage):
            response = client.post(url, body)
            if response.status_code >= 500:
                failures.append(f"POST {url} {sorted(body)[:3]} → {response.status_code}")
    assert failures == []
    assert Target.objects.filter(pk=t).exists()  # (the garbage deleted or broke nothing)
