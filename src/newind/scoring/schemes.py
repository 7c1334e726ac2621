"""Scoring schemes: YAML in definitions/schemes/, validated by pydantic models and versioned.

A scheme says, per group of firms (size class 规上/规下, or any other column), which items are scored
(a ratio of two inputs or one input), by which method, against which benchmark, with which weight; how
missing inputs are treated; the bonus and malus items and their caps; the yearly flags that cap the class
(veto), floor it (protection) or take the firm out of the evaluation (class T); and how classes follow
from the totals (rank percentile with half-up rounding, or score thresholds).

pydantic (already installed as django-ninja's foundation) rather than hand-written checks: a scheme is a
nested document with cross-field rules, and pydantic reports every bad field with its path, which the
loader turns into one Chinese message naming the file and the field.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newind.core.errors import AppError, Problem

METHODS = ("ratio_to_benchmark", "efficacy_coefficient", "completion_rate", "rank_points")
METHOD_LABELS = {
    "ratio_to_benchmark": "比值法（指标值÷基准值×权重，封顶）",
    "efficacy_coefficient": "功效系数法（最优100分、最差60分、线性插值）",
    "completion_rate": "完成率法（不超过权重）",
    "rank_points": "位次法（第1名得满分）",
}
BENCHMARK_KINDS = ("aggregate", "multiple", "fixed")


class _Strict(BaseModel):
    # A typo in a key must fail loudly, not silently fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputSpec(_Strict):
    """A named input column of the frame (an indicator code), with its Chinese name and unit."""

    label: str
    unit: str


class Benchmark(_Strict):
    """aggregate: Σ numerator ÷ Σ denominator over the rated firms of the group (the mean for a
    one-input item); multiple: `factor` × that; fixed: `value`, in the item's unit."""

    kind: Literal["aggregate", "multiple", "fixed"] = "aggregate"
    factor: float | None = Field(default=None, gt=0)
    value: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _parameters(self) -> Benchmark:
        if self.kind == "multiple" and self.factor is None:
            raise ValueError("kind: multiple 需要 factor（基准值为参评企业总体比值的倍数）")
        if self.kind == "fixed" and self.value is None:
            raise ValueError("kind: fixed 需要 value（固定基准值）")
        if self.kind != "multiple" and self.factor is not None:
            raise ValueError("只有 kind: multiple 才有 factor")
        if self.kind != "fixed" and self.value is not None:
            raise ValueError("只有 kind: fixed 才有 value")
        return self


class Item(_Strict):
    """One scored item of a group."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    numerator: str
    denominator: str | None = None
    unit: str
    # value = numerator ÷ denominator × scale (100 for a percentage such as R&D intensity).
    scale: float = Field(default=1.0, gt=0)
    direction: Literal["higher", "lower"] = "higher"
    weight: float = Field(gt=0)
    method: Literal["ratio_to_benchmark", "efficacy_coefficient", "completion_rate", "rank_points"]
    # ratio_to_benchmark: points = weight × min(value ÷ benchmark, cap); None = no cap.
    cap: float | None = Field(default=None, gt=0)
    benchmark: Benchmark | None = None
    # efficacy_coefficient: fixed 满意值 (best) and 不允许值 (worst); unset = the best and worst rated values.
    best: float | None = None
    worst: float | None = None
    # What a missing input does: absent = the firm is not rated; mean_points = the item gets the mean
    # points of the rated firms of the group that have it; zero_points = the item scores 0.
    fill_missing: dict[str, Literal["mean_points", "zero_points"]] = Field(default_factory=dict)
    # A zero (or negative) input makes the firm not rated unless allowed (then a zero numerator scores 0;
    # a zero denominator always makes the value undefined and the firm not rated). signed: any real
    # numerator, negative too: a growth rate (−3.2 %) is a figure to score, not a bad input.
    zero_numerator: Literal["not_rated", "allowed", "signed"] = "not_rated"

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)

    @model_validator(mode="after")
    def _method_parameters(self) -> Item:
        needs_benchmark = self.method in {"ratio_to_benchmark", "completion_rate"}
        if needs_benchmark and self.benchmark is None:
            raise ValueError(f"方法 {self.method} 需要 benchmark（基准值）")
        if not needs_benchmark and self.benchmark is not None:
            raise ValueError(f"方法 {self.method} 不使用 benchmark")
        if self.cap is not None and self.method != "ratio_to_benchmark":
            raise ValueError("cap（封顶倍数）只用于 ratio_to_benchmark；completion_rate 本身以权重封顶")
        if (self.best is not None or self.worst is not None) and self.method != "efficacy_coefficient":
            raise ValueError("best/worst（满意值/不允许值）只用于 efficacy_coefficient")
        if (self.best is None) != (self.worst is None):
            raise ValueError("best 与 worst 须同时给出，或都不给（取参评企业的最优值和最差值）")
        if self.best is not None and self.worst is not None and self.best == self.worst:
            raise ValueError("best 与 worst 不能相等")
        if self.best is not None and self.worst is not None:
            if (self.direction == "higher") != (self.best > self.worst):
                raise ValueError("best 与 worst 的大小与指标方向（direction）不一致")
        unknown = set(self.fill_missing) - set(self.inputs)
        if unknown:
            raise ValueError(f"fill_missing 中的 {sorted(unknown)} 不是本项的分子或分母")
        return self


class Adjustment(_Strict):
    """A bonus or malus item: points = column value × points_per_unit, at most `cap` (a flag column of
    true/false gives points_per_unit when true)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    column: str
    points_per_unit: float = Field(default=1.0, gt=0)
    cap: float | None = Field(default=None, gt=0)


