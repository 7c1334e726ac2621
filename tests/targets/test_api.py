"""The targets JSON API: same rows as the page, scoped like the page."""

from __future__ import annotations

import pytest

from .test_views import demo_like  # noqa: F401  (the same small figures and targets)

pytestmark = pytest.mark.django_db


def test_progress_and_warnings_as_json(demo_like, client_as):  # noqa: F811
    c = client_as("leader")
    body = c.get("/api/targets/progress?period=2017-04").json()
    assert body["period_label"] == "2017年1—4月" and len(body["rows"]) == 2
    red = next(r for r in body["rows"] if r["unit_code"] == "430623")
    assert red["light"] == "red" and red["light_label"] == "红灯" and red["target_kind"] == "hard"
    warnings = c.get("/api/targets/warnings?period=2017-04").json()["rows"]
    assert [w["change"] for w in warnings] == ["持续红灯"]
    fc = c.get("/api/targets/forecasts?period=2017-04&indicator=industrial_va_above_size").json()["rows"]
    assert {r["unit_code"] for r in fc} == {"430621", "430623"} and all(r["forecast"] for r in fc)


def test_api_scope_and_roles(demo_like, client_as):  # noqa: F811
    rows = client_as("yyx_rep").get("/api/targets/progress?period=2017-04").json()["rows"]
    assert {r["unit_code"] for r in rows} == {"430621"}
    assert client_as("yyx_rep").get("/api/targets/progress?unit=430623").status_code == 403
    denied = client_as("auditor").get("/api/targets/progress")
    assert denied.status_code == 403 and "仅限" in denied.json()["message"]
