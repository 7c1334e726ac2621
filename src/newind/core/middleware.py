"""Renders AppError as a page or JSON body, and unexpected errors as a page with a reference id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from newind.core.errors import AppError

log = logging.getLogger("newind")


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def render_app_error(request: HttpRequest, error: AppError) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"error": error}, status=error.status)


class AppErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AppError):
            return render_app_error(request, exception)
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
