"""Shared fixtures: reference data, a logged-in office client, and a headless Chromium page.

The cast of users (市工信局管理员, 岳阳县填报员, …) lives in `cast` fixtures once accounts land; until then
`office_client` logs in as an office staff member who may see everything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO / "src" / "newind" / "imports" / "data" / "hunan"
CHROMIUM = os.environ.get("NEWIND_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Hash test passwords with a fast hasher (argon2 costs ~0.1 s a user); production keeps argon2 first.

    tests/accounts/test_login.py checks the production order and an argon2 hash explicitly.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


# The audit chain's key in tests: fixed, so nothing is written to the var dir (newind.audit.keys).
TEST_AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _audit_key_and_anchors(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every test gets the test audit key and an empty external-anchor directory of its own."""
    settings.NEWIND_AUDIT_KEY = TEST_AUDIT_KEY
    settings.NEWIND_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_guards() -> Iterator[None]:
    """Let transactional tests (live_server, `transactional_db`) empty the audit tables at teardown.

    Django's test flush empties every table with TRUNCATE (PostgreSQL) or DELETE (SQLite), which the audit
    guards refuse, as they should in production. Around that flush only, and only in the test process, the
    guards are dropped and re-created in the same transaction (`newind.audit.guards`). The application never
    flushes and has no way past the guards; `newind flush` keeps failing on the audit tables.
    """
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    from newind.audit import guards

    original = BaseDatabaseOperations.execute_sql_flush

    def flush(self, sql_list):  # type: ignore[no-untyped-def]
        with transaction.atomic(using=self.connection.alias):
            guards.drop(self.connection)
            original(self, sql_list)
            guards.install(self.connection)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", flush)
        yield

# The TOTP secrets' encryption key for the tests (a deployment gives its own, see accounts.crypto).
TEST_TOTP_KEY = "mjBv0fX3o5yDqjKx7a4HkQ2n9sWcLzEuT1pRgV6bYdA="


@pytest.fixture(autouse=True)
def _totp_key(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_TOTP_KEY = TEST_TOTP_KEY
    settings.NEWIND_TOTP_KEY_FILE = ""


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_synchronously() -> None:
    """Background jobs run in the process that queues them (huey's immediate mode, an in-memory queue), so a
    test sees a job's effect as soon as the write that queued it commits. tests/jobs/test_worker.py runs a
    real worker against the SQLite, PostgreSQL and Redis queues."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fresh_read_cache() -> Iterator[None]:
    """Each test starts with an empty page read cache (newind.core.readcache): a rolled-back test's ids are
    given out again on SQLite, so a later test's data can carry the same stamp as an earlier one's."""
    from newind.core import readcache

    readcache.clear()
    yield
    readcache.clear()


@pytest.fixture
def reference_data(db: None) -> None:
    """The shipped reference units, hierarchies, peer groups and the indicator catalogue."""
    from newind.indicators.services import load_indicator_catalogue
    from newind.units.services import load_reference_units

    load_reference_units()
    load_indicator_catalogue()


@pytest.fixture
def office_user(db: None):  # type: ignore[no-untyped-def]
    """市工信局管理员: the office role (全市), reads and writes every unit."""
    from django.contrib.auth import get_user_model

    from newind.accounts.models import Profile, Role

    user = get_user_model().objects.create_user("office", password="Office-Pass-2017", is_staff=True,
                                                first_name="市工信局管理员")
    Profile.objects.create(user=user, role=Role.OFFICE, must_change_password=False)
    return user


class Cast:
    """The named cast of users. Who may see what:

    - office   市工信局管理员  all units, read and write (same user as the `office_user` fixture)
    - yyx_rep  岳阳县填报员    岳阳县 (430621) and below: reads its unpublished figures, fills drafts
    - yyx_rev  岳阳县审核员    岳阳县 (430621) and below: reviews (sends back / approves)
    - yx_rep   云溪区填报员    云溪区 (430603) and below
    - leader   市领导          reads every unit, writes nothing
    - auditor  审计员          reads only the audit log (三员分立), no business figures
    - sysadmin 系统管理员      manages users, no audit log, no security settings, no business figures
    - secadmin 安全管理员      security settings and sessions, no business figures
    Each has the password `PASSWORD` and no forced password change.
    """

    PASSWORD = "Cast-Pass-2017"

    def __init__(self, office) -> None:  # type: ignore[no-untyped-def]
        from newind.accounts.services import create_user

        def make(username: str, role: str, name: str, unit: str | None = None):  # type: ignore[no-untyped-def]
            return create_user(username, role, password=self.PASSWORD, unit_code=unit, name=name,
                               must_change_password=False)

        self.office = office
        self.yyx_rep = make("yyx_rep", "reporter", "岳阳县填报员", "430621")
        self.yyx_rev = make("yyx_rev", "reviewer", "岳阳县审核员", "430621")
        self.yx_rep = make("yx_rep", "reporter", "云溪区填报员", "430603")
        self.leader = make("leader", "leader", "市领导")
        self.auditor = make("auditor", "auditor", "审计员")
        self.sysadmin = make("sysadmin", "sysadmin", "系统管理员")
        self.secadmin = make("secadmin", "secadmin", "安全管理员")

    def all(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


@pytest.fixture
def cast(reference_data, office_user) -> Cast:  # type: ignore[no-untyped-def]
    """The named cast (see `Cast`), on top of the reference units."""
    return Cast(office_user)


@pytest.fixture
def client_as(client, cast):  # type: ignore[no-untyped-def]
    """`client_as("yyx_rep")`: the test client logged in as one cast member (force_login, no 2FA)."""

    def login(name: str):  # type: ignore[no-untyped-def]
        client.logout()
        client.force_login(getattr(cast, name))
        return client

    return login


@pytest.fixture
def office_client(client, office_user):  # type: ignore[no-untyped-def]
    client.force_login(office_user)
    return client


@pytest.fixture(scope="session")
def red_team_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The red team's workbook (issue 7): ≈8 MB expanding to ≈200 MB, 3.4 million rows; written once."""
    from tests.upload_files import red_team_workbook

    return red_team_workbook(tmp_path_factory.mktemp("red-team") / "县区月报.xlsx")


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A Playwright page in Debian's Chromium. Skips (or fails when NEWIND_REQUIRE_BROWSER=1) without it."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("NEWIND_REQUIRE_BROWSER") == "1":
            pytest.fail(f"找不到浏览器 {CHROMIUM}：CI 必须运行浏览器测试（apt-get install chromium）。")
        pytest.skip(f"未安装 {CHROMIUM}，跳过浏览器测试（Debian: apt-get install chromium）。")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen in its
    # own thread, but fixtures that touch the database here would otherwise be refused.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page()
        try:
            yield page
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs use connections of that async context, which
            # pytest-django never closes; on PostgreSQL they keep the test database open and its DROP
            # fails at the end of the session. Close them here, still inside that context.
            from django.db import connections

            connections.close_all()

