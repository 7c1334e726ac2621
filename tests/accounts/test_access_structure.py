"""Access is decided in newind.accounts.access only: a structural check over the source.

Each test reads the code (no database) and names the file and line that breaks the rule, so a view that
starts deciding access itself — comparing roles, reading a profile's role or unit, asking for a user's scope
— fails here, and the fix is to add (or call) a function in accounts/access.py with its row in the
permission matrix (tests/accounts/test_permission_matrix.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import newind

SRC = Path(newind.__file__).resolve().parent
ACCESS = SRC / "accounts" / "access.py"

# The module's own helpers: deciding with them outside access.py is deciding access by hand.
HELPERS = {"require_role", "role_required", "scope_unit_ids", "job_audiences", "require_job_audience",
           "_in_scope", "_job_audiences", "Role"}
# `role_of` names a role; these modules show or record it and decide nothing with it.
SHOWS_THE_ROLE = {
    "audit/services.py": "records the actor's role in each audit entry",
    "accounts/context_processors.py": "shows the role in the top bar",
    "accounts/views.py": "shows one's own role on the account page",
    "accounts/signals.py": "names the role in audit summaries",
    "accounts/admin.py": "the 系统管理员's user admin, where roles are assigned (accounts.services checks)",
    "home/views.py": "picks the help guide of one's own role",
    "accounts/apps.py": "hands role_of to the audit chain, which records each actor's role",
}
# Views that show no one's data and are served to everyone, signed in or not, so they decide no access.
SHOW_NOTHING = {
    "core/views.py": "the Chinese 403 page, the health check and the icon (core sits below accounts)",
}
# The accounts app manages roles themselves (assigning, confirming, the admin's staff flag): it may read them.
MANAGES_ROLES = ("accounts/",)


def _modules() -> list[tuple[str, ast.Module]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if path == ACCESS or "migrations" in path.parts:
            continue
        out.append((path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))))
    return out


MODULES = _modules()


def _access_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(name, line) of every name imported from newind.accounts.access (at the top or inside a function)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "newind.accounts.access":
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def test_the_source_was_read() -> None:
    """(The checks below are not vacuous: they see the views, APIs and services.)"""
    names = {name for name, _ in MODULES}
    assert {"submissions/views.py", "targets/api.py", "imports/services.py", "audit/views.py"} <= names
    assert sum(1 for _, tree in MODULES if _access_imports(tree)) >= 25


def test_no_module_decides_access_with_the_access_modules_helpers() -> None:
    wrong = [f"{name}:{line} imports {what}" for name, tree in MODULES for what, line in _access_imports(tree)
             if what in HELPERS or (what == "role_of" and name not in SHOWS_THE_ROLE)]
    assert wrong == []


def test_no_module_compares_roles() -> None:
    """`role_of(user) == Role.OFFICE`, `user.profile.role in {...}` and the like belong in accounts/access.py
    (a help guide's own `.role` is not a user's)."""
    wrong = []
    for name, tree in MODULES:
        if name.startswith(MANAGES_ROLES):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                parts = [node.left, *node.comparators]
                if any(_names_a_role(p) for p in parts):
                    wrong.append(f"{name}:{node.lineno}")
    assert wrong == []


def _names_a_role(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "Role":
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "role_of":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "role" and isinstance(sub.value, ast.Attribute) \
                and sub.value.attr in {"profile", "user"}:
            return True
    return False


def test_no_module_outside_accounts_reads_a_users_role_unit_or_admin_flags() -> None:
    """`user.profile.role`, `request.user.profile.unit`, `is_superuser`, `is_staff`: the access module reads
    them and says what they allow."""
    wrong = []
    for name, tree in MODULES:
        if name.startswith(MANAGES_ROLES):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                if node.attr in {"is_superuser", "is_staff"}:
                    wrong.append(f"{name}:{node.lineno} .{node.attr}")
                elif (node.attr in {"role", "unit", "unit_id"} and isinstance(node.value, ast.Attribute)
                      and node.value.attr == "profile"):
                    wrong.append(f"{name}:{node.lineno} .profile.{node.attr}")
    assert wrong == []


def test_every_view_and_api_module_goes_through_the_access_module() -> None:
    """Each views.py and api.py (pages, exports, JSON) imports its checks from newind.accounts.access."""
    missing = [name for name, tree in MODULES if name.endswith(("/views.py", "/api.py"))
               and not _access_imports(tree) and name not in SHOW_NOTHING]
    assert missing == []


def test_no_view_uses_djangos_own_permission_checks() -> None:
    """`permission_required`, `user_passes_test`, `has_perm` decide by Django permissions, which newind does
    not use for business access (roles do, in accounts/access.py); the admin's own checks are the
    exception (accounts/admin.py, audit/admin.py)."""
    wrong = []
    for name, tree in MODULES:
        if name.endswith("/admin.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in {"permission_required", "user_passes_test"}:
                wrong.append(f"{name}:{node.lineno} {node.id}")
            if isinstance(node, ast.Attribute) and node.attr in {"has_perm", "has_perms"}:
                wrong.append(f"{name}:{node.lineno} .{node.attr}")
    assert wrong == []


def test_the_checks_catch_a_view_that_decides_access_itself() -> None:
    """The rules above flag the pattern they exist for (a hand-written role check in a view)."""
    tree = ast.parse("from newind.accounts.access import Role, role_of\n"
                     "def page(request):\n"
                     "    if role_of(request.user) != Role.OFFICE or request.user.profile.unit_id != 3:\n"
                     "        raise PermissionError\n")
    assert {what for what, _ in _access_imports(tree)} & HELPERS == {"Role"}
    compares = [n for n in ast.walk(tree) if isinstance(n, ast.Compare)]
    assert compares and all(_names_a_role(c) or isinstance(c.left, ast.Attribute) for c in compares)
    assert _names_a_role(compares[0])
