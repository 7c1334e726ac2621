"""Computed figures kept per server process until the data under them change (the pages' read cache).

The leaders' dashboard, the targets page and benchmarking compute their figures with pandas on every visit
(about 1–2.5 s of CPU for the dashboard's monthly overview at demo scale), although the figures only
change when someone writes: an import or a publish, a revision, a target, the light rules, a backtest, the
derived figures' recompute, reference data. `memoised(name, key, compute)` keeps `compute()`'s result in
this process, keyed by `key` and by `data_stamp()`, a one-query fingerprint of those tables; the first
visit after a write sees a new stamp and computes afresh, every other visit reuses the result.

The stamp reads, in one statement of scalar sub-queries, each a look-up in an index or a small table:
- the largest observation and derived-figure ids: every import, publish and revision inserts rows (a
  revision's `is_current` flips happen in the same transaction as the new version's insert), and the
  recompute deletes and inserts the period's derived rows;
- count and latest change of targets, light rules, backtests and fitted forecasts (edits update
  `updated_at`/`computed_at`; deletions change the count);
- the largest id of units and links; count and largest id of peer-group members and indicators, and of
  the peer groups with the sum of their minimum reporting counts and provinces (a group's own minimum
  decides whether it ranks);
- the largest audit entry id: every write is audited, so an edit the other parts cannot see (a unit
  renamed in the admin) still changes the stamp.
An in-place edit that is neither audited nor in those parts (a raw SQL update of a unit's name, a
catalogue reloaded from YAML with new decimals) is seen within MAX_AGE_S, after which a result is
computed again whatever the stamp. The stamp is read before computing, so a write that lands during the computation at worst caches a result
under the older stamp, which the next visit no longer asks for. Each process holds at most MAX_ENTRIES
results (least recently used go first); values are shared read-only between the process's threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")
MAX_ENTRIES = 128
MAX_AGE_S = 600.0

_MISSING = object()
_lock = threading.Lock()
_entries: OrderedDict[tuple[Hashable, ...], tuple[float, Any]] = OrderedDict()  # key → (kept at, value)
# One lock per key, so that the threads of a process that miss the same key compute it once.
_key_locks: dict[tuple[Hashable, ...], threading.Lock] = {}


@lru_cache(maxsize=4)
def _stamp_sql(vendor: str) -> str:
    """The stamp's statement (built once per database vendor: the table names do not change)."""
    from django.apps import apps

    def table(label: str) -> str:
        return connection.ops.quote_name(apps.get_model(label)._meta.db_table)

    # Large tables: the largest id only (an index look-up; a COUNT would scan 20,000 units and 32,000 links
    # at province scale, 500,000 firms nationally). Their deletions go through the admin, which is audited.
    parts = [f"(SELECT MAX(id) FROM {table(label)})" for label in (
        "indicators.Observation", "indicators.DerivedFigure", "audit.AuditEntry", "units.Unit", "units.UnitLink")]
    for label, column in (("targets.Target", "updated_at"), ("targets.WarningScheme", "updated_at"),
                          ("forecasts.BacktestResult", "computed_at"), ("forecasts.FittedParams", "id"),
                          ("units.PeerGroupMember", "id"), ("indicators.Indicator", "id")):
        parts += [f"(SELECT COUNT(*) FROM {table(label)})", f"(SELECT MAX({column}) FROM {table(label)})"]
    groups = table("units.PeerGroup")
    parts.append(f"(SELECT COUNT(*) || '/' || COALESCE(MAX(id), 0) || '/' || COALESCE(SUM(min_reporting), 0) "
                 f"|| '/' || COALESCE(SUM(province_id), 0) FROM {groups})")
    return "SELECT " + ", ".join(parts)


def data_stamp() -> tuple[Any, ...]:
    """A fingerprint of everything the cached figures are computed from (see the module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(connection.vendor))
        row = cursor.fetchone()
    # Timestamps come back as datetimes on PostgreSQL and text on SQLite: both compare by value.
    return (connection.alias, *(str(v) if v is not None else None for v in row))


def memoised(name: str, key: Hashable, compute: Callable[[], T], stamp: tuple[Any, ...] | None = None) -> T:
    """`compute()`'s result for (name, key) at the current data stamp, computed at most once per process
    (every time when NEWIND_READ_CACHE=0: the switch to rule the cache out, and the load test's baseline).
    A view that looks up several results passes the `stamp` it read once for all of them."""
    if not settings.NEWIND_READ_CACHE:
        return compute()
    full = (name, key, data_stamp() if stamp is None else stamp)
    with _lock:
        found = _fresh(full)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        key_lock = _key_locks.setdefault(full, threading.Lock())
    with key_lock:
        with _lock:
            found = _fresh(full)
            if found is not _MISSING:
                return found  # type: ignore[no-any-return]
        value = compute()  # an exception is raised to the caller and nothing is kept
        with _lock:
            _entries[full] = (time.monotonic(), value)
            while len(_entries) > MAX_ENTRIES:
                old, _ = _entries.popitem(last=False)
                _key_locks.pop(old, None)
            _key_locks.pop(full, None)
    return value


# What a kept fragment holds in place of the CSRF token: each response gets its own (see `fragment`).
CSRF_SLOT = "newindcsrfslot"


def fragment(request: Any, name: str, key: Hashable, template_name: str, context: Callable[[], dict[str, Any]],
             stamp: tuple[Any, ...] | None = None) -> SafeString:
    """A rendered template kept like `memoised` (per process, data stamp and `key`): for the part of a page
    that is the same for every user it admits, so that a later visit pays neither the context nor the
    template. `key` must hold everything the template reads besides the data (period, mode, choices). The
    template gets no request or user; a `{% csrf_token %}` in it is kept as CSRF_SLOT and replaced by this
    request's token on the way out (Django masks the token per response anyway)."""
    def render() -> str:
        return render_to_string(template_name, {**context(), "csrf_token": CSRF_SLOT})

    html = memoised(f"fragment:{name}", key, render, stamp)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, which escaped it)


def _fresh(full: tuple[Hashable, ...]) -> Any:
    """The kept value for `full` if younger than MAX_AGE_S (marked most recently used), else _MISSING."""
    entry = _entries.get(full)
    if entry is None or time.monotonic() - entry[0] > MAX_AGE_S:
        return _MISSING
    _entries.move_to_end(full)
    return entry[1]


def clear() -> None:
    """Forget every kept result (tests call it between tests, whose rolled-back ids can repeat)."""
    with _lock:
        _entries.clear()
        _key_locks.clear()
