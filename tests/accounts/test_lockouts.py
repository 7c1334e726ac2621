"""The security administrator unlocks an account that django-axes locked after repeated failed logins."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from newind.audit.models import AuditEntry
from newind.audit.services import verify_chain

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password, "next": "/"})


def lock(username: str) -> Client:
    client = Client()
    for _ in range(5):
        login(client, username, "wrong-Password-1")
    return client


def test_the_security_admin_sees_the_locked_account_and_unlocks_it(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client = lock("yx_rep")
    assert login(client, "yx_rep", cast.PASSWORD).status_code == 403  # locked: even the right password
    admin = client_as("secadmin")
    page = admin.get("/accounts/lockouts/").content.decode()
    assert "yx_rep" in page and "云溪区填报员" in page and 'aria-label="解锁yx_rep"' in page
    assert "yyx_rep" not in page  # not locked

    response = admin.post("/accounts/lockouts/unlock/", {"username": "yx_rep"},
                          follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已解除账号「yx_rep」的锁定" in page and "当前没有被锁定的账号" in page
    assert not AccessAttempt.objects.filter(username="yx_rep").exists()
    entry = AuditEntry.objects.get(action="login.unlock")
    assert entry.actor == "secadmin" and entry.object_id == "yx_rep" and entry.before["failures"] == 6  # 5 wrong + 1 refused while locked
    assert verify_chain().ok
    # The user signs in again at once, without waiting for the lock to lapse.
    assert login(client, "yx_rep", cast.PASSWORD).status_code == 302


def test_a_lapsed_lock_is_not_listed_and_cannot_be_unlocked(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    lock("yx_rep")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))  # the lock is 15 minutes
    admin = client_as("secadmin")
    assert "当前没有被锁定的账号" in admin.get("/accounts/lockouts/").content.decode()
    assert login(Client(), "yx_rep", cast.PASSWORD).status_code == 302  # indeed no longer locked
    response = admin.post("/accounts/lockouts/unlock/", {"username": "yx_rep"})
    assert response.status_code == 409 and "当前没有被锁定" in response.content.decode()
    assert not AuditEntry.objects.filter(action="login.unlock").exists()


@pytest.mark.parametrize("who", ["office", "leader", "yyx_rep", "auditor", "sysadmin"])
def test_only_the_security_admin_unlocks(client_as, cast, who) -> None:  # type: ignore[no-untyped-def]
    lock("yx_rep")
    client = client_as(who)
    assert client.get("/accounts/lockouts/").status_code == 403
    assert client.post("/accounts/lockouts/unlock/", {"username": "yx_rep"}).status_code == 403
    assert AccessAttempt.objects.filter(username="yx_rep").exists()
    assert not AuditEntry.objects.filter(action="login.unlock").exists()
