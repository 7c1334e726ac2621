"""Reads of pairing: the rules (definitions/pairing/rules.yaml), the key firms, the month's gaps, and
`officials_for_firms` for other apps (the policies app notifies paired officials when a policy is published).

Everything here is set-wise: one query per question, never one per firm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db.models import Count, Q, QuerySet

from newind.core.errors import AppError
from newind.pairing import calc
from newind.pairing.choices import KeySource
from newind.pairing.models import KeyFirmFlag, Official, Pairing


@dataclass(frozen=True)
class Rules:
    quota: int
    visits: int
    calls: int
    counts_as: dict[str, str]
    above_size: bool
    mujun_classes: tuple[str, ...]
    manual: bool
    major_projects: bool
    sla_profile: str
    default_category: str

    def kinds(self, what: str) -> list[str]:
        """The visit kinds that count as `what` ('visits' or 'calls')."""
        return [k for k, v in self.counts_as.items() if v == what]


def rules_path() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "pairing" / "rules.yaml"


def load_rules(path: Path | None = None) -> Rules:
    source = path or rules_path()
    return _rules(str(source), source.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _rules(path: str, _mtime: int) -> Rules:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    try:
        cadence, key, appeal = raw.get("cadence", {}), raw.get("key_firms", {}), raw.get("appeal", {})
        counts_as = {str(k): str(v) for k, v in (raw.get("counts_as") or {}).items()}
        if set(counts_as.values()) - {"visits", "calls"}:
            raise ValueError("counts_as")
        return Rules(quota=int(raw.get("quota", 5)), visits=int(cadence.get("visits", 1)),
                     calls=int(cadence.get("calls", 1)), counts_as=counts_as,
                     above_size=bool(key.get("above_size", True)),
                     mujun_classes=tuple(str(c) for c in key.get("mujun_classes", ["A"])),
                     manual=bool(key.get("manual", True)), major_projects=bool(key.get("major_projects", False)),
                     sla_profile=str(appeal.get("sla_profile", "zhongshan")),
                     default_category=str(appeal.get("default_category", "other")))
    except (AttributeError, TypeError, ValueError):
        raise AppError(f"{Path(path).name} 格式不对：quota 为整数，cadence 有 visits、calls，counts_as 的值为 visits 或 calls，"
                       "key_firms 有 above_size、mujun_classes、manual、major_projects。", code="invalid_definition") from None


# --- key firms -------------------------------------------------------------------------------------------


def project_firm_ids() -> set[int]:
    """The hook for firms with major projects (重大项目): the projects app does not exist yet, so none.
    When it lands, return the unit ids of firms owning a major project here (one query) and set
    `key_firms.major_projects: true` in definitions/pairing/rules.yaml."""
    return set()


def latest_published_mujun_runs() -> QuerySet[Any]:
    """The latest published 亩均 evaluation of the latest year that has one: per scope, its highest version."""
    from newind.mujun.choices import RunState
    from newind.mujun.models import EvaluationRun

    published = EvaluationRun.objects.filter(state=RunState.PUBLISHED)
    year = published.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return published.none()
    runs = published.filter(year=year).order_by("scope_code", "-version")
    latest: dict[str, int] = {}
    for scope, pk in runs.values_list("scope_code", "id"):
        latest.setdefault(scope, pk)
    return published.filter(pk__in=latest.values())


def key_firm_sources(rules: Rules | None = None) -> dict[int, list[str]]:
    """Every key firm (unit id) with why it is one (KeySource codes): one query per source."""
    from newind.enterprises.choices import ABOVE, DEREGISTERED
    from newind.enterprises.models import EnterpriseProfile
    from newind.mujun.models import FirmResult

    rules = rules or load_rules()
    out: dict[int, list[str]] = {}

    def add(ids: Any, source: str) -> None:
        for i in ids:
            if i is not None:
                out.setdefault(int(i), []).append(source)

    if rules.above_size:
        add(EnterpriseProfile.objects.filter(size=ABOVE).exclude(status=DEREGISTERED)
            .values_list("unit_id", flat=True), KeySource.ABOVE_SIZE)
    if rules.mujun_classes:
        add(FirmResult.objects.filter(run__in=latest_published_mujun_runs(), klass__in=rules.mujun_classes)
            .values_list("unit_id", flat=True), KeySource.MUJUN)
    if rules.manual:
        add(KeyFirmFlag.objects.values_list("firm_id", flat=True), KeySource.MANUAL)
    if rules.major_projects:
        add(project_firm_ids(), KeySource.PROJECT)
    return out


def key_firm_ids(rules: Rules | None = None) -> set[int]:
    return set(key_firm_sources(rules))


# --- pairings ----------------------------------------------------------------------------------------------


def active_in(pairings: QuerySet[Pairing], first: dt.date, last: dt.date) -> QuerySet[Pairing]:
    """Pairings active at some time between two dates (inclusive)."""
    return pairings.filter(start_date__lte=last).filter(Q(end_date__isnull=True) | Q(end_date__gte=first))


def officials_for_firms(firm_unit_ids: Any, on: dt.date | None = None) -> dict[int, list[Official]]:
    """The officials paired with each firm on a day (default today), for other apps: firm unit id → its
    officials (each an `Official` with name, unit_name, phone and `user`, None for a named contact), in name
    order. One query for all the firms; a firm no one is paired with is absent from the dict.

    Used by the policies app to tell the paired officials of the firms a newly published policy matches."""
    day = on or dt.date.today()
    ids = [int(i) for i in firm_unit_ids]
    out: dict[int, list[Official]] = {}
    if not ids:
        return out
    rows = (active_in(Pairing.objects.filter(firm_id__in=ids), day, day).select_related("official", "official__user")
            .order_by("firm_id", "official__name", "official_id"))
    for p in rows:
        found = out.setdefault(p.firm_id, [])
        if all(o.pk != p.official_id for o in found):
            found.append(p.official)
    return out


# --- the month's gaps ---------------------------------------------------------------------------------------


@dataclass
class MonthGaps:
    year: int
    month: int
    pairings: pd.DataFrame  # every active pairing with its counts (calc.GAP_COLUMNS)
    gaps: pd.DataFrame  # the pairings short of their cadence, with missing_visits / missing_calls
    officials: pd.DataFrame  # calc.official_gaps, with name, unit_name, phone
    firms: pd.DataFrame  # calc.firm_gaps, with name, credit_code
    unpaired: pd.DataFrame  # key firms no one is paired with this month: firm_id, name, credit_code, sources

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def counts(self) -> dict[str, int]:
        return {"pairings": len(self.pairings), "pairings_short": len(self.gaps),
                "officials_short": len(self.officials), "firms_short": len(self.firms),
                "key_firms_unpaired": len(self.unpaired)}


def contact_counts(year: int, month: int, rules: Rules | None = None) -> dict[str, Any]:
    """Annotations counting a pairing's visits and calls in the month: correlated subqueries, each an index
    range on (pairing, date), so a pairing's other months are never read."""
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from newind.pairing.models import Visit

    rules = rules or load_rules()
    first, last = calc.month_bounds(year, month)

    def counted(what: str) -> Any:
        rows = (Visit.objects.filter(pairing=OuterRef("pk"), date__gte=first, date__lte=last,
                                     kind__in=rules.kinds(what))
                .order_by().values("pairing").annotate(n=Count("id")).values("n"))
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    return {"n_visits": counted("visits"), "n_calls": counted("calls")}


