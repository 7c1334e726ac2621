"""Who may read and write what: the one access module. Every view, API endpoint, export, service and command
decides access by calling a function here, one per kind of object (docs/security.md, 「访问控制模板」).

Rules (see docs/security.md):
- 市新型工业化办公室 (office) reads and writes every unit; 市领导 (leader) reads every unit and writes nothing.
- 单位填报员 / 单位审核员 / 企业用户 are scoped to one unit and its descendants in the admin hierarchy:
  they read unpublished figures and write (drafts, reviews) only inside that scope.
- Published figures are readable by every logged-in business user (office, leader, reporter, reviewer,
  enterprise).
- 三员分立: the system administrator, security administrator and auditor read no business figures at all,
  published or not, and write none; they manage users, security settings and the audit log respectively.
- Anonymous users and users without a role read and write nothing.
- The command line (`COMMAND_LINE`, i.e. no signed-in user: a `newind` command, audited as `cli:<OS user>`,
  a background job, the demo loader) is the server's operator, who holds the database anyway: it may import,
  manage targets, build reports, benchmark and read the audit log, but takes no step of the submission
  workflow (each step names a person) and sees no job runs (the worker runs them).

The shape, for every kind of object (the matrix in tests/accounts/test_permission_matrix.py has a row for
each function below, read and write, for each role):
- `<thing>_for(user, id_or_object, *, write=False)` returns the object or raises `Forbidden` (403), or
  `NotFound` (404) where a read must not tell that an object outside the user's scope exists;
- `<things>_in_scope(user)` returns the queryset (or the unit codes) the user may read: empty, never an error;
- `PageAccess` constants say who may open a page (their views use `page_required`; the menu offers a page
  only to the roles its constant allows).
Lower-level helpers (`role_of`, `scope_unit_ids`, `require_role`, …) are for this module; a structural test
(tests/accounts/test_access_structure.py) fails if a view, API, service or command decides access itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from newind.accounts.models import ADMIN_ROLES, BUSINESS_ROLES, SCOPED_ROLES, Role
from newind.core.errors import AppError, Forbidden, NotFound

if TYPE_CHECKING:  # (imported lazily at run time: the domains depend on accounts, not the other way)
    from newind.audit.models import AuditEntry
    from newind.imports.queries import FigureHistory
    from newind.jobs.models import JobRun
    from newind.jobs.registry import Job
    from newind.submissions.models import ReportingTask, Submission
    from newind.targets.models import Target

__all__ = [
    "AUDIT_PAGE",
    "BACKTEST_PAGE",
    "BACKTEST_RUN",
    "BENCHMARK_PAGE",
    "COMMAND_LINE",
    "DASHBOARD_PAGE",
    "ENTERPRISES_PAGE",
    "ENTERPRISE_IMPORT_PAGE",
    "IMPORT_PAGE",
    "JOBS_PAGE",
    "LOCKOUTS_PAGE",
    "MUJUN_ALL_PAGE",
    "MUJUN_PAGE",
    "PARKS_PAGE",
    "RELEASE_PAGE",
    "REPORT_PAGE",
    "ROLE_REQUESTS_PAGE",
    "SECURITY_PAGE",
    "SESSIONS_PAGE",
    "SUBMISSIONS_PAGE",
    "TARGETS_MANAGE_PAGE",
    "TARGETS_PAGE",
    "TASKS_PAGE",
    "TASK_BOARDS_PAGE",
    "USERS_PAGE",
    "PageAccess",
    "Role",
    "audit_log_for",
    "benchmark_for",
    "can_read_unit",
    "can_write_unit",
    "enterprise_for",
    "enterprises_in_scope",
    "figure_history_for",
    "filter_units_for_read",
    "is_business_user",
    "job_for",
    "job_run_for",
    "job_runs_for",
    "jobs_in_scope",
    "login_sessions_for",
    "mujun_result_for",
    "mujun_run_for",
    "mujun_runs_in_scope",
    "mujun_workflow_role",
    "own_mujun_result",
    "mujun_results_in_scope",
    "MUJUN_FLAGS_PAGE",
    "mujun_filing_for",
    "own_enterprise",
    "page_required",
    "report_for",
    "reporting_discipline_for",
    "reporting_task_for",
    "reporting_tasks_in_scope",
    "require_importer",
    "require_publisher",
    "require_read_unit",
    "require_role",
    "require_task_issuer",
    "require_write_unit",
    "role_change_requests_for",
    "role_of",
    "role_required",
    "scope_unit_ids",
    "submission_for",
    "submissions_in_scope",
    "target_for",
    "target_units_in_scope",
    "targets_in_scope",
    "unit_codes_in_scope",
    "units_in_scope",
    "workflow_role",
]

_SCOPE_CACHE = "_newind_scope_unit_ids"
_CONTACT = "如需访问，请联系市新型工业化领导小组办公室开通权限。"

# The actor of code run on the server without a signed-in user (see the module's docstring). A web request
# never has it: its user is `request.user`, an AnonymousUser when signed out.
COMMAND_LINE: Any = None


def _is_command_line(user: Any) -> bool:
    return user is COMMAND_LINE


# --- people ------------------------------------------------------------------------------------------------


def role_of(user: Any) -> Role | None:
    """The user's role, or None for anonymous users and users without a role.

    A Django superuser created with `createsuperuser` and no profile counts as 系统管理员.
    (Outside this module, only for showing and recording a role — the top bar, the help page, the audit
    entry's `actor_role` — never for deciding access.)
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = _profile(user)
    if profile is not None:
        # A blank role (a new user whose first role awaits the 安全管理员's confirmation) grants nothing.
        return Role(profile.role) if profile.role else None
    if user.is_superuser:
        return Role("sysadmin")
    return None


def _profile(user: Any) -> Any:
    from newind.accounts.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def is_business_user(user: Any) -> bool:
    """True for roles that work with figures (office, leader, reporter, reviewer, enterprise): they may read
    published figures."""
    return role_of(user) in BUSINESS_ROLES


def _require_signed_in(user: Any, what: str = "") -> None:
    """401 for a signed-out user (pages never get here: LoginRequiredMiddleware sends them to the login)."""
    if not _is_command_line(user) and not getattr(user, "is_authenticated", False):
        raise AppError(f"请先登录{what}。" if what else "请先登录。", status=401, code="unauthenticated")


def _forbidden(message: str) -> Forbidden:
    return Forbidden(message)


# Roles are typed Any: without Django type stubs, mypy sees `Role.OFFICE` as a (value, label) tuple.
def require_role(user: Any, *roles: Any) -> Role:
    """Raise Forbidden unless the user has one of the roles; returns the user's role (this module's helper)."""
    role = role_of(user)
    wanted = {Role(r) for r in roles}
    if role is None or role not in wanted:
        names = "、".join(Role(r).label for r in roles)
        mine = f"您当前的角色是「{role.label}」" if role else "您的账号尚未分配角色"
        raise _forbidden(f"此功能仅限{names}使用，{mine}：{_CONTACT}")
    return role


F = TypeVar("F", bound=Callable[..., HttpResponse])


def role_required(*roles: Any) -> Callable[[F], F]:
    """View decorator by roles (kept for compatibility; views use `page_required` with a PageAccess)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


# --- pages -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageAccess:
    """Who may open one page (or take one kind of action): its view requires it, and the menu and the home
    tiles (newind.home.menu) offer the page only to users it allows, so a link the menu shows never leads
    to a 403. A page that shows a button for an action asks the action's PageAccess whether to show it.

    `label` is the page's name in the menu; the 403 text names the page by it. `command_line` says whether
    the command line (COMMAND_LINE) may do it too.
    """

    label: str
    roles: frozenset[Role]
    command_line: bool = False

    def allows(self, user: Any) -> bool:
        """May the user open this page?"""
        if _is_command_line(user):
            return self.command_line
        return role_of(user) in self.roles

    def require(self, user: Any) -> Role | None:
        """Raise Forbidden naming the page unless the user may open it; returns the user's role."""
        if _is_command_line(user) and self.command_line:
            return None
        role = role_of(user)
        if role is None or role not in self.roles:
            names = "、".join(Role(v).label for v in Role.values if Role(v) in self.roles)
            mine = f"您当前的角色是「{role.label}」" if role else "您的账号尚未分配角色"
            raise _forbidden(f"「{self.label}」仅限{names}使用，{mine}，菜单中只列出您可以使用的功能。{_CONTACT}")
        return role


def _roles(*values: str) -> frozenset[Role]:
    return frozenset(Role(v) for v in values)


BENCHMARK_PAGE = PageAccess("对标分析", BUSINESS_ROLES, command_line=True)
IMPORT_PAGE = PageAccess("数据导入", _roles("office"), command_line=True)
DASHBOARD_PAGE = PageAccess("领导驾驶舱", _roles("office", "leader"))
REPORT_PAGE = PageAccess("月度调度通报", _roles("office", "leader"), command_line=True)
TARGETS_PAGE = PageAccess("目标预警", _roles("office", "leader", "reporter", "reviewer"), command_line=True)
TARGETS_MANAGE_PAGE = PageAccess("目标任务管理", _roles("office"), command_line=True)
BACKTEST_PAGE = PageAccess("预测回测", _roles("office", "leader", "reporter", "reviewer"), command_line=True)
BACKTEST_RUN = PageAccess("运行回测", _roles("office"), command_line=True)
SUBMISSIONS_PAGE = PageAccess("月度报表", BUSINESS_ROLES)
TASK_BOARDS_PAGE = PageAccess("报送看板", _roles("office", "leader"))
TASKS_PAGE = PageAccess("下达与催报填报任务", _roles("office"))
RELEASE_PAGE = PageAccess("发布与更正报表数据", _roles("office"))
AUDIT_PAGE = PageAccess("审计日志", _roles("auditor"), command_line=True)
SECURITY_PAGE = PageAccess("安全策略", _roles("secadmin"))
SESSIONS_PAGE = PageAccess("在线会话", _roles("secadmin"))
LOCKOUTS_PAGE = PageAccess("锁定账号", _roles("secadmin"))
ROLE_REQUESTS_PAGE = PageAccess("角色变更确认", _roles("secadmin"))
# The office sees every background job; the security admin the backup and account jobs (_job_audiences).
JOBS_PAGE = PageAccess("后台任务", _roles("office", "secadmin"))
# The Django admin checks its own staff flag and model permissions, which accounts.services.create_user
# gives (for users) to the 系统管理员 only; tests/core/test_menu.py holds the two to the same answer.
USERS_PAGE = PageAccess("用户与角色", _roles("sysadmin"))


def page_required(page: PageAccess) -> Callable[[F], F]:
    """View decorator: anonymous users go to the login page; users the page does not allow get a 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            page.require(request.user)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


# --- a unit's figures --------------------------------------------------------------------------------------


def scope_unit_ids(user: Any) -> set[int] | None:
    """Unit ids whose unpublished figures the user may see; None means every unit; empty set means none."""
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return None
    if role not in SCOPED_ROLES:
        return set()
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return set(cached)
    profile = _profile(user)
    if profile is None or profile.unit_id is None:
        ids: set[int] = set()
    else:
        from newind.units.queries import descendant_ids

        ids = descendant_ids(profile.unit, "admin")
    # Cached on the user object, which lives for one request (or one test), so a role change takes effect
    # at the next request.
    setattr(user, _SCOPE_CACHE, frozenset(ids))
    return set(ids)


def _in_scope(user: Any, unit_id: int) -> bool:
    scope = scope_unit_ids(user)
    return scope is None or int(unit_id) in scope


def can_read_unit(user: Any, unit_id: int, *, published: bool) -> bool:
    """May the user read this unit's figures (published ones, or also unpublished ones)?"""
    role = role_of(user)
    if role is None or role in ADMIN_ROLES:
        return False
    if published:
        return True
    return _in_scope(user, unit_id)


def can_write_unit(user: Any, unit_id: int) -> bool:
    """May the user change this unit's figures (reporters' drafts, reviewers' reviews, office corrections)?"""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role in SCOPED_ROLES:
        return _in_scope(user, unit_id)
    return False


def _unit_label(unit_id: int) -> str:
    from newind.units.models import Unit

    unit = Unit.objects.filter(pk=unit_id).only("name").first()
    return f"「{unit.name}」" if unit else f"编号为 {unit_id} 的单位"


def require_read_unit(user: Any, unit_id: int, *, published: bool) -> None:
    """Raise Forbidden unless the user may read the unit's (published or unpublished) figures."""
    if can_read_unit(user, unit_id, published=published):
        return
    role = role_of(user)
    if role in ADMIN_ROLES:
        raise _forbidden(f"您的角色（{role.label}）按三员分立不能查看业务数据：请使用业务账号访问{_unit_label(unit_id)}的数据。")
    what = "已发布" if published else "未发布"
    raise _forbidden(f"您没有权限查看{_unit_label(unit_id)}{what}的数据：只能查看本单位及下级单位的未发布数据。{_CONTACT}")


def require_write_unit(user: Any, unit_id: int) -> None:
    """Raise Forbidden unless the user may change the unit's figures."""
    if can_write_unit(user, unit_id):
        return
    role = role_of(user)
    if role == Role.LEADER:
        raise _forbidden("市领导账号只能查看数据，不能修改：如需更正数据，请联系市新型工业化领导小组办公室。")
    raise _forbidden(f"您没有权限修改{_unit_label(unit_id)}的数据：只能填报或审核本单位及下级单位的数据。{_CONTACT}")


def units_in_scope(user: Any, units: QuerySet[Any] | Iterable[int] | None = None, *,
                   published: bool = False) -> Any:
    """Keep only the units the user may read: a Unit queryset stays a queryset (None: every unit), ids
    become a set of ids.

    `published=False` (the default) filters for unpublished figures, i.e. by scope.
    """
    if units is None:
        from newind.units.models import Unit

        units = Unit.objects.all()
    role = role_of(user)
    allowed_all = role in BUSINESS_ROLES and (published or scope_unit_ids(user) is None)
    if isinstance(units, QuerySet):
        if allowed_all:
            return units
        if role not in BUSINESS_ROLES:
            return units.none()
        return units.filter(pk__in=scope_unit_ids(user) or set())
    ids = {int(u) for u in units}
    if allowed_all:
        return ids
    if role not in BUSINESS_ROLES:
        return set()
    return ids & (scope_unit_ids(user) or set())


filter_units_for_read = units_in_scope  # (the earlier name)


def unit_codes_in_scope(user: Any) -> list[str] | None:
    """Codes of the units whose unpublished figures the user may read; None means every unit."""
    if _is_command_line(user):
        return None
    scope = scope_unit_ids(user)
    if scope is None:
        return None
    from newind.units.models import Unit

    return sorted(Unit.objects.filter(id__in=scope).values_list("code", flat=True))


# --- published figures: benchmarking, a figure's history ----------------------------------------------------


def benchmark_for(user: Any) -> None:
    """Benchmarking (the page, its export and API; the CLI runs as the operator).

    Benchmarking shows published statistics, so every business user (office, leaders, reporters,
    reviewers, enterprises) may see it; the 三员 (system, security administrator, auditor) and users
    without a role may not. Scope rules for unpublished figures would be hooked in here, and only here.
    """
    _require_signed_in(user, "再查看对标分析")
    if not BENCHMARK_PAGE.allows(user):
        role = role_of(user)
        mine = f"您的角色（{role.label}）" if role else "您的账号尚未分配角色，"
        raise _forbidden(f"{mine}不能查看业务数据：对标分析仅对业务账号开放，如需访问请联系市新型工业化领导小组办公室。")


def figure_history_for(user: Any, indicator_code: str, unit_code: str, period_text: str) -> FigureHistory:
    """Every version of one published figure, for business users (三员 and users without a role see none)."""
    _require_signed_in(user)
    from newind.imports.queries import figure_history

    history = figure_history(indicator_code, unit_code, period_text)
    if not _is_command_line(user):
        require_read_unit(user, history.unit.id, published=True)
    return history


# --- imports -----------------------------------------------------------------------------------------------


def require_importer(user: Any, unit_ids: Iterable[int] = ()) -> None:
    """May this user import figures (for these units)? The one place the rule lives (tighten it here).

    Imports write published figures directly, without the fill-in/review workflow, so only the
    市新型工业化办公室 role (which writes every unit) may import, and may see the import batches; everyone
    else gets a 403, and anonymous users a 401. The CLI and the demo loader run as COMMAND_LINE.
    """
    if _is_command_line(user):
        return
    _require_signed_in(user, "后再导入数据")
    if not IMPORT_PAGE.allows(user):
        raise _forbidden(f"只有市新型工业化办公室可以导入数据：各单位的数据请在「{SUBMISSIONS_PAGE.label}」中填报、"
                         "审核后由办公室发布，如需导入权限请联系市新型工业化领导小组办公室。")
    denied = [u for u in unit_ids if not can_write_unit(user, u)]
    if denied:
        raise _forbidden(f"您没有权限导入{len(denied)}个单位的数据：{_CONTACT}")


# --- monthly submissions (a unit's report) and reporting tasks ---------------------------------------------


def workflow_role(user: Any) -> str | None:
    """The user's role name for the workflow's transition table (submissions.calc), None for no role."""
    role = role_of(user)
    return role.name if role is not None else None


def submission_for(user: Any, submission: Submission | int, *, write: bool = False) -> Submission:
    """One unit's report. Read: the unit's own people (and those above it), the office and leaders; a
    published report every business user. Write (fill, upload, review, and the office's steps): the unit's
    reporters and reviewers and the office. Refusals are 403 (the id in a URL is not secret: the page says
    which unit's report it is). What each role may do in each state is the transition table's (a 409)."""
    from newind.submissions.calc import State
    from newind.submissions.models import Submission

    _require_signed_in(user)
    if isinstance(submission, Submission):
        found: Submission | None = submission
    else:
        found = Submission.objects.select_related("task", "unit", "approved_by").filter(pk=submission).first()
    if found is None:
        from newind.core.errors import not_found

        raise not_found("单位报表")
    if write:
        require_write_unit(user, found.unit_id)
    else:
        require_read_unit(user, found.unit_id, published=found.state == State.PUBLISHED)
    return found


def submissions_in_scope(user: Any, *, with_published: bool = False) -> QuerySet[Submission]:
    """The reports the user may read: every one (office, leaders), those of the user's units (and, with
    `with_published`, every published one), or none (三员, no role, the command line)."""
    from newind.submissions.calc import State
    from newind.submissions.models import Submission

    qs = Submission.objects.select_related("task", "unit").order_by("-task__year", "-task__period_n",
                                                                      "unit__sort_order", "unit__code")
    if not is_business_user(user):
        return qs.none()
    scope = scope_unit_ids(user)
    if scope is None:
        return qs
    return qs.filter(Q(unit_id__in=scope) | Q(state=State.PUBLISHED)) if with_published else qs.filter(
        unit_id__in=scope)


def reporting_tasks_in_scope(user: Any) -> QuerySet[ReportingTask]:
    """The reporting tasks whose boards the user may read: every one for the office and leaders, else none."""
    from newind.submissions.models import ReportingTask

    return ReportingTask.objects.all() if TASK_BOARDS_PAGE.allows(user) else ReportingTask.objects.none()


def reporting_task_for(user: Any, task: ReportingTask | int, *, write: bool = False) -> ReportingTask:
    """One reporting task. Read (its board and the board's export): office and leaders. Write (remind the
    units, publish the approved reports at once): the office. The role is checked before the id is looked
    up, so nobody else learns which tasks exist."""
    from newind.submissions.models import ReportingTask

    _require_signed_in(user)
    (TASKS_PAGE if write else TASK_BOARDS_PAGE).require(user)
    if isinstance(task, ReportingTask):
        return task
    found = ReportingTask.objects.filter(pk=task).first()
    if found is None:
        from newind.core.errors import not_found

        raise not_found("填报任务")
    return found


def require_task_issuer(user: Any) -> None:
    """Issuing a reporting task (and reminding units): the office."""
    _require_signed_in(user)
    TASKS_PAGE.require(user)


def require_publisher(user: Any) -> None:
    """Publishing approved reports and correcting published figures: the office."""
    _require_signed_in(user)
    RELEASE_PAGE.require(user)


def reporting_discipline_for(user: Any) -> None:
    """Every unit's reporting discipline over a year: office and leaders (as the boards)."""
    _require_signed_in(user)
    TASK_BOARDS_PAGE.require(user)


# --- targets -------------------------------------------------------------------------------------------------


def target_units_in_scope(user: Any, asked: Iterable[str] | None = None) -> list[str] | None:
    """The unit codes whose target progress the user sees (the page, its export, the API): `asked` (None:
    every unit) for the office and leaders; for a unit's people their units, and a 403 when `asked` names
    another unit."""
    TARGETS_PAGE.require(user)
    wanted = list(asked) if asked else None
    allowed = unit_codes_in_scope(user)
    if allowed is None:
        return wanted
    if wanted and set(wanted) - set(allowed):
        raise _forbidden("您只能查看本单位及下级单位的目标任务：请选择本单位。")
    return wanted or allowed


def targets_in_scope(user: Any, *, write: bool = False) -> QuerySet[Target]:
    """The targets the user may read (write: manage — enter, edit, import, delete, choose rules).

    Read: every target for the office and leaders, those of the user's units for a unit's people, none for
    others. Write: the office (and the command line) manages every target; anyone else gets a 403.
    """
    from newind.targets.models import Target

    if write:
        TARGETS_MANAGE_PAGE.require(user)
        return Target.objects.all()
    if not TARGETS_PAGE.allows(user):
        return Target.objects.none()
    codes = unit_codes_in_scope(user)
    return Target.objects.all() if codes is None else Target.objects.filter(unit__code__in=codes)


def target_for(user: Any, target: Target | int, *, write: bool = False) -> Target:
    """One target. Write (edit, delete): the office, 403 for others. Read: a target outside the user's
    scope is a 404, as one that does not exist."""
    from newind.targets.models import Target

    if write:
        TARGETS_MANAGE_PAGE.require(user)
    pk = target.pk if isinstance(target, Target) else target
    found = targets_in_scope(user, write=write).filter(pk=pk).first()
    if found is None:
        from newind.core.errors import not_found

        raise not_found("该目标任务")
    return found


# --- reports and forecasts ----------------------------------------------------------------------------------


def report_for(user: Any) -> None:
    """The monthly dispatch report and the monthly overview behind it (download, API): office and leaders,
    and the command line (`newind report monthly`)."""
    _require_signed_in(user)
    REPORT_PAGE.require(user)


# --- the audit log -----------------------------------------------------------------------------------------------


def audit_log_for(user: Any) -> QuerySet[AuditEntry]:
    """The audit log (read, export, verify): the 审计员, and the command line (`newind audit verify`).
    Nobody writes it except newind.audit.services.record."""
    from newind.audit.models import AuditEntry

    _require_signed_in(user)
    AUDIT_PAGE.require(user)
    return AuditEntry.objects.all()


# --- background jobs (newind.jobs) ---------------------------------------------------------------------


def _job_audiences(user: Any) -> set[str]:
    """Whose background-job runs the user sees: the office sees every run, the security admin only the
    security jobs (backup, accounts), everyone else none (三员分立: the others read no operations data)."""
    role = role_of(user)
    if role == Role.OFFICE:
        return {"office", "security"}
    if role == Role.SECADMIN:
        return {"security"}
    return set()


job_audiences = _job_audiences  # (the earlier name)

_JOB_REFUSED = "您没有权限查看或运行该后台任务：业务任务仅限市新型工业化办公室，备份与账号任务仅限办公室和安全管理员。"


def job_runs_for(user: Any) -> QuerySet[JobRun]:
    """The job runs the user may see (newest first): all for the office, the security jobs' for the
    security admin, none for anyone else."""
    from newind.jobs.models import JobRun

    return JobRun.objects.filter(audience__in=_job_audiences(user))


def jobs_in_scope(user: Any) -> list[Job]:
    """The registered jobs the user may see and run now."""
    from newind.jobs.registry import jobs

    audiences = _job_audiences(user)
    return [j for j in jobs() if j.audience in audiences]


def job_for(user: Any, name: str, *, write: bool = False) -> Job:
    """One registered job (write: run it now): those of the user's audiences; 403 for others."""
    from newind.jobs.registry import get_job

    job = get_job(name)
    if job.audience not in _job_audiences(user):
        raise _forbidden(_JOB_REFUSED)
    return job


def job_run_for(user: Any, run_id: int, *, write: bool = False) -> JobRun:
    """One job run (write: run it again): those of the user's audiences; 404 if there is none, 403 if it is
    another audience's."""
    from newind.jobs.models import JobRun

    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("找不到该后台任务运行记录：它可能已被清理，请刷新页面。")
    if run.audience not in _job_audiences(user):
        raise _forbidden(_JOB_REFUSED)
    return run


def require_job_audience(user: Any, audience: str) -> None:
    """Raise Forbidden unless the user may see (and re-run) jobs of this audience."""
    if audience not in _job_audiences(user):
        raise _forbidden(_JOB_REFUSED)


# --- accounts: the 三员's own objects ------------------------------------------------------------------------


def login_sessions_for(user: Any, *, write: bool = False) -> QuerySet[Any]:
    """The signed-in sessions (write: end one): the 安全管理员."""
    from newind.accounts.models import LoginSession

    SESSIONS_PAGE.require(user)
    return LoginSession.objects.all()


def role_change_requests_for(user: Any, *, write: bool = False) -> QuerySet[Any]:
    """Role changes that wait for a second person (write: confirm or reject): the 安全管理员."""
    from newind.accounts.models import RoleChangeRequest

    ROLE_REQUESTS_PAGE.require(user)
    return RoleChangeRequest.objects.all()


# --- enterprises (一企一档) ------------------------------------------------------------------------------
# Added at the end of the file to ease merging. Who sees which firm's registry page:
# - office and leaders: every firm; reporters and reviewers: the firms of their unit (its admin descendants);
# - an enterprise user: only its own firm (the unit on its profile); everyone else: none.
# Registry changes are the office's (imports); `write=True` also lets a firm's own user in, for what the
# firm itself fills in later (填报, 异议).

ENTERPRISES_PAGE = PageAccess("企业档案", BUSINESS_ROLES)
ENTERPRISE_IMPORT_PAGE = PageAccess("企业名录导入", _roles("office"))
PARKS_PAGE = PageAccess("园区排名", _roles("office", "leader", "reporter", "reviewer"))


def enterprises_in_scope(user: Any) -> QuerySet[Any]:
    """The enterprise profiles this user may open (a queryset, filtered in the database)."""
    from newind.enterprises.models import EnterpriseProfile

    profiles = EnterpriseProfile.objects.all()
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return profiles
    if role not in SCOPED_ROLES:
        return profiles.none()
    if role == Role.ENTERPRISE:
        # Its own firm only, even if the account was (wrongly) tied to a county rather than to the firm.
        profile = _profile(user)
        return profiles.filter(unit_id=profile.unit_id) if profile is not None and profile.unit_id else profiles.none()
    return profiles.filter(unit_id__in=scope_unit_ids(user) or set())


def own_enterprise(user: Any) -> Any:
    """An enterprise user's own firm (its profile), None for every other user; the registry list takes an
    enterprise user straight there. An enterprise account not yet tied to a firm is a 404 with the reason."""
    if role_of(user) != Role.ENTERPRISE:
        return None
    own = enterprises_in_scope(user).first()
    if own is None:
        raise NotFound("您的账号尚未关联企业档案：请联系市新型工业化领导小组办公室。")
    return own


def enterprise_for(user: Any, profile_id: int, write: bool = False) -> Any:
    """The enterprise profile with this id if the user may read (or, with write=True, change) it; else a
    403 AppError (404 when there is no such firm, told only to those who could see it)."""
    from newind.enterprises.models import EnterpriseProfile

    role = role_of(user)
    if role is None or role in ADMIN_ROLES:
        label = role.label if role else "未分配角色"
        raise _forbidden(f"您的角色（{label}）不能查看企业档案：请使用业务账号访问。")
    try:
        profile = enterprises_in_scope(user).select_related("unit", "county", "park").get(pk=int(profile_id))
    except (EnterpriseProfile.DoesNotExist, ValueError, TypeError):
        if role in {Role.OFFICE, Role.LEADER}:
            raise NotFound("未找到该企业：请检查链接，或在企业档案中按名称、统一社会信用代码搜索。") from None
        raise _forbidden("您没有权限查看该企业的档案：企业用户只能查看本企业，县市区用户只能查看本地企业。"
                         + _CONTACT) from None
    if write and role != Role.OFFICE and not (role == Role.ENTERPRISE and _profile(user).unit_id == profile.unit_id):
        raise _forbidden(f"您没有权限修改「{profile.unit.name}」的档案：企业档案由市新型工业化办公室维护。{_CONTACT}")
    return profile


# --- 亩均 evaluation results (mujun) ------------------------------------------------------------------------
# Added at the end of the file to ease merging. Office and leaders read every result; reporters and
# reviewers those of the firms in their unit; an enterprise user only its own firm's. Writing (confirm,
# objection) is the firm's own account's; the office's steps are checked by mujun.calc.RUN_TRANSITIONS.

MUJUN_PAGE = PageAccess("亩均评价", _roles("office", "leader", "reporter", "reviewer", "enterprise"))
# Every firm's result, the open objections and the 公示 exports: the office and the city leaders.
MUJUN_ALL_PAGE = PageAccess("亩均评价（全部企业、公示名单与文件）", _roles("office", "leader"))


def mujun_runs_in_scope(user: Any) -> QuerySet[Any]:
    """The evaluation runs (versions) the user may open: every run for office and leaders; for a unit's
    people and a firm the runs that hold a result they may read; none for the 三员."""
    from newind.mujun.models import EvaluationRun

    runs = EvaluationRun.objects.select_related("scope")
    if MUJUN_ALL_PAGE.allows(user):
        return runs
    return runs.filter(pk__in=mujun_results_in_scope(user).values("run_id"))


def mujun_run_for(user: Any, run_id: int, *, write: bool = False) -> Any:
    """One evaluation run. Read: as `mujun_runs_in_scope` (404 when missing or out of scope, so a run's
    existence is not told). Write (the workflow's steps): the office and the leaders reach the transition
    table, which says who takes each step (a 403 or 409 there); everyone else is refused here."""
    if write:
        MUJUN_ALL_PAGE.require(user)
    run = mujun_runs_in_scope(user).filter(pk=int(run_id)).first()
    if run is None:
        raise NotFound("未找到该评价，或您没有权限查看：请从亩均评价的列表中打开。")
    return run


def mujun_workflow_role(user: Any) -> str | None:
    """The user's role as the 亩均 workflow's transition table names it (mujun.calc), None without one."""
    role = role_of(user)
    return str(role.value) if role is not None else None


def own_mujun_result(user: Any) -> Any:
    """An enterprise user's latest result (its firm card), None for every other user; a 404 with the
    reason for an enterprise user whose firm has no result yet."""
    if role_of(user) != Role.ENTERPRISE:
        return None
    own = mujun_results_in_scope(user).order_by("-run__year", "-run__version").first()
    if own is None:
        raise NotFound("本企业暂无亩均效益评价结果。")
    return own


def mujun_results_in_scope(user: Any) -> QuerySet[Any]:
    """The firm results this user may read (a queryset, filtered in the database)."""
    from newind.mujun.models import FirmResult

    results = FirmResult.objects.all()
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return results
    if role not in SCOPED_ROLES:
        return results.none()
    if role == Role.ENTERPRISE:
        profile = _profile(user)
        return results.filter(unit_id=profile.unit_id) if profile is not None and profile.unit_id else results.none()
    return results.filter(unit_id__in=scope_unit_ids(user) or set())


def mujun_result_for(user: Any, result_id: int, write: bool = False) -> Any:
    """The firm result with this id if the user may read it (write=True: the office, or the firm's own
    account); else a 403 AppError (404 to those who could see every result)."""
    from newind.mujun.models import FirmResult

    role = role_of(user)
    try:
        result = mujun_results_in_scope(user).select_related("run", "unit").get(pk=int(result_id))
    except (FirmResult.DoesNotExist, ValueError, TypeError):
        if role in {Role.OFFICE, Role.LEADER}:
            raise NotFound("未找到该评价结果：请从亩均评价的名单中打开企业。") from None
        raise _forbidden("您没有权限查看该企业的评价结果：企业用户只能查看本企业。" + _CONTACT) from None
    if write and role != Role.OFFICE and not (role == Role.ENTERPRISE and _profile(user).unit_id == result.unit_id):
        raise _forbidden(f"您没有权限修改「{result.name}」的评价结果。{_CONTACT}")
    return result


# --- 亩均: 企业填报 and the year's flags (mujun) ---------------------------------------------------------------
# Added at the end of the file to ease merging. A firm's filing page is read by whoever may read its result;
# only the firm's own account saves it (the stage, 企业填报, is checked by mujun.services). The flags upload
# (否决/保护/不参评) is the office's.

MUJUN_FLAGS_PAGE = PageAccess("亩均年度标记导入", _roles("office"))


def mujun_filing_for(user: Any, result_id: int, *, write: bool = False) -> Any:
    """The firm result whose 企业填报 page this is. Read: as `mujun_result_for` (office and leaders every
    firm, a unit's people their firms, a firm its own). Write (saving the figures): the firm's own account
    only, never the office (it corrects figures through their history pages); else a 403 naming why."""
    result = mujun_result_for(user, result_id)
    if write and not (role_of(user) == Role.ENTERPRISE and _profile(user).unit_id == result.unit_id):
        raise _forbidden(f"「{result.name}」的企业填报只能由该企业本单位账号提交。{_CONTACT}")
    return result
