"""The typed errors say their status once and render through the one renderer, as a page or as JSON."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from newind.core.errors import AppError, Conflict, Forbidden, NotFound, TooLarge, forbidden, not_found
from newind.core.middleware import AppErrorMiddleware
from newind.core.uploads import check_upload_size, read_upload


@pytest.mark.parametrize(("kind", "status", "code"), [
    (NotFound, 404, "not_found"), (Forbidden, 403, "forbidden"), (Conflict, 409, "conflict"),
    (TooLarge, 413, "too_large"),
])
def test_each_type_carries_its_status_and_code(kind, status, code):
    error = kind("该报表已被他人修改：请刷新页面后重试。")
    assert isinstance(error, AppError)
    assert (error.status, error.code, str(error)) == (status, code, "该报表已被他人修改：请刷新页面后重试。")
    # A more precise code may still be given (e.g. the audit anchor's 409).
    assert kind("x", code="audit_anchor").code == "audit_anchor"


def test_the_helpers_give_the_typed_errors():
    assert isinstance(not_found("单位「999」"), NotFound) and not_found("单位「999」").status == 404
    assert isinstance(forbidden(), Forbidden) and forbidden().status == 403


@pytest.mark.parametrize("kind", [NotFound, Forbidden, Conflict, TooLarge])
def test_the_one_renderer_answers_json_for_the_api(kind):
    request = RequestFactory().get("/api/anything")
    request.user = AnonymousUser()
    response = AppErrorMiddleware(lambda r: None).process_exception(request, kind("未找到该任务：请检查编号。"))  # type: ignore[arg-type, return-value]
    assert response is not None and response.status_code == kind("").status
    assert json.loads(response.content) == {"error": kind("").code, "message": "未找到该任务：请检查编号。",
                                            "problems": []}


def test_the_one_renderer_answers_a_page_for_a_browser(db):
    request = RequestFactory().get("/targets/")
    request.user = AnonymousUser()
    response = AppErrorMiddleware(lambda r: None).process_exception(request, Conflict("该目标已存在：请勿重复录入。"))  # type: ignore[arg-type, return-value]
    assert response is not None and response.status_code == 409
    assert "该目标已存在：请勿重复录入。" in response.content.decode()


def test_one_upload_size_check(settings):
    settings.NEWIND_IMPORT_MAX_BYTES = 2048
    check_upload_size(2048)  # at the limit is fine
    with pytest.raises(TooLarge, match=r"文件过大（3 KB），超过上传上限 2 KB：请拆分为较小的文件后再上传。"):
        check_upload_size(3000)
    upload = SimpleNamespace(size=5000, read=lambda: pytest.fail("a file over the limit is never read"))
    with pytest.raises(TooLarge, match="请上传从平台下载的填报模板"):
        read_upload(upload, hint="请上传从平台下载的填报模板。")
    assert read_upload(SimpleNamespace(size=3, read=lambda: b"abc")) == b"abc"


def test_every_page_and_service_reads_uploads_through_the_one_check():
    """No other module compares an upload's size with the limit itself."""
    from pathlib import Path

    import newind

    root = Path(newind.__file__).resolve().parent
    others = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "settings.NEWIND_IMPORT_MAX_BYTES" in p.read_text(encoding="utf-8")
              and p.relative_to(root).as_posix() not in {"core/uploads.py", "settings.py", "imports/views.py",
                                                         "enterprises/views.py"}]
    # imports/views.py and enterprises/views.py only show the limit on their upload pages ("最大 20 MB").
    assert others == []
