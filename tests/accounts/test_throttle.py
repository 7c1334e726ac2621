"""Per-address throttling: password spraying, uploads and report generation get a Chinese 429."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from newind.accounts import throttle
from newind.accounts.models import RateCounter
from newind.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_password_spraying_from_one_address_is_stopped_at_the_limit(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_LOGIN = "10/300"
    client = Client()
    statuses = [client.post("/accounts/login/", {"username": f"user{i}", "password": "Spring2017!"}).status_code
                for i in range(25)]
    assert statuses == [200] * 10 + [429] * 15
    page = client.post("/accounts/login/", {"username": "yx_rep", "password": cast.PASSWORD})
    assert page.status_code == 429 and "登录尝试过于频繁（5 分钟内超过 10 次）" in page.content.decode()
    assert "_auth_user_id" not in client.session
    # The refused attempts reached neither the password check nor the audit log (one entry says why).
    assert AuditEntry.objects.filter(action="login.failed").count() == 10
    refused = AuditEntry.objects.filter(action="throttle.refused")
    assert refused.count() == 1 and refused.get().ip == "127.0.0.1"
    # The count lives in the database, which every server process shares.
    row = RateCounter.objects.get(scope="login", key="127.0.0.1")
    assert (row.count, row.refused) == (10, 16)
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.20.30.40")
    assert other.post("/accounts/login/", {"username": "yx_rep", "password": cast.PASSWORD}).status_code == 302


def test_the_login_page_itself_and_the_second_factor_step_count_as_attempts(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_LOGIN = "2/300"
    client = Client()
    assert client.get("/accounts/login/").status_code == 200  # reading the form is not an attempt
    client.post("/accounts/login/", {"username": "x", "password": "y"})
    client.post("/accounts/login/totp/", {"code": "123456"})
    assert client.post("/accounts/login/totp/", {"code": "123456"}).status_code == 429


def test_the_window_slides(db) -> None:  # type: ignore[no-untyped-def]
    """10 per 300 s. All 10 are used at t = 0 … 9 (window 0); the 11th is refused. At t = 300 (start of
    window 1) the previous window still overlaps fully: 10 × 1 + 0 + 1 = 11 > 10, refused. At t = 450 it
    overlaps by half: 10 × 0.5 = 5, so the k-th request passes while 5 + (k − 1) + 1 ≤ 10, i.e. k ≤ 5,
    and the 6th is refused."""
    r = throttle.Rate(10, 300)
    allowed = [throttle._hit("upload", "1.2.3.4", r, float(t))[0] for t in range(10)]
    assert allowed == [True] * 10
    assert throttle._hit("upload", "1.2.3.4", r, 10.0)[0] is False
    assert throttle._hit("upload", "1.2.3.4", r, 300.0)[0] is False
    later = [throttle._hit("upload", "1.2.3.4", r, 450.0)[0] for _ in range(6)]
    assert later == [True] * 5 + [False]
    # Windows older than the previous one are deleted when a new window starts.
    throttle._hit("upload", "1.2.3.4", r, 600.0)
    assert sorted(RateCounter.objects.filter(scope="upload").values_list("window", flat=True)) == [1, 2]


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("x.csv", "地区,指标,时期,数值\n岳阳县,规模以上工业增加值,2017-03,1\n".encode(),
                              content_type="text/csv")


def _xlsx() -> SimpleUploadedFile:
    return SimpleUploadedFile("x.xlsx", b"not a zip")


UPLOADS = [
    ("the import page", "/imports/", lambda: {"file": _csv()}),
    ("confirming an import", "/imports/confirm/", lambda: {"sha256": "0" * 64}),
    ("the targets import", "/targets/import/", lambda: {"file": _xlsx()}),
]


@pytest.mark.parametrize(("what", "url", "body"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_uploads_from_one_address_are_throttled(client_as, settings, what, url, body) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_UPLOAD = "2/600"
    client = client_as("office")
    assert [client.post(url, body()).status_code != 429 for _ in range(2)] == [True, True]
    response = client.post(url, body())
    assert response.status_code == 429 and "文件上传过于频繁（10 分钟内超过 2 次）" in response.content.decode()


def test_the_submission_excel_upload_is_throttled(client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_UPLOAD = "1/600"
    client = client_as("yx_rep")
    assert client.post("/submissions/999999/upload/", {"file": _xlsx()}).status_code == 404
    response = client.post("/submissions/999999/upload/", {"file": _xlsx()})
    assert response.status_code == 429 and "文件上传过于频繁" in response.content.decode()


def test_report_generation_is_throttled_on_the_page_and_the_api(client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_REPORT = "1/600"
    client = client_as("leader")
    assert client.get("/reports/monthly?format=nope").status_code == 400  # counted, then refused for the format
    response = client.get("/reports/monthly?format=docx")
    assert response.status_code == 429 and "生成报告过于频繁" in response.content.decode()
    api = client.get("/api/reports/monthly-overview")
    assert api.status_code == 429 and api.json()["error"] == "too_many_requests"
    assert "生成报告过于频繁" in api.json()["message"]


def test_a_limit_can_be_switched_off_and_a_bad_setting_is_named(client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_THROTTLE_LOGIN = "0/0"
    assert throttle.rate("login") is None
    settings.NEWIND_THROTTLE_LOGIN = "sixty"
    from newind.core.errors import AppError

    with pytest.raises(AppError, match="NEWIND_THROTTLE_LOGIN"):
        throttle.rate("login")
