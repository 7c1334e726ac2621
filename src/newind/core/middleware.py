"""Renders AppError as a page or JSON body, and unexpected errors as a page with a reference id.

It also refuses, before any view runs, requests no view can store: NUL in the path, a header, a query or
form parameter or a JSON body (PostgreSQL text cannot hold it; the view would fail with a 500), and bodies
Django cannot parse (a multipart body without a boundary, too many fields), each as a Chinese 400.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import render

from newind.core.errors import AppError, TooLarge
from newind.core.redirects import safe_url

log = logging.getLogger("newind")


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def render_app_error(request: HttpRequest, error: AppError) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    # The page's "back" link is the Referer only when it points into this site.
    back = safe_url(request, request.META.get("HTTP_REFERER", ""))
    return render(request, "core/error.html", {"error": error, "back": back}, status=error.status)


def bad_request_error(exception: Exception) -> AppError | None:
    """The Chinese 400/413 for a request Django could not read (None for any other exception)."""
    if isinstance(exception, RequestDataTooBig):
        return TooLarge("提交的内容过大，未处理：请减少一次提交的内容后重试；上传文件请使用页面上的上传功能。")
    if isinstance(exception, MultiPartParserError | UnreadablePostError | RawPostDataException | BadRequest
                  | SuspiciousOperation):
        log.warning("unreadable request body (%s): %s", type(exception).__name__, exception)
        return AppError("提交的内容格式不正确，未处理：表单请从页面提交；接口请发送 JSON（Content-Type: "
                        "application/json），上传文件请使用带分隔符（boundary）的 multipart/form-data。",
                        code="bad_request")
    return None


NUL = "\x00"


def nul_location(request: HttpRequest) -> str | None:
    """Where the request holds NUL, in words (None when nowhere). Reads the body as the view would."""
    if NUL in request.path:
        return "网址"
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return f"请求头「{key[5:].replace('_', '-').title()}」"
    form = request.POST if request.method == "POST" else QueryDict()
    for label, params in (("查询参数", request.GET), ("表单字段", form)):
        for key, values in params.lists():
            if NUL in key or any(NUL in v for v in values):
                return f"{label}「{key.replace(NUL, '')}」"
    if request.content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON at all: the API answers that itself
        return _nul_in_json(data, "")
    return None


def _nul_in_json(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return f"提交内容的「{path or '（整体）'}」" if NUL in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if NUL in name:
            return f"提交内容的「{name.replace(NUL, '')}」"
        found = _nul_in_json(item, name)
        if found:
            return found
    return None


class AppErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = nul_location(request)
        except Exception as exception:  # an unreadable body: the same answer a view would give
            error = bad_request_error(exception)
            if error is None:
                raise
            return render_app_error(request, error)
        if where:
            return render_app_error(request, AppError(
                f"{where}含有空字符（NUL），无法处理：请删除该字符后重试。", code="nul_character"))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AppError):
            return render_app_error(request, exception)
        unreadable = bad_request_error(exception)
        if unreadable is not None:
            return render_app_error(request, unreadable)
        from django.conf import settings

        if settings.DEBUG:
            return None
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404 | PermissionDenied):
            return None
        reference = uuid.uuid4().hex[:12]
        log.exception("unhandled error, reference %s", reference)
        error = AppError(f"系统出现内部错误（参考编号 {reference}）：请稍后重试，或把参考编号告知系统管理员。",
                         status=500, code="server_error")
        return render_app_error(request, error)
