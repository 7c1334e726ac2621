"""Policy eligibility as data, judged set-wise (pure: no ORM; frames in, arrays and reason strings out).

A policy's criteria are a short list, each one of:

- `{field: sales_revenue, op: ge, value: 2000}`          a figure (an indicator code) or `age` ≥ a number
- `{field: age, op: le, value: 5}`                       … ≤ a number
- `{field: industry, op: in, value: ["34", "35"]}`      an attribute in a set (industry codes match by prefix)
- `{field: dishonest, op: not}` / `{field: above_size, op: is}`   a flag false / true
- `{field: rd_spending, op: ratio, of: sales_revenue, value: 3, label: 研发投入占比}`   a ÷ b ≥ value %
- `{op: supply, label: 高新技术企业证书}`                 something the platform does not hold: the firm supplies it

Operators may also be written ≥ >= ≤ <= ÷. Each criterion over a firm is ✓ (PASS), × (FAIL) or ? (UNKNOWN:
the data is missing, never a miss), with a reason string such as "营业收入 2,300万元 ≥ 2,000万元 ✓".

The firm frame (built by policies.queries.firm_frame, one row per firm) has the columns of FRAME_COLUMNS
plus one float column per indicator code the criteria name (NaN when the firm has no figure for the year).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from newind.core.errors import AppError, Conflict, Problem
from newind.policies.choices import (
    DRAFT,
    PUBLISHED,
    WITHDRAWN,
    Delivery,
    Outcome,
    PolicyAction,
)

PASS, FAIL, UNKNOWN = np.int8(1), np.int8(0), np.int8(-1)
MARK = {1: "✓", 0: "×", -1: "?"}
FRAME_COLUMNS = ["unit_id", "code", "credit_code", "name", "county", "county_name", "park", "above_size",
                 "industry", "park_level", "founded_on", "dishonest", "mujun_class"]


# --- the attributes a criterion may name (besides indicator codes) -------------------------------------------


@dataclass(frozen=True)
class Attribute:
    label: str
    kind: Literal["flag", "code", "choice", "number"]
    unit: str = ""
    true_text: str = ""
    false_text: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)  # code → label (choice attributes)


PARK_LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
MUJUN_CLASSES = {"A": "A类", "B": "B类", "C": "C类", "D": "D类", "T": "不参评"}
ATTRIBUTES: dict[str, Attribute] = {
    "above_size": Attribute("规上企业", "flag", true_text="规上企业", false_text="规下企业"),
    "dishonest": Attribute("失信名单", "flag", true_text="列入失信名单", false_text="未列入失信名单"),
    "industry": Attribute("行业代码", "code"),
    "county": Attribute("所在县市区", "code"),
    "park_level": Attribute("所在园区级别", "choice", choices=PARK_LEVELS),
    "mujun_class": Attribute("亩均评价类别", "choice", choices=MUJUN_CLASSES),
    "age": Attribute("成立年限", "number", unit="年"),
}
OP_ALIASES = {"ge": "ge", "≥": "ge", ">=": "ge", "le": "le", "≤": "le", "<=": "le", "in": "in", "not": "not",
              "is": "is", "ratio": "ratio", "÷": "ratio", "supply": "supply"}
OP_HELP = "ge（≥）、le（≤）、in、is、not、ratio（÷）或 supply"


@dataclass(frozen=True)
class Figure:
    """What the reasons say about an indicator: its name and measure unit (from the catalogue)."""

    name: str
    unit: str


class Criterion(BaseModel):
    """One eligibility criterion (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = ""
    op: str
    value: float | list[str] | None = None
    of: str | None = None
    label: str = ""

    @field_validator("op", mode="before")
    @classmethod
    def _op(cls, v: Any) -> str:
        op = OP_ALIASES.get(str(v).strip().lower())
        if op is None:
            raise ValueError(f"运算「{v}」无法识别：请写 {OP_HELP}")
        return op

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            return [str(x).strip() for x in v]
        if isinstance(v, bool):
            raise ValueError("取值应为数字或列表")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Criterion:
        attr = ATTRIBUTES.get(self.field)
        if self.op == "supply":
            if not self.label:
                raise ValueError("「需企业提供」的条件须写明 label（如 高新技术企业证书）")
            return self
        if not self.field:
            raise ValueError("须写明 field（企业属性或指标代码）")
        if self.op in ("ge", "le", "ratio") and not isinstance(self.value, float | int):
            raise ValueError(f"运算 {self.op} 的取值 value 须是数字")
        if self.op in ("ge", "le") and attr is not None and attr.kind != "number":
            raise ValueError(f"「{attr.label}」不是数值，不能比较大小：请用 in、is 或 not")
        if self.op == "ratio":
            if not self.of:
                raise ValueError("比值条件须写明分母 of（指标代码，如 sales_revenue）")
            if attr is not None or self.of in ATTRIBUTES:
                raise ValueError("比值条件的分子、分母须是指标代码（如 rd_spending ÷ sales_revenue）")
        if self.op == "in":
            if not isinstance(self.value, list) or not self.value:
                raise ValueError("in 条件的取值 value 须是非空列表")
            if attr is None or attr.kind not in ("code", "choice"):
                raise ValueError("in 条件只用于行业代码、所在县市区、所在园区级别或亩均评价类别")
            if attr.choices:
                bad = [v for v in self.value if v not in attr.choices]
                if bad:
                    raise ValueError(f"「{attr.label}」的取值「{'、'.join(bad)}」无效：可选 {'、'.join(attr.choices)}")
        if self.op in ("is", "not") and (attr is None or attr.kind != "flag"):
            raise ValueError("is / not 条件只用于规上企业（above_size）或失信名单（dishonest）")
        return self

    @property
    def held(self) -> bool:
        """Does the platform hold the data this criterion needs (else the firm must supply it)?"""
        return self.op != "supply"

    def figures(self) -> list[str]:
        """The indicator codes the criterion reads."""
        if self.op == "supply" or self.field in ATTRIBUTES:
            return []
        return [self.field] + ([self.of] if self.of else [])

    def key(self) -> str:
        return json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True)


