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
    "ACCOUNTABILITY_PAGE",
    "ACCOUNTABILITY_MANAGE_PAGE",
    "accountability_entries_in_scope",
    "accountability_entry_for",
    "ALERTS_PAGE",
    "alerts_in_scope",
    "alert_for",
    "alert_subscriptions_for",
    "SUPERVISION_PAGE",
    "SUPERVISION_MANAGE_PAGE",
    "meetings_in_scope",
    "meeting_for",
    "supervision_tasks_in_scope",
    "LEADERS_PAGE",
    "ASSESSMENT_PAGE",
    "ASSESSMENT_MANAGE_PAGE",
    "assessment_runs_in_scope",
    "assessment_run_for",
    "objection_unit_for",
    "PROJECT_LEAGUE_PAGE",
    "PROJECT_PROBLEM_PAGE",
    "PROJECT_CHECK_PAGE",
    "PROJECT_CAMPAIGNS_PAGE",
    "AUDIT_PAGE",
    "BACKTEST_PAGE",
    "BACKTEST_RUN",
    "BENCHMARK_PAGE",
    "CASES_PAGE",
    "CASE_FILE_PAGE",
    "CASE_INBOX_PAGE",
    "CASE_METRICS_PAGE",
    "COMMAND_LINE",
    "DASHBOARD_PAGE",
    "ENTERPRISES_PAGE",
    "ENTERPRISE_IMPORT_PAGE",
    "FUNDING_EDIT_PAGE",
    "FUNDING_PAGE",
    "IMPORT_PAGE",
    "JOBS_PAGE",
    "LOCKOUTS_PAGE",
    "MUJUN_ALL_PAGE",
    "MUJUN_PAGE",
    "MY_APPEALS_PAGE",
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
    "case_filing_firm",
    "case_filing_firms",
    "case_for",
    "case_role",
    "cases_in_scope",
    "case_metrics_scope",
    "enterprise_for",
    "enterprises_in_scope",
    "figure_history_for",
    "funding_item_for",
    "funding_items_in_scope",
    "funding_owner_units",
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
    # pairing (包联) and visits
    "PAIRINGS_PAGE",
    "PAIRING_GAPS_PAGE",
    "PAIRING_IMPORT_PAGE",
    "pairing_for",
    "pairings_in_scope",
    "visit_for",
    "visits_in_scope",
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
    # policies (惠企政策), matches and payouts
    "PAYOUTS_PAGE",
    "POLICIES_MANAGE_PAGE",
    "POLICIES_PAGE",
    "own_policy_firm",
    "payout_for",
    "payout_policies_for",
    "payouts_in_scope",
    "policies_in_scope",
    "policy_eligible_for",
    "policy_for",
    "policy_matches_for",
    # major projects: the registry list, a project's page and the workbook import
    "PROJECTS_PAGE",
    "PROJECT_IMPORT_PAGE",
    "project_for",
    "projects_in_scope",
    # reform and action task lists
    "REFORM_IMPORT_PAGE",
    "REFORM_PAGE",
    "reform_task_for",
    "reform_tasks_in_scope",
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
    if role not in BUSINESS_ROLES:  # the 三员, no role, and a 市直部门用户 (cases only) read no figures
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


# --- 向上争取 items (funding) ------------------------------------------------------------------------------
# The office and the leaders see every item; a department, county or park sees the items its unit owns
# (responsible unit within its scope). Writing: the office, and the owner unit's own department, reporter or
# reviewer accounts (they keep their items current); leaders read; enterprises and the 三员 see none.

FUNDING_PAGE = PageAccess("向上争取", _roles("office", "leader", "department", "reporter", "reviewer"))
# Registering a new item: the office and the units that own items.
FUNDING_EDIT_PAGE = PageAccess("登记向上争取事项", _roles("office", "department", "reporter", "reviewer"))


def funding_items_in_scope(user: Any) -> QuerySet[Any]:
    """The 向上争取 items the user may read (a queryset, filtered in the database)."""
    from newind.funding.models import Opportunity

    items = Opportunity.objects.select_related("owner_unit")
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return items
    if role not in FUNDING_PAGE.roles:
        return items.none()
    return items.filter(owner_unit_id__in=scope_unit_ids(user) or set())


def funding_owner_units(user: Any) -> set[int] | None:
    """The units this user may name as an item's responsible unit: None = any (the office); else its scope."""
    if role_of(user) == Role.OFFICE:
        return None
    if not FUNDING_EDIT_PAGE.allows(user):
        return set()
    return scope_unit_ids(user) or set()


