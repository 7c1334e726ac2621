"""Requests that used to be 500s are now a Chinese 400 (or 409/413) that changes nothing, on both databases.

- NUL in a query parameter, a form field, a JSON body or the path: PostgreSQL refuses NUL in text, so any
  view that queried with it failed; it is now refused in one place (`core.middleware`) before any view runs.
- Out-of-range dates in the audit filter (`to=9999-12-31` overflowed adding a day; `from=0001-01-01`
  overflowed on SQLite shifting to UTC).
- `POST /targets/rules/` without `rule_set` (KeyError).
- `POST /api/submissions/{id}/values` with `multipart/form-data` and no boundary (the CSRF check could not
  parse the body).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from newind.audit.models import AuditEntry
from newind.indicators.models import Indicator, Observation
from newind.targets.models import Target, WarningScheme
from newind.units.models import Unit
from tests.targets.factories import va_history

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "含有空字符（NUL），无法处理：请删除该字符后重试。"


@pytest.fixture
def targets(cast):  # type: ignore[no-untyped-def]
    """Monthly 规模工业增加值 and two 2017 targets, so the target pages and API reach the database."""
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=4)
    va = Indicator.objects.get(code="industrial_va_above_size")
    for code, value in (("430621", 133.1), ("430623", 100.0)):
        Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              value=Decimal(str(value)))


# Each was a 500 on PostgreSQL (the ones the red team listed first, then one per app).
NUL_GETS = [
    ("office", "/api/targets/progress?unit=%00"),
    ("auditor", "/audit/?person=%00"),
    ("office", "/benchmark/?group=%00"),
    ("office", "/api/benchmark/?unit=%00&group=hunan-14&indicator=gdp"),
    ("office", "/api/imports/history?indicator=gdp&unit=430600&period=2016%00"),
    ("office", "/imports/history/?indicator=%00&unit=430600&period=2016"),
    ("office", "/api/targets/warnings?indicator=%00"),
    ("office", "/targets/?unit=%00"),
    ("office", "/api/reports/monthly-overview?period=2017-03%00"),
    ("office", "/dashboard/?period=%00"),
    ("yyx_rep", "/api/submissions/?period=%00"),
    ("office", "/benchmark/?unit=430600&group=hunan-14&indicator=gdp%00"),
    ("office", "/targets/?%00=1"),
]


@pytest.mark.parametrize(("who", "url"), NUL_GETS)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client_as, targets, who, url):  # type: ignore[no-untyped-def]
    response = client_as(who).get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"] == "nul_character"
        text = response.json()["message"]
    else:
        text = response.content.decode()
    name = next(p.split("=")[0] for p in url.split("?")[1].split("&") if "%00" in p).replace("%00", "")
    assert f"查询参数「{name}」{NUL_MESSAGE}" in text


def test_a_nul_in_a_form_field_names_the_field_and_writes_nothing(client_as, targets):
    office = client_as("office")
    before = AuditEntry.objects.count()
    response = office.post("/targets/new/", {"indicator": "industrial_va_above_size", "unit": "430603",
                                              "year": "2017", "kind": "hard", "target_type": "level",
                                              "value": "10", "source": "文件\x00号"})
    assert response.status_code == 400
    assert f"表单字段「source」{NUL_MESSAGE}" in response.content.decode()
    assert Target.objects.count() == 2 and AuditEntry.objects.count() == before


def test_a_nul_in_a_json_body_names_the_key(client_as, cast):  # type: ignore[no-untyped-def]
    response = client_as("yyx_rep").post("/api/submissions/1/values", content_type="application/json",
                                         data={"values": {"industrial_tax": "4.4"},
                                               "explanations": {"industrial_tax": "原因\x00"}})
    assert response.status_code == 400
    assert response.json()["message"] == f"提交内容的「explanations.industrial_tax」{NUL_MESSAGE}"


def test_a_nul_in_the_path_is_a_400(client_as, cast):  # type: ignore[no-untyped-def]
    response = client_as("office").get("/benchmark/%00/")
    assert response.status_code == 400 and f"网址{NUL_MESSAGE}" in response.content.decode()


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "from=1899-12-31&to=2017-01-01"])
@pytest.mark.parametrize("page", ["/audit/", "/audit/export.xlsx"])
def test_audit_dates_out_of_range_are_a_400_with_the_range(client_as, cast, page, query):  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.filter(action="export").count()
    response = client_as("auditor").get(f"{page}?{query}")
    assert response.status_code == 400
    assert "超出范围：请填写 2000-01-01 至 2099-12-31 之间的日期。" in response.content.decode()
    assert AuditEntry.objects.filter(action="export").count() == before  # no export was made


def test_audit_dates_at_the_ends_of_the_range_still_work(client_as, cast):  # type: ignore[no-untyped-def]
    auditor = client_as("auditor")
    assert auditor.get("/audit/?from=2000-01-01&to=2099-12-31").status_code == 200
    assert auditor.get("/audit/export.xlsx?from=2000-01-01&to=2099-12-31").status_code == 200


def test_choosing_rules_without_a_rule_set_is_a_400_and_changes_nothing(client_as, targets):
    office = client_as("office")
    assert office.post("/targets/rules/", {"year": "2017", "rule_set": "gap-only"}).status_code == 302
    response = office.post("/targets/rules/", {"year": "2017"})
    assert response.status_code == 400 and "请选择2017年要使用的预警规则后再保存。" in response.content.decode()
    # Before, a missing choice fell back to the default rule set (or raised KeyError after saving it).
    assert list(WarningScheme.objects.values_list("year", "rule_set")) == [(2017, "gap-only")]


@pytest.mark.parametrize("year", ["99999999999999999999", "-5", "0"])
def test_a_year_out_of_range_is_a_400(client_as, targets, year):  # type: ignore[no-untyped-def]
    response = client_as("office").get(f"/targets/manage/?year={year}")
    assert response.status_code == 400 and "超出范围：请填写1900—2100之间的年份。" in response.content.decode()


def test_multipart_without_a_boundary_is_a_400_and_writes_nothing(cast):  # type: ignore[no-untyped-def]
    from newind.indicators.periods import Period
    from newind.submissions.services import issue_task

    task = issue_task(cast.office, period=Period.month(2017, 3), unit_ids=[Unit.objects.get(code="430621").pk])
    sub = task.submissions.get()
    client = Client(enforce_csrf_checks=True)  # as a browser or script meets it: the CSRF check reads the body
    client.force_login(cast.yyx_rep)
    client.get("/submissions/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(f"/api/submissions/{sub.pk}/values", data=b"values=1", content_type="multipart/form-data",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and "multipart/form-data" in response.json()["message"]
    sub.refresh_from_db()
    assert sub.state == "not_started" and not sub.values.exists() and Observation.objects.count() == 0
