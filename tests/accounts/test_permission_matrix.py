"""The permission matrix: every cast member × every kind of page, API, export and import, read and write.

Read each row as a sentence: "<what> is open to <roles>; everyone else is refused (403, or 401 for the API)".
`ALLOWED` means the request was let through the access check (the page rendered, the file came back, or a
write was accepted or refused for a business reason such as a 409 state conflict) — never 401/403.
Detailed tampering with the monthly reports (IDs in URLs, POST bodies and uploaded files) is in
tests/submissions/test_access.py; here each kind appears once per cast member.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.accounts.models import Profile, RoleChangeRequest
from newind.audit.models import AuditEntry
from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Observation
from newind.mujun.models import FirmResult
from newind.mujun.services import run_evaluation
from newind.submissions.models import ReportingTask, SubmissionValue
from tests.enterprises.conftest import GOOD_ROWS, imported  # noqa: F401 (fixture)
from tests.mujun.conftest import figures  # noqa: F401 (fixture: two 规下 firms' figures for a stored evaluation)
from tests.submissions.conftest import GOOD, form_post, last_year, task, yx_sub, yyx_sub  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

CAST = ("office", "leader", "yyx_rep", "yyx_rev", "yx_rep", "auditor", "sysadmin", "secadmin")
BUSINESS = {"office", "leader", "yyx_rep", "yyx_rev", "yx_rep"}
EVERYONE = set(CAST)
DENIED = {401, 403}


@dataclass(frozen=True)
class Case:
    what: str  # a sentence naming the page and the action
    method: str
    url: str  # may contain {yyx} / {yx} (submission ids) and {task}
    allowed: frozenset[str]
    body: Callable[[], dict[str, Any]] | None = None


def case(what: str, method: str, url: str, allowed: set[str], body: Callable[[], dict[str, Any]] | None = None) -> Case:
    return Case(what, method, url, frozenset(allowed), body)


def _csv_upload() -> dict[str, Any]:
    data = "地区,指标,时期,数值\n岳阳县,规模以上工业增加值,2017-03,1\n".encode()
    return {"file": SimpleUploadedFile("test.csv", data, content_type="text/csv")}


def _admin_new_user() -> dict[str, Any]:
    return {"username": "matrix_new", "password1": "Matrix-Pass-2017", "password2": "Matrix-Pass-2017",
            "usable_password": "true", "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1", "profile-0-role": "leader",
            "profile-0-unit": "", "profile-0-must_change_password": "on"}


HISTORY = "indicator=industrial_output_above_size&unit={unit}&period=2016-03"
SECURITY = {"failure_limit": 5, "lockout_minutes": 15, "idle_timeout_minutes": 30, "password_min_length": 8,
            "password_min_classes": 3, "password_max_age_days": 90, "max_sessions_per_user": 0}

READS = [
    case("the home page is open to every signed-in user", "GET", "/", EVERYONE),
    case("one's own account page is open to everyone", "GET", "/accounts/me/", EVERYONE),
    case("benchmarking (published figures) is open to business users", "GET", "/benchmark/", BUSINESS),
    case("the benchmarking API is open to business users", "GET", "/api/benchmark/options", BUSINESS),
    case("a published figure's history (own unit) is open to business users", "GET",
         "/imports/history/?" + HISTORY.format(unit="430621"), BUSINESS),
    case("a published figure's history of another unit is still open to business users", "GET",
         "/imports/history/?" + HISTORY.format(unit="430603"), BUSINESS),
    case("the history API is open to business users", "GET",
         "/api/imports/history?" + HISTORY.format(unit="430603"), BUSINESS),
    case("the import page is the office's", "GET", "/imports/", {"office"}),
    case("the import batches API is the office's", "GET", "/api/imports/batches", {"office"}),
    case("the leaders' dashboard is for office and leaders", "GET", "/dashboard/", {"office", "leader"}),
    case("the list of monthly reports is open to business users", "GET", "/submissions/", BUSINESS),
    case("the live board of a task is for office and leaders", "GET", "/submissions/tasks/{task}/",
         {"office", "leader"}),
    case("the reporting-discipline record is for office and leaders", "GET", "/submissions/discipline/2017/",
         {"office", "leader"}),
    case("岳阳县's unpublished report is read by 岳阳县, the office and leaders", "GET", "/submissions/{yyx}/",
         {"office", "leader", "yyx_rep", "yyx_rev"}),
    case("云溪区's unpublished report is read by 云溪区, the office and leaders (editing the id in the URL "
         "does not open it to 岳阳县)", "GET", "/submissions/{yx}/", {"office", "leader", "yx_rep"}),
    case("岳阳县's Excel template (an export) goes to 岳阳县, the office and leaders", "GET",
         "/submissions/{yyx}/template.xlsx", {"office", "leader", "yyx_rep", "yyx_rev"}),
    case("云溪区's Excel template is not exported to 岳阳县", "GET", "/submissions/{yx}/template.xlsx",
         {"office", "leader", "yx_rep"}),
    case("the audit log is the auditor's", "GET", "/audit/", {"auditor"}),
    case("the audit log export is the auditor's", "GET", "/audit/export.xlsx", {"auditor"}),
    case("verifying the audit chain is the auditor's", "GET", "/audit/verify/", {"auditor"}),
    case("the signed-in sessions are the security admin's", "GET", "/accounts/sessions/", {"secadmin"}),
    case("the security policy is the security admin's", "GET", "/accounts/security/", {"secadmin"}),
    case("user management in the admin is the system admin's", "GET", "/admin/auth/user/", {"sysadmin"}),
    case("the page confirming role changes is the security admin's", "GET", "/accounts/roles/", {"secadmin"}),
    case("the audit log in the admin is the auditor's, read-only", "GET", "/admin/audit/auditentry/", {"auditor"}),
    case("the list of reports in the API is open to business users", "GET", "/api/submissions/", BUSINESS),
    case("target progress in the API is for office, leaders and the units' people", "GET", "/api/targets/progress",
         {"office", "leader", "yyx_rep", "yyx_rev", "yx_rep"}),
    case("managing targets is the office's", "GET", "/targets/manage/", {"office"}),
    case("the forecast backtest is for office, leaders and the units' people", "GET", "/forecasts/",
         {"office", "leader", "yyx_rep", "yyx_rev", "yx_rep"}),
    case("the jobs page is for the office and the security admin", "GET", "/jobs/", {"office", "secadmin"}),
    case("locked accounts are the security admin's", "GET", "/accounts/lockouts/", {"secadmin"}),
    case("the 向上争取 list is for office, leaders and the units' people", "GET", "/funding/", BUSINESS),
    case("the 向上争取 API is for office, leaders and the units' people", "GET", "/api/funding/items", BUSINESS),
    case("the 向上争取 export is for office, leaders and the units' people", "GET", "/funding/export.xlsx",
         BUSINESS),
    case("the reform task list is for office, leaders and the units' people", "GET", "/reform/", BUSINESS),
    case("importing a reform task list is the office's", "GET", "/reform/import/", {"office"}),
    case("the reform import template is the office's", "GET", "/reform/import/template.xlsx", {"office"}),
    case("the accountability list is for office and leaders", "GET", "/accountability/", {"office", "leader"}),
    case("the alerts page is for office and leaders", "GET", "/alerts/", {"office", "leader"}),
]

# Case metrics and the overdue list (issue 11): office and leaders of this cast (the department role, not in
# the cast, is in test_a_department_user_reads_only_its_own_units_case_figures below).
READS += [
    case("the case metrics page is for office and leaders", "GET", "/cases/metrics/", {"office", "leader"}),
    case("the overdue list is for office and leaders", "GET", "/cases/overdue/", {"office", "leader"}),
    case("the case metrics export is for office and leaders", "GET", "/cases/metrics.xlsx", {"office", "leader"}),
    case("the overdue list export is for office and leaders", "GET", "/cases/overdue.xlsx", {"office", "leader"}),
    case("the case metrics API is for office and leaders", "GET", "/api/cases/metrics/?by=category&year=2017",
         {"office", "leader"}),
    case("the overdue list API is for office and leaders", "GET", "/api/cases/overdue/", {"office", "leader"}),
    # pairing (包联): the list shows each user the pairings in scope (none for most); gaps and import are narrower
    case("the pairing list is open to business users (each sees the pairings in scope)", "GET", "/pairing/", BUSINESS),
    case("the pairing gaps page is for office and leaders", "GET", "/pairing/gaps/?month=2017-12", {"office", "leader"}),
    case("the pairing gaps export is for office and leaders", "GET", "/pairing/gaps/export.xlsx?month=2017-12",
         {"office", "leader"}),
    case("the pairing gaps API is for office and leaders", "GET", "/api/pairing/gaps?month=2017-12", {"office", "leader"}),
    case("importing the pairing list is the office's", "GET", "/pairing/import/", {"office"}),
]

# policies (issue 11 §4): the library is open to business users, payouts to office and leaders.
READS += [
    case("the policy library is open to business users", "GET", "/policies/", BUSINESS),
    case("the payouts and their totals are for office and leaders (and departments)", "GET", "/policies/payouts/",
         {"office", "leader"}),
    case("creating a policy is the office's", "GET", "/policies/new/", {"office"}),
]

WRITES = [
    case("only the office imports figures (a file naming 岳阳县)", "POST", "/imports/", {"office"}, _csv_upload),
    case("only the office issues a reporting task", "POST", "/submissions/tasks/new/", {"office"},
         lambda: {"period": "2017-04", "form_code": "monthly-industry"}),
    case("岳阳县's draft is written by its reporter (reviewers get a 409: they review) and the office", "POST",
         "/submissions/{yyx}/", {"office", "yyx_rep", "yyx_rev"}, lambda: form_post({"industrial_tax": "4.4"})),
    case("云溪区's draft cannot be written by 岳阳县 by editing the id in the URL", "POST", "/submissions/{yx}/",
         {"office", "yx_rep"}, lambda: form_post({"industrial_tax": "3.3"})),
    case("an Excel upload into 云溪区's report is refused to 岳阳县", "POST", "/submissions/{yx}/upload/",
         {"office", "yx_rep"}, lambda: {"file": SimpleUploadedFile("x.xlsx", b"not a zip")}),
    case("reviewing 岳阳县's report is for 岳阳县 and the office (409 while it is a draft)", "POST",
         "/submissions/{yyx}/review/", {"office", "yyx_rep", "yyx_rev"}, lambda: {"decision": "approve"}),
    case("publishing is the office's (409 until approved)", "POST", "/submissions/{yyx}/publish/", {"office"},
         lambda: {"release": "flash"}),
    case("only the security admin changes the security policy", "POST", "/accounts/security/", {"secadmin"},
         lambda: dict(SECURITY)),
    case("only the system admin adds users in the admin", "POST", "/admin/auth/user/add/", {"sysadmin"},
         _admin_new_user),
    case("only the office enters a target (an empty form is a 400 for the office)", "POST", "/targets/new/",
         {"office"}, lambda: {"year": "2017"}),
    case("云溪区's figures are saved through the API by 云溪区 and the office only", "POST_JSON",
         "/api/submissions/{yx}/values", {"office", "yx_rep"}, lambda: {"values": {"industrial_tax": "3.3"}}),
    case("a 向上争取 item is registered by the office and the units' people, not leaders (an empty form is 200)",
         "POST", "/funding/new/", {"office", "yyx_rep", "yyx_rev", "yx_rep"}, dict),
    case("only the office uploads a pairing list (a bad file is a 400 for the office)", "POST", "/pairing/import/",
         {"office"}, _csv_upload),
]


def _url(c: Case, ids: dict[str, int]) -> str:
    return c.url.format(**ids)


@pytest.fixture
def ids(yyx_sub, yx_sub, task) -> dict[str, int]:  # type: ignore[no-untyped-def]  # noqa: F811
    return {"yyx": yyx_sub.pk, "yx": yx_sub.pk, "task": task.pk}


def _outcome(client: Any, c: Case, ids: dict[str, int]) -> int:
    url = _url(c, ids)
    if c.method == "GET":
        # (followed: the admin refuses a signed-in non-staff user by way of its login URL)
        return int(client.get(url, follow=True).status_code)
    if c.method == "POST_JSON":
        return int(client.post(url, c.body() if c.body else {}, content_type="application/json").status_code)
    return int(client.post(url, c.body() if c.body else {}, follow=True).status_code)


def _denied(status: int) -> bool:
    return status in DENIED


@pytest.mark.parametrize("c", READS, ids=[c.what for c in READS])
def test_read_matrix(client_as, ids, c: Case) -> None:  # type: ignore[no-untyped-def]
    wrong = []
    for who in CAST:
        status = _outcome(client_as(who), c, ids)
        if _denied(status) == (who in c.allowed) or status >= 500:
            wrong.append(f"{who}: {status}")
    assert not wrong, f"{c.what}: {', '.join(wrong)}"


def _state() -> tuple[Any, ...]:
    return (Observation.objects.count(), SubmissionValue.objects.count(), ReportingTask.objects.count(),
            get_user_model().objects.count(), _roles(), _requests())


def _roles() -> list[tuple[str, str, int | None]]:
    return list(Profile.objects.order_by("user__username").values_list("user__username", "role", "unit_id"))


def _requests() -> list[tuple[str, str, str]]:
    return list(RoleChangeRequest.objects.order_by("id").values_list("user__username", "new_role", "status"))


@pytest.mark.parametrize("c", WRITES, ids=[c.what for c in WRITES])
def test_write_matrix(client_as, ids, c: Case) -> None:  # type: ignore[no-untyped-def]
    wrong = []
    for who in CAST:
        if who in c.allowed:
            continue
        before = _state()
        status = _outcome(client_as(who), c, ids)
        if not _denied(status):
            wrong.append(f"{who} was let through ({status})")
        elif _state() != before:
            wrong.append(f"{who} was refused but something was written")
    assert not wrong, f"{c.what}: {', '.join(wrong)}"
    for who in sorted(c.allowed):
        status = _outcome(client_as(who), c, ids)
        assert not _denied(status) and status < 500, f"{c.what}: {who} got {status}"


def test_the_allowed_writes_really_write(client_as, ids) -> None:  # type: ignore[no-untyped-def]
    """The allowed side of the matrix is not vacuous: the reporter's draft and the admin's new user exist."""
    response = client_as("yyx_rep").post(f"/submissions/{ids['yyx']}/", form_post(GOOD))
    assert response.status_code == 302
    assert SubmissionValue.objects.filter(submission_id=ids["yyx"]).count() == len(GOOD)
    response = client_as("sysadmin").post("/admin/auth/user/add/", _admin_new_user())
    assert response.status_code == 302, response.content.decode()[:2000]
    new = get_user_model().objects.get(username="matrix_new")
    assert new.profile.role == "leader" and new.profile.must_change_password
    assert AuditEntry.objects.filter(action="role.assign", actor="sysadmin", object_id=str(new.profile.pk)).exists()
    assert AuditEntry.objects.filter(action="admin.add", actor="sysadmin", object_id=str(new.pk)).exists()


def test_the_sysadmin_cannot_read_the_audit_log_or_business_data_even_as_superuser(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    """三员分立 holds even if someone makes the system admin a Django superuser."""
    cast.sysadmin.is_superuser = True
    cast.sysadmin.save()
    client = client_as("sysadmin")
    for url in ("/audit/", "/admin/audit/auditentry/", "/benchmark/", "/accounts/security/", "/accounts/sessions/"):
        assert client.get(url).status_code == 403, url
    assert AuditEntry.objects.filter(action="user.change", object_id=str(cast.sysadmin.pk)).exists()


def test_the_auditor_cannot_change_the_log_through_the_admin(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("auditor")
    entry = AuditEntry.objects.order_by("id").first()
    assert entry is not None
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "x"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_the_audit_export_is_neutralised_and_audited(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from newind.audit.services import record

    record("test.note", user=cast.office, summary="=HYPERLINK(\"http://evil\",\"点我\")")
    response = client_as("auditor").get("/audit/export.xlsx?action=test.note")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 2
    summary = rows[1][10]
    assert summary.startswith("'=HYPERLINK")
    assert ws.cell(row=2, column=11).data_type == "s"  # text, not a formula
    assert AuditEntry.objects.filter(action="export", actor="auditor").exists()


def test_a_password_reset_by_the_system_admin_must_be_changed_by_its_owner(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client = client_as("sysadmin")
    response = client.post(f"/admin/auth/user/{cast.yx_rep.pk}/password/",
                           {"password1": "Reset-Pass-2017", "password2": "Reset-Pass-2017", "usable_password": "true"})
    assert response.status_code == 302
    cast.yx_rep.profile.refresh_from_db()
    assert cast.yx_rep.profile.must_change_password
    entry = AuditEntry.objects.filter(action="user.change", object_id=str(cast.yx_rep.pk)).latest("id")
    assert entry.actor == "sysadmin" and "password" in entry.after and "Reset" not in str(entry.after)


# --- role changes -----------------------------------------------------------------------------------------
# Each row: "<what>": the system admin asks, in the admin, to give <target> the role <new> (with <unit>);
# `pending` says the change waits for a 安全管理员 (granting or removing 审计员, 安全管理员 or 市新型工业化办公室)
# instead of taking effect at once. Every other cast member is refused and nothing changes.


@dataclass(frozen=True)
class RoleCase:
    what: str
    target: str
    new: str
    unit: str
    pending: bool


ROLE_CHANGES = [
    RoleCase("making 云溪区填报员 the office (市新型工业化办公室) waits for the security admin", "yx_rep", "office", "", True),
    RoleCase("taking the office role from 市工信局管理员 waits for the security admin", "office", "leader", "", True),
    RoleCase("making 市领导 an auditor waits for the security admin", "leader", "auditor", "", True),
    RoleCase("taking the auditor role away waits for the security admin", "auditor", "leader", "", True),
    RoleCase("making 岳阳县审核员 a security admin waits for the security admin", "yyx_rev", "secadmin", "", True),
    RoleCase("taking the security admin role away waits for (another) security admin", "secadmin", "leader", "",
             True),
    RoleCase("making 岳阳县填报员 岳阳县's reviewer takes effect at once", "yyx_rep", "reviewer", "430621", False),
    RoleCase("moving 云溪区填报员 to 岳阳县 takes effect at once", "yx_rep", "reporter", "430621", False),
    RoleCase("making 市领导 a system admin takes effect at once", "leader", "sysadmin", "", False),
]


def admin_change_post(user: Any, role: str, unit_id: int | str = "") -> dict[str, Any]:
    """The admin's change form for a user, with the role (and unit) asked for; other fields as they are.

    (It also carries the fields Django's stock form had — dates, staff and superuser switches left off — so
    the same post was a valid form before the admin was cut down.)
    """
    profile = user.profile
    return {"username": user.username, "first_name": user.first_name, "last_name": "", "email": "",
            "is_active": "on", "date_joined_0": "2017-01-01", "date_joined_1": "08:00:00",
            "last_login_0": "", "last_login_1": "",
            "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1", "profile-0-id": str(profile.pk), "profile-0-user": str(user.pk),
            "profile-0-role": role, "profile-0-unit": str(unit_id)}


def _unit_id(code: str) -> int | str:
    from newind.units.models import Unit

    return Unit.objects.get(code=code).pk if code else ""


@pytest.mark.parametrize("c", ROLE_CHANGES, ids=[c.what for c in ROLE_CHANGES])
def test_role_change_matrix(client_as, cast, c: RoleCase) -> None:  # type: ignore[no-untyped-def]
    target = getattr(cast, c.target)
    old = (target.profile.role, target.profile.unit_id)
    url = f"/admin/auth/user/{target.pk}/change/"
    for who in CAST:
        if who == "sysadmin":
            continue
        before = _state()
        status = client_as(who).post(url, admin_change_post(target, c.new, _unit_id(c.unit)),
                                     follow=True).status_code
        assert _denied(status), f"{c.what}: {who} was let through ({status})"
        assert _state() == before, f"{c.what}: {who} was refused but something was written"
    response = client_as("sysadmin").post(url, admin_change_post(target, c.new, _unit_id(c.unit)))
    assert response.status_code == 302, response.content.decode()[:3000]
    target.profile.refresh_from_db()
    if c.pending:
        assert (target.profile.role, target.profile.unit_id) == old, f"{c.what}: took effect before confirmation"
        assert _requests() == [(c.target, c.new, "pending")]
    else:
        assert (target.profile.role, target.profile.unit_id) == (c.new, _unit_id(c.unit) or None)
        assert _requests() == []


@pytest.mark.parametrize("who", CAST)
def test_no_one_changes_their_own_role(client_as, cast, who) -> None:  # type: ignore[no-untyped-def]
    """Whoever asks the admin to change their own role — to the office, or to auditor for the office — gets
    nothing: the others are refused; the system admin's own role and unit are not editable."""
    me = getattr(cast, who)
    wanted = "auditor" if who == "office" else "office"
    before = _state()
    status = client_as(who).post(f"/admin/auth/user/{me.pk}/change/", admin_change_post(me, wanted),
                                 follow=True).status_code
    assert status < 500
    assert _state()[4:] == before[4:], f"{who} changed their own role ({status})"
    if who != "sysadmin":
        assert _denied(status), f"{who}: {status}"