def funding_item_for(user: Any, item_id: int, *, write: bool = False) -> Any:
    """One 向上争取 item if the user may read it: else a 404 for everyone (its existence is not told). With
    write=True (change it): a 403 for anyone who may not change it, whether or not they could read it."""
    from newind.funding.models import Opportunity

    if write:
        FUNDING_EDIT_PAGE.require(user)
        item = Opportunity.objects.select_related("owner_unit").filter(pk=_int_or_none(item_id)).first()
        owners = funding_owner_units(user)
        if item is None or (owners is not None and item.owner_unit_id not in owners):
            raise _forbidden(f"您没有权限修改该向上争取事项：事项由责任单位和市新型工业化办公室维护。{_CONTACT}")
        return item
    item = funding_items_in_scope(user).filter(pk=_int_or_none(item_id)).first()
    if item is None:
        raise NotFound("未找到该向上争取事项，或它不属于您单位：请从向上争取清单中打开。")
    return item


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- cases: firms' appeals (企业诉求), 督办事项, 项目问题 (newind.cases) ------------------------------------------
# Added at the end of the file to ease merging. Who sees which case (issue 11 §2):
# - the office (市新型工业化办公室) reads and writes every case; a leader reads every case, and may write
#   (reach the transition table, which lets a leader only assign and decide extensions — 领导批示);
# - a firm (企业用户, its unit the enterprise) reads and writes (rates, adds material to) the cases whose
#   concerned unit is its own firm, and files appeals for itself only;
# - a department (市直部门用户, its unit a 市直部门) reads and writes only the cases it leads or co-handles;
# - reporters and reviewers (counties) see no cases (their firms' appeals go to the office and departments;
#   this can be widened to read-only later, here only); the 三员 see none (三员分立); no role: none.
# A case outside one's scope is a 404 to a firm or department, as if it did not exist; the 三员 and others
# get a 403 naming why. What each role may do in each state is cases.calc.TRANSITIONS (403/409 there).

CASES_PAGE = PageAccess("企业诉求", _roles("office", "leader"))
MY_APPEALS_PAGE = PageAccess("我的诉求", _roles("enterprise"))
CASE_INBOX_PAGE = PageAccess("承办事项", _roles("department"))
CASE_FILE_PAGE = PageAccess("提交诉求", _roles("office", "enterprise"))
_CASE_READERS = _roles("office", "leader", "enterprise", "department")
_CASE_NOT_FOUND = "未找到该事项，或您没有权限查看：企业只能查看本企业的诉求，承办单位只能查看交办给本单位的事项。"


def _own_unit_id(user: Any) -> int | None:
    profile = _profile(user)
    return profile.unit_id if profile is not None else None


def cases_in_scope(user: Any, kind: str | None = None) -> QuerySet[Any]:
    """The cases the user may read (a queryset, filtered in the database), of one kind if given."""
    from newind.cases.models import Case

    cases = Case.objects.all() if kind is None else Case.objects.filter(kind=kind)
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return cases
    unit_id = _own_unit_id(user) if role in {Role.ENTERPRISE, Role.DEPARTMENT} else None
    if unit_id is None:
        return cases.none()
    if role == Role.ENTERPRISE:
        return cases.filter(concerned_unit_id=unit_id)
    co_handled = Case.co_units.through.objects.filter(unit_id=unit_id).values("case_id")
    return cases.filter(Q(lead_unit_id=unit_id) | Q(pk__in=co_handled))


def case_for(user: Any, case: Any, *, write: bool = False) -> Any:
    """One case (an id or a Case) if the user may read it — or, with write=True, act on it (the transition
    table then says which actions): 404 when missing or outside a firm's or department's scope, 403 for
    roles that see no cases."""
    from newind.cases.models import Case

    _require_signed_in(user)
    role = role_of(user)
    if role not in _CASE_READERS:
        label = role.label if role else "未分配角色"
        raise _forbidden(f"您的角色（{label}）不能查看企业诉求和督办事项：诉求由企业、承办单位和市新型工业化办公室办理。{_CONTACT}")
    pk = case.pk if isinstance(case, Case) else case
    try:
        found = cases_in_scope(user).select_related("concerned_unit", "lead_unit").get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_CASE_NOT_FOUND) from None
    return found


def case_role(user: Any, case: Any) -> str | None:
    """The user's role in this case (cases.choices.CaseRole value) for cases.calc.step: the firm concerned,
    the lead unit, a co-handler, the office or a leader; None for anyone else. Call after `case_for`."""
    from newind.cases.choices import CaseRole

    role = role_of(user)
    if role == Role.OFFICE:
        return str(CaseRole.OFFICE)
    if role == Role.LEADER:
        return str(CaseRole.LEADER)
    unit_id = _own_unit_id(user) if role in {Role.ENTERPRISE, Role.DEPARTMENT} else None
    if unit_id is None:
        return None
    if role == Role.ENTERPRISE and case.concerned_unit_id == unit_id:
        return str(CaseRole.FIRM)
    if role == Role.DEPARTMENT:
        if case.lead_unit_id == unit_id:
            return str(CaseRole.LEAD)
        if case.co_units.filter(pk=unit_id).exists():
            return str(CaseRole.CO_HANDLER)
    return None