class Group(_Strict):
    """The firms of one value of the scheme's group column (e.g. size 'above' = 规上)."""

    code: str
    label: str
    items: list[Item] = Field(min_length=1)
    bonus: list[Adjustment] = Field(default_factory=list)
    malus: list[Adjustment] = Field(default_factory=list)
    bonus_cap: float | None = Field(default=None, gt=0)
    malus_cap: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _unique_codes(self) -> Group:
        codes = [i.code for i in self.items] + [a.code for a in self.bonus] + [a.code for a in self.malus]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"组「{self.label}」中的项目代码重复：{dup}")
        return self

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)


class ClassLevel(_Strict):
    """A class, best first. rank_percentile: `top_share` (A if r ≤ round_half_up(top_share × n));
    score_thresholds: `min_total`. The last class has neither (everything else)."""

    code: str = Field(pattern=r"^[A-Z]$")
    label: str
    top_share: float | None = Field(default=None, gt=0, le=1)
    min_total: float | None = None


class Classes(_Strict):
    by: Literal["rank_percentile", "score_thresholds"]
    levels: list[ClassLevel] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> Classes:
        key = "top_share" if self.by == "rank_percentile" else "min_total"
        other = "min_total" if key == "top_share" else "top_share"
        *upper, last = self.levels
        if getattr(last, key) is not None:
            raise ValueError(f"最后一类「{last.code}」不设 {key}（其余企业都归入这一类）")
        values = [getattr(level, key) for level in upper]
        if any(v is None for v in values):
            raise ValueError(f"按 {self.by} 分类时，除最后一类外每类都需要 {key}")
        if any(getattr(level, other) is not None for level in self.levels):
            raise ValueError(f"按 {self.by} 分类时不使用 {other}")
        increasing = all(a < b for a, b in zip(values, values[1:], strict=False))
        decreasing = all(a > b for a, b in zip(values, values[1:], strict=False))
        if key == "top_share" and not increasing:
            raise ValueError("top_share 须自上而下严格递增（前20%、前75%、前95%…）")
        if key == "min_total" and not decreasing:
            raise ValueError("min_total 须自上而下严格递减")
        codes = [level.code for level in self.levels]
        if len(set(codes)) != len(codes):
            raise ValueError(f"分类代码重复：{codes}")
        return self

    @property
    def codes(self) -> list[str]:
        return [level.code for level in self.levels]


class FlagRule(_Strict):
    value: str  # the 标记 text in the flags file, e.g. 否决
    label: str
    best_class: str | None = None  # veto: at best this class
    worst_class: str | None = None  # protection: at worst this class


class NotRatedColumn(_Strict):
    column: str  # a true/false column of the frame, e.g. is_utility
    label: str  # why, in Chinese, e.g. 公用事业企业


class Flags(_Strict):
    column: str = "flag"
    reason_column: str = "flag_reason"
    veto: FlagRule | None = None
    protect: FlagRule | None = None
    not_rated_values: list[str] = Field(default_factory=list)  # e.g. 不参评 → class T
    not_rated_columns: list[NotRatedColumn] = Field(default_factory=list)
    not_rated_class: str = Field(default="T", pattern=r"^[A-Z]$")


