"""One code path for the assessment's page, API and command: a scheme and a period in, the result as a
JSON-ready dict out (the shape `newind assessment run|review --format json` prints and a run stores).

Shape: {year, quarter, period, period_label, kind, scheme: {code, version, name, source, sha256}, units:
[{code, name, type, items: [{code, label, raw, unit, weight, points, rule, version, source}], bonus, malus,
veto, veto_reason, total, rank, grade, grade_label, grade_by_score, rank_text, grade_text, status, reason}],
rewards, veto_blocked}; a review adds rank_change (per unit), interview and commentary.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from newind.assessment import calc, providers
from newind.assessment.schemes import AssessmentScheme
from newind.indicators.periods import Period


def _clean(value: Any, decimals: int = 2) -> Any:
    """A value as JSON has it: None for a missing one, plain numbers (rounded floats) for numpy or pandas ones."""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return round(value, decimals)
    return value


def period_of(year: int, quarter: int | None = None) -> Period:
    return Period.annual(year) if quarter is None else Period.quarter(year, quarter)


_INTS = {"rank", "version", "rated_among"}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts; ranks and versions are whole numbers, not 1.0."""
    return [{k: _int(_clean(v)) if k in _INTS else _clean(v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def _int(value: Any) -> Any:
    return None if value is None else int(value)


def result_dict(result: calc.Result, provenance: pd.DataFrame, period: Period, quarter: int | None,
                figures_period: str = "") -> dict[str, Any]:
    scheme = result.scheme
    items = result.items.merge(provenance, on=["code", "input"], how="left")
    items = items.astype(object).where(items.notna(), None)
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in items.to_dict("records"):
        by_unit.setdefault(row["code"], []).append({
            "code": row["item"], "label": row["label"], "raw": _clean(row["raw"], 4), "unit": row["unit"],
            "weight": _clean(row["weight"]), "points": _clean(row["points"]), "rule": row["rule"],
            "version": _int(_clean(row["version"])), "source": row["source"] or ""})
    units = []
    for row in _records(result.units):
        units.append({"code": row["code"], "name": row["name"], "type": row["unit_type"],
                      "type_label": row["type_label"], "items": by_unit.get(row["code"], []),
                      "bonus": row["bonus"], "malus": row["malus"], "veto": bool(row["veto"]),
                      "veto_reason": row["veto_reason"] or "", "total": row["total"],
                      "rank": None if row["rank"] is None else int(row["rank"]),
                      "grade": row["grade"], "grade_label": row["grade_label"], "grade_by_score": row["grade_by_score"],
                      "rank_text": row["rank_text"], "grade_text": row["grade_text"], "status": row["status"],
                      "reason": row["reason"]})
    return {
        "year": period.year, "quarter": quarter, "period": period.key, "period_label": period.label,
        "figures_period": figures_period or period.label, "kind": scheme.kind,
        "scheme": {"code": scheme.code, "version": scheme.version, "name": scheme.name, "source": scheme.source,
                   "sha256": scheme.sha256},
        "units": units,
        "rewards": _records(calc.rewards(result.units, scheme)),
        "veto_blocked": _records(calc.veto_blocked(result.units, scheme)),
    }


def assessment(scheme: AssessmentScheme, year: int, *, quarter: int | None = None,
               unit_codes: list[str] | None = None, as_of: dt.date | None = None) -> tuple[calc.Result, dict[str, Any]]:
    """Score the scheme's units on the figures of the year (1—12月) or of the quarter (1—N季度)."""
    period = period_of(year, quarter)
    frame, provenance = providers.input_frame(scheme, period, unit_codes=unit_codes, as_of=as_of)
    result = calc.assess(frame, scheme)
    return result, result_dict(result, provenance, period, quarter, frame.attrs.get("figures_period", ""))


def _frames(data: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stored or computed result back as the units and items frames the review's calc reads."""
    units = pd.DataFrame([{k: u[k] for k in ("code", "name", "rank", "total")} for u in data["units"]],
                         columns=["code", "name", "rank", "total"])
    items = pd.DataFrame([{"code": u["code"], "item": i["code"], "label": i["label"], "raw": i["raw"],
                           "unit": i["unit"], "weight": i["weight"], "points": i["points"]}
                          for u in data["units"] for i in u["items"]],
                         columns=["code", "item", "label", "raw", "unit", "weight", "points"])
    for frame, cols in ((units, ["rank", "total"]), (items, ["raw", "weight", "points"])):
        for c in cols:
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
    return units, items


def review(scheme: AssessmentScheme, year: int, quarter: int, *, previous: dict[str, Any] | None = None,
           unit_codes: list[str] | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    """The quarterly review (季讲评): the quarter's league with rank changes on the previous quarter (the stored
    review when given, else computed on today's figures), the interview list and the commentary."""
    if not 1 <= quarter <= 4:
        from newind.core.errors import AppError

        raise AppError(f"季度应为1—4，收到 {quarter}。")
    _, now = assessment(scheme, year, quarter=quarter, unit_codes=unit_codes, as_of=as_of)
    if previous is None and quarter > 1:
        _, previous = assessment(scheme, year, quarter=quarter - 1, unit_codes=unit_codes, as_of=as_of)
    units, items = _frames(now)
    before_units, before_items = _frames(previous) if previous else (None, None)
    change = calc.rank_change(units, before_units)
    for unit, delta in zip(now["units"], change, strict=True):
        unit["rank_change"] = _clean(delta)
        unit["rank_change_text"] = calc.rank_change_text(delta)
    talks = calc.interview(units, scheme)
    now["interview"] = _records(talks)
    now["commentary"] = calc.commentary(units, items, before_units, before_items, scheme,
                                        period_of(year, quarter).label, talks)
    now["previous_period"] = previous["period"] if previous else None
    return now
