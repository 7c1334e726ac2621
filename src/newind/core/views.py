"""Views every installation serves whatever apps it has: the Chinese 403 page, the health check, the icon."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from newind.core.errors import AppError
from newind.core.middleware import render_app_error


def bench_hello(request: HttpRequest) -> HttpResponse:
    """The load test's baseline ("hello"), answered only when NEWIND_BENCH_HELLO is on (404 otherwise).

    It needs a signed-in user like the pages it is compared with, so it pays what every signed-in request
    pays (the session and user rows, the idle-timeout touch, CSRF, security headers, the audit context)
    and nothing else: a page's ratio to it is what the page's own work costs. `/healthz` would skip the
    session and user lookups and understate that floor.
    """
    if not settings.NEWIND_BENCH_HELLO:
        raise AppError("页面不存在。", status=404, code="not_found")
    return HttpResponse(f"hello {request.user.get_username()}", content_type="text/plain; charset=utf-8")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 403s (the admin's model permissions, CSRF aside) as the platform's Chinese error page."""
    error = AppError("您没有权限打开此页面：顶部菜单只列出您可以使用的功能，请从菜单进入；如需访问，"
                     "请联系市新型工业化领导小组办公室开通权限。", status=403, code="forbidden")
    return render_app_error(request, error)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


FAVICON = Path(__file__).resolve().parent / "static" / "core" / "favicon.ico"


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The vendored icon at /favicon.ico, where browsers ask for it on a first visit (no login needed)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
