"""Warning rule sets and schedule-basis settings, read from definitions/warning_rules/*.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from newind.core.errors import AppError, NotFound
from newind.targets.calc import LightRule, RuleSet, parse_rule_set

DEFAULT_RULE_SET = "default"


def rules_dir() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "warning_rules"


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise AppError(f"预警规则文件 {path.name} 格式不对：应为 YAML 映射。")
    return data


@lru_cache(maxsize=1)
def _all_rule_sets(directory: str) -> dict[str, RuleSet]:
    found: dict[str, RuleSet] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        data = _read(path)
        if data.get("kind") != "light_rules":
            continue
        rule_set = parse_rule_set(data)
        found[rule_set.code] = rule_set
    return found


def rule_sets() -> dict[str, RuleSet]:
    """Every shipped rule set by code (default first)."""
    found = _all_rule_sets(str(rules_dir()))
    return dict(sorted(found.items(), key=lambda kv: (kv[0] != DEFAULT_RULE_SET, kv[0])))


def rule_set(code: str | None = None) -> RuleSet:
    code = code or DEFAULT_RULE_SET
    found = rule_sets()
    if code not in found:
        raise NotFound(f"未找到预警规则「{code}」：可选的规则有 {'、'.join(found)}。")
    return found[code]


@lru_cache(maxsize=1)
def _schedule_settings(directory: str) -> tuple[str, dict[str, str]]:
    path = Path(directory) / "schedule_basis.yaml"
    if not path.exists():
        return "calendar", {}
    data = _read(path)
    default = str(data.get("default", "calendar"))
    per = {str(k): str(v) for k, v in (data.get("indicators") or {}).items()}
    for code, basis in [("default", default), *per.items()]:
        if basis not in {"calendar", "last_year"}:
            raise AppError(f"schedule_basis.yaml 中「{code}」的进度口径「{basis}」无效：应为 calendar 或 last_year。")
    return default, per


def schedule_basis_for(indicator_code: str) -> str:
    """The indicator's default progress basis: 'calendar' (序时进度) or 'last_year' (上年同期进度)."""
    default, per = _schedule_settings(str(rules_dir()))
    return per.get(indicator_code, default)


__all__ = ["LightRule", "RuleSet", "rule_set", "rule_sets", "schedule_basis_for"]