def case_filing_firms(user: Any) -> QuerySet[Any]:
    """The firms (enterprise units) the user may file an appeal for: every firm in the registry for the
    office (on a firm's behalf), its own firm for a firm's user, none for anyone else."""
    from newind.units.models import Unit

    firms = Unit.objects.filter(kind="enterprise")
    role = role_of(user)
    if role == Role.OFFICE:
        return firms
    if role == Role.ENTERPRISE:
        unit_id = _own_unit_id(user)
        return firms.filter(pk=unit_id) if unit_id is not None else firms.none()
    return firms.none()


def case_filing_firm(user: Any, firm: Any = None) -> Any:
    """The firm an appeal is filed for: a firm's user files for its own firm (naming another firm is a 403);
    the office names the firm (a unit id or code; 404 when not in the registry); others get a 403."""
    _require_signed_in(user)
    CASE_FILE_PAGE.require(user)
    firms = case_filing_firms(user)
    if role_of(user) == Role.ENTERPRISE:
        own = firms.first()
        if own is None:
            raise _forbidden("您的账号尚未关联企业：请联系市新型工业化领导小组办公室。")
        if firm not in (None, "") and str(firm) not in {str(own.pk), own.code}:
            raise _forbidden("企业用户只能为本企业提交诉求。")
        return own
    if firm in (None, ""):
        raise AppError("请选择代为提交诉求的企业（从企业名录中选择）。")
    text = str(firm).strip()
    found = firms.filter(Q(code=text) | Q(pk=int(text)) if text.isdigit() and len(text) < 10 else Q(code=text)).first()
    if found is None:
        raise NotFound(f"企业名录中没有「{text}」：请从名录中选择企业，或先由办公室导入企业名录。")
    return found
# --- case metrics and the overdue list (cases, issue 11) ------------------------------------------------------
# Added at the end of the file to ease merging. The metrics and the overdue list (pages, Excel, JSON) cover
# every lead unit for the office and the leaders (and the command line: benchmarks), only its own unit for a
# city department (Role.DEPARTMENT, its profile's unit is the department), nothing for anyone else. The
# per-case access (cases_in_scope / case_for) is a separate function of the appeals work.

CASE_METRICS_PAGE = PageAccess("事项统计与逾期", _roles("office", "leader", "department"))


def case_metrics_scope(user: Any, unit: int | None = None) -> set[int] | None:
    """The lead-unit ids whose cases the user's metrics and overdue list cover: None for every unit (office,
    leaders, the command line), the own department unit for a department user, an empty set for everyone
    else. `unit` is the lead unit asked for (a page's or the API's `unit` parameter): the answer is then that
    unit alone, and a 403 when it lies outside the user's scope (an edited parameter opens nothing)."""
    if _is_command_line(user):
        scope: set[int] | None = None
    else:
        role = role_of(user)
        if role in {Role.OFFICE, Role.LEADER}:
            scope = None
        elif role == Role.DEPARTMENT:
            profile = _profile(user)
            scope = {int(profile.unit_id)} if profile is not None and profile.unit_id else set()
        else:
            scope = set()
    if unit is None:
        return scope
    if scope is not None and int(unit) not in scope:
        raise _forbidden("您只能查看本部门牵头承办事项的统计和逾期清单：请选择本部门。")
    return {int(unit)}


# --- pairing (包联) and visits ------------------------------------------------------------------------------
# Added at the end of the file to ease merging. Office and leaders read every pairing and visit (and the
# gaps page); an official who has a platform account reads their own pairings and logs visits for them; a
# firm's user reads who is paired with its firm and the visits (read only); everyone else sees none. The
# pairing list (import) and key-firm marks are the office's (and the command line's: `newind pairing`).

# Officials are often department people (市直部门用户): they open their own pairings here, nothing else of it.
PAIRINGS_PAGE = PageAccess("包联走访", BUSINESS_ROLES | _roles("department"))
PAIRING_GAPS_PAGE = PageAccess("包联走访缺口", _roles("office", "leader"))
PAIRING_IMPORT_PAGE = PageAccess("包联名单导入", _roles("office"), command_line=True)
_PAIRING_REFUSED = ("您没有权限查看或记录该包联企业的走访：包联干部只能查看和记录本人包联的企业，企业用户只能查看本企业的包联干部和走访记录。"
                    + _CONTACT)


def pairings_in_scope(user: Any) -> QuerySet[Any]:
    """The pairings this user may read: all for office, leaders and the command line; an official's own
    (their platform account is on the official); a firm's user its firm's; none for the others."""
    from newind.pairing.models import Pairing

    pairings = Pairing.objects.all()
    if _is_command_line(user):
        return pairings
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return pairings
    if role is None or role in ADMIN_ROLES:
        return pairings.none()
    if role == Role.ENTERPRISE:
        profile = _profile(user)
        return pairings.filter(firm_id=profile.unit_id) if profile is not None and profile.unit_id else pairings.none()
    return pairings.filter(official__user=user)


