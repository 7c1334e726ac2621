"""Who may read and write which unit's figures: the one access module every view, API, export and import uses.

Rules (see docs/security.md):
- 市新型工业化办公室 (office) reads and writes every unit; 市领导 (leader) reads every unit and writes nothing.
- 单位填报员 / 单位审核员 / 企业用户 are scoped to one unit and its descendants in the admin hierarchy:
  they read unpublished figures and write (drafts, reviews) only inside that scope.
- Published figures are readable by every logged-in business user (office, leader, reporter, reviewer,
  enterprise).
- 三员分立: the system administrator, security administrator and auditor read no business figures at all,
  published or not, and write none; they manage users, security settings and the audit log respectively.
- Anonymous users and users without a role read and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from newind.accounts.models import ADMIN_ROLES, BUSINESS_ROLES, SCOPED_ROLES, Role
from newind.core.errors import AppError

__all__ = [
    "AUDIT_PAGE",
    "BENCHMARK_PAGE",
    "DASHBOARD_PAGE",
    "IMPORT_PAGE",
    "LOCKOUTS_PAGE",
    "ROLE_REQUESTS_PAGE",
    "JOBS_PAGE",
    "SECURITY_PAGE",
    "SESSIONS_PAGE",
    "SUBMISSIONS_PAGE",
    "TARGETS_PAGE",
    "USERS_PAGE",
    "PageAccess",
    "Role",
    "can_read_unit",
    "can_write_unit",
    "filter_units_for_read",
    "is_business_user",
    "page_required",
    "require_read_unit",
    "require_role",
    "require_write_unit",
    "role_of",
    "role_required",
    "scope_unit_ids",
]

_SCOPE_CACHE = "_newind_scope_unit_ids"
_CONTACT = "如需访问，请联系市新型工业化领导小组办公室开通权限。"


def role_of(user: Any) -> Role | None:
    """The user's role, or None for anonymous users and users without a role.

    A Django superuser created with `createsuperuser` and no profile counts as 系统管理员.
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
    """True for roles that work with figures (office, leader, reporter, reviewer, enterprise)."""
    return role_of(user) in BUSINESS_ROLES


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


def _forbidden(message: str) -> AppError:
    return AppError(message, status=403, code="forbidden")


def require_read_unit(user: Any, unit_id: int, *, published: bool) -> None:
    """Raise a 403 AppError unless the user may read the unit's (published or unpublished) figures."""
    if can_read_unit(user, unit_id, published=published):
        return
    role = role_of(user)
    if role in ADMIN_ROLES:
        raise _forbidden(f"您的角色（{role.label}）按三员分立不能查看业务数据：请使用业务账号访问{_unit_label(unit_id)}的数据。")
    what = "已发布" if published else "未发布"
    raise _forbidden(f"您没有权限查看{_unit_label(unit_id)}{what}的数据：只能查看本单位及下级单位的未发布数据。{_CONTACT}")


def require_write_unit(user: Any, unit_id: int) -> None:
    """Raise a 403 AppError unless the user may change the unit's figures."""
    if can_write_unit(user, unit_id):
        return
    role = role_of(user)
    if role == Role.LEADER:
        raise _forbidden("市领导账号只能查看数据，不能修改：如需更正数据，请联系市新型工业化领导小组办公室。")
    raise _forbidden(f"您没有权限修改{_unit_label(unit_id)}的数据：只能填报或审核本单位及下级单位的数据。{_CONTACT}")


# Roles are typed Any: without Django type stubs, mypy sees `Role.OFFICE` as a (value, label) tuple.
def require_role(user: Any, *roles: Any) -> Role:
    """Raise a 403 AppError unless the user has one of the roles; returns the user's role."""
    role = role_of(user)
    wanted = {Role(r) for r in roles}
    if role is None or role not in wanted:
        names = "、".join(Role(r).label for r in roles)
        mine = f"您当前的角色是「{role.label}」" if role else "您的账号尚未分配角色"
        raise _forbidden(f"此功能仅限{names}使用，{mine}：{_CONTACT}")
    return role


