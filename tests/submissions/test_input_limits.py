"""Figures and texts too large to store are refused with a Chinese 400 that names the field, on both databases.

Found by the API fuzz test (tests/core/test_api_fuzz.py): 1e308 made `quantize` raise (500 everywhere); an
explanation over 500 characters, or a correction reason over 500, was refused by PostgreSQL (500 there).
"""

from __future__ import annotations

import json

import pytest

from newind.indicators.models import Observation
from newind.submissions.models import SubmissionValue
from tests.submissions.conftest import form_post
from tests.submissions.test_corrections import published, seen_of  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _post(client, sub_id: int, body: dict) -> object:  # type: ignore[no-untyped-def]
    return client.post(f"/api/submissions/{sub_id}/values", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("raw", [1e308, "1e99999", "1000000000000000"])
def test_a_figure_too_large_to_store_is_a_400_naming_the_field(client_as, yyx_sub, raw):  # type: ignore[no-untyped-def]
    response = _post(client_as("yyx_rep"), yyx_sub.pk, {"values": {"industrial_tax": raw}})
    assert response.status_code == 400
    assert any("「工业税收」填写的" in p["message"] and "过大，超出可保存的范围（整数部分最多15位）" in p["message"]
               for p in response.json()["problems"])
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()


def test_an_explanation_over_500_characters_is_a_400(client_as, yyx_sub):  # type: ignore[no-untyped-def]
    long = "说" * 501
    page = client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(
        {"industrial_tax": "4.4"}, explanations={"industrial_tax": long}))
    assert page.status_code == 400 and "的说明有501个字，超过500字：请精简后再保存。" in page.content.decode()
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()
    response = _post(client_as("yyx_rep"), yyx_sub.pk, {"values": {"industrial_tax": "4.4"},
                                                        "explanations": {"industrial_tax": "说" * 500}})
    assert response.status_code == 200  # 500 characters fit
    assert SubmissionValue.objects.get(submission=yyx_sub).explanation == "说" * 500


def test_a_correction_reason_over_300_characters_is_refused_not_cut(client_as, published):  # type: ignore[no-untyped-def]  # noqa: F811
    office = client_as("office")
    seen = seen_of(office, published)
    response = office.post(f"/submissions/{published.pk}/correct/", {"v_industrial_tax": "4.7", "reason": "因" * 301,
                                                                    "seen": seen})
    assert response.status_code == 400 and "更正原因有301个字，超过300字" in response.content.decode()
    assert not Observation.objects.filter(release="revised").exists()
    ok = office.post(f"/submissions/{published.pk}/correct/", {"v_industrial_tax": "4.7", "reason": "因" * 300,
                                                              "seen": seen})
    assert ok.status_code == 302
    assert Observation.objects.get(release="revised").reason == "因" * 300  # kept whole (was cut at 300 silently)