def _may_log_visits(user: Any, pairing: Any) -> bool:
    if _is_command_line(user):
        return True
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role is None or role in ADMIN_ROLES or role in {Role.LEADER, Role.ENTERPRISE}:
        return False
    return bool(pairing.official.user_id == user.pk)


def _exists(model: Any, pk: Any) -> bool:
    return str(pk).isdigit() and model.objects.filter(pk=int(pk)).exists()


def pairing_for(user: Any, pairing: Any, *, write: bool = False) -> Any:
    """One pairing. Read: as `pairings_in_scope`. Write (log a visit under it): the office, the command line,
    and the official themself. A refusal is a 403; a pairing that does not exist is a 404."""
    from newind.pairing.models import Pairing

    _require_signed_in(user)
    pk = pairing.pk if isinstance(pairing, Pairing) else pairing
    try:
        found = pairings_in_scope(user).select_related("official", "firm").get(pk=int(pk))
    except (Pairing.DoesNotExist, ValueError, TypeError):
        if _exists(Pairing, pk):
            raise _forbidden(_PAIRING_REFUSED) from None
        raise NotFound("未找到该包联关系：请从包联走访的列表中打开。") from None
    if write and not _may_log_visits(user, found):
        raise _forbidden("您只能查看该包联企业的走访记录，不能记录或修改：走访由包联干部本人或市新型工业化办公室记录。")
    return found


def visits_in_scope(user: Any) -> QuerySet[Any]:
    """The visits this user may read: those of the pairings in `pairings_in_scope`."""
    from newind.pairing.models import Visit

    return Visit.objects.filter(pairing__in=pairings_in_scope(user))


def visit_for(user: Any, visit: Any, *, write: bool = False) -> Any:
    """One visit. Read: as `visits_in_scope`. Write (turn a problem found into an appeal): the office, the
    command line and the pairing's official. A refusal is a 403; a visit that does not exist is a 404."""
    from newind.pairing.models import Visit

    _require_signed_in(user)
    pk = visit.pk if isinstance(visit, Visit) else visit
    try:
        found = visits_in_scope(user).select_related("pairing", "official", "firm").get(pk=int(pk))
    except (Visit.DoesNotExist, ValueError, TypeError):
        if _exists(Visit, pk):
            raise _forbidden(_PAIRING_REFUSED) from None
        raise NotFound("未找到该走访记录：请从包联企业的页面中打开。") from None
    if write and not _may_log_visits(user, found.pairing):
        raise _forbidden("您只能查看该走访记录，不能转办其中的问题：由包联干部本人或市新型工业化办公室转为诉求。")
    return found


# --- policies (惠企政策), matches and payouts (兑现) -----------------------------------------------------------
# Added at the end of the file to ease merging. Who reads what:
# - the office reads and writes every policy and payout; leaders read every policy, match and payout;
# - every business user reads the published policies; a department (市直部门) user also reads the policies its
#   unit executes (drafts and withdrawn ones too), sees their eligible firms and records their payouts;
# - a firm sees its own matches and payouts; a county's people those of their firms (as the registry);
# - the 三员 see none of it; the command line (newind policies …) reads and writes everything.

# A department (市直部门用户) reads the published policies and the ones its unit executes.
POLICIES_PAGE = PageAccess("惠企政策", BUSINESS_ROLES | _roles("department"), command_line=True)
POLICIES_MANAGE_PAGE = PageAccess("政策管理", _roles("office"), command_line=True)
PAYOUTS_PAGE = PageAccess("政策兑现", _roles("office", "leader", "department"), command_line=True)


def _department_unit_id(user: Any) -> int | None:
    """The unit of a department user (None for everyone else)."""
    if role_of(user) != Role.DEPARTMENT:
        return None
    profile = _profile(user)
    return profile.unit_id if profile is not None else None


def policies_in_scope(user: Any) -> QuerySet[Any]:
    """The policies the user may read: all for office, leaders and the command line; the published ones for
    every other business user, plus, for a department user, those its unit executes; none otherwise."""
    from newind.policies.models import Policy

    policies = Policy.objects.all()
    if _is_command_line(user) or role_of(user) in {Role.OFFICE, Role.LEADER}:
        return policies
    if not POLICIES_PAGE.allows(user):
        return policies.none()
    dept = _department_unit_id(user)
    published = Q(status="published")
    return policies.filter(published | Q(department_id=dept)) if dept else policies.filter(published)


def policy_for(user: Any, policy: Any, *, write: bool = False) -> Any:
    """One policy (by id, code or object). Read: as `policies_in_scope`, a 404 outside it (a draft's existence
    is not told). Write (create, edit, publish, withdraw): the office and the command line, 403 for others."""
    from newind.policies.models import Policy

    _require_signed_in(user)
    if write:
        POLICIES_MANAGE_PAGE.require(user)
    if isinstance(policy, Policy):
        policy = policy.pk
    scope = policies_in_scope(user)
    found = scope.filter(code=policy).first() if isinstance(policy, str) and not policy.isdigit() else \
        scope.filter(pk=int(policy)).first()
    if found is None:
        raise NotFound("未找到该政策，或该政策尚未发布：请从惠企政策列表中打开。")
    return found


