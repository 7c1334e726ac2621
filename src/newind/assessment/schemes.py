"""Assessment schemes (考核方案): YAML in definitions/assessment/, one per kind of unit (counties, parks,
departments), versioned, on the scoring engine.

A file is a scoring scheme (newind.scoring.schemes: groups, items, methods, weights, bonus and malus with
caps, grades as score-threshold classes, the veto that caps a grade) plus what only an assessment needs:
which units it assesses, which group (county type) each unit is in, where each input comes from (the
spine, the targets, the case engine, the supervision record, the submissions record, the leaders'
responsibility), which records veto a unit (一票否决), the quarterly review's interview rule and the
rewards and penalties per grade. The scoring part is validated by the engine's own models, so a weight
that does not add up (total_weight) or a missing input is reported when the file is read, with its path.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from newind.core.errors import AppError, Problem
from newind.scoring.schemes import Scheme, field_problems, read_mapping

SOURCES = ("spine", "spine_share", "spine_growth", "targets", "cases", "supervision", "submissions", "leaders")
SOURCE_LABELS = {
    "spine": "指标库（报告期累计数）", "spine_share": "指标库（占比，分子÷分母×100）",
    "spine_growth": "指标库（同比增长，按本年与上年同期累计数计算）", "targets": "目标任务完成率",
    "cases": "企业诉求办理记录", "supervision": "督办事项记录", "submissions": "月度报表报送记录",
    "leaders": "主要领导履责记录",
}
VETO_SOURCES = {"projects_quota": "重大项目引进指标（一票否决）"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class InputSource(_Strict):
    """One input of the scheme and where it comes from."""

    label: str
    unit: str
    source: Literal["spine", "spine_share", "spine_growth", "targets", "cases", "supervision", "submissions",
                    "leaders"] = Field(alias="from")
    indicator: str | None = None  # spine, spine_growth, targets
    numerator: str | None = None  # spine_share
    denominator: str | None = None
    # cases: on_time_rate | satisfaction_rate (按期办结率, 满意率) of the cases the unit led;
    # supervision: on_time_rate of its supervision tasks; submissions: late_or_missing monthly reports;
    # leaders: score (履责得分) of its principal head(s).
    measure: str | None = None
    case_kind: str = "appeal"
    target_kind: str = "hard"

    @model_validator(mode="after")
    def _parameters(self) -> InputSource:
        needs = {"spine": ("indicator",), "spine_growth": ("indicator",), "targets": ("indicator",),
                 "spine_share": ("numerator", "denominator"), "cases": ("measure",), "supervision": ("measure",),
                 "submissions": ("measure",), "leaders": ("measure",)}[self.source]
        absent = [k for k in needs if getattr(self, k) is None]
        if absent:
            raise ValueError(f"来源 {self.source} 需要 {'、'.join(absent)}")
        allowed = {"cases": {"on_time_rate", "satisfaction_rate"}, "supervision": {"on_time_rate"},
                   "submissions": {"late_or_missing"}, "leaders": {"score"}}.get(self.source)
        if allowed is not None and self.measure not in allowed:
            raise ValueError(f"来源 {self.source} 的 measure 只能是 {'、'.join(sorted(allowed))}")
        return self


class UnitSelection(_Strict):
    """Which units are assessed: the members of a peer group (the office's league), or every unit of the
    given kinds (a province-wide run)."""

    peer_group: str | None = None
    kinds: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one(self) -> UnitSelection:
        if (self.peer_group is None) == (not self.kinds):
            raise ValueError("units 须给出 peer_group（对标组）或 kinds（单位类型）之一")
        return self


class Review(_Strict):
    """季讲评: the bottom `interview_bottom` units of the league, and any unit whose total is below
    `interview_below`, are marked for an interview (约谈) with the rule that put them there."""

    interview_bottom: int = Field(default=2, ge=0)
    interview_below: float | None = None


class AssessmentScheme(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    name: str
    source: str
    kind: Literal["county", "park", "department"]
    units: UnitSelection
    types: dict[str, list[str]] = Field(default_factory=dict)  # group code → unit codes (e.g. 生态功能县)
    default_type: str
    inputs: dict[str, InputSource]
    veto: list[Literal["projects_quota"]] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    rewards: dict[str, str] = Field(default_factory=dict)  # grade code → 奖惩
    scoring: Scheme
    sha256: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code} 第{self.version}版）"

    def type_of(self, unit_codes: list[str]) -> list[str]:
        by_code = {c: t for t, codes in self.types.items() for c in codes}
        return [by_code.get(c, self.default_type) for c in unit_codes]


_SCORING_KEYS = ("groups", "classes", "rank_decimals", "total_weight", "other_groups")


def parse_scheme(text: str, name: str = "") -> AssessmentScheme:
    """Validate an assessment scheme's YAML; a bad one raises AppError naming every bad field."""
    data = read_mapping(text, "考核方案", name)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    scoring: dict[str, Any] = {k: data.pop(k) for k in _SCORING_KEYS if k in data}
    veto_best = data.pop("veto_best_grade", None)
    inputs = data.get("inputs") or {}
    scoring.update({
        "code": data.get("code", "x"), "version": data.get("version", 1), "name": data.get("name", ""),
        "source": data.get("source", ""), "kind": "unit", "group_column": "unit_type", "sha256": sha,
        "inputs": {k: {"label": v.get("label"), "unit": v.get("unit")} for k, v in inputs.items()
                   if isinstance(v, dict)},
    })
    if veto_best is not None:
        scoring["flags"] = {"veto": {"value": "否决", "label": "一票否决", "best_class": veto_best}}
    problems: list[Problem] = []
    try:
        data["scoring"] = Scheme.model_validate(scoring)
    except ValidationError as exc:
        problems += field_problems(exc)
        data["scoring"] = None
    data["sha256"] = sha
    try:
        scheme = AssessmentScheme.model_validate(data)
    except ValidationError as exc:
        problems += field_problems(exc, skip=("scoring",))
        scheme = None  # type: ignore[assignment]
    if problems or scheme is None:
        raise AppError(f"考核方案 {name} 有 {len(problems)} 处错误，请修改后再用。", problems=problems)
    groups = {g.code for g in scheme.scoring.groups}
    unknown = sorted(({scheme.default_type} | set(scheme.types)) - groups)
    if unknown:
        raise AppError(f"考核方案 {name}：单位分类 {'、'.join(unknown)} 在 groups 中没有对应的组。")
    missing_grade = sorted(set(scheme.rewards) - set(scheme.scoring.class_rules.codes))
    if missing_grade:
        raise AppError(f"考核方案 {name}：rewards 中的等次 {'、'.join(missing_grade)} 不在 classes 中。")
    return scheme


def schemes_dir() -> Path:
    from django.conf import settings

    return Path(settings.DEFINITIONS_DIR) / "assessment"


def all_schemes(directory: Path | None = None) -> list[AssessmentScheme]:
    found: dict[tuple[str, int], AssessmentScheme] = {}
    for path in sorted((directory or schemes_dir()).glob("*.yaml")):
        scheme = parse_scheme(path.read_text(encoding="utf-8"), path.name)
        if (scheme.code, scheme.version) in found:
            raise AppError(f"考核方案 {scheme.code} 第{scheme.version}版重复定义（{path.name}）。")
        found[(scheme.code, scheme.version)] = scheme
    return [found[k] for k in sorted(found)]


def load_scheme(code_or_file: str | None = None, *, kind: str | None = None,
                version: int | None = None) -> AssessmentScheme:
    """A scheme by file path, or by code (its latest version unless one is given), or the latest scheme of a
    kind of unit when no code is given."""
    if code_or_file and (code_or_file.endswith((".yaml", ".yml")) or "/" in code_or_file):
        path = Path(code_or_file)
        if not path.is_file():
            raise AppError(f"未找到考核方案文件「{code_or_file}」。", status=404, code="not_found")
        scheme = parse_scheme(path.read_text(encoding="utf-8"), path.name)
        if kind and scheme.kind != kind:
            raise AppError(f"考核方案「{scheme.name}」考核的是 {scheme.kind}，不是 {kind}。")
        return scheme
    schemes = all_schemes()
    match = [s for s in schemes if (code_or_file is None or s.code == code_or_file) and (kind is None or s.kind == kind)]
    if version is not None:
        match = [s for s in match if s.version == version]
    if not match:
        codes = "、".join(sorted({f"{s.code}（{s.kind}）" for s in schemes})) or "（无）"
        raise AppError(f"未找到考核方案「{code_or_file or kind}」：可选的方案有 {codes}。", status=404, code="not_found")
    return sorted(match, key=lambda s: s.version)[-1] if code_or_file else match[-1]