class Scheme(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    name: str
    source: str  # where the rules come from (a document, a practice), shown with every result
    # enterprise: firms (亩均), classed; unit: units such as counties in a 赛马 league table, ranked by
    # total only, so `classes` is optional for them (an enterprise scheme must have classes).
    kind: Literal["enterprise", "unit"] = "enterprise"
    group_column: str = "size"
    # Totals are rounded half-up to this many decimals (as published) before ranking, so firms shown with
    # the same total share a rank.
    rank_decimals: int = Field(default=2, ge=0, le=9)
    inputs: dict[str, InputSpec]
    groups: list[Group] = Field(min_length=1)
    # Names of group values the scheme does not score (e.g. below: 规下 in a 规上-only scheme), for reasons.
    other_groups: dict[str, str] = Field(default_factory=dict)
    classes: Classes | None = None
    flags: Flags = Field(default_factory=Flags)
    # The scheme check: when set, every group's item weights must add up to it (an assessment scheme of
    # 100 points whose weights add up to 95 is a drafting error, caught when the file is read).
    total_weight: float | None = Field(default=None, gt=0)
    sha256: str = ""  # of the YAML text, filled by the loader: results name the exact scheme they used

    @field_validator("groups")
    @classmethod
    def _unique_groups(cls, groups: list[Group]) -> list[Group]:
        codes = [g.code for g in groups]
        if len(set(codes)) != len(codes):
            raise ValueError(f"组代码重复：{codes}")
        return groups

    @model_validator(mode="after")
    def _references(self) -> Scheme:
        for group in self.groups:
            for item in group.items:
                missing = [c for c in item.inputs if c not in self.inputs]
                if missing:
                    raise ValueError(f"项目 {item.code} 的输入 {missing} 未在 inputs 中定义")
        if self.classes is None and self.kind == "enterprise":
            raise ValueError("企业评价方案（kind: enterprise）需要 classes（分类规则）")
        codes = self.classes.codes if self.classes is not None else []
        if self.classes is None and (self.flags.veto or self.flags.protect):
            raise ValueError("否决、保护标记调整类别，须与 classes 一起使用")
        for rule in (self.flags.veto, self.flags.protect):
            for cls_code in (rule.best_class, rule.worst_class) if rule else ():
                if cls_code is not None and cls_code not in codes:
                    raise ValueError(f"标记「{rule.value}」引用的类别 {cls_code} 不在 classes 中")  # type: ignore[union-attr]
        if self.flags.veto and self.flags.veto.best_class is None:
            raise ValueError("否决标记需要 best_class（最高可评类别）")
        if self.flags.protect and self.flags.protect.worst_class is None:
            raise ValueError("保护标记需要 worst_class（最低可评类别）")
        if self.total_weight is not None:
            for group in self.groups:
                total = sum(i.weight for i in group.items)
                if abs(total - self.total_weight) > 1e-9:
                    raise ValueError(f"组「{group.label}」各项权重合计 {total:g} 分，应为 {self.total_weight:g} 分："
                                     + "、".join(f"{i.label} {i.weight:g}" for i in group.items))
        if self.flags.not_rated_class in codes:
            raise ValueError("不参评类别（T）不能与评价类别重名")
        return self

    def group(self, code: str) -> Group | None:
        return next((g for g in self.groups if g.code == code), None)

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code} 第{self.version}版）"

    @property
    def class_rules(self) -> Classes:
        """The classes of a scheme that has them (every enterprise scheme); AppError for a unit scheme."""
        if self.classes is None:
            raise AppError(f"评价方案「{self.name}」只排名次，不分类别。")
        return self.classes


# --- loading --------------------------------------------------------------------------------------------

def schemes_dir() -> Path:
    from django.conf import settings

    return Path(settings.DEFINITIONS_DIR) / "schemes"


def parse_scheme(text: str, name: str = "") -> Scheme:
    """Validate one scheme's YAML text; a bad scheme raises AppError naming every bad field."""
    data = read_mapping(text, "评价方案", name)
    data["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        problems = field_problems(exc)
        raise AppError(f"评价方案 {name} 有 {len(problems)} 处错误，请修改后再用。", problems=problems) from exc


def read_mapping(text: str, what: str, name: str = "") -> dict[str, Any]:
    """A definition file's YAML text as a mapping, or an AppError saying `what` (评价方案, 考核方案) is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AppError(f"{what} {name} 不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise AppError(f"{what} {name} 格式不对：应为 YAML 映射。")
    return data


def field_problems(exc: ValidationError, skip: tuple[str, ...] = ()) -> list[Problem]:
    """Each pydantic error of a definition file as a problem naming its field path (those under `skip` left out)."""
    return [Problem(f"字段「{'.'.join(str(p) for p in e['loc']) or '（顶层）'}」：{e['msg']}")
            for e in exc.errors() if not (e["loc"] and str(e["loc"][0]) in skip)]


@lru_cache(maxsize=4)
def _load_all(directory: str) -> dict[tuple[str, int], Scheme]:
    found: dict[tuple[str, int], Scheme] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        scheme = parse_scheme(path.read_text(encoding="utf-8"), path.name)
        key = (scheme.code, scheme.version)
        if key in found:
            raise AppError(f"评价方案 {scheme.code} 第{scheme.version}版重复定义（{path.name}）。")
        found[key] = scheme
    return found


def all_schemes(directory: Path | None = None) -> list[Scheme]:
    """Every shipped scheme version, by code then version."""
    found = _load_all(str(directory or schemes_dir()))
    return [found[k] for k in sorted(found)]


def load_scheme(code: str = "mujun-default", version: int | None = None, directory: Path | None = None) -> Scheme:
    """A scheme by code: the given version, or the latest."""
    versions = [s for s in all_schemes(directory) if s.code == code]
    if not versions:
        codes = sorted({s.code for s in all_schemes(directory)})
        raise AppError(f"未找到评价方案「{code}」：可选的方案有 {'、'.join(codes)}。", status=404, code="not_found")
    if version is None:
        return versions[-1]
    match = [s for s in versions if s.version == version]
    if not match:
        raise AppError(f"评价方案「{code}」没有第{version}版：已有 {'、'.join(str(s.version) for s in versions)}。",
                       status=404, code="not_found")
    return match[0]
