"""The current request, so signal receivers (role changes made in the admin, …) can name who did it."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("newind_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


def current_user() -> Any:
    request = _request.get()
    return getattr(request, "user", None) if request is not None else None


class AuditContextMiddleware:
    """Keeps the request in a context variable for the duration of the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
