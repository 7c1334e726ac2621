"""The JSON API of the workflow: same checks and the same scope as the pages, ids in URLs and bodies tried."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from newind.submissions.models import SubmissionValue
from tests.submissions.conftest import GOOD

pytestmark = pytest.mark.django_db


def _post(client, sub_id: int, body: dict) -> object:  # type: ignore[no-untyped-def]
    return client.post(f"/api/submissions/{sub_id}/values", json.dumps(body), content_type="application/json")


def test_the_reporter_saves_and_submits_through_the_api(client_as, yyx_sub):
    client = client_as("yyx_rep")
    response = _post(client, yyx_sub.pk, {"values": {k: GOOD[k] for k in list(GOOD)[:3]}})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "draft" and body["unit_code"] == "430621"
    field = next(f for f in body["fields"] if f["indicator"] == "industrial_output_above_size")
    assert field["value"] == "195.30000000" and field["last_year"] == "180.50000000" and field["measure_unit"] == "亿元"
    response = _post(client, yyx_sub.pk, {"values": {k: GOOD[k] for k in list(GOOD)[3:]}, "submit": True})
    assert response.status_code == 200 and response.json()["state"] == "submitted"


def test_api_errors_are_json_sentences_and_write_nothing(client_as, yyx_sub):
    response = _post(client_as("yyx_rep"), yyx_sub.pk, {"values": {**GOOD, "industrial_tax": "四点四"}})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_submission"
    assert any("「工业税收」填写的「四点四」不是数字" in p["message"] for p in body["problems"])
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()


def test_yunxi_reporter_cannot_reach_yueyang_county_through_the_api(client_as, yyx_sub, yx_sub):
    _post(client_as("yyx_rep"), yyx_sub.pk, {"values": GOOD})
    client = client_as("yx_rep")
    assert client.get(f"/api/submissions/{yyx_sub.pk}").status_code == 403
    assert _post(client, yyx_sub.pk, {"values": {"industrial_tax": "99"}}).status_code == 403
    listed = {s["unit_code"] for s in client.get("/api/submissions/").json()}
    assert listed == {"430603"}
    # Ids put in the body are ignored: the URL decides, and access is checked on it.
    response = _post(client, yx_sub.pk, {"values": {"industrial_tax": "3.1"}, "submission": yyx_sub.pk,
                                         "unit": yyx_sub.unit_id, "unit_code": "430621"})
    assert response.status_code == 200 and response.json()["unit_code"] == "430603"
    assert SubmissionValue.objects.get(submission=yyx_sub, indicator__code="industrial_tax").value == Decimal("4.4")


def test_the_api_refuses_anonymous_users_and_posts_without_csrf(client_as, yyx_sub, cast):
    assert Client().get(f"/api/submissions/{yyx_sub.pk}").status_code == 401
    assert Client().get("/api/submissions/").status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.yyx_rep)
    response = _post(strict, yyx_sub.pk, {"values": {"industrial_tax": "4.4"}})
    assert response.status_code in (401, 403)
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()


def test_the_auditor_reads_no_reports_through_the_api(client_as, yyx_sub):
    client = client_as("auditor")
    assert client.get("/api/submissions/").status_code == 403
    assert client.get(f"/api/submissions/{yyx_sub.pk}").status_code == 403