@pytest.fixture
def pending(client_as, cast) -> RoleChangeRequest:  # type: ignore[no-untyped-def]
    """The system admin asked to make 云溪区填报员 the office; it waits for the security admin."""
    client_as("sysadmin").post(f"/admin/auth/user/{cast.yx_rep.pk}/change/",
                               admin_change_post(cast.yx_rep, "office"))
    return RoleChangeRequest.objects.get(status="pending")


@pytest.mark.parametrize("action", ["confirm", "reject"])
def test_only_the_security_admin_confirms_or_rejects_a_role_change(client_as, cast, pending, action) -> None:  # type: ignore[no-untyped-def]
    url = f"/accounts/roles/{pending.pk}/{action}/"
    for who in CAST:
        if who == "secadmin":
            continue
        before = _state()
        status = client_as(who).post(url, follow=True).status_code
        assert _denied(status), f"{action}: {who} was let through ({status})"
        assert _state() == before, f"{action}: {who} was refused but something was written"
    assert client_as("secadmin").post(url).status_code == 302
    pending.refresh_from_db()
    cast.yx_rep.profile.refresh_from_db()
    if action == "confirm":
        assert pending.status == "confirmed" and cast.yx_rep.profile.role == "office"
        assert cast.yx_rep.profile.unit_id is None
    else:
        assert pending.status == "rejected" and cast.yx_rep.profile.role == "reporter"


