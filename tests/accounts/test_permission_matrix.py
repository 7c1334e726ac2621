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
from newind.indicators.models import Observation
from newind.submissions.models import ReportingTask, SubmissionValue
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
