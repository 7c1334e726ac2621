"""The apps depend one way: units ← indicators ← domains ← reports/dashboard (docs/decisions.md).

Every `import` and `from … import` of every module under src/newind (function-level ones included, read
with `ast`) is checked against the layer of the app it sits in: an app may import its own modules and
apps of a lower layer, never a higher one or one of its own layer (so no two apps import each other).
And no `calc.py` touches the ORM: calc is pure functions on plain data and frames.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import newind

ROOT = Path(newind.__file__).resolve().parent

# Lower number = lower layer. Apps of one layer may not import each other.
LAYERS: dict[str, int] = {
    # the foundation: errors, numbers, Excel, bulk writes, the plug-in interface, the office's identity
    "core": 0,
    "units": 1,
    # the platform every domain uses: the audit chain, background jobs, accounts and access
    "audit": 2,
    "jobs": 3,
    "accounts": 4,
    # figures: the catalogue, observations, periods, growth, ranks, derived figures
    "indicators": 5,
    # domains (and what reads or writes figures like one), in the order they may build on each other
    "backup": 6,
    "imports": 6,
    # the shared engines: scoring (亩均, 赛马, 季讲评, 年考核) and cases (appeals, project problems, 督办)
    "scoring": 6,
    "cases": 6,
    "enterprises": 7,
    "funding": 7,
    "benchmark": 7,
    "forecasts": 7,
    "mujun": 9,
    # projects read the registries and park thresholds, report through submissions, score on the engine and
    # hand problems to the case engine
    "projects": 9,
    "parks": 8,
    "submissions": 8,
    "targets": 8,
    # pairing (包联) files appeals through cases and reads the registry and the 亩均 results
    "pairing": 10,
    # the policy library (above pairing: it tells the paired officials) matches firms on the registry, the figures and the 亩均 classes
    "policies": 11,
    # what composes the domains' parts
    "reports": 10,
    # dispatch meetings and supervision: meetings attach the rendered monthly report (reports), their tasks are
    # cases, their agenda draws on the targets' red lights and the projects' problems
    "supervision": 11,
    "dashboard": 11,
    # leaders' own responsibility reads meetings and tasks (supervision), reports, closures and red lights
    "leaders": 12,
    # the accountability list and the alerts read cases, supervision (the heads), projects' lights, submissions
    # and the targets' lights, and push through the cases' webhook code
    "accountability": 12,
    # reform task lists light their progress by the targets' rules
    "reform": 9,
    # the site around it all and the demo data
    "home": 11,
    # the benchmarks drive every page and engine; the demo (and its `bench` command) sits on top
    # the assessment reads every domain's records (spine figures, targets, cases, supervision, submissions,
    # the leaders' records, the projects' quota vetoes)
    "assessment": 13,
    "bench": 14,
    "demo": 15,
}
TOP_LEVEL = {"cli", "urls", "api_urls", "settings", "wsgi", "__init__"}  # the project's own wiring: above all

# The one access gate every view, API, export and job of every app goes through (conventions: access in one
# module). It is allowed from anywhere because it sits, by what it imports, just above units (checked below).
ACCESS_GATE = "newind.accounts.access"
ACCESS_GATE_MAY_IMPORT = {"newind.core", "newind.units", "newind.accounts.models", "newind.accounts.choices"}

# Allowed exceptions, each with its reason.
EXCEPTIONS: set[tuple[str, str]] = {
    # The 亩均 公示 notice is an official document: it uses the report's Word renderer (reports.word) rather
    # than a second one. The renderers are a library below every domain in all but name; moving them
    # (reports.word/pdf) into core removes this exception.
    ("mujun", "reports"),
}

ORM_MODULES = ("django.db", "django.contrib.auth.models", "django.contrib.postgres")


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def _app_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["newind", *parts])


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks (imported for type hints only, never run)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (getattr(node.test, "id", None) == "TYPE_CHECKING"
                                         or getattr(node.test, "attr", None) == "TYPE_CHECKING"):
            for child in node.body:
                inside |= {id(n) for n in ast.walk(child)}
    return inside


def _imports(path: Path, *, runtime_only: bool = False) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth (functions too; TYPE_CHECKING blocks
    unless `runtime_only`: a type hint is a dependency of the design, but runs no code)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    skipped = _type_checking_nodes(tree) if runtime_only else set()
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from newind import reports` names an app too (not `from newind import __version__`)
            if module == "newind":
                found += [(node.lineno, f"newind.{alias.name}") for alias in node.names
                          if (ROOT / alias.name).is_dir()]
    return found


def _violations() -> list[str]:
    out = []
    for path in _modules():
        app = _app_of(path)
        if app in TOP_LEVEL:
            continue
        assert app in LAYERS, f"{app} has no layer in tests/core/test_layering.py: give it one"
        if _module_name(path) == ACCESS_GATE:
            continue  # the gate's own imports have their rule (the next test)
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "newind" or len(parts) < 2 or parts[1] == app or module == "newind":
                continue
            target = parts[1]
            if module == ACCESS_GATE or module.startswith(ACCESS_GATE + "."):
                continue
            if (app, target) in EXCEPTIONS:
                continue
            if target in TOP_LEVEL:
                out.append(f"{path.relative_to(ROOT)}:{line} imports {module} (the project's wiring)")
            elif LAYERS.get(target, 99) >= LAYERS[app]:
                out.append(f"{path.relative_to(ROOT)}:{line} ({app}, layer {LAYERS[app]}) imports {module} "
                           f"({target}, layer {LAYERS.get(target)})")
    return out


def test_every_import_points_down_the_layers():
    assert _violations() == []


def test_the_access_gate_itself_imports_only_what_sits_below_every_app():
    """At import time the gate needs only core, units and accounts, so every app may import it. Inside its
    functions (one per kind of object) it reads the guarded objects: their models, the states in their
    choices/calc and their read queries; never their services or views, so deciding access runs no domain
    logic and cannot write."""
    gate = ROOT / "accounts" / "access.py"
    tree = ast.parse(gate.read_text(encoding="utf-8"))
    lazy = {id(n) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(node)} | _type_checking_nodes(tree)
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("newind."):
            continue
        module = node.module or ""
        if any(module == m or module.startswith(m + ".") for m in ACCESS_GATE_MAY_IMPORT):
            continue
        if id(node) in lazy and module.rsplit(".", 1)[-1] in {"models", "choices", "calc", "queries", "registry"}:
            continue
        bad.append(f"line {node.lineno}: {module}" + ("" if id(node) in lazy else " (at import time)"))
    assert bad == []


@pytest.mark.parametrize("path", sorted(ROOT.rglob("calc.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_calc_module_touches_the_orm(path):
    bad = []
    for line, module in _imports(path, runtime_only=True):
        if module.startswith(ORM_MODULES) or module.endswith(".models") or module.endswith(".queries") \
                or module.endswith(".services") or module == "django.apps":
            bad.append(f"line {line}: {module}")
    assert bad == [], f"{path.relative_to(ROOT)} must stay pure (no ORM, models, queries or services)"


def test_the_checker_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    """The checker itself: an import inside a function and a relative one are found and resolved."""
    sample = ROOT / "units" / "_layering_sample.py"
    source = "def f():\n    from newind.reports import queries\n    from ..dashboard import calc\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    tree_imports = _imports(sample)
    assert (2, "newind.reports") in tree_imports and (3, "newind.dashboard") in tree_imports


def test_choices_live_in_choices_py():
    """Labels and role names are written once: every TextChoices class sits in its app's choices.py."""
    elsewhere = []
    for path in _modules():
        if path.name == "choices.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "attr", getattr(base, "id", "")) in {"TextChoices", "IntegerChoices"}
                    for base in node.bases):
                elsewhere.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert elsewhere == []