# --- the access functions ---------------------------------------------------------------------------------
# One row per function of newind.accounts.access and per PageAccess, read and write where the function has
# both, for each cast member and the command line ("cli": a `newind` command, a job, the demo loader — no
# signed-in user). Read each row as a sentence: "<what>" — then who gets what:
#   OK       let through (the object comes back);
#   REFUSED  refused with the project's typed error (Forbidden, or NotFound where the row says 404);
#   ALL      every unit (no unit filter);
#   a set    what the user sees of the objects the test made (unit codes, job audiences, …).
# tests/accounts/test_access_structure.py checks that views and services decide access only through these.

from types import SimpleNamespace  # noqa: E402  (this section's own imports)

from django.db.models import QuerySet  # noqa: E402

from newind.accounts import access  # noqa: E402
from newind.core.errors import AppError, Forbidden, NotFound  # noqa: E402
from newind.units.models import Unit as UnitModel  # noqa: E402

WHO = (*CAST, "cli")
OK, REFUSED, ALL = "ok", "denied", "all"
YYX, YX, PUB = "430621", "430603", "430623"  # 岳阳县, 云溪区, and 华容县 whose report is published
UNITS = frozenset({YYX, YX, PUB})
THREE = {"auditor", "sysadmin", "secadmin"}
TARGET_ROLES = {"office", "leader", "yyx_rep", "yyx_rev", "yx_rep"}
ZB, SH = GOOD_ROWS[0][0], GOOD_ROWS[1][0]  # 岳阳县's 装备 firm and 云溪区's 石化 firm (tests/enterprises)
FIRMS = frozenset(row[0] for row in GOOD_ROWS)  # five firms in five counties


@dataclass(frozen=True)
class Row:
    what: str
    function: str  # the access function's (or PageAccess constant's) name in newind.accounts.access
    write: bool
    call: Callable[[Any, Any], Any]
    expect: dict[str, Any]
    refusal: int = 403  # the status of a refusal: 404 where a read must not tell that the object exists


def gate(allowed: set[str]) -> dict[str, str]:
    """Who is let through; everyone else is refused."""
    return {w: OK if w in allowed else REFUSED for w in WHO}


def sees(default: Any = frozenset(), **who: Any) -> dict[str, Any]:
    """What each one sees (`default` for those not named)."""
    return {w: who.get(w, default) for w in WHO}


def _ok(value: Any) -> str:
    return OK


def _codes(values: Any) -> frozenset[str]:
    return frozenset(values) & UNITS


def page(name: str, what: str, allowed: set[str], *, write: bool = False) -> Row:
    return Row(what, name, write, lambda u, o: _ok(getattr(access, name).require(u)), gate(allowed))


PAGE_ROWS = [
    page("AUDIT_PAGE", "the audit log pages are the auditor's (and the command line's: newind audit)",
         {"auditor", "cli"}),
    page("BACKTEST_PAGE", "the forecast backtest is for office, leaders and the units' people",
         TARGET_ROLES | {"cli"}),
    page("BACKTEST_RUN", "running the backtest is the office's", {"office", "cli"}, write=True),
    page("BENCHMARK_PAGE", "benchmarking is open to business users", BUSINESS | {"cli"}),
    page("DASHBOARD_PAGE", "the leaders' dashboard is for office and leaders", {"office", "leader"}),
    page("ENTERPRISES_PAGE", "the enterprise registry is open to business users (each sees the firms in scope)",
         BUSINESS),
    page("ENTERPRISE_IMPORT_PAGE", "importing the enterprise registry is the office's", {"office"}, write=True),
    page("FUNDING_PAGE", "向上争取 is for office, leaders and the units' people (each its own items)",
         TARGET_ROLES),
    page("FUNDING_EDIT_PAGE", "registering 向上争取 items: the office and the units' people, not leaders",
         {"office", "yyx_rep", "yyx_rev", "yx_rep"}, write=True),
    page("IMPORT_PAGE", "importing figures is the office's", {"office", "cli"}, write=True),
    page("REFORM_PAGE", "reform task lists are for office, leaders and the units' people (each its own tasks)",
         TARGET_ROLES),
    page("REFORM_IMPORT_PAGE", "importing a reform task list is the office's", {"office"}, write=True),
    page("JOBS_PAGE", "the jobs page is for the office and the security admin", {"office", "secadmin"}),
    page("SUPERVISION_PAGE", "dispatch meetings and supervision are read by office and leaders (and newind)",
         {"office", "leader", "cli"}),
    page("SUPERVISION_MANAGE_PAGE", "recording meetings and turning decisions into tasks is the office's",
         {"office", "cli"}, write=True),
    page("LEADERS_PAGE", "the heads' own responsibility records are read by the office and the city leaders "
         "(and newind leaders show)", {"office", "leader", "cli"}),
    page("ASSESSMENT_PAGE", "the assessment pages are for office, leaders and the units' people (and newind "
         "assessment)", TARGET_ROLES | {"cli"}),
    page("ASSESSMENT_MANAGE_PAGE", "running, publicising and publishing an assessment is the office's (and the "
         "command line's)", {"office", "cli"}, write=True),
    page("LOCKOUTS_PAGE", "locked accounts are the security admin's", {"secadmin"}),
    page("MUJUN_ALL_PAGE", "every firm's 亩均 result, the objections and the 公示 files: office and leaders",
         {"office", "leader"}),
    page("MUJUN_PAGE", "the 亩均 evaluation is for office, leaders, the units' people and firms (each its own)",
         TARGET_ROLES),
    page("MUJUN_FLAGS_PAGE", "importing the 亩均 year flags (否决/保护/不参评) is the office's", {"office"}, write=True),
    page("PROJECT_LEAGUE_PAGE", "the project portfolio and the county 赛马 are for office, leaders and the units' people "
         "(and newind projects portfolio|league)", TARGET_ROLES | {"cli"}),
    page("PROJECT_PROBLEM_PAGE", "handing a project's problem over to a department is the office's", {"office"},
         write=True),
    page("PROJECT_CHECK_PAGE", "reviewing a project's 停工/复工 and finding it 弄虚作假 are the office's", {"office"},
         write=True),
    page("PROJECT_CAMPAIGNS_PAGE", "the campaigns (专项活动) are for office, leaders and the units' people "
         "(and newind campaigns show)", TARGET_ROLES | {"cli"}),
    page("PARKS_PAGE", "the park league table is for office, leaders and the units' people", TARGET_ROLES),
    page("RELEASE_PAGE", "publishing and correcting reports is the office's", {"office"}, write=True),
    page("REPORT_PAGE", "the monthly report is for office and leaders (and newind report)",
         {"office", "leader", "cli"}),
    page("ROLE_REQUESTS_PAGE", "confirming role changes is the security admin's", {"secadmin"}),
    page("SECURITY_PAGE", "the security policy is the security admin's", {"secadmin"}),
    page("SESSIONS_PAGE", "the signed-in sessions are the security admin's", {"secadmin"}),
    page("SUBMISSIONS_PAGE", "the monthly reports page is open to business users", BUSINESS),
    page("TARGETS_MANAGE_PAGE", "managing targets is the office's (and newind targets)", {"office", "cli"},
         write=True),
    page("TARGETS_PAGE", "target progress is for office, leaders and the units' people", TARGET_ROLES | {"cli"}),
    page("TASKS_PAGE", "issuing tasks and reminding units is the office's", {"office"}, write=True),
    page("TASK_BOARDS_PAGE", "the task boards are for office and leaders", {"office", "leader"}),
    page("USERS_PAGE", "managing users is the system admin's", {"sysadmin"}, write=True),
]
# cases (issue 11 §2): this cast has no firm or department user; the cases section at the end has them.
PAGE_ROWS += [
    page("CASES_PAGE", "the list of every case is for office and leaders", {"office", "leader"}),
    page("MY_APPEALS_PAGE", "我的诉求 is a firm's (none in this cast)", set()),
    page("CASE_INBOX_PAGE", "the inbox of assigned cases is a department's (none in this cast)", set()),
    page("CASE_FILE_PAGE", "filing an appeal: a firm for itself, the office on a firm's behalf", {"office"},
         write=True),
    page("CASE_METRICS_PAGE", "the case metrics and the overdue list: office, leaders (and departments, each its own)",
         {"office", "leader"}),
]

