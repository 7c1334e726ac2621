"""亩均 evaluation output: one pure function from the input frame to the JSON document of
`newind mujun evaluate` (issue 10, item 5). No database; the reading is in queries.py.

The frame contract is the scoring engine's (newind.scoring.calc): credit_code, name, size ('above' |
'below'), county, park, industry, is_utility, one float column per indicator code (land_area, tax_paid,
value_added, sales_revenue, energy_use, emissions, rd_spending, avg_employees, power_use; NaN = no
figure), flag (否决 / 保护 / 不参评 or empty) and flag_reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.mujun.choices import RunAction, RunState
from newind.scoring.calc import CLASS_T, RATED, Evaluation, class_counts, evaluate
from newind.scoring.schemes import Scheme
from newind.scoring.whatif import increase_to_next_class

SIZE_LABELS = {"above": "规上", "below": "规下"}
CONTEXT_COLUMNS = ("county", "park", "industry")
VALUE_DECIMALS = 4  # values and benchmarks in the JSON; points 4 decimals, totals as ranked


def _num(v: Any, decimals: int = VALUE_DECIMALS) -> float | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return round(float(v), decimals)


def evaluation_document(frame: pd.DataFrame, scheme: Scheme, *, year: int, scope: str,
                        evaluation: Evaluation | None = None) -> dict[str, Any]:
    """The evaluation as the JSON document of `newind mujun evaluate --format json`."""
    ev = evaluation or evaluate(frame, scheme)
    whatif = increase_to_next_class(ev)
    firms = ev.firms
    items = ev.items
    # One list of item dicts per firm row: one pass over the sorted item rows (a groupby with a Python
    # body per firm costs ~1 ms a firm).
    items_by_row: dict[Any, list[dict[str, Any]]] = {}
    rows = items["row"].to_numpy()
    codes = items["item"].to_numpy()
    values = np.round(items["value"].to_numpy(dtype=float), VALUE_DECIMALS)
    bms = np.round(items["benchmark"].to_numpy(dtype=float), VALUE_DECIMALS)
    points = np.round(items["points"].to_numpy(dtype=float), VALUE_DECIMALS)
    notes = items["note"].to_numpy()
    for row, code, value, bm, pts, note in zip(rows.tolist(), codes.tolist(), values.tolist(), bms.tolist(),
                                               points.tolist(), notes.tolist(), strict=True):
        record: dict[str, Any] = {"code": code, "value": None if value != value else value,
                                  "benchmark": None if bm != bm else bm, "points": None if pts != pts else pts}
        if note:
            record["note"] = note
        items_by_row.setdefault(row, []).append(record)

    rated = firms[firms["status"] == RATED].copy()
    same = (rated["class_initial"] == rated["class_by_rank"]) & (rated["reason_flag"] == "")
    rated["reason_class"] = np.where(same, "初评为" + rated["class_initial"].astype(str) + "类",
                                     "初评为" + rated["class_initial"].astype(str) + "类（按排名为" +
                                     rated["class_by_rank"].astype(str) + "类）")
    context = [c for c in CONTEXT_COLUMNS if c in frame.columns]
    for c in context:
        rated[c] = frame.loc[rated.index, c].astype(object).where(frame.loc[rated.index, c].notna(), None)
        rated[c] = rated[c].map(lambda v: v if v is None else str(v))
    rated = rated.join(whatif.add_prefix("whatif_"))
    rated["row"] = rated.index
    for c in ("bonus", "malus", "whatif_increase"):
        rated[c] = np.round(rated[c].to_numpy(dtype=float), 2 if c == "whatif_increase" else VALUE_DECIMALS)
    tax_unit = scheme.inputs["tax_paid"].unit if "tax_paid" in scheme.inputs else None
    names = ["row", "credit_code", "name", "group", *context, "bonus", "malus", "total", "rank", "rated_among",
             "tied_with", "class_by_rank", "class_initial", "reason_rank", "reason_flag", "reason_class",
             "whatif_next_class", "whatif_increase", "whatif_note"]
    columns = [rated[c].tolist() for c in names]
    out_firms = []
    for values in zip(*columns, strict=True):
        f = dict(zip(names, values, strict=True))
        reasons = [f["reason_rank"], *([f["reason_flag"]] if f["reason_flag"] else []), f["reason_class"]]
        out_firms.append({
            "credit_code": f["credit_code"], "name": f["name"], "size": f["group"],
            **{c: f[c] for c in context},
            "items": items_by_row.get(f["row"], []),
            "bonus": f["bonus"], "malus": f["malus"],
            "total": f["total"], "rank": int(f["rank"]),
            "rated_among": int(f["rated_among"]), "tied_with": int(f["tied_with"]),
            "class_by_rank": f["class_by_rank"], "class_initial": f["class_initial"],
            # No adjustment (手动调档) exists yet: the class is the initial class until one is recorded.
            "class": f["class_initial"], "reasons": reasons,
            "what_it_would_take": None if tax_unit is None else {
                "input": "tax_paid", "unit": tax_unit, "next_class": f["whatif_next_class"],
                "increase": None if f["whatif_increase"] != f["whatif_increase"] else f["whatif_increase"],
                "note": f["whatif_note"],
            },
        })
    # The order of the 公示 list: size class, then rank, then credit code among ties.
    out_firms.sort(key=lambda d: (d["size"], d["rank"], d["credit_code"]))
    not_rated_rows = firms[firms["status"] != RATED]
    not_rated = [{"credit_code": code, "name": name, "size": group,
                  "class": CLASS_T if status == CLASS_T else None, "reason": reason}
                 for code, name, group, status, reason in not_rated_rows[
                     ["credit_code", "name", "group", "status", "reason"]].itertuples(index=False, name=None)]
    benchmarks = {g: {code: _num(v) for code, v in bms.items()} for g, bms in ev.benchmarks.items()}
    return {
        "year": year,
        "scheme": scheme.code,
        "scheme_version": scheme.version,
        "scheme_name": scheme.name,
        "scheme_sha256": scheme.sha256,
        "source": scheme.source,
        "scope": scope,
        "benchmarks": benchmarks,
        "units": {g.code: {i.code: i.unit for i in g.items} for g in scheme.groups},
        "rated_among": ev.rated_among,
        "cutoffs": {g: {c: int(k) if scheme.class_rules.by == "rank_percentile" else k for c, k in cut.items()}
                    for g, cut in ev.cutoffs.items()},
        "firms": out_firms,
        "not_rated": not_rated,
        "class_counts": class_counts(ev),
        # County and park 亩均 aggregates (units 万元/亩), their class distribution and rank.
        "aggregates": {by: unit_aggregates(ev, frame, by) for by in ("county", "park")},
    }


def unit_aggregates(ev: Evaluation, frame: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """Per county or park (`by`): rated firms, 亩均税收 = Σtax ÷ Σland of its rated firms, 亩均增加值 =
    Σvalue added ÷ Σland of its rated firms that have a value-added figure (规上), the class distribution
    (T included) and the rank by 亩均税收 (competition rank; none when fewer than 2 units have a figure)."""
    if by not in frame.columns:
        return []
    units = frame[by].fillna("").astype(str)
    rated = (ev.firms["status"] == RATED).to_numpy()
    data = pd.DataFrame({
        "unit": units.to_numpy(), "rated": rated.astype(int),
        "land": np.where(rated, frame["land_area"].to_numpy(dtype=float), 0.0),
        "tax": np.where(rated, frame["tax_paid"].to_numpy(dtype=float), 0.0),
        "va": np.where(rated, frame["value_added"].fillna(0).to_numpy(dtype=float), 0.0),
        "va_land": np.where(rated & frame["value_added"].notna().to_numpy(), frame["land_area"].to_numpy(dtype=float),
                            0.0),
        "class": ev.firms["class_initial"].to_numpy(),
    })
    data = data[data["unit"] != ""]
    if data.empty:
        return []
    sums = data.groupby("unit")[["rated", "land", "tax", "va", "va_land"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        sums["tax_per_mu"] = np.where(sums["land"] > 0, sums["tax"] / sums["land"], np.nan)
        sums["va_per_mu"] = np.where(sums["va_land"] > 0, sums["va"] / sums["va_land"], np.nan)
    codes = [*ev.scheme.class_rules.codes, ev.scheme.flags.not_rated_class]
    counts = pd.crosstab(data["unit"], data["class"]).reindex(index=sums.index, columns=codes, fill_value=0)
    has = sums["tax_per_mu"].notna()
    sums["rank"] = sums["tax_per_mu"].rank(method="min", ascending=False) if has.sum() >= 2 else np.nan
    out = []
    for unit, row in sums.iterrows():  # one row per county or park, a few dozen at most
        out.append({
            by: unit, "rated": int(row["rated"]), "land_area": round(float(row["land"]), 2),
            "tax_paid": round(float(row["tax"]), 2), "tax_per_mu": _num(row["tax_per_mu"]),
            "va_per_mu": _num(row["va_per_mu"]), "rank_by_tax_per_mu": None if pd.isna(row["rank"]) else int(row["rank"]),
            "ranked_among": int(has.sum()) if has.sum() >= 2 else None,
            "class_counts": {c: int(counts.at[unit, c]) for c in codes},
        })
    return sorted(out, key=lambda d: (d["rank_by_tax_per_mu"] is None, d["rank_by_tax_per_mu"] or 0, d[by]))


def evaluation_table(doc: dict[str, Any]) -> str:
    """A plain-text table of the document for the terminal (`--format table`)."""
    lines = [f"{doc['year']}年 亩均效益综合评价 · 范围 {doc['scope']} · 方案 {doc['scheme_name']}（第{doc['scheme_version']}版）"]
    for group, bms in doc["benchmarks"].items():
        units = doc["units"].get(group, {})
        text = "，".join(f"{code} {v} {units.get(code, '')}" for code, v in bms.items())
        lines.append(f"基准值（{SIZE_LABELS.get(group, group)}，{doc['rated_among'].get(group, 0)} 家参评）：{text}")
    lines.append("")
    lines.append(f"{'排名':>4}  {'类别':<4}{'总分':>8}  {'统一社会信用代码':<20}{'规模':<4}名称")
    for f in sorted(doc["firms"], key=lambda d: (d["size"], d["rank"])):
        rank = f"{f['rank']}" + ("=" if f["tied_with"] else "")
        lines.append(f"{rank:>4}  {f['class']:<5}{f['total']:>8.2f}  {f['credit_code']:<22}"
                     f"{SIZE_LABELS.get(f['size'], f['size']):<4}{f['name']}")
    if doc["not_rated"]:
        lines.append("")
        lines.append("未参评：")
        lines.extend(f"  {d['credit_code']} {d['name']}：{d['reason']}" for d in doc["not_rated"])
    lines.append("")
    lines.append("各类企业数：" + "，".join(f"{c} {n}" for c, n in doc["class_counts"].items()))
    return "\n".join(lines)


# --- the workflow of a stored evaluation (issue 10, item 4: the office's tools) -----------------------------

FLAG_CHOICES = [("否决", "否决"), ("保护", "保护"), ("不参评", "不参评")]
DEFAULT_NOTICE_DAYS = 7


# (state, action) -> (next state, roles allowed). Why these: the office runs the evaluation and moves it on;
# a firm's own account confirms its result while 企业确认 is open and objects only during the notice; the
# office alone adjusts a class (before publication) and decides objections; nothing changes once published
# (a re-evaluation is a new version).
RUN_TRANSITIONS: dict[tuple[RunState, RunAction], tuple[RunState, frozenset[str]]] = {
    (RunState.FILLING, RunAction.CLOSE_FILLING): (RunState.VERIFYING, frozenset({"office"})),
    (RunState.VERIFYING, RunAction.VERIFY): (RunState.CONFIRMING, frozenset({"office"})),
    (RunState.CONFIRMING, RunAction.START_NOTICE): (RunState.NOTICE, frozenset({"office"})),
    (RunState.NOTICE, RunAction.PUBLISH): (RunState.PUBLISHED, frozenset({"office"})),
    (RunState.VERIFYING, RunAction.ADJUST): (RunState.VERIFYING, frozenset({"office"})),
    (RunState.CONFIRMING, RunAction.ADJUST): (RunState.CONFIRMING, frozenset({"office"})),
    (RunState.NOTICE, RunAction.ADJUST): (RunState.NOTICE, frozenset({"office"})),
    (RunState.CONFIRMING, RunAction.CONFIRM): (RunState.CONFIRMING, frozenset({"enterprise"})),
    (RunState.NOTICE, RunAction.OBJECT): (RunState.NOTICE, frozenset({"enterprise"})),
    (RunState.NOTICE, RunAction.DECIDE): (RunState.NOTICE, frozenset({"office"})),
    (RunState.FILLING, RunAction.FILE): (RunState.FILLING, frozenset({"enterprise"})),
}
RUN_NEEDS_REASON = frozenset({RunAction.ADJUST, RunAction.OBJECT, RunAction.DECIDE})


@dataclass(frozen=True)
class RunTransition:
    allowed: bool
    to_state: RunState | None
    message: str = ""


def run_transition(state: str, action: str, role: str | None) -> RunTransition:
    """Whether `role` may take `action` on an evaluation in `state`, and the state it leads to."""
    st, act = RunState(state), RunAction(action)
    rule = RUN_TRANSITIONS.get((st, act))
    if rule is None:
        why = "已发布的评价结果不能再修改，如需重新评价请新建版本。" if st == RunState.PUBLISHED else ""
        return RunTransition(False, None, f"评价当前状态为「{st.label}」，不能执行「{act.label}」。{why}")
    to_state, roles = rule
    if role not in roles:
        return RunTransition(False, None, f"您的角色不能对「{st.label}」的评价执行「{act.label}」。")
    return RunTransition(True, to_state)


def run_actions(state: str, role: str | None) -> list[RunAction]:
    """The actions `role` may take on an evaluation in `state` (for showing buttons)."""
    return [a for a in RunAction if run_transition(state, a, role).allowed]


def notice_end(start: dt.date, days: int = DEFAULT_NOTICE_DAYS) -> dt.date:
    """The last day of a notice of `days` calendar days starting on `start` (7 days from 1 July: 7 July)."""
    if days < 1:
        raise ValueError("公示天数至少为 1 天")
    return start + dt.timedelta(days=days - 1)


def publish_blockers(*, today: dt.date, end: dt.date | None, open_objections: int) -> list[str]:
    """Why an evaluation under notice cannot be published yet (empty when it can)."""
    out = []
    if end is None or today <= end:
        out.append(f"公示期未满（截止 {end:%Y-%m-%d}），期满后方可发布。" if end else "尚未开始公示。")
    if open_objections:
        out.append(f"还有 {open_objections} 件异议未处理。")
    return out


def can_object(*, today: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    """A firm may object from the first to the last day of the notice."""
    return start is not None and end is not None and start <= today <= end


# --- the stored results, built set-wise (no dict per firm: 20,000 firms in well under a second) -----------


def _json_text(values: pd.Series) -> pd.Series:
    """Each text value as a JSON string literal. Values repeat (item codes, notes, class reasons): each
    distinct value is escaped once, and only those holding a character JSON escapes go through json."""
    import json

    s = values.fillna("").astype(str)
    codes, uniques = pd.factorize(s)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    special = u.str.contains(r'[\\"\x00-\x1f]', regex=True).to_numpy(dtype=bool)
    if special.any():
        u[special] = u[special].map(lambda v: json.dumps(v, ensure_ascii=False)[1:-1])
    quoted = '"' + u.to_numpy(dtype=object) + '"'
    return pd.Series(quoted[codes] if len(codes) else np.array([], dtype=object), index=values.index, dtype=object)


def _json_number(values: np.ndarray, decimals: int) -> pd.Series:
    rounded = np.round(values.astype(float), decimals)
    # repr of each float (the shortest round-trip text, as numpy's astype(str) gives), at C speed.
    text = np.array(list(map(repr, rounded.tolist())), dtype=object)
    text[np.isnan(rounded)] = "null"
    return pd.Series(text, dtype=object)


def _obj(part: Any) -> Any:
    if isinstance(part, str):
        return part
    return np.asarray(part.to_numpy() if isinstance(part, pd.Series) else part, dtype=object)


def _cat(*parts: Any) -> np.ndarray:
    """Concatenate string columns (or scalars) element-wise: numpy's object add loops in C."""
    out = _obj(parts[0])
    for part in parts[1:]:
        out = out + _obj(part)
    return np.asarray(out, dtype=object)


