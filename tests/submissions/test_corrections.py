"""The office's correction of a published report, on SQLite and PostgreSQL (the run's database)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from newind.core.errors import AppError
from newind.indicators.models import Observation
from newind.submissions.models import Submission
from newind.submissions.services import CORRECTION_CONFLICT
from tests.submissions.conftest import GOOD, form_post

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def published(client_as, yyx_sub) -> Submission:  # type: ignore[no-untyped-def]
    """岳阳县's 2017年1—3月 report, filled, approved and published as 快报."""
    assert client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit")).status_code == 302
    assert client_as("yyx_rev").post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "approve"}).status_code == 302
    assert client_as("office").post(f"/submissions/{yyx_sub.pk}/publish/", {"release": "flash"}).status_code == 302
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "published"
    return yyx_sub


def seen_of(client, sub: Submission) -> str:  # type: ignore[no-untyped-def]
    """The figures' version that the report page puts in its correction form."""
    page = client.get(f"/submissions/{sub.pk}/")
    seen = page.context["seen"]
    assert f'name="seen" value="{seen}"' in page.content.decode()
    return str(seen)


def _tax_versions(sub: Submission) -> list[tuple[Decimal, str, bool]]:
    return list(Observation.objects.filter(unit=sub.unit, indicator__code="industrial_tax", year=2017)
                .order_by("version").values_list("value", "reason", "is_current"))


def test_a_correction_whose_reason_has_two_lines_and_backslashes_is_stored_as_written(client_as, published):
    # Returned 500 on PostgreSQL: the reason went into hand-built COPY text, where a newline ends the row.
    reason = '税务局复核后更正\n原报数据见 C:\\temp\\new\\月报.xlsx，"第2行"\t\\N 😀'
    office = client_as("office")
    response = office.post(f"/submissions/{published.pk}/correct/", {"v_industrial_tax": "4.7", "reason": reason,
                                                                    "seen": seen_of(office, published)})
    assert response.status_code == 302
    assert _tax_versions(published) == [(Decimal("4.4"), "", False), (Decimal("4.7"), reason, True)]


def test_three_corrections_from_the_same_page_only_the_first_is_written(client_as, published):
    """Three office users open the report at once and each corrects 工业税收: the second and third are told
    the figure changed under them (before, all three were accepted and the last silently won)."""
    office = client_as("office")
    seen = seen_of(office, published)
    answers = [office.post(f"/submissions/{published.pk}/correct/",
                           {"v_industrial_tax": value, "reason": f"第{i}次复核", "seen": seen})
               for i, value in enumerate(["4.7", "4.8", "4.9"], 1)]
    assert [a.status_code for a in answers] == [302, 409, 409]
    assert all(CORRECTION_CONFLICT in a.content.decode() for a in answers[1:])
    assert _tax_versions(published) == [(Decimal("4.4"), "", False), (Decimal("4.7"), "第1次复核", True)]
    # Refreshing the page gives the new version, and the next correction goes through.
    again = office.post(f"/submissions/{published.pk}/correct/",
                        {"v_industrial_tax": "4.8", "reason": "第2次复核", "seen": seen_of(office, published)})
    assert again.status_code == 302 and _tax_versions(published)[-1] == (Decimal("4.8"), "第2次复核", True)


def test_a_figure_revised_elsewhere_since_the_page_was_shown_is_a_conflict(client_as, published):
    from newind.indicators.models import Indicator
    from newind.indicators.periods import Period
    from newind.indicators.services import revise_observation

    office = client_as("office")
    seen = seen_of(office, published)
    tax = Indicator.objects.get(code="industrial_tax")
    revise_observation(tax, published.unit_id, Period.month(2017, 3), Decimal("4.5"), source="税务局", reason="核对")
    response = office.post(f"/submissions/{published.pk}/correct/",
                           {"v_industrial_profit": "10.5", "reason": "复核", "seen": seen})
    assert response.status_code == 409 and CORRECTION_CONFLICT in response.content.decode()
    assert not Observation.objects.filter(indicator__code="industrial_profit", release="revised").exists()


def test_a_correction_without_the_pages_version_is_refused(client_as, published):
    response = client_as("office").post(f"/submissions/{published.pk}/correct/",
                                        {"v_industrial_tax": "4.7", "reason": "复核"})
    assert response.status_code == 400 and "缺少页面显示时的数据版本" in response.content.decode()
    assert _tax_versions(published) == [(Decimal("4.4"), "", True)]


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_corrections_take_turns(client_as, published):
    """The real race, three connections at once (PostgreSQL; SQLite's in-memory test database has one)."""
    if connection.vendor != "postgresql":
        pytest.skip("只在 PostgreSQL 上运行：SQLite 的测试库在内存中，几个连接不能同时写入。")
    from newind.submissions import queries, services

    office = User.objects.get(username="office")
    seen = queries.figures_version(published)
    start = threading.Barrier(3, timeout=20)
    outcomes: list[object] = []

    def correct(value: str) -> None:
        try:
            start.wait()
            services.correct_published(published, office, {"industrial_tax": services.ValueInput(value)},
                                       reason="同时更正", seen=seen)
            outcomes.append("ok")
        except AppError as error:
            outcomes.append(error.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(v,)) for v in ("4.7", "4.8", "4.9")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes, key=str) == [409, 409, "ok"]
    versions = _tax_versions(published)
    assert len(versions) == 2 and versions[0] == (Decimal("4.4"), "", False) and versions[1][1:] == ("同时更正", True)
