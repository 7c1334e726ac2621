"""Reads for policy matching and payouts: the firm frame (one query per source), totals (one GROUP BY each)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.apps import apps
from django.db import connections
from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast

from newind.core.errors import NotFound
from newind.enterprises.choices import ABOVE, DEREGISTERED
from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Indicator, Observation
from newind.mujun.choices import RunState
from newind.mujun.models import FirmResult
from newind.policies import calc
from newind.policies.choices import PUBLISHED
from newind.policies.models import Payout, Policy

# --- the catalogue as the reasons name it ------------------------------------------------------------------


def figure_catalogue() -> dict[str, calc.Figure]:
    """Every indicator's name and measure unit by code (what criteria may name and reasons say)."""
    return {code: calc.Figure(name, unit) for code, name, unit in
            Indicator.objects.values_list("code", "name", "measure_unit")}


def rules_of(policy: Policy) -> calc.Rules:
    """A stored policy's criteria, parsed (they were validated when saved)."""
    return calc.Rules(policy.code, tuple(calc.parse_criteria(policy.criteria, where=f"政策「{policy.title}」")))


# --- the firm frame ----------------------------------------------------------------------------------------

def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset straight from the cursor: the frame converts whole columns, so
    Django's per-value converters (a third of the read on SQLite for 100,000 figures) are skipped. The
    columns come back in the order the values_list names them (no annotation sits before a field)."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


REGISTRY_COLUMNS = ["unit_id", "unit__code", "credit_code", "unit__name", "county__code", "county__name",
                    "park__code", "size", "unit__industry_code", "park__park_profile__level", "founded_on",
                    "dishonest"]


def firm_frame(year: int, figure_codes: Sequence[str], *, unit_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per registered (not deregistered) firm with the columns of calc.FRAME_COLUMNS and one float
    column per indicator in `figure_codes` (the year's annual figure, else its 1—12月 cumulative figure;
    NaN when neither exists). Three queries whatever the number of firms: the registry, the figures, the
    latest published 亩均 classes."""
    profiles = EnterpriseProfile.objects.exclude(status=DEREGISTERED)
    ids = None if unit_ids is None else [int(i) for i in unit_ids]
    if ids is not None:
        profiles = profiles.filter(unit_id__in=ids)
    firms = pd.DataFrame(_rows(profiles.values_list(*REGISTRY_COLUMNS)), columns=REGISTRY_COLUMNS).rename(columns={
        "unit__code": "code", "unit__name": "name", "county__code": "county", "county__name": "county_name",
        "park__code": "park", "unit__industry_code": "industry", "park__park_profile__level": "park_level"})
    firms["above_size"] = firms["size"] == ABOVE
    firms["park"] = firms["park"].fillna("")
    # A firm in a park without a park profile: in a park, level not known to the registry.
    firms["park_level"] = firms["park_level"].where(firms["park"] != "", "").fillna("")
    firms["dishonest"] = firms["dishonest"].fillna(False).astype(bool)
    firms["founded_on"] = pd.to_datetime(firms["founded_on"], errors="coerce")
    firms["mujun_class"] = firms["unit_id"].map(mujun_classes(year, ids)).astype(object)
    firms = firms[calc.FRAME_COLUMNS].sort_values("code").reset_index(drop=True)
    values = year_figures(year, figure_codes, ids)
    for code in figure_codes:
        firms[code] = firms["unit_id"].map(values.get(code, {})).astype(float)
    return firms


def year_figures(year: int, codes: Sequence[str], unit_ids: list[int] | None = None) -> dict[str, dict[int, float]]:
    """code → {unit_id: value} of the year's current figures: the annual one, else 1—12月 (one query on the
    hot-path index; a firm filter is applied only for a few firms, as a long IN list is slower than the merge)."""
    if not codes:
        return {}
    by_id = dict(Indicator.objects.filter(code__in=list(codes)).values_list("id", "code"))
    qs = Observation.objects.filter(is_current=True, year=int(year), indicator_id__in=list(by_id),
                                    period_kind__in=["Y", "M"], period_n__in=[0, 12])
    if unit_ids is not None and len(unit_ids) <= 500:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = pd.DataFrame(_rows(qs.annotate(v=Cast("value", FloatField()))
                              .values_list("unit_id", "indicator_id", "period_kind", "v")),
                        columns=["unit_id", "indicator_id", "kind", "value"])
    rows = rows[((rows["kind"] == "Y") | (rows["kind"] == "M"))]
    # The annual figure wins over the December cumulative one ("Y" sorts after "M").
    rows = rows.sort_values("kind").drop_duplicates(["unit_id", "indicator_id"], keep="last")
    out: dict[str, dict[int, float]] = {}
    for ind_id, group in rows.groupby("indicator_id"):
        out[by_id[int(ind_id)]] = dict(zip(group["unit_id"].astype(int), group["value"].astype(float), strict=True))  # type: ignore[call-overload]
    return out


def mujun_classes(year: int, unit_ids: list[int] | None = None) -> dict[int, str]:
    """unit_id → class of the firm's latest published 亩均 result of `year` or before (one query)."""
    qs = FirmResult.objects.filter(run__state=RunState.PUBLISHED, run__year__lte=int(year), unit__isnull=False)
    if unit_ids is not None and len(unit_ids) <= 500:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = pd.DataFrame(_rows(qs.exclude(klass="").values_list("unit_id", "klass", "run__year", "run__version")),
                        columns=["unit_id", "klass", "year", "version"])
    rows = rows.sort_values(["year", "version"]).drop_duplicates("unit_id", keep="last")
    return dict(zip(rows["unit_id"].astype(int), rows["klass"].astype(str), strict=True))