F = TypeVar("F", bound=Callable[..., HttpResponse])


def role_required(*roles: Any) -> Callable[[F], F]:
    """View decorator: anonymous users go to the login page; other roles get a 403 page (or JSON)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def filter_units_for_read(user: Any, units: QuerySet[Any] | Iterable[int], *,
                          published: bool = False) -> Any:
    """Keep only the units the user may read: a Unit queryset stays a queryset, ids become a set of ids.

    `published=False` (the default) filters for unpublished figures, i.e. by scope.
    """
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


# --- pages -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageAccess:
    """Who may open one page: its view requires it, and the menu and the home tiles (newind.core.menu) offer
    the page only to users it allows, so a link the menu shows never leads to a 403.

    `label` is the page's name in the menu; the 403 text names the page by it.
    """

    label: str
    roles: frozenset[Role]

    def allows(self, user: Any) -> bool:
        """May the user open this page?"""
        return role_of(user) in self.roles

    def require(self, user: Any) -> Role:
        """Raise a 403 AppError naming the page unless the user may open it; returns the user's role."""
        role = role_of(user)
        if role is None or role not in self.roles:
            names = "、".join(Role(v).label for v in Role.values if Role(v) in self.roles)
            mine = f"您当前的角色是「{role.label}」" if role else "您的账号尚未分配角色"
            raise _forbidden(f"「{self.label}」仅限{names}使用，{mine}，菜单中只列出您可以使用的功能。{_CONTACT}")
        return role


def _roles(*values: str) -> frozenset[Role]:
    return frozenset(Role(v) for v in values)


BENCHMARK_PAGE = PageAccess("对标分析", BUSINESS_ROLES)
IMPORT_PAGE = PageAccess("数据导入", _roles("office"))
DASHBOARD_PAGE = PageAccess("领导驾驶舱", _roles("office", "leader"))
TARGETS_PAGE = PageAccess("目标预警", _roles("office", "leader", "reporter", "reviewer"))
SUBMISSIONS_PAGE = PageAccess("月度报表", BUSINESS_ROLES)
AUDIT_PAGE = PageAccess("审计日志", _roles("auditor"))
SECURITY_PAGE = PageAccess("安全策略", _roles("secadmin"))
SESSIONS_PAGE = PageAccess("在线会话", _roles("secadmin"))
LOCKOUTS_PAGE = PageAccess("锁定账号", _roles("secadmin"))
ROLE_REQUESTS_PAGE = PageAccess("角色变更确认", _roles("secadmin"))
# The office sees every background job; the security admin the backup and account jobs (job_audiences).
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


# --- background jobs (newind.jobs) ---------------------------------------------------------------------


def job_audiences(user: Any) -> set[str]:
    """Whose background-job runs the user sees: the office sees every run, the security admin only the
    security jobs (backup, accounts), everyone else none (三员分立: the others read no operations data)."""
    role = role_of(user)
    if role == Role.OFFICE:
        return {"office", "security"}
    if role == Role.SECADMIN:
        return {"security"}
    return set()


def require_job_audience(user: Any, audience: str) -> None:
    """Raise a 403 AppError unless the user may see (and re-run) jobs of this audience."""
    if audience not in job_audiences(user):
        raise _forbidden("您没有权限查看或运行该后台任务：业务任务仅限市新型工业化办公室，备份与账号任务仅限办公室和安全管理员。")


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
            raise AppError("未找到该企业：请检查链接，或在企业档案中按名称、统一社会信用代码搜索。", status=404,
                           code="not_found") from None
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
            raise AppError("未找到该评价结果。", status=404, code="not_found") from None
        raise _forbidden("您没有权限查看该企业的评价结果：企业用户只能查看本企业。" + _CONTACT) from None
    if write and role != Role.OFFICE and not (role == Role.ENTERPRISE and _profile(user).unit_id == result.unit_id):
        raise _forbidden(f"您没有权限修改「{result.name}」的评价结果。{_CONTACT}")
    return result