FUNCTION_ROWS = [
    Row("published figures are for business users", "is_business_user", False,
        lambda u, o: access.is_business_user(u), gate(BUSINESS)),
    Row("云溪区's unpublished figures are read by 云溪区, the office and leaders", "can_read_unit", False,
        lambda u, o: access.can_read_unit(u, o.yx_unit, published=False), gate({"office", "leader", "yx_rep"})),
    Row("云溪区's published figures are read by every business user", "require_read_unit", False,
        lambda u, o: access.require_read_unit(u, o.yx_unit, published=True), gate(BUSINESS)),
    Row("云溪区's unpublished figures, required: 云溪区, the office and leaders", "require_read_unit", False,
        lambda u, o: access.require_read_unit(u, o.yx_unit, published=False),
        gate({"office", "leader", "yx_rep"})),
    Row("岳阳县's figures are changed by 岳阳县's reporter and reviewer and the office", "can_write_unit", True,
        lambda u, o: access.can_write_unit(u, o.yyx_unit), gate({"office", "yyx_rep", "yyx_rev"})),
    Row("岳阳县's figures, required for a change: 岳阳县 and the office", "require_write_unit", True,
        lambda u, o: access.require_write_unit(u, o.yyx_unit), gate({"office", "yyx_rep", "yyx_rev"})),
    Row("units in scope (unpublished figures): all for office and leaders, one's own unit for the others",
        "units_in_scope", False, lambda u, o: _codes(access.units_in_scope(u).values_list("code", flat=True)),
        sees(office=UNITS, leader=UNITS, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX})),
    Row("units in scope for published figures: every unit for every business user", "filter_units_for_read",
        False, lambda u, o: _codes(access.filter_units_for_read(u, published=True).values_list("code", flat=True)),
        sees(**{w: UNITS for w in BUSINESS})),
    Row("unit codes in scope: every unit for office, leaders and the command line", "unit_codes_in_scope", False,
        lambda u, o: (lambda c: ALL if c is None else _codes(c))(access.unit_codes_in_scope(u)),
        sees(office=ALL, leader=ALL, cli=ALL, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX})),
    Row("benchmarking: business users and the command line", "benchmark_for", False,
        lambda u, o: access.benchmark_for(u), gate(BUSINESS | {"cli"})),
    Row("the history of 云溪区's published figure: business users and the command line", "figure_history_for",
        False, lambda u, o: access.figure_history_for(u, "industrial_output_above_size", YX, "2016-03"),
        gate(BUSINESS | {"cli"})),
    Row("importing: the office and the command line", "require_importer", True,
        lambda u, o: access.require_importer(u), gate({"office", "cli"})),
    Row("importing figures of 岳阳县 and 云溪区: the office and the command line", "require_importer", True,
        lambda u, o: access.require_importer(u, [o.yyx_unit, o.yx_unit]), gate({"office", "cli"})),
    Row("the workflow role: a name for every role, none for the command line", "workflow_role", False,
        lambda u, o: OK if access.workflow_role(u) else REFUSED, sees(OK, cli=REFUSED)),
    Row("岳阳县's unpublished report is read by 岳阳县, the office and leaders", "submission_for", False,
        lambda u, o: access.submission_for(u, o.yyx_sub.pk), gate({"office", "leader", "yyx_rep", "yyx_rev"})),
    Row("云溪区's unpublished report is not read by 岳阳县 (editing the id)", "submission_for", False,
        lambda u, o: access.submission_for(u, o.yx_sub.pk), gate({"office", "leader", "yx_rep"})),
    Row("华容县's published report is read by every business user", "submission_for", False,
        lambda u, o: access.submission_for(u, o.pub_sub.pk), gate(BUSINESS)),
    Row("岳阳县's report is written by 岳阳县's reporter and reviewer and the office, not leaders", "submission_for",
        True, lambda u, o: access.submission_for(u, o.yyx_sub, write=True), gate({"office", "yyx_rep", "yyx_rev"})),
    Row("a missing report is a 404 for everyone", "submission_for", False,
        lambda u, o: access.submission_for(u, 987654), sees(REFUSED), refusal=404),
    Row("reports in scope: all for office and leaders, one's own unit's for the others", "submissions_in_scope",
        False, lambda u, o: _codes(s.unit.code for s in access.submissions_in_scope(u)),
        sees(office=UNITS, leader=UNITS, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX})),
    Row("reports in scope with the published ones: a unit also sees 华容县's published report",
        "submissions_in_scope", False,
        lambda u, o: _codes(s.unit.code for s in access.submissions_in_scope(u, with_published=True)),
        sees(office=UNITS, leader=UNITS, yyx_rep={YYX, PUB}, yyx_rev={YYX, PUB}, yx_rep={YX, PUB})),
    Row("reporting tasks in scope: the office's and leaders' boards", "reporting_tasks_in_scope", False,
        lambda u, o: frozenset(t.pk == o.task.pk for t in access.reporting_tasks_in_scope(u)),
        sees(office={True}, leader={True})),
    Row("a task's board is read by office and leaders", "reporting_task_for", False,
        lambda u, o: access.reporting_task_for(u, o.task.pk), gate({"office", "leader"})),
    Row("a task is reminded and published at once by the office", "reporting_task_for", True,
        lambda u, o: access.reporting_task_for(u, o.task.pk, write=True), gate({"office"})),
    Row("issuing a task is the office's", "require_task_issuer", True,
        lambda u, o: access.require_task_issuer(u), gate({"office"})),
    Row("publishing and correcting is the office's", "require_publisher", True,
        lambda u, o: access.require_publisher(u), gate({"office"})),
    Row("the reporting discipline record is for office and leaders", "reporting_discipline_for", False,
        lambda u, o: access.reporting_discipline_for(u), gate({"office", "leader"})),
    Row("target progress covers every unit for office, leaders and the command line, one's own for the others",
        "target_units_in_scope", False,
        lambda u, o: (lambda c: ALL if c is None else _codes(c))(access.target_units_in_scope(u)),
        {**sees(office=ALL, leader=ALL, cli=ALL, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX}),
         **{w: REFUSED for w in THREE}}),
    Row("asking for 云溪区's target progress: refused to 岳阳县", "target_units_in_scope", False,
        lambda u, o: _codes(access.target_units_in_scope(u, [YX])),
        {**sees(office={YX}, leader={YX}, cli={YX}, yx_rep={YX}), **{w: REFUSED for w in THREE | {"yyx_rep",
                                                                                                   "yyx_rev"}}}),
    Row("targets in scope: all for office, leaders and the command line, one's own unit's for the others",
        "targets_in_scope", False, lambda u, o: _codes(t.unit.code for t in access.targets_in_scope(u)),
        sees(office={YYX, YX}, leader={YYX, YX}, cli={YYX, YX}, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX})),
    Row("managing targets is the office's and the command line's", "targets_in_scope", True,
        lambda u, o: _ok(access.targets_in_scope(u, write=True)), gate({"office", "cli"})),
    Row("岳阳县's target is read inside the scope; outside it is a 404, as if it did not exist", "target_for",
        False, lambda u, o: access.target_for(u, o.yyx_target.pk),
        gate({"office", "leader", "yyx_rep", "yyx_rev", "cli"}), refusal=404),
    Row("岳阳县's target is edited and deleted by the office only", "target_for", True,
        lambda u, o: access.target_for(u, o.yyx_target.pk, write=True), gate({"office", "cli"})),
    Row("the monthly report and its overview: office, leaders and the command line", "report_for", False,
        lambda u, o: access.report_for(u), gate({"office", "leader", "cli"})),
    Row("the audit log: the auditor and the command line", "audit_log_for", False,
        lambda u, o: _ok(access.audit_log_for(u)), gate({"auditor", "cli"})),
    Row("job runs: all for the office, the security jobs' for the security admin", "job_runs_for", False,
        lambda u, o: frozenset(access.job_runs_for(u).values_list("audience", flat=True)),
        sees(office={"office", "security"}, secadmin={"security"})),
    Row("jobs: the office sees every job, the security admin the security jobs", "jobs_in_scope", False,
        lambda u, o: frozenset(j.audience for j in access.jobs_in_scope(u)),
        sees(office={"office", "security"}, secadmin={"security"})),
    Row("an office job is seen by the office", "job_for", False,
        lambda u, o: access.job_for(u, o.office_job), gate({"office"})),
    Row("a security job (the backup) is run now by the office or the security admin", "job_for", True,
        lambda u, o: access.job_for(u, o.security_job, write=True), gate({"office", "secadmin"})),
    Row("an office job's run is seen by the office", "job_run_for", False,
        lambda u, o: access.job_run_for(u, o.office_run.pk), gate({"office"})),
    Row("a security job's run is run again by the office or the security admin", "job_run_for", True,
        lambda u, o: access.job_run_for(u, o.security_run.pk, write=True), gate({"office", "secadmin"})),
    Row("firms in scope: every firm for office and leaders, a county's own firms for its people, none for the 三员",
        "enterprises_in_scope", False,
        lambda u, o: frozenset(access.enterprises_in_scope(u).values_list("credit_code", flat=True)),
        sees(office=FIRMS, leader=FIRMS, yyx_rep={ZB}, yyx_rev={ZB}, yx_rep={SH})),
    Row("岳阳县's firm is read by office, leaders and 岳阳县's people, not by 云溪区 (editing the id)",
        "enterprise_for", False, lambda u, o: access.enterprise_for(u, o.zb_firm),
        gate({"office", "leader", "yyx_rep", "yyx_rev"})),
    Row("one's own firm: only an enterprise user has one (none in this cast; tests/enterprises/test_access.py)",
        "own_enterprise", False,
        lambda u, o: frozenset(p.credit_code for p in [access.own_enterprise(u)] if p is not None), sees()),
    Row("岳阳县's firm's registry is changed by the office only", "enterprise_for", True,
        lambda u, o: access.enterprise_for(u, o.zb_firm, write=True), gate({"office"})),
    Row("亩均 results in scope: every firm's for office and leaders, a county's firms' for its people",
        "mujun_results_in_scope", False,
        lambda u, o: frozenset(access.mujun_results_in_scope(u).values_list("credit_code", flat=True)),
        sees(office=FIRMS, leader=FIRMS, yyx_rep={ZB}, yyx_rev={ZB}, yx_rep={SH})),
    Row("岳阳县's firm's 亩均 result is read by office, leaders and 岳阳县's people, not by 云溪区 (editing the id)",
        "mujun_result_for", False, lambda u, o: access.mujun_result_for(u, o.zb_result),
        gate({"office", "leader", "yyx_rep", "yyx_rev"})),
    Row("岳阳县's firm's 亩均 result is adjusted by the office (the firm's own account objects)", "mujun_result_for",
        True, lambda u, o: access.mujun_result_for(u, o.zb_result, write=True), gate({"office"})),
    Row("亩均 runs in scope: every run for office and leaders, the runs holding a firm in scope for the others",
        "mujun_runs_in_scope", False,
        lambda u, o: frozenset("run" for r in access.mujun_runs_in_scope(u) if r.pk == o.run_id),
        sees(office={"run"}, leader={"run"}, yyx_rep={"run"}, yyx_rev={"run"}, yx_rep={"run"})),
    Row("a 亩均 run is opened by those who see a firm in it; to the 三员 it does not exist (404)", "mujun_run_for",
        False, lambda u, o: access.mujun_run_for(u, o.run_id), gate(TARGET_ROLES), refusal=404),
    Row("a 亩均 run's workflow steps reach the transition table for office and leaders only", "mujun_run_for",
        True, lambda u, o: access.mujun_run_for(u, o.run_id, write=True), gate({"office", "leader"})),
    Row("the 亩均 workflow role: every role's value, none for the command line", "mujun_workflow_role", False,
        lambda u, o: str(access.mujun_workflow_role(u)), {
            **{w: w.split("_")[0] for w in ("office", "leader", "auditor", "sysadmin", "secadmin")},
            "yyx_rep": "reporter", "yyx_rev": "reviewer", "yx_rep": "reporter", "cli": "None"}),
    Row("one's own 亩均 result: only an enterprise user has one (none in this cast)", "own_mujun_result", False,
        lambda u, o: frozenset(r.credit_code for r in [access.own_mujun_result(u)] if r is not None), sees()),
    Row("岳阳县's firm's 企业填报 page is read by those who read its result, not by 云溪区 (editing the id)",
        "mujun_filing_for", False, lambda u, o: access.mujun_filing_for(u, o.zb_result),
        gate({"office", "leader", "yyx_rep", "yyx_rev"})),
    Row("岳阳县's firm's 企业填报 is saved by the firm's own account only, not even by the office (none in this cast; "
        "tests/mujun/test_filing.py)", "mujun_filing_for", True,
        lambda u, o: access.mujun_filing_for(u, o.zb_result, write=True), gate(set())),
    Row("向上争取 items in scope: every item for office and leaders, a unit's own items for its people",
        "funding_items_in_scope", False,
        lambda u, o: _codes(access.funding_items_in_scope(u).values_list("owner_unit__code", flat=True)),
        sees(office={YYX}, leader={YYX}, yyx_rep={YYX}, yyx_rev={YYX})),
    Row("responsible units one may name: any for the office, one's own unit for the units' people",
        "funding_owner_units", False,
        lambda u, o: (lambda ids: ALL if ids is None else _codes(
            UnitModel.objects.filter(pk__in=ids).values_list("code", flat=True)))(access.funding_owner_units(u)),
        sees(office=ALL, yyx_rep={YYX}, yyx_rev={YYX}, yx_rep={YX})),
    Row("岳阳县's 向上争取 item is read by office, leaders and 岳阳县; to 云溪区 (editing the id) it does not exist",
        "funding_item_for", False, lambda u, o: access.funding_item_for(u, o.funding_item),
        gate({"office", "leader", "yyx_rep", "yyx_rev"}), refusal=404),
    Row("岳阳县's 向上争取 item is changed by the office and 岳阳县's people, not by leaders or 云溪区",
        "funding_item_for", True, lambda u, o: access.funding_item_for(u, o.funding_item, write=True),
        gate({"office", "yyx_rep", "yyx_rev"})),
    Row("dispatch meetings in scope: every meeting for office, leaders and the command line, none for anyone else",
        "meetings_in_scope", False, lambda u, o: frozenset(m.title for m in access.meetings_in_scope(u)),
        sees(office={"9月调度会"}, leader={"9月调度会"}, cli={"9月调度会"})),
    Row("a dispatch meeting is read by office and leaders (and the command line)", "meeting_for", False,
        lambda u, o: access.meeting_for(u, o.meeting), gate({"office", "leader", "cli"})),
    Row("a dispatch meeting is changed by the office only (and the command line)", "meeting_for", True,
        lambda u, o: access.meeting_for(u, o.meeting, write=True), gate({"office", "cli"})),
    Row("supervision tasks in scope: none on file in this cast, so everyone sees none (tests/supervision)",
        "supervision_tasks_in_scope", False, lambda u, o: frozenset(access.supervision_tasks_in_scope(u)), sees()),
    Row("reform tasks in scope: every task for office and leaders, the tasks a unit leads or co-handles for its people",
        "reform_tasks_in_scope", False,
        lambda u, o: _codes(access.reform_tasks_in_scope(u).values_list("owner_unit__code", flat=True)),
        sees(office={YYX}, leader={YYX}, yyx_rep={YYX}, yyx_rev={YYX})),
    Row("岳阳县's reform task is read by office, leaders and 岳阳县; to 云溪区 (editing the id) it does not exist",
        "reform_task_for", False, lambda u, o: access.reform_task_for(u, o.reform_task),
        gate({"office", "leader", "yyx_rep", "yyx_rev"}), refusal=404),
    Row("assessment runs in scope: every run for office, leaders and the command line; only the runs in 公示 "
        "(or published) for the units' people; none for the 三员", "assessment_runs_in_scope", False,
        lambda u, o: frozenset(r.status for r in access.assessment_runs_in_scope(u)),
        sees(office={"draft", "publicity"}, leader={"draft", "publicity"}, cli={"draft", "publicity"},
             yyx_rep={"publicity"}, yyx_rev={"publicity"}, yx_rep={"publicity"})),
    Row("a draft assessment is read by office, leaders and the command line; for anyone else it does not exist",
        "assessment_run_for", False, lambda u, o: access.assessment_run_for(u, o.draft_run),
        gate({"office", "leader", "cli"}), refusal=404),
    Row("an assessment in 公示 is read by every assessed unit's people too", "assessment_run_for", False,
        lambda u, o: access.assessment_run_for(u, o.publicity_run), gate(TARGET_ROLES | {"cli"}), refusal=404),
    Row("an assessment is managed (公示, objections decided, publication) by the office and the command line",
        "assessment_run_for", True, lambda u, o: access.assessment_run_for(u, o.publicity_run, write=True),
        gate({"office", "cli"})),
    Row("岳阳县's objection to an assessment in 公示 is filed by 岳阳县's people or the office, not by leaders or "
        "云溪区", "objection_unit_for", False, lambda u, o: access.objection_unit_for(u, o.publicity_run, YYX),
        gate({"office", "cli", "yyx_rep", "yyx_rev"})),
    Row("岳阳县's reform milestones are reported by the office and 岳阳县's people, not by leaders or 云溪区",
        "reform_task_for", True, lambda u, o: access.reform_task_for(u, o.reform_task, write=True),
        gate({"office", "yyx_rep", "yyx_rev"})),
    Row("the signed-in sessions: the security admin", "login_sessions_for", False,
        lambda u, o: _ok(access.login_sessions_for(u)), gate({"secadmin"})),
    Row("ending a session: the security admin", "login_sessions_for", True,
        lambda u, o: _ok(access.login_sessions_for(u, write=True)), gate({"secadmin"})),
    Row("role changes waiting for confirmation: the security admin", "role_change_requests_for", False,
        lambda u, o: _ok(access.role_change_requests_for(u)), gate({"secadmin"})),
    Row("confirming or rejecting a role change: the security admin", "role_change_requests_for", True,
        lambda u, o: _ok(access.role_change_requests_for(u, write=True)), gate({"secadmin"})),
]