def parse_criteria(data: Any, figures: Mapping[str, Figure] | None = None, *, where: str = "") -> list[Criterion]:
    """A list of criteria from YAML or JSON data; one AppError naming every bad criterion (第N条) otherwise.
    With `figures` (the catalogue) an unknown indicator code is an error too."""
    prefix = f"{where}：" if where else ""
    if data is None:
        return []
    if not isinstance(data, list):
        raise AppError(f"{prefix}条件须是列表（每条一个 {{field, op, value}}）。")
    out: list[Criterion] = []
    problems: list[Problem] = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(f"{prefix}第{i}条条件须是 {{field, op, value}} 形式。"))
            continue
        try:
            crit = Criterion.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem(f"{prefix}第{i}条条件：{_error_text(err)}。"))
            continue
        if figures is not None:
            unknown = [c for c in crit.figures() if c not in figures]
            if unknown:
                problems.append(Problem(f"{prefix}第{i}条条件：指标「{'、'.join(unknown)}」不在指标目录中，"
                                        f"或不是企业属性（可用 {'、'.join(ATTRIBUTES)}）。"))
                continue
        out.append(crit)
    if problems:
        raise AppError("；".join(p.message for p in problems[:1]) if len(problems) == 1
                       else f"{prefix}有{len(problems)}条条件不正确：请逐条修改。", problems=problems)
    return out


def _error_text(err: Any) -> str:
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    loc = "、".join(str(x) for x in err.get("loc", ()))
    if err.get("type") == "extra_forbidden":
        return f"不认识的键「{loc}」：可用 field、op、value、of、label"
    if err.get("type") == "missing":
        return f"缺少「{loc}」"
    return f"「{loc}」格式不对（{msg}）"


