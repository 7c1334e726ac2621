"""Writes of the enterprise registry: a registry file → checked records → plan (added / changed / unchanged)
→ preview → all-or-nothing write, the same discipline as figure imports (indicators.services).

Every field an import changes gets an `EnterpriseChange` row (who, when, old → new, batch) and each write is
one audit entry; re-importing the same file plans nothing and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from newind.core.bulk import bulk_insert
from newind.core.errors import AppError, Problem
from newind.enterprises import calc, choices
from newind.enterprises.choices import ChangeKind, SizeClass, Status
from newind.enterprises.models import EnterpriseChange, EnterpriseProfile, RegistryBatch
from newind.imports import parsing
from newind.units.models import Hierarchy, Unit, UnitKind, UnitLink
from newind.units.services import ADMIN_HIERARCHY, PARK_HIERARCHY

COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.ZONE)
# The profile's own columns among calc.TRACKED (the others live on the Unit).
UNIT_FIELDS = ("name", "short_name", "industry_code")


def lookups() -> calc.Lookups:
    """Counties (and functional zones) and parks by normalised name, short name and code."""
    counties: dict[str, int] = {}
    parks: dict[str, int] = {}
    names: dict[str, list[str]] = {"county": [], "park": []}
    for u in Unit.objects.filter(kind__in=[*COUNTY_KINDS, UnitKind.PARK]).order_by("sort_order", "code"):
        target, key = (parks, "park") if u.kind == UnitKind.PARK else (counties, "county")
        for text in (u.code, u.division_code, u.name, u.short_name):
            if text:
                target.setdefault(calc.norm(text), u.id)
        names[key].append(u.name)
    return calc.Lookups(counties, parks, names["county"], names["park"])


def existing_frame(codes: list[str] | None = None) -> pd.DataFrame:
    """The registry as it stands (credit_code and the tracked fields), optionally for some codes only."""
    qs = EnterpriseProfile.objects.all()
    if codes is not None:
        qs = qs.filter(credit_code__in=codes)
    cols = ["credit_code", "unit_id", "unit__name", "unit__short_name", "county_id", "park_id", "size",
            "unit__industry_code", "status", "land_area", "land_rented", "is_utility", "founded_on", "dishonest"]
    frame = pd.DataFrame(list(qs.values_list(*cols)), columns=cols)
    return frame.rename(columns={"unit__name": "name", "unit__short_name": "short_name",
                                 "unit__industry_code": "industry_code"})


@dataclass
class RegistryPreview:
    """What importing a registry file would do. Nothing is written until `apply_registry_import`."""

    file_name: str
    sha256: str
    records: pd.DataFrame
    added: pd.DataFrame
    changes: list[dict[str, Any]]
    unchanged: int
    notes: list[str] = field(default_factory=list)

    @property
    def changed_codes(self) -> list[str]:
        return sorted({c["credit_code"] for c in self.changes})

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed_codes), "unchanged": self.unchanged}

    @property
    def is_noop(self) -> bool:
        return self.added.empty and not self.changes

    def fingerprint(self) -> str:
        """A digest of what the plan would write, compared again when the user confirms the preview."""
        added = self.added.astype(str).sort_values("credit_code").to_csv(index=False) if not self.added.empty else ""
        changes = json.dumps(sorted((c["credit_code"], c["field"], str(c["old"]), str(c["new"]))
                                    for c in self.changes), ensure_ascii=False)
        return hashlib.sha256(f"{added}\n{changes}".encode()).hexdigest()

    def summary(self) -> str:
        c = self.counts
        return f"新增企业 {c['added']} 家，变更 {c['changed']} 家（{len(self.changes)} 项），未变 {c['unchanged']} 家。"

    def change_lines(self, limit: int | None = 50) -> list[dict[str, str]]:
        """The changes as display rows: credit code, name, field label, old → new."""
        names = dict(zip(self.records["credit_code"], self.records.get("name", self.records["credit_code"]),
                         strict=True))
        labels = unit_labels({v for c in self.changes if c["field"] in ("county_id", "park_id")
                              for v in (c["old"], c["new"]) if v is not None})
        rows = []
        for c in self.changes[:limit] if limit else self.changes:
            rows.append({"credit_code": c["credit_code"], "name": str(names.get(c["credit_code"], "")),
                         "field": FIELD_NAMES.get(c["field"], c["field"]),
                         "old": value_text(c["field"], c["old"], labels), "new": value_text(c["field"], c["new"], labels)})
        return rows


FIELD_NAMES = {**calc.FIELD_LABELS, "county_id": "所在县市区", "park_id": "所在园区"}


def unit_labels(ids: set[Any]) -> dict[int, str]:
    return {u.id: f"{u.name}（{u.code}）" for u in Unit.objects.filter(id__in=[int(i) for i in ids])}


def value_text(name: str, value: Any, labels: dict[int, str]) -> str:
    """How a field's value reads in the history and the preview."""
    if value is None or value == "":
        return "（空）"
    if name in ("county_id", "park_id"):
        return labels.get(int(value), str(value))
    if name == "size":
        return SizeClass(value).label
    if name == "status":
        return Status(value).label
    if name in ("is_utility", "dishonest"):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return calc_decimal_text(value)
    return str(value)