FUNCTION_ROWS += [
    Row("the case metrics cover every lead unit for office, leaders and the command line, none for the others",
        "case_metrics_scope", False,
        lambda u, o: (lambda s: ALL if s is None else frozenset(s))(access.case_metrics_scope(u)),
        sees(office=ALL, leader=ALL, cli=ALL)),
    Row("asking the case metrics for one unit (a `unit` parameter): that unit for office, leaders and the command "
        "line, refused to the others", "case_metrics_scope", False,
        lambda u, o: _ok(access.case_metrics_scope(u, o.yyx_unit)), gate({"office", "leader", "cli"})),
]



# pairing (包联): 岳阳县填报员 is the official paired with 岳阳县's 装备 firm (made on first use by `_paired`).


def _paired(o: Any) -> Any:
    if not hasattr(o, "pairing"):
        import datetime as dt

        from newind.accounts.models import Profile as _Profile
        from newind.pairing.models import Official, Pairing, Visit

        user = _Profile.objects.get(user__username="yyx_rep").user
        official = Official.objects.create(name="张三", unit_name="岳阳县工信局", phone="13907300001", user=user)
        firm = EnterpriseProfile.objects.get(pk=o.zb_firm).unit
        o.pairing = Pairing.objects.create(official=official, firm=firm, start_date=dt.date(2017, 1, 1))
        o.visit = Visit.objects.create(pairing=o.pairing, official=official, firm=firm, date=dt.date(2017, 12, 1),
                                       kind="visit", participants="张三", discussed="生产经营")
    return o


def _firms_of(pairings: Any) -> frozenset[str]:
    return frozenset(pairings.values_list("firm__credit_code", flat=True))