def delivery(criteria: Sequence[Criterion]) -> Delivery:
    """免申即享 when every criterion is on data the platform holds, else 快申快享."""
    return Delivery.AUTOMATIC if all(c.held for c in criteria) else Delivery.QUICK


def to_supply(criteria: Sequence[Criterion]) -> list[str]:
    """What a firm must supply for a 快申快享 policy (the criteria on data the platform does not hold)."""
    return [c.label for c in criteria if not c.held]


def criterion_label(c: Criterion, figures: Mapping[str, Figure]) -> str:
    """The criterion's name in the reasons ("营业收入", "研发投入占比")."""
    if c.label:
        return c.label
    if c.field in ATTRIBUTES:
        return ATTRIBUTES[c.field].label
    if c.op == "ratio" and c.of:
        return f"{_fig(figures, c.field).name}占{_fig(figures, c.of).name}比重"
    return _fig(figures, c.field).name


def criterion_text(c: Criterion, figures: Mapping[str, Figure]) -> str:
    """The criterion as a sentence ("营业收入 ≥ 2,000万元"), for the policy page and the form."""
    label = criterion_label(c, figures)
    if c.op == "supply":
        return f"需企业提供：{label}"
    if c.op in ("ge", "le"):
        unit = ATTRIBUTES[c.field].unit if c.field in ATTRIBUTES else _fig(figures, c.field).unit
        return f"{label} {'≥' if c.op == 'ge' else '≤'} {num(float(c.value))}{unit}"  # type: ignore[arg-type]
    if c.op == "ratio":
        return f"{label}（{_fig(figures, c.field).name} ÷ {_fig(figures, str(c.of)).name}）≥ {num(float(c.value))}%"  # type: ignore[arg-type]
    if c.op == "in":
        return f"{label} 属于 {_set_text(c)}"
    attr = ATTRIBUTES[c.field]
    return attr.true_text if c.op == "is" else attr.false_text


def _fig(figures: Mapping[str, Figure], code: str) -> Figure:
    return figures.get(code) or Figure(code, "")


def _set_text(c: Criterion) -> str:
    attr = ATTRIBUTES[c.field]
    values = list(c.value or [])  # type: ignore[arg-type]
    return "、".join(attr.choices.get(v, v) for v in values)


# --- numbers as the reasons show them -----------------------------------------------------------------------


def num(x: float, decimals: int = 2) -> str:
    """2300 → '2,300'; 1.2 → '1.2'; 1234.567 → '1,234.57' (thousands separators, no trailing zeros)."""
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _nums(values: pd.Series, decimals: int = 2) -> pd.Series:
    return values.map(lambda x: num(float(x), decimals) if x == x else "")


# --- judging one criterion over every firm of the frame ----------------------------------------------------


@dataclass
class Judged:
    status: np.ndarray  # int8: 1 ✓, 0 ×, -1 ?
    reason: pd.Series | None  # one string per firm (None when not asked for)


def firm_ages(founded: pd.Series, year: int) -> pd.Series:
    """Age in years at the end of `year` (NaN without a founding date)."""
    end = pd.Timestamp(dt.date(int(year), 12, 31))
    days = (end - pd.to_datetime(founded, errors="coerce")).dt.days
    return days.astype(float) / 365.25


