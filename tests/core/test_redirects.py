"""No open redirect: every `next` (and the error page's Referer link) goes through `core.redirects`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from newind.core.redirects import safe_next_url, safe_url
from newind.targets.models import WarningScheme

SRC = Path(__file__).resolve().parents[2] / "src" / "newind"
OFFSITE = ["https://evil.example/phish", "//evil.example/phish", "http://evil.example", "javascript:alert(1)",
           "https:/evil.example", "\\\\evil.example", "/\\evil.example", " https://evil.example"]


@pytest.mark.parametrize("target", OFFSITE)
def test_the_helper_refuses_every_offsite_target(target):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/targets/rules/", {"next": target})
    assert safe_next_url(request, "/fallback/") == "/fallback/"


def test_the_helper_keeps_targets_on_this_site():
    request = RequestFactory().get("/", {"next": "/targets/?period=2017-03"}, HTTP_HOST="testserver")
    assert safe_next_url(request) == "/targets/?period=2017-03"
    assert safe_url(request, "http://testserver/benchmark/") == "http://testserver/benchmark/"
    secure = RequestFactory().get("/", secure=True, HTTP_HOST="testserver")
    assert safe_url(secure, "http://testserver/benchmark/", "/") == "/"  # no downgrade from https


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE[:3])
def test_choosing_rules_never_redirects_offsite(client_as, cast, target):  # type: ignore[no-untyped-def]
    response = client_as("office").post("/targets/rules/", {"year": "2017", "rule_set": "gap-only", "next": target})
    assert response.status_code == 302 and response["Location"] == "/targets/manage/?year=2017"
    assert WarningScheme.objects.get(year=2017).rule_set == "gap-only"  # the choice itself still saved


@pytest.mark.django_db
def test_choosing_rules_returns_to_the_page_it_came_from(client_as, cast):  # type: ignore[no-untyped-def]
    response = client_as("office").post("/targets/rules/", {"year": "2017", "rule_set": "default",
                                                             "next": "/targets/?period=2017-03"})
    assert response["Location"] == "/targets/?period=2017-03"


@pytest.mark.django_db
def test_login_and_the_admin_login_never_redirect_offsite(client, cast):  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/?next=https://evil.example/phish",
                           {"username": "office", "password": "Office-Pass-2017", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    from django.contrib.auth.models import AnonymousUser

    from newind.accounts.admin import admin_login_redirect

    request = RequestFactory().get("/admin/login/", {"next": "https://evil.example/phish"})
    request.user = AnonymousUser()
    assert admin_login_redirect(request)["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.django_db
def test_the_error_page_links_back_only_within_the_site(client_as, cast):  # type: ignore[no-untyped-def]
    office = client_as("office")
    offsite = office.get("/targets/manage/?year=x", HTTP_REFERER="https://evil.example/phish")
    assert offsite.status_code == 400 and "evil.example" not in offsite.content.decode()
    onsite = office.get("/targets/manage/?year=x", HTTP_REFERER="http://testserver/targets/")
    assert 'href="http://testserver/targets/">返回上一页' in onsite.content.decode()


def test_no_view_reads_next_except_through_the_helper():
    """A new `next` read straight from the request would reopen the hole: only core/redirects.py may."""
    pattern = re.compile(r"""(GET|POST|session|pending)(\.get\(|\[)["']next["']""")
    offenders = []
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and path.name != "redirects.py" and "safe_url(" not in line \
                    and '== "board"' not in line:
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert offenders == []
