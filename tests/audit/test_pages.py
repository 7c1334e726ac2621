"""The auditor's page: filters by person, unit, action and time; wrong dates get a Chinese sentence."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newind.audit.services import record
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_auditor_filters_by_person_unit_action_and_time(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    yyx = Unit.objects.get(code="430621")
    record("submission.save", user=cast.yyx_rep, unit=yyx, summary="岳阳县草稿")
    record("submission.save", user=cast.yx_rep, unit=Unit.objects.get(code="430603"), summary="云溪区草稿")
    record("export", user=cast.office, summary="导出通报")
    client = client_as("auditor")
    today = timezone.localdate().isoformat()

    def shown(**params: str) -> str:
        response = client.get("/audit/", params)
        assert response.status_code == 200
        return response.content.decode()

    assert "岳阳县草稿" in shown(person="yyx_rep") and "云溪区草稿" not in shown(person="yyx_rep")
    assert "岳阳县草稿" in shown(person="岳阳县") and "导出通报" not in shown(person="岳阳县")  # by name
    page = shown(unit="430603")
    assert "云溪区草稿" in page and "岳阳县草稿" not in page
    page = shown(action="submission")  # an action prefix
    assert "云溪区草稿" in page and "导出通报" not in page
    assert "导出通报" in shown(**{"from": today, "to": today})
    assert "导出通报" not in shown(**{"from": "2001-01-01", "to": "2001-12-31"})
    response = client.get("/audit/", {"from": "2026-13-01"})
    assert response.status_code == 400 and "格式不对" in response.content.decode()
