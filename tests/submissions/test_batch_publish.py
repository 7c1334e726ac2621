"""Batch publish from the task board: the ticked approved reports (or all approved ones) are published in
one transaction, each audited; if one cannot be published none is, and each failing report is named."""

from __future__ import annotations

from typing import Any

import pytest

from newind.audit.models import AuditEntry
from newind.indicators.models import Observation
from newind.submissions.models import Submission, SubmissionEvent
from tests.submissions.conftest import GOOD, form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def yx_rev(cast) -> Any:  # type: ignore[no-untyped-def]
    """云溪区审核员 (not in the shared cast), reachable as client_as("yx_rev")."""
    from newind.accounts.services import create_user

    cast.yx_rev = create_user("yx_rev", "reviewer", password=cast.PASSWORD, unit_code="430603", name="云溪区审核员",
                              must_change_password=False)
    return cast.yx_rev


def submit(client_as: Any, sub: Submission, reporter: str, reviewer: str | None) -> None:
    assert client_as(reporter).post(f"/submissions/{sub.pk}/", form_post(GOOD, "submit")).status_code == 302
    if reviewer:
        assert client_as(reviewer).post(f"/submissions/{sub.pk}/review/", {"decision": "approve"}).status_code == 302


def published_observations() -> int:
    return Observation.objects.filter(batch__source_kind="submission", year=2017).count()


def test_the_ticked_approved_reports_are_published_together(client_as, task, yyx_sub, yx_sub, yx_rev) -> None:  # type: ignore[no-untyped-def]
    submit(client_as, yyx_sub, "yyx_rep", "yyx_rev")
    submit(client_as, yx_sub, "yx_rep", "yx_rev")
    office = client_as("office")
    board = office.get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert "发布全部已审核（2份）" in board and 'form="batch-publish" aria-label="选择云溪区"' in board
    response = office.post(f"/submissions/tasks/{task.pk}/publish/",
                           {"submission": [yyx_sub.pk, yx_sub.pk], "release": "official"}, follow=True)
    assert response.status_code == 200
    assert "已发布2份报表（正式）：云溪区、岳阳县。" in response.content.decode()
    for sub in (yyx_sub, yx_sub):
        sub.refresh_from_db()
        assert sub.state == "published" and sub.release == "official"
        assert SubmissionEvent.objects.filter(submission=sub, action="publish").count() == 1
    assert published_observations() == 2 * len(GOOD)
    assert AuditEntry.objects.filter(action="submission.publish", actor="office").count() == 2
    batch = AuditEntry.objects.get(action="submission.publish_batch")
    assert batch.object_id == str(task.pk) and "云溪区、岳阳县" in batch.summary


def test_one_report_that_cannot_be_published_stops_the_batch_and_is_named(client_as, task, yyx_sub, yx_sub) -> None:  # type: ignore[no-untyped-def]
    submit(client_as, yyx_sub, "yyx_rep", "yyx_rev")
    submit(client_as, yx_sub, "yx_rep", None)  # submitted, not yet approved
    response = client_as("office").post(f"/submissions/tasks/{task.pk}/publish/",
                                        {"submission": [yyx_sub.pk, yx_sub.pk], "release": "flash"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "所选2份报表中有1份不能发布，全部未发布" in page
    assert "云溪区：报表当前状态为「已提交」，不能执行「发布」。" in page and "岳阳县：" not in page
    # Rolled back: 岳阳县, which could have been published, is not.
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "approved" and yyx_sub.published_at is None
    assert published_observations() == 0
    assert not SubmissionEvent.objects.filter(action="publish").exists()
    assert not AuditEntry.objects.filter(action__startswith="submission.publish").exists()


def test_publish_all_approved_leaves_the_others_alone(client_as, task, yyx_sub, yx_sub) -> None:  # type: ignore[no-untyped-def]
    submit(client_as, yyx_sub, "yyx_rep", "yyx_rev")
    submit(client_as, yx_sub, "yx_rep", None)
    page = client_as("office").post(f"/submissions/tasks/{task.pk}/publish/", {"all": "1", "release": "flash"},
                                    follow=True).content.decode()
    assert "已发布1份报表（快报）：岳阳县。" in page
    assert Submission.objects.get(pk=yyx_sub.pk).state == "published"
    assert Submission.objects.get(pk=yx_sub.pk).state == "submitted"
    assert published_observations() == len(GOOD)
    # Nothing approved is left: a second click says so and writes nothing.
    again = client_as("office").post(f"/submissions/tasks/{task.pk}/publish/", {"all": "1", "release": "flash"})
    assert again.status_code == 409 and "没有已审核、待发布的报表" in again.content.decode()
    assert AuditEntry.objects.filter(action="submission.publish_batch").count() == 1


def test_only_the_office_publishes_in_a_batch(client_as, task, yyx_sub) -> None:  # type: ignore[no-untyped-def]
    submit(client_as, yyx_sub, "yyx_rep", "yyx_rev")
    for who in ("leader", "yyx_rev", "yyx_rep", "auditor"):
        response = client_as(who).post(f"/submissions/tasks/{task.pk}/publish/", {"all": "1", "release": "flash"})
        assert response.status_code == 403, who
    assert Submission.objects.get(pk=yyx_sub.pk).state == "approved" and published_observations() == 0
    nothing = client_as("office").post(f"/submissions/tasks/{task.pk}/publish/", {"release": "flash"})
    assert nothing.status_code == 400 and "请勾选要发布的报表" in nothing.content.decode()
