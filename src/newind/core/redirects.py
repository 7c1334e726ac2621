"""Where a page may send the user next: only to this site (no open redirect through `next` or Referer)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_url(request: HttpRequest, candidate: str | None, fallback: str = "") -> str:
    """`candidate` when it points into this site (same host, http(s) only, https when the request is), else `fallback`."""
    candidate = (candidate or "").strip()
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


def safe_next_url(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` parameter (POST, then GET) if it stays on this site, else `fallback`."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next"), fallback)
