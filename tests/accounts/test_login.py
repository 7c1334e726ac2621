"""Login as an assessor would test it: lock-out, idle timeout, forced password change, sessions, TOTP, policy."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from newind.accounts.crypto import decrypt_secret, encrypt_secret
from newind.accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from newind.accounts.models import LoginSession, Profile, SecurityPolicy
from newind.accounts.services import create_user
from newind.audit.models import AuditEntry
from newind.audit.services import verify_chain

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str, next_url: str = "/"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def actions(**filters: object) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


# --- nothing is readable anonymously ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/benchmark/", "/imports/", "/audit/", "/accounts/sessions/", "/admin/"])
def test_anonymous_pages_redirect_to_the_login_page(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url, follow=True)
    # (the admin's own login page hands over to the platform's login, which has lock-out and TOTP)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(LOGIN)
    assert response.status_code == 200 and "用户名" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/benchmark/options", "/api/imports/batches", "/api/openapi.json",
                                 "/api/docs"])
def test_anonymous_api_gets_401_json(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 401
    assert "请先登录" in response.json()["message"]


def test_login_page_and_healthz_are_public_and_carry_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert "登录" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()
    directives = dict(d.strip().split(" ", 1) for d in page["Content-Security-Policy"].split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert page["X-Frame-Options"] == "DENY" and page["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").status_code == 200


# --- password login, audit, sessions ------------------------------------------------------------------


def test_login_succeeds_records_the_session_and_audits_it(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = login(client, "yyx_rep", cast.PASSWORD, "/benchmark/")
    assert response.status_code == 302 and response["Location"] == "/benchmark/"
    assert LoginSession.objects.filter(user=cast.yyx_rep, ended_at__isnull=True).count() == 1
    entry = AuditEntry.objects.filter(action="login").latest("id")
    assert entry.actor == "yyx_rep" and entry.ip == "127.0.0.1"
    home = client.get("/")
    assert "岳阳县填报员" in home.content.decode() and "单位填报员" in home.content.decode()
    assert home["Cache-Control"] == "no-store, private"
    client.post("/accounts/logout/")
    assert "logout" in actions(actor="yyx_rep")
    assert client.get("/").status_code == 302


def test_the_login_form_rejects_a_post_without_csrf_token(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = login(client, "yyx_rep", cast.PASSWORD)
    assert response.status_code == 403


def test_five_failures_lock_the_account_for_15_minutes_and_the_lockout_is_audited(cast) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(4):
        response = login(client, "yx_rep", "wrong-Password-1")
        assert response.status_code == 200 and "正确的" in response.content.decode()
    response = login(client, "yx_rep", "wrong-Password-1")
    assert response.status_code == 403 and "已临时锁定" in response.content.decode()
    assert "15 分钟后自动解锁" in response.content.decode()
    # While locked, even the right password is refused.
    response = login(client, "yx_rep", cast.PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    # (django-axes signals the lock-out at the 5th failure and again at each attempt while locked)
    assert actions(action="login.lockout")
    assert len(actions(action="login.failed", actor="yx_rep")) >= 5
    # Another account is not affected.
    assert login(Client(), "yyx_rep", cast.PASSWORD).status_code == 302
    # 16 minutes later the lock has expired.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "yx_rep", cast.PASSWORD).status_code == 302
    assert verify_chain().ok


def test_the_security_admin_can_change_the_lockout_threshold(cast) -> None:  # type: ignore[no-untyped-def]
    admin = Client()
    admin.force_login(cast.secadmin)
    page = admin.get("/accounts/security/")
    assert page.status_code == 200 and "连续登录失败几次后锁定账号" in page.content.decode()
    response = admin.post("/accounts/security/", {"failure_limit": 3, "lockout_minutes": 30,
                                                  "idle_timeout_minutes": 20, "password_min_length": 10,
                                                  "password_min_classes": 3, "password_max_age_days": 90,
                                                  "max_sessions_per_user": 0})
    assert response.status_code == 302
    assert SecurityPolicy.objects.get().failure_limit == 3
    entry = AuditEntry.objects.filter(action="settings.change").latest("id")
    assert entry.before["failure_limit"] == 5 and entry.after["failure_limit"] == 3 and entry.actor == "secadmin"
    client = Client()
    for _ in range(3):
        response = login(client, "yx_rep", "wrong-Password-1")
    assert response.status_code == 403
    # Out of bounds values are refused with a Chinese message and nothing is saved.
    response = admin.post("/accounts/security/", {"failure_limit": 100, "lockout_minutes": 30,
                                                  "idle_timeout_minutes": 20, "password_min_length": 4,
                                                  "password_min_classes": 3, "password_max_age_days": 90,
                                                  "max_sessions_per_user": 0})
    assert response.status_code == 200 and "不能大于 10" in response.content.decode()
    assert "不能小于 8" in response.content.decode()
    assert SecurityPolicy.objects.get().failure_limit == 3


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "office", "yyx_rep"])
def test_only_the_security_admin_changes_security_settings(client_as, who) -> None:  # type: ignore[no-untyped-def]
    client = client_as(who)
    assert client.get("/accounts/security/").status_code == 403
    response = client.post("/accounts/security/", {"failure_limit": 10, "lockout_minutes": 5,
                                                   "idle_timeout_minutes": 120, "password_min_length": 8,
                                                   "password_min_classes": 2, "password_max_age_days": 0})
    assert response.status_code == 403
    assert not SecurityPolicy.objects.exists()


# --- idle timeout --------------------------------------------------------------------------------------


def test_idle_for_31_minutes_logs_out_and_is_audited(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    login(client, "leader", cast.PASSWORD)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = time.time() - 31 * 60
    session.save()
    response = client.get("/benchmark/")
    assert response.status_code == 302 and "timeout=1" in response["Location"]
    assert client.get("/").status_code == 302  # logged out for good
    page = client.get(response["Location"])
    assert "30 分钟未操作" in page.content.decode()
    assert actions(action="logout.idle", actor="leader") == ["logout.idle"]


def test_activity_within_the_idle_limit_keeps_the_session(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    login(client, "leader", cast.PASSWORD)
    session = client.session
    session[LAST_ACTIVITY] = time.time() - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


def test_an_active_session_still_ends_10_hours_after_sign_in_and_is_audited(cast) -> None:  # type: ignore[no-untyped-def]
    """docs/security.md: 最长 10 小时 — however busy the user, counted from sign-in, not from the last request."""
    client = Client()
    login(client, "leader", cast.PASSWORD)
    assert client.session[SIGNED_IN_AT] == pytest.approx(time.time(), abs=60)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - (9 * 3600 + 59 * 60)
    session[LAST_ACTIVITY] = time.time() - 60  # active a minute ago
    session.save()
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - (10 * 3600 + 60)
    session.save()
    response = client.get("/benchmark/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?expired=1"
    assert client.get("/").status_code == 302  # signed out for good
    assert "已超过 10 小时" in client.get(response["Location"]).content.decode()
    assert actions(action="logout.expired", actor="leader") == ["logout.expired"]
    # The API says so in JSON.
    api = Client()
    login(api, "leader", cast.PASSWORD)
    session = api.session
    session[SIGNED_IN_AT] = time.time() - (10 * 3600 + 60)
    session.save()
    response = api.get("/api/benchmark/options")
    assert response.status_code == 401 and "已超过 10 小时" in response.json()["message"]


# --- forced password change ----------------------------------------------------------------------------


def test_an_initial_password_must_be_changed_before_anything_else(reference_data) -> None:  # type: ignore[no-untyped-def]
    create_user("newrep", "reporter", password="Initial-2017", unit_code="430621", name="新填报员")
    client = Client()
    response = login(client, "newrep", "Initial-2017", "/benchmark/")
    assert response.status_code == 302
    response = client.get("/benchmark/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    assert client.get("/api/benchmark/options").status_code == 403
    page = client.get("/accounts/password/")
    assert "初始密码" in page.content.decode()
    # A new password that breaks the policy is refused, naming the rule.
    response = client.post("/accounts/password/", {"old_password": "Initial-2017", "new_password1": "abcdefgh",
                                                   "new_password2": "abcdefgh"})
    assert response.status_code == 200 and "至少 3 类" in response.content.decode()
    assert Profile.objects.get(user__username="newrep").must_change_password
    response = client.post("/accounts/password/", {"old_password": "Initial-2017", "new_password1": "Yueyang#Good7",
                                                   "new_password2": "Yueyang#Good7", "next": "/benchmark/"})
    assert response.status_code == 302 and response["Location"] == "/benchmark/"
    assert not Profile.objects.get(user__username="newrep").must_change_password
    assert client.get("/").status_code == 200  # still signed in after the change
    assert "password.change" in actions(actor="newrep")


# --- sessions ------------------------------------------------------------------------------------------


def test_the_security_admin_lists_and_ends_a_session(cast) -> None:  # type: ignore[no-untyped-def]
    user_client = Client()
    login(user_client, "yyx_rev", cast.PASSWORD)
    assert user_client.get("/").status_code == 200
    admin = Client()
    login(admin, "secadmin", cast.PASSWORD)
    page = admin.get("/accounts/sessions/")
    assert page.status_code == 200 and "yyx_rev" in page.content.decode()
    ls = LoginSession.objects.get(user=cast.yyx_rev, ended_at__isnull=True)
    response = admin.post(f"/accounts/sessions/{ls.pk}/end/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=ls.session_key).exists()
    ls.refresh_from_db()
    assert ls.ended_at is not None and ls.ended_by == "secadmin"
    assert user_client.get("/").status_code == 302  # the user must sign in again
    entry = AuditEntry.objects.filter(action="session.end").latest("id")
    assert entry.actor == "secadmin" and "yyx_rev" in entry.summary


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "office", "leader"])
def test_only_the_security_admin_may_end_sessions(cast, who) -> None:  # type: ignore[no-untyped-def]
    victim = Client()
    login(victim, "yyx_rev", cast.PASSWORD)
    ls = LoginSession.objects.get(user=cast.yyx_rev)
    other = Client()
    other.force_login(getattr(cast, who))
    assert other.get("/accounts/sessions/").status_code == 403
    assert other.post(f"/accounts/sessions/{ls.pk}/end/").status_code == 403
    assert victim.get("/").status_code == 200


# --- TOTP ----------------------------------------------------------------------------------------------


def test_totp_enrolment_then_login_asks_for_the_code(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    login(client, "office", "Office-Pass-2017")
    page = client.get("/accounts/me/totp/")
    assert page.status_code == 200
    secret = decrypt_secret(client.session["newind_pending_totp_secret"])
    assert secret in page.content.decode() and "otpauth://totp/" in page.content.decode()
    response = client.post("/accounts/me/totp/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                                                  else "111111"})
    assert response.status_code == 200 and "动态口令不正确" in response.content.decode()
    t0 = time.time()
    enrol_code = pyotp.TOTP(secret).at(t0)
    response = client.post("/accounts/me/totp/", {"code": enrol_code})
    assert response.status_code == 302
    profile = Profile.objects.get(user=cast.office)
    assert profile.totp_enabled and decrypt_secret(profile.totp_secret) == secret
    client.post("/accounts/logout/")

    fresh = Client()
    response = login(fresh, "office", "Office-Pass-2017", "/benchmark/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/totp/"
    assert fresh.get("/").status_code == 302  # the password alone did not sign in
    wrong = "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"
    response = fresh.post("/accounts/login/totp/", {"code": wrong})
    assert response.status_code == 200 and "动态口令不正确" in response.content.decode()
    # The code used to enrol cannot be used again (no replay): the app's next code (30 s later, within the
    # allowed clock drift) signs in.
    response = fresh.post("/accounts/login/totp/", {"code": enrol_code})
    assert response.status_code == 200
    response = fresh.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).at(t0 + 30)})
    assert response.status_code == 302 and response["Location"] == "/benchmark/"
    assert fresh.get("/").status_code == 200
    assert {"totp.enable", "login.totp_failed", "login"} <= set(actions())


def test_wrong_codes_count_towards_the_lockout_even_when_starting_over(cast) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    Profile.objects.filter(user=cast.leader).update(totp_secret=encrypt_secret(secret), totp_enabled=True)
    client = Client()
    wrong = "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"
    # Someone who knows the password guesses codes, re-entering the password after every two guesses.
    statuses = []
    for _ in range(3):
        login(client, "leader", cast.PASSWORD)
        statuses += [client.post("/accounts/login/totp/", {"code": wrong}).status_code for _ in range(2)]
    assert statuses[:4] == [200, 200, 200, 200] and statuses[4] == 403  # the 5th wrong code locks
    assert login(client, "leader", cast.PASSWORD).status_code == 403  # even the right password now
    assert client.get("/").status_code == 302
    assert len(actions(action="login.totp_failed", actor="leader")) >= 5
    assert actions(action="login.lockout")


# --- password storage and policy ----------------------------------------------------------------------


def test_argon2_is_the_production_hasher(settings, reference_data) -> None:  # type: ignore[no-untyped-def]
    from newind import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = create_user("hashme", "leader", password="Hash-Me-2017")
    assert user.password.startswith("argon2")
    assert get_user_model().objects.get(username="hashme").check_password("Hash-Me-2017")


@pytest.mark.parametrize(("password", "ok", "reason"), [
    ("Short1!", False, "太短"),  # 7 characters
    ("abcdefgh", False, "至少 3 类"),  # one class
    ("abcdefg1", False, "至少 3 类"),  # two classes
    ("Kxqvbzm7", True, ""),  # upper, lower, digit
    ("abcdef1!", True, ""),  # lower, digit, special
    ("岳阳abcd12", True, ""),  # Chinese characters count as special characters
    ("Password1", False, "常见"),  # three classes, but a common password
    ("Yyx_rep2017", False, "相似"),  # too similar to the username
])
def test_password_policy(reference_data, password, ok, reason) -> None:  # type: ignore[no-untyped-def]
    from newind.core.errors import AppError

    if ok:
        create_user("yyx_rep", "reporter", password=password, unit_code="430621")
        return
    with pytest.raises(AppError) as exc:
        create_user("yyx_rep", "reporter", password=password, unit_code="430621")
    assert any(reason in str(p) for p in exc.value.problems), exc.value.problems
    assert not get_user_model().objects.filter(username="yyx_rep").exists()


def test_a_totp_code_cannot_be_replayed(cast) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    Profile.objects.filter(user=cast.leader).update(totp_secret=encrypt_secret(secret), totp_enabled=True)
    code = pyotp.TOTP(secret).now()
    first = Client()
    login(first, "leader", cast.PASSWORD)
    assert first.post("/accounts/login/totp/", {"code": code}).status_code == 302
    assert first.get("/").status_code == 200
    # Someone who saw the password and the code tries them again within the same 30 seconds.
    second = Client()
    login(second, "leader", cast.PASSWORD)
    response = second.post("/accounts/login/totp/", {"code": code})
    assert response.status_code == 200 and "已使用过" in response.content.decode()
    assert second.get("/").status_code == 302


def test_an_expired_password_must_be_changed(cast) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.filter(user=cast.yyx_rep).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = Client()
    login(client, "yyx_rep", cast.PASSWORD)
    response = client.get("/benchmark/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    Profile.objects.filter(user=cast.yyx_rep).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    assert client.get("/benchmark/").status_code == 200


def test_when_the_policy_requires_totp_users_must_enrol_first(cast) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.services import save_policy

    save_policy({"failure_limit": 5, "lockout_minutes": 15, "idle_timeout_minutes": 30, "password_min_length": 8,
                 "password_min_classes": 3, "password_max_age_days": 90, "require_totp": True,
                 "max_sessions_per_user": 0}, user=cast.secadmin)
    client = Client()
    login(client, "yx_rep", cast.PASSWORD)
    response = client.get("/submissions/")
    assert response.status_code == 302 and response["Location"] == "/accounts/me/totp/"
    assert client.get("/api/benchmark/options").status_code == 403
    page = client.get("/accounts/me/totp/")
    assert page.status_code == 200
    secret = decrypt_secret(client.session["newind_pending_totp_secret"])
    assert client.post("/accounts/me/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/submissions/").status_code == 200


def test_the_top_bar_shows_business_pages_to_business_users_only(client_as) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/benchmark/"' in client_as("yyx_rep").get("/").content.decode()
    page = client_as("auditor").get("/").content.decode()
    assert 'href="/benchmark/"' not in page and 'href="/audit/"' in page
    page = client_as("secadmin").get("/").content.decode()
    assert 'href="/accounts/sessions/"' in page and 'href="/submissions/"' not in page


def test_a_lockout_is_pushed_once_to_the_security_webhook(cast, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from newind.accounts import alerts

    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(alerts, "post_text", lambda url, text, timeout=5.0: sent.append((url, text)) or "")
    settings.NEWIND_SECURITY_WEBHOOK_URL = "https://example.invalid/hook"
    cache.clear()
    client = Client()
    for _ in range(7):  # the 5th failure locks; the 6th and 7th are refused while locked
        login(client, "yx_rep", "wrong-Password-1")
    assert len(sent) == 1
    url, text = sent[0]
    assert url == "https://example.invalid/hook"
    assert "yx_rep" in text and "锁定 15 分钟" in text and "127.0.0.1" in text


def test_the_policy_can_limit_sessions_per_account(cast) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.services import save_policy

    save_policy({"failure_limit": 5, "lockout_minutes": 15, "idle_timeout_minutes": 30, "password_min_length": 8,
                 "password_min_classes": 3, "password_max_age_days": 90, "require_totp": False,
                 "max_sessions_per_user": 2}, user=cast.secadmin)
    clients = [Client(), Client(), Client()]
    for c in clients:
        assert login(c, "office", "Office-Pass-2017").status_code == 302
    # The third login ended the oldest session; the two newest go on.
    assert [c.get("/").status_code for c in clients] == [302, 200, 200]
    entry = AuditEntry.objects.filter(action="session.end").latest("id")
    assert "超过 2 个会话" in entry.summary and entry.actor == "office"


def test_wrong_current_passwords_on_the_password_page_count_towards_the_lockout(cast) -> None:  # type: ignore[no-untyped-def]
    """Someone with a stolen session guesses the password on /accounts/password/: the 5th wrong guess locks
    the account and ends the session; the right password is then refused too."""
    other = Client()  # the owner, signed in elsewhere
    assert login(other, "yx_rep", cast.PASSWORD).status_code == 302
    client = Client()
    assert login(client, "yx_rep", cast.PASSWORD).status_code == 302
    new = {"new_password1": "Yueyang#Good7", "new_password2": "Yueyang#Good7"}
    statuses = [client.post("/accounts/password/", {"old_password": f"Guess-{i}-2017", **new}).status_code
                for i in range(5)]
    assert statuses == [200, 200, 200, 200, 403]
    assert client.get("/").status_code == 302  # the session has ended
    assert login(client, "yx_rep", cast.PASSWORD).status_code == 403  # locked, even with the right password
    assert get_user_model().objects.get(username="yx_rep").check_password(cast.PASSWORD)
    assert len(actions(action="password.change_failed", actor="yx_rep")) == 5
    assert actions(action="login.lockout")
    # A signed-in session of the same account elsewhere cannot change the password while it is locked.
    response = other.post("/accounts/password/", {"old_password": cast.PASSWORD, **new})
    assert response.status_code == 403 and "已临时锁定" in response.content.decode()
    assert get_user_model().objects.get(username="yx_rep").check_password(cast.PASSWORD)


def test_none_of_the_last_5_passwords_can_be_used_again(cast) -> None:  # type: ignore[no-untyped-def]
    """yx_rep starts with P0 (the cast password) and changes to P1 … P5; P0 … P4 and the current one are
    refused while they are among the last five; after five changes, P0 has dropped out and is accepted."""
    from newind.accounts.models import PasswordHistory

    client = Client()
    login(client, "yx_rep", cast.PASSWORD)
    passwords = [cast.PASSWORD] + [f"Yueyang#Hist{i}" for i in range(1, 6)]

    def change(old: str, new: str):  # type: ignore[no-untyped-def]
        return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})

    # Back to the current password, or to the previous one, is refused in Chinese.
    response = change(passwords[0], passwords[0])
    assert response.status_code == 200 and "不能与最近 5 次使用过的密码相同" in response.content.decode()
    assert change(passwords[0], passwords[1]).status_code == 302
    response = change(passwords[1], passwords[0])
    assert response.status_code == 200 and "不能与最近 5 次使用过的密码相同" in response.content.decode()
    user = get_user_model().objects.get(username="yx_rep")
    assert user.check_password(passwords[1])
    for i in range(2, 6):
        assert change(passwords[i - 1], passwords[i]).status_code == 302
    # Only hashes are kept, five of them: P1 … P5.
    stored = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(stored) == 5 and not any(p in h for h in stored for p in passwords)
    assert change(passwords[5], passwords[2]).status_code == 200
    assert change(passwords[5], passwords[0]).status_code == 302
    # An administrator's reset is checked too.
    admin = Client()
    admin.force_login(cast.sysadmin)
    response = admin.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": passwords[5], "password2": passwords[5], "usable_password": "true"})
    assert response.status_code == 200 and "不能与最近 5 次使用过的密码相同" in response.content.decode()



def test_totp_secrets_are_stored_encrypted_with_a_key_outside_the_database(cast, settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    client = Client()
    client.force_login(cast.yyx_rev)
    client.get("/accounts/me/totp/")
    secret = decrypt_secret(client.session["newind_pending_totp_secret"])
    assert client.post("/accounts/me/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    # Neither the profile row nor any session row holds the secret in the clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_profile WHERE user_id = %s", [cast.yyx_rev.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("gAAAAA") and secret not in stored and decrypt_secret(stored) == secret
    assert not any(secret in repr(s.get_decoded()) for s in Session.objects.all())
    # Another key cannot read it; the page says so in Chinese instead of failing with a traceback.
    from cryptography.fernet import Fernet

    settings.NEWIND_TOTP_KEY = Fernet.generate_key().decode()
    fresh = Client()
    assert login(fresh, "yyx_rev", cast.PASSWORD).status_code == 302
    response = fresh.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 500 and "无法解密" in response.content.decode()
    # Rotation: the new key first, the old one still decrypts.
    from tests.conftest import TEST_TOTP_KEY as old_key

    settings.NEWIND_TOTP_KEY = f"{Fernet.generate_key().decode()},{old_key}"
    assert decrypt_secret(stored) == secret


def test_without_a_totp_key_enrolment_says_so_and_the_migration_encrypts_old_secrets(cast, settings) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    # Secrets stored in plaintext before the migration are encrypted by it.
    Profile.objects.filter(user=cast.leader).update(totp_secret="JBSWY3DPEHPK3PXP", totp_enabled=True)
    migration = importlib.import_module("newind.accounts.migrations.0008_encrypt_totp_secrets")
    migration.encrypt_existing(apps, None)
    stored = Profile.objects.get(user=cast.leader).totp_secret
    assert stored.startswith("gAAAAA") and decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    migration.encrypt_existing(apps, None)  # run twice: not encrypted twice
    assert Profile.objects.get(user=cast.leader).totp_secret == stored
    # No key configured: a clear message, nothing stored.
    settings.NEWIND_TOTP_KEY = ""
    client = Client()
    client.force_login(cast.yx_rep)
    response = client.get("/accounts/me/totp/")
    assert response.status_code == 500 and "没有配置动态口令的加密密钥" in response.content.decode()
    assert Profile.objects.get(user=cast.yx_rep).totp_secret == ""
