"""The top bar's search: pages of the menu, units (by name, short name or code) and indicators (by name,
alias or code), each with links only to pages the user may open.

Pinyin initials are searched on the enterprise registry's own page (/enterprises/), not here.
An enterprise appears only to users who may open its registry page (an enterprise user: its own firm).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q

from newind.accounts.access import (
    BENCHMARK_PAGE,
    TARGETS_PAGE,
    can_read_unit,
    enterprises_in_scope,
    is_business_user,
)
from newind.home.menu import entries_for

LIMIT = 20
MAX_QUERY = 50


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Hit:
    """One thing found: what it is, a line saying which it is, and where the user may open it."""

    title: str
    detail: str
    links: list[Link] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    pages: list[Hit]
    units: list[Hit]
    indicators: list[Hit]
    more_units: bool = False

    @property
    def count(self) -> int:
        return len(self.pages) + len(self.units) + len(self.indicators)


def search(user: Any, text: str) -> SearchResults:
    """Everything the user may see that matches `text` (case-insensitive, anywhere in the name or code)."""
    query = " ".join(text.split())[:MAX_QUERY]
    if not query:
        return SearchResults(query, [], [], [])
    needle = query.casefold()
    pages = [Hit(e.label, e.summary, [Link(f"打开{e.label}", e.url)]) for e in entries_for(user)
             if needle in e.label.casefold() or needle in e.summary.casefold()]
    if not is_business_user(user):
        # 三员分立: no business pages, so no units or indicators to open either.
        return SearchResults(query, pages, [], [])
    units, more = _units(user, query)
    return SearchResults(query, pages, units, _indicators(user, needle), more)


def _units(user: Any, query: str) -> tuple[list[Hit], bool]:
    from newind.units.models import Unit

    matches = Unit.objects.filter(Q(name__icontains=query) | Q(short_name__icontains=query)
                                  | Q(code__icontains=query) | Q(credit_code__icontains=query))
    # Firms the user may not open are not listed at all (their names are not public to other firms).
    matches = matches.exclude(Q(kind="enterprise") & ~Q(enterprise__in=enterprises_in_scope(user)))
    found = list(matches.select_related("enterprise").prefetch_related("peer_groups")
                 .order_by("sort_order", "code")[:LIMIT + 1])
    hits = []
    for unit in found[:LIMIT]:
        links = []
        profile = getattr(unit, "enterprise", None) if unit.kind == "enterprise" else None
        if profile is not None:
            links.append(Link("企业档案", f"/enterprises/{profile.pk}/"))
        groups = list(unit.peer_groups.all())
        if groups and BENCHMARK_PAGE.allows(user):
            links.append(Link(f"对标分析（{groups[0].name}）",
                              "/benchmark/?" + urlencode({"unit": unit.code, "group": groups[0].code})))
        # The targets page shows unpublished progress: only for units in the user's scope.
        if TARGETS_PAGE.allows(user) and can_read_unit(user, unit.id, published=False):
            links.append(Link("目标预警", "/targets/?" + urlencode({"unit": unit.code})))
        hits.append(Hit(unit.name, f"{unit.get_kind_display()} · 代码 {unit.code}", links))
    return hits, len(found) > LIMIT


def _indicators(user: Any, needle: str) -> list[Hit]:
    from newind.indicators.models import Indicator, Observation

    matched = [i for i in Indicator.objects.order_by("sort_order", "code")
               if needle in i.name.casefold() or needle in i.code.casefold()
               or any(needle in str(a).casefold() for a in i.aliases or [])][:LIMIT]
    # Where each one can be benchmarked: a peer group whose members have figures of it (one query).
    groups: dict[str, tuple[str, str]] = {}
    if matched and BENCHMARK_PAGE.allows(user):
        rows = (Observation.objects.filter(indicator__in=matched, is_current=True, unit__peer_groups__isnull=False)
                .values_list("indicator__code", "unit__peer_groups__code", "unit__peer_groups__name").distinct())
        for code, group_code, group_name in rows:
            groups.setdefault(code, (group_code, group_name))
    hits = []
    for ind in matched:
        links = []
        if ind.code in groups:
            group_code, group_name = groups[ind.code]
            links.append(Link(f"对标分析（{group_name}）",
                              "/benchmark/?" + urlencode({"group": group_code, "indicator": ind.code})))
        if TARGETS_PAGE.allows(user):
            links.append(Link("目标预警", "/targets/?" + urlencode({"indicator": ind.code})))
        aliases = [str(a) for a in ind.aliases or [] if needle in str(a).casefold() and a != ind.name]
        detail = f"计量单位 {ind.measure_unit} · 代码 {ind.code}" + (f" · 别名 {'、'.join(aliases[:3])}" if aliases else "")
        hits.append(Hit(ind.name, detail, links))
    return hits
