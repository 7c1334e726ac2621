"""The office's correction of a published report, on SQLite and PostgreSQL (the run's database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.indicators.models import Observation
from newind.submissions.models import Submission
from tests.submissions.conftest import GOOD, form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(client_as, yyx_sub) -> Submission:  # type: ignore[no-untyped-def]
    """岳阳县's 2017年1—3月 report, filled, approved and published as 快报."""
    assert client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit")).status_code == 302
    assert client_as("yyx_rev").post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "approve"}).status_code == 302
    assert client_as("office").post(f"/submissions/{yyx_sub.pk}/publish/", {"release": "flash"}).status_code == 302
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "published"
    return yyx_sub


def _tax_versions(sub: Submission) -> list[tuple[Decimal, str, bool]]:
    return list(Observation.objects.filter(unit=sub.unit, indicator__code="industrial_tax", year=2017)
                .order_by("version").values_list("value", "reason", "is_current"))


def test_a_correction_whose_reason_has_two_lines_and_backslashes_is_stored_as_written(client_as, published):
    # Returned 500 on PostgreSQL: the reason went into hand-built COPY text, where a newline ends the row.
    reason = '税务局复核后更正\n原报数据见 C:\\temp\\new\\月报.xlsx，"第2行"\t\\N 😀'
    office = client_as("office")
    response = office.post(f"/submissions/{published.pk}/correct/", {"v_industrial_tax": "4.7", "reason": reason})
    assert response.status_code == 302
    assert _tax_versions(published) == [(Decimal("4.4"), "", False), (Decimal("4.7"), reason, True)]