def results_table(ev: Evaluation, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per firm (rated and not) in the columns of mujun.models.FirmResult (database names), with
    items, reasons and what it would take as JSON text: the same content as evaluation_document's firms
    and not_rated lists, built with column operations."""
    firms = ev.firms
    n = len(firms)
    rated = (firms["status"] == RATED).to_numpy()
    items = ev.items.reset_index(drop=True)
    # Items: one JSON object per item row, then the rows of a firm joined column-wise by position.
    note = items["note"].fillna("").astype(str).to_numpy()
    obj = _cat('{"code": ', _json_text(items["item"]), ', "value": ', _json_number(items["value"].to_numpy(), VALUE_DECIMALS),
               ', "benchmark": ', _json_number(items["benchmark"].to_numpy(), VALUE_DECIMALS),
               ', "points": ', _json_number(items["points"].to_numpy(), VALUE_DECIMALS),
               np.where(note != "", _cat(', "note": ', _json_text(items["note"])), ""), "}")
    pos = items.groupby("row").cumcount().to_numpy()
    obj = _cat(np.where(pos > 0, ", ", ""), obj)
    wide = pd.DataFrame({"row": items["row"].to_numpy(), "pos": pos, "obj": obj}).pivot(
        index="row", columns="pos", values="obj").reindex(firms.index).fillna("")
    joined = np.full(n, "", dtype=object)
    for column in wide.columns:  # one pass per item position (at most the scheme's items), not per firm
        joined = _cat(joined, wide[column].to_numpy())
    items_json = _cat("[", joined, "]")

    same = ((firms["class_initial"] == firms["class_by_rank"]) & (firms["reason_flag"] == "")).to_numpy()
    initial = firms["class_initial"].fillna("").astype(str).to_numpy()
    reason_class = np.where(same, _cat("初评为", initial, "类"),
                            _cat("初评为", initial, "类（按排名为", firms["class_by_rank"].fillna("").astype(str).to_numpy(), "类）"))
    flag = firms["reason_flag"].fillna("").astype(str)
    rated_reasons = _cat("[", _json_text(firms["reason_rank"]),
                         np.where(flag.to_numpy() != "", _cat(", ", _json_text(flag)), ""),
                         ", ", _json_text(pd.Series(reason_class, index=firms.index)), "]")
    not_rated_reasons = _cat("[", _json_text(firms["reason"]), "]")
    reasons = np.where(rated, rated_reasons, not_rated_reasons)

    whatif = increase_to_next_class(ev)
    tax_unit = ev.scheme.inputs["tax_paid"].unit if "tax_paid" in ev.scheme.inputs else None
    if tax_unit is None:
        what = np.full(n, "null", dtype=object)
    else:
        nxt = whatif["next_class"]
        unit_text = _json_text(pd.Series([tax_unit])).iloc[0]
        what = _cat('{"input": "tax_paid", "unit": ', unit_text,
                    ', "next_class": ', np.where(nxt.notna().to_numpy(), _json_text(nxt.fillna("")), "null"),
                    ', "increase": ', _json_number(whatif["increase"].to_numpy(), 2),
                    ', "note": ', _json_text(whatif["note"]), "}")
        what = np.where(rated, what, "null")

    klass = np.where(rated, initial, np.where(firms["status"] == CLASS_T, CLASS_T, ""))
    with np.errstate(divide="ignore", invalid="ignore"):
        land = frame["land_area"].to_numpy(dtype=float)
        tax_per_mu = np.where(land > 0, frame["tax_paid"].to_numpy(dtype=float) / land, np.nan)
        va_per_mu = np.where(land > 0, frame["value_added"].to_numpy(dtype=float) / land, np.nan)
    context = {c: frame[c].fillna("").astype(str).to_numpy() if c in frame else np.full(n, "", dtype=object)
               for c in CONTEXT_COLUMNS}
    return pd.DataFrame({
        "credit_code": firms["credit_code"].astype(str).to_numpy(), "name": firms["name"].astype(str).to_numpy(),
        "size": firms["group"].astype(str).to_numpy(), **context, "rated": rated,
        "items": np.where(rated, items_json, "[]"), "tax_per_mu": tax_per_mu, "va_per_mu": va_per_mu,
        "total": np.where(rated, firms["total"].to_numpy(dtype=float), np.nan),
        "rank": pd.array(np.where(rated, firms["rank"].fillna(0).to_numpy(dtype=float), np.nan), dtype="Int64"),
        "rated_among": pd.array(np.where(rated, firms["rated_among"].fillna(0).to_numpy(dtype=float), np.nan),
                                dtype="Int64"),
        "class_initial": klass, "class": klass, "adjust_reason": "", "reasons": reasons,
        "what_it_would_take": what,
    })


def evaluation_summary(ev: Evaluation, frame: pd.DataFrame, *, year: int, scope: str) -> dict[str, Any]:
    """The run-level part of evaluation_document (benchmarks, units, counts, cut-offs, aggregates)."""
    scheme = ev.scheme
    return {
        "year": year, "scope": scope, "scheme_name": scheme.name, "source": scheme.source,
        "benchmarks": {g: {code: _num(v) for code, v in bms.items()} for g, bms in ev.benchmarks.items()},
        "units": {g.code: {i.code: i.unit for i in g.items} for g in scheme.groups},
        "rated_among": ev.rated_among,
        "cutoffs": {g: {c: int(k) if scheme.class_rules.by == "rank_percentile" else k for c, k in cut.items()}
                    for g, cut in ev.cutoffs.items()},
        "class_counts": class_counts(ev),
        "aggregates": {by: unit_aggregates(ev, frame, by) for by in ("county", "park")},
    }
