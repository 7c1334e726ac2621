"""The recompute of one period's derived figures as SQL run inside the database (SQLite and PostgreSQL).

Same definitions as the frame path `derived.compute_period` (the reference the tests compare it with, on
both databases): roll-ups of additive levels and counts from the leaf units along each hierarchy, nominal
year-on-year growth (`indicators.calc.yoy_growth_pct`: none from a base ≤ 0) and competition ranks
(`indicators.calc.rank_within_groups`: 并列, and nobody ranked in a group where fewer than
`ranking_applies` members reported). Nothing but counts crosses into Python: reading the leaf rows into
pandas and writing every derived row back was 90% of the province recompute (docs/performance.md).

The statements are portable SQL: `WITH RECURSIVE`, `GROUP BY`, window functions (`RANK`, `COUNT … OVER`,
`ROW_NUMBER`), temporary tables and `INSERT … SELECT`; SQLite ≥ 3.25 and PostgreSQL ≥ 11 run them as they
are. Only the float type's name differs. Booleans are written as comparisons, which both store natively.

Steps, for period P of year Y (and Y − 1, the base of the growth):
1. `nd_parent`: leaf figures summed to each leaf's direct parent in each hierarchy (one scan of the
   period's current observations, one GROUP BY). SQLite, which aggregates a GROUP BY by sorting, instead adds
   each leaf figure into its (combination of parents, indicator, year) row by an upsert and sums those few
   rows to the parents (`_leaf_sums_upsert`, `Tables.upsert_leaf_sums`); the DuckDB floor and PostgreSQL
   run the GROUP BY.
2. `nd_up`: every non-leaf node's ancestors, itself included (a recursive walk of the small upper tree).
3. `nd_rollup`: the parents' sums summed to every ancestor (a GROUP BY over a few thousand rows).
4. `nd_fig`: each unit's figure: its own stored figure, else its roll-up in the first hierarchy.
5. INSERT … SELECT of the roll-ups, the growth (a self-join of `nd_fig` on the year) and the ranks (window
   functions over `nd_fig` joined with the peer groups and the sibling groups).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from newind.indicators.calc import MIN_REPORTING, NOMINAL_GROWTH_KINDS
from newind.indicators.models import DerivedFigure, DerivedKind, Indicator, Observation, ValueKind
from newind.indicators.periods import Period
from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitLink

TEMP_TABLES = ("nd_lck", "nd_combo", "nd_k", "nd_parent", "nd_up", "nd_rollup", "nd_fig", "nd_member", "nd_new", "nd_old", "nd_same")
# PostgreSQL: the columns of each temporary table that later statements join or group on, the only ones
# whose statistics the planner uses; an ANALYZE of every column cost 45 ms of a 330 ms recompute.
ANALYZE_COLUMNS = {
    "nd_parent": "hid, unit_id", "nd_up": "hid, node_id", "nd_rollup": "indicator_id, unit_id, year",
    "nd_fig": "indicator_id, unit_id, year", "nd_member": "unit_id", "nd_new": "indicator_id, unit_id, kind, scope",
    "nd_old": "indicator_id, unit_id, kind, scope", "nd_same": "old_id, nid",
}
# A tree deeper than this is a cycle in the links (the frame path refuses it the same way).
MAX_DEPTH = 32


@dataclass(frozen=True)
class Tables:
    """Where the statements read and write: the Django tables, or the same data elsewhere (the benchmark's
    DuckDB floor runs these very statements on a copy)."""

    observation: str
    unit: str
    link: str
    hierarchy: str
    indicator: str
    member: str
    group: str
    derived: str
    real: str  # the float type's name
    # PostgreSQL: ANALYZE each temporary table once filled. Autovacuum never sees temporary tables, and
    # without statistics the planner took the growth's and ranks' joins for a dozen rows (nested loops).
    analyze: bool = False
    # SQLite: sum the leaves to their parents by upserts into a small integer-keyed table (`_leaf_sums_upsert`)
    # instead of one GROUP BY. SQLite has no hash aggregation: its GROUP BY sorts every joined row (766,000
    # at province scale, 1.9 of the recompute's 2.3 s of CPU). PostgreSQL and DuckDB hash; they keep the
    # GROUP BY, so the DuckDB floor runs the portable statement.
    upsert_leaf_sums: bool = False

    @classmethod
    def django(cls) -> Tables:
        q = connection.ops.quote_name
        names = [q(m._meta.db_table) for m in (Observation, Unit, UnitLink, Hierarchy, Indicator,
                                                PeerGroupMember, PeerGroup, DerivedFigure)]
        real = "double precision" if connection.vendor == "postgresql" else "REAL"
        return cls(names[0], names[1], names[2], names[3], names[4], names[5], names[6], names[7], real,
                   analyze=connection.vendor == "postgresql", upsert_leaf_sums=connection.vendor == "sqlite")


def _in(values: Sequence[object]) -> tuple[str, list[object]]:
    """An IN list of placeholders (never empty: `IN (NULL)` matches nothing)."""
    if not values:
        return "(NULL)", []
    return "(" + ", ".join(["%s"] * len(values)) + ")", list(values)


def recompute_period_sql(period: Period, *, hierarchies: Sequence[str], leaf_kinds: Sequence[str],
                         indicator_ids: Sequence[int], include_leaves: bool,
                         computed_at: object) -> tuple[dict[str, float], dict[str, int]]:
    """Bring the period's DerivedFigure rows to those computed in SQL; return timings in seconds and the
    period's rows by kind.

    `include_leaves` False keeps the cache to the units above the leaves (no growth or sibling rank of each
    enterprise; see docs/decisions.md). Runs inside the caller's transaction.
    """
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        def run(sql: str, params: list[object]) -> list[tuple]:
            cur.execute(sql, params)
            return cur.fetchall() if sql.lstrip().upper().startswith("SELECT") else []

        # PostgreSQL: more memory for the leaf roll-up's hash aggregate, for these statements only (set local
        # to the transaction, then put back; a rollback puts it back by itself). With the default 4 MB the
        # aggregate spilled to disk at 100,000 firms and the recompute took 2.6 s instead of 2.0 s.
        previous = None
        if connection.vendor == "postgresql":
            previous = run("SELECT current_setting('work_mem')", [])[0][0]
            run("SELECT set_config('work_mem', %s, true)", [settings.NEWIND_RECOMPUTE_WORK_MEM])
        timings = run_statements(run, statements(period, Tables.django(), hierarchies=hierarchies,
                                                 leaf_kinds=leaf_kinds, indicator_ids=indicator_ids,
                                                 summable_ids=summable_indicator_ids(indicator_ids),
                                                 include_leaves=include_leaves, computed_at=computed_at),
                                 counts)
        if previous is not None:
            run("SELECT set_config('work_mem', %s, true)", [previous])
    return timings, counts


def summable_indicator_ids(indicator_ids: Sequence[int]) -> list[int]:
    """The indicators among these whose leaf figures are summed to the parents: additive levels and counts."""
    return sorted(Indicator.objects.filter(id__in=list(indicator_ids), additive=True,
                                           value_kind__in=[ValueKind.LEVEL, ValueKind.COUNT])
                  .values_list("id", flat=True))


Statement = tuple[str, str, list[object]]  # (phase: "read" | "store" | "check" | "counts", sql with %s, params)


def run_statements(run: Callable[[str, list[object]], list[tuple]], steps: list[Statement],
                   counts: dict[str, int] | None = None) -> dict[str, float]:
    """Execute the statements in order with `run(sql, params)`; time them by phase; refuse a cycle. The
    rows of the "counts" statement (the period's rows by kind) go into `counts` when given."""
    timings: dict[str, float] = {"read": 0.0, "store": 0.0}
    for phase, sql, params in steps:
        started = time.perf_counter()
        rows = run(sql, params)
        if phase == "check" and rows and rows[0][0]:
            from newind.core.errors import AppError

            raise AppError("层级关系中存在循环（某单位成了自己的上级）：请检查单位的上级设置。")
        if phase == "counts" and counts is not None:
            counts.update({str(kind): int(n) for kind, n in rows})
        timings["store" if phase == "store" else "read"] += time.perf_counter() - started
    return timings


def statements(period: Period, t: Tables, *, hierarchies: Sequence[str], leaf_kinds: Sequence[str],
               indicator_ids: Sequence[int], summable_ids: Sequence[int], include_leaves: bool,
               computed_at: object) -> list[Statement]:
    """The recompute of one period as a list of SQL statements (placeholders %s). `summable_ids`: those of
    `indicator_ids` whose leaf figures are summed (`summable_indicator_ids`)."""
    obs, unit, link, hier, ind, member, group, derived, real = (
        t.observation, t.unit, t.link, t.hierarchy, t.indicator, t.member, t.group, t.derived, t.real)
    leaf_in, leaf_params = _in(list(leaf_kinds))
    hier_in, hier_params = _in(list(hierarchies))
    ind_in, ind_params = _in(list(indicator_ids))
    # The indicators whose leaf figures are summed: a constant list (see step 1).
    summable_in, summable_params = _in(list(summable_ids))
    growth_in, growth_params = _in(sorted(NOMINAL_GROWTH_KINDS))
    # `o.is_current` written bare, exactly as the partial index `obs_hot_path` says it (WHERE "is_current"):
    # SQLite uses a partial index only for a query whose WHERE contains its condition's very term.
    period_where = "o.is_current AND o.period_kind = %s AND o.period_n = %s AND o.year IN (%s, %s)"
    period_params: list[object] = [period.kind.value, period.n, period.year, period.year - 1]
    hier_order = " ".join(f"WHEN %s THEN {i}" for i in range(len(hierarchies)))
    out: list[Statement] = [("read", f"DROP TABLE IF EXISTS {name}", []) for name in TEMP_TABLES]

    def add(phase: str, sql: str, params: list[object]) -> None:
        out.append((phase, sql, params))
        if t.analyze and sql.startswith("CREATE TEMP TABLE "):
            name = sql.split()[3]
            out.append((phase, f"ANALYZE {name} ({ANALYZE_COLUMNS[name]})", []))

    if t.upsert_leaf_sums and hierarchies:
        out += _leaf_sums_upsert(period, t, hierarchies=hierarchies, leaf_in=(leaf_in, leaf_params),
                                 summable_ids=summable_ids, period_where=(period_where, period_params))
    else:
        # 1. Leaf figures summed to their direct parent, both hierarchies and both years in one pass: the
        # period's index range of the summable indicators (a constant list, so PostgreSQL can split the scan
        # among parallel workers) hash-joined to each leaf's parents and hash-aggregated. The leaves' parents
        # are read from the real tables, not a temporary copy: PostgreSQL runs no part of a plan that reads a
        # temporary table in a parallel worker, and with the copy the join and the aggregate ran on one core
        # (docs/performance.md).
        add("read",
            f"CREATE TEMP TABLE nd_parent AS "
            f"SELECT lp.hid AS hid, o.indicator_id AS indicator_id, lp.parent_id AS unit_id, o.year AS year, "
            f"CAST(SUM(o.value) AS {real}) AS value, COUNT(*) AS reported, "
            f"MAX(CASE WHEN o.is_synthetic THEN 1 ELSE 0 END) AS syn "
            f"FROM {obs} o JOIN ("
            f"SELECT l.child_id AS child_id, l.hierarchy_id AS hid, l.parent_id AS parent_id "
            f"FROM {link} l JOIN {unit} e ON e.id = l.child_id JOIN {hier} h ON h.id = l.hierarchy_id "
            f"WHERE e.kind IN {leaf_in} AND h.code IN {hier_in}) AS lp ON lp.child_id = o.unit_id "
            f"WHERE {period_where} AND o.indicator_id IN {summable_in} "
            f"GROUP BY lp.hid, o.indicator_id, lp.parent_id, o.year",
            [*leaf_params, *hier_params, *period_params, *summable_params])
    # 2. The upper tree: each parent of a leaf and all its ancestors (itself at depth 0).
    add("read",
        f"CREATE TEMP TABLE nd_up AS "
        f"WITH RECURSIVE up(hid, node_id, ancestor_id, depth) AS ("
        f" SELECT DISTINCT hid, unit_id, unit_id, 0 FROM nd_parent"
        f" UNION ALL"
        f" SELECT up.hid, up.node_id, l.parent_id, up.depth + 1 FROM up"
        f" JOIN {link} l ON l.child_id = up.ancestor_id AND l.hierarchy_id = up.hid WHERE up.depth < %s"
        f") SELECT hid, node_id, ancestor_id, depth FROM up", [MAX_DEPTH + 1])
    add("check", "SELECT COUNT(*) FROM nd_up WHERE depth > %s", [MAX_DEPTH])
    # 3. Roll-ups to every ancestor.
    add("read",
        f"CREATE TEMP TABLE nd_rollup AS "
        f"SELECT h.code AS scope, {'CASE h.code ' + hier_order + ' END' if hierarchies else '0'} AS h_order, "
        f"p.indicator_id AS indicator_id, u.ancestor_id AS unit_id, p.year AS year, "
        f"SUM(p.value) AS value, SUM(p.reported) AS reported, MAX(p.syn) AS syn "
        f"FROM nd_parent p JOIN nd_up u ON u.hid = p.hid AND u.node_id = p.unit_id "
        f"JOIN {hier} h ON h.id = p.hid "
        f"GROUP BY h.code, p.indicator_id, u.ancestor_id, p.year", list(hierarchies))
    # 4. Each unit's figure: its own stored one first, else the first hierarchy's roll-up.
    # Above the leaves: an IN over the few hundred such units, probed through the hot-path index.
    own_filter = "" if include_leaves else f"AND o.unit_id IN (SELECT id FROM {unit} WHERE kind NOT IN {leaf_in}) "
    add("read",
        f"CREATE TEMP TABLE nd_fig AS "
        f"SELECT indicator_id, unit_id, year, value, syn FROM ("
        f" SELECT indicator_id, unit_id, year, value, syn, ROW_NUMBER() OVER ("
        f"  PARTITION BY indicator_id, unit_id, year ORDER BY prio) AS pick FROM ("
        f"  SELECT o.indicator_id AS indicator_id, o.unit_id AS unit_id, o.year AS year, "
        f"  CAST(o.value AS {real}) AS value, CASE WHEN o.is_synthetic THEN 1 ELSE 0 END AS syn, -1 AS prio "
        f"  FROM {obs} o "
        f"  WHERE {period_where} AND o.indicator_id IN {ind_in} {own_filter}"
        f"  UNION ALL SELECT indicator_id, unit_id, year, value, syn, h_order FROM nd_rollup) AS candidates"
        f") AS picked WHERE pick = 1",
        [*period_params, *ind_params, *([] if include_leaves else leaf_params)])
    # Ranking groups: peer groups, and siblings of the same kind under one parent in each hierarchy.
    sibling_filter = "" if include_leaves else f"AND c.kind NOT IN {leaf_in} "
    add("read",
        f"CREATE TEMP TABLE nd_member AS "
        f"SELECT 'group:' || g.code AS scope, g.id AS gid, '' AS gkind, m.unit_id AS unit_id, "
        f"g.min_reporting AS minimum FROM {member} m JOIN {group} g ON g.id = m.group_id "
        f"UNION ALL SELECT 'siblings:' || h.code, l.parent_id, c.kind, l.child_id, %s "
        f"FROM {link} l JOIN {hier} h ON h.id = l.hierarchy_id JOIN {unit} c ON c.id = l.child_id "
        f"WHERE h.code IN {hier_in} {sibling_filter}",
        [MIN_REPORTING, *hier_params, *([] if include_leaves else leaf_params)])
    # 5. The period's rows as they should be (`nd_new`), compared with those stored (`nd_old`): only the
    # difference is written. A row whose figures did not change keeps its id and `computed_at` (when its
    # figure was last computed to be what it is), so a recompute that changes nothing writes nothing; on
    # PostgreSQL a delete + insert of every row left the period's index full of dead tuples that the next
    # recompute's read walked again (docs/performance.md). The key (indicator, unit, kind, scope) is unique
    # in `nd_new`: one parent per hierarchy (`one_parent_per_hierarchy`), a unit once per peer group.
    none_real, none_int = f"CAST(NULL AS {real})", "CAST(NULL AS INTEGER)"
    leaf_growth = "" if include_leaves else f"AND e.kind NOT IN {leaf_in} "
    add("read",
        f"CREATE TEMP TABLE nd_new AS SELECT ROW_NUMBER() OVER () AS nid, n.* FROM ("
        # Roll-ups.
        f" SELECT indicator_id, unit_id, %s AS kind, scope, value, {none_real} AS last_year_value,"
        f" {none_int} AS rank, reported, 1 = 0 AS tied, syn = 1 AS is_synthetic FROM nd_rollup WHERE year = %s"
        # Growth: each unit's figure and its base side by side in one GROUP BY (one pass, no self-join).
        f" UNION ALL SELECT c.indicator_id, c.unit_id, %s, %s, (c.cur / c.base - 1.0) * 100.0, c.base,"
        f" {none_int}, {none_int}, 1 = 0, c.syn = 1"
        f" FROM (SELECT indicator_id, unit_id, MAX(CASE WHEN year = %s THEN value END) AS cur,"
        f"  MAX(CASE WHEN year = %s THEN value END) AS base, MAX(CASE WHEN year = %s THEN syn END) AS syn"
        f"  FROM nd_fig GROUP BY indicator_id, unit_id) AS c"
        f" JOIN {ind} i ON i.id = c.indicator_id JOIN {unit} e ON e.id = c.unit_id"
        f" WHERE c.base > 0 AND c.cur IS NOT NULL AND i.value_kind IN {growth_in} {leaf_growth}"
        # Ranks: RANK() gives competition ranks (并列 share the best); the direction flips the order. A group
        # ranks only when at least max(its minimum, MIN_REPORTING) members have a figure (`ranking_applies`).
        f" UNION ALL SELECT indicator_id, unit_id, %s, scope, value, {none_real},"
        f" CASE WHEN ranked THEN rnk END, reported,"
        f" ranked AND COUNT(*) OVER (PARTITION BY indicator_id, scope, gid, gkind, rnk) > 1, syn = 1 FROM ("
        f"  SELECT f.indicator_id, f.unit_id, f.value, f.syn, m.scope, m.gid, m.gkind,"
        f"  RANK() OVER (PARTITION BY f.indicator_id, m.scope, m.gid, m.gkind"
        f"   ORDER BY CASE WHEN i.direction = %s THEN f.value ELSE -f.value END) AS rnk,"
        f"  COUNT(*) OVER (PARTITION BY f.indicator_id, m.scope, m.gid, m.gkind) AS reported,"
        f"  COUNT(*) OVER (PARTITION BY f.indicator_id, m.scope, m.gid, m.gkind)"
        f"   >= CASE WHEN COALESCE(m.minimum, %s) > %s THEN COALESCE(m.minimum, %s) ELSE %s END AS ranked"
        f"  FROM nd_fig f JOIN nd_member m ON m.unit_id = f.unit_id JOIN {ind} i ON i.id = f.indicator_id"
        f"  WHERE f.year = %s AND f.value IS NOT NULL) AS r"
        f") AS n",
        [str(DerivedKind.ROLLUP), period.year,
         str(DerivedKind.GROWTH), "nominal", period.year, period.year - 1, period.year,
         *growth_params, *([] if include_leaves else leaf_params),
         str(DerivedKind.RANK), "lower", MIN_REPORTING, MIN_REPORTING, MIN_REPORTING, MIN_REPORTING, period.year])
    fixed: list[object] = [period.year, period.kind.value, period.n]
    add("store",
        f"CREATE TEMP TABLE nd_old AS SELECT id, indicator_id, unit_id, kind, scope, value, last_year_value, rank, "
        f"reported, tied, is_synthetic FROM {derived} WHERE year = %s AND period_kind = %s AND period_n = %s", fixed)

    def same(column: str, tolerance: bool = False) -> str:
        # Sums of floats may differ in the last bits between runs (PostgreSQL's parallel aggregation adds
        # partial sums in any order): within 1e-12 of the stored figure is the same figure.
        near = f" OR ABS(o.{column} - n.{column}) <= 1e-12 * ABS(o.{column})" if tolerance else ""
        return f"(o.{column} = n.{column}{near} OR (o.{column} IS NULL AND n.{column} IS NULL))"

    add("store",
        "CREATE TEMP TABLE nd_same AS SELECT o.id AS old_id, n.nid AS nid FROM nd_new n JOIN nd_old o "
        "ON o.indicator_id = n.indicator_id AND o.unit_id = n.unit_id AND o.kind = n.kind AND o.scope = n.scope "
        "AND o.tied = n.tied AND o.is_synthetic = n.is_synthetic AND "
        + " AND ".join([same("value", True), same("last_year_value", True), same("rank"), same("reported")]), [])
    add("store", f"DELETE FROM {derived} WHERE id IN (SELECT id FROM nd_old EXCEPT SELECT old_id FROM nd_same)", [])
    cols = ("indicator_id, unit_id, year, period_kind, period_n, kind, scope, value, last_year_value, rank, "
            "reported, tied, is_synthetic, computed_at")
    add("store",
        f"INSERT INTO {derived} ({cols}) "
        f"SELECT indicator_id, unit_id, %s, %s, %s, kind, scope, value, last_year_value, rank, reported, tied, "
        f"is_synthetic, %s FROM nd_new WHERE nid NOT IN (SELECT nid FROM nd_same)", [*fixed, computed_at])
    add("counts", "SELECT kind, COUNT(*) FROM nd_new GROUP BY kind", [])
    out += [("store", f"DROP TABLE IF EXISTS {name}", []) for name in TEMP_TABLES]
    return out


def _leaf_sums_upsert(period: Period, t: Tables, *, hierarchies: Sequence[str], leaf_in: tuple[str, list[object]],
                      summable_ids: Sequence[int], period_where: tuple[str, list[object]]) -> list[Statement]:
    """Step 1 for SQLite: `nd_parent` (the leaves' figures summed to each leaf's direct parent in each
    hierarchy) with the same columns and sums as the portable GROUP BY, without sorting the joined rows.

    SQLite aggregates a GROUP BY by sorting its input: at province scale the 480,000 leaf figures joined to
    their 766,000 (leaf, parent) pairs, 1.9 s of CPU in a recompute of 2.3 s (docs/performance.md). Here:
    - `nd_lck`: each leaf's parents, one column per hierarchy (0: none), and `ck`, the number of that
      combination of parents (a province has about a thousand: county × park or none);
    - `nd_k`: each leaf figure added into the row of its (combination, indicator, year), an upsert into a
      table keyed by one integer (a B-tree of a few tens of thousands of rows), once per figure instead of
      once per (figure, hierarchy) and with no sort;
    - `nd_parent`: each combination's sums added to its parent in each hierarchy (a GROUP BY over those
      few tens of thousands of rows).
    The key packs (ck, indicator, year) into one integer: ((ck × M) + indicator id) × 2 + (year − (Y − 1)),
    M = the largest indicator id + 1.
    """
    obs, unit, link, hier, real = t.observation, t.unit, t.link, t.hierarchy, t.real
    leaf_sql, leaf_params = leaf_in
    where_sql, where_params = period_where
    summable_in, summable_params = _in(list(summable_ids))
    hier_in, hier_params = _in(list(hierarchies))
    m = max(summable_ids, default=0) + 1
    base_year = period.year - 1
    cols = [f"p{i}" for i in range(len(hierarchies))]
    out: list[Statement] = []
    # One parent per hierarchy (`one_parent_per_hierarchy`), so MAX picks the only one.
    pick = ", ".join(f"COALESCE(MAX(CASE WHEN h.code = %s THEN l.parent_id END), 0) AS {c}" for c in cols)
    out.append(("read", f"CREATE TEMP TABLE nd_lck (child_id INTEGER PRIMARY KEY, ck INTEGER NOT NULL, "
                        f"{', '.join(f'{c} INTEGER NOT NULL' for c in cols)})", []))
    out.append(("read",
                f"INSERT INTO nd_lck SELECT child_id, DENSE_RANK() OVER (ORDER BY {', '.join(cols)}), {', '.join(cols)} "
                f"FROM (SELECT l.child_id AS child_id, {pick} "
                f"FROM {link} l JOIN {unit} e ON e.id = l.child_id JOIN {hier} h ON h.id = l.hierarchy_id "
                f"WHERE e.kind IN {leaf_sql} AND h.code IN {hier_in} GROUP BY l.child_id) AS leaves",
                [*hierarchies, *leaf_params, *hier_params]))
    out.append(("read", f"CREATE TEMP TABLE nd_combo (ck INTEGER PRIMARY KEY, {', '.join(f'{c} INTEGER' for c in cols)})",
                []))
    out.append(("read", f"INSERT INTO nd_combo SELECT DISTINCT ck, {', '.join(cols)} FROM nd_lck", []))
    out.append(("read", f"CREATE TEMP TABLE nd_k (k INTEGER PRIMARY KEY, value {real}, reported INTEGER, syn INTEGER)",
                []))
    out.append(("read",
                f"INSERT INTO nd_k (k, value, reported, syn) "
                f"SELECT (lp.ck * {m} + o.indicator_id) * 2 + (o.year - %s), o.value, 1, "
                f"CASE WHEN o.is_synthetic THEN 1 ELSE 0 END "
                # CROSS JOIN: the period's index range first, then the leaf's row probed by its key.
                f"FROM {obs} o CROSS JOIN nd_lck lp "
                f"WHERE lp.child_id = o.unit_id AND {where_sql} AND o.indicator_id IN {summable_in} "
                f"ON CONFLICT (k) DO UPDATE SET value = value + excluded.value, reported = reported + 1, "
                f"syn = MAX(syn, excluded.syn)",
                [base_year, *where_params, *summable_params]))
    out.append(("read", f"CREATE TEMP TABLE nd_parent (hid INTEGER, indicator_id INTEGER, unit_id INTEGER, "
                        f"year INTEGER, value {real}, reported INTEGER, syn INTEGER)", []))
    per_hierarchy = " UNION ALL ".join(
        f"SELECT (SELECT id FROM {hier} WHERE code = %s), (k.k / 2) % {m}, c.{c}, %s + k.k % 2, "
        f"SUM(k.value), SUM(k.reported), MAX(k.syn) "
        f"FROM nd_k k CROSS JOIN nd_combo c WHERE c.ck = k.k / {2 * m} AND c.{c} <> 0 "
        f"GROUP BY c.{c}, (k.k / 2) % {m}, k.k % 2" for c in cols)
    out.append(("read", f"INSERT INTO nd_parent {per_hierarchy}",
                [p for code in hierarchies for p in (code, base_year)]))
    return out
