"""Writes for indicators and observations: the catalogue, and append-only versioned figures.

Observations are never updated in place except for the `is_current` flag. A changed figure is a new
version; the figure in force for each (indicator, unit, period) is recomputed set-wise after each write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from newind.core.bulk import bulk_insert
from newind.core.errors import AppError, Conflict
from newind.indicators.models import (
    RELEASE_PRECEDENCE,
    Direction,
    Frequency,
    ImportBatch,
    Indicator,
    Observation,
    PriceBasis,
    ValueKind,
)
from newind.indicators.periods import Period

KEY = ["indicator_id", "unit_id", "year", "period_kind", "period_n"]
CANDIDATE_COLUMNS = KEY + [
    "value", "measure_unit", "price_basis", "release", "source", "original", "is_synthetic",
]

# --- the catalogue ---------------------------------------------------------------------------------

REQUIRED_FIELDS = ("code", "name", "name_en", "unit", "direction", "frequency", "value_kind", "source_department")


def validate_indicator_definition(d: dict[str, Any]) -> list[str]:
    """Return the problems of one indicator definition (empty when valid)."""
    problems = [f"缺少字段 {f}" for f in REQUIRED_FIELDS if not d.get(f)]
    checks = [
        ("direction", Direction.values), ("frequency", Frequency.values),
        ("value_kind", ValueKind.values), ("price_basis", PriceBasis.values),
    ]
    for field_name, allowed in checks:
        if field_name in d and d[field_name] not in allowed:
            problems.append(f"{field_name}={d[field_name]!r} 无效，应为 {allowed} 之一")
    if d.get("value_kind") in (ValueKind.RATE, ValueKind.RATIO) and d.get("additive"):
        problems.append("增速、比率类指标不能跨单位加总（additive 应为 false）")
    if d.get("frequency") == Frequency.ANNUAL and d.get("cumulative"):
        problems.append("年度指标不是1—N月累计值（cumulative 应为 false）")
    known = set(REQUIRED_FIELDS) | {"cumulative", "price_basis", "additive", "growth_indicator", "decimals",
                                    "definition", "aliases"}
    problems += [f"未知字段 {k}" for k in d if k not in known]
    return problems


def read_indicator_definitions(directory: Path | None = None) -> list[dict[str, Any]]:
    """Read and validate every definitions/indicators/*.yaml; raise AppError listing all problems."""
    directory = directory or settings.DEFINITIONS_DIR / "indicators"
    definitions: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        for i, d in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            problems += [f"{path.name} 第{i + 1}项（{d.get('code', '?')}）：{p}" for p in validate_indicator_definition(d)]
            definitions.append(d)
    codes = [d.get("code") for d in definitions]
    problems += [f"指标代码 {c} 重复定义" for c in {c for c in codes if codes.count(c) > 1}]
    for d in definitions:
        if d.get("growth_indicator") and d["growth_indicator"] not in codes:
            problems.append(f"指标 {d['code']} 的 growth_indicator「{d['growth_indicator']}」未定义")
    if problems:
        raise AppError("指标定义文件有误：" + "；".join(problems))
    return definitions


@transaction.atomic
def load_indicator_catalogue(directory: Path | None = None) -> int:
    """Create or update Indicator rows from the YAML definitions; return how many."""
    definitions = read_indicator_definitions(directory)
    for order, d in enumerate(definitions):
        Indicator.objects.update_or_create(
            code=d["code"],
            defaults={
                "name": d["name"], "name_en": d["name_en"], "measure_unit": d["unit"],
                "direction": d["direction"], "frequency": d["frequency"],
                "cumulative": bool(d.get("cumulative", d["frequency"] != Frequency.ANNUAL)),
                "price_basis": d.get("price_basis", PriceBasis.NONE), "value_kind": d["value_kind"],
                "additive": bool(d.get("additive", False)), "growth_indicator": d.get("growth_indicator", ""),
                "decimals": int(d.get("decimals", 2)), "definition": d.get("definition", ""),
                "source_department": d["source_department"], "aliases": list(d.get("aliases", [])),
                "sort_order": order,
            },
        )
    return len(definitions)


# --- observations ------------------------------------------------------------------------------------


@dataclass
class ObservationPlan:
    """What writing a set of candidate figures would do. Each frame has the candidate columns; `changed`
    also has `old_value`. Nothing is written until `apply_observation_plan`."""

    added: pd.DataFrame
    changed: pd.DataFrame
    unchanged: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "unchanged": len(self.unchanged)}

    @property
    def is_noop(self) -> bool:
        return self.added.empty and self.changed.empty

    def fingerprint(self) -> str:
        """A digest of what this plan would write (each figure added, each change old → new), so a preview
        shown to a user can be compared with the plan made again when they confirm it."""
        parts = [
            self.added[KEY + ["release", "value"]].astype(str).sort_values(KEY + ["release"]).to_csv(index=False),
            self.changed[KEY + ["release", "old_value", "value"]].astype(str).sort_values(KEY + ["release"])
            .to_csv(index=False),
        ]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _existing_versions(candidates: pd.DataFrame) -> pd.DataFrame:
    """Every stored version touching the candidates' indicators, units and years."""
    cols = ["id", *KEY, "release", "version", "value", "is_current"]
    if candidates.empty:
        return pd.DataFrame(columns=cols)
    rows = list(
        Observation.objects.filter(
            indicator_id__in=candidates["indicator_id"].unique().tolist(),
            unit_id__in=candidates["unit_id"].unique().tolist(),
            year__in=candidates["year"].unique().tolist(),
        ).values_list(*cols)
    )
    return pd.DataFrame(rows, columns=cols)


def plan_observations(candidates: pd.DataFrame) -> ObservationPlan:
    """Compare candidate figures with what is stored: added, changed (old → new) or unchanged.

    A candidate is compared with the latest stored version of the same release kind, so a yearbook
    figure beside a first release is an addition, and re-importing the same file changes nothing.
    """
    existing = _existing_versions(candidates)
    latest = (
        existing.sort_values("version").groupby([*KEY, "release"], as_index=False).last()
        [[*KEY, "release", "value"]].rename(columns={"value": "old_value"})
    )
    merged = candidates.merge(latest, on=[*KEY, "release"], how="left")
    has_old = merged["old_value"].notna()
    # Decimal equality (object dtype): 3100.9 equals 3100.90000000 as stored; a missing old value never does.
    same = has_old & (merged["old_value"] == merged["value"]).astype(bool)
    return ObservationPlan(
        added=merged[~has_old].drop(columns=["old_value"]).reset_index(drop=True),
        changed=merged[has_old & ~same].reset_index(drop=True),
        unchanged=merged[same].drop(columns=["old_value"]).reset_index(drop=True),
    )


@transaction.atomic
def apply_observation_plan(plan: ObservationPlan, batch: ImportBatch | None, user: Any = None,
                           reason: str = "") -> int:
    """Write the added and changed figures as new versions and recompute which version is current."""
    new_rows = pd.concat([plan.added, plan.changed.drop(columns=["old_value"])], ignore_index=True)
    if new_rows.empty:
        return 0
    existing = _existing_versions(new_rows)
    top = existing.sort_values("version").groupby(KEY, as_index=False).last()[[*KEY, "id", "version"]]
    top = top.rename(columns={"id": "supersedes_id", "version": "base_version"})
    new_rows = new_rows.merge(top, on=KEY, how="left")
    new_rows["base_version"] = new_rows["base_version"].fillna(0).astype(int)
    # Several new versions of one figure in one write (e.g. first release and yearbook): lower
    # precedence first, so version order follows release order.
    new_rows["precedence"] = new_rows["release"].map(RELEASE_PRECEDENCE)
    new_rows = new_rows.sort_values([*KEY, "precedence"])
    new_rows["version"] = new_rows["base_version"] + new_rows.groupby(KEY).cumcount() + 1
    new_rows["supersedes_id"] = new_rows["supersedes_id"].astype("Int64")
    new_rows["is_current"] = False
    new_rows["reason"] = reason
    new_rows["batch_id"] = batch.id if batch else None
    new_rows["created_by_id"] = getattr(user, "id", None)
    bulk_insert_observations(new_rows)
    recompute_current(new_rows[KEY].drop_duplicates())
    from newind.audit.services import record_observation_writes  # every write of figures is audited

    record_observation_writes(plan, batch, user, reason)
    from newind.indicators.jobs import recompute_after_commit  # derived figures follow every write

    recompute_after_commit(new_rows)
    return len(new_rows)


def recompute_current(keys: pd.DataFrame) -> None:
    """Set `is_current` on the winning version of each key: highest release precedence, then latest."""
    existing = _existing_versions(keys)
    if existing.empty:
        return
    existing = existing.merge(keys.drop_duplicates(), on=KEY, how="inner")
    existing["precedence"] = existing["release"].map(RELEASE_PRECEDENCE)
    winners = existing.sort_values(["precedence", "version"]).groupby(KEY).tail(1)
    should = existing["id"].isin(winners["id"])
    to_clear = existing.loc[existing["is_current"] & ~should, "id"].tolist()
    to_set = existing.loc[~existing["is_current"].astype(bool) & should, "id"].tolist()
    for ids, flag in ((to_clear, False), (to_set, True)):
        for start in range(0, len(ids), 900):
            Observation.objects.filter(id__in=ids[start:start + 900]).update(is_current=flag)


INSERT_COLUMNS = [
    "indicator_id", "unit_id", "year", "period_kind", "period_n", "value", "measure_unit", "price_basis",
    "release", "source", "original", "is_synthetic", "version", "supersedes_id", "is_current", "reason",
    "batch_id", "created_by_id",
]


def bulk_insert_observations(rows: pd.DataFrame) -> None:
    """Insert many observation rows through `core.bulk.bulk_insert` (PostgreSQL COPY of typed rows)."""
    if rows.empty:
        return
    frame = rows.reindex(columns=INSERT_COLUMNS)
    for col, default in (("original", ""), ("reason", ""), ("is_synthetic", False), ("version", 1),
                         ("is_current", True)):
        frame[col] = frame[col].fillna(default) if frame[col].notna().any() else default
    bulk_insert(Observation, frame, constants={"created_at": timezone.now()})


def make_batch(file_name: str, sha256: str, user: Any = None, source_kind: str = "import",
               plan: ObservationPlan | None = None, notes: list[str] | None = None) -> ImportBatch:
    counts = plan.counts if plan else {"added": 0, "changed": 0, "unchanged": 0}
    return ImportBatch.objects.create(
        file_name=file_name[:255], sha256=sha256, created_by=user if getattr(user, "pk", None) else None,
        source_kind=source_kind, notes=notes or [], **counts,
    )


def candidate_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a candidate frame from dicts with the candidate columns (used by services and tests)."""
    frame = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    # (astype(object): a column absent from every row is all-NaN float, which pandas 3 won't fill with text)
    frame["original"] = frame["original"].astype(object).fillna("")
    frame["is_synthetic"] = frame["is_synthetic"].astype(object).fillna(False).astype(bool)
    return frame


REVISION_REASON_MAX = 300  # Observation.reason: kept whole with each new version


def check_revision_reason(reason: str, *, noun: str = "修改") -> str:
    """A revision's reason, stripped: required, and at most REVISION_REASON_MAX characters (one rule for a
    revision from the figure's history page and for a submission's correction)."""
    reason = reason.strip()
    if not reason:
        raise AppError(f"{noun}已发布的数据必须填写{noun}原因。")
    if len(reason) > REVISION_REASON_MAX:
        raise AppError(f"{noun}原因有{len(reason)}个字，超过{REVISION_REASON_MAX}字：请精简后再提交。")
    return reason


def record_revisions(candidates: pd.DataFrame, *, reason: str, user: Any, label: str, source_kind: str,
                     digest: str = "") -> tuple[ObservationPlan, ImportBatch, int]:
    """Record corrected figures as new versions with their reason: the one revision path (the history
    page's `revise_observation` and a published submission's correction both go through it). The earlier
    versions stay in the history; precedence (修订) makes the new one current. Returns the plan, its batch
    and the rows written; refuses (AppError) when nothing changes."""
    plan = plan_observations(candidates)
    if plan.is_noop:
        raise AppError("新数值与现有数值相同，无需修改。")
    batch = make_batch(label, digest, user, source_kind, plan, [reason])
    written = apply_observation_plan(plan, batch, user, reason)
    return plan, batch, written


REVISION_CONFLICT = ("您查看之后，这项数据已被他人修改，本次修订未保存：请刷新页面，查看最新数值后再决定是否修订。")


def revise_observation(indicator: Indicator, unit_id: int, period: Period, value: Decimal, *, source: str,
                       reason: str, user: Any = None, release: str = "revised",
                       expected_version: int | None = None) -> Observation:
    """Record a corrected figure as a new version (with a reason); the old version stays visible.

    `expected_version` is the version of the current figure the user saw (0: none yet; None: no check): if
    another version is current now, nothing is written (409). Simultaneous revisions take turns on the
    current row's lock; one that still races to the same version number is the same 409.
    """
    reason = check_revision_reason(reason)
    try:
        with transaction.atomic():
            return _revise(indicator, unit_id, period, value, source=source, reason=reason, user=user,
                           release=release, expected_version=expected_version)
    except IntegrityError:
        raise Conflict(REVISION_CONFLICT) from None


def _revise(indicator: Indicator, unit_id: int, period: Period, value: Decimal, *, source: str, reason: str,
            user: Any, release: str, expected_version: int | None) -> Observation:
    key = {"indicator": indicator, "unit_id": unit_id, "year": period.year, "period_kind": period.kind.value,
           "period_n": period.n}
    locked = list(Observation.objects.select_for_update().filter(**key, is_current=True).values_list("version",
                                                                                                       flat=True))
    if expected_version is not None and (locked[0] if locked else 0) != expected_version:
        raise Conflict(REVISION_CONFLICT)
    candidates = candidate_frame([{
        "indicator_id": indicator.id, "unit_id": unit_id, "year": period.year, "period_kind": period.kind.value,
        "period_n": period.n, "value": Decimal(value), "measure_unit": indicator.measure_unit,
        "price_basis": indicator.price_basis, "release": release, "source": source,
    }])
    current = Observation.objects.filter(indicator=indicator, unit_id=unit_id, year=period.year,
                                         period_kind=period.kind.value, period_n=period.n, is_current=True)
    old = current.values_list("value", flat=True).first()  # for the audit log's before → after
    record_revisions(candidates, reason=reason, user=user, label=f"修订：{indicator.name} {period.label}",
                     source_kind="revision")
    from newind.audit.services import record  # the revised figure, before → after

    record("observation.revise", user=user, unit=unit_id, object_type="indicators.indicator",
           object_id=indicator.code, before={"value": old, "period": period.key},
           after={"value": str(value), "period": period.key, "release": release, "reason": reason},
           summary=f"修订 {indicator.name} {period.label}：{old} → {value}（{reason}）。")
    return Observation.objects.get(indicator=indicator, unit_id=unit_id, year=period.year,
                                   period_kind=period.kind.value, period_n=period.n, is_current=True)