def calc_decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def prepare_registry_import(data: bytes, file_name: str, user: Any = None) -> RegistryPreview:
    """Read, check and plan a registry file; raise one AppError listing every problem. Writes nothing."""
    check_registry_import_allowed(user)
    file_name = Path(file_name).name or "上传文件"
    with parsing.upload_slot():
        _kind, sheets = parsing.read_sheets(data, file_name)
    sheets = parsing.visible_sheets(sheets)
    found = lookups()
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for sheet in sheets:
        recs = calc.sheet_records(sheet.cells, sheet.name)
        if recs is None:
            continue
        records, sheet_problems = calc.check_records(recs, found)
        frames.append(records)
        problems += sheet_problems
    if not frames:
        raise AppError(f"文件「{file_name}」中没有找到企业名录：表头应有「统一社会信用代码」「企业名称」「所在县市区」"
                       "「所在园区」「规模」「行业代码」「状态」等列。请参照导入页面的格式说明调整后再导入。")
    records = pd.concat(frames, ignore_index=True)
    dup = records["credit_code"].duplicated(keep="first") & (len(frames) > 1)
    for rec in records[dup].to_dict("records"):
        problems.append(Problem(f"统一社会信用代码「{rec['credit_code']}」在另一张工作表中已出现：同一企业只能出现一次。",
                                rec["sheet"] or None, int(rec["row"]), None))
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何企业：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    return plan_registry(records, file_name, hashlib.sha256(data).hexdigest())


def plan_registry(records: pd.DataFrame, file_name: str, sha256: str) -> RegistryPreview:
    """Compare checked records with the registry: new firms, changed fields (old → new), unchanged firms."""
    existing = existing_frame(records["credit_code"].tolist())
    added, changes, unchanged = calc.diff_records(records, existing.drop(columns=["unit_id"]))
    missing = [c for c in ("name", "county_id", "size", "industry_code", "status") if c not in added.columns]
    if not added.empty and missing:
        raise AppError("新建企业档案需要「统一社会信用代码」「企业名称」「所在县市区」「规模」「行业代码」「状态」各列："
                       f"文件中缺少{'、'.join(FIELD_NAMES[m] for m in missing)}。")
    preview = RegistryPreview(file_name, sha256, records, added, changes, len(unchanged))
    if preview.is_noop:
        preview.notes.append("企业档案均未变化：本文件中的企业已全部导入过，不会写入任何内容。")
    return preview


def check_registry_import_allowed(user: Any) -> None:
    """Only the office imports the registry (the CLI and the demo run as the system, user None)."""
    if user is None:
        return
    from newind.accounts.access import ENTERPRISE_IMPORT_PAGE

    ENTERPRISE_IMPORT_PAGE.require(user)


CONFLICT = "预览之后，企业档案已被他人修改，本次未写入任何内容：请重新上传文件、查看新的预览后再确认。"