def policy_eligible_for(user: Any, policy: Any) -> Any:
    """A policy's eligible firms (the list and its Excel export): office, leaders and the command line for
    every policy; a department user for the policies its unit executes; 403 for others."""
    refused = _forbidden("符合条件的企业名单仅限市新型工业化办公室、市领导和该政策的执行部门查看。" + _CONTACT)
    if _is_command_line(user) or role_of(user) in {Role.OFFICE, Role.LEADER}:
        return policy_for(user, policy)
    dept = _department_unit_id(user)
    if dept is None:
        raise refused  # (before the lookup: the others learn nothing about which policies exist)
    found = policy_for(user, policy)
    if found.department_id != dept:
        raise refused
    return found


def policy_matches_for(user: Any, firm_id: int) -> Any:
    """The firm (its registry profile, by unit id) whose policy matches the user may read: a firm only its
    own, a county's people their firms, office, leaders and the command line every firm; else a 403
    (404 for a missing firm, told only to those who see every firm)."""
    from newind.enterprises.models import EnterpriseProfile

    _require_signed_in(user)
    everyone = _is_command_line(user) or role_of(user) in {Role.OFFICE, Role.LEADER}
    profiles = EnterpriseProfile.objects.all() if everyone else enterprises_in_scope(user)
    try:
        found = profiles.select_related("unit", "county").filter(unit_id=int(firm_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        if everyone:
            raise NotFound("未找到该企业：请检查统一社会信用代码。")
        raise _forbidden("您只能查看本企业（或本地企业）的政策匹配结果。" + _CONTACT)
    return found


def own_policy_firm(user: Any) -> Any:
    """An enterprise user's own firm for its matches page; None for every other user (and for an enterprise
    account not yet tied to a firm, which then looks a firm up like everyone else and is refused)."""
    if role_of(user) != Role.ENTERPRISE:
        return None
    return enterprises_in_scope(user).first()


def payout_policies_for(user: Any) -> QuerySet[Any]:
    """The policies whose payouts the user may record (form, import): every policy for the office and the
    command line, those its unit executes for a department user, none for anyone else."""
    from newind.policies.models import Policy

    if _is_command_line(user) or role_of(user) == Role.OFFICE:
        return Policy.objects.all()
    dept = _department_unit_id(user)
    return Policy.objects.filter(department_id=dept) if dept else Policy.objects.none()


def payouts_in_scope(user: Any) -> QuerySet[Any]:
    """The payouts the user may read: all for office, leaders and the command line; a department's for the
    policies its unit executes; a firm's own; a county's people their firms'; none for the 三员."""
    from newind.policies.models import Payout

    payouts = Payout.objects.all()
    if _is_command_line(user) or role_of(user) in {Role.OFFICE, Role.LEADER}:
        return payouts
    dept = _department_unit_id(user)
    if dept is not None:
        return payouts.filter(policy__department_id=dept)
    if role_of(user) not in SCOPED_ROLES:
        return payouts.none()
    return payouts.filter(firm_id__in=enterprises_in_scope(user).values("unit_id"))


def payout_for(user: Any, payout_id: int, *, write: bool = False) -> Any:
    """One payout. Read: as `payouts_in_scope` (404 outside it). Write (correct, delete): the office, or a
    department user for the policies its unit executes; 403 for others."""

    _require_signed_in(user)
    refused = _forbidden("兑现记录由市新型工业化办公室和政策执行部门登记、更正。" + _CONTACT)
    writable = payout_policies_for(user)
    if write and not writable.exists():
        raise refused  # (before the lookup: who records no payouts learns nothing about them)
    try:
        found = payouts_in_scope(user).select_related("policy", "firm").filter(pk=int(payout_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("未找到该兑现记录：请从政策兑现列表中打开。")
    if write and not writable.filter(pk=found.policy_id).exists():
        raise refused
    return found


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


# --- major projects (projects) --------------------------------------------------------------------------------
# Added at the end of the file to ease merging. The office and leaders read every project; a county's (or
# park's) reporters and reviewers the projects located in their unit; a department the projects it is the
# responsible unit of. Writing the registry (import, stage dates, stoppages, the 弄虚作假 flag) is the office's;
# a county's reporters record their projects' stages (with evidence); monthly progress goes through the
# submission (submission_for), not through here.

PROJECTS_PAGE = PageAccess("重大项目", _roles("office", "leader", "reporter", "reviewer", "department"))
PROJECT_IMPORT_PAGE = PageAccess("项目导入", _roles("office"), command_line=True)
PROJECT_LEAGUE_PAGE = PageAccess("项目赛马", _roles("office", "leader", "reporter", "reviewer"), command_line=True)
# Handing a project's problem over to a department (a project_problem case) is the office's; the department
# then answers on the case pages (cases_in_scope / case_for, unchanged: a county sees no cases there).
PROJECT_PROBLEM_PAGE = PageAccess("项目问题交办", _roles("office"))
# The office's checks of a project: the review of a recorded 停工/复工 and the 弄虚作假 finding (−0.2 in the 赛马).
PROJECT_CHECK_PAGE = PageAccess("项目核查", _roles("office"))
# The campaigns (专项活动): every county's targets and progress, open to the office, leaders and the units' people
# (and `newind campaigns show`; loading the definition, `newind campaigns load`, is PROJECT_IMPORT_PAGE's).
PROJECT_CAMPAIGNS_PAGE = PageAccess("专项活动", _roles("office", "leader", "reporter", "reviewer"), command_line=True)


def projects_in_scope(user: Any) -> QuerySet[Any]:
    """The projects this user may open (a queryset, filtered in the database)."""
    from newind.projects.models import Project

    projects = Project.objects.all()
    role = role_of(user)
    if _is_command_line(user) or role in {Role.OFFICE, Role.LEADER}:
        return projects
    if role == Role.DEPARTMENT:
        unit_id = _own_unit_id(user)
        if not unit_id:
            return projects.none()
        # A department sees the projects it is responsible for and those whose problems it was handed, as the
        # lead or a co-handling unit (as cases_in_scope lets it open those cases).
        from newind.projects.models import ProjectProblem

        handed = ProjectProblem.objects.filter(Q(case__lead_unit_id=unit_id) | Q(case__co_units__id=unit_id)
                                               ).values("project_id")
        return projects.filter(Q(responsible_unit_id=unit_id) | Q(pk__in=handed))
    if role in {Role.REPORTER, Role.REVIEWER}:
        scope = scope_unit_ids(user) or set()
        return projects.filter(Q(county_id__in=scope) | Q(park_id__in=scope))
    return projects.none()


def project_for(user: Any, project_id: int, *, write: bool = False) -> Any:
    """The project with this id if the user may read (or, with write=True, change) it; else a 403 AppError
    (404 when there is no such project, told only to those who could see every project)."""
    from newind.projects.models import Project

    role = role_of(user)
    if role is None or role in ADMIN_ROLES:
        label = role.label if role else "未分配角色"
        raise _forbidden(f"您的角色（{label}）不能查看项目：请使用业务账号访问。")
    try:
        project = projects_in_scope(user).select_related("county", "park", "responsible_unit").get(
            pk=int(project_id))
    except (Project.DoesNotExist, ValueError, TypeError):
        if role in {Role.OFFICE, Role.LEADER}:
            raise NotFound("未找到该项目：请检查链接，或在重大项目列表中按名称、编号搜索。") from None
        raise _forbidden("您没有权限查看该项目：县市区、园区用户只能查看本地项目，市直部门只能查看本单位负责或交办给本单位问题的项目。"
                         + _CONTACT) from None
    if write and not (role == Role.OFFICE or (role == Role.REPORTER and _in_scope(user, project.county_id))):
        raise _forbidden(f"您没有权限修改「{project.name}」：项目档案由市新型工业化办公室维护，"
                         f"县市区填报员可登记本地项目的阶段进展。{_CONTACT}")
    return project


# --- dispatch meetings and supervision tasks (supervision; issue 13 §1–2) ---------------------------------------
# Added at the end of the file to ease merging. The office records meetings, decisions and tasks and reviews
# 销号; leaders read every meeting and task (and act on a task's case as leaders: a 批示, the sign-off); a
# department sees its own tasks through the case pages (/cases/inbox/, case_for) and the task list of its unit;
# the units' reporters and reviewers, firms and the 三员 see none.

SUPERVISION_PAGE = PageAccess("调度与督办", _roles("office", "leader"), command_line=True)
SUPERVISION_MANAGE_PAGE = PageAccess("督办管理", _roles("office"), command_line=True)
_MEETING_NOT_FOUND = "未找到该会议：请检查链接，或从调度会议列表中打开。"


def meetings_in_scope(user: Any) -> QuerySet[Any]:
    """The dispatch meetings the user may read: all for the office, leaders and the command line."""
    from newind.supervision.models import Meeting

    if _is_command_line(user) or role_of(user) in {Role.OFFICE, Role.LEADER}:
        return Meeting.objects.all()
    return Meeting.objects.none()


def meeting_for(user: Any, meeting_id: Any, *, write: bool = False) -> Any:
    """One meeting if the user may read it (office, leaders) — or, with write=True, change it (the office):
    a 403 naming why for others, 404 when there is no such meeting."""
    from newind.supervision.models import Meeting

    (SUPERVISION_MANAGE_PAGE if write else SUPERVISION_PAGE).require(user)
    try:
        return meetings_in_scope(user).select_related("chair", "chair__unit").get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFound(_MEETING_NOT_FOUND) from None


def supervision_tasks_in_scope(user: Any) -> QuerySet[Any]:
    """The supervision tasks the user may read: all for the office and leaders (and the command line); a
    department its own unit's (the tasks whose case it leads or co-handles, as cases_in_scope); none else."""
    from newind.supervision.models import SupervisionTask

    if _is_command_line(user):
        return SupervisionTask.objects.all()
    if role_of(user) not in _CASE_READERS:
        return SupervisionTask.objects.none()
    return SupervisionTask.objects.filter(case__in=cases_in_scope(user, kind="supervision"))
# --- reform and action task lists (改革与行动任务; newind.reform) --------------------------------------------------
# The office and the leaders see every task; a department, county or park (department, reporter, reviewer)
# sees the tasks it leads (owner unit within its scope) or co-handles (a co-unit within its scope). Reporting a
# milestone done: the office, and the owner unit's own department/reporter/reviewer accounts; co-units and
# leaders read. Importing a task list: the office only. Enterprises and the 三员 see none.

REFORM_PAGE = PageAccess("改革任务", _roles("office", "leader", "department", "reporter", "reviewer"))
REFORM_IMPORT_PAGE = PageAccess("导入改革任务清单", _roles("office"))
_REFORM_WRITERS = _roles("office", "department", "reporter", "reviewer")


def reform_tasks_in_scope(user: Any) -> QuerySet[Any]:
    """The reform tasks the user may read (a queryset, filtered in the database)."""
    from newind.reform.models import ReformTask

    tasks = ReformTask.objects.select_related("task_set", "owner_unit")
    role = role_of(user)
    if role in {Role.OFFICE, Role.LEADER}:
        return tasks
    if role not in REFORM_PAGE.roles:
        return tasks.none()
    scope = scope_unit_ids(user) or set()
    co = ReformTask.co_units.through.objects.filter(unit_id__in=scope).values("reformtask_id")
    return tasks.filter(Q(owner_unit_id__in=scope) | Q(pk__in=co))


def reform_task_for(user: Any, task: Any, *, write: bool = False) -> Any:
    """One reform task if the user may read it: else a 404 for everyone (its existence is not told). With
    write=True (report its milestones): a 403 for anyone but the office and the owner unit's own accounts,
    whether or not they could read it."""
    from newind.reform.models import ReformTask

    task_id = _int_or_none(getattr(task, "pk", task))
    if write:
        found = ReformTask.objects.select_related("task_set", "owner_unit").filter(pk=task_id).first()
        role = role_of(user)
        if found is None or not (role == Role.OFFICE or (
                role in _REFORM_WRITERS and _in_scope(user, found.owner_unit_id))):
            raise _forbidden("您没有权限报告该任务的节点完成情况：由牵头单位报告，配合单位和市领导只能查看。" + _CONTACT)
        return found
    found = reform_tasks_in_scope(user).filter(pk=task_id).first()
    if found is None:
        raise NotFound("未找到该改革任务，或它不属于您单位：请从改革任务清单中打开。")
    return found
# --- leaders' own responsibility (issue 13 §5) ------------------------------------------------------------
# The heads' records (meetings chaired, tasks instructed, sign-offs, red lights followed) are read by the office
# that assesses and by the city leaders; a county reads its own head's row in the assessment, not this page.
LEADERS_PAGE = PageAccess("主要领导履责", _roles("office", "leader"), command_line=True)


# --- assessment: annual assessment and quarterly review (issue 13 §4) ----------------------------------------
# The office runs schemes, opens the 公示, decides objections and publishes; city leaders read every run. A
# county, park or department (its reporter, reviewer or department account) reads the runs that have been made
# known — in 公示 or published, in full, since a 公示 is public to those assessed — never a draft, and files an
# objection for its own unit during the 公示. Firms and the 三员 see none.

ASSESSMENT_PAGE = PageAccess("考核评价", _roles("office", "leader", "department", "reporter", "reviewer"),
                             command_line=True)
ASSESSMENT_MANAGE_PAGE = PageAccess("考核管理", _roles("office"), command_line=True)
_ASSESSMENT_NOT_FOUND = "未找到该考核结果，或它尚未公示：请从考核评价列表中打开。"


def assessment_runs_in_scope(user: Any) -> QuerySet[Any]:
    """The assessment runs the user may read: every run for the office, leaders and the command line; the runs
    in 公示 or published for the units' accounts; none for others."""
    from newind.assessment.choices import RunStatus
    from newind.assessment.models import AssessmentRun

    role = role_of(user)
    if _is_command_line(user) or role in {Role.OFFICE, Role.LEADER}:
        return AssessmentRun.objects.all()
    if role in ASSESSMENT_PAGE.roles:
        return AssessmentRun.objects.filter(status__in=[RunStatus.PUBLICITY, RunStatus.PUBLISHED])
    return AssessmentRun.objects.none()


def assessment_run_for(user: Any, run: Any, *, write: bool = False) -> Any:
    """One run if the user may read it (404 otherwise, its existence untold) — or, with write=True (open the
    公示, decide objections, publish, re-run), only for the office: a 403 naming who may."""
    from newind.assessment.models import AssessmentRun

    run_id = _int_or_none(getattr(run, "pk", run))
    if write:
        if not ASSESSMENT_MANAGE_PAGE.allows(user):
            raise _forbidden("只有市新型工业化办公室可以计算、公示、发布考核结果和处理异议。" + _CONTACT)
        found = AssessmentRun.objects.filter(pk=run_id).first()
    else:
        found = assessment_runs_in_scope(user).filter(pk=run_id).first()
    if found is None:
        raise NotFound(_ASSESSMENT_NOT_FOUND)
    return found


def objection_unit_for(user: Any, run: Any, unit_code: str) -> Any:
    """The unit an objection to `run` is filed for, if the user may file it: the office for any assessed unit;
    a unit's own reporter, reviewer or department account for its own unit; a 403 naming why for anyone else."""
    from newind.units.models import Unit

    ASSESSMENT_PAGE.require(user)
    run = assessment_run_for(user, run)
    unit = Unit.objects.filter(code=str(unit_code)).first()
    role = role_of(user)
    if unit is None:
        raise NotFound(f"未找到单位「{unit_code}」。")
    if role == Role.OFFICE or _is_command_line(user):
        return unit
    if role in _roles("department", "reporter", "reviewer") and _own_unit_id(user) == unit.pk:
        return unit
    raise _forbidden("只能为本单位提出考核异议：请用本单位的账号登录，或请市新型工业化办公室代为登记。" + _CONTACT)
# --- the accountability list (问责清单; issue 13 §6) ------------------------------------------------------------
# The office keeps the list (runs the scan, records 约谈/通报批评/诫勉/问责, closes an entry); the city leaders read
# it; the units named on it learn of it through the measures themselves (a 约谈 notice, a bulletin), not here;
# everyone else sees none. The command line runs the scan (newind job / the worker).
ACCOUNTABILITY_PAGE = PageAccess("问责清单", _roles("office", "leader"), command_line=True)
ACCOUNTABILITY_MANAGE_PAGE = PageAccess("记录问责措施", _roles("office"), command_line=True)


def accountability_entries_in_scope(user: Any) -> QuerySet[Any]:
    """The accountability entries the user may read: all for the office, leaders and the command line."""
    from newind.accountability.models import AccountabilityEntry

    if ACCOUNTABILITY_PAGE.allows(user):
        return AccountabilityEntry.objects.all()
    return AccountabilityEntry.objects.none()


def accountability_entry_for(user: Any, entry: Any, *, write: bool = False) -> Any:
    """One entry if the user may read it (office, leaders) — or, with write=True, record a measure or close
    it (the office): a 403 naming the page for others, 404 when there is no such entry."""
    from newind.accountability.models import AccountabilityEntry

    (ACCOUNTABILITY_MANAGE_PAGE if write else ACCOUNTABILITY_PAGE).require(user)
    found = AccountabilityEntry.objects.select_related("unit", "case", "project").filter(
        pk=_int_or_none(getattr(entry, "pk", entry))).first()
    if found is None:
        raise NotFound("未找到该问责清单条目：请从问责清单中打开。")
    return found


# --- alerts (预警推送; issue 13 §7) ----------------------------------------------------------------------------
# The office and the city leaders read every alert, acknowledge and resolve it (a leader's 确认 is the point of
# a push), and each subscribes to the units they follow; the subscriptions are one's own. The command line (the
# job) raises them. Everyone else sees none.
ALERTS_PAGE = PageAccess("预警推送", _roles("office", "leader"), command_line=True)


def alerts_in_scope(user: Any) -> QuerySet[Any]:
    """The alerts the user may read: all for the office, leaders and the command line; none for others."""
    from newind.accountability.models import Alert

    return Alert.objects.all() if ALERTS_PAGE.allows(user) else Alert.objects.none()


def alert_for(user: Any, alert: Any, *, write: bool = False) -> Any:
    """One alert to read or (write=True) acknowledge/resolve: office and leaders (and the command line); a 403
    naming the page for others, 404 when there is no such alert."""
    from newind.accountability.models import Alert

    ALERTS_PAGE.require(user)
    found = Alert.objects.select_related("unit").filter(pk=_int_or_none(getattr(alert, "pk", alert))).first()
    if found is None:
        raise NotFound("未找到该预警：请从预警列表中打开。")
    return found


def alert_subscriptions_for(user: Any, *, write: bool = False) -> QuerySet[Any]:
    """One's own alert subscriptions, to read or change: office and leaders with an account; the command line
    has none (a subscription names a person); a 403 for everyone else."""
    from newind.accountability.models import AlertSubscription

    if _is_command_line(user):
        if write:
            raise _forbidden("预警订阅属于个人账号，命令行不能订阅。")
        return AlertSubscription.objects.none()
    ALERTS_PAGE.require(user)
    return AlertSubscription.objects.filter(user=user).select_related("unit")
