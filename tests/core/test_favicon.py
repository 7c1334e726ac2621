"""The favicon (issue 8 item 9): served at /favicon.ico and linked from the base template."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_without_a_login_and_linked_from_every_page(client, office_client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/favicon.ico")  # what a browser asks for on a first visit (was 404)
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    icon = response.content
    # An ICO file: reserved 0, type 1 (icon), then the number of images (16, 32 and 48 px).
    assert icon[:4] == b"\x00\x00\x01\x00" and int.from_bytes(icon[4:6], "little") == 3
    assert "max-age=86400" in response["Cache-Control"]
    page = office_client.get("/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert link and link.group(1) == "/static/core/favicon.ico"
    assert b"".join(office_client.get(link.group(1)).streaming_content) == icon
    client.logout()
    login_page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.ico"' in login_page
