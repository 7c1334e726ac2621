"""A request the API cannot read gets its reasons in Chinese, named by parameter, with status 422."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_and_a_malformed_query_parameter_are_named_in_chinese(office_client):
    response = office_client.get("/api/benchmark/", {"unit": "430600", "group": "hunan-14", "from": "二〇一七"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    texts = {p["text"] for p in body["problems"]}
    assert texts == {"查询参数「indicator」：缺少必填参数", "查询参数「from」：应为整数"}
    assert body["message"].startswith("请求参数有误：") and "indicator" in body["message"]
    # Nothing of pydantic's English reaches the user.
    assert "Field required" not in response.content.decode() and "valid integer" not in response.content.decode()


def test_an_unknown_error_type_still_reads_as_chinese():
    from newind.api_urls import validation_problems

    (problem,) = validation_problems([{"loc": ("body", "payload", "rows", 3, "value"), "type": "something_new",
                                       "msg": "English text"}])
    assert problem["text"] == "请求体「payload.rows.3.value」：不符合要求"