# --- matching -------------------------------------------------------------------------------------------------


@dataclass
class PolicyMatch:
    """One policy against one firm, every criterion with its mark and reason."""

    policy: Policy
    outcome: str
    delivery: str
    reasons: list[tuple[str, str]]
    must_supply: list[str]

    def as_dict(self) -> dict[str, Any]:
        from newind.policies.choices import Delivery, Outcome

        return {"code": self.policy.code, "title": self.policy.title, "doc_number": self.policy.doc_number,
                "level": self.policy.get_level_display(), "outcome": self.outcome,
                "outcome_label": Outcome(self.outcome).label, "delivery": Delivery(self.delivery).label,
                "criteria": [{"mark": m, "reason": r} for m, r in self.reasons], "must_supply": self.must_supply}


def _must_supply(reasons: list[tuple[str, str]], criteria: Sequence[calc.Criterion],
                 figures: dict[str, calc.Figure]) -> list[str]:
    """What the firm must supply: each criterion still '?' for it (data missing, or never held)."""
    return [calc.criterion_label(c, figures) if not c.held else r.removesuffix(" ?")
            for c, (m, r) in zip(criteria, reasons, strict=True) if m == "?"]


def matches_for_firm(unit_id: int, year: int, policies: QuerySet[Policy] | None = None) -> list[PolicyMatch]:
    """Every published policy (or those given) against one firm, with every reason."""
    chosen = list((policies if policies is not None else Policy.objects.filter(status=PUBLISHED)).order_by("code"))
    figures = figure_catalogue()
    rules = [rules_of(p) for p in chosen]
    frame = firm_frame(year, calc.figures_needed(c for r in rules for c in r.criteria), unit_ids=[unit_id])
    if frame.empty:
        raise NotFound("未找到该企业的档案（或已注销）：请检查统一社会信用代码。")
    out = []
    # shared by the policies: a criterion they have in common is judged once
    cols, cache = calc.Columns(frame, year), dict[str, calc.Judged]()
    for policy, rule in zip(chosen, rules, strict=True):
        codes, reasons = calc.explain(frame, rule.criteria, year, figures, cols=cols, cache=cache)
        outcome = calc.OUTCOME_CODES[int(codes[0])]
        out.append(PolicyMatch(policy, str(outcome.value), str(calc.delivery(rule.criteria).value), reasons[0],
                               _must_supply(reasons[0], rule.criteria, figures)))
    return out


@dataclass
class FirmMatch:
    unit_id: int
    code: str
    name: str
    county: str
    outcome: str
    reasons: list[tuple[str, str]]
    must_supply: list[str]

    def as_dict(self) -> dict[str, Any]:
        from newind.policies.choices import Outcome

        return {"code": self.code, "name": self.name, "county": self.county, "outcome": self.outcome,
                "outcome_label": Outcome(self.outcome).label,
                "criteria": [{"mark": m, "reason": r} for m, r in self.reasons], "must_supply": self.must_supply}