PAIRING_WHO = {"office", "leader", "cli", "yyx_rep"}
PAGE_ROWS += [
    page("PAIRINGS_PAGE", "the pairing pages are open to business users (each sees the pairings in scope)", BUSINESS),
    page("PAIRING_GAPS_PAGE", "the month's pairing gaps are for office and leaders", {"office", "leader"}),
    page("PAIRING_IMPORT_PAGE", "importing the pairing list is the office's (and newind pairing import)",
         {"office", "cli"}, write=True),
]
FUNCTION_ROWS += [
    Row("pairings in scope: all for office, leaders and the command line, an official's own for the official",
        "pairings_in_scope", False, lambda u, o: _firms_of(access.pairings_in_scope(_paired(o) and u)),
        sees(**{w: {ZB} for w in PAIRING_WHO})),
    Row("岳阳县's firm's pairing is read by office, leaders, the command line and its official, not by others",
        "pairing_for", False, lambda u, o: access.pairing_for(u, _paired(o).pairing.pk), gate(PAIRING_WHO)),
    Row("visits are logged under a pairing by the office, the command line and the official, not by leaders",
        "pairing_for", True, lambda u, o: access.pairing_for(u, _paired(o).pairing.pk, write=True),
        gate({"office", "cli", "yyx_rep"})),
    Row("visits in scope: those of the pairings in scope", "visits_in_scope", False,
        lambda u, o: frozenset(access.visits_in_scope(_paired(o) and u).values_list("firm__credit_code", flat=True)),
        sees(**{w: {ZB} for w in PAIRING_WHO})),
    Row("a visit is read as its pairing (editing the id does not open it to 云溪区)", "visit_for", False,
        lambda u, o: access.visit_for(u, _paired(o).visit.pk), gate(PAIRING_WHO)),
    Row("a visit's problems become appeals by the office, the command line and the official", "visit_for", True,
        lambda u, o: access.visit_for(u, _paired(o).visit.pk, write=True), gate({"office", "cli", "yyx_rep"})),
]

# --- policies (惠企政策), matches and payouts: objects made on first use (a published and a draft policy
# of 市工信局, a payout to 岳阳县's 装备 firm) so the shared fixture stays as it is.


def _pol(o: Any) -> Any:
    if not hasattr(o, "pol"):
        from datetime import date
        from decimal import Decimal

        from newind.policies.models import Payout, Policy
        from newind.units.models import Unit

        gxj = Unit.objects.get(code="D430600-GXJ")
        pub = Policy.objects.create(code="m-pub", title="发布的政策", issuer="市政府", level="municipal",
                                    category="finance", status="published", department=gxj)
        draft = Policy.objects.create(code="m-draft", title="草稿政策", issuer="市政府", level="municipal",
                                      category="finance", department=gxj)
        firm = EnterpriseProfile.objects.get(credit_code=ZB).unit_id
        payout = Payout.objects.create(policy=pub, firm_id=firm, amount=Decimal("10"), paid_on=date(2018, 3, 1))
        o.pol = SimpleNamespace(pub=pub.pk, draft=draft.pk, payout=payout.pk, firm=firm)
    return o.pol


POLICY_SCOPE = {"m-pub", "m-draft"}
PAGE_ROWS += [
    page("POLICIES_PAGE", "the policy library is open to business users and the command line", BUSINESS | {"cli"}),
    page("POLICIES_MANAGE_PAGE", "managing policies is the office's (and newind policies load)", {"office", "cli"},
         write=True),
    page("PAYOUTS_PAGE", "payouts are for office, leaders, departments and the command line", {"office", "leader", "cli"}),
]
FUNCTION_ROWS += [
    Row("policies in scope: all for office, leaders and the command line, the published ones for the others",
        "policies_in_scope", False,
        lambda u, o: frozenset(access.policies_in_scope(u).filter(pk__in=[_pol(o).pub, _pol(o).draft])
                               .values_list("code", flat=True)),
        sees(office=POLICY_SCOPE, leader=POLICY_SCOPE, cli=POLICY_SCOPE,
             **{w: {"m-pub"} for w in ("yyx_rep", "yyx_rev", "yx_rep")})),
    Row("a published policy is read by business users; to the 三员 it does not exist (404)", "policy_for", False,
        lambda u, o: access.policy_for(u, _pol(o).pub), gate(BUSINESS | {"cli"}), refusal=404),
    Row("a draft is read by office, leaders (and its department); to the others it does not exist (404)",
        "policy_for", False, lambda u, o: access.policy_for(u, _pol(o).draft), gate({"office", "leader", "cli"}),
        refusal=404),
    Row("a policy is created, edited, published and withdrawn by the office only", "policy_for", True,
        lambda u, o: access.policy_for(u, _pol(o).draft, write=True), gate({"office", "cli"})),
    Row("a policy's eligible firms: office, leaders (and its executing department)", "policy_eligible_for", False,
        lambda u, o: access.policy_eligible_for(u, _pol(o).pub), gate({"office", "leader", "cli"})),
    Row("岳阳县's firm's matches: office, leaders, 岳阳县's people (and the firm itself), not 云溪区",
        "policy_matches_for", False, lambda u, o: access.policy_matches_for(u, _pol(o).firm),
        gate({"office", "leader", "cli", "yyx_rep", "yyx_rev"})),
    Row("one's own firm for its matches: only an enterprise user has one (none in this cast)", "own_policy_firm",
        False, lambda u, o: frozenset(p.credit_code for p in [access.own_policy_firm(u)] if p is not None), sees()),
    Row("the policies whose payouts one records: every one for the office (and a department its own)",
        "payout_policies_for", False,
        lambda u, o: frozenset(access.payout_policies_for(u).filter(pk__in=[_pol(o).pub, _pol(o).draft])
                               .values_list("code", flat=True)), sees(office=POLICY_SCOPE, cli=POLICY_SCOPE)),
    Row("payouts in scope: all for office and leaders, a county's firms' for its people", "payouts_in_scope", False,
        lambda u, o: (lambda pid: frozenset("payout" for p in access.payouts_in_scope(u) if p.pk == pid))(
            _pol(o).payout),
        sees(**{w: {"payout"} for w in ("office", "leader", "cli", "yyx_rep", "yyx_rev")})),
    Row("a payout to 岳阳县's firm is read by office, leaders and 岳阳县; to the others it does not exist",
        "payout_for", False, lambda u, o: access.payout_for(u, _pol(o).payout),
        gate({"office", "leader", "cli", "yyx_rep", "yyx_rev"}), refusal=404),
    Row("a payout is corrected by the office (and the policy's department) only", "payout_for", True,
        lambda u, o: access.payout_for(u, _pol(o).payout, write=True), gate({"office", "cli"})),
]


# --- major projects (重大项目): a project of 岳阳县, made on first use so the shared fixture stays as it is.


def _project(o: Any) -> Any:
    if not hasattr(o, "project"):
        from decimal import Decimal

        from newind.projects.models import Project
        from newind.units.models import Unit

        o.project = Project.objects.create(code="XM-MATRIX", name="岳阳县矩阵项目", county=Unit.objects.get(code=YYX),
                                           total_investment=Decimal("10000")).pk
    return o.project


def _project_codes(qs: Any) -> frozenset[str]:
    return frozenset(qs.values_list("code", flat=True))


PAGE_ROWS += [
    page("PROJECTS_PAGE", "the project list and pages are for office, leaders, the units' people (and departments)",
         TARGET_ROLES),
    page("PROJECT_IMPORT_PAGE", "importing the project workbook is the office's (and newind projects import)",
         {"office", "cli"}, write=True),
]
FUNCTION_ROWS += [
    Row("projects in scope: all for office, leaders and the command line, 岳阳县's for 岳阳县's people",
        "projects_in_scope", False, lambda u, o: _project_codes(access.projects_in_scope(_project(o) and u)),
        sees(**{w: {"XM-MATRIX"} for w in ("office", "leader", "cli", "yyx_rep", "yyx_rev")})),
    Row("岳阳县's project is read by office, leaders and 岳阳县's people; 云溪区 is refused", "project_for", False,
        lambda u, o: access.project_for(u, _project(o)), gate({"office", "leader", "yyx_rep", "yyx_rev"})),
    Row("岳阳县's project is changed by the office and 岳阳县's reporter (its stages), not by leaders", "project_for",
        True, lambda u, o: access.project_for(u, _project(o), write=True), gate({"office", "yyx_rep"})),
]

# --- the accountability list (问责清单; issue 13 §6): an entry about 岳阳县, made on first use.


def _acct(o: Any) -> Any:
    if not hasattr(o, "acct"):
        from django.utils import timezone

        from newind.accountability.models import AccountabilityEntry
        from newind.units.models import Unit

        now = timezone.now()
        o.acct = AccountabilityEntry.objects.create(
            fingerprint="late_reports|unit:matrix|2017", cause="late_reports", object_ref="unit:matrix", period="2017",
            unit=Unit.objects.get(code=YYX), responsible_person="县长", reason="岳阳县2017年月度报表迟报 2 次",
            first_found_at=now, last_found_at=now, last_scan_period="2017-09").pk
    return o.acct


PAGE_ROWS += [
    page("ACCOUNTABILITY_PAGE", "the accountability list is read by office and leaders (and newind's scan job)",
         {"office", "leader", "cli"}),
    page("ACCOUNTABILITY_MANAGE_PAGE", "scanning and recording 约谈/通报批评/诫勉/问责 is the office's (and the job's)",
         {"office", "cli"}, write=True),
]
FUNCTION_ROWS += [
    Row("accountability entries in scope: every entry for office, leaders and the command line, none for others",
        "accountability_entries_in_scope", False,
        lambda u, o: frozenset(e.period for e in access.accountability_entries_in_scope(_acct(o) and u)),
        sees(**{w: {"2017"} for w in ("office", "leader", "cli")})),
    Row("an entry about 岳阳县 is read by office and leaders, not by 岳阳县's own people", "accountability_entry_for",
        False, lambda u, o: access.accountability_entry_for(u, _acct(o)), gate({"office", "leader", "cli"})),
    Row("a measure is recorded on an entry by the office only", "accountability_entry_for", True,
        lambda u, o: access.accountability_entry_for(u, _acct(o), write=True), gate({"office", "cli"})),
]

# --- alerts (预警推送; issue 13 §7): an alert about 岳阳县 and the office's subscription to it, made on first use.


def _alert(o: Any) -> Any:
    if not hasattr(o, "alert"):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from newind.accountability.models import Alert, AlertSubscription
        from newind.units.models import Unit

        now, unit = timezone.now(), Unit.objects.get(code=YYX)
        o.alert = Alert.objects.create(
            fingerprint="red_light|target:matrix|2017", rule="red_light", object_ref="target:matrix", period="2017",
            unit=unit, title="岳阳县红灯", message="岳阳县规模工业增加值亮红灯", first_raised_at=now, last_raised_at=now,
            last_seen_at=now, last_scan_period="2017-09").pk
        AlertSubscription.objects.create(user=get_user_model().objects.get(username="office"), unit=unit)
    return o.alert


