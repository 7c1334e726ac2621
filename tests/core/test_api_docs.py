"""/api/docs: Swagger UI from the installed django-ninja package, under the platform's CSP (it loaded from a
CDN before, which `script-src 'self'` blocks, so the page stayed blank)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.browser_helpers import open_as, session_cookie


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office", "yyx_rep"])
def test_the_docs_page_uses_only_this_sites_scripts_and_styles(client_as, who):  # type: ignore[no-untyped-def]
    response = client_as(who).get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "https://" not in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js",
            "/static/ninja/swagger-ui.css"} <= set(sources)
    assert all(s.startswith("/static/") for s in sources)
    # No inline script: the only <script> without src is the JSON settings block, which the CSP allows.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(name), name  # served by whitenoise from the package


@pytest.mark.django_db
def test_anonymous_users_get_no_docs(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/docs")
    assert response.status_code == 401 and response.json()["error"] == "not_authenticated"


@pytest.fixture
def office_session(client, office_user) -> str:  # type: ignore[no-untyped-def]
    return session_cookie(client, office_user)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_in_chromium(office_session, live_server, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, office_session)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/submissions/{submission_id}/values" in [p.replace("\u200b", "") for p in paths]
    assert "newind API" in page.locator(".title").first.inner_text()
    page.screenshot(path="/tmp/api-docs.png", full_page=False)
    assert errors == [] and violations == []
    assert settings.NEWIND_CSP.startswith("default-src 'self'")