def apply_registry_import(preview: RegistryPreview, user: Any = None, source_kind: str = "import",
                          *, expected: str | None = None, synthetic: bool = False) -> RegistryBatch | None:
    """Write a previewed registry import in one transaction; None when nothing would change.

    The plan is made again inside the transaction; if it differs from the preview (`expected`, else the
    preview's own fingerprint), nothing is written (409)."""
    check_registry_import_allowed(user)
    if preview.is_noop:
        return None
    with transaction.atomic():
        plan = plan_registry(preview.records, preview.file_name, preview.sha256)
        if plan.fingerprint() != (expected or preview.fingerprint()):
            raise AppError(CONFLICT, status=409, code="conflict")
        batch = RegistryBatch.objects.create(file_name=preview.file_name[:255], sha256=preview.sha256,
                                             created_by=user if getattr(user, "pk", None) else None,
                                             source_kind=source_kind, **plan.counts)
        now = timezone.now()
        _create_firms(plan.added, batch, user, now, synthetic)
        _change_firms(plan.changes, batch, user, now)
        from newind.audit.services import record

        record("enterprises.import", user=user, object_type="enterprises.registrybatch", object_id=batch.pk,
               after={"file": preview.file_name, "sha256": preview.sha256, **plan.counts,
                      "added": plan.added["credit_code"].tolist()[:500],
                      "changes": [{"credit_code": c["credit_code"], "field": c["field"], "old": c["old"],
                                   "new": c["new"]} for c in plan.changes[:500]]},
               summary=f"导入企业档案「{preview.file_name}」：{plan.summary()}")
    return batch


def import_registry_file(path: Path, user: Any = None, *, dry_run: bool = False) -> tuple[RegistryPreview,
                                                                                       RegistryBatch | None]:
    """Preview a registry file on disk and, unless dry_run, write it."""
    try:
        size = path.stat().st_size
    except OSError:
        raise AppError(f"找不到文件「{path}」：请检查路径。") from None
    parsing.check_upload_size(size)
    preview = prepare_registry_import(path.read_bytes(), path.name, user)
    if dry_run:
        return preview, None
    return preview, apply_registry_import(preview, user)