PAGE_ROWS += [
    page("ALERTS_PAGE", "the alerts are read, acknowledged and resolved by office and leaders (raised by newind's job)",
         {"office", "leader", "cli"}),
]
FUNCTION_ROWS += [
    Row("alerts in scope: every alert for office, leaders and the command line, none for others", "alerts_in_scope",
        False, lambda u, o: frozenset(a.title for a in access.alerts_in_scope(_alert(o) and u)),
        sees(**{w: {"岳阳县红灯"} for w in ("office", "leader", "cli")})),
    Row("an alert about 岳阳县 is read by office and leaders, not by 岳阳县's own people", "alert_for", False,
        lambda u, o: access.alert_for(u, _alert(o)), gate({"office", "leader", "cli"})),
    Row("an alert is acknowledged and resolved by office and leaders", "alert_for", True,
        lambda u, o: access.alert_for(u, _alert(o), write=True), gate({"office", "leader", "cli"})),
    Row("one's own subscriptions: the office sees its 岳阳县, a leader none (yet), the command line none",
        "alert_subscriptions_for", False,
        lambda u, o: _codes(access.alert_subscriptions_for(_alert(o) and u).values_list("unit__code", flat=True)),
        {**sees(office={YYX}, leader=frozenset(), cli=frozenset()),
         **{w: REFUSED for w in ("yyx_rep", "yyx_rev", "yx_rep", "auditor", "sysadmin", "secadmin")}}),
    Row("subscribing is for office and leaders with an account (not the command line)", "alert_subscriptions_for",
        True, lambda u, o: _ok(access.alert_subscriptions_for(u, write=True)), gate({"office", "leader"})),
]

ACCESS_ROWS = PAGE_ROWS + FUNCTION_ROWS
# Helpers of the module itself, tested in tests/accounts/test_access.py; no view or service calls them
# (test_access_structure.py), so they have no row here.
HELPERS = {"role_of", "require_role", "role_required", "page_required", "scope_unit_ids"}


@pytest.fixture
def objects(cast, task, yyx_sub, yx_sub, imported, figures) -> SimpleNamespace:  # type: ignore[no-untyped-def]  # noqa: F811
    """岳阳县's and 云溪区's drafts, 华容县's published report, a target of each unit, a run of each job kind."""
    from decimal import Decimal

    from django.utils import timezone

    from newind.indicators.models import Indicator
    from newind.jobs.models import JobRun
    from newind.jobs.registry import jobs
    from newind.submissions.models import Submission
    from newind.targets.models import Target
    from newind.units.models import Unit

    pub = Submission.objects.get(task=task, unit__code=PUB)
    Submission.objects.filter(pk=pub.pk).update(state="published")
    va = Indicator.objects.get(code="industrial_va_above_size")
    target = {code: Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                                          value=Decimal("100")) for code in (YYX, YX)}
    office_job = next(j for j in jobs() if j.audience == "office")
    security_job = next(j for j in jobs() if j.audience == "security")

    def run(job: Any) -> Any:
        return JobRun.objects.create(task_id=f"matrix-{job.name}", job=job.name, label=job.label,
                                     audience=job.audience, trigger="manual", state="failed",
                                     enqueued_at=timezone.now())

    mujun_run = run_evaluation(2017, "430600")
    from newind.funding.models import Opportunity

    funding_item = Opportunity.objects.create(
        code="XZ2017-900", title="岳阳县技改专项", programme="湖南省技术改造专项", level="provincial",
        owner_unit=Unit.objects.get(code=YYX), owner_person="县工信局", amount_sought=Decimal("100"))
    from newind.reform.models import ReformTask, TaskSet

    reform_task = ReformTask.objects.create(
        task_set=TaskSet.objects.create(code="matrix", name="园区十条", year=2017), code="T1", title="标准化厂房",
        owner_unit=Unit.objects.get(code=YYX))
    import datetime as _dt

    from newind.supervision.models import Meeting, UnitHead

    head = UnitHead.objects.create(unit=Unit.objects.get(code=YYX), name="王县长", post="县长", is_principal=True)
    meeting = Meeting.objects.create(kind="monthly", held_on=_dt.date(2017, 9, 8), title="9月调度会", chair=head)
    from newind.assessment.models import AssessmentRun

    def assessment_run(status: str) -> int:
        return AssessmentRun.objects.create(
            kind="annual", year=2017, assessed_kind="county", scheme_code=f"matrix-{status}", scheme_version=1,
            scheme_name="县市区考核", scheme_sha256="0" * 64, status=status,
            result={"units": [{"code": YYX, "name": "岳阳县", "items": []}]}).pk

    return SimpleNamespace(
        draft_run=assessment_run("draft"), publicity_run=assessment_run("publicity"),
        meeting=meeting.pk, reform_task=reform_task.pk, task=task, yyx_sub=yyx_sub, yx_sub=yx_sub, pub_sub=pub, yyx_unit=yyx_sub.unit_id, yx_unit=yx_sub.unit_id,
        yyx_target=target[YYX], office_job=office_job.name, security_job=security_job.name,
        office_run=run(office_job), security_run=run(security_job),
        zb_firm=EnterpriseProfile.objects.get(credit_code=ZB).pk,
        zb_result=FirmResult.objects.get(run=mujun_run, credit_code=ZB).pk, run_id=mujun_run.pk,
        funding_item=funding_item.pk)


def _user(cast: Any, who: str) -> Any:
    return access.COMMAND_LINE if who == "cli" else getattr(cast, who)


def _access_outcome(row: Row, user: Any, objects: Any) -> Any:
    try:
        value = row.call(user, objects)
    except AppError as error:
        # Every refusal is the project's typed error, with the row's status.
        assert isinstance(error, Forbidden | NotFound), f"{row.what}: untyped refusal {error!r}"
        assert error.status == row.refusal, f"{row.what}: refused with {error.status}, expected {row.refusal}"
        return REFUSED
    if value is False:
        return REFUSED
    if isinstance(value, frozenset | str):
        return value
    assert not isinstance(value, QuerySet | list | set), f"{row.what}: make the row say what is seen"
    return OK


@pytest.mark.parametrize("row", ACCESS_ROWS, ids=[f"{r.function}{'(write)' if r.write else ''}: {r.what}"
                                                    for r in ACCESS_ROWS])
def test_access_function_matrix(cast, objects, row: Row) -> None:  # type: ignore[no-untyped-def]
    got = {who: _access_outcome(row, _user(cast, who), objects) for who in WHO}
    wrong = [f"{who}: got {got[who]!r}, expected {row.expect[who]!r}" for who in WHO if got[who] != row.expect[who]]
    assert not wrong, f"{row.what}: " + "; ".join(wrong)


def test_every_access_function_has_a_row_for_reading_and_writing() -> None:
    """A new access function (or page) without a row in the matrix fails here; so does a function with a
    `write` flag whose reading or writing side has no row."""
    import inspect

    public = {name for name in access.__all__ if callable(getattr(access, name)) or
              isinstance(getattr(access, name), access.PageAccess)}
    public -= {"PageAccess", "Role", "COMMAND_LINE"} | HELPERS
    covered = {r.function for r in ACCESS_ROWS + CASE_ROWS}
    assert sorted(public - covered) == []
    assert sorted(covered - public) == []  # (a row names a function that exists)
    for name in public:
        target = getattr(access, name)
        if callable(target) and "write" in inspect.signature(target).parameters:
            sides = {r.write for r in ACCESS_ROWS + CASE_ROWS if r.function == name}
            assert sides == {False, True}, f"{name} needs a row for reading and one for writing"


def test_every_page_of_the_menu_has_its_row() -> None:
    """The menu offers a page only to the roles its PageAccess allows, and every such PageAccess is a row."""
    from newind.home.menu import ENTRIES

    names = {name for name in access.__all__ if isinstance(getattr(access, name), access.PageAccess)}
    by_page = {id(getattr(access, n)): n for n in names}
    rows = {r.function for r in PAGE_ROWS}
    assert all(by_page.get(id(e.access)) in rows for e in ENTRIES)


# --- cases (企业诉求): firms and departments ----------------------------------------------------------------------
# A cast with two firms' users and three departments' users (tests/cases/conftest.py `people`): 化工's appeal
# ("mine") is led by 发改委 (fgw) with 人社局 (rsj) co-handling; 纺织's ("theirs") is led by 自然资源局 (zrzy).
# Each row reads: "<what>" — then for each one: OK, what they see, or the refusal's status ("404" where the
# case's existence is not told, "403" for roles that see no cases).

from tests.cases.conftest import attachments_dir, clock, filed, login, people, units  # noqa: E402, F401, F811

CASE_WHO = ("office", "leader", "yyx_rep", "yyx_rev", "auditor", "sysadmin", "secadmin", "firm", "other_firm",
            "fgw", "zrzy", "rsj", "cli")
N404, N403 = "404", "403"


def case_gate(ok: set[str], hidden: set[str] = frozenset({"firm", "other_firm", "fgw", "zrzy", "rsj"})) -> dict[str, str]:
    """`ok` are let through; the firms and departments not in it get a 404; everyone else a 403."""
    return {w: OK if w in ok else N404 if w in hidden else N403 for w in CASE_WHO}


def case_sees(**who: Any) -> dict[str, Any]:
    return {w: frozenset(who.get(w, ())) for w in CASE_WHO}


def _case_names(o: Any, cases: Any) -> frozenset[str]:
    names = {o.mine.pk: "mine", o.theirs.pk: "theirs"}
    return frozenset(names[c.pk] for c in cases)