class Columns:
    """The columns of one frame that many criteria read, each derived once (ages, texts, industry prefixes,
    flags): 625 criteria over 20,000 firms then cost array comparisons, not string work per criterion."""

    def __init__(self, frame: pd.DataFrame, year: int) -> None:
        self.frame, self.year = frame, int(year)
        self._cache: dict[Any, Any] = {}

    def _get(self, key: Any, make: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def ages(self) -> pd.Series:
        return self._get("age", lambda: firm_ages(self.frame["founded_on"], self.year) if "founded_on" in self.frame
                         else pd.Series(np.nan, index=self.frame.index))

    def text(self, name: str) -> pd.Series:
        def make() -> pd.Series:
            if name not in self.frame:
                return pd.Series([""] * len(self.frame), index=self.frame.index, dtype=object)
            return self.frame[name].fillna("").astype(str)
        return self._get(("text", name), make)

    def known(self, name: str) -> np.ndarray:
        return self._get(("known", name), lambda: (self.text(name) != "").to_numpy())

    def prefix(self, k: int) -> pd.Series:
        return self._get(("prefix", k), lambda: self.text("industry").str.slice(0, k))

    def flag(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(known, value) of a flag column."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            if name not in self.frame:
                return np.zeros(len(self.frame), dtype=bool), np.zeros(len(self.frame), dtype=bool)
            column = self.frame[name]
            return column.notna().to_numpy(), column.fillna(False).astype(bool).to_numpy()
        return self._get(("flag", name), make)

    def number(self, name: str) -> pd.Series:
        return self._get(("number", name), lambda: self.frame[name].astype(float) if name in self.frame
                         else pd.Series(np.nan, index=self.frame.index))


def _status(known: np.ndarray, ok: np.ndarray) -> np.ndarray:
    return np.where(known, np.where(ok, PASS, FAIL), UNKNOWN).astype(np.int8)


def _join(status: np.ndarray, passed: Any, failed: Any, unknown: Any, index: pd.Index) -> pd.Series:
    """The reason per firm: `passed`/`failed`/`unknown` are strings or string Series (aligned on `index`)."""
    def col(x: Any) -> np.ndarray:
        return x.to_numpy(dtype=object) if isinstance(x, pd.Series) else np.full(len(index), x, dtype=object)

    out = np.where(status == PASS, col(passed), np.where(status == FAIL, col(failed), col(unknown)))
    return pd.Series(out, index=index, dtype=object)


def judge(c: Criterion, frame: pd.DataFrame, year: int, figures: Mapping[str, Figure], *,
          reasons: bool = True, cols: Columns | None = None) -> Judged:
    """One criterion over every firm (vectorised): status per firm and, when asked, the reason per firm.
    `cols`: the frame's derived columns, shared by the criteria judged over the same frame."""
    cols = cols or Columns(frame, year)
    index = frame.index
    n = len(frame)
    label = criterion_label(c, figures)
    if c.op == "supply":
        status = np.full(n, UNKNOWN, dtype=np.int8)
        return Judged(status, pd.Series([f"需企业提供：{label} ?"] * n, index=index, dtype=object) if reasons else None)
    if c.op in ("ge", "le"):
        if c.field == "age":
            values = cols.ages()
            unit, missing, decimals = "年", "缺少成立日期 ?", 1
        else:
            values = cols.number(c.field)
            unit, missing, decimals = _fig(figures, c.field).unit, f"缺少{year}年{_fig(figures, c.field).name}数据 ?", 2
        v = values.to_numpy(dtype=float)
        known = ~np.isnan(v)
        threshold = float(c.value)  # type: ignore[arg-type]
        with np.errstate(invalid="ignore"):
            ok = v >= threshold if c.op == "ge" else v <= threshold
        status = _status(known, ok)
        if not reasons:
            return Judged(status, None)
        shown = label + " " + _nums(values, decimals) + unit
        t = num(threshold, decimals) + unit
        good, bad = ("≥", "<") if c.op == "ge" else ("≤", ">")
        return Judged(status, _join(status, shown + f" {good} {t} ✓", shown + f" {bad} {t} ×", missing, index))
    if c.op == "ratio":
        of = str(c.of)
        a, b = cols.number(c.field), cols.number(of)
        av, bv = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        known = ~np.isnan(av) & ~np.isnan(bv) & (bv > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(known, av / np.where(bv > 0, bv, 1.0) * 100.0, np.nan)
            ok = pct >= float(c.value)  # type: ignore[arg-type]
        status = _status(known, ok)
        if not reasons:
            return Judged(status, None)
        shown = label + " " + _nums(pd.Series(pct, index=index)) + "%"
        t = num(float(c.value)) + "%"  # type: ignore[arg-type]
        na, nb = _fig(figures, c.field).name, _fig(figures, of).name
        lacking = np.select([np.isnan(av) & np.isnan(bv), np.isnan(av), np.isnan(bv)],
                            [f"缺少{year}年{na}、{nb}数据 ?", f"缺少{year}年{na}数据 ?", f"缺少{year}年{nb}数据 ?"],
                            default=f"{year}年{nb}为0，无法计算{label} ?")
        return Judged(status, _join(status, shown + f" ≥ {t} ✓", shown + f" < {t} ×",
                                    pd.Series(lacking, index=index), index))
    attr = ATTRIBUTES[c.field]
    if c.op in ("is", "not"):
        known, flag = cols.flag(c.field)
        status = _status(known, flag if c.op == "is" else ~flag)
        if not reasons:
            return Judged(status, None)
        shown = pd.Series(np.where(flag, attr.true_text, attr.false_text), index=index, dtype=object)
        return Judged(status, _join(status, shown + " ✓", shown + " ×", f"缺少{attr.label}信息 ?", index))
    # in: codes match by prefix (行业代码 34 covers 3411), choices and counties exactly
    values = list(c.value or [])  # type: ignore[arg-type]
    text = cols.text(c.field)
    if c.field == "park_level":
        known = np.ones(n, dtype=bool)  # a firm outside every park is a fact of the registry, not missing
    else:
        known = cols.known(c.field)
    if c.field == "industry":  # by prefix: a 大类 "34" covers 3411; one hashed lookup per prefix length
        ok = np.zeros(n, dtype=bool)
        for k in sorted({len(v) for v in values}):
            ok |= cols.prefix(k).isin([v for v in values if len(v) == k]).to_numpy()
    else:
        ok = text.isin(values).to_numpy()
    status = _status(known, ok & known)
    if not reasons:
        return Judged(status, None)
    wanted = _set_text(c)
    if c.field == "county" and "county_name" in frame:
        shown = frame["county_name"].fillna("").astype(str)
    elif attr.choices:
        shown = text.map(lambda v: attr.choices.get(v, v))
    else:
        shown = text
    passed = attr.label + " " + shown + f" 属于 {wanted} ✓"
    failed = attr.label + " " + shown + f" 不属于 {wanted} ×"
    if c.field == "park_level":
        failed = pd.Series(np.where(text == "", f"不在园区，要求{wanted}园区 ×", failed), index=index, dtype=object)
    missing = "缺少亩均评价结果 ?" if c.field == "mujun_class" else f"缺少{attr.label}信息 ?"
    return Judged(status, _join(status, passed, failed, missing, index))


# --- a policy over every firm, and many policies at once ---------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """A policy as the matcher sees it: its key (code) and its criteria."""

    key: str
    criteria: tuple[Criterion, ...]


OUTCOME_CODES = {3: Outcome.QUALIFIED, 2: Outcome.UNKNOWN, 1: Outcome.CLOSE, 0: Outcome.MISSED}


def outcome_codes(fails: np.ndarray, unknowns: np.ndarray) -> np.ndarray:
    """Per firm: 3 符合 (all ✓), 2 待补充 (no ×, some ?), 1 差一项 (exactly one ×), 0 不符合 (two or more ×)."""
    return np.where(fails == 0, np.where(unknowns == 0, 3, 2), np.where(fails == 1, 1, 0)).astype(np.int8)


@dataclass
class Matrix:
    """Outcomes of many firms against many policies: `outcomes[i, j]` for firm row i and policy j."""

    unit_ids: np.ndarray
    keys: list[str]
    outcomes: np.ndarray  # int8 (n_firms × n_policies), OUTCOME_CODES

    def counts(self) -> pd.DataFrame:
        """Per policy: how many firms qualify, are close (差一项), need data (待补充), miss."""
        return pd.DataFrame({"key": self.keys,
                             **{str(OUTCOME_CODES[k].value): (self.outcomes == k).sum(axis=0) for k in (3, 2, 1, 0)}})


def match_matrix(frame: pd.DataFrame, policies: Sequence[Rules], year: int, figures: Mapping[str, Figure]) -> Matrix:
    """Every firm of the frame against every policy: a loop over policies × criteria, each a vectorised
    column over all firms (a criterion shared by several policies is judged once)."""
    n = len(frame)
    cols = Columns(frame, year)
    cache: dict[str, np.ndarray] = {}
    out = np.zeros((n, len(policies)), dtype=np.int8)
    for j, rules in enumerate(policies):
        fails = np.zeros(n, dtype=np.int16)
        unknowns = np.zeros(n, dtype=np.int16)
        for c in rules.criteria:
            key = c.key()
            status = cache.get(key)
            if status is None:
                status = cache[key] = judge(c, frame, year, figures, reasons=False, cols=cols).status
            fails += status == FAIL
            unknowns += status == UNKNOWN
        out[:, j] = outcome_codes(fails, unknowns)
    ids = frame["unit_id"].to_numpy() if "unit_id" in frame else frame.index.to_numpy()
    return Matrix(ids, [p.key for p in policies], out)


def explain(frame: pd.DataFrame, criteria: Sequence[Criterion], year: int, figures: Mapping[str, Figure], *,
            cols: Columns | None = None, cache: dict[str, Judged] | None = None,
            ) -> tuple[np.ndarray, list[list[tuple[str, str]]]]:
    """One policy over the frame's firms with every reason: (outcome code per firm, per firm the list of
    (mark, reason) per criterion in order). Several policies over one frame share `cols` and `cache` (a
    criterion they have in common is judged once)."""
    n = len(frame)
    cols = cols or Columns(frame, year)
    cache = {} if cache is None else cache
    judged = []
    for c in criteria:
        key = c.key() + "|" + criterion_label(c, figures)
        if key not in cache:
            cache[key] = judge(c, frame, year, figures, cols=cols)
        judged.append(cache[key])
    fails = np.zeros(n, dtype=np.int16)
    unknowns = np.zeros(n, dtype=np.int16)
    for j in judged:
        fails += j.status == FAIL
        unknowns += j.status == UNKNOWN
    reasons = [list(zip([MARK[int(s)] for s in j.status], j.reason.tolist(), strict=True)) for j in judged
               if j.reason is not None]
    per_firm = [list(row) for row in zip(*reasons, strict=True)] if reasons else [[] for _ in range(n)]
    return outcome_codes(fails, unknowns), per_firm


def figures_needed(criteria: Iterable[Criterion]) -> list[str]:
    """Every indicator code a set of criteria reads (sorted, once each)."""
    return sorted({code for c in criteria for code in c.figures()})


# --- the policy's states -------------------------------------------------------------------------------------

TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, PolicyAction.PUBLISH): PUBLISHED,
    (PUBLISHED, PolicyAction.WITHDRAW): WITHDRAWN,
    (WITHDRAWN, PolicyAction.PUBLISH): PUBLISHED,
}
# A published policy is withdrawn before it is edited, so what the firms and the officials were told stays
# what the policy said.
EDITABLE = frozenset({DRAFT, WITHDRAWN})
STATE_LABELS = {DRAFT: "草稿", PUBLISHED: "已发布", WITHDRAWN: "已下架"}


def next_state(state: str, action: str) -> str:
    """The state after an action; a Conflict (409) naming the state when the action is not allowed there."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        hint = "只有已发布的政策才能下架。" if action == PolicyAction.WITHDRAW else "已发布的政策无需重复发布。"
        raise Conflict(f"政策当前为「{STATE_LABELS.get(state, state)}」，不能{PolicyAction(action).label}：{hint}")
    return target


def require_editable(state: str) -> None:
    if state not in EDITABLE:
        raise Conflict("已发布的政策不能直接修改：请先下架，修改后再重新发布。")


# --- a payout sheet (兑现台账) ------------------------------------------------------------------------------

PAYOUT_HEADERS: dict[str, str] = {
    **dict.fromkeys(["政策代码", "policy", "policy_code"], "policy"),
    **dict.fromkeys(["统一社会信用代码", "社会信用代码", "信用代码", "credit_code"], "firm"),
    **dict.fromkeys(["企业名称", "name"], "name"),
    **dict.fromkeys(["兑现金额(万元)", "兑现金额", "金额(万元)", "amount"], "amount"),
    **dict.fromkeys(["兑现日期", "日期", "paid_on"], "paid_on"),
    **dict.fromkeys(["兑现部门", "部门", "department"], "department"),
    **dict.fromkeys(["备注", "note"], "note"),
}
PAYOUT_REQUIRED = {"policy": "政策代码", "firm": "统一社会信用代码", "amount": "兑现金额（万元）", "paid_on": "兑现日期"}
MAX_PAYOUT = 10**9  # 万元: far above any real payout, below the column's precision


def _norm(text: object) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")").lower()


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _day(text: str) -> dt.date | None:
    cleaned = text.split(" ")[0].replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in cleaned.split("-")))
    except ValueError:
        return None


def payout_records(cells: pd.DataFrame, sheet: str, policies: Mapping[str, int], firms: Mapping[str, int],
                   departments: Mapping[str, int]) -> tuple[pd.DataFrame, list[Problem]] | None:
    """Read one sheet of payouts: None when no row names the columns; else the records (row, policy_id,
    firm_id, amount, paid_on, department_id, department_name, note) and every problem (sheet, row, column).
    `policies` are the codes the user may record payouts for; `firms` credit codes → unit ids;
    `departments` names and codes → unit ids."""
    from decimal import Decimal, InvalidOperation

    from openpyxl.utils import get_column_letter

    header = None
    for i in range(min(10, len(cells))):
        found: dict[str, int] = {}
        for j, value in enumerate(cells.iloc[i].tolist()):
            name = PAYOUT_HEADERS.get(_norm(_cell(value)))
            if name and name not in found:
                found[name] = j
        if "policy" in found and "firm" in found:
            header = (i, found)
            break
    if header is None:
        return None
    top, cols = header
    letters = {k: get_column_letter(j + 1) for k, j in cols.items()}
    problems = [Problem(f"缺少「{label}」列：请在表头中加上这一列。", sheet or None, top + 1, None)
                for key, label in PAYOUT_REQUIRED.items() if key not in cols]
    if problems:
        return pd.DataFrame(), problems
    records = []
    for offset, values in enumerate(cells.iloc[top + 1:].itertuples(index=False), start=top + 2):
        row = {k: _cell(values[j]) for k, j in cols.items()}
        if not any(row.values()):
            continue

        def bad(key: str, message: str, r: int = offset) -> None:
            problems.append(Problem(message, sheet or None, r, letters[key]))

        policy_id = policies.get(row["policy"])
        if policy_id is None:
            bad("policy", f"政策代码「{row['policy']}」不存在，或不是您可以登记兑现的政策：请核对政策代码。")
        firm_id = firms.get(row["firm"].upper())
        if firm_id is None:
            bad("firm", f"统一社会信用代码「{row['firm']}」不在企业档案中：请核对，或先在企业档案中建档。")
        try:
            amount = Decimal(row["amount"].replace(",", ""))
            if not amount.is_finite() or amount <= 0 or amount >= MAX_PAYOUT:
                raise InvalidOperation
        except InvalidOperation:
            amount = None
            bad("amount", f"兑现金额「{row['amount']}」不是有效的金额：请填写大于0的数字，单位为万元。")
        day = _day(row["paid_on"])
        if day is None:
            bad("paid_on", f"兑现日期「{row['paid_on']}」无法识别：请写成 2017-06-30 这样的日期。")
        dept = row.get("department", "")
        records.append({"row": offset, "policy_id": policy_id, "firm_id": firm_id, "amount": amount,
                        "paid_on": day, "department_id": departments.get(_norm(dept)) if dept else None,
                        "department_name": dept[:100], "note": row.get("note", "")[:200]})
    return pd.DataFrame(records), problems
