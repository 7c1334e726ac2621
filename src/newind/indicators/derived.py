"""Derived figures for one period: roll-ups, nominal growth and ranks, stored in `DerivedFigure`.

`recompute_period` is the one recompute: it runs as SQL inside the database (`derived_sql`: GROUP BY, window
functions, INSERT … SELECT, on SQLite and PostgreSQL) and replaces the period's rows; the worker job
`derived.recompute` calls it after every write of figures (indicators/jobs.py). `compute_period` is the same
computation on frames (pandas), the reference the SQL is tested equal to:

- **roll-ups** of additive levels and counts along each named hierarchy ('admin': enterprise → county → city
  → province; 'park': enterprise → park). Only leaf units (enterprises by default) are summed, so a park
  sitting under a county in the admin tree is never double-counted.
- **nominal year-on-year growth** (`indicators.calc.yoy_growth_pct`, levels and counts: NOMINAL_GROWTH_KINDS)
  of each unit's figure (its own, or its roll-up when it has none), labelled 现价名义; none from a base ≤ 0.
  A published comparable-price growth is its own indicator and is never recomputed here.
- **ranks** (`indicators.calc.rank_within_groups`: 并列 competition ranks, direction, "among N that
  reported") within each peer group and among siblings of the same kind in each hierarchy; a group with
  fewer members reporting than its minimum (`PeerGroup.min_reporting`) ranks nobody.

The cache keeps the units above the leaves (INCLUDE_LEAVES False; docs/decisions.md): an enterprise's own
growth is one pair of its observations (`indicators.queries.period_frame`), and ranking firms is the 亩均
scoring's work. `include_leaves=True` stores the leaves' rows too. Read the stored rows with `derived_frame`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from newind.core.bulk import bulk_insert
from newind.core.errors import AppError
from newind.indicators.calc import (
    MIN_REPORTING,
    NOMINAL_GROWTH_KINDS,
    attach_same_period_last_year,
    rank_within_groups,
    yoy_growth_pct,
)
from newind.indicators.models import DerivedFigure, DerivedKind, Direction, Indicator, ValueKind
from newind.indicators.periods import Period
from newind.indicators.queries import period_frame
from newind.units.models import PeerGroupMember, Unit, UnitLink

HIERARCHIES = ("admin", "park")
LEAF_KINDS = ("enterprise",)
NOMINAL = "nominal"
VALUE_COLUMNS = ["indicator_id", "unit_id", "year", "value", "is_synthetic"]
# Whether the cache also holds each leaf's own growth and sibling rank (docs/decisions.md: it does not).
INCLUDE_LEAVES = False
DERIVED_COLUMNS = ["indicator_id", "unit_id", "kind", "scope", "value", "last_year_value", "rank", "reported",
                   "tied", "is_synthetic"]


# --- pure part: frames in, frames out --------------------------------------------------------------------


def resolve_ancestors(edges: pd.DataFrame, leaf_ids: Iterable[int]) -> pd.DataFrame:
    """Every (leaf_id, ancestor_id, depth) pair of a hierarchy's (parent_id, child_id) edges.

    One vectorised lookup per level of the tree, however many leaves: depth 1 is the parent, 2 the
    grandparent, … A cycle in the edges is refused rather than looped over forever.
    """
    parent_of = edges.drop_duplicates("child_id").set_index("child_id")["parent_id"]
    leaves = np.unique(np.asarray(list(leaf_ids) if not isinstance(leaf_ids, pd.Series | np.ndarray)
                                  else leaf_ids, dtype=np.int64))
    node = pd.Series(leaves, index=leaves)
    frames = []
    for depth in range(1, 33):
        parent = node.map(parent_of).dropna().astype(np.int64)
        if parent.empty:
            break
        frames.append(pd.DataFrame({"leaf_id": parent.index.to_numpy(), "ancestor_id": parent.to_numpy(),
                                    "depth": depth}))
        node = parent
    else:
        raise AppError("层级关系中存在循环（某单位成了自己的上级）：请检查单位的上级设置。")
    if not frames:
        return pd.DataFrame({"leaf_id": pd.Series(dtype=np.int64), "ancestor_id": pd.Series(dtype=np.int64),
                             "depth": pd.Series(dtype=np.int64)})
    return pd.concat(frames, ignore_index=True)


def roll_up(values: pd.DataFrame, ancestors: pd.DataFrame) -> pd.DataFrame:
    """Sum leaf values to each ancestor: `values` has indicator_id, unit_id (the leaf), year, value,
    is_synthetic. Returns indicator_id, unit_id (the ancestor), year, value, reported (leaves that had a
    figure) and is_synthetic (any leaf synthetic)."""
    merged = values.merge(ancestors[["leaf_id", "ancestor_id"]], left_on="unit_id", right_on="leaf_id")
    out = merged.groupby(["indicator_id", "ancestor_id", "year"], as_index=False, sort=False).agg(
        value=("value", "sum"), reported=("value", "count"), is_synthetic=("is_synthetic", "max"))
    return out.rename(columns={"ancestor_id": "unit_id"})


def nominal_growth(figures: pd.DataFrame, year: int) -> pd.DataFrame:
    """Nominal year-on-year growth (%) of `year`'s figures against last year's, per indicator and unit."""
    frame = figures.assign(period_n=0)
    both = attach_same_period_last_year(frame, by=["indicator_id", "unit_id"])
    cur = both[both["year"] == year]
    return cur.assign(growth=yoy_growth_pct(cur["value"], cur["last_year_value"]))


def ranks(figures: pd.DataFrame, memberships: pd.DataFrame, higher_is_better: pd.Series) -> pd.DataFrame:
    """Rank each figure within each group it belongs to. `figures`: indicator_id, unit_id, value;
    `memberships`: group_key (int), scope (label), unit_id and optionally min_reporting (the group's
    minimum of members with a figure; default MIN_REPORTING) — a unit may be in many groups;
    `higher_is_better`: bool by indicator_id. Returns the merged rows with rank, reported and tied."""
    merged = figures.merge(memberships, on="unit_id")
    merged = merged.assign(higher=merged["indicator_id"].map(higher_is_better).fillna(True).astype(bool))
    if "min_reporting" not in merged.columns:
        merged["min_reporting"] = MIN_REPORTING
    # A group with fewer members reporting than its minimum gets no rank (`ranking_applies`).
    return rank_within_groups(merged, "value", ["indicator_id", "group_key"], higher_is_better="higher",
                              minimum=merged["min_reporting"].fillna(MIN_REPORTING))


def sibling_groups(edges: pd.DataFrame, kinds: pd.Series, hierarchy_code: str, key_offset: int) -> pd.DataFrame:
    """Memberships for ranking among siblings: children of one parent of the same kind (an enterprise is
    not ranked against a park that sits under the same county). `kinds`: unit kind by unit id."""
    child_kind = edges["child_id"].map(kinds).astype("category").cat.codes.astype(np.int64)
    return pd.DataFrame({
        "group_key": key_offset + edges["parent_id"].to_numpy() * 16 + child_kind.to_numpy(),
        "scope": f"siblings:{hierarchy_code}", "unit_id": edges["child_id"].to_numpy(),
    })


# --- reads ------------------------------------------------------------------------------------------------


def _period_values(period: Period, indicator_ids: Sequence[int]) -> pd.DataFrame:
    """Current figures of the period and of the same period last year (`indicators.queries.period_frame`)."""
    frame = period_frame(period, indicator_ids=indicator_ids)[VALUE_COLUMNS]
    return frame.astype({"indicator_id": np.int64, "unit_id": np.int64, "year": np.int64, "value": float,
                         "is_synthetic": bool})


def _edges(hierarchy_code: str) -> pd.DataFrame:
    rows = list(UnitLink.objects.filter(hierarchy__code=hierarchy_code).values_list("parent_id", "child_id"))
    return pd.DataFrame(rows, columns=["parent_id", "child_id"], dtype=np.int64)


@dataclass
class StoredResult:
    """What `recompute_period` stored: rows by kind, and timings (read = build the work tables; store)."""

    period: Period
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass
class DerivedResult:
    """What `compute_period` produced, as one long frame with the DERIVED_COLUMNS, plus counts."""

    period: Period
    frame: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)  # seconds: read, compute, store

    @property
    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.frame["kind"].value_counts().items()}


def compute_period(period: Period, *, hierarchies: Sequence[str] = HIERARCHIES,
                   leaf_kinds: Sequence[str] = LEAF_KINDS, indicator_codes: Sequence[str] | None = None,
                   include_leaves: bool = INCLUDE_LEAVES) -> DerivedResult:
    """Roll-ups, nominal growth and ranks for one period from the current observations (nothing written).

    The frame path: the reference that the SQL path (`recompute_period`) is tested equal to, and what a
    caller that wants the figures without storing them uses. `include_leaves` as in `recompute_period`.
    """
    started = time.perf_counter()
    indicators = Indicator.objects.all()
    if indicator_codes is not None:
        indicators = indicators.filter(code__in=list(indicator_codes))
    meta = pd.DataFrame(list(indicators.values_list("id", "value_kind", "additive", "direction")),
                        columns=["indicator_id", "value_kind", "additive", "direction"])
    read_started = time.perf_counter()
    values = _period_values(period, meta["indicator_id"].tolist())
    read_s = time.perf_counter() - read_started
    meta = meta.set_index("indicator_id")
    kinds = pd.Series(dict(Unit.objects.values_list("id", "kind")), dtype=object)
    leaf_ids = kinds.index[kinds.isin(list(leaf_kinds))].to_numpy(dtype=np.int64)

    # Roll-ups of additive levels and counts, both years (last year's is the base of the growth).
    summable = meta.index[meta["additive"] & meta["value_kind"].isin([ValueKind.LEVEL, ValueKind.COUNT])]
    leaf_values = values[values["unit_id"].isin(leaf_ids) & values["indicator_id"].isin(summable)]
    edges = {code: _edges(code) for code in hierarchies}
    rollups = []
    for code in hierarchies:
        rolled = roll_up(leaf_values, resolve_ancestors(edges[code], leaf_ids))
        rollups.append(rolled.assign(kind=str(DerivedKind.ROLLUP), scope=code))
    rollup = pd.concat(rollups, ignore_index=True) if rollups else pd.DataFrame(columns=[*VALUE_COLUMNS, "scope"])

    # Each unit's figure: its own stored figure, or else its roll-up (the first hierarchy that has one).
    stored = values.assign(source_rank=-1)
    derived = rollup.assign(source_rank=rollup["scope"].map({c: i for i, c in enumerate(hierarchies)}))
    figures = (
        pd.concat([stored[[*VALUE_COLUMNS, "source_rank"]], derived[[*VALUE_COLUMNS, "source_rank"]]],
                  ignore_index=True)
        .sort_values("source_rank", kind="stable")
        .drop_duplicates(["indicator_id", "unit_id", "year"])
    )

    if not include_leaves:  # the cache keeps the units above the leaves (docs/decisions.md)
        figures = figures[~figures["unit_id"].isin(leaf_ids)]

    # Nominal growth of levels and counts (never of rates or ratios: they change by a difference).
    levels = meta.index[meta["value_kind"].isin(list(NOMINAL_GROWTH_KINDS))]
    growth = nominal_growth(figures[figures["indicator_id"].isin(levels)][VALUE_COLUMNS], period.year)
    growth = growth.dropna(subset=["growth"])
    growth_rows = pd.DataFrame({
        "indicator_id": growth["indicator_id"], "unit_id": growth["unit_id"], "kind": str(DerivedKind.GROWTH),
        "scope": NOMINAL, "value": growth["growth"], "last_year_value": growth["last_year_value"],
        "is_synthetic": growth["is_synthetic"],
    })

    # Ranks within peer groups and among siblings of each hierarchy.
    current = figures[figures["year"] == period.year][["indicator_id", "unit_id", "value", "is_synthetic"]]
    groups = pd.DataFrame(list(PeerGroupMember.objects.values_list("group_id", "group__code", "unit_id",
                                                                   "group__min_reporting")),
                          columns=["group_key", "scope", "unit_id", "min_reporting"])
    groups["group_key"] = -groups["group_key"]  # peer-group keys are negative, sibling keys positive
    groups["scope"] = "group:" + groups["scope"]
    offset = int(kinds.index.max() + 1) * 16 if len(kinds) else 0
    siblings = [sibling_groups(e, kinds, code, offset * i) for i, (code, e) in enumerate(edges.items())]
    memberships = pd.concat([groups, *siblings], ignore_index=True)
    if not include_leaves:
        memberships = memberships[~memberships["unit_id"].isin(leaf_ids)]
    ranked = ranks(current, memberships, meta["direction"] == Direction.HIGHER)
    rank_rows = ranked.assign(kind=str(DerivedKind.RANK))

    rollup_rows = rollup[rollup["year"] == period.year]
    frame = pd.concat([
        rollup_rows.reindex(columns=DERIVED_COLUMNS), growth_rows.reindex(columns=DERIVED_COLUMNS),
        rank_rows.reindex(columns=DERIVED_COLUMNS),
    ], ignore_index=True)
    frame["tied"] = frame["tied"].astype("boolean").fillna(False).astype(bool)
    frame["is_synthetic"] = frame["is_synthetic"].astype("boolean").fillna(False).astype(bool)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["reported"] = frame["reported"].astype("Int64")
    frame = frame.astype({"indicator_id": np.int64, "unit_id": np.int64})
    return DerivedResult(period, frame, {"read": read_s, "compute": time.perf_counter() - started - read_s})


# --- writes -------------------------------------------------------------------------------------------------

@transaction.atomic
def recompute_period(period: Period, *, hierarchies: Sequence[str] = HIERARCHIES,
                     leaf_kinds: Sequence[str] = LEAF_KINDS, indicator_codes: Sequence[str] | None = None,
                     include_leaves: bool = INCLUDE_LEAVES) -> StoredResult:
    """Recompute and store every derived figure of one period inside the database (only the rows that
    changed are deleted and inserted again; see `derived_sql`).

    The roll-ups, growth and ranks run as SQL (`derived_sql`), so no leaf row is read into Python and no
    derived row is written from it. `include_leaves` True also stores each leaf's (enterprise's) own growth
    and its rank among its siblings; the default keeps the cache to the units above the leaves.
    """
    from newind.indicators.derived_sql import recompute_period_sql

    indicators = Indicator.objects.all()
    if indicator_codes is not None:
        indicators = indicators.filter(code__in=list(indicator_codes))
    timings, counts = recompute_period_sql(period, hierarchies=hierarchies, leaf_kinds=leaf_kinds,
                                           indicator_ids=list(indicators.values_list("id", flat=True)),
                                           include_leaves=include_leaves, computed_at=timezone.now())
    return StoredResult(period, counts, timings)


@transaction.atomic
def recompute_period_frames(period: Period, **options: object) -> DerivedResult:
    """The frame path's recompute: `compute_period`, then the rows written back (the benchmark's 'before')."""
    result = compute_period(period, **options)  # type: ignore[arg-type]
    started = time.perf_counter()
    DerivedFigure.objects.filter(year=period.year, period_kind=period.kind.value, period_n=period.n).delete()
    bulk_insert_derived(result.frame, period)
    result.timings["store"] = time.perf_counter() - started
    return result


def bulk_insert_derived(frame: pd.DataFrame, period: Period) -> None:
    """Insert derived rows through `core.bulk.bulk_insert` (PostgreSQL COPY of typed rows; no model objects)."""
    # COPY fed row tuples that psycopg formats in C: measured twice as fast as one INSERT from unnest(column
    # arrays) and several times faster than writing the text with pandas' CSV writer.
    bulk_insert(DerivedFigure, frame.reindex(columns=DERIVED_COLUMNS), constants={
        "year": period.year, "period_kind": period.kind.value, "period_n": period.n, "computed_at": timezone.now()})


# --- reads of the stored figures ------------------------------------------------------------------------------


def derived_frame(period: Period, *, kind: str | None = None, scope: str | None = None,
                  indicator: Indicator | None = None) -> pd.DataFrame:
    """Stored derived figures of one period (optionally one kind, scope or indicator) with unit codes."""
    qs = DerivedFigure.objects.filter(year=period.year, period_kind=period.kind.value, period_n=period.n)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if scope is not None:
        qs = qs.filter(scope=scope)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    cols = ["indicator__code", "unit_id", "unit__code", "unit__name", "kind", "scope", "value", "last_year_value",
            "rank", "reported", "tied", "is_synthetic", "computed_at"]
    frame = pd.DataFrame(list(qs.values_list(*cols)), columns=cols)
    return frame.rename(columns={"indicator__code": "indicator_code", "unit__code": "unit_code",
                                 "unit__name": "unit_name"})