BOTH = {"mine", "theirs"}
CASE_ROWS = [
    Row("cases in scope: every case for office and leaders, a firm's own, a department's led or co-handled ones, "
        "none for counties, the 三员 and the command line", "cases_in_scope", False,
        lambda u, o: _case_names(o, access.cases_in_scope(u)),
        case_sees(office=BOTH, leader=BOTH, firm={"mine"}, other_firm={"theirs"}, fgw={"mine"}, rsj={"mine"},
                  zrzy={"theirs"})),
    Row("化工's appeal is read by office, leaders, 化工, its lead unit and its co-handler", "case_for", False,
        lambda u, o: access.case_for(u, o.mine.pk), case_gate({"office", "leader", "firm", "fgw", "rsj"})),
    Row("纺织's appeal is not read by 发改委 or 化工 by editing the id (404)", "case_for", False,
        lambda u, o: access.case_for(u, o.theirs.pk), case_gate({"office", "leader", "other_firm", "zrzy"})),
    Row("化工's appeal is acted on by office, leaders (assign, extensions), 化工, its lead unit and co-handler; "
        "the table then says which actions", "case_for", True,
        lambda u, o: access.case_for(u, o.mine, write=True), case_gate({"office", "leader", "firm", "fgw", "rsj"})),
    Row("纺织's appeal is not acted on by another firm or department by editing the id", "case_for", True,
        lambda u, o: access.case_for(u, o.theirs.pk, write=True),
        case_gate({"office", "leader", "other_firm", "zrzy"})),
    Row("the role in 化工's appeal: firm, lead unit, co-handler, office, leader; none for anyone else", "case_role",
        False, lambda u, o: str(access.case_role(u, o.mine)),
        {**{w: "None" for w in CASE_WHO}, "office": "office", "leader": "leader", "firm": "firm", "fgw": "lead",
         "rsj": "co_handler"}),
    Row("the firms one may file for: every firm for the office, one's own for a firm", "case_filing_firms", False,
        lambda u, o: frozenset(access.case_filing_firms(u).values_list("code", flat=True)) & o.firm_codes,
        case_sees(office={"F1", "F2"}, firm={"F1"}, other_firm={"F2"})),
    Row("filing for 化工: 化工 itself and the office; a firm naming another firm in the body is refused",
        "case_filing_firm", True, lambda u, o: access.case_filing_firm(u, o.units.firm.code),
        {**case_gate({"office", "firm"}, hidden=set()), "cli": N403}),
]


@pytest.fixture
def case_objects(people, units, filed) -> SimpleNamespace:  # type: ignore[no-untyped-def]  # noqa: F811
    return SimpleNamespace(mine=filed.mine, theirs=filed.theirs, units=units,
                           firm_codes=frozenset({units.firm.code, units.other_firm.code}),
                           codes={units.firm.code: "F1", units.other_firm.code: "F2"})


def _case_outcome(row: Row, user: Any, o: Any) -> Any:
    try:
        value = row.call(user, o)
    except AppError as error:
        assert isinstance(error, Forbidden | NotFound), f"{row.what}: untyped refusal {error!r}"
        return str(error.status)
    if isinstance(value, frozenset) and value & o.firm_codes:
        return frozenset(o.codes[v] for v in value)
    if isinstance(value, frozenset | str):
        return value
    return OK


@pytest.mark.parametrize("row", CASE_ROWS, ids=[f"{r.function}{'(write)' if r.write else ''}: {r.what}"
                                                  for r in CASE_ROWS])
def test_case_access_matrix(people, case_objects, row: Row) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    got = {w: _case_outcome(row, access.COMMAND_LINE if w == "cli" else getattr(people, w), case_objects)
           for w in CASE_WHO}
    wrong = [f"{w}: got {got[w]!r}, expected {row.expect[w]!r}" for w in CASE_WHO if got[w] != row.expect[w]]
    assert not wrong, f"{row.what}: " + "; ".join(wrong)


# Through the client, each row a sentence: the URL (ids in it, and in the body, edited to another's case) and
# who gets through; the others get the status given (404 for firms and departments, 403 for the rest).
CASE_URLS = [
    ("化工's appeal page is open to 化工, its lead unit, its co-handler, office and leaders", "GET", "/cases/{mine}/",
     None, {"office", "leader", "firm", "fgw", "rsj"}),
    ("纺织's appeal page, its id typed by 化工 or 发改委, is a 404", "GET", "/cases/{theirs}/", None,
     {"office", "leader", "other_firm", "zrzy"}),
    ("化工's appeal in the API: the same people", "GET", "/api/cases/{mine}", None,
     {"office", "leader", "firm", "fgw", "rsj"}),
    ("纺织's appeal in the API, its id edited: 404 to other firms and departments", "GET", "/api/cases/{theirs}",
     None, {"office", "leader", "other_firm", "zrzy"}),
    ("acting on 纺织's appeal by editing the id in the page's form: only its own people reach the action (an "
     "unknown action is then a 400)", "POST", "/cases/{theirs}/act/", {"action": "no_such_action"},
     {"office", "leader", "other_firm", "zrzy"}),
    ("acting on 纺织's appeal through the API with an edited id: the same", "POST_JSON",
     "/api/cases/{theirs}/actions", {"action": "no_such_action"}, {"office", "leader", "other_firm", "zrzy"}),
    ("filing for 纺织 in the API: 纺织 itself and the office; 化工 editing the firm in the body is refused (403)",
     "POST_JSON", "/api/cases/", {"title": "x", "description": "y", "categories": ["other"],
                                  "firm": "{other_firm_code}"}, {"office", "other_firm"}),
]


@pytest.mark.parametrize("c", CASE_URLS, ids=[c[0] for c in CASE_URLS])
def test_case_client_matrix(login, people, case_objects, c) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from newind.cases.models import Case as CaseModel

    what, method, url, body, allowed = c
    o = case_objects
    ids = {"mine": o.mine.pk, "theirs": o.theirs.pk}
    url = url.format(**ids)
    payload = {k: (v.format(other_firm_code=o.units.other_firm.code) if isinstance(v, str) else v)
               for k, v in (body or {}).items()}
    wrong = []
    for who in CASE_WHO[:-1]:
        before = (CaseModel.objects.count(), list(CaseModel.objects.order_by("id").values_list("state", flat=True)))
        client = login(who)
        if method == "GET":
            status = client.get(url).status_code
        elif method == "POST_JSON":
            status = client.post(url, payload, content_type="application/json").status_code
        else:
            status = client.post(url, payload).status_code
        refused = status in {401, 403, 404}
        if status >= 500 or refused == (who in allowed):
            wrong.append(f"{who}: {status}")
        if refused and who in {"firm", "other_firm", "fgw", "zrzy", "rsj"} and "{theirs}" in c[2] and status != 404:
            wrong.append(f"{who}: {status}, expected 404")
        after = (CaseModel.objects.count(), list(CaseModel.objects.order_by("id").values_list("state", flat=True)))
        if refused and after != before:
            wrong.append(f"{who} was refused but something was written")
    assert not wrong, f"{what}: {', '.join(wrong)}"


# --- the department role (市直部门用户) on the case metrics and the overdue list -----------------------------
# Read each row as a sentence: "<what>" is open (True) or refused (False) to 发改委's department user. The rows
# use cases led by 发改委 and by 自然资源局; `unit=other` is 自然资源局 (an edited parameter).

DEPARTMENT_READS = [
    ("the case metrics page, its own unit's rows", "/cases/metrics/", True),
    ("the overdue list, its own unit's cases", "/cases/overdue/", True),
    ("the metrics export", "/cases/metrics.xlsx", True),
    ("the overdue export", "/cases/overdue.xlsx", True),
    ("the metrics API", "/api/cases/metrics/?by=month", True),
    ("the overdue API", "/api/cases/overdue/", True),
    ("the metrics page asked for another department (unit=other)", "/cases/metrics/?unit={other}", False),
    ("the overdue list asked for another department", "/cases/overdue/?unit={other}", False),
    ("the metrics export asked for another department", "/cases/metrics.xlsx?unit={other}", False),
    ("the overdue export asked for another department", "/cases/overdue.xlsx?unit={other}", False),
    ("the metrics API asked for another department", "/api/cases/metrics/?unit={other}", False),
    ("the overdue API asked for another department", "/api/cases/overdue/?unit={other}", False),
    ("the import page (the office's)", "/imports/", False),
    ("the audit log", "/audit/", False),
]


@pytest.fixture
def department_user(cast):  # type: ignore[no-untyped-def]
    """发改委's department user, one case led by 发改委 and one by 自然资源局 (both overdue, still open)."""
    import datetime as dt

    from newind.accounts.services import create_user
    from newind.cases.models import Case
    from newind.cases.sla import TZ
    from newind.units.models import Unit

    fgw = Unit.objects.create(code="D-FGW", name="市发展和改革委员会", kind="department")
    zrzy = Unit.objects.create(code="D-ZRZY", name="市自然资源和规划局", kind="department")
    for code, lead in (("SQ-FGW", fgw), ("SQ-ZRZY", zrzy)):
        moment = dt.datetime(2017, 10, 9, 9, tzinfo=TZ)
        Case.objects.create(code=code, title="示例", lead_unit=lead, sla_profile="zhongshan", received_at=moment,
                            close_deadline=moment + dt.timedelta(days=8), original_close_deadline=moment,
                            state="in_progress")
    user = create_user("bm_fgw", "department", password="Dept-Pass-2017", unit_code="D-FGW", name="发改委经办人",
                       must_change_password=False)
    return SimpleNamespace(user=user, fgw=fgw, zrzy=zrzy)


@pytest.mark.parametrize("what,url,allowed", DEPARTMENT_READS, ids=[w for w, _, _ in DEPARTMENT_READS])
def test_a_department_user_reads_only_its_own_units_case_figures(client, department_user, what, url,  # type: ignore[no-untyped-def]
                                                                 allowed) -> None:
    client.force_login(department_user.user)
    response = client.get(url.format(other=department_user.zrzy.pk), follow=True)
    assert (response.status_code not in DENIED) == allowed and response.status_code < 500, f"{what}: {response.status_code}"
    if allowed and url.startswith("/cases/overdue/"):
        assert [r["code"] for r in response.context["rows"]] == ["SQ-FGW"], what
    if allowed and url.startswith("/api/cases/overdue/"):
        assert [i["code"] for i in response.json()["items"]] == ["SQ-FGW"], what


def test_the_department_scope_is_its_own_unit(department_user) -> None:  # type: ignore[no-untyped-def]
    assert access.case_metrics_scope(department_user.user) == {department_user.fgw.pk}
    assert access.case_metrics_scope(department_user.user, department_user.fgw.pk) == {department_user.fgw.pk}
    with pytest.raises(Forbidden):
        access.case_metrics_scope(department_user.user, department_user.zrzy.pk)
    assert access.CASE_METRICS_PAGE.allows(department_user.user)
