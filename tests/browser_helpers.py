"""Helpers for browser tests: hand a logged-in session to Chromium and watch for page errors."""

from __future__ import annotations


def session_cookie(client, user) -> str:  # type: ignore[no-untyped-def]
    """Log `user` in through the test client and return the session id for a browser to reuse.

    Call it before `browser_page` starts: once Playwright's event loop runs in this thread, database
    work here would open a second connection that PostgreSQL then refuses to drop with the test DB.
    """
    from django.conf import settings

    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def open_as(page, live_server, session_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Give the browser page that session and return a list that collects its script errors and
    failed requests (except the browser's own favicon probe) from now on."""
    from django.conf import settings

    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}])
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return errors