def pairing_counts(pairings: QuerySet[Pairing], year: int, month: int, rules: Rules | None = None) -> pd.DataFrame:
    """One query: each pairing active in the month with its visits and calls that month (calc.GAP_COLUMNS)."""
    first, last = calc.month_bounds(year, month)
    rows = (active_in(pairings, first, last).annotate(**contact_counts(year, month, rules))
            .values_list("id", "official_id", "firm_id", "n_visits", "n_calls", "visits_per_month", "calls_per_month"))
    return pd.DataFrame(list(rows), columns=calc.GAP_COLUMNS).astype(
        {c: "int64" for c in calc.GAP_COLUMNS})


def month_gaps(pairings: QuerySet[Pairing], year: int, month: int, *, with_unpaired: bool = True) -> MonthGaps:
    """The gaps of a month among `pairings` (the user's scope): pairings, officials and firms short of the
    cadence, and (with_unpaired) the key firms no pairing covers in that month."""
    from newind.units.models import Unit

    rules = load_rules()
    rows = pairing_counts(pairings, year, month, rules)
    gaps = calc.pairing_gaps(rows)
    officials = calc.official_gaps(gaps)
    firms = calc.firm_gaps(rows)
    officials, firms = _ids(officials, "official_id"), _ids(firms, "firm_id")
    people = _ids(pd.DataFrame(list(Official.objects.filter(pk__in=officials["official_id"].tolist())
                                    .values_list("id", "name", "unit_name", "phone")),
                               columns=["official_id", "name", "unit_name", "phone"]), "official_id")
    officials = officials.merge(people, on="official_id", how="left").sort_values(["name", "official_id"])
    if with_unpaired:
        first, last = calc.month_bounds(year, month)
        sources = key_firm_sources(rules)
        covered = set(active_in(Pairing.objects.all(), first, last).values_list("firm_id", flat=True))
        unpaired_ids = sorted(set(sources) - covered)
    else:
        sources, unpaired_ids = {}, []
    names = _ids(pd.DataFrame(list(Unit.objects.filter(pk__in=[*firms["firm_id"].tolist(), *unpaired_ids])
                                   .values_list("id", "name", "credit_code")),
                              columns=["firm_id", "firm_name", "credit_code"]), "firm_id")
    firms = firms.merge(names, on="firm_id", how="left").sort_values(["firm_name", "firm_id"])
    unpaired = _ids(pd.DataFrame({"firm_id": unpaired_ids}), "firm_id").merge(names, on="firm_id", how="left")
    unpaired["sources"] = [
        "、".join(KeySource(s).label for s in sources.get(i, [])) for i in unpaired["firm_id"]]
    unpaired = unpaired.sort_values(["firm_name", "firm_id"]).reset_index(drop=True)
    return MonthGaps(year, month, rows, gaps, officials.reset_index(drop=True), firms.reset_index(drop=True), unpaired)


def _ids(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The id column as integers even when the frame is empty (an empty frame's columns are objects)."""
    return frame.astype({column: "int64"})


def gap_detail(gaps: MonthGaps, limit: int | None = None) -> list[dict[str, Any]]:
    """The pairings short of their cadence as display rows (official, firm, done / required), in official
    and firm name order; `limit` rows at most (the database sorts and cuts)."""
    if gaps.gaps.empty:
        return []
    by_id = {int(r["pairing_id"]): r for r in gaps.gaps.to_dict("records")}
    found = (Pairing.objects.filter(pk__in=list(by_id)).select_related("official", "firm")
             .order_by("official__name", "firm__name", "id"))
    return [{"pairing": p, "official": p.official, "firm": p.firm, **by_id[p.pk]}
            for p in (found[:limit] if limit else found)]


def official_load(officials: QuerySet[Official], day: dt.date) -> dict[int, int]:
    """Each official's active pairings on a day (one query)."""
    rows = (active_in(Pairing.objects.filter(official__in=officials), day, day).values("official_id")
            .annotate(n=Count("id")).values_list("official_id", "n"))
    return dict(rows)