def _col(frame: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(object).where(frame[name].notna(), default)
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _create_firms(added: pd.DataFrame, batch: RegistryBatch, user: Any, now: Any, synthetic: bool) -> None:
    """New enterprise units, their profiles, their county and park links and a 建档 history row, set-wise."""
    if added.empty:
        return
    names, shorts = added["name"].astype(str), _col(added, "short_name", "").astype(str)
    units = pd.DataFrame({
        "code": added["credit_code"], "name": names, "short_name": shorts, "kind": "enterprise",
        "division_code": "", "credit_code": added["credit_code"], "industry_code": added["industry_code"],
        "is_synthetic": synthetic, "sort_order": 0,
    })
    bulk_insert(Unit, units)
    ids = dict(Unit.objects.filter(code__in=added["credit_code"].tolist()).values_list("code", "id"))
    unit_id = added["credit_code"].map(ids)
    profiles = pd.DataFrame({
        "unit_id": unit_id, "credit_code": added["credit_code"], "former_names": "[]",
        "size": added["size"], "status": added["status"], "county_id": added["county_id"].astype(int),
        # Int64, not float: PostgreSQL's COPY refuses "37.0" for an integer column.
        "park_id": pd.to_numeric(_col(added, "park_id", None), errors="coerce").astype("Int64"), "land_area": _col(added, "land_area", None),
        "land_rented": _col(added, "land_rented", None), "is_utility": _col(added, "is_utility", False).astype(bool),
        "founded_on": _col(added, "founded_on", None), "dishonest": _col(added, "dishonest", False).astype(bool),
        "pinyin_initials": [pinyin_initials(n, s) for n, s in zip(names, shorts, strict=True)],
        "is_synthetic": synthetic,
    })
    bulk_insert(EnterpriseProfile, profiles, constants={"updated_at": now})
    pids = dict(EnterpriseProfile.objects.filter(credit_code__in=added["credit_code"].tolist())
                .values_list("credit_code", "id"))
    _link(unit_id, added["county_id"], ADMIN_HIERARCHY)
    in_park = profiles["park_id"].notna()
    if in_park.any():
        _link(unit_id[in_park], profiles.loc[in_park, "park_id"], PARK_HIERARCHY)
    history = pd.DataFrame({"profile_id": added["credit_code"].map(pids), "kind": choices.CREATED,
                            "field": "", "old_value": "", "new_value": names.str.slice(0, 200),
                            "batch_id": batch.pk, "changed_by_id": getattr(user, "pk", None)})
    bulk_insert(EnterpriseChange, history, constants={"changed_at": now})


def _link(child_ids: pd.Series, parent_ids: pd.Series, hierarchy_code: str) -> None:
    hierarchy, _ = Hierarchy.objects.get_or_create(
        code=hierarchy_code, defaults={"name": "园区归属" if hierarchy_code == PARK_HIERARCHY else "行政隶属"})
    links = pd.DataFrame({"hierarchy_id": hierarchy.pk, "parent_id": parent_ids.astype(int).to_numpy(),
                          "child_id": child_ids.astype(int).to_numpy()})
    bulk_insert(UnitLink, links)


def _change_firms(changes: list[dict[str, Any]], batch: RegistryBatch, user: Any, now: Any) -> None:
    """Apply changed fields firm by firm (changes are few) and keep each one in the history."""
    if not changes:
        return
    by_code: dict[str, list[dict[str, Any]]] = {}
    for c in changes:
        by_code.setdefault(c["credit_code"], []).append(c)
    profiles = {p.credit_code: p for p in EnterpriseProfile.objects.select_related("unit")
                .filter(credit_code__in=list(by_code))}
    labels = unit_labels({v for c in changes if c["field"] in ("county_id", "park_id")
                          for v in (c["old"], c["new"]) if v is not None})
    history = []
    for code, items in by_code.items():
        profile = profiles[code]
        unit = profile.unit
        for c in items:
            name, new = c["field"], c["new"]
            if name in UNIT_FIELDS:
                if name == "name" and unit.name and unit.name not in profile.former_names:
                    profile.former_names = [*profile.former_names, unit.name]
                setattr(unit, name, new or "")
            elif name == "county_id":
                profile.county_id = int(new)
                _move(unit, ADMIN_HIERARCHY, int(new))
            elif name == "park_id":
                profile.park_id = int(new) if new is not None else None
                _move(unit, PARK_HIERARCHY, profile.park_id)
            elif name in ("is_utility", "dishonest"):
                setattr(profile, name, bool(new))
            else:
                setattr(profile, name, new)
            history.append(EnterpriseChange(profile=profile, kind=ChangeKind.CHANGED, field=name,
                                            old_value=value_text(name, c["old"], labels)[:200],
                                            new_value=value_text(name, new, labels)[:200], batch=batch,
                                            changed_by=user if getattr(user, "pk", None) else None, changed_at=now))
        profile.pinyin_initials = pinyin_initials(unit.name, unit.short_name)
        unit.save()
        profile.save()
    EnterpriseChange.objects.bulk_create(history)


def _move(unit: Unit, hierarchy_code: str, parent_id: int | None) -> None:
    hierarchy, _ = Hierarchy.objects.get_or_create(code=hierarchy_code, defaults={"name": hierarchy_code})
    UnitLink.objects.filter(hierarchy=hierarchy, child=unit).delete()
    if parent_id is not None:
        UnitLink.objects.create(hierarchy=hierarchy, child=unit, parent_id=parent_id)


def pinyin_initials(name: str, short_name: str = "") -> str:
    """Lower-case pinyin initials of the name and the short name, space-separated ('岳阳纸业' → 'yyzy')."""
    table = calc.initials_table()
    parts = [calc.initials(text, table) for text in (name, short_name) if text]
    return " ".join(dict.fromkeys(p for p in parts if p))[:120]