def eligible_firms(policy: Policy, year: int, *, unit_ids: Iterable[int] | None = None,
                   outcomes: Sequence[str] = ("qualified", "unknown", "close")) -> list[FirmMatch]:
    """The firms (all registered, or those given) against one policy: those with an outcome in `outcomes`
    (default: qualified and close — only '?' or exactly one ×), qualified first, with every reason."""
    figures = figure_catalogue()
    rule = rules_of(policy)
    frame = firm_frame(year, calc.figures_needed(rule.criteria), unit_ids=unit_ids)
    codes, reasons = calc.explain(frame, rule.criteria, year, figures)
    order = {"qualified": 0, "unknown": 1, "close": 2, "missed": 3}
    wanted = [k for k, v in calc.OUTCOME_CODES.items() if str(v.value) in outcomes]
    shown = np.flatnonzero(np.isin(codes, wanted))  # the firms to list (chosen set-wise, then one row each)
    rows = frame.iloc[shown][["unit_id", "code", "name", "county_name"]].to_numpy()
    out = [FirmMatch(int(r[0]), str(r[1]), str(r[2]), str(r[3] or ""), str(calc.OUTCOME_CODES[int(codes[i])].value),
                     reasons[i], _must_supply(reasons[i], rule.criteria, figures)) for i, r in zip(shown, rows, strict=True)]
    return sorted(out, key=lambda m: (order[m.outcome], m.code))


def qualified_unit_ids(policy: Policy, year: int) -> list[int]:
    """The firms that qualify for the policy (every criterion ✓), set-wise."""
    rule = rules_of(policy)
    frame = firm_frame(year, calc.figures_needed(rule.criteria))
    matrix = calc.match_matrix(frame, [rule], year, figure_catalogue())
    return [int(i) for i in matrix.unit_ids[matrix.outcomes[:, 0] == 3]]


# --- officials to tell ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    user_id: int | None
    name: str


def officials_for_firms(firm_unit_ids: Sequence[int]) -> dict[int, list[Official]]:
    """firm unit id → who is told of the firm's new matches: its paired officials (newind.pairing, today's
    pairings) and, for a firm no one is paired with, the firm's own users (also a platform installed without
    the pairing app). Two queries for all the firms."""
    ids = [int(i) for i in firm_unit_ids]
    paired: dict[int, list[Official]] = {}
    if apps.is_installed("newind.pairing"):
        from newind.pairing import queries as pairing

        paired = {int(k): [_official(v) for v in vs] for k, vs in pairing.officials_for_firms(ids).items() if vs}
    unpaired = [i for i in ids if i not in paired]
    return {**paired, **firm_users(unpaired)} if unpaired else paired


def _official(item: Any) -> Official:
    """An official as the pairing app gives it: a user, a dict or an object with user_id/name."""
    if isinstance(item, dict):
        return Official(item.get("user_id"), str(item.get("name") or item.get("username") or ""))
    if hasattr(item, "get_username"):
        return Official(item.pk, item.get_full_name() or item.get_username())
    return Official(getattr(item, "user_id", None), str(getattr(item, "name", item)))


def firm_users(firm_unit_ids: Sequence[int]) -> dict[int, list[Official]]:
    """firm unit id → the active users whose account is tied to that firm (one query)."""
    from newind.accounts.models import Profile

    out: dict[int, list[Official]] = {}
    rows = (Profile.objects.filter(unit_id__in=list(firm_unit_ids), user__is_active=True)
            .values_list("unit_id", "user_id", "user__first_name", "user__username").order_by("user_id"))
    for unit_id, user_id, first, username in rows:
        out.setdefault(int(unit_id), []).append(Official(int(user_id), first or username))
    return out


# --- payouts ----------------------------------------------------------------------------------------------


def payout_totals(payouts: QuerySet[Payout], by: str) -> list[dict[str, Any]]:
    """Totals of the payouts (万元) per policy or per county: one GROUP BY, largest first."""
    if by == "policy":
        keys = ["policy__code", "policy__title"]
    elif by == "county":
        keys = ["firm__enterprise__county__code", "firm__enterprise__county__name"]
    else:
        raise ValueError(by)
    rows = (payouts.order_by().values(*keys).annotate(total=Sum("amount"), n=Count("id"),
                                                          firms=Count("firm", distinct=True)).order_by("-total"))
    return [{"code": r[keys[0]] or "", "name": r[keys[1]] or "（未登记县市区）", "total": r["total"] or Decimal(0),
             "payouts": r["n"], "firms": r["firms"]} for r in rows]


def search_policies(qs: QuerySet[Policy], text: str = "", status: str = "", level: str = "",
                    category: str = "") -> QuerySet[Policy]:
    """Filter the library by a text (title, 文号, issuer) and its choices."""
    text = " ".join(str(text).split())[:60]
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(doc_number__icontains=text) | Q(issuer__icontains=text)
                       | Q(code__icontains=text))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("department").order_by("status", "code")
